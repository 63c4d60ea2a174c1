-- A SHIP scan at the dock (physical tracking) of an LPN holding an order's units, claimed here under the order's row
-- lock before the scan's transaction (PackShipApi.claimDockShip), so that the scan and a cancel (stopShipping, under the
-- same lock) are decided one after the other: a claimed order is not stopped (the cancel answers 409 ORDER_SHIPPING
-- while the claim is open, ORDER_SHIPPED once the scan shipped it), a stopped order is not claimed (the scan is refused).
-- shipped_at null: the scan is in flight; set when it committed (settleDockShip); a scan that did not ship drops its row.
CREATE TABLE dock_ship_claims (
  claim_id   text NOT NULL,
  order_id   text NOT NULL,
  claimed_at timestamptz NOT NULL,
  shipped_at timestamptz,
  PRIMARY KEY (claim_id, order_id)
);
CREATE INDEX dock_ship_claims_order_idx ON dock_ship_claims (order_id);
