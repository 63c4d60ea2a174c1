-- Short-pick recovery (ADR 0024). A shorted line's units may be re-reserved elsewhere: until inventory says what became
-- of them (inventory.short.resolved), the line's order is not done picking, whatever its lists say.
CREATE TABLE awaiting_recovery (
  pick_line_id text PRIMARY KEY,
  order_id     text NOT NULL,
  since        timestamptz NOT NULL
);
CREATE INDEX awaiting_recovery_order ON awaiting_recovery (order_id);

-- Orders whose picking picking announced done (picking.list.completed `ordersDone`, or picking.order.picked): each once.
CREATE TABLE orders_picked (
  order_id  text PRIMARY KEY,
  picked_at timestamptz NOT NULL
);
