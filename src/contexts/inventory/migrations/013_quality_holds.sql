-- Holds quality placed (issue 13, ADR 0031): one row per failed inspection, with the units actually put on HOLD
-- (fewer than asked when some were reserved, promised or gone), so its disposition releases or scraps exactly those.
CREATE TABLE quality_holds (
  inspection_id text PRIMARY KEY,
  site_id       text NOT NULL,
  sku           text NOT NULL,
  location_id   text NOT NULL,
  lot           text NOT NULL,
  requested     integer NOT NULL CHECK (requested >= 0),
  held          integer NOT NULL CHECK (held >= 0 AND held <= requested),
  status        text NOT NULL CHECK (status IN ('HELD', 'RELEASED', 'SCRAPPED', 'RETURNED')),
  placed_at     timestamptz NOT NULL,
  disposed_at   timestamptz
);
