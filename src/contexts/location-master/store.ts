import type { LayoutParameters, Location, LocationStatus, LocationType, Site } from '../../contracts/location-master.ts';
import type { NewLocation } from './domain/location.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Camelized, Narrowed, Selectable } from '../../platform/db/row-types.ts';
import type { LocationMasterLocations, LocationMasterSites } from './db-types.ts';

const SITE_COLUMNS = `id, code, name, created_at AS "createdAt", active`;
const LOCATION_COLUMNS = `id, site_id AS "siteId", code, type, zone, aisle, bay, level, x, y, z, pick_sequence AS "pickSequence", status`;

type SiteRow = Camelized<Selectable<LocationMasterSites>>;
/** A location as LOCATION_COLUMNS reads it: the contract's Location, typed from the table. */
type LocationRow = Narrowed<
  Camelized<Pick<Selectable<LocationMasterLocations>, 'id' | 'site_id' | 'code' | 'type' | 'zone' | 'aisle' | 'bay' | 'level' | 'x' | 'y' | 'z' | 'pick_sequence' | 'status'>>,
  { type: LocationType; status: LocationStatus }
>;
const toSite = (r: SiteRow): Site => ({ ...r, createdAt: r.createdAt.toISOString() });

/** A location row as inserted; ids and site come from the service. */
export type LocationInsert = NewLocation & { readonly id: string };

/**
 * Inserts a site unless a site has its code in any letter case (`dc1` beside `DC1`: ADR 0007, addendum 2026-12-07);
 * `taken` is then the code it has. Site creations take one lock in turn, so two creations of `dc1` and `DC1` cannot both
 * pass the check (sites are few and made rarely). Sites made before the rule may differ in case only: they stay.
 */
export async function insertSite(
  db: Executor, site: { id: string; code: string; name: string; createdAt: Date },
): Promise<{ site: Site; taken?: never } | { site?: never; taken: string }> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('location_master.site_code'))`);
  const clash = await db.query<{ code: string }>(
    `SELECT code FROM location_master.sites WHERE upper(code) = upper($1) ORDER BY code = $1 DESC, code LIMIT 1`, [site.code],
  );
  if (clash[0] !== undefined) return { taken: clash[0].code };
  const rows = await db.query<SiteRow>(
    `INSERT INTO location_master.sites (id, code, name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING ${SITE_COLUMNS}`,
    [site.id, site.code, site.name, site.createdAt],
  );
  const row = rows[0];
  return row === undefined ? { taken: site.code } : { site: toSite(row) };
}

/** A site by its id or its code (`DEMO`): every API that takes a site takes either. */
export async function siteByIdOrCode(db: Executor, idOrCode: string, options: { lock?: boolean | 'share' } = {}): Promise<Site | undefined> {
  // An id (`sit_…`, longer than any code) wins should a code ever look like one. What adds to a site takes a share lock,
  // so a deactivation (which locks for update) waits for it and none is added once the site is deactivated (ADR 0045).
  const lock = options.lock === 'share' ? ' FOR SHARE' : options.lock === true ? ' FOR UPDATE' : '';
  const rows = await db.query<SiteRow>(
    `SELECT ${SITE_COLUMNS} FROM location_master.sites WHERE id = $1 OR code = $1 ORDER BY id = $1 DESC LIMIT 1${lock}`,
    [idOrCode],
  );
  const row = rows[0];
  return row === undefined ? undefined : toSite(row);
}

/** A page of sites in code order; `ids` (not null) keeps those sites only. */
export async function listSites(db: Executor, q: { limit: number; afterCode: string | null; active?: boolean | null; ids?: readonly string[] | null }): Promise<Site[]> {
  const rows = await db.query<SiteRow>(
    `SELECT ${SITE_COLUMNS} FROM location_master.sites WHERE ($1::text IS NULL OR code > $1) AND ($3::boolean IS NULL OR active = $3)
       AND ($4::text[] IS NULL OR id = ANY($4)) ORDER BY code LIMIT $2`,
    [q.afterCode, q.limit, q.active ?? null, q.ids === undefined || q.ids === null ? null : [...q.ids]],
  );
  return rows.map(toSite);
}

/** Writes a site's editable fields (its name, ADR 0045) or its active flag; the caller holds its row lock. */
export async function updateSite(db: Executor, id: string, f: { name?: string; active?: boolean }): Promise<Site> {
  const rows = await db.query<SiteRow>(
    `UPDATE location_master.sites SET name = COALESCE($2, name), active = COALESCE($3, active) WHERE id = $1 RETURNING ${SITE_COLUMNS}`,
    [id, f.name ?? null, f.active ?? null],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`site ${id} vanished while locked`);
  return toSite(row);
}

/**
 * Inserts locations of one site set-based (one statement per chunk of rows, whatever their number) and skips codes
 * the site already has; returns the inserted locations so the caller can tell whether any code was taken.
 */
export async function insertLocations(db: Executor, siteId: string, origin: 'MANUAL' | 'LAYOUT', locations: readonly LocationInsert[], createdAt: Date): Promise<Location[]> {
  const inserted: Location[] = [];
  // A code the site has in another letter case is taken too (ADR 0007, addendum 2026-12-07): the site's location
  // creations take its lock in turn, so two of `a-1` and `A-1` cannot both pass the NOT EXISTS below, and of codes alike
  // in one call the first alone is inserted.
  await lockSiteCodes(db, siteId);
  const seen = new Set<string>();
  const unique = locations.filter((l) => {
    const folded = l.code.toUpperCase();
    if (seen.has(folded)) return false;
    seen.add(folded);
    return true;
  });
  const CHUNK = 5000;
  for (let i = 0; i < unique.length; i += CHUNK) {
    const chunk = unique.slice(i, i + CHUNK);
    const rows = await db.query<LocationRow>(
      `INSERT INTO location_master.locations (id, site_id, code, type, zone, aisle, bay, level, x, y, z, pick_sequence, status, origin, created_at)
       SELECT r.id, $2, r.code, r.type, r.zone, r.aisle, r.bay, r.level, r.x, r.y, r.z, r."pickSequence", r.status, $3, $4
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, code text, type text, zone text, aisle int4, bay int4, level int4,
         x numeric, y numeric, z numeric, "pickSequence" int4, status text)
       WHERE NOT EXISTS (SELECT 1 FROM location_master.locations l WHERE l.site_id = $2 AND upper(l.code) = upper(r.code))
       ON CONFLICT (site_id, code) DO NOTHING
       RETURNING ${LOCATION_COLUMNS}`,
      [JSON.stringify(chunk), siteId, origin, createdAt],
    );
    inserted.push(...rows);
  }
  return inserted;
}

/** Serialises the location creations of a site until the transaction ends (insertLocations' letter-case check). */
async function lockSiteCodes(db: Executor, siteId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('location_master.location_code'), hashtext($1))`, [siteId]);
}

/**
 * The site's locations whose code is one of `codes` in another letter case only (`a-1` for `A-1`), by the code asked:
 * a CSV import names the one it would clash with.
 */
export async function codesInOtherCase(db: Executor, siteId: string, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db.query<{ asked: string; code: string }>(
    `SELECT a.asked, l.code FROM unnest($2::text[]) AS a(asked)
       JOIN location_master.locations l ON l.site_id = $1 AND upper(l.code) = upper(a.asked) AND l.code <> a.asked`,
    [siteId, [...new Set(codes)]],
  );
  return new Map(rows.map((r) => [r.asked, r.code]));
}

/** Claims the site's one generated layout; false when it already has one. */
export async function claimLayout(db: Executor, siteId: string, parameters: LayoutParameters, locationCount: number): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO location_master.layouts (site_id, parameters, location_count) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
    [siteId, JSON.stringify(parameters), locationCount],
  );
  return rows.length > 0;
}

export async function locationById(db: Executor, id: string, options: { lock?: boolean } = {}): Promise<Location | undefined> {
  const rows = await db.query<LocationRow>(`SELECT ${LOCATION_COLUMNS} FROM location_master.locations WHERE id = $1${options.lock === true ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

export async function locationsByIds(db: Executor, ids: readonly string[]): Promise<Location[]> {
  if (ids.length === 0) return [];
  return db.query<LocationRow>(`SELECT ${LOCATION_COLUMNS} FROM location_master.locations WHERE id = ANY($1::text[])`, [[...new Set(ids)]]);
}

/** A site's locations of these codes, locked (a CSV import decides create, status change or unchanged under the lock). */
export async function lockLocationsByCodes(db: Executor, siteId: string, codes: readonly string[]): Promise<Location[]> {
  if (codes.length === 0) return [];
  return db.query<LocationRow>(
    `SELECT ${LOCATION_COLUMNS} FROM location_master.locations WHERE site_id = $1 AND code = ANY($2::text[]) ORDER BY code FOR UPDATE`,
    [siteId, [...new Set(codes)]],
  );
}

export async function locationByCode(db: Executor, siteId: string, code: string): Promise<Location | undefined> {
  const rows = await db.query<LocationRow>(`SELECT ${LOCATION_COLUMNS} FROM location_master.locations WHERE site_id = $1 AND code = $2`, [siteId, code]);
  return rows[0];
}

/** A site's locations in walking order (pick sequence, then code), optionally of some types only. */
export async function locationsOfSite(db: Executor, siteId: string, types: readonly LocationType[] | null): Promise<Location[]> {
  return db.query<LocationRow>(
    `SELECT ${LOCATION_COLUMNS} FROM location_master.locations
     WHERE site_id = $1 AND ($2::text[] IS NULL OR type = ANY($2::text[]))
     ORDER BY pick_sequence NULLS LAST, code`,
    [siteId, types === null ? null : [...types]],
  );
}

/** A site's ACTIVE locations of some types in walking order (pick sequence, then code); for slotting recommendations. */
export async function activeLocationsOfSite(db: Executor, siteId: string, types: readonly LocationType[]): Promise<Location[]> {
  return db.query<LocationRow>(
    `SELECT ${LOCATION_COLUMNS} FROM location_master.locations
     WHERE site_id = $1 AND type = ANY($2::text[]) AND status = 'ACTIVE'
     ORDER BY pick_sequence NULLS LAST, code`,
    [siteId, [...types]],
  );
}

export interface LocationFilter {
  readonly type: LocationType | null;
  readonly zone: string | null;
  readonly status: LocationStatus | null;
  readonly afterCode: string | null;
  readonly limit: number;
}

/** One page of a site's locations in code order. */
export async function listLocations(db: Executor, siteId: string, f: LocationFilter): Promise<Location[]> {
  return db.query<LocationRow>(
    `SELECT ${LOCATION_COLUMNS} FROM location_master.locations
     WHERE site_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR zone = $3)
       AND ($4::text IS NULL OR status = $4) AND ($5::text IS NULL OR code > $5)
     ORDER BY code LIMIT $6`,
    [siteId, f.type, f.zone, f.status, f.afterCode, f.limit],
  );
}

export async function updateStatus(db: Executor, id: string, status: LocationStatus, reason: string | null): Promise<Location> {
  const rows = await db.query<LocationRow>(
    `UPDATE location_master.locations SET status = $2, status_reason = $3 WHERE id = $1 RETURNING ${LOCATION_COLUMNS}`,
    [id, status, reason],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`location ${id} vanished while locked`);
  return row;
}
