-- Codes that differ only in letter case are one code (ADR 0007, addendum 2026-12-07): a new site or location whose code
-- a site (a location of the site) has in another case is refused as taken. The check reads by the case-folded code;
-- these indexes answer it. Not unique: sites and locations made before the rule may differ in case only, and stay.
CREATE INDEX sites_code_folded_idx ON sites (upper(code));
CREATE INDEX locations_site_code_folded_idx ON locations (site_id, upper(code));
