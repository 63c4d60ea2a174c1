-- The prune of tasks.ended_work (crash9): rows older than the retention (ENDED_WORK_RETENTION_DAYS, service.ts) go, the
-- oldest first, by this index instead of a scan of the whole table each hour.
CREATE INDEX ended_work_ended_at ON ended_work (ended_at);
