-- The relay deletes the rows it dispatched instead of setting dispatched_at (ADR 0042): platform.events keeps every
-- event. What earlier versions marked dispatched goes now; every row left is pending, so the partial index of pending
-- rows is the primary key's work and one index write per event less. dispatched_at stays for processes of the
-- previous version during a rolling upgrade (theirs still set it; the relay skips such rows).
DELETE FROM outbox WHERE dispatched_at IS NOT NULL;
DROP INDEX outbox_pending;
