-- Physical tracking (issue 12): handling units (LPNs), every scan, and the inbound facts it needs from inventory.

CREATE TABLE lpns (
  id          text PRIMARY KEY,
  site_id     text NOT NULL,
  -- What the label says: an SSCC-18 (check digit validated) or an internal code (a tote's number, a PakLog code).
  code        text NOT NULL,
  code_kind   text NOT NULL CHECK (code_kind IN ('SSCC', 'INTERNAL')),
  type        text NOT NULL CHECK (type IN ('PALLET', 'CASE', 'TOTE', 'CARTON')),
  status      text NOT NULL CHECK (status IN ('OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT', 'SHIPPED', 'CONSUMED')),
  -- The LPN this one sits in (at most three levels, no cycles: enforced by the service under row locks).
  parent_id   text REFERENCES lpns (id),
  -- Where it rests; null while carried (a tote on a picker's cart) or once gone (shipped, consumed).
  location_id text,
  -- [{ sku, lot, serial, owner, orderId, quantity }]: units directly in this LPN (not its children's).
  contents    jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- The ASN it was received against, when it came in as a whole (RECEIVE_LPN).
  asn_id      text,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  version     integer NOT NULL DEFAULT 1
);
-- A code names one live LPN of a site; a shipped or consumed LPN frees it (totes are reused).
CREATE UNIQUE INDEX lpns_live_code_idx ON lpns (site_id, code) WHERE status IN ('OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT');
CREATE INDEX lpns_site_location_idx ON lpns (site_id, location_id) WHERE status IN ('OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT');
CREATE INDEX lpns_parent_idx ON lpns (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE scans (
  seq              bigserial PRIMARY KEY,
  id               text NOT NULL UNIQUE,
  site_id          text NOT NULL,
  at               timestamptz NOT NULL,
  worker_id        text,
  device_id        text,
  location_id      text,
  -- Where the units or the LPN came from, when the scan moved them (putaway, move, pick).
  from_location_id text,
  lpn_id           text,
  -- The other LPN the scan involved: the source of a pick or pack, the container of a load, the target of a consolidate.
  related_lpn_id   text,
  barcode          text NOT NULL,
  meaning          text NOT NULL CHECK (meaning IN ('RECEIVE_LPN', 'PUTAWAY_TARGET', 'PICK_INTO_TOTE', 'PACK_INTO_CARTON',
                     'LOAD_ONTO_PALLET', 'SHIP', 'MOVE', 'BUILD', 'CONSOLIDATE', 'SPLIT', 'CLOSE', 'STAGE')),
  sku              text,
  quantity         integer,
  -- The event of another context it was recorded from (null: a direct scan or an LPN command).
  source_event_id  text
);
CREATE INDEX scans_site_at_idx ON scans (site_id, at, seq);
CREATE INDEX scans_lpn_idx ON scans (lpn_id, at, seq) WHERE lpn_id IS NOT NULL;
CREATE INDEX scans_related_lpn_idx ON scans (related_lpn_id) WHERE related_lpn_id IS NOT NULL;
CREATE INDEX scans_location_idx ON scans (site_id, location_id, at, seq);
CREATE INDEX scans_from_location_idx ON scans (site_id, from_location_id) WHERE from_location_id IS NOT NULL;
CREATE INDEX scans_worker_idx ON scans (site_id, worker_id, at, seq) WHERE worker_id IS NOT NULL;

-- Units flowed from one LPN into another (pick, pack, consolidate, split) or one was loaded into another: an LPN's
-- timeline follows its units into the LPNs they went to.
CREATE TABLE lpn_links (
  from_lpn_id text NOT NULL,
  to_lpn_id   text NOT NULL,
  at          timestamptz NOT NULL,
  PRIMARY KEY (from_lpn_id, to_lpn_id)
);

-- Projection of inventory.asn.created: the LPNs ASNs announce (lines with an expected LPN/SSCC).
CREATE TABLE asn_lpns (
  asn_id       text NOT NULL,
  line_no      integer NOT NULL,
  site_id      text NOT NULL,
  expected_lpn text NOT NULL,
  sku          text NOT NULL,
  lot          text,
  quantity     integer NOT NULL,
  serials      text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (asn_id, line_no)
);
CREATE INDEX asn_lpns_code_idx ON asn_lpns (site_id, expected_lpn);
