-- Locations as picking needs them, projected from location-master.location.created and
-- location-master.layout.locations-generated (issue 8): a pick line's code and pick sequence, and the coordinates the
-- router fits a site's layout to. Never updated: these facts do not change once a location exists (its status does,
-- and picking does not read it), so a redelivered or late event changes nothing.
CREATE TABLE locations (
  id            text PRIMARY KEY,
  site_id       text NOT NULL,
  code          text NOT NULL,
  type          text NOT NULL,
  zone          text,
  aisle         integer,
  x             numeric(9, 3) NOT NULL,
  y             numeric(9, 3) NOT NULL,
  z             numeric(9, 3) NOT NULL,
  pick_sequence integer
);
CREATE INDEX locations_site_type_idx ON locations (site_id, type);
