-- ATP must not promise what cannot be picked (issue 6). Inventory keeps its own projection of location-master's
-- locations (fed by its events and by the location data its commands fetch), and sku_stock counts the AVAILABLE units
-- that sit where nobody picks: receiving, docks, pack stations, the depot, blocked or inactive locations.

-- `type` and `status` are NULL while inventory has not learned them yet (rows backfilled below); such a row counts as
-- pickable, as every location did before this migration, until its first status event or command teaches it.
CREATE TABLE locations (
  location_id text PRIMARY KEY,
  site_id     text NOT NULL,
  type        text,
  status      text CHECK (status IN ('ACTIVE', 'BLOCKED', 'INACTIVE')),
  pickable    boolean NOT NULL DEFAULT true,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((type IS NULL) = (status IS NULL))
);

-- Every real location that already holds stock gets its row, so a balance change always finds one to lock.
INSERT INTO locations (location_id, site_id)
SELECT DISTINCT ON (location_id) location_id, site_id FROM balances
WHERE location_id NOT LIKE 'IN\_PROCESS:%'
ORDER BY location_id, site_id;

-- AVAILABLE on-hand at locations whose projection row is not pickable (in-process balances never count: their
-- allocation covers them). All rows above are pickable, so 0 is exact. allocated may exceed on_hand_available − unpickable
-- (a location blocked after allocation): the release finds the shortage; hence no CHECK on that.
ALTER TABLE sku_stock ADD COLUMN unpickable integer NOT NULL DEFAULT 0;
ALTER TABLE sku_stock ADD CONSTRAINT sku_stock_unpickable_range CHECK (unpickable >= 0 AND unpickable <= on_hand_available);

-- A pickability flip sums one location's stock per SKU.
CREATE INDEX balances_site_location ON balances (site_id, location_id, sku);
