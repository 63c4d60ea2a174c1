-- An order cancelled before dispatch: pack & ship is the decision point (PackShipApi.stopShipping). Once set, no
-- package, label or dispatch is made for the order; its packages and undispatched shipments are voided (CANCELLED).
ALTER TABLE orders
  ADD COLUMN cancelled_at  timestamptz,
  ADD COLUMN cancel_reason text;

ALTER TABLE packages DROP CONSTRAINT packages_status_check;
ALTER TABLE packages ADD CONSTRAINT packages_status_check
  CHECK (status IN ('OPEN', 'PACKED', 'LABELLED', 'MANIFESTED', 'SHIPPED', 'CANCELLED'));

ALTER TABLE shipments DROP CONSTRAINT shipments_status_check;
ALTER TABLE shipments ADD CONSTRAINT shipments_status_check
  CHECK (status IN ('CREATED', 'LABELLED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'EXCEPTION', 'CANCELLED'));
