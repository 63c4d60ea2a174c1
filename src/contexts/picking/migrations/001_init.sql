-- Order priorities, projected from orders.order.received: pick lists (and their tasks) inherit them.
CREATE TABLE order_priorities (
  order_id text PRIMARY KEY,
  priority integer NOT NULL
);

CREATE TABLE pick_lists (
  id           text PRIMARY KEY,
  site_id      text NOT NULL,
  wave_id      text NOT NULL,
  -- Discrete picking puts one order on a list; batch picking (later) several.
  order_ids    text[] NOT NULL CHECK (cardinality(order_ids) >= 1),
  status       text NOT NULL CHECK (status IN ('CREATED', 'IN_PROGRESS', 'COMPLETED', 'PARTIAL', 'CANCELLED')),
  priority     integer NOT NULL DEFAULT 0,
  -- Metres, when the sequencing strategy measures the route.
  route_length numeric(12, 2),
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  completed_at timestamptz
);
CREATE INDEX pick_lists_wave_idx ON pick_lists (wave_id);
CREATE INDEX pick_lists_order_ids_idx ON pick_lists USING gin (order_ids);

CREATE TABLE pick_lines (
  id               text PRIMARY KEY,
  pick_list_id     text NOT NULL REFERENCES pick_lists (id),
  seq              integer NOT NULL CHECK (seq >= 1),
  order_id         text NOT NULL,
  order_line_id    text NOT NULL,
  reservation_id   text NOT NULL UNIQUE,
  site_id          text NOT NULL,
  sku              text NOT NULL,
  -- The product's GTIN when the catalog knows it; the SKU is always accepted too.
  expected_barcode text,
  location_id      text NOT NULL,
  -- Null when the location master did not know the location when the list was made.
  location_code    text,
  pick_sequence    integer,
  lot              text,
  quantity         integer NOT NULL CHECK (quantity > 0),
  picked           integer NOT NULL DEFAULT 0,
  short_quantity   integer NOT NULL DEFAULT 0 CHECK (short_quantity >= 0),
  short_reason     text CHECK (short_reason IN ('NOT_FOUND', 'DAMAGED', 'OTHER')),
  tote_id          text,
  status           text NOT NULL CHECK (status IN ('PENDING', 'PICKED', 'SHORT', 'SKIPPED')),
  updated_at       timestamptz NOT NULL,
  -- Never over-pick, whatever races: picked and shorted units together never exceed the line.
  CHECK (picked >= 0 AND picked + short_quantity <= quantity),
  CHECK (status <> 'PICKED' OR picked = quantity),
  UNIQUE (pick_list_id, seq)
);
