-- Customer returns (RMA, issue 11). Not to be confused with `returns` (migration 006): units of a cancelled order put
-- back from its tote. An RMA is authorised with lines, received against (units land in QUARANTINE at the location
-- scanned: on hand, never promised), inspected line by line with a disposition per unit: RESTOCK (RELEASE into
-- AVAILABLE at a location scanned), QUARANTINE (stays held), SCRAP or RETURN_TO_VENDOR (ADJUST out of stock).
CREATE TABLE rmas (
  id             text PRIMARY KEY,
  site_id        text NOT NULL,
  customer_ref   text NOT NULL,
  order_ref      text,
  status         text NOT NULL CHECK (status IN ('AUTHORISED', 'RECEIVED', 'INSPECTED', 'CLOSED', 'CANCELLED')),
  notes          text,
  version        integer NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rmas_site_status ON rmas (site_id, status, id);

CREATE TABLE rma_lines (
  rma_id            text NOT NULL REFERENCES rmas (id),
  line_id           text NOT NULL,
  sku               text NOT NULL,
  reason            text NOT NULL,
  authorised        integer NOT NULL CHECK (authorised > 0),
  received          integer NOT NULL DEFAULT 0 CHECK (received >= 0),
  -- The lot the units were received under ('' none) and the location they wait at, in QUARANTINE.
  lot               text NOT NULL DEFAULT '',
  received_location_id text,
  restocked         integer NOT NULL DEFAULT 0 CHECK (restocked >= 0),
  quarantined       integer NOT NULL DEFAULT 0 CHECK (quarantined >= 0),
  scrapped          integer NOT NULL DEFAULT 0 CHECK (scrapped >= 0),
  returned_to_vendor integer NOT NULL DEFAULT 0 CHECK (returned_to_vendor >= 0),
  condition         text,
  inspection_notes  text,
  PRIMARY KEY (rma_id, line_id),
  -- Never more received than authorised; never more dispositioned than received.
  CHECK (received <= authorised),
  CHECK (restocked + quarantined + scrapped + returned_to_vendor <= received)
);
