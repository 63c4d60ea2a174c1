-- workload: a version per site and day of the roster, so that a planner's replacement can say which roster it replaces
-- (If-Match on PUT /workload/roster; the ETag of GET /workload/roster). A day never set is at version 0 and has no row.
CREATE TABLE roster_versions (
  site_id  text    NOT NULL,
  day      date    NOT NULL,
  version  integer NOT NULL CHECK (version >= 1),
  PRIMARY KEY (site_id, day)
);
