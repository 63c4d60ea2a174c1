-- Location tracking (found by the black-box hunt): a deactivated location is retired, so no position is placed at it
-- (location-master's location.status-changed). Locations projected before this migration are ACTIVE until
-- `paklog replay location-tracking` replays their status changes.
ALTER TABLE locations ADD COLUMN status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'BLOCKED', 'INACTIVE'));
