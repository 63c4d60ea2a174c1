-- The stock summary is paged by SKU (issue 18 c, ADR 0047): a page reads the totals, balances and SKU rows of its SKUs
-- only, by a range on sku. sku_totals' key starts (site_id, sku); the balances' and sku_stock's keys start
-- (site_id, owner_id, sku), which serves a range on sku only within one owner, so without these a page without an
-- owner filter scans the site's rows. Neither column ever changes: quantity updates stay HOT, and only a new balance
-- key or SKU row writes one more index entry. Nothing is added to the movement write path.
CREATE INDEX balances_site_sku ON balances (site_id, sku);
CREATE INDEX sku_stock_site_sku ON sku_stock (site_id, sku);
