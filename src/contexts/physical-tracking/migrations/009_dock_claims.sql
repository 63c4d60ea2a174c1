-- A SHIP scan's claim at pack & ship (PackShipApi.claimDockShip, ADR 0011 addendum 2026-12-06 bis), fenced here: the
-- scan's transaction ships only if it turns its PENDING claim SHIPPED, and the dock-claims job turns a claim PENDING
-- for too long (its process stopped before the commit) ABANDONED, so the two never both happen. settled_at: when pack &
-- ship was told it shipped; a claim that shipped nothing is deleted once pack & ship was told. The job tells pack & ship
-- what a stopped process did not.
CREATE TABLE dock_claims (
  claim_id   text PRIMARY KEY,
  state      text NOT NULL CHECK (state IN ('PENDING', 'SHIPPED', 'RELEASED', 'ABANDONED')),
  claimed_at timestamptz NOT NULL,
  settled_at timestamptz
);
CREATE INDEX dock_claims_unsettled_idx ON dock_claims (claimed_at) WHERE settled_at IS NULL;
