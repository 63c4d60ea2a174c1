import type { Executor } from '../../platform/db/database.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { LpnCodeKind, LpnStatus, LpnType, ScanMeaning } from '../../contracts/physical-tracking.ts';
import type { PhysicalTrackingAsnLpns, PhysicalTrackingLpns, PhysicalTrackingScans } from './db-types.ts';
import type { ContentLine } from './domain/contents.ts';

/** An LPN row, its CHECKed text and jsonb narrowed. */
export type LpnRow = Narrowed<Selectable<PhysicalTrackingLpns>, { code_kind: LpnCodeKind; type: LpnType; status: LpnStatus; contents: ContentLine[] }>;
/** A scan row, its meaning narrowed. */
export type ScanRow = Narrowed<Selectable<PhysicalTrackingScans>, { meaning: ScanMeaning }>;
export type AsnLpnRow = Selectable<PhysicalTrackingAsnLpns>;

const LPN_COLUMN_NAMES = [
  'id', 'site_id', 'code', 'code_kind', 'type', 'status', 'parent_id', 'location_id', 'contents', 'asn_id', 'created_at', 'updated_at', 'version',
] as const;
const LPNS = columnList(LPN_COLUMN_NAMES);
const LPNS_L = columnList(LPN_COLUMN_NAMES, 'l');
const SCAN_COLUMN_NAMES = [
  'seq', 'id', 'site_id', 'at', 'worker_id', 'device_id', 'location_id', 'from_location_id', 'lpn_id', 'related_lpn_id',
  'barcode', 'meaning', 'sku', 'quantity', 'source_event_id',
] as const;
const SCANS_S = columnList(SCAN_COLUMN_NAMES, 's');
const LIVE = `('OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT')`;

export async function lpn(db: Executor, id: string, lock = false): Promise<LpnRow | undefined> {
  return (await db.query<LpnRow>(`SELECT ${LPNS} FROM physical_tracking.lpns WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]))[0];
}

/** Locks LPNs in id order (the fixed key order of this context). */
export async function lockLpns(db: Executor, ids: readonly string[]): Promise<Map<string, LpnRow>> {
  const rows = await db.query<LpnRow>(`SELECT ${LPNS} FROM physical_tracking.lpns WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Serialises the makers of one label at a site until the transaction ends: two scans of a new pallet label (or two
 * picks into a new tote) racing would otherwise both find no live LPN and the second would trip the unique index.
 */
export async function lockCode(db: Executor, siteId: string, code: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('physical_tracking.lpn_code'), hashtext($1))`, [`${siteId} ${code}`]);
}

/** The live LPN of a site with this code; `lock`: its row locked (a live row only: one that left the floor meanwhile is not found). */
export async function liveByCode(db: Executor, siteId: string, code: string, lock = false): Promise<LpnRow | undefined> {
  return (await db.query<LpnRow>(
    `SELECT ${LPNS} FROM physical_tracking.lpns WHERE site_id = $1 AND code = $2 AND status IN ${LIVE}${lock ? ' FOR UPDATE' : ''}`, [siteId, code],
  ))[0];
}

/** Live LPNs resting at a location, oldest first, locked. */
export async function liveAt(db: Executor, siteId: string, locationId: string): Promise<LpnRow[]> {
  return db.query<LpnRow>(
    `SELECT ${LPNS} FROM physical_tracking.lpns WHERE site_id = $1 AND location_id = $2 AND status IN ${LIVE} ORDER BY created_at, id FOR UPDATE`,
    [siteId, locationId],
  );
}

/** Live LPNs holding units picked for an order, oldest first, locked. */
export async function liveHoldingOrder(db: Executor, siteId: string, orderId: string): Promise<LpnRow[]> {
  return db.query<LpnRow>(
    `SELECT ${LPNS} FROM physical_tracking.lpns
     WHERE site_id = $1 AND status IN ${LIVE} AND contents @> jsonb_build_array(jsonb_build_object('orderId', $2::text))
     ORDER BY created_at, id FOR UPDATE`,
    [siteId, orderId],
  );
}

export async function childIds(db: Executor, ids: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await db.query<Pick<LpnRow, 'id' | 'parent_id'>>(
    `SELECT id, parent_id FROM physical_tracking.lpns WHERE parent_id = ANY($1::text[]) ORDER BY id`, [[...ids]],
  );
  const out = new Map<string, string[]>();
  for (const r of rows) if (r.parent_id !== null) out.set(r.parent_id, [...(out.get(r.parent_id) ?? []), r.id]);
  return out;
}

/** An LPN and every LPN inside it, at any depth (the root first, then level by level), locked in id order; one statement. */
export async function subtree(db: Executor, id: string): Promise<LpnRow[]> {
  const rows = await db.query<LpnRow & { depth: number }>(
    `WITH RECURSIVE t(id, depth) AS (
       SELECT id, 1 FROM physical_tracking.lpns WHERE id = $1
       UNION ALL
       SELECT c.id, t.depth + 1 FROM physical_tracking.lpns c JOIN t ON c.parent_id = t.id WHERE t.depth < 10
     ) SELECT ${LPNS_L}, t.depth FROM t JOIN physical_tracking.lpns l ON l.id = t.id ORDER BY l.id FOR UPDATE OF l`, [id],
  );
  return rows.sort((a, b) => a.depth - b.depth).map(({ depth: _depth, ...r }) => r);
}

/** The chain from an LPN up to the outermost one containing it (the LPN first). */
export async function chainUp(db: Executor, id: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `WITH RECURSIVE up(id, parent_id, n) AS (
       SELECT id, parent_id, 1 FROM physical_tracking.lpns WHERE id = $1
       UNION ALL
       SELECT p.id, p.parent_id, up.n + 1 FROM physical_tracking.lpns p JOIN up ON p.id = up.parent_id WHERE up.n < 10
     ) SELECT id FROM up ORDER BY n`, [id],
  );
  return rows.map((r) => r.id);
}

/** Levels of an LPN's subtree: 1 with no children. */
export async function height(db: Executor, id: string): Promise<number> {
  const rows = await db.query<{ h: number }>(
    `WITH RECURSIVE t(id, depth) AS (
       SELECT id, 1 FROM physical_tracking.lpns WHERE id = $1
       UNION ALL
       SELECT c.id, t.depth + 1 FROM physical_tracking.lpns c JOIN t ON c.parent_id = t.id WHERE t.depth < 10
     ) SELECT max(depth)::int8 AS h FROM t`, [id],
  );
  return rows[0]?.h ?? 1;
}

export interface NewLpn {
  readonly id: string; readonly siteId: string; readonly code: string; readonly codeKind: LpnCodeKind; readonly type: LpnType;
  readonly status: LpnStatus; readonly parentId: string | null; readonly locationId: string | null; readonly contents: readonly ContentLine[];
  readonly asnId: string | null; readonly at: Date;
}

const INSERT_LPN = `INSERT INTO physical_tracking.lpns (id, site_id, code, code_kind, type, status, parent_id, location_id, contents, asn_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $11)`;
const newLpnParams = (l: NewLpn): unknown[] =>
  [l.id, l.siteId, l.code, l.codeKind, l.type, l.status, l.parentId, l.locationId, JSON.stringify(l.contents), l.asnId, l.at];

/**
 * Inserts a new LPN; undefined when a live LPN of the site carries its code already (one made by a floor event since
 * the caller looked: {@link liveOrInsert} takes no advisory lock, the unique index decides).
 */
export async function insertLpn(db: Executor, l: NewLpn): Promise<LpnRow | undefined> {
  const rows = await db.query<LpnRow>(`${INSERT_LPN} ON CONFLICT DO NOTHING RETURNING ${LPNS}`, newLpnParams(l));
  return rows[0];
}

/**
 * The live LPN of the site with `l`'s code, locked, or `l` inserted when there is none: one statement. The unique index
 * on live codes serialises two makers of one label (two picks into a new tote): the second waits for the first and
 * then locks the row it made. The found row is returned unchanged (the no-op update only takes its lock).
 */
export async function liveOrInsert(db: Executor, l: NewLpn): Promise<LpnRow> {
  const rows = await db.query<LpnRow>(
    `${INSERT_LPN} ON CONFLICT (site_id, code) WHERE status IN ${LIVE} DO UPDATE SET code = EXCLUDED.code RETURNING ${LPNS}`, newLpnParams(l),
  );
  return rows[0]!;
}

/** Writes what a command decided about one LPN (the row is locked by the caller). */
export async function updateLpn(
  db: Executor, id: string, at: Date,
  set: { readonly status?: LpnStatus; readonly parentId?: string | null; readonly locationId?: string | null; readonly contents?: readonly ContentLine[] },
): Promise<LpnRow> {
  const rows = await db.query<LpnRow>(
    `UPDATE physical_tracking.lpns SET
       status = CASE WHEN $3::boolean THEN $4 ELSE status END,
       parent_id = CASE WHEN $5::boolean THEN $6 ELSE parent_id END,
       location_id = CASE WHEN $7::boolean THEN $8 ELSE location_id END,
       contents = CASE WHEN $9::boolean THEN $10::jsonb ELSE contents END,
       updated_at = $2, version = version + 1
     WHERE id = $1 RETURNING ${LPNS}`,
    [id, at, set.status !== undefined, set.status ?? null, set.parentId !== undefined, set.parentId ?? null,
      set.locationId !== undefined, set.locationId ?? null, set.contents !== undefined, JSON.stringify(set.contents ?? [])],
  );
  return rows[0]!;
}

/**
 * Writes an LPN's new contents after units were taken out of it and, when `mayConsume` (it is empty and its lifecycle
 * allows it) and nothing is nested in it, consumes it (its code is free again): one statement for what was an update,
 * a look-up of its children and a second update (the version moves on by as many).
 */
export async function takeOut(db: Executor, id: string, at: Date, contents: readonly ContentLine[], mayConsume: boolean): Promise<LpnRow> {
  const rows = await db.query<LpnRow>(
    `UPDATE physical_tracking.lpns l SET contents = $3::jsonb,
       status = CASE WHEN c.consume THEN 'CONSUMED' ELSE l.status END,
       location_id = CASE WHEN c.consume THEN NULL ELSE l.location_id END,
       updated_at = $2, version = l.version + CASE WHEN c.consume THEN 2 ELSE 1 END
     FROM (SELECT $4::boolean AND NOT EXISTS (SELECT 1 FROM physical_tracking.lpns k WHERE k.parent_id = $1) AS consume) c
     WHERE l.id = $1 RETURNING ${LPNS_L}`,
    [id, at, JSON.stringify(contents), mayConsume],
  );
  return rows[0]!;
}

export interface NewScan {
  readonly id: string; readonly siteId: string; readonly at: Date; readonly workerId: string | null; readonly deviceId: string | null;
  readonly locationId: string | null; readonly fromLocationId: string | null; readonly lpnId: string | null; readonly relatedLpnId: string | null;
  readonly barcode: string; readonly meaning: ScanMeaning; readonly sku: string | null; readonly quantity: number | null;
  readonly sourceEventId: string | null;
}

const INSERT_SCAN = `INSERT INTO physical_tracking.scans AS s (id, site_id, at, worker_id, device_id, location_id, from_location_id, lpn_id, related_lpn_id,
       barcode, meaning, sku, quantity, source_event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${SCANS_S}`;
const scanParams = (s: NewScan): unknown[] =>
  [s.id, s.siteId, s.at, s.workerId, s.deviceId, s.locationId, s.fromLocationId, s.lpnId, s.relatedLpnId, s.barcode, s.meaning, s.sku, s.quantity, s.sourceEventId];

export async function insertScan(db: Executor, s: NewScan): Promise<ScanRow> {
  return (await db.query<ScanRow>(INSERT_SCAN, scanParams(s)))[0]!;
}

/**
 * A scan that fills its LPN (units picked into a tote): the LPN's new contents and the scan in one statement. The LPN
 * (the scan's `lpnId`) is locked by the caller, as for {@link updateLpn}.
 */
export async function insertFillingScan(db: Executor, s: NewScan & { readonly lpnId: string }, contents: readonly ContentLine[]): Promise<ScanRow> {
  const rows = await db.query<ScanRow>(
    `WITH filled AS (UPDATE physical_tracking.lpns SET contents = $15::jsonb, updated_at = $3, version = version + 1 WHERE id = $8)
     ${INSERT_SCAN}`,
    [...scanParams(s), JSON.stringify(contents)],
  );
  return rows[0]!;
}

/** The scan this session inserted last (its transaction's own insert, never another's). */
export async function lastScanOfSession(db: Executor): Promise<ScanRow> {
  const rows = await db.query<ScanRow>(
    `SELECT ${SCANS_S} FROM physical_tracking.scans s WHERE s.seq = currval(pg_get_serial_sequence('physical_tracking.scans', 'seq'))`,
  );
  return rows[0]!;
}

/** Units flowed from one LPN into another (or one was loaded into another), at that time: the timeline follows them. */
export async function link(db: Executor, from: string, to: string, at: Date): Promise<void> {
  if (from === to) return;
  await db.query(`INSERT INTO physical_tracking.lpn_links (from_lpn_id, to_lpn_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [from, to, at]);
}

/** `(at, seq)` after the scan numbered `after` (0: from the start). */
const AFTER = (p: number) => `($${p}::int8 = 0 OR (s.at, s.seq) > (SELECT c.at, c.seq FROM physical_tracking.scans c WHERE c.seq = $${p}))`;

/**
 * An LPN's timeline: its own scans, and those of the LPNs its units went into (picked into a tote, packed into a
 * carton, loaded onto a pallet), each from the moment they went; in time order, paged after the scan `after`.
 */
export async function timeline(db: Executor, lpnId: string, after: number, limit: number): Promise<ScanRow[]> {
  return db.query<ScanRow>(
    `WITH RECURSIVE lineage(lpn_id, since) AS (
       SELECT $1::text, '-infinity'::timestamptz
       UNION
       SELECT l.to_lpn_id, l.at FROM physical_tracking.lpn_links l JOIN lineage g ON l.from_lpn_id = g.lpn_id AND l.at >= g.since
     )
     SELECT ${SCANS_S} FROM physical_tracking.scans s
     WHERE EXISTS (SELECT 1 FROM lineage g WHERE (s.lpn_id = g.lpn_id OR s.related_lpn_id = g.lpn_id) AND s.at >= g.since)
       AND ${AFTER(2)}
     ORDER BY s.at, s.seq LIMIT $3`,
    [lpnId, after, limit],
  );
}

/** Scans of a site in time order, by location (where it happened or what it moved from), worker and LPN. */
export async function scans(
  db: Executor, q: { siteId: string; locationId?: string | undefined; workerId?: string | undefined; lpnId?: string | undefined; after: number; limit: number },
): Promise<ScanRow[]> {
  return db.query<ScanRow>(
    `SELECT ${SCANS_S} FROM physical_tracking.scans s
     WHERE s.site_id = $1 AND ($2::text IS NULL OR s.location_id = $2 OR s.from_location_id = $2)
       AND ($3::text IS NULL OR s.worker_id = $3) AND ($4::text IS NULL OR s.lpn_id = $4 OR s.related_lpn_id = $4)
       AND ${AFTER(5)}
     ORDER BY s.at, s.seq LIMIT $6`,
    [q.siteId, q.locationId ?? null, q.workerId ?? null, q.lpnId ?? null, q.after, q.limit],
  );
}

export async function scanExists(db: Executor, seq: number): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM physical_tracking.scans WHERE seq = $1`, [seq])).length > 0;
}

export async function lpns(
  db: Executor, q: { siteId: string; locationId?: string | undefined; status?: LpnStatus | undefined; after: string | null; limit: number },
): Promise<LpnRow[]> {
  return db.query<LpnRow>(
    `SELECT ${LPNS_L} FROM physical_tracking.lpns l
     WHERE l.site_id = $1 AND ($2::text IS NULL OR l.location_id = $2) AND ($3::text IS NULL OR l.status = $3) AND ($4::text IS NULL OR l.id > $4)
     ORDER BY l.id LIMIT $5`,
    [q.siteId, q.locationId ?? null, q.status ?? null, q.after, q.limit],
  );
}

export async function insertAsnLpnLines(db: Executor, rows: readonly Omit<AsnLpnRow, never>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO physical_tracking.asn_lpns (asn_id, line_no, site_id, expected_lpn, sku, lot, quantity, serials)
     SELECT r.asn_id, r.line_no, r.site_id, r.expected_lpn, r.sku, r.lot, r.quantity, ARRAY(SELECT jsonb_array_elements_text(r.serials))
     FROM jsonb_to_recordset($1::jsonb) AS r(asn_id text, line_no int, site_id text, expected_lpn text, sku text, lot text, quantity int, serials jsonb)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

export async function asnLpnLines(db: Executor, siteId: string, codes: readonly string[]): Promise<AsnLpnRow[]> {
  return db.query<AsnLpnRow>(
    `SELECT asn_id, line_no, site_id, expected_lpn, sku, lot, quantity, serials FROM physical_tracking.asn_lpns
     WHERE site_id = $1 AND expected_lpn = ANY($2::text[]) ORDER BY asn_id, line_no`,
    [siteId, [...codes]],
  );
}

/** Units live LPNs hold per location, SKU and lot; units picked for an order count at `IN_PROCESS:<orderId>`, as inventory keeps them. */
export async function physicalStock(db: Executor, siteId: string): Promise<{ location_id: string; sku: string; lot: string | null; quantity: number; lpn_ids: string[] }[]> {
  return db.query(
    `SELECT CASE WHEN c."orderId" IS NULL THEN l.location_id ELSE 'IN_PROCESS:' || c."orderId" END AS location_id,
            c.sku, c.lot, sum(c.quantity)::int8 AS quantity, array_agg(DISTINCT l.id ORDER BY l.id) AS lpn_ids
     FROM physical_tracking.lpns l CROSS JOIN LATERAL jsonb_to_recordset(l.contents) AS c(sku text, lot text, "orderId" text, quantity int)
     WHERE l.site_id = $1 AND l.status IN ${LIVE} AND (c."orderId" IS NOT NULL OR l.location_id IS NOT NULL)
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [siteId],
  );
}

/** Locations physical tracking knows about: where live LPNs rest and where any LPN was scanned (at or from). */
export async function trackedLocations(db: Executor, siteId: string): Promise<string[]> {
  const rows = await db.query<{ location_id: string }>(
    `SELECT location_id FROM physical_tracking.lpns WHERE site_id = $1 AND status IN ${LIVE} AND location_id IS NOT NULL
     UNION SELECT location_id FROM physical_tracking.scans WHERE site_id = $1 AND lpn_id IS NOT NULL AND location_id IS NOT NULL
     UNION SELECT from_location_id FROM physical_tracking.scans WHERE site_id = $1 AND lpn_id IS NOT NULL AND from_location_id IS NOT NULL
     ORDER BY 1`,
    [siteId],
  );
  return rows.map((r) => r.location_id);
}

/** The latest scans at or from a location, or of the given LPNs, in time order: what explains a difference there. */
export async function scansExplaining(db: Executor, siteId: string, locationId: string, lpnIds: readonly string[], limit: number): Promise<ScanRow[]> {
  const rows = await db.query<ScanRow>(
    `SELECT ${SCANS_S} FROM physical_tracking.scans s
     WHERE s.site_id = $1 AND (s.location_id = $2 OR s.from_location_id = $2 OR s.lpn_id = ANY($3::text[]) OR s.related_lpn_id = ANY($3::text[]))
     ORDER BY s.at DESC, s.seq DESC LIMIT $4`,
    [siteId, locationId, [...lpnIds], limit],
  );
  return rows.reverse();
}
