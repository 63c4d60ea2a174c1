-- A cancel with If-Match decided in two phases (ADR 0011, addendum 2026-12-07 quater): pack & ship records the stop as
-- pending under the order's row lock (PackShipApi.reserveStop), orders re-checks the order's version under its own
-- row lock, then the stop is decided (stopShipping) or dropped (dropStop), changing nothing. While it is pending packs,
-- bookings, dispatches and dock SHIP scans of the order answer "try again" (409 ORDER_CANCELLING). A lease: past
-- stop_pending_until it holds nothing back, so a cancel that stops between the phases never strands the order.
ALTER TABLE orders ADD COLUMN stop_pending_id text;
ALTER TABLE orders ADD COLUMN stop_pending_until timestamptz;
