-- Reject and assignment timeout (ASSIGNED → QUEUED). The last worker who rejected a task is kept so that `next`
-- does not hand it straight back to them during the cool-down (one worker only: a later reject replaces it).
ALTER TABLE tasks ADD COLUMN rejected_by text;
ALTER TABLE tasks ADD COLUMN rejected_at timestamptz;
ALTER TABLE tasks ADD CONSTRAINT tasks_rejected_pair CHECK ((rejected_by IS NULL) = (rejected_at IS NULL));
-- The timeout sweep reads only assigned tasks, oldest assignment first.
CREATE INDEX tasks_assigned_idx ON tasks (assigned_at) WHERE status = 'ASSIGNED';
