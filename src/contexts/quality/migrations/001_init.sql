-- Quality management (issue 13): inspection plans and their sampling counters, inspections with their checklist
-- results and holds, non-conformance records. Refers to other contexts' rows (sites, SKUs, locations, packages) by id.
CREATE TABLE plans (
  id           text PRIMARY KEY,
  site_id      text NOT NULL,
  name         text NOT NULL,
  stage        text NOT NULL CHECK (stage IN ('RECEIVING', 'PICKING', 'PACKING')),
  -- Scope: NULL matches any. owner_id is free text until an owner (3PL client) exists in master data.
  sku          text,
  supplier_id  text,
  owner_id     text,
  sampling     jsonb NOT NULL,
  checklist    jsonb NOT NULL,
  nc_owner     text NOT NULL,
  active       boolean NOT NULL DEFAULT true,
  -- Triggers the plan has seen: EVERY_NTH counts with it (the 1st, n+1st, … are inspected).
  seen         bigint NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL,
  version      integer NOT NULL DEFAULT 1
);
CREATE INDEX plans_site_stage_idx ON plans (site_id, stage) WHERE active;

CREATE TABLE inspections (
  id            text PRIMARY KEY,
  plan_id       text NOT NULL REFERENCES plans (id),
  site_id       text NOT NULL,
  stage         text NOT NULL CHECK (stage IN ('RECEIVING', 'PICKING', 'PACKING')),
  -- What triggered it (a receipt movement id, a package id): one inspection per trigger, whatever the redeliveries.
  source_ref    text NOT NULL UNIQUE,
  target        jsonb NOT NULL,
  sku           text,
  sample_size   integer NOT NULL CHECK (sample_size > 0),
  acceptance    integer NOT NULL CHECK (acceptance >= 0),
  rejection     integer NOT NULL CHECK (rejection > acceptance),
  checklist     jsonb NOT NULL,
  status        text NOT NULL CHECK (status IN ('OPEN', 'PASSED', 'FAILED')),
  results       jsonb,
  defects       integer,
  opportunities integer,
  inspector     text,
  hold_status   text NOT NULL DEFAULT 'NONE' CHECK (hold_status IN ('NONE', 'HELD', 'RELEASED', 'SCRAPPED', 'RETURNED')),
  disposition   text CHECK (disposition IN ('RELEASE', 'REWORK', 'SCRAP', 'RETURN_TO_VENDOR')),
  disposition_note text,
  opened_at     timestamptz NOT NULL,
  completed_at  timestamptz,
  disposed_at   timestamptz,
  version       integer NOT NULL DEFAULT 1,
  CHECK ((status = 'OPEN') = (completed_at IS NULL)),
  CHECK (hold_status = 'NONE' OR status = 'FAILED')
);
CREATE INDEX inspections_site_status_idx ON inspections (site_id, status, id);
-- The KPIs read completed inspections of a site by completion time.
CREATE INDEX inspections_completed_idx ON inspections (site_id, completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE non_conformances (
  id            text PRIMARY KEY,
  inspection_id text NOT NULL UNIQUE REFERENCES inspections (id),
  site_id       text NOT NULL,
  stage         text NOT NULL,
  sku           text,
  cause         text NOT NULL,
  owner         text NOT NULL,
  status        text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
  resolution    text,
  opened_at     timestamptz NOT NULL,
  closed_at     timestamptz,
  version       integer NOT NULL DEFAULT 1
);
CREATE INDEX non_conformances_site_status_idx ON non_conformances (site_id, status, id);

-- Who supplied an ASN (inventory.asn.created): supplier-scoped receiving plans match putaways of its receipts.
CREATE TABLE asn_suppliers (
  asn_id   text PRIMARY KEY,
  supplier text NOT NULL
);
