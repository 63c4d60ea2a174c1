-- The orders of each pick list, from `picking.list.created`: `GET /exceptions?orderId=` links an order's exceptions
-- raised on its pick tasks (whose reference is the pick list, not the order) and the dead letters of events about
-- its pick lists and their tasks. Lists made before this migration are not known here.
CREATE TABLE pick_list_orders (
  pick_list_id text NOT NULL,
  order_id     text NOT NULL,
  PRIMARY KEY (pick_list_id, order_id)
);
CREATE INDEX pick_list_orders_order_idx ON pick_list_orders (order_id);
