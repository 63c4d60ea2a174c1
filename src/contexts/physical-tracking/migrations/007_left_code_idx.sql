-- A scan of a label no live or lost LPN carries says which LPN left with it (409 LPN_SHIPPED / LPN_CONSUMED, not 404):
-- the newest LPN of the site with the code among those that left the floor.
CREATE INDEX lpns_left_code_idx ON lpns (site_id, code, updated_at DESC) WHERE status IN ('SHIPPED', 'CONSUMED');
