-- integrations (ADR 0040): the 943s (warehouse stock transfer shipment advice) that became ASNs in inventory, with
-- what the 944 (receipt advice) echoes when the ASN is closed. One ASN per partner and depositor order number (W06-02).
CREATE TABLE edi_transfers (
  asn_id                 text PRIMARY KEY,
  partner_id             text NOT NULL REFERENCES edi_partners (id),
  document_id            text NOT NULL REFERENCES edi_documents (id),
  depositor_order_number text NOT NULL,
  shipment_id            text NOT NULL,
  purchase_order_number  text,
  ship_from              text NOT NULL,
  lines                  jsonb NOT NULL,
  advised_at             timestamptz,
  created_at             timestamptz NOT NULL,
  UNIQUE (partner_id, depositor_order_number)
);
