-- What orchestration knows of the tasks a worker holds (from tasks events): IN_PROGRESS or PAUSED, since their last
-- move. One held this long without a move raises TASK_NOT_FINISHED (the stuck-work scan).
CREATE TABLE working_tasks (
  task_id    text PRIMARY KEY,
  site_id    text NOT NULL,
  type       text NOT NULL,
  reference  text NOT NULL,
  status     text NOT NULL CHECK (status IN ('IN_PROGRESS', 'PAUSED')),
  worker_id  text,
  since      timestamptz NOT NULL
);
CREATE INDEX working_tasks_since ON working_tasks (since);
