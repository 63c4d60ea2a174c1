-- Which worker's task holds each pick list (a projection of tasks' assignment events), so a signed-in person may scan
-- only on the list of its own task (ADR 0019). Written only by the list-workers projection's handlers.
CREATE TABLE list_workers (
  pick_list_id text PRIMARY KEY,
  task_id      text NOT NULL,
  worker_id    text
);
