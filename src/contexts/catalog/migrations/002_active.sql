-- Master-data maintenance (ADR 0045): a product can be deactivated (no new orders, ASNs or receipts name it) and
-- reactivated; what already names it (open orders, stock) is untouched.
ALTER TABLE products ADD COLUMN active boolean NOT NULL DEFAULT true;
