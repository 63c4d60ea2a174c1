-- ADR 0046: an order whose lines are changing is held out of wave planning. A held row is waiting for no wave: it
-- names the change (orders' change id) and keeps a late `orders.order.allocated` of the old lines out of the pool
-- (its insert conflicts) until `orders.order.lines-changed` deletes it.
ALTER TABLE order_pool ADD COLUMN held_for text;
DROP INDEX order_pool_waiting;
CREATE INDEX order_pool_waiting ON order_pool (site_id, priority, allocated_at, order_id) WHERE wave_id IS NULL AND held_for IS NULL;
