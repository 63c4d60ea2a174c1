-- ADR 0046: a change of an order's lines is recorded here before waves is asked to hold the order, and applied (the
-- row deleted) in the same transaction as `orders.order.lines-changed`: by the request, or, if that never commits, on
-- `waves.order.held`. One pending change per order; a newer request replaces it.
CREATE TABLE pending_changes (
  order_id     text PRIMARY KEY REFERENCES orders (id),
  change_id    text NOT NULL,
  lines        jsonb NOT NULL,
  ship_to      jsonb NOT NULL,
  requested_at timestamptz NOT NULL
);
