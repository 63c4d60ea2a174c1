-- The order's owner (3PL client, ADR 0028) from orders.order.received / lines-changed: pack & ship's shipment events
-- name it, so a client's webhook subscription (ownerId filter) and owner-scoped live stream hear of its shipments and
-- their tracking numbers. Null: the default owner, or an order heard of before this migration.
ALTER TABLE orders ADD COLUMN owner_id text;
