-- Serial registry (ADR 0058): one row per life of a serial-controlled unit at a site — from its receipt (IN_STOCK, at the
-- location it was received at) through its pick (PICKED, for an order, in the order's tote) to its shipment (SHIPPED).
-- A serial shipped and received again (a return) starts a new life; the old rows stay as its trace. At most one life
-- of a SKU's serial is live (IN_STOCK or PICKED) at a site: the partial unique index is the last guard behind the
-- receipt's own check, so two receipts of one serial at once cannot both register it.
CREATE TABLE serial_units (
  id                   text PRIMARY KEY,
  site_id              text NOT NULL,
  owner_id             text NOT NULL,
  sku                  text NOT NULL,
  serial               text NOT NULL,
  status               text NOT NULL CHECK (status IN ('IN_STOCK', 'PICKED', 'SHIPPED')),
  -- Where it was received (the registry follows no moves: ADR 0058), and where it was picked from.
  location_id          text NOT NULL,
  lot                  text NOT NULL DEFAULT '',
  receipt_movement_id  text NOT NULL,
  asn_id               text,
  received_at          timestamptz NOT NULL,
  order_id             text,
  pick_list_id         text,
  picked_from_location_id text,
  picked_at            timestamptz,
  shipment_id          text,
  shipped_at           timestamptz,
  updated_at           timestamptz NOT NULL
);
CREATE UNIQUE INDEX serial_units_live ON serial_units (site_id, sku, serial) WHERE status IN ('IN_STOCK', 'PICKED');
CREATE INDEX serial_units_serial ON serial_units (serial, site_id);
CREATE INDEX serial_units_sku ON serial_units (site_id, sku, id);
CREATE INDEX serial_units_order ON serial_units (order_id) WHERE order_id IS NOT NULL;
