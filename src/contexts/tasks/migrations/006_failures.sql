-- A task its worker cannot do (equipment, location inaccessible, damaged goods) is reported FAILED; it goes back to the
-- queue until it has failed PAKLOG_TASK_MAX_FAILURES times, then stays FAILED for a supervisor. The count and the last
-- failure are kept on the task; the failing worker is kept away from it through the reject cool-down (rejected_by/at).
ALTER TABLE tasks ADD COLUMN failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0);
ALTER TABLE tasks ADD COLUMN failure_reason text
  CHECK (failure_reason IS NULL OR failure_reason IN ('EQUIPMENT', 'LOCATION_INACCESSIBLE', 'DAMAGED_GOODS', 'OTHER'));
ALTER TABLE tasks ADD COLUMN failure_note text;
COMMENT ON COLUMN tasks.failures IS 'How often the task was reported FAILED since it was created or a supervisor last re-queued it';
