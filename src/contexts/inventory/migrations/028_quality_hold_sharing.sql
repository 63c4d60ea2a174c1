-- The failed inspections of one receipt (the general plan's and the supplier's audit: ADR 0031 addendum of 2026-12-06)
-- hold the same units once. `receipt_ref`: the receipt (RECEIPT movement) the held units came in with, as quality said;
-- `shared_with`: the hold (inspection) whose HOLD units this one co-owns (held 0 itself); NULL: it carries its own.
-- The units stay on HOLD until every HELD hold of the group is disposed of; a SCRAP / RETURN_TO_VENDOR by any takes them.
ALTER TABLE quality_holds ADD COLUMN receipt_ref text;
ALTER TABLE quality_holds ADD COLUMN shared_with text REFERENCES quality_holds (inspection_id);
CREATE INDEX quality_holds_receipt_idx ON quality_holds (receipt_ref) WHERE receipt_ref IS NOT NULL;
CREATE INDEX quality_holds_shared_idx ON quality_holds (shared_with) WHERE shared_with IS NOT NULL;
