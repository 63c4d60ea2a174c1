-- Holds and cycle counts (issue 11, docs/operations/counting.md).
--
-- Holds need no table: a held unit is a balance in status HOLD, QUARANTINE or DAMAGED, moved there from AVAILABLE by
-- HOLD movements and back by RELEASE movements; sku_stock.on_hand_available counts AVAILABLE units only, so held units
-- leave ATP in the same transaction.

-- A location under count: `count_locks` open counts hold it. While it is above 0 the location's projection row is not
-- pickable (its AVAILABLE units are in sku_stock.unpickable: not promised, never reserved) and moves from or to it are
-- refused. pickable = (ACTIVE and a pickable type) and count_locks = 0.
ALTER TABLE locations ADD COLUMN count_locks integer NOT NULL DEFAULT 0 CHECK (count_locks >= 0);

-- Count tolerance of a site: a variance within either bound is applied at once; none set means exact (0 units).
CREATE TABLE count_settings (
  site_id           text PRIMARY KEY,
  tolerance_units   integer CHECK (tolerance_units >= 0),
  tolerance_percent numeric(6, 2) CHECK (tolerance_percent >= 0 AND tolerance_percent <= 100),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- How often a SKU is counted at a site (catalog has no velocity class): A weekly, B monthly, C quarterly. The scheduler
-- opens counts for a SKU whose last schedule is older than its class's interval.
CREATE TABLE count_policies (
  site_id           text NOT NULL,
  sku               text NOT NULL,
  abc_class         text NOT NULL CHECK (abc_class IN ('A', 'B', 'C')),
  last_scheduled_at timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, sku)
);

-- One count of a SKU and lot (AVAILABLE status) at one location. The tolerance is fixed when it opens.
CREATE TABLE counts (
  id                text PRIMARY KEY,
  site_id           text NOT NULL,
  location_id       text NOT NULL,
  sku               text NOT NULL,
  lot               text NOT NULL DEFAULT '',
  origin            text NOT NULL CHECK (origin IN ('SCHEDULED', 'ON_DEMAND')),
  status            text NOT NULL CHECK (status IN ('OPEN', 'RECOUNT', 'AWAITING_APPROVAL', 'COMPLETED', 'REJECTED')),
  tolerance_units   integer CHECK (tolerance_units >= 0),
  tolerance_percent numeric(6, 2) CHECK (tolerance_percent >= 0 AND tolerance_percent <= 100),
  -- The variance applied by the COUNT movement (NULL until COMPLETED).
  applied           integer,
  movement_id       text,
  decided_by        text,
  decision_reason   text,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  closed_at         timestamptz,
  CHECK ((status IN ('COMPLETED', 'REJECTED')) = (closed_at IS NOT NULL))
);
-- At most one open count per location, SKU and lot: a schedule or a request never counts the same units twice.
CREATE UNIQUE INDEX counts_one_open ON counts (location_id, sku, lot) WHERE status IN ('OPEN', 'RECOUNT', 'AWAITING_APPROVAL');
CREATE INDEX counts_site_status ON counts (site_id, status, id);

-- Every count submitted: attempt 1 (the count) and 2 (the recount).
CREATE TABLE count_submissions (
  count_id          text NOT NULL REFERENCES counts (id),
  attempt           integer NOT NULL CHECK (attempt IN (1, 2)),
  counted           integer NOT NULL CHECK (counted >= 0),
  expected          integer NOT NULL CHECK (expected >= 0),
  variance          integer NOT NULL,
  within_tolerance  boolean NOT NULL,
  worker_id         text,
  actor_id          text,
  submitted_at      timestamptz NOT NULL,
  PRIMARY KEY (count_id, attempt),
  CHECK (variance = counted - expected)
);
