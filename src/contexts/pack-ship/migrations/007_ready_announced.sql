-- ADR 0049: pack & ship announces each order ready to pack (pack-ship.order.ready-to-pack) and orders moves the order
-- to PICKED on that announcement. An order whose picking was done before this version was never announced; its
-- `ready_announced_at` stays NULL and the `pack-ship.ready-to-pack` job announces it once. Orders packed or cancelled
-- already need no announcement.
ALTER TABLE orders ADD COLUMN ready_announced_at timestamptz;
UPDATE orders SET ready_announced_at = coalesce(ready_to_pack_at, now())
 WHERE picking_status IS NOT NULL AND (packed_at IS NOT NULL OR cancelled_at IS NOT NULL);
CREATE INDEX orders_ready_unannounced ON orders (order_id) WHERE picking_status IS NOT NULL AND ready_announced_at IS NULL;
