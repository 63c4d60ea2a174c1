-- Master-data maintenance (ADR 0045): a site can be renamed, deactivated (no new orders, locations or layout) and
-- reactivated; what is already there (open orders, stock, locations) is untouched.
ALTER TABLE sites ADD COLUMN active boolean NOT NULL DEFAULT true;
