-- Holds of lost LPNs (ADR 0029 addendum): the units a `physical-tracking.lpn.lost` event put on HOLD, per LPN and
-- (owner, SKU, lot), at the location it was lost at; fewer than it held when some were reserved or promised. Its
-- `physical-tracking.lpn.found` moves exactly those to where it was found and releases them.
CREATE TABLE lpn_holds (
  loss_event_id     text NOT NULL,
  lpn_id            text NOT NULL,
  owner_id          text NOT NULL,
  sku               text NOT NULL,
  lot               text NOT NULL,
  site_id           text NOT NULL,
  location_id       text NOT NULL,
  requested         integer NOT NULL CHECK (requested > 0),
  held              integer NOT NULL CHECK (held >= 0 AND held <= requested),
  status            text NOT NULL CHECK (status IN ('HELD', 'RELEASED')),
  -- Units released (fewer than held when a count or an adjustment took held units meanwhile), and where.
  released          integer CHECK (released >= 0 AND released <= held),
  found_location_id text,
  placed_at         timestamptz NOT NULL,
  released_at       timestamptz,
  PRIMARY KEY (loss_event_id, lpn_id, owner_id, sku, lot)
);
CREATE INDEX lpn_holds_held_idx ON lpn_holds (lpn_id) WHERE status = 'HELD';
