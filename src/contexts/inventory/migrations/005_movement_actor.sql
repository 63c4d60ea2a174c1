-- Audit (ADR 0019): every movement records who caused it, the actor of the request or of the event that led to it.
-- NULL for movements written before, and for those of jobs no person or key started.
ALTER TABLE movements ADD COLUMN actor_id text;
ALTER TABLE movements ADD COLUMN actor_kind text CHECK (actor_kind IN ('user', 'key', 'internal'));
ALTER TABLE movements ADD COLUMN actor_role text;
