-- The stock ledger. Every quantity change is one row in `movements`; `balances`, `sku_stock`, `allocations` and
-- `reservations` are kept in step with it in the same transaction, and CHECK constraints make the arithmetic
-- rules of DOMAIN.md ("Stock arithmetic") impossible to break, whatever the code above does.

CREATE TABLE movements (
  seq             bigserial UNIQUE,
  id              text PRIMARY KEY,
  type            text NOT NULL CHECK (type IN ('RECEIPT', 'PUTAWAY', 'MOVE', 'ALLOCATE', 'DEALLOCATE', 'RESERVE', 'UNRESERVE',
                                                'PICK', 'PACK', 'SHIP', 'ADJUST', 'COUNT', 'HOLD', 'RELEASE')),
  site_id         text NOT NULL,
  sku             text NOT NULL,
  -- NULL for SKU-level movements (ALLOCATE, DEALLOCATE).
  location_id     text,
  -- '' when the stock carries no lot (the balance key cannot hold NULL).
  lot             text NOT NULL DEFAULT '',
  status          text NOT NULL DEFAULT 'AVAILABLE' CHECK (status IN ('AVAILABLE', 'HOLD', 'QUARANTINE', 'DAMAGED')),
  delta_on_hand   integer NOT NULL DEFAULT 0,
  delta_reserved  integer NOT NULL DEFAULT 0,
  delta_allocated integer NOT NULL DEFAULT 0,
  reason          text,
  -- The order, wave, receipt, reservation or shipment the movement belongs to.
  reference       text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX movements_site_sku ON movements (site_id, sku, seq);

-- The ledger is append-only.
CREATE FUNCTION movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'inventory.movements is append-only';
END $$;
CREATE TRIGGER movements_no_update BEFORE UPDATE OR DELETE ON movements FOR EACH ROW EXECUTE FUNCTION movements_append_only();

CREATE TABLE balances (
  seq               bigserial UNIQUE,
  site_id           text NOT NULL,
  sku               text NOT NULL,
  -- A location id, or `IN_PROCESS:<orderId>` for picked units on their way to the dock.
  location_id       text NOT NULL,
  lot               text NOT NULL DEFAULT '',
  status            text NOT NULL CHECK (status IN ('AVAILABLE', 'HOLD', 'QUARANTINE', 'DAMAGED')),
  on_hand           integer NOT NULL CHECK (on_hand >= 0),
  reserved          integer NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
  expires_on        date,
  first_received_at timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, sku, location_id, lot, status)
);

-- SKU-level stock per site: what allocation competes for. `on_hand_available` is the sum of AVAILABLE balances
-- (in-process units included: they stay allocated until shipped).
CREATE TABLE sku_stock (
  site_id           text NOT NULL,
  sku               text NOT NULL,
  on_hand_available integer NOT NULL DEFAULT 0 CHECK (on_hand_available >= 0),
  allocated         integer NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= on_hand_available),
  PRIMARY KEY (site_id, sku)
);

-- One row per order line: what the line asked for and what it still holds allocated.
CREATE TABLE allocations (
  order_id   text NOT NULL,
  line_id    text NOT NULL,
  site_id    text NOT NULL,
  sku        text NOT NULL,
  requested  integer NOT NULL CHECK (requested >= 0),
  allocated  integer NOT NULL CHECK (allocated >= 0 AND allocated <= requested),
  shipped    integer NOT NULL DEFAULT 0 CHECK (shipped >= 0),
  status     text NOT NULL CHECK (status IN ('ALLOCATED', 'BACKORDERED', 'SHIPPED', 'CANCELLED')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, line_id)
);

CREATE TABLE reservations (
  id          text PRIMARY KEY,
  wave_id     text NOT NULL,
  order_id    text NOT NULL,
  line_id     text NOT NULL,
  site_id     text NOT NULL,
  sku         text NOT NULL,
  location_id text NOT NULL,
  lot         text NOT NULL DEFAULT '',
  quantity    integer NOT NULL CHECK (quantity > 0),
  picked      integer NOT NULL DEFAULT 0 CHECK (picked >= 0),
  shorted     integer NOT NULL DEFAULT 0 CHECK (shorted >= 0),
  status      text NOT NULL CHECK (status IN ('OPEN', 'PICKED', 'SHORT', 'CANCELLED')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (picked + shorted <= quantity)
);
CREATE INDEX reservations_wave ON reservations (wave_id);
CREATE INDEX reservations_order ON reservations (order_id);
