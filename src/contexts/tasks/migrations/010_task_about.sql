-- What a task's holder holds besides its `reference` (ADR 0019 addendum 2026-12-06c): a return's MOVE task its order
-- (the cancelled order's tote), a PUTAWAY task the units waiting at the dock (`stock:<location>:<sku>:<lot>`, a received
-- pallet there). The held-work guard asks who holds a live task about them before another person's LPN command. Tasks
-- queued before this hold nothing more (their work ends as before).
ALTER TABLE tasks ADD COLUMN about text[] NOT NULL DEFAULT '{}';
