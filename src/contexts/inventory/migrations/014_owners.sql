-- Owners (3PL clients, issue 11, ADR 0028). Stock belongs to an owner: the owner is part of every balance key, of the
-- SKU-level stock row allocation races on, and of every document that carries units (receipts, ASNs, putaways, RMAs,
-- returns to stock, replenishments, counts). Rows from before this migration belong to the default owner, `own_default`,
-- the owner of every request that names none. The column default is dropped after the backfill: a write that forgets the
-- owner fails instead of quietly giving units to the default owner.
CREATE TABLE owners (
  id         text PRIMARY KEY,
  code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,39}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO owners (id, code, name) VALUES ('own_default', 'DEFAULT', 'Default owner (own stock)');

ALTER TABLE balances ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE balances DROP CONSTRAINT balances_pkey;
ALTER TABLE balances ADD PRIMARY KEY (site_id, owner_id, sku, location_id, lot, status);
ALTER TABLE balances ALTER COLUMN owner_id DROP DEFAULT;

ALTER TABLE sku_stock ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE sku_stock DROP CONSTRAINT sku_stock_pkey;
ALTER TABLE sku_stock ADD PRIMARY KEY (site_id, owner_id, sku);
ALTER TABLE sku_stock ALTER COLUMN owner_id DROP DEFAULT;

ALTER TABLE movements ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE movements ALTER COLUMN owner_id DROP DEFAULT;
CREATE INDEX movements_site_owner_sku ON movements (site_id, owner_id, sku, seq);

ALTER TABLE allocations ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE allocations ALTER COLUMN owner_id DROP DEFAULT;
DROP INDEX allocations_backordered;
CREATE INDEX allocations_backordered ON allocations (site_id, owner_id, sku, created_at, order_id) WHERE status = 'BACKORDERED';

ALTER TABLE reservations ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE reservations ALTER COLUMN owner_id DROP DEFAULT;

ALTER TABLE short_recoveries ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE short_recoveries ALTER COLUMN owner_id DROP DEFAULT;

ALTER TABLE returns ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE returns ALTER COLUMN owner_id DROP DEFAULT;

ALTER TABLE asns ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE asns ALTER COLUMN owner_id DROP DEFAULT;

ALTER TABLE putaways ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE putaways ALTER COLUMN owner_id DROP DEFAULT;

ALTER TABLE rmas ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE rmas ALTER COLUMN owner_id DROP DEFAULT;

ALTER TABLE replenishments ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE replenishments ALTER COLUMN owner_id DROP DEFAULT;
DROP INDEX replenishments_one_open;
CREATE UNIQUE INDEX replenishments_one_open ON replenishments (to_location_id, sku, owner_id) WHERE status = 'OPEN';

ALTER TABLE counts ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE counts ALTER COLUMN owner_id DROP DEFAULT;
DROP INDEX counts_one_open;
CREATE UNIQUE INDEX counts_one_open ON counts (location_id, sku, lot, owner_id) WHERE status IN ('OPEN', 'RECOUNT', 'AWAITING_APPROVAL');

ALTER TABLE snapshot_balances ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE snapshot_balances DROP CONSTRAINT snapshot_balances_pkey;
ALTER TABLE snapshot_balances ADD PRIMARY KEY (snapshot_id, site_id, owner_id, sku, location_id, lot, status);
ALTER TABLE snapshot_balances ALTER COLUMN owner_id DROP DEFAULT;

-- Quality holds (issue 13) remember whose units they held.
ALTER TABLE quality_holds ADD COLUMN owner_id text NOT NULL DEFAULT 'own_default';
ALTER TABLE quality_holds ALTER COLUMN owner_id DROP DEFAULT;
