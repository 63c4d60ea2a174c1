-- One GTIN in any of its GS1 lengths, enforced by the database (roles hunt, 2026-12-07): migration 003's index on the
-- 14-digit form was not UNIQUE, and the check made in the writing transaction took no lock on that form, so two
-- writers naming 012345678905 and 0012345678905 at once (a create, a PATCH, an import) both passed it and made twins.
-- Twins kept from before 003 must not stop the migration: all but the oldest of each are marked `gtin_shared` and left
-- out of the unique index (as identity's migration 008 does with worker ids); a twin whose GTIN changes loses the mark.
ALTER TABLE products ADD COLUMN gtin_shared boolean NOT NULL DEFAULT false;
UPDATE products p SET gtin_shared = true
 WHERE p.gtin IS NOT NULL
   AND EXISTS (SELECT 1 FROM products o
                WHERE lpad(o.gtin, 14, '0') = lpad(p.gtin, 14, '0')
                  AND (o.created_at, o.id) < (p.created_at, p.id));
CREATE UNIQUE INDEX products_gtin14_key ON products (lpad(gtin, 14, '0')) WHERE NOT gtin_shared;
