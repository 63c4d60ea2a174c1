-- A cancel decided here whose announcement (pack-ship.order.shipping-stopped.v1) waits until the order's picking was
-- stopped (ADR 0011, addendum 2026-12-06 quater): the event's data, owed. Orders announces it once picking is stopped
-- (PackShipApi.announceStop); a request that stopped before leaves it to the pack-ship.cancel-stops job, or to
-- orders.order.cancelled. Null: nothing owed.
ALTER TABLE orders ADD COLUMN stop_owed jsonb;
CREATE INDEX orders_stop_owed_idx ON orders (cancelled_at) WHERE stop_owed IS NOT NULL;
