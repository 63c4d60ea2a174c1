-- Short-pick recovery (ADR 0024). `ship_complete`: the client's policy, false = ship what was picked when a short pick
-- finds no stock elsewhere (the behaviour before this migration); true = wait for stock, never ship partial.
-- `backorder_reason`: why a BACKORDERED order is there when it is not plain allocation (SHORT_PICK: it waits for
-- stock in the middle of picking, picked units in its tote); NULL otherwise.
ALTER TABLE orders ADD COLUMN ship_complete boolean NOT NULL DEFAULT false;
ALTER TABLE orders ADD COLUMN backorder_reason text CHECK (backorder_reason IN ('SHORT_PICK'));
