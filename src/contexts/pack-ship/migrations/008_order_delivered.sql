-- Set once, when pack-ship.order.delivered is emitted for the order (the carrier delivered its last shipment and
-- nothing of it is left to ship): the guard that makes it once per order. Orders shipped before this version stay
-- NULL; their next delivered tracking report announces them.
ALTER TABLE orders ADD COLUMN delivered_at timestamptz;
