-- A floor command from a key names its worker as typed; a worker id ignores letter case (platform migration 009, ADR
-- 0019), so the typed id is looked up case-folded among the worker profiles and the holders of live tasks, and the one
-- known is acted as (`ANNA` is the worker `anna`). These indexes keep that lookup off a scan of every task.
CREATE INDEX workers_lower_idx ON workers (lower(worker_id));
CREATE INDEX tasks_held_lower_idx ON tasks (lower(worker_id), assigned_at) WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'PAUSED');
