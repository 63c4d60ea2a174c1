-- The content of the create that made the order (ADR 0040 addendum integ4): carrier, priority, shipBy, shipTo,
-- shipComplete and lines (sku, ordered) as the create sent them. A create sent again under the same external id is
-- compared with it, not with the order as later changes left it (a reprioritise, a line change, a 940 change, a
-- storefront update), so that a retry of the create is answered as the order it made. NULL for orders received before
-- this migration: those are compared with the order as it is, as before.
ALTER TABLE orders ADD COLUMN created_as jsonb;
