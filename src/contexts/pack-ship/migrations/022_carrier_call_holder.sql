-- Which process holds a carrier call's lease (ADR 0056 addendum cancel6): the holder id of its liveness lock (a session
-- advisory lock, platform/db/liveness.ts). A lease whose holder's lock is free ends at once — its process died while it
-- asked the carrier — so a retry after a restart books at once instead of waiting out the lease; NULL (a process that
-- had no liveness connection, or calls leased before this column) ends by its time only, as before.
ALTER TABLE carrier_calls ADD COLUMN leased_by integer;
