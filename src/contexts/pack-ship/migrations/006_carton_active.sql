-- Master-data maintenance (ADR 0045): a carton can be deactivated (never suggested by cartonization nor accepted when
-- packing) and reactivated; packages already in it are untouched.
ALTER TABLE cartons ADD COLUMN active boolean NOT NULL DEFAULT true;
