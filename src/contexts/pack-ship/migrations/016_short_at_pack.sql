-- Picked units found missing or damaged at the pack station (POST /pack-station/shorts): they leave `picked` (what
-- waits to be packed and shipped) and are counted here, so picking's own count of units picked still adds up
-- (picked + short_at_pack) when the order's readiness to pack is decided.
ALTER TABLE order_lines ADD COLUMN short_at_pack int4 NOT NULL DEFAULT 0;
-- The order's shipComplete policy (orders.order.received): a shipComplete order never ships partial, so no unit of it
-- is shorted at packing.
ALTER TABLE orders ADD COLUMN ship_complete boolean NOT NULL DEFAULT false;
