-- A count of the shorted SKU already open at the shorted location stands in for a short's count (ADR 0024 addendum
-- of 2026-12-05): the short is remembered against it here, so that its event delivered again after that count closed
-- opens no second count (and no COUNT task) for a short long recovered.
CREATE TABLE short_count_stand_ins (
  short_reference text PRIMARY KEY,
  count_id text NOT NULL,
  created_at timestamptz NOT NULL
);
