-- The picks heard at a location, per SKU (store.picksHeard): read by every run of floor events holding a plain move of
-- inventory out of a location (2026-12-06), set against the move's `sourcePicked`.
CREATE INDEX scans_picks_heard_idx ON scans (site_id, from_location_id, sku) WHERE meaning = 'PICK_INTO_TOTE' AND source_event_id IS NOT NULL;
