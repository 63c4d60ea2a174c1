-- The count a short pick asks for (ADR 0024 addendum of 2026-12-05): a count of the shorted SKU at the shorted
-- location, opened on `inventory.short.resolved` with task COUNT. It does not lock its location (`locks_location`
-- false: other SKUs there stay pickable, nothing waits for it); `short_reference` is the short's task reference
-- (location, SKU, pick line): one count per short and lot however often the event is delivered.
ALTER TABLE counts ADD COLUMN locks_location boolean NOT NULL DEFAULT true;
ALTER TABLE counts ADD COLUMN short_reference text;
CREATE UNIQUE INDEX counts_short_reference ON counts (short_reference, lot) WHERE short_reference IS NOT NULL;
