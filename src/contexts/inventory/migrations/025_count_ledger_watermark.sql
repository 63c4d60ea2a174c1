-- Where the ledger stood when a count's awaited attempt was asked for: the movements' last seq read under the counted
-- location's row lock when the count opened, moved to the first submission's when it asks for a recount. A pick takes
-- that row (FOR SHARE) before it writes its PICK movement, so a pick has a higher seq exactly when it landed after:
-- database times (a transaction's start) and the app's clock cannot say that (a pick begun before the count opened
-- and written after it has an older created_at). NULL for counts opened before: their submissions compare times.
ALTER TABLE counts ADD COLUMN since_seq bigint;
