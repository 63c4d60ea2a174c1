-- orders: fulfilment orders, their lines and status history. The client's order id (external_id) is unique: posting
-- the same order twice returns the first one. `version` grows with every change (optimistic concurrency, ETag).
CREATE TABLE orders (
  id            text PRIMARY KEY,
  external_id   text NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100),
  site_id       text NOT NULL,
  carrier       text NOT NULL,
  priority      int4 NOT NULL CHECK (priority BETWEEN 1 AND 9),
  ship_by       timestamptz,
  ship_to       jsonb NOT NULL,
  status        text NOT NULL CHECK (status IN ('RECEIVED', 'ALLOCATED', 'BACKORDERED', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'CANCELLED')),
  wave_id       text,
  cancel_reason text,
  version       int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX orders_status_site ON orders (status, site_id, id);
CREATE INDEX orders_site ON orders (site_id, id);

CREATE TABLE order_lines (
  id         text PRIMARY KEY,
  order_id   text NOT NULL REFERENCES orders (id),
  line_no    int4 NOT NULL CHECK (line_no >= 1),
  sku        text NOT NULL,
  ordered    int4 NOT NULL CHECK (ordered BETWEEN 1 AND 100000),
  allocated  int4 NOT NULL DEFAULT 0 CHECK (allocated BETWEEN 0 AND ordered),
  picked     int4 NOT NULL DEFAULT 0 CHECK (picked BETWEEN 0 AND ordered),
  shorted    int4 NOT NULL DEFAULT 0 CHECK (shorted BETWEEN 0 AND ordered),
  packed     int4 NOT NULL DEFAULT 0 CHECK (packed BETWEEN 0 AND ordered),
  shipped    int4 NOT NULL DEFAULT 0 CHECK (shipped BETWEEN 0 AND ordered),
  cancelled  int4 NOT NULL DEFAULT 0 CHECK (cancelled BETWEEN 0 AND ordered),
  UNIQUE (order_id, line_no),
  UNIQUE (order_id, sku)
);

CREATE TABLE status_history (
  seq         bigserial PRIMARY KEY,
  order_id    text NOT NULL REFERENCES orders (id),
  from_status text,
  to_status   text NOT NULL,
  at          timestamptz NOT NULL,
  cause       text
);
CREATE INDEX status_history_order ON status_history (order_id, seq);
