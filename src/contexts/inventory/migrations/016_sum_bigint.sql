-- The stock summary adds bigint columns (the per-SKU totals) to integer ones (movements, balances, sku_stock) in one
-- GROUP BY (ADR 0041, addendum). Core sum(bigint) accumulates and returns numeric, then the summary casts it back: the
-- slowest part of its aggregation. sum_bigint adds in bigint and fails on overflow (int8pl) instead of widening;
-- the ledger's sums stay far below 2^63 units.
CREATE AGGREGATE sum_bigint(bigint) (SFUNC = int8pl, STYPE = bigint);
