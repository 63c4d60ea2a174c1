-- A recall reads the ledger of one lot (GET /inventory/ledger?lot=, docs/operations/stock-history.md "Lot trace"):
-- without this index it paged through the SKU's whole ledger (movements_site_sku) and kept the lot's rows. A lot's
-- movements, in ledger order, with or without the SKU (a lot code is nearly always one product's, so the SKU is a
-- filter on the few rows of the lot). Lot-less movements ('') are never looked up by lot: left out, so a site without
-- lot-controlled products pays nothing for it.
CREATE INDEX movements_site_lot ON movements (site_id, lot, seq) WHERE lot <> '';
