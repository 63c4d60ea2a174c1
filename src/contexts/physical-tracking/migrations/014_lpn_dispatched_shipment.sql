-- The shipment whose dispatch (pack-ship.shipment.dispatched) a carton left with: set when physical tracking hears it,
-- whether the dispatch shipped the carton or a SHIP scan at the dock had already. A carton dispatched left for good: a
-- label void heard after it (on Kafka the void of an earlier label and the re-booked shipment's dispatch are on
-- different partitions) no longer takes it back off the truck (ADR 0011 addendum septies, 2026-12-07). Null otherwise.
ALTER TABLE lpns ADD COLUMN dispatched_shipment_id text;
