-- Work whose end tasks heard before the task that does it was queued (crash8). In split mode a consumer killed while it
-- queued a task gets that event again only after its ack_wait, AFTER what was published since: the work's end
-- (`inventory.replenishment.completed`, a putaway confirmed, a count submitted, a list completed or cancelled, an order
-- packed or its shipping stopped) could come first, find no task and do nothing, and the late request then queued a
-- task for work already over, QUEUED for ever. The end is remembered here and such a request queues nothing.
-- `round`: the latest round ended (a PACK task's; 1 for the others), NULL for every round (withdrawn work).
CREATE TABLE ended_work (
  type      text NOT NULL,
  reference text NOT NULL,
  round     integer,
  ended     text NOT NULL CHECK (ended IN ('DONE', 'WITHDRAWN')),
  ended_at  timestamptz NOT NULL,
  PRIMARY KEY (type, reference)
);
