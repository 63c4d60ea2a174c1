-- An order put on hold before a wave took it (ADR 0052): ON_HOLD. `held_from` is where it was when held (RECEIVED,
-- ALLOCATED or BACKORDERED); `resume_status` where releasing the hold takes it (it follows what inventory allocates
-- while the order is held); `hold_id` the hold waves keeps the order out of planning for; `hold_reason` the user's.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
  CHECK (status IN ('RECEIVED', 'ALLOCATED', 'BACKORDERED', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'CANCELLED', 'ON_HOLD'));
ALTER TABLE orders ADD COLUMN hold_id text;
ALTER TABLE orders ADD COLUMN hold_reason text CHECK (length(hold_reason) BETWEEN 1 AND 500);
ALTER TABLE orders ADD COLUMN held_from text CHECK (held_from IN ('RECEIVED', 'ALLOCATED', 'BACKORDERED'));
ALTER TABLE orders ADD COLUMN resume_status text CHECK (resume_status IN ('RECEIVED', 'ALLOCATED', 'BACKORDERED'));
ALTER TABLE orders ADD CONSTRAINT orders_hold_complete
  CHECK (status <> 'ON_HOLD' OR (hold_id IS NOT NULL AND hold_reason IS NOT NULL AND held_from IS NOT NULL AND resume_status IS NOT NULL));

-- A hold recorded before waves is asked to keep the order out of planning, and applied (the row deleted) in the same
-- transaction as `orders.order.held`: by the request or, if that never commits, on `waves.order.held`. One per order:
-- a second request while one is pending takes the same hold.
CREATE TABLE pending_holds (
  order_id     text PRIMARY KEY REFERENCES orders (id),
  hold_id      text NOT NULL,
  reason       text NOT NULL,
  requested_at timestamptz NOT NULL
);
