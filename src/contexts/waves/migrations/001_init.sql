-- waves: the pool of allocated orders waiting for a wave, and the waves themselves.
-- An order is in at most one active wave: pool rows are claimed under FOR UPDATE SKIP LOCKED, and the partial unique
-- index on wave_orders makes a second active membership impossible even if that code were wrong.
CREATE TABLE order_pool (
  order_id     text PRIMARY KEY,
  site_id      text NOT NULL,
  carrier      text NOT NULL,
  priority     int4 NOT NULL CHECK (priority BETWEEN 1 AND 9),
  lines        jsonb NOT NULL,
  allocated_at timestamptz NOT NULL,
  -- The PLANNED wave holding the order; NULL while it waits.
  wave_id      text
);
CREATE INDEX order_pool_waiting ON order_pool (site_id, priority, allocated_at, order_id) WHERE wave_id IS NULL;

CREATE TABLE waves (
  id           text PRIMARY KEY,
  site_id      text NOT NULL,
  carrier      text NOT NULL,
  status       text NOT NULL CHECK (status IN ('DRAFT', 'PLANNED', 'RELEASED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED')),
  max_orders   int4 NOT NULL CHECK (max_orders BETWEEN 1 AND 1000),
  version      int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  released_at  timestamptz,
  completed_at timestamptz,
  cancelled_at timestamptz
);
CREATE INDEX waves_site_status ON waves (site_id, status, id);

CREATE TABLE wave_orders (
  wave_id    text NOT NULL REFERENCES waves (id),
  order_id   text NOT NULL,
  position   int4 NOT NULL CHECK (position >= 1),
  priority   int4 NOT NULL,
  lines      jsonb NOT NULL,
  -- False once the wave is cancelled or the order was cancelled out of it.
  active     boolean NOT NULL DEFAULT true,
  removed_at timestamptz,
  picked     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (wave_id, order_id)
);
CREATE UNIQUE INDEX wave_orders_one_active_wave ON wave_orders (order_id) WHERE active;
