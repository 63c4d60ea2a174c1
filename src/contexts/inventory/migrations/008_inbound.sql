-- Inbound (issue 11): advance shipping notices (expected receipts), receipts against them or blind, and the putaway
-- requests every receipt leaves at the receiving location until a worker puts the units away by scan.

-- An ASN: OPEN → RECEIVING (first unit received) → CLOSED, or OPEN → CANCELLED (domain/inbound.ts has the table).
CREATE TABLE asns (
  id           text PRIMARY KEY,
  site_id      text NOT NULL,
  supplier     text NOT NULL CHECK (length(supplier) BETWEEN 1 AND 200),
  -- The supplier's own document number (delivery note, ASN number), free text.
  reference    text,
  expected_on  date,
  status       text NOT NULL CHECK (status IN ('OPEN', 'RECEIVING', 'CLOSED', 'CANCELLED')),
  -- Why it was cancelled (CANCELLED only).
  reason       text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  closed_at    timestamptz,
  CHECK ((status IN ('CLOSED', 'CANCELLED')) = (closed_at IS NOT NULL))
);
CREATE INDEX asns_site_status ON asns (site_id, status, id);

-- What the supplier announced per line, and what the dock received against it so far.
CREATE TABLE asn_lines (
  asn_id       text NOT NULL REFERENCES asns (id),
  line_no      integer NOT NULL CHECK (line_no > 0),
  sku          text NOT NULL,
  -- '' when the supplier announced no lot: any lot received matches.
  lot          text NOT NULL DEFAULT '',
  expires_on   date,
  quantity     integer NOT NULL CHECK (quantity > 0),
  serials      text[] NOT NULL DEFAULT '{}',
  -- The expected LPN or SSCC, as printed on the label (plain text until LPNs exist).
  expected_lpn text,
  -- Units received against the line, damaged ones included; of those, damaged.
  received     integer NOT NULL DEFAULT 0 CHECK (received >= 0),
  damaged      integer NOT NULL DEFAULT 0 CHECK (damaged >= 0 AND damaged <= received),
  PRIMARY KEY (asn_id, line_no)
);

-- Over, under and damaged receipts per line, recorded when the ASN is closed.
CREATE TABLE asn_discrepancies (
  asn_id      text NOT NULL REFERENCES asns (id),
  line_no     integer NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('OVER', 'UNDER', 'DAMAGED')),
  sku         text NOT NULL,
  lot         text NOT NULL DEFAULT '',
  expected    integer NOT NULL CHECK (expected >= 0),
  received    integer NOT NULL CHECK (received >= 0),
  damaged     integer NOT NULL CHECK (damaged >= 0),
  quantity    integer NOT NULL CHECK (quantity > 0),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (asn_id, line_no, kind)
);

-- One putaway request per receipt: units at the receiving location, a suggested target, the confirms by scan.
CREATE TABLE putaways (
  id                    text PRIMARY KEY,
  site_id               text NOT NULL,
  -- The receipt's RECEIPT movement; the ASN and line it was received against (NULL: a blind receipt).
  receipt_movement_id   text NOT NULL UNIQUE,
  asn_id                text,
  line_no               integer,
  sku                   text NOT NULL,
  lot                   text NOT NULL DEFAULT '',
  stock_status          text NOT NULL CHECK (stock_status IN ('AVAILABLE', 'HOLD', 'QUARANTINE', 'DAMAGED')),
  quantity              integer NOT NULL CHECK (quantity > 0),
  put_away              integer NOT NULL DEFAULT 0 CHECK (put_away >= 0 AND put_away <= quantity),
  from_location_id      text NOT NULL,
  suggested_location_id text,
  status                text NOT NULL CHECK (status IN ('OPEN', 'COMPLETED')),
  -- The last confirm: where, by whom, when.
  confirmed_location_id text,
  confirmed_by          text,
  confirmed_at          timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'COMPLETED') = (put_away = quantity)),
  CHECK ((asn_id IS NULL) = (line_no IS NULL))
);
CREATE INDEX putaways_site_status ON putaways (site_id, status, id);
CREATE INDEX putaways_asn ON putaways (asn_id);

-- Every confirm of a putaway (its id is the PUTAWAY movement out of the receiving location).
CREATE TABLE putaway_confirmations (
  id           text PRIMARY KEY,
  putaway_id   text NOT NULL REFERENCES putaways (id),
  scan_id      text,
  location_id  text NOT NULL,
  quantity     integer NOT NULL CHECK (quantity > 0),
  confirmed_by text,
  confirmed_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (putaway_id, scan_id)
);
