-- Location tracking. Live positions are NOT here: they live in the position store (Redis with REDIS_URL, memory
-- otherwise; ADR 0030). PostgreSQL keeps what must survive and be audited: the projection of sites and locations (the
-- site's bounds and zones), what may be tracked, finished zone visits (dwell history) and alerts.

-- Projection of location-master's sites (site.created): a topic names its site by code or id.
CREATE TABLE sites (
  id   text PRIMARY KEY,
  code text NOT NULL UNIQUE
);

-- Projection of location-master's locations (location.created, layout.locations-generated): bounds, zones, snapping.
CREATE TABLE locations (
  id      text PRIMARY KEY,
  site_id text NOT NULL,
  code    text NOT NULL,
  type    text NOT NULL,
  zone    text,
  x       double precision NOT NULL,
  y       double precision NOT NULL
);
CREATE INDEX locations_site_idx ON locations (site_id);

-- What may report a position: workers (from their task profile), equipment and LPNs registered with PUT /tracked, LPNs
-- and workers a scan named. A report for anything else is counted and dropped (UNKNOWN_TRACKED).
CREATE TABLE tracked (
  kind          text NOT NULL CHECK (kind IN ('worker', 'equipment', 'lpn')),
  id            text NOT NULL,
  site_id       text NOT NULL,
  label         text,
  registered_at timestamptz NOT NULL,
  PRIMARY KEY (kind, id)
);

-- One row per finished stay in a zone (written with its zone.exited event): dwell history.
CREATE TABLE zone_visits (
  seq        bigserial PRIMARY KEY,
  site_id    text NOT NULL,
  zone       text NOT NULL,
  kind       text NOT NULL,
  tracked_id text NOT NULL,
  entered_at timestamptz NOT NULL,
  exited_at  timestamptz NOT NULL,
  dwell_s    double precision NOT NULL
);
CREATE INDEX zone_visits_zone_idx ON zone_visits (site_id, zone, exited_at);

CREATE TABLE alerts (
  id          text PRIMARY KEY,
  site_id     text NOT NULL,
  type        text NOT NULL CHECK (type IN ('LPN_STAGED_TOO_LONG', 'WORKER_IDLE')),
  kind        text NOT NULL,
  tracked_id  text NOT NULL,
  zone        text,
  location_id text,
  since       timestamptz NOT NULL,
  threshold_s integer NOT NULL,
  raised_at   timestamptz NOT NULL,
  cleared_at  timestamptz
);
-- At most one open alert of a type per tracked thing: the scan raises it once and clears it once.
CREATE UNIQUE INDEX alerts_open_key ON alerts (type, kind, tracked_id) WHERE cleared_at IS NULL;
CREATE INDEX alerts_site_idx ON alerts (site_id, id);
