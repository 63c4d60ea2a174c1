-- Lost and found LPNs (ADR 0029 addendum): LOST is a status, and a scan may record a loss or a find.
ALTER TABLE lpns DROP CONSTRAINT lpns_status_check;
ALTER TABLE lpns ADD CONSTRAINT lpns_status_check
  CHECK (status IN ('OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT', 'SHIPPED', 'CONSUMED', 'LOST'));
ALTER TABLE scans DROP CONSTRAINT scans_meaning_check;
ALTER TABLE scans ADD CONSTRAINT scans_meaning_check
  CHECK (meaning IN ('RECEIVE_LPN', 'PUTAWAY_TARGET', 'PICK_INTO_TOTE', 'PACK_INTO_CARTON', 'LOAD_ONTO_PALLET', 'SHIP', 'MOVE',
    'BUILD', 'CONSOLIDATE', 'SPLIT', 'CLOSE', 'STAGE', 'LOST', 'FOUND'));

-- Every time an LPN was lost, and whether and where it was found: what a found LPN resumes (`status_before`), why it
-- was lost, and the record of it. An LPN lost inside another is lost with it (`root_lpn_id`: the one reported).
CREATE TABLE lpn_losses (
  lpn_id            text NOT NULL REFERENCES lpns (id),
  lost_at           timestamptz NOT NULL,
  site_id           text NOT NULL,
  root_lpn_id       text NOT NULL,
  status_before     text NOT NULL CHECK (status_before IN ('OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT')),
  -- Where it was last (null: it was carried).
  location_id       text,
  reason            text NOT NULL,
  reported_by       text,
  found_at          timestamptz,
  found_location_id text,
  PRIMARY KEY (lpn_id, lost_at)
);
-- At most one open loss per LPN.
CREATE UNIQUE INDEX lpn_losses_open_idx ON lpn_losses (lpn_id) WHERE found_at IS NULL;
