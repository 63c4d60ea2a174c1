-- Owners (3PL clients, ADR 0028): an order belongs to one owner and is fulfilled only from that owner's stock.
-- Orders from before this migration belong to the default owner.
ALTER TABLE orders ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE orders ALTER COLUMN owner_id DROP DEFAULT;
CREATE INDEX orders_owner_site ON orders (owner_id, site_id, id);
