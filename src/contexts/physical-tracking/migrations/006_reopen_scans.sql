-- A CLOSED LPN may be reopened (POST /lpns/{id}/reopen, or a REOPEN scan): the scan records it.
ALTER TABLE scans DROP CONSTRAINT scans_meaning_check;
ALTER TABLE scans ADD CONSTRAINT scans_meaning_check
  CHECK (meaning IN ('RECEIVE_LPN', 'PUTAWAY_TARGET', 'PICK_INTO_TOTE', 'PACK_INTO_CARTON', 'LOAD_ONTO_PALLET', 'SHIP', 'MOVE',
    'BUILD', 'CONSOLIDATE', 'SPLIT', 'CLOSE', 'STAGE', 'LOST', 'FOUND', 'REOPEN'));
