-- A carton's second code (ADR 0029 addendum 2026-12-06): the SSCC-18 its shipping label carries (pack-ship.package.packed
-- `sscc`), normalised to 18 digits. Its `code` stays the package id; a scan of either names it. Null for every other LPN.
ALTER TABLE lpns ADD COLUMN sscc text;
-- An SSCC names one live LPN of a site; a carton that left the floor (shipped, consumed) or was repacked frees it.
CREATE UNIQUE INDEX lpns_live_sscc_idx ON lpns (site_id, sscc) WHERE sscc IS NOT NULL AND status IN ('OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT');
-- Which LPN that left the floor last carried an SSCC (a scan of its label: 409 LPN_SHIPPED / LPN_CONSUMED, not 404).
CREATE INDEX lpns_left_sscc_idx ON lpns (site_id, sscc, updated_at DESC) WHERE sscc IS NOT NULL AND status IN ('SHIPPED', 'CONSUMED');
