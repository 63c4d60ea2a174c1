-- The unified task pool. One row per unit of floor work; `reference` names the work (a pick list id for PICK).
CREATE TABLE tasks (
  id           text PRIMARY KEY,
  site_id      text NOT NULL,
  type         text NOT NULL CHECK (type IN ('PICK', 'PUTAWAY', 'REPLENISH', 'MOVE', 'COUNT', 'PACK', 'LOAD')),
  reference    text NOT NULL,
  wave_id      text,
  -- Higher is more urgent; ties go to the oldest task.
  priority     integer NOT NULL DEFAULT 0,
  status       text NOT NULL CHECK (status IN ('CREATED', 'QUEUED', 'ASSIGNED', 'IN_PROGRESS', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED')),
  worker_id    text,
  created_at   timestamptz NOT NULL,
  assigned_at  timestamptz,
  started_at   timestamptz,
  completed_at timestamptz,
  updated_at   timestamptz NOT NULL,
  version      integer NOT NULL DEFAULT 1,
  CHECK (status NOT IN ('ASSIGNED', 'IN_PROGRESS', 'PAUSED') OR worker_id IS NOT NULL)
);

-- One task per piece of work: a redelivered or replayed "list created" cannot queue the list twice.
CREATE UNIQUE INDEX tasks_type_reference_key ON tasks (type, reference);
-- The claim query walks this index: the site's queue, most urgent and oldest first.
CREATE INDEX tasks_queue_idx ON tasks (site_id, priority DESC, created_at, id) WHERE status = 'QUEUED';
-- A worker holds at most one active task (the claim also serialises per worker).
CREATE UNIQUE INDEX tasks_one_active_per_worker ON tasks (worker_id) WHERE status IN ('ASSIGNED', 'IN_PROGRESS');
CREATE INDEX tasks_site_status_idx ON tasks (site_id, status, id);
