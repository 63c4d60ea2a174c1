-- Projection of location-master's sites (site.created, site.updated): the ship-from name the 945 and 856 carry (N1*SF)
-- is read here, in the shipped and cancelled handlers' transaction, never from location-master (issue 8: no handler
-- calls another context inside its transaction). Rebuildable with `paklog replay integrations --projection sites`; an
-- installation that had sites before this migration fills it that way (until then its documents name the site by id).
CREATE TABLE sites (
  id text PRIMARY KEY,
  code text NOT NULL,
  name text NOT NULL
);
