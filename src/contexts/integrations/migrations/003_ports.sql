-- integrations (ADR 0039): the ERP and TMS ports. Messages to a partner system are an outbox written in the
-- transaction that handled the event (one per partner and idempotency key), sent by the partner-delivery job with
-- retries and a log of every attempt; inbound files of the file-drop ERP; loads booked with the TMS and the tracking
-- events it reported.
CREATE TABLE partner_messages (
  id              text PRIMARY KEY,
  seq             bigserial NOT NULL UNIQUE,
  partner         text NOT NULL CHECK (partner IN ('ERP', 'TMS')),
  kind            text NOT NULL CHECK (kind IN ('SHIPMENT_CONFIRMATION', 'INVENTORY_ADJUSTMENT', 'INVENTORY_SNAPSHOT', 'LOAD_BOOKING')),
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  subject         text NOT NULL,
  body            jsonb NOT NULL,
  status          text NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  attempts        int4 NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  lease_until     timestamptz,
  last_error      text,
  result          jsonb,
  created_at      timestamptz NOT NULL,
  delivered_at    timestamptz,
  UNIQUE (partner, idempotency_key)
);
CREATE INDEX partner_messages_due ON partner_messages (next_attempt_at, seq) WHERE status = 'PENDING';
CREATE INDEX partner_messages_chain ON partner_messages (partner, subject, seq) WHERE status = 'PENDING';

CREATE TABLE partner_message_attempts (
  message_id  text NOT NULL REFERENCES partner_messages (id),
  attempt     int4 NOT NULL CHECK (attempt >= 1),
  at          timestamptz NOT NULL,
  error       text,
  duration_ms int4 NOT NULL,
  PRIMARY KEY (message_id, attempt)
);

-- A file picked up from the file-drop ERP's inbox: what it held, what became of it, the row-level errors.
CREATE TABLE erp_inbound_files (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('items', 'asns', 'unknown')),
  status      text NOT NULL CHECK (status IN ('PROCESSED', 'REJECTED')),
  rows        int4 NOT NULL CHECK (rows >= 0),
  summary     jsonb NOT NULL,
  errors      jsonb NOT NULL DEFAULT '[]',
  received_at timestamptz NOT NULL
);

-- ASNs received from the ERP by their number: the same ASN sent again makes no second one.
CREATE TABLE erp_asns (
  site_id    text NOT NULL,
  asn_number text NOT NULL,
  asn_id     text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (site_id, asn_number)
);

-- A dispatched shipment handed to the TMS: the load id it answered once booked; tracking reports find the shipment here.
CREATE TABLE tms_loads (
  shipment_id     text PRIMARY KEY,
  order_id        text NOT NULL,
  site_id         text NOT NULL,
  carrier         text NOT NULL,
  tracking_number text NOT NULL,
  message_id      text NOT NULL REFERENCES partner_messages (id),
  load_id         text UNIQUE,
  status          text,
  created_at      timestamptz NOT NULL,
  booked_at       timestamptz
);

CREATE TABLE tms_tracking_events (
  shipment_id text NOT NULL REFERENCES tms_loads (shipment_id),
  status      text NOT NULL CHECK (status IN ('IN_TRANSIT', 'DELIVERED', 'EXCEPTION')),
  at          timestamptz NOT NULL,
  detail      text,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (shipment_id, status, at)
);
