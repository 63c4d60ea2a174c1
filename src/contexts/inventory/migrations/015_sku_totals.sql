-- The stock summary without a ledger scan (issue 18 c, ADR 0041). `GET /inventory/summary` lists, per SKU, the ledger's
-- sums (received, shipped, adjusted, on-hand, reserved, allocated) next to the stock tables' sums; it summed the whole
-- ledger of the site on every request (about 0.7 s at 1 M movements). `sku_totals` holds those sums per site, SKU and
-- owner over every movement created before the watermark; the summary adds the movements created at or after it (the
-- tail). The `inventory.sku-totals` job folds the tail in every 30 seconds (sku-totals.ts): nothing is written on the
-- movement path. Derived data: emptying both tables and resetting the watermark to -infinity only makes the next
-- summaries slower until the job has folded the ledger again.
--
-- A row stays when every sum is zero: the summary lists every SKU that has a movement at all.
CREATE TABLE sku_totals (
  site_id   text NOT NULL,
  sku       text NOT NULL,
  owner_id  text NOT NULL,
  -- RECEIPT movements' on-hand; SHIP movements' on-hand negated; ADJUST and COUNT movements' on-hand.
  received  bigint NOT NULL,
  shipped   bigint NOT NULL,
  adjusted  bigint NOT NULL,
  -- Every movement's deltas.
  on_hand   bigint NOT NULL,
  reserved  bigint NOT NULL,
  allocated bigint NOT NULL,
  PRIMARY KEY (site_id, sku, owner_id)
);

-- One row: `sku_totals` holds exactly the movements whose created_at is before `folded_before`.
CREATE TABLE sku_totals_watermark (
  one           boolean PRIMARY KEY DEFAULT true CHECK (one),
  folded_before timestamptz NOT NULL,
  folded_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO sku_totals_watermark (folded_before) VALUES ('-infinity');
