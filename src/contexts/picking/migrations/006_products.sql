-- Products as picking needs them, projected from catalog.product.created (issue 8: no call to the catalog while a
-- list is built inside an event's transaction). A pick line expects the product's GTIN; the SKU is always accepted too.
-- Products are only ever created, so the first copy of an event is the truth and a redelivery changes nothing.
CREATE TABLE products (
  sku  text PRIMARY KEY,
  gtin text
);
