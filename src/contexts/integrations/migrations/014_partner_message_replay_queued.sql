-- A replay of a partner message asked while an attempt is under way (the message leased) waits for it, as a webhook
-- delivery's does (ADR 0039 addendum 2026-12-07, crash6): the lease stays, so no other process's job claims and sends it
-- at once, and the attempt's end sends it again (PENDING, due now) instead of ending it DELIVERED (the replay lost) or
-- putting it off by the backoff. A claim after the lease lapsed (its process died) is that send and takes the flag.
ALTER TABLE partner_messages ADD COLUMN replay_queued boolean NOT NULL DEFAULT false;
