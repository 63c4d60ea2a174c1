-- Location tracking (found by the black-box hunt): an open alert whose subject stopped reporting (a WORKER_IDLE for a
-- worker whose tag went silent, an LPN forgotten at the dock) stayed open for good, as alerts cleared only when their
-- condition ended. A supervisor closes it (POST /tracking-alerts/{id}/close): who closed it is kept, and the scan does
-- not raise it again for the same episode (same type, thing and since).
ALTER TABLE alerts ADD COLUMN closed_by text, ADD COLUMN close_reason text;
CREATE INDEX alerts_closed_idx ON alerts (site_id, tracked_id) WHERE closed_by IS NOT NULL;
