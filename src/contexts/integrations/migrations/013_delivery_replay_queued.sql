-- A replay asked while an attempt is under way (the delivery leased) waits for it (ADR 0034 addendum 2026-12-07, hooks5):
-- the lease stays, so no second sender claims it at once, and the attempt's end sends it again (PENDING, due now)
-- instead of ending it DELIVERED or putting it off by the backoff.
ALTER TABLE deliveries ADD COLUMN replay_queued boolean NOT NULL DEFAULT false;
