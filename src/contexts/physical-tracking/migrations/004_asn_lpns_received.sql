-- An ASN's LPN is received once (ADR 0029 addendum 2026-12-04): a RECEIVE_LPN scan looks for an LPN an ASN already
-- gave that label, whatever its status now (a received pallet picked clean is CONSUMED and frees its label).
CREATE INDEX lpns_asn_code_idx ON lpns (site_id, code, asn_id) WHERE asn_id IS NOT NULL;
