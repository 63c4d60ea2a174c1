-- Faces that need units while no reserve or storage balance has free units to bring them (every source under count,
-- held, or none at all): one row per face, owner and SKU for as long as the wait lasts, so it is said once
-- (`inventory.replenishment.waiting`: orchestration's NO_REPLENISHMENT_SOURCE) and ended once
-- (`inventory.replenishment.wait-ended`: a source found, or the need gone). The trigger is kept to ask again with it
-- when stock of the SKU is freed (a count closed, a hold released, a receipt, a move, a location unblocked).
CREATE TABLE replenishment_waits (
  id                text PRIMARY KEY,
  site_id           text NOT NULL,
  owner_id          text NOT NULL,
  sku               text NOT NULL,
  location_id       text NOT NULL,
  trigger           text NOT NULL,
  trigger_reference text,
  quantity          integer,
  since             timestamptz NOT NULL,
  UNIQUE (location_id, owner_id, sku)
);
CREATE INDEX replenishment_waits_sku_idx ON replenishment_waits (site_id, sku);
