-- A wave release reserves from inventory's own projection of locations (issue 8: no call to location-master while the
-- release holds balance locks), so the projection keeps the one fact the reservation policy needs that it lacked: the
-- pick sequence, the tie-breaker between equally old balances. It is learned with the type and status (location
-- created events, the location data a command fetched, the start job for backfilled rows); status events keep it.
--
-- Assumption: rows learned before this migration keep a NULL pick sequence (they rotate by location id on a tie) until
-- relearned (never, today: learned rows are not fetched again). No backfill: the all-in-one process starts
-- location-master and inventory together, so every location created since inventory subscribed is learned whole.
ALTER TABLE locations ADD COLUMN pick_sequence integer;
