-- workload (issue 14, ADR 0033): labour standards and rosters set by managers, and projections of the floor's events
-- (orders, pick lists, tasks, locations, carrier cut-offs) that the forecast, the performance figures and the plan read.

-- Engineered labour standards per site and task type (absent rows: the defaults of domain/standards.ts).
CREATE TABLE standards (
  site_id            text NOT NULL,
  task_type          text NOT NULL CHECK (task_type IN ('PICK', 'PUTAWAY', 'REPLENISH', 'MOVE', 'COUNT', 'PACK', 'LOAD')),
  fixed_s            double precision NOT NULL CHECK (fixed_s >= 0),
  per_line_s         double precision NOT NULL CHECK (per_line_s >= 0),
  per_unit_s         double precision NOT NULL CHECK (per_unit_s >= 0),
  travel_per_line_m  double precision NOT NULL CHECK (travel_per_line_m >= 0),
  walk_speed_mps     double precision NOT NULL CHECK (walk_speed_mps > 0),
  updated_at         timestamptz NOT NULL,
  PRIMARY KEY (site_id, task_type)
);

-- Who works which minutes of a day in which zone (minutes after midnight UTC; PUT replaces a site's day).
CREATE TABLE roster_shifts (
  site_id    text NOT NULL,
  day        date NOT NULL,
  worker_id  text NOT NULL,
  zone       text NOT NULL,
  from_min   integer NOT NULL CHECK (from_min >= 0 AND from_min < 1440),
  to_min     integer NOT NULL CHECK (to_min > from_min AND to_min <= 1440),
  PRIMARY KEY (site_id, day, worker_id, from_min)
);

-- Projection: the zone of each location (location-master), to place a pick list's work in a zone.
CREATE TABLE locations (
  location_id  text PRIMARY KEY,
  site_id      text NOT NULL,
  zone         text
);

-- Projection: each site's carrier cut-offs (orchestration.carrier-cutoffs.replaced).
CREATE TABLE carrier_cutoffs (
  site_id     text NOT NULL,
  carrier     text NOT NULL,
  cutoff_min  integer NOT NULL CHECK (cutoff_min >= 0 AND cutoff_min < 1440),
  PRIMARY KEY (site_id, carrier)
);

-- Projection: pick lists (lines and the routed walking distance from the routing core) and their confirmed units.
CREATE TABLE pick_lists (
  pick_list_id  text PRIMARY KEY,
  site_id       text NOT NULL,
  line_count    integer NOT NULL,
  route_m       double precision,
  zone          text,
  created_at    timestamptz NOT NULL
);
CREATE TABLE pick_confirmations (
  event_id      text PRIMARY KEY,
  pick_list_id  text NOT NULL,
  quantity      integer NOT NULL
);
CREATE INDEX pick_confirmations_list_idx ON pick_confirmations (pick_list_id);

-- Projection: every task's assignment, start and completion (tasks.task.*), for observed durations per worker.
CREATE TABLE task_observations (
  task_id       text PRIMARY KEY,
  site_id       text NOT NULL,
  task_type     text NOT NULL,
  reference     text NOT NULL,
  status        text NOT NULL,
  worker_id     text,
  created_at    timestamptz NOT NULL,
  assigned_at   timestamptz,
  started_at    timestamptz,
  completed_at  timestamptz
);
CREATE INDEX task_observations_done_idx ON task_observations (site_id, completed_at) WHERE completed_at IS NOT NULL;

-- Projection: open outbound work, one row per order until it is packed, shipped or cancelled (stage PICK, then PACK).
CREATE TABLE open_orders (
  order_id     text PRIMARY KEY,
  site_id      text NOT NULL,
  carrier      text NOT NULL,
  received_at  timestamptz NOT NULL,
  lines        integer NOT NULL,
  units        integer NOT NULL,
  stage        text NOT NULL CHECK (stage IN ('PICK', 'PACK')),
  zone         text
);
CREATE INDEX open_orders_site_idx ON open_orders (site_id);

-- Projection: when work arrived (orders for PICK and PACK, queued tasks for the rest): the forecast's history.
CREATE TABLE arrivals (
  ref_id     text NOT NULL,
  task_type  text NOT NULL,
  site_id    text NOT NULL,
  zone       text,
  at         timestamptz NOT NULL,
  lines      integer NOT NULL,
  units      integer NOT NULL,
  PRIMARY KEY (ref_id, task_type)
);
CREATE INDEX arrivals_site_at_idx ON arrivals (site_id, at);
