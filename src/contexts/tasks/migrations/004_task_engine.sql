-- The task engine (issue 10): where a task starts and ends, its due time, the zone/skills/equipment it needs, the
-- worker profiles eligibility reads, at most N tasks per worker, and priority ageing. Additive: existing rows keep
-- working with NULL / empty values.

-- Where the worker goes to begin (a pick list's first stop, a putaway's source) and where they stand when done.
ALTER TABLE tasks ADD COLUMN location_id text;
ALTER TABLE tasks ADD COLUMN end_location_id text;
ALTER TABLE tasks ADD COLUMN due_at timestamptz;
ALTER TABLE tasks ADD COLUMN zone text;
ALTER TABLE tasks ADD COLUMN required_skills text[] NOT NULL DEFAULT '{}';
ALTER TABLE tasks ADD COLUMN required_equipment text[] NOT NULL DEFAULT '{}';
-- Ageing (ADR 0023): the moment the task reaches priority 0 if it keeps waiting, created_at + priority × 15 min.
-- Ordering by it is ordering by effective priority (one step per 15 minutes of waiting), so the claim walks an index.
ALTER TABLE tasks ADD COLUMN rank_at timestamptz;
UPDATE tasks SET rank_at = created_at + priority * interval '15 minutes';
ALTER TABLE tasks ALTER COLUMN rank_at SET NOT NULL;
COMMENT ON COLUMN tasks.rank_at IS 'created_at + priority x 15 min: the claim orders by it (ageing, ADR 0023)';

-- The claim walks the site's queue by effective priority (rank_at), not by priority then age any more ...
DROP INDEX tasks_queue_idx;
CREATE INDEX tasks_rank_idx ON tasks (site_id, rank_at, id) WHERE status = 'QUEUED';
-- ... after the tasks whose due time is near (due-time escalation).
CREATE INDEX tasks_due_idx ON tasks (site_id, due_at, id) WHERE status = 'QUEUED' AND due_at IS NOT NULL;

-- A worker holds at most N tasks (their profile's max_tasks, default 1): counted under the per-worker advisory lock
-- every claim, resume and batch assignment takes, so the unique index of 001 goes.
DROP INDEX tasks_one_active_per_worker;
CREATE INDEX tasks_held_idx ON tasks (worker_id, assigned_at) WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'PAUSED');
-- Where a worker stands: the end of their last completed task.
CREATE INDEX tasks_worker_done_idx ON tasks (worker_id, completed_at DESC) WHERE status = 'COMPLETED';

-- Worker profiles: what a worker may be given. No row = eligible only for tasks with no zone, skill or equipment.
CREATE TABLE workers (
  worker_id    text PRIMARY KEY,
  site_id      text NOT NULL,
  -- Empty = every zone.
  zones        text[] NOT NULL DEFAULT '{}',
  skills       text[] NOT NULL DEFAULT '{}',
  equipment    text[] NOT NULL DEFAULT '{}',
  max_tasks    integer NOT NULL DEFAULT 1 CHECK (max_tasks BETWEEN 1 AND 20),
  -- Last known location (set with the profile, e.g. where the shift starts).
  location_id  text,
  location_at  timestamptz,
  updated_at   timestamptz NOT NULL,
  version      integer NOT NULL DEFAULT 1
);
