-- Fulfilment sagas started before their data kept the order's own ship-by (orderShipBy, 2026-12-06: orders in flight
-- across that deploy) read it from orders at their next step, which may be far off: their wake was set by the stall
-- limit or a carrier cut-off only, not by a ship-by they did not know. Due now, each reads it at once: a ship-by already
-- passed is SHIP_BY_MISSED at once, a later one is waited for. A saga that knows it (a string, or null: none given) is
-- left as it is.
UPDATE sagas SET next_run_at = now()
 WHERE type = 'order-fulfilment' AND status = 'RUNNING' AND NOT (data ? 'orderShipBy');
