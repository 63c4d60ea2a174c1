-- Whose units and which lot a pick heard from a location was (PICK_INTO_TOTE scans of `picking.line.picked`, recorded
-- from 2026-12-06 on): a move's `sourcePickedOwnerLot` is set against the picks heard there of its own owner and lot,
-- not of every owner and lot (a pick of lot L2 not booked yet made a move of lot L1 take L1 units out of L1's pallet).
-- pick_owner_id is the owner's id (own_default for the default owner), pick_lot '' for no lot; both NULL on the scans
-- recorded before (their owner and lot are not known) and on every other scan.
ALTER TABLE scans ADD COLUMN pick_owner_id text, ADD COLUMN pick_lot text;
