-- A task list by worker (GET /tasks?workerId=, GraphQL tasks) takes the worker id in any letter case, as every other read
-- by worker does (ADR 0019): a supervisor's ANNA lists anna's tasks, live and finished. This index keeps that read off a
-- scan of every task.
CREATE INDEX tasks_worker_lower_idx ON tasks (lower(worker_id), id);
