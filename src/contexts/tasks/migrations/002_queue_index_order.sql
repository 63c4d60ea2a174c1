-- Priority 1 is the most urgent (the one scale of orders, waves and pick lists), so the claim orders by priority
-- ascending. The queue index of 001 was built priority DESC: the claim could not walk it and sorted the whole queue
-- of the site on every "next task". Rebuilt in the claim's order.
DROP INDEX tasks_queue_idx;
CREATE INDEX tasks_queue_idx ON tasks (site_id, priority, created_at, id) WHERE status = 'QUEUED';
COMMENT ON COLUMN tasks.priority IS '1 is the most urgent; ties go to the oldest task';
