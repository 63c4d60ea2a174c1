-- A shipComplete order's units missing or damaged at the pack bench are picked again (ADR 0024 addendum 2026-12-07):
-- their recovery waits here like a short pick's, keyed by the short at packing (`pack:<event id>`), and is told apart
-- (PACK) because the location the units were picked from still holds good stock: a retry may take it.
ALTER TABLE short_recoveries ADD COLUMN origin text CHECK (origin IN ('PACK'));
