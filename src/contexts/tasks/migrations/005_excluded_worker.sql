-- A task one worker may not take: the recount of a cycle count is another counter's (issue 11). Without it the first
-- counter was handed their own recount, could not submit it (409 RECOUNT_BY_SAME_COUNTER) and, holding it, was given it
-- again on every next-task request. NULL: anyone eligible.
ALTER TABLE tasks ADD COLUMN excluded_worker_id text;
COMMENT ON COLUMN tasks.excluded_worker_id IS 'the worker who may not take this task (the first counter of a recount); NULL: anyone';
