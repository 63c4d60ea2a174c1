-- Replenishment (issue 11): min/max per pick face and SKU, and the replenishments they (and short picks and wave
-- releases) request: a move of units from a reserve/storage location to the face, done by a REPLENISH task and
-- confirmed by scanning the face.

-- A face is replenished when its free units (on-hand − reserved) of the SKU drop below `min_quantity`; a replenishment
-- brings it back up to `max_quantity` on hand.
CREATE TABLE replenishment_settings (
  location_id  text NOT NULL,
  sku          text NOT NULL,
  site_id      text NOT NULL,
  min_quantity integer NOT NULL CHECK (min_quantity >= 0),
  max_quantity integer NOT NULL CHECK (max_quantity > 0 AND max_quantity >= min_quantity),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (location_id, sku)
);
CREATE INDEX replenishment_settings_site ON replenishment_settings (site_id, sku, location_id);

CREATE TABLE replenishments (
  id                text PRIMARY KEY,
  site_id           text NOT NULL,
  sku               text NOT NULL,
  lot               text NOT NULL DEFAULT '',
  -- The reserve/storage location the units come from (first to expire, then oldest, FEFO) and the face they go to.
  from_location_id  text NOT NULL,
  to_location_id    text NOT NULL CHECK (to_location_id <> from_location_id),
  quantity          integer NOT NULL CHECK (quantity > 0),
  -- Units moved by the confirm (a worker may find fewer at the source).
  moved             integer NOT NULL DEFAULT 0 CHECK (moved >= 0 AND moved <= quantity),
  status            text NOT NULL CHECK (status IN ('OPEN', 'COMPLETED', 'CANCELLED')),
  trigger           text NOT NULL CHECK (trigger IN ('LOW_STOCK', 'SHORT_PICK', 'WAVE_DEMAND', 'MANUAL')),
  -- What caused it: a movement, a pick line, a wave.
  trigger_reference text,
  confirmed_by      text,
  confirmed_at      timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'COMPLETED') = (confirmed_at IS NOT NULL))
);
-- One open replenishment per face and SKU: a second trigger finds it (idempotent triggers).
CREATE UNIQUE INDEX replenishments_one_open ON replenishments (to_location_id, sku) WHERE status = 'OPEN';
CREATE INDEX replenishments_site_status ON replenishments (site_id, status, id);
