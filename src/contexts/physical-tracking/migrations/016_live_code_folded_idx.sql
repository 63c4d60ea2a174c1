-- A live LPN's label and one that reads the same (another letter case, full-width characters: NFKC) are one label
-- (ADR 0007, addendum 2026-12-07): a new LPN may not carry a label a live one of the site carries so. This index answers
-- that check (store.liveCodeAlike). Not unique: LPNs made before the rule may carry labels alike, and stay.
CREATE INDEX lpns_live_code_folded_idx ON lpns (site_id, (upper(normalize(code, NFKC)))) WHERE status IN ('OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT');
