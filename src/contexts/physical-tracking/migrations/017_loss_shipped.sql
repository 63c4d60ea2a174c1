-- A lost carton whose shipment is dispatched ships from where it was lost (ADR 0029 addendum lpn4): its loss ends
-- there, shipped (lpn6). It stayed open for good before (found_at null), a shipped carton on record as missing. A loss
-- is open while it is neither found nor shipped; `shipment_id` is the shipment it left with (null where this migration
-- cannot tell: an LPN shipped inside a lost carton before it).
ALTER TABLE lpn_losses ADD COLUMN shipped_at timestamptz, ADD COLUMN shipment_id text;
-- The losses left open by LPNs that shipped since (lpn4's dispatches before this migration).
UPDATE lpn_losses ls SET shipped_at = l.updated_at, shipment_id = l.dispatched_shipment_id
  FROM lpns l WHERE l.id = ls.lpn_id AND ls.found_at IS NULL AND l.status = 'SHIPPED';
DROP INDEX lpn_losses_open_idx;
-- At most one open loss per LPN.
CREATE UNIQUE INDEX lpn_losses_open_idx ON lpn_losses (lpn_id) WHERE found_at IS NULL AND shipped_at IS NULL;
