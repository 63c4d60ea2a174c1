-- integrations (ADR 0039 addendum): the site a partner message is about, so a caller of some sites only (ADR 0019)
-- lists and reads the messages of its sites alone. Every kind PakLog sends names its site in its document (a
-- shipment's, an adjustment's, a snapshot's); null is kept for a message that names none (none is written today: a
-- message enqueued before this migration whose document has no site), which only a caller of every site sees.
ALTER TABLE partner_messages ADD COLUMN site_id text;
UPDATE partner_messages SET site_id = body -> 'data' ->> 'siteId' WHERE site_id IS NULL;
CREATE INDEX partner_messages_site ON partner_messages (site_id, id);

-- The sites an inbound ERP document named (its ASNs' sites, resolved): GET /integrations/erp/inbound-files?siteId=
-- lists the documents about a site. Empty for an item master (master data of no site), a document of unknown kind and
-- documents received before this migration: only a caller of every site lists those.
ALTER TABLE erp_inbound_files ADD COLUMN site_ids text[] NOT NULL DEFAULT '{}';
CREATE INDEX erp_inbound_files_sites ON erp_inbound_files USING gin (site_ids);
