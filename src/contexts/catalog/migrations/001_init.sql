-- catalog: the item master. SKU and GTIN are each unique; dimensions and weight are positive integers (mm, g).
-- SKUs compare bytewise ("C") so keyset pagination by SKU is stable across server locales.
CREATE TABLE products (
  id                text PRIMARY KEY,
  sku               text COLLATE "C" NOT NULL UNIQUE CHECK (sku ~ '^[A-Za-z0-9._-]{1,64}$'),
  description       text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  gtin              text UNIQUE CHECK (gtin IS NULL OR gtin ~ '^([0-9]{8}|[0-9]{12,14})$'),
  uom               text NOT NULL DEFAULT 'EA' CHECK (uom IN ('EA', 'CS', 'PL')),
  length_mm         int4 NOT NULL CHECK (length_mm > 0),
  width_mm          int4 NOT NULL CHECK (width_mm > 0),
  height_mm         int4 NOT NULL CHECK (height_mm > 0),
  weight_g          int4 NOT NULL CHECK (weight_g > 0),
  lot_controlled    boolean NOT NULL DEFAULT false,
  expiry_controlled boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now()
);
