-- A dead letter a supervisor discarded (the DEAD_LETTER exception's `discard`): kept for the record, no longer waiting.
-- Before, only `replayed_at` ended a dead letter's wait, so a discarded one stayed counted in paklog_dead_letters and
-- the PakLogDeadLetters alert fired until someone replayed the very event they had chosen not to apply.
-- Dead-lettered again later (the same consumer and event), it waits again: the upsert clears it with `replayed_at`.
ALTER TABLE dead_letters ADD COLUMN discarded_at timestamptz;
