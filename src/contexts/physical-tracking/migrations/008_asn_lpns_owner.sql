-- Whose units an ASN's expected LPN carries (ADR 0028): the ASN's owner. A pallet an owner's ASN announces, received by
-- its label (RECEIVE_LPN), holds that owner's units, so a loss of it holds that owner's units in inventory, never the
-- default owner's beside them. NULL: the default owner (and rows made before this column).
ALTER TABLE asn_lpns ADD COLUMN owner_id text;
