-- Orders whose shipping pack & ship stopped (`pack-ship.order.shipping-stopped`: the order was cancelled before
-- dispatch; its packages are voided). Their units never ship: a SHIP scan of an LPN that holds any of them (a voided
-- carton loaded onto a pallet) is refused with LPN_HOLDS_CANCELLED_ORDER. A projection: rebuilt by `paklog replay`.
CREATE TABLE stopped_orders (
  order_id   text PRIMARY KEY,
  site_id    text NOT NULL,
  stopped_at timestamptz NOT NULL
);
