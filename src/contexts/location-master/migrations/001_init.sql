-- location-master: sites and their locations. Codes compare bytewise ("C") so keyset pagination by code is stable.
CREATE TABLE sites (
  id         text PRIMARY KEY,
  code       text COLLATE "C" NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_]{1,16}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE locations (
  id            text PRIMARY KEY,
  site_id       text NOT NULL REFERENCES sites (id),
  code          text COLLATE "C" NOT NULL CHECK (code ~ '^[A-Za-z0-9._-]{1,64}$'),
  type          text NOT NULL CHECK (type IN ('RECEIVING', 'STORAGE', 'PICK_FACE', 'RESERVE', 'STAGING', 'PACK_STATION', 'SHIPPING_DOCK', 'QUARANTINE', 'DEPOT')),
  zone          text,
  aisle         int4 CHECK (aisle >= 0),
  bay           int4 CHECK (bay >= 0),
  level         int4 CHECK (level >= 0),
  x             numeric(9, 3) NOT NULL,
  y             numeric(9, 3) NOT NULL,
  z             numeric(9, 3) NOT NULL DEFAULT 0,
  pick_sequence int4 CHECK (pick_sequence >= 0),
  status        text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'BLOCKED', 'INACTIVE')),
  -- Why a location is BLOCKED; cleared when it is unblocked.
  status_reason text,
  -- MANUAL (POST /sites/{id}/locations) or LAYOUT (generated).
  origin        text NOT NULL CHECK (origin IN ('MANUAL', 'LAYOUT')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (site_id, code)
);
CREATE INDEX locations_site_type ON locations (site_id, type);
CREATE INDEX locations_site_sequence ON locations (site_id, pick_sequence);

-- At most one generated layout per site; the primary key makes a second or concurrent one fail.
CREATE TABLE layouts (
  site_id        text PRIMARY KEY REFERENCES sites (id),
  parameters     jsonb NOT NULL,
  location_count int4 NOT NULL CHECK (location_count > 0),
  created_at     timestamptz NOT NULL DEFAULT now()
);
