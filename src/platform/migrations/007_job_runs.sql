-- When each periodic job last finished a run (platform/jobs.ts): a process that starts schedules a job's first run
-- from it, so a server killed and restarted more often than a job's period still runs the job about once a period
-- (its timers used to start afresh at every start: the first run came a full period after it, and never under a
-- crash loop). A job seen for the first time is recorded as run at that start: its first run comes a period later.
CREATE TABLE job_runs (
  name        text PRIMARY KEY,
  last_run_at timestamptz NOT NULL
);
