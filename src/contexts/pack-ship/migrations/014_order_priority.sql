-- The order's priority (1 most urgent) from orders.order.received / lines-changed / reprioritised: announced with
-- pack-ship.order.ready-to-pack so the order's PACK task is as urgent as the order (an expedited order is packed first).
-- Null: an order heard of before this migration, or whose intake was not heard yet (tasks takes the default then).
ALTER TABLE orders ADD COLUMN priority smallint;
