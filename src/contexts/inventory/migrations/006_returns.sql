-- Return to stock (issue 10, ADR 0011 addendum): units already picked for an order that is then cancelled stay on the
-- order's in-process balance (its tote) until a worker puts them away and confirms it by scanning the location. One row
-- per SKU, lot and the location they were picked from (the suggestion); a confirm may be partial and may name another
-- location than the suggested one: the units go where the scan says.
CREATE TABLE returns (
  id                    text PRIMARY KEY,
  site_id               text NOT NULL,
  order_id              text NOT NULL,
  sku                   text NOT NULL,
  lot                   text NOT NULL DEFAULT '',
  quantity              integer NOT NULL CHECK (quantity > 0),
  -- Units put back so far (the rest is still in the tote).
  returned              integer NOT NULL DEFAULT 0 CHECK (returned >= 0 AND returned <= quantity),
  -- The in-process location the units wait on (`IN_PROCESS:<orderId>`).
  from_location_id      text NOT NULL,
  -- Where they were picked from: what the task suggests.
  suggested_location_id text NOT NULL,
  status                text NOT NULL CHECK (status IN ('OPEN', 'COMPLETED')),
  -- The last confirm: where, by whom (the worker, else the caller), when.
  confirmed_location_id text,
  confirmed_by          text,
  confirmed_at          timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'COMPLETED') = (returned = quantity))
);
-- Units waiting on an open return are no longer covered by an allocation, and nobody may promise them: they count in
-- sku_stock.unpickable (on hand, not promisable) until confirmed back into a pickable location.
CREATE INDEX returns_site_status ON returns (site_id, status, id);
CREATE INDEX returns_order ON returns (order_id);

-- Every confirm of a return, the ledger's MOVE movements name it (reference = the return id). A handheld's scanId makes
-- a retried scan count once.
CREATE TABLE return_confirmations (
  -- The id of the confirm's MOVE movement out of the tote.
  id           text PRIMARY KEY,
  return_id    text NOT NULL REFERENCES returns (id),
  scan_id      text,
  location_id  text NOT NULL,
  quantity     integer NOT NULL CHECK (quantity > 0),
  confirmed_by text,
  confirmed_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (return_id, scan_id)
);
