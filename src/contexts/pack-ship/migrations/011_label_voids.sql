-- A cancelled order's booked label is voided with its carrier after the cancellation commits. Until the carrier has
-- answered, the void is OWED here, in the cancellation's own transaction, so a process that stops between the commit
-- and the carrier's answer does not forget it: the label-voids job asks again (ADR 0054 addendum, 2026-12-05). DONE once
-- the carrier voided it (or no longer knows it); FAILED once it refused (pack-ship.label.void-failed, LABEL_VOID_FAILED
-- for a person). Null: nothing owed (never booked, own fleet, a carrier without voids, or before this migration).
ALTER TABLE shipments ADD COLUMN label_void text CHECK (label_void IN ('OWED', 'DONE', 'FAILED'));
CREATE INDEX shipments_label_void_owed_idx ON shipments (voided_at) WHERE label_void = 'OWED';
