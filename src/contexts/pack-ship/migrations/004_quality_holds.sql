-- Packages a failed quality inspection holds (issue 13, ADR 0031): not booked nor dispatched while HELD; RELEASED lets
-- them ship; SCRAPPED keeps them from shipping for good (the order is repacked).
CREATE TABLE quality_holds (
  package_id    text PRIMARY KEY,
  order_id      text NOT NULL,
  inspection_id text NOT NULL UNIQUE,
  status        text NOT NULL CHECK (status IN ('HELD', 'RELEASED', 'SCRAPPED')),
  placed_at     timestamptz NOT NULL,
  disposed_at   timestamptz
);
