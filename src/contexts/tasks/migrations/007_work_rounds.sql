-- Rounds of one piece of work (ADR 0035 addendum 2026-12-05). An order packed once may have units to pack again (a
-- packed package repacked): pack & ship announces it ready to pack again with the next round, and that round is a new
-- PACK task of the same reference (the order), so the first packer's completed task stays as it was. One task per
-- (type, reference, round): an announcement handed over again queues nothing twice. One live task per (type,
-- reference): a finished round never runs beside the next. Every other type has only round 1, as before.
ALTER TABLE tasks ADD COLUMN round integer NOT NULL DEFAULT 1 CHECK (round >= 1);
CREATE UNIQUE INDEX tasks_type_reference_round_key ON tasks (type, reference, round);
DROP INDEX tasks_type_reference_key;
CREATE UNIQUE INDEX tasks_one_live_per_reference ON tasks (type, reference) WHERE status NOT IN ('COMPLETED', 'CANCELLED');
