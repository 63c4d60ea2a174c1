-- Short-pick recovery (ADR 0024).
-- The short-pick policy of each order inventory allocated (from orders.order.received; absent: ship what was picked).
CREATE TABLE order_policies (
  order_id      text PRIMARY KEY,
  ship_complete boolean NOT NULL
);

-- Units a short pick left missing on an order line that ships complete, while no pickable location holds them: they
-- wait here (WAITING) and are allocated and reserved again when stock frees up (RESERVED), or dropped when the order
-- is cancelled (CANCELLED). One row per shorted pick line.
CREATE TABLE short_recoveries (
  pick_line_id        text PRIMARY KEY,
  pick_list_id        text NOT NULL,
  order_id            text NOT NULL,
  line_id             text NOT NULL,
  site_id             text NOT NULL,
  sku                 text NOT NULL,
  wave_id             text NOT NULL,
  shorted_location_id text NOT NULL,
  quantity            integer NOT NULL CHECK (quantity > 0),
  status              text NOT NULL CHECK (status IN ('WAITING', 'RESERVED', 'CANCELLED')),
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);
CREATE INDEX short_recoveries_waiting ON short_recoveries (site_id, sku, created_at) WHERE status = 'WAITING';
CREATE INDEX short_recoveries_order ON short_recoveries (order_id);
