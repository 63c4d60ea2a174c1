-- Serial capture at pick (ADR 0058, addendum 2026-12-08): a confirm of a serial-controlled product names one serial per
-- unit, each known and in stock at the site for the line's SKU. Picking keeps the flag with its products (from the
-- catalog's events) and the serials it may pick (from inventory's receipts and returns to stock), and takes each
-- serial out of stock in the confirm's own transaction, under the row's lock: two confirms of one serial cannot both
-- pick it. Absent in older product events: false.
ALTER TABLE products ADD COLUMN serial_controlled boolean NOT NULL DEFAULT false;
CREATE TABLE serial_units (
  site_id      text NOT NULL,
  sku          text NOT NULL,
  serial       text NOT NULL,
  -- Received (or put back) and not picked since; false once a confirm picked it.
  in_stock     boolean NOT NULL,
  -- The pick line that last picked it.
  pick_line_id text,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (site_id, sku, serial)
);
CREATE INDEX serial_units_serial ON serial_units (site_id, serial);
