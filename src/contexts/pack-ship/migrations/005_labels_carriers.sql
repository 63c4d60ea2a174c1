-- Labels, carriers, manifests and the pack station (issue 13, ADR 0032).

-- What the order asked for, from orders.order.received (optional fields; older events carry none).
ALTER TABLE orders
  ADD COLUMN ship_to     jsonb,
  ADD COLUMN external_id text;

-- Which tote each picked unit went into (picking.line.picked), so a pack station finds the order by scanning the tote.
CREATE TABLE tote_units (
  order_id text NOT NULL,
  line_id  text NOT NULL,
  tote_id  text NOT NULL,
  sku      text NOT NULL,
  quantity integer NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (order_id, line_id, tote_id)
);
CREATE INDEX tote_units_tote_idx ON tote_units (tote_id);

-- Per-site pack & ship settings: the weight tolerance of the pack station and the ship-from address of labels.
CREATE TABLE site_settings (
  site_id              text PRIMARY KEY,
  weight_tolerance_pct numeric(5, 2) NOT NULL DEFAULT 2 CHECK (weight_tolerance_pct >= 0 AND weight_tolerance_pct <= 50),
  ship_from            jsonb,
  updated_at           timestamptz NOT NULL
);

-- SSCC serial references (GS1 company prefix from PAKLOG_GS1_COMPANY_PREFIX).
CREATE SEQUENCE sscc_serial_seq;
-- Tracking numbers of rate-table carriers (one range shared; each carrier prefixes its own code).
CREATE SEQUENCE carrier_tracking_seq;

-- Packages: the SSCC (given when sealed), the scale's reading against the expected weight, and a repack's void.
ALTER TABLE packages
  ADD COLUMN sscc              text UNIQUE CHECK (sscc ~ '^[0-9]{18}$'),
  ADD COLUMN expected_weight_g integer CHECK (expected_weight_g >= 0),
  ADD COLUMN weighed_g         integer CHECK (weighed_g > 0),
  ADD COLUMN tote_id           text,
  ADD COLUMN sealed_at         timestamptz,
  ADD COLUMN repacked_at       timestamptz;
ALTER TABLE packages DROP CONSTRAINT packages_status_check;
ALTER TABLE packages ADD CONSTRAINT packages_status_check
  CHECK (status IN ('OPEN', 'PACKED', 'LABELLED', 'MANIFESTED', 'SHIPPED', 'CANCELLED', 'REPACKED'));
-- Units scanned into an OPEN package count against the order's picked units before it is sealed.
ALTER TABLE package_lines DROP CONSTRAINT package_lines_quantity_check;
ALTER TABLE package_lines ADD CONSTRAINT package_lines_quantity_check CHECK (quantity >= 0);

-- Shipments: the service and price booked, the manifest that handed it over, the label void, tracking.
ALTER TABLE shipments
  ADD COLUMN service        text NOT NULL DEFAULT 'STANDARD',
  ADD COLUMN price          numeric(12, 2),
  ADD COLUMN currency       text,
  ADD COLUMN manifest_id    text,
  ADD COLUMN voided_at      timestamptz,
  ADD COLUMN in_transit_at  timestamptz,
  ADD COLUMN delivered_at   timestamptz;
ALTER TABLE shipments DROP CONSTRAINT shipments_status_check;
ALTER TABLE shipments ADD CONSTRAINT shipments_status_check
  CHECK (status IN ('CREATED', 'LABELLED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'EXCEPTION', 'CANCELLED', 'VOIDED'));
-- A voided booking keeps its row (and tracking number) for the audit; the carrier never sees it on a manifest.

-- End-of-day manifests: one per carrier, site and day; closing one takes every labelled, unmanifested shipment.
CREATE TABLE manifests (
  id         text PRIMARY KEY,
  site_id    text NOT NULL,
  carrier    text NOT NULL,
  day        date NOT NULL,
  closed_at  timestamptz NOT NULL,
  data       jsonb NOT NULL
);
CREATE INDEX manifests_site_day_idx ON manifests (site_id, day);

-- Tracking events heard from carriers (webhook or poll); the key makes a repeated event a no-op.
CREATE TABLE tracking_events (
  shipment_id     text NOT NULL REFERENCES shipments (id),
  tracking_number text NOT NULL,
  status          text NOT NULL CHECK (status IN ('IN_TRANSIT', 'DELIVERED', 'EXCEPTION')),
  at              timestamptz NOT NULL,
  detail          text,
  PRIMARY KEY (tracking_number, status, at)
);
