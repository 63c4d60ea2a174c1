-- workload (ADR 0052 addendum): an order on hold is no work for today's plan until its hold is released; the plan
-- counts it apart. Orders held before this migration are not marked: `paklog replay workload` marks them.
ALTER TABLE open_orders ADD COLUMN held boolean NOT NULL DEFAULT false;
