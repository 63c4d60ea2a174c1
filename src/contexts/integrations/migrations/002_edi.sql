-- integrations (ADR 0037): EDI X12 trading partners, every document received or generated (kept as sent), and the
-- 940s that became orders with what the 945 and 856 need when the order ships.
CREATE TABLE edi_partners (
  id            text PRIMARY KEY,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  isa_qualifier text NOT NULL CHECK (isa_qualifier ~ '^[0-9A-Z]{2}$'),
  isa_id        text NOT NULL CHECK (length(isa_id) BETWEEN 1 AND 15),
  our_qualifier text NOT NULL CHECK (our_qualifier ~ '^[0-9A-Z]{2}$'),
  our_id        text NOT NULL CHECK (length(our_id) BETWEEN 1 AND 15),
  site_id       text NOT NULL,
  carrier       text NOT NULL,
  created_at    timestamptz NOT NULL,
  UNIQUE (isa_qualifier, isa_id)
);

-- Interchange control numbers PakLog sends (ISA13, GS06): one sequence, so each is unique for every partner.
CREATE SEQUENCE edi_control_numbers MINVALUE 1 MAXVALUE 999999999 CYCLE;

CREATE TABLE edi_documents (
  id                  text PRIMARY KEY,
  partner_id          text NOT NULL REFERENCES edi_partners (id),
  direction           text NOT NULL CHECK (direction IN ('IN', 'OUT')),
  doc_type            text NOT NULL CHECK (doc_type ~ '^[0-9]{3}$'),
  interchange_control text NOT NULL,
  status              text NOT NULL CHECK (status IN ('ACCEPTED', 'PARTLY_ACCEPTED', 'REJECTED', 'GENERATED')),
  order_ids           text[] NOT NULL DEFAULT '{}',
  references_         text[] NOT NULL DEFAULT '{}',
  reply_to            text REFERENCES edi_documents (id),
  body                text NOT NULL,
  created_at          timestamptz NOT NULL
);
-- A partner's interchange received twice is answered with the first answer (no second order).
CREATE UNIQUE INDEX edi_documents_received ON edi_documents (partner_id, interchange_control) WHERE direction = 'IN';
CREATE INDEX edi_documents_orders ON edi_documents USING gin (order_ids);
CREATE INDEX edi_documents_references ON edi_documents USING gin (references_);

CREATE TABLE edi_orders (
  order_id               text PRIMARY KEY,
  partner_id             text NOT NULL REFERENCES edi_partners (id),
  document_id            text NOT NULL REFERENCES edi_documents (id),
  site_id                text NOT NULL,
  depositor_order_number text NOT NULL,
  purchase_order_number  text,
  ship_to                jsonb NOT NULL,
  lines                  jsonb NOT NULL,
  shipments              jsonb NOT NULL DEFAULT '[]',
  packages               jsonb NOT NULL DEFAULT '[]',
  advised_at             timestamptz,
  created_at             timestamptz NOT NULL
);
