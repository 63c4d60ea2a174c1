-- One GTIN in any of its GS1 lengths (a GTIN-12 is the GTIN-13 with a leading 0 and the GTIN-14 with two): a product's
-- GTIN is compared by its 14-digit form, lpad(gtin, 14, '0'), when a product is made, changed or imported (bad-input
-- hunt, 2026-12-07). Not UNIQUE: an installation may hold such twins from before; they are refused from now on.
CREATE INDEX products_gtin14 ON products (lpad(gtin, 14, '0'));
