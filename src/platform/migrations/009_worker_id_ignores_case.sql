-- A worker id is one worker whatever its letter case (ADR 0019, second addendum): "W1" and "w1" typed on two handhelds,
-- or given to two people, are the same person on the floor, and the unique index of migration 008 compared them as
-- sent, so two users could act as "W1" and "w1". The index now compares them case-folded (lower()).
--
-- As in 008, rows made before may already differ only in case: the migration does not fail on them and changes no
-- one's worker id; all but the oldest user (created_at, then id) of each case-folded worker id are marked
-- `shares_worker_id`, which the index leaves out, and an admin finds them in GET /users.
DROP INDEX users_worker_id_unique;

UPDATE users u SET shares_worker_id = true
  FROM (SELECT id, row_number() OVER (PARTITION BY lower(COALESCE(worker_id, username)) ORDER BY created_at, id) AS n FROM users) ranked
 WHERE ranked.id = u.id AND ranked.n > 1 AND NOT u.shares_worker_id;

CREATE UNIQUE INDEX users_worker_id_unique ON users ((lower(COALESCE(worker_id, username)))) WHERE NOT shares_worker_id;
