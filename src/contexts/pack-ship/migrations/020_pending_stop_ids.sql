-- Every cancel's pending stop, not the latest one's only (hunt 2026-12-07): two cancels with If-Match between their
-- phases at once each record theirs, and a stale one's drop (dropStop) lifts its own only — before, a later reserve
-- replaced the earlier stop's id and its drop lifted the hold the earlier cancel, still deciding, relied on.
-- stop_pending_until is the latest lease of them; past it none holds anything back.
ALTER TABLE orders RENAME COLUMN stop_pending_id TO stop_pending_ids;
ALTER TABLE orders ALTER COLUMN stop_pending_ids TYPE text[] USING CASE WHEN stop_pending_ids IS NULL THEN NULL ELSE ARRAY[stop_pending_ids] END;
