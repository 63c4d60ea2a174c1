-- ADR 0046 addendum 2026-12-05 (per-line cancellation): a line cancel before waving takes the pending-change path of a
-- line change. `line_cancel` says which line loses how many open units (and why); null for a change of the lines.
ALTER TABLE pending_changes ADD COLUMN line_cancel jsonb;
