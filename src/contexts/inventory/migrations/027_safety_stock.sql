-- Safety stock (ADR 0057): units of a SKU at a site, per owner, that allocation never promises. It lives on the
-- sku_stock row allocation already locks and guards, so the allocation race needs no extra read nor lock: the
-- conditional UPDATE's condition simply subtracts it. 0 = none. `safety_stock_updated_at` is when a manager last set
-- it (null: never).
ALTER TABLE sku_stock ADD COLUMN safety_stock integer NOT NULL DEFAULT 0 CHECK (safety_stock >= 0);
ALTER TABLE sku_stock ADD COLUMN safety_stock_updated_at timestamptz;
-- The list of a site's safety stocks reads only the rows that have one.
CREATE INDEX sku_stock_safety ON sku_stock (site_id, sku, owner_id) WHERE safety_stock > 0;
