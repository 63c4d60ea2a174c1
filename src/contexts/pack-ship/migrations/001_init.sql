-- Orders as pack-ship sees them: projected from orders.order.received and picking.list.completed.
CREATE TABLE orders (
  order_id          text PRIMARY KEY,
  site_id           text NOT NULL,
  carrier           text,
  -- Set when the order's pick list completed (COMPLETED or PARTIAL): the order is ready to pack.
  picking_status    text CHECK (picking_status IN ('COMPLETED', 'PARTIAL')),
  ready_to_pack_at  timestamptz
);

-- Per order line: ordered (from the order), picked (from picking), packed and shipped (ours).
CREATE TABLE order_lines (
  order_id text NOT NULL,
  line_id  text NOT NULL,
  sku      text NOT NULL,
  ordered  integer NOT NULL DEFAULT 0 CHECK (ordered >= 0),
  picked   integer NOT NULL DEFAULT 0 CHECK (picked >= 0),
  packed   integer NOT NULL DEFAULT 0,
  shipped  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (order_id, line_id),
  CHECK (packed >= 0 AND packed <= picked),
  CHECK (shipped >= 0 AND shipped <= packed)
);

CREATE TABLE cartons (
  code            text PRIMARY KEY,
  description     text NOT NULL,
  inner_length_mm integer NOT NULL CHECK (inner_length_mm > 0),
  inner_width_mm  integer NOT NULL CHECK (inner_width_mm > 0),
  inner_height_mm integer NOT NULL CHECK (inner_height_mm > 0),
  max_weight_g    integer NOT NULL CHECK (max_weight_g > 0),
  tare_g          integer NOT NULL CHECK (tare_g >= 0),
  cost            numeric(10, 2) NOT NULL CHECK (cost >= 0),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Standard shipping cartons (FEFCO 0201 style), smallest to largest.
INSERT INTO cartons (code, description, inner_length_mm, inner_width_mm, inner_height_mm, max_weight_g, tare_g, cost) VALUES
  ('XS', 'Extra small box 200x150x100', 200, 150, 100, 5000, 80, 0.35),
  ('S', 'Small box 300x200x150', 300, 200, 150, 10000, 150, 0.55),
  ('M', 'Medium box 400x300x200', 400, 300, 200, 15000, 250, 0.80),
  ('L', 'Large box 500x400x300', 500, 400, 300, 20000, 400, 1.20),
  ('XL', 'Extra large box 600x400x400', 600, 400, 400, 25000, 550, 1.60),
  ('LONG', 'Long box 1000x200x200', 1000, 200, 200, 15000, 450, 1.40);

CREATE TABLE shipments (
  id              text PRIMARY KEY,
  order_id        text NOT NULL,
  site_id         text NOT NULL,
  carrier         text NOT NULL,
  tracking_number text UNIQUE,
  label_zpl       text,
  status          text NOT NULL CHECK (status IN ('CREATED', 'LABELLED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'EXCEPTION')),
  created_at      timestamptz NOT NULL,
  labelled_at     timestamptz,
  dispatched_at   timestamptz,
  CHECK (status = 'CREATED' OR tracking_number IS NOT NULL)
);
CREATE INDEX shipments_order_idx ON shipments (order_id);

CREATE TABLE packages (
  id          text PRIMARY KEY,
  order_id    text NOT NULL,
  site_id     text NOT NULL,
  carton_code text NOT NULL REFERENCES cartons (code),
  weight_g    integer NOT NULL CHECK (weight_g >= 0),
  status      text NOT NULL CHECK (status IN ('OPEN', 'PACKED', 'LABELLED', 'MANIFESTED', 'SHIPPED')),
  shipment_id text REFERENCES shipments (id),
  created_at  timestamptz NOT NULL,
  packed_at   timestamptz
);
CREATE INDEX packages_order_idx ON packages (order_id);

CREATE TABLE package_lines (
  package_id text NOT NULL REFERENCES packages (id),
  line_id    text NOT NULL,
  sku        text NOT NULL,
  quantity   integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (package_id, line_id)
);

-- Own-fleet tracking numbers.
CREATE SEQUENCE tracking_number_seq;
