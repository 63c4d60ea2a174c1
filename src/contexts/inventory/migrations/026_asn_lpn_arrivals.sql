-- An ASN's LPN scanned in at the dock (`physical-tracking.scan.recorded` RECEIVE_LPN, ADR 0029 addendum of
-- 2026-12-06): the goods arrived, whether or not their receipt is booked yet. An ASN with one is not cancelled, and is
-- closed with an LPN none of whose units were booked only when the close says so (`acceptUnbooked`).
CREATE TABLE asn_lpn_arrivals (
  asn_id text NOT NULL,
  lpn_id text NOT NULL,
  code text NOT NULL,
  location_id text,
  arrived_at timestamptz NOT NULL,
  PRIMARY KEY (asn_id, lpn_id)
);
