-- A person's worker id (the username when worker_id is NULL) is unique among users (ADR 0019 addendum): two users
-- acting as one worker would hold each other's tasks, confirm each other's picks and blur the audit trail. A unique
-- index, not a check before the insert, so two concurrent creates with one worker id cannot both pass (one is 409).
-- Disabled users keep theirs: the events and movements a worker id signed must not become someone else's.
--
-- Rows made before this rule may already share a worker id. The migration must not fail on them, and must not quietly
-- change who anyone acts as on the floor (their held tasks name the worker id), so it marks every such user but the
-- oldest (created_at, then id) of each worker id as `shares_worker_id`, and the index leaves those out: the oldest
-- keeps the worker id, no new user can take it, and an admin disables the marked ones (GET /users shows the pairs).
ALTER TABLE users ADD COLUMN shares_worker_id boolean NOT NULL DEFAULT false;

UPDATE users u SET shares_worker_id = true
  FROM (SELECT id, row_number() OVER (PARTITION BY COALESCE(worker_id, username) ORDER BY created_at, id) AS n FROM users) ranked
 WHERE ranked.id = u.id AND ranked.n > 1;

CREATE UNIQUE INDEX users_worker_id_unique ON users ((COALESCE(worker_id, username))) WHERE NOT shares_worker_id;
