-- Serial-controlled products (ADR 0058): every unit of such a product is received and picked with its own serial number.
ALTER TABLE products ADD COLUMN serial_controlled boolean NOT NULL DEFAULT false;
