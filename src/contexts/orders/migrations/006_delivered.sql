-- SHIPPED → DELIVERED when the carrier delivered every shipment of the order (pack-ship.order.delivered): final.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
  CHECK (status IN ('RECEIVED', 'ALLOCATED', 'BACKORDERED', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'ON_HOLD'));
