-- Saga state of the runtime in src/platform/saga (ADR 0022) and the supervisors' exception queue.

-- One row per saga: which step it is on, its data, when it runs next. `key` is the business key (an order id):
-- one saga of a type per key, so a redelivered start has no second saga.
CREATE TABLE sagas (
  id           text PRIMARY KEY,
  type         text NOT NULL,
  key          text NOT NULL,
  site_id      text,
  status       text NOT NULL CHECK (status IN ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED')),
  -- Index into the saga's steps: the step running (RUNNING) or the next one to compensate (COMPENSATING).
  step         integer NOT NULL DEFAULT 0,
  current_step text,
  data         jsonb NOT NULL,
  -- Failed attempts of the current step (or compensation).
  attempts     integer NOT NULL DEFAULT 0,
  -- Due for a run at this time (null once finished); a signal sets it to now.
  next_run_at  timestamptz,
  -- A runner holds the saga until then (claimed with FOR UPDATE SKIP LOCKED); a crashed runner's lease runs out.
  locked_until timestamptz,
  -- The current step's timeout: past it, the step's timeout path runs. Past it and still due = stuck.
  deadline     timestamptz,
  last_error   text,
  version      integer NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  finished_at  timestamptz,
  UNIQUE (type, key)
);
CREATE INDEX sagas_due_idx ON sagas (next_run_at) WHERE status IN ('RUNNING', 'COMPENSATING');
CREATE INDEX sagas_status_idx ON sagas (status, id);

-- What happened to each step: one row per finished attempt of a run or a compensation, written once (by the runner
-- holding the saga's current version).
CREATE TABLE saga_steps (
  saga_id     text NOT NULL,
  seq         integer NOT NULL,
  step        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('RUN', 'COMPENSATE')),
  attempt     integer NOT NULL,
  status      text NOT NULL CHECK (status IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT')),
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  error       text,
  PRIMARY KEY (saga_id, seq),
  UNIQUE (saga_id, step, kind, attempt)
);

-- Signals for sagas, by type and key (a signal may arrive before its saga starts); consumed by the step that read them.
CREATE TABLE saga_signals (
  seq         bigserial PRIMARY KEY,
  saga_type   text NOT NULL,
  saga_key    text NOT NULL,
  name        text NOT NULL,
  data        jsonb NOT NULL,
  received_at timestamptz NOT NULL,
  consumed_at timestamptz
);
CREATE INDEX saga_signals_open_idx ON saga_signals (saga_type, saga_key, seq) WHERE consumed_at IS NULL;

-- The supervisors' queue: one row per stuck case, with the actions that resolve it. `case_key` names the case
-- (kind + what it is about): raising the same case again changes nothing.
CREATE TABLE exceptions (
  id           text PRIMARY KEY,
  site_id      text,
  kind         text NOT NULL,
  case_key     text NOT NULL,
  subject      text NOT NULL,
  reason       text NOT NULL,
  actions      text[] NOT NULL,
  details      jsonb NOT NULL,
  status       text NOT NULL CHECK (status IN ('OPEN', 'RESOLVED')),
  resolution   text,
  resolved_by  text,
  raised_at    timestamptz NOT NULL,
  resolved_at  timestamptz,
  version      integer NOT NULL DEFAULT 1,
  UNIQUE (kind, case_key)
);
CREATE INDEX exceptions_open_idx ON exceptions (site_id, status, id);

-- Carrier cut-offs per site: an order's ship-by is its carrier's next cut-off after intake (site-local time as UTC
-- offset minutes is out of scope: times are UTC).
CREATE TABLE carrier_cutoffs (
  site_id     text NOT NULL,
  carrier     text NOT NULL,
  -- Minutes after midnight UTC, e.g. 960 = 16:00.
  cutoff_min  integer NOT NULL CHECK (cutoff_min >= 0 AND cutoff_min < 1440),
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (site_id, carrier)
);

-- What orchestration knows of tasks (from tasks events): which QUEUED tasks wait, since when.
CREATE TABLE queued_tasks (
  task_id    text PRIMARY KEY,
  site_id    text NOT NULL,
  type       text NOT NULL,
  reference  text NOT NULL,
  queued_at  timestamptz NOT NULL
);
