-- A RECEIVE_LPN scan's lease on the arrival inventory admitted under its LPN id (InventoryApi.admitAsnLpnArrival, ADR
-- 0029 addendum 2026-12-07): recorded PENDING before inventory is asked, renewed every second by the scanning process,
-- deleted by the scan's transaction when it receives the LPN (the scan receives only by deleting it PENDING) or once a
-- scan that did not receive has withdrawn the arrival. One not renewed for a few seconds (its process was killed, or
-- its withdrawal failed) is ABANDONED by the arrival-admissions job, which withdraws the arrival and deletes it.
CREATE TABLE arrival_admissions (
  lpn_id      text PRIMARY KEY,
  site_id     text NOT NULL,
  state       text NOT NULL CHECK (state IN ('PENDING', 'ABANDONED')),
  renewed_at  timestamptz NOT NULL
);
CREATE INDEX arrival_admissions_renewed_idx ON arrival_admissions (renewed_at);
