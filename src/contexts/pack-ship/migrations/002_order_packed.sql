-- Set once, when pack-ship.order.packed is emitted for the order: the guard that makes it once per order, whether
-- the last package completes it or picking completes with every picked unit already packed.
ALTER TABLE orders ADD COLUMN packed_at timestamptz;
