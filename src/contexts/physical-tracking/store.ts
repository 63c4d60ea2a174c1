import type { Executor } from '../../platform/db/database.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { LpnCodeKind, LpnStatus, LpnType, ScanMeaning } from '../../contracts/physical-tracking.ts';
import { DEFAULT_OWNER_ID } from '../../contracts/inventory.ts';
import type { PhysicalTrackingAsnLpns, PhysicalTrackingLpns, PhysicalTrackingScans } from './db-types.ts';
import type { ContentLine } from './domain/contents.ts';

/** An LPN row, its CHECKed text and jsonb narrowed. */
export type LpnRow = Narrowed<Selectable<PhysicalTrackingLpns>, { code_kind: LpnCodeKind; type: LpnType; status: LpnStatus; contents: ContentLine[] }>;
/** A scan row, its meaning narrowed. */
export type ScanRow = Narrowed<Selectable<PhysicalTrackingScans>, { meaning: ScanMeaning }>;
export type AsnLpnRow = Selectable<PhysicalTrackingAsnLpns>;

const LPN_COLUMN_NAMES = [
  'id', 'site_id', 'code', 'code_kind', 'type', 'status', 'parent_id', 'location_id', 'contents', 'asn_id', 'created_at', 'updated_at', 'version', 'sscc',
  'dispatched_shipment_id',
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
 * Labels alike ({@link FOLDED_CODE}: `abc-1`, `ABC-1`, `ＡＢＣ-1`) take one lock, so no two of them are made at once.
 */
export async function lockCode(db: Executor, siteId: string, code: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('physical_tracking.lpn_code'), hashtext($1 || ' ' || upper(normalize($2, NFKC))))`, [siteId, code]);
}

/**
 * A label as a person reads it: letter case and width aside (Unicode NFKC, then upper case). Migration 016 indexes it
 * for the live LPNs.
 */
const FOLDED_CODE = 'upper(normalize(code, NFKC))';

/**
 * The label of a live LPN of the site that reads as `code` but is not it (`ABC-1` for `abc-1` or full-width `ＡＢＣ-1`):
 * a new LPN may not carry it (ADR 0007, addendum 2026-12-07). Called under {@link lockCode}.
 */
export async function liveCodeAlike(db: Executor, siteId: string, code: string): Promise<string | undefined> {
  return (await db.query<{ code: string }>(
    `SELECT code FROM physical_tracking.lpns WHERE site_id = $1 AND ${FOLDED_CODE} = upper(normalize($2, NFKC)) AND code <> $2 AND status IN ${LIVE}
     ORDER BY code LIMIT 1`,
    [siteId, code],
  ))[0]?.code;
}

/**
 * Serialises the commands that nest LPNs at a site (build into a parent, LOAD_ONTO_PALLET, consolidate) until the
 * transaction ends, taken before their row locks. The three-level check reads the parent's chain and the child's
 * height, rows no row lock of the command covers: two nests at once (a tote into a case on a pallet, and that pallet
 * onto another) each passed against the tree the other was changing, and built a fourth level.
 */
export async function lockNesting(db: Executor, siteId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('physical_tracking.nesting'), hashtext($1))`, [siteId]);
}

/**
 * Matches an LPN by a code: its own (`code`), or the second code a carton carries, its shipping label's SSCC (18 digits,
 * ADR 0029 addendum 2026-12-06). Callers pass the code normalised (`classifyLpnBarcode`): `(00)…`, `00…` and the 18
 * digits all name it.
 */
const BY_CODE = '(code = $2 OR sscc = $2)';
/** Its own code first, should one LPN carry it as its code and another as its SSCC. */
const OWN_CODE_FIRST = '(code = $2) DESC';

/**
 * The live LPN of a site with this code (its own, or a carton's SSCC); `lock`: its row locked (a live row only: one that
 * left the floor meanwhile is not found).
 */
export async function liveByCode(db: Executor, siteId: string, code: string, lock = false): Promise<LpnRow | undefined> {
  return (await db.query<LpnRow>(
    `SELECT ${LPNS} FROM physical_tracking.lpns WHERE site_id = $1 AND ${BY_CODE} AND status IN ${LIVE} ORDER BY ${OWN_CODE_FIRST}, id LIMIT 1${lock ? ' FOR UPDATE' : ''}`,
    [siteId, code],
  ))[0];
}

/** Cartons listed by migration 011 for their SSCC, the longest unasked first; `code` null for one no longer there. */
export async function cartonsAwaitingSscc(db: Executor, limit: number): Promise<{ lpnId: string; code: string | null; onFloor: boolean }[]> {
  const rows = await db.query<{ lpn_id: string; code: string | null; on_floor: boolean }>(
    `SELECT b.lpn_id, l.code, coalesce(l.status IN ${LIVE} OR l.status = 'LOST', false) AS on_floor
       FROM physical_tracking.carton_sscc_backfill b LEFT JOIN physical_tracking.lpns l ON l.id = b.lpn_id
      ORDER BY b.asked_at NULLS FIRST, b.lpn_id LIMIT $1`, [limit],
  );
  return rows.map((r) => ({ lpnId: r.lpn_id, code: r.code, onFloor: r.on_floor }));
}

/**
 * A carton's SSCC from pack & ship (one sealed before package.packed carried it), a new version (a floor write made at
 * the old one is refused and retried, it does not write the SSCC back to null; its updated_at stays, the time it last
 * moved); not when it has one, nor when a live
 * LPN of its site already answers to it (the live-SSCC index).
 */
export async function giveCartonSscc(db: Executor, lpnId: string, sscc: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `UPDATE physical_tracking.lpns l SET sscc = $2, version = l.version + 1
      WHERE l.id = $1 AND l.sscc IS NULL
        AND NOT (l.status IN ${LIVE} AND EXISTS (
          SELECT 1 FROM physical_tracking.lpns o WHERE o.site_id = l.site_id AND o.sscc = $2 AND o.status IN ${LIVE}))
      RETURNING l.id`, [lpnId, sscc],
  );
  return rows.length > 0;
}

/** Takes cartons off migration 011's list (`done`), and notes when the others were asked. */
export async function cartonsSsccBackfilled(db: Executor, done: readonly string[], asked: readonly string[], at: Date): Promise<void> {
  await db.query('DELETE FROM physical_tracking.carton_sscc_backfill WHERE lpn_id = ANY($1::text[])', [[...done]]);
  await db.query('UPDATE physical_tracking.carton_sscc_backfill SET asked_at = $2 WHERE lpn_id = ANY($1::text[])', [[...asked], at]);
}

export async function childIds(db: Executor, ids: readonly string[]): Promise<Map<string, string[]>> {
  // A live LPN holds its live children only: one that shipped off it keeps its parent_id for the record, as the LPNs
  // of a shipped pallet keep theirs, but is no longer in it (it was listed, moved and counted with it). One emptied
  // (CONSUMED) is in nothing: its parent_id is cleared (lpn9).
  const rows = await db.query<Pick<LpnRow, 'id' | 'parent_id'>>(
    `SELECT c.id, c.parent_id FROM physical_tracking.lpns c JOIN physical_tracking.lpns p ON p.id = c.parent_id
     WHERE c.parent_id = ANY($1::text[]) AND (c.status IN ${LIVE} OR p.status NOT IN ${LIVE}) ORDER BY c.id`, [[...ids]],
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

/** Levels of an LPN's subtree (its live LPNs: one that shipped off it is no longer in it): 1 with no children. */
export async function height(db: Executor, id: string): Promise<number> {
  const rows = await db.query<{ h: number }>(
    `WITH RECURSIVE t(id, depth) AS (
       SELECT id, 1 FROM physical_tracking.lpns WHERE id = $1
       UNION ALL
       SELECT c.id, t.depth + 1 FROM physical_tracking.lpns c JOIN t ON c.parent_id = t.id WHERE t.depth < 10 AND c.status IN ${LIVE}
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
 * the caller looked: {@link writeFloor} takes no advisory lock, the unique index decides).
 */
export async function insertLpn(db: Executor, l: NewLpn): Promise<LpnRow | undefined> {
  const rows = await db.query<LpnRow>(`${INSERT_LPN} ON CONFLICT DO NOTHING RETURNING ${LPNS}`, newLpnParams(l));
  return rows[0];
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

export interface NewScan {
  readonly id: string; readonly siteId: string; readonly at: Date; readonly workerId: string | null; readonly deviceId: string | null;
  readonly locationId: string | null; readonly fromLocationId: string | null; readonly lpnId: string | null; readonly relatedLpnId: string | null;
  readonly barcode: string; readonly meaning: ScanMeaning; readonly sku: string | null; readonly quantity: number | null;
  readonly sourceEventId: string | null;
  /** A pick heard from a location (PICK_INTO_TOTE of `picking.line.picked`): whose units (own_default for the default owner) and which lot ('' none). */
  readonly pick?: { readonly ownerId: string; readonly lot: string };
}

const INSERT_SCAN = `INSERT INTO physical_tracking.scans AS s (id, site_id, at, worker_id, device_id, location_id, from_location_id, lpn_id, related_lpn_id,
       barcode, meaning, sku, quantity, source_event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${SCANS_S}`;
const scanParams = (s: NewScan): unknown[] =>
  [s.id, s.siteId, s.at, s.workerId, s.deviceId, s.locationId, s.fromLocationId, s.lpnId, s.relatedLpnId, s.barcode, s.meaning, s.sku, s.quantity, s.sourceEventId];

export async function insertScan(db: Executor, s: NewScan): Promise<ScanRow> {
  return (await db.query<ScanRow>(INSERT_SCAN, scanParams(s)))[0]!;
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
  db: Executor, q: { siteId: string; locationId?: string | undefined; status?: LpnStatus | undefined; code?: string | undefined; after: string | null; limit: number },
): Promise<LpnRow[]> {
  return db.query<LpnRow>(
    `SELECT ${LPNS_L} FROM physical_tracking.lpns l
     WHERE l.site_id = $1 AND ($2::text IS NULL OR l.location_id = $2) AND ($3::text IS NULL OR l.status = $3) AND ($4::text IS NULL OR l.id > $4)
       AND ($6::text IS NULL OR l.code = $6 OR l.sscc = $6)
     ORDER BY l.id LIMIT $5`,
    [q.siteId, q.locationId ?? null, q.status ?? null, q.after, q.limit, q.code ?? null],
  );
}

export async function insertAsnLpnLines(db: Executor, rows: readonly Omit<AsnLpnRow, never>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO physical_tracking.asn_lpns (asn_id, line_no, site_id, expected_lpn, sku, lot, quantity, serials, owner_id)
     SELECT r.asn_id, r.line_no, r.site_id, r.expected_lpn, r.sku, r.lot, r.quantity, ARRAY(SELECT jsonb_array_elements_text(r.serials)), r.owner_id
     FROM jsonb_to_recordset($1::jsonb) AS r(asn_id text, line_no int, site_id text, expected_lpn text, sku text, lot text, quantity int, serials jsonb, owner_id text)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

export async function asnLpnLines(db: Executor, siteId: string, codes: readonly string[]): Promise<AsnLpnRow[]> {
  return db.query<AsnLpnRow>(
    `SELECT asn_id, line_no, site_id, expected_lpn, sku, lot, quantity, serials, owner_id FROM physical_tracking.asn_lpns
     WHERE site_id = $1 AND expected_lpn = ANY($2::text[]) ORDER BY asn_id, line_no`,
    [siteId, [...codes]],
  );
}

/** An ASN's expected LPNs are no longer expected: the ASN was cancelled or closed (nothing more is received against it). */
export async function deleteAsnLpnLines(db: Executor, asnId: string): Promise<void> {
  await db.query('DELETE FROM physical_tracking.asn_lpns WHERE asn_id = $1', [asnId]);
}

/** The LPNs of a site that ASNs gave this label, by ASN (the latest of each), whatever their status now. */
export async function receivedAsnLpns(db: Executor, siteId: string, code: string, asnIds: readonly string[]): Promise<Map<string, { lpnId: string; status: LpnStatus }>> {
  const rows = await db.query<{ asn_id: string; id: string; status: LpnStatus }>(
    `SELECT DISTINCT ON (asn_id) asn_id, id, status FROM physical_tracking.lpns
     WHERE site_id = $1 AND code = $2 AND asn_id = ANY($3::text[]) ORDER BY asn_id, id DESC`,
    [siteId, code, [...asnIds]],
  );
  return new Map(rows.map((r) => [r.asn_id, { lpnId: r.id, status: r.status }]));
}

/** An order whose shipping pack & ship stopped (cancelled before dispatch): its units never ship. */
export async function insertStoppedOrder(db: Executor, o: { orderId: string; siteId: string; at: Date }): Promise<void> {
  await db.query(
    `INSERT INTO physical_tracking.stopped_orders (order_id, site_id, stopped_at) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO NOTHING`,
    [o.orderId, o.siteId, o.at],
  );
}

/** Which of these orders had their shipping stopped. */
export async function stoppedOrders(db: Executor, orderIds: readonly string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const rows = await db.query<{ order_id: string }>(`SELECT order_id FROM physical_tracking.stopped_orders WHERE order_id = ANY($1::text[])`, [[...orderIds]]);
  return new Set(rows.map((r) => r.order_id));
}

/**
 * A RECEIVE_LPN scan's lease on its admission at inventory, recorded PENDING before inventory is asked (so a process
 * killed after the admission leaves a trace the arrival-admissions job follows, ADR 0029 addendum 2026-12-07).
 */
export async function insertArrivalAdmission(db: Executor, lpnId: string, siteId: string, at: Date): Promise<void> {
  await db.query(`INSERT INTO physical_tracking.arrival_admissions (lpn_id, site_id, state, renewed_at) VALUES ($1, $2, 'PENDING', $3)`, [lpnId, siteId, at]);
}

/** Renews a PENDING admission's lease; false when it is not PENDING any more (received, withdrawn or abandoned). */
export async function renewArrivalAdmission(db: Executor, lpnId: string, at: Date): Promise<boolean> {
  const rows = await db.query<{ lpn_id: string }>(
    `UPDATE physical_tracking.arrival_admissions SET renewed_at = $2 WHERE lpn_id = $1 AND state = 'PENDING' RETURNING lpn_id`, [lpnId, at],
  );
  return rows.length > 0;
}

/**
 * The scan's transaction takes its admission (deletes it, PENDING, under its row lock): false when the job abandoned it
 * first (its arrival withdrawn or about to be), which the transaction must not outlive.
 */
export async function takeArrivalAdmission(db: Executor, lpnId: string): Promise<boolean> {
  return (await db.query<{ lpn_id: string }>(
    `DELETE FROM physical_tracking.arrival_admissions WHERE lpn_id = $1 AND state = 'PENDING' RETURNING lpn_id`, [lpnId],
  )).length > 0;
}

/** Drops an admission's lease once its arrival was withdrawn. */
export async function dropArrivalAdmission(db: Executor, lpnId: string): Promise<void> {
  await db.query('DELETE FROM physical_tracking.arrival_admissions WHERE lpn_id = $1', [lpnId]);
}

/** Admissions PENDING and not renewed since `before` (their scan's process is gone, or could not withdraw): ABANDONED. */
export async function abandonArrivalAdmissions(db: Executor, before: Date): Promise<void> {
  await db.query(`UPDATE physical_tracking.arrival_admissions SET state = 'ABANDONED' WHERE state = 'PENDING' AND renewed_at < $1`, [before]);
}

/** Abandoned admissions, oldest first: their arrivals are withdrawn. */
export async function abandonedArrivalAdmissions(db: Executor, limit: number): Promise<{ lpnId: string; siteId: string }[]> {
  const rows = await db.query<{ lpn_id: string; site_id: string }>(
    `SELECT lpn_id, site_id FROM physical_tracking.arrival_admissions WHERE state = 'ABANDONED' ORDER BY renewed_at LIMIT $1`, [limit],
  );
  return rows.map((r) => ({ lpnId: r.lpn_id, siteId: r.site_id }));
}

/** A SHIP scan's claim at pack & ship, recorded PENDING before it is asked for (so a stopped process leaves a trace). */
export async function insertDockClaim(db: Executor, claimId: string, at: Date): Promise<void> {
  await db.query(`INSERT INTO physical_tracking.dock_claims (claim_id, state, claimed_at) VALUES ($1, 'PENDING', $2)`, [claimId, at]);
}

/**
 * Moves a PENDING claim on (SHIPPED in the scan's transaction, RELEASED after a scan that shipped nothing): false when
 * it was not PENDING any more (the dock-claims job abandoned it), which the scan's transaction must not outlive.
 */
export async function moveDockClaim(db: Executor, claimId: string, to: 'SHIPPED' | 'RELEASED'): Promise<boolean> {
  const rows = await db.query<{ claim_id: string }>(
    `UPDATE physical_tracking.dock_claims SET state = $2 WHERE claim_id = $1 AND state = 'PENDING' RETURNING claim_id`, [claimId, to],
  );
  return rows.length > 0;
}

/**
 * Renews a PENDING claim's lease (`claimed_at`: when its scan's process last said it is alive); false when it is not
 * PENDING any more.
 */
export async function renewDockClaim(db: Executor, claimId: string, at: Date): Promise<boolean> {
  const rows = await db.query<{ claim_id: string }>(
    `UPDATE physical_tracking.dock_claims SET claimed_at = $2 WHERE claim_id = $1 AND state = 'PENDING' AND settled_at IS NULL RETURNING claim_id`, [claimId, at],
  );
  return rows.length > 0;
}

/** Claims PENDING and not renewed since `before` (their scan's process is gone): ABANDONED. */
export async function abandonDockClaims(db: Executor, before: Date): Promise<void> {
  await db.query(`UPDATE physical_tracking.dock_claims SET state = 'ABANDONED' WHERE settled_at IS NULL AND state = 'PENDING' AND claimed_at < $1`, [before]);
}

/** Claims decided (not PENDING) that pack & ship was not told of yet, oldest first. */
export async function unsettledDockClaims(db: Executor, limit: number): Promise<{ claimId: string; shipped: boolean }[]> {
  const rows = await db.query<{ claim_id: string; state: string }>(
    `SELECT claim_id, state FROM physical_tracking.dock_claims WHERE settled_at IS NULL AND state <> 'PENDING' ORDER BY claimed_at LIMIT $1`, [limit],
  );
  return rows.map((r) => ({ claimId: r.claim_id, shipped: r.state === 'SHIPPED' }));
}

/** Pack & ship was told how the claim ended: a SHIPPED claim is kept as settled, one that shipped nothing is dropped. */
export async function dockClaimSettled(db: Executor, claimId: string, at: Date): Promise<void> {
  await db.query(`DELETE FROM physical_tracking.dock_claims WHERE claim_id = $1 AND state IN ('RELEASED', 'ABANDONED')`, [claimId]);
  await db.query(`UPDATE physical_tracking.dock_claims SET settled_at = $2 WHERE claim_id = $1 AND settled_at IS NULL`, [claimId, at]);
}

/** quality.hold.placed of a package: its carton does not ship (a redelivery changes nothing). */
export async function insertHeldPackage(db: Executor, h: { packageId: string; siteId: string; inspectionId: string; at: Date }): Promise<void> {
  await db.query(
    `INSERT INTO physical_tracking.held_packages (package_id, site_id, inspection_id, status, held_at) VALUES ($1, $2, $3, 'HELD', $4)
     ON CONFLICT (package_id) DO NOTHING`, [h.packageId, h.siteId, h.inspectionId, h.at]);
}

/** quality.hold.disposed: RELEASE / REWORK let the carton ship (the row goes); SCRAP / RETURN_TO_VENDOR keep it for good. */
export async function disposeHeldPackage(db: Executor, inspectionId: string, released: boolean): Promise<void> {
  if (released) await db.query('DELETE FROM physical_tracking.held_packages WHERE inspection_id = $1', [inspectionId]);
  else await db.query(`UPDATE physical_tracking.held_packages SET status = 'SCRAPPED' WHERE inspection_id = $1`, [inspectionId]);
}

/** Which of these labels (a carton's label is its package id) name a package on quality hold at the site. */
export async function heldPackages(db: Executor, siteId: string, codes: readonly string[]): Promise<{ package_id: string; inspection_id: string; status: 'HELD' | 'SCRAPPED' }[]> {
  if (codes.length === 0) return [];
  return db.query(
    'SELECT package_id, inspection_id, status FROM physical_tracking.held_packages WHERE site_id = $1 AND package_id = ANY($2::text[])', [siteId, [...codes]]);
}

/** Units live LPNs hold per location, SKU and lot; units picked for an order count at `IN_PROCESS:<orderId>`, as inventory keeps them. */
export async function physicalStock(db: Executor, siteId: string): Promise<{ location_id: string; sku: string; lot: string | null; owner_id: string; quantity: number; lpn_ids: string[] }[]> {
  return db.query(
    `SELECT CASE WHEN c."orderId" IS NULL THEN l.location_id ELSE 'IN_PROCESS:' || c."orderId" END AS location_id,
            c.sku, c.lot, coalesce(c.owner, $2) AS owner_id, sum(c.quantity)::int8 AS quantity, array_agg(DISTINCT l.id ORDER BY l.id) AS lpn_ids
     FROM physical_tracking.lpns l CROSS JOIN LATERAL jsonb_to_recordset(l.contents) AS c(sku text, lot text, owner text, "orderId" text, quantity int)
     WHERE l.site_id = $1 AND l.status IN ${LIVE} AND (c."orderId" IS NOT NULL OR l.location_id IS NOT NULL)
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    [siteId, DEFAULT_OWNER_ID],
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

/** What names the LPNs a run of floor events may touch, each with its site: labels, locations units are taken from, orders. */
export interface FloorKeys {
  readonly codes: readonly (readonly [string, string])[];
  readonly locations: readonly (readonly [string, string])[];
  readonly orders: readonly (readonly [string, string])[];
  /** Cartons that SHIPPED by a scan at the dock, by their package id (a voided label takes them back off the truck). */
  readonly shippedCartons?: readonly (readonly [string, string])[];
}

/**
 * Where each SHIPPED LPN was scanned out: the location of the latest SHIP scan of it or of an LPN it sat in (a pallet
 * shipped with its cartons records the pallet's scan), or null when that scan named none.
 */
export async function shippedFrom(db: Executor, lpnIds: readonly string[]): Promise<Map<string, string | null>> {
  if (lpnIds.length === 0) return new Map();
  const rows = await db.query<{ id: string; location_id: string | null }>(
    `SELECT c.id, (SELECT s.location_id FROM physical_tracking.scans s
                    WHERE s.meaning = 'SHIP' AND s.lpn_id IN (c.id, p.id, g.id) ORDER BY s.at DESC, s.seq DESC LIMIT 1) AS location_id
       FROM physical_tracking.lpns c LEFT JOIN physical_tracking.lpns p ON p.id = c.parent_id LEFT JOIN physical_tracking.lpns g ON g.id = p.parent_id
      WHERE c.id = ANY ($1::text[])`,
    [[...lpnIds]],
  );
  return new Map(rows.map((r) => [r.id, r.location_id]));
}

const pairs = (xs: readonly (readonly [string, string])[]): [string[], string[]] => [xs.map((x) => x[0]), xs.map((x) => x[1])];

/** The key of `picksHeard`: a site, a location and a SKU, and for the picks of one owner and lot, those too. */
export const pickKey = (siteId: string, locationId: string, sku: string, ownerLot?: { ownerId: string; lot: string }): string =>
  [siteId, locationId, sku, ...(ownerLot === undefined ? [] : [ownerLot.ownerId, ownerLot.lot])].join('\u0000');

/** The key of a legacy count in `picksHeard`: the picks heard at a location whose owner and lot were not recorded. */
export const legacyPickKey = (siteId: string, locationId: string, sku: string): string => `${pickKey(siteId, locationId, sku)}\u0000?`;

/**
 * Units of each SKU picked out of each location as physical tracking heard the picks (`picking.line.picked`, recorded
 * as PICK_INTO_TOTE scans from the location): every owner and lot (`pickKey(site, location, sku)`), of each owner and
 * lot recorded (`pickKey(…, { ownerId, lot })`, migration 013) and of none recorded (`legacyPickKey`, the scans before
 * it). Set against a move's `sourcePickedOwnerLot` (or `sourcePicked`): the picks heard there that inventory had not
 * booked when the move committed.
 */
export async function picksHeard(db: Executor, keys: readonly { siteId: string; locationId: string; sku: string }[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (keys.length === 0) return out;
  const rows = await db.query<{ site_id: string; from_location_id: string; sku: string; pick_owner_id: string | null; pick_lot: string | null; n: number }>(
    `SELECT s.site_id, s.from_location_id, s.sku, s.pick_owner_id, s.pick_lot, coalesce(sum(s.quantity), 0)::int AS n
       FROM physical_tracking.scans s
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(site_id, location_id, sku)
         ON s.site_id = k.site_id AND s.from_location_id = k.location_id AND s.sku = k.sku
      WHERE s.meaning = 'PICK_INTO_TOTE' AND s.source_event_id IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5`,
    [keys.map((k) => k.siteId), keys.map((k) => k.locationId), keys.map((k) => k.sku)],
  );
  const add = (key: string, n: number): void => { out.set(key, (out.get(key) ?? 0) + n); };
  for (const r of rows) {
    add(pickKey(r.site_id, r.from_location_id, r.sku), r.n);
    add(r.pick_owner_id === null ? legacyPickKey(r.site_id, r.from_location_id, r.sku)
      : pickKey(r.site_id, r.from_location_id, r.sku, { ownerId: r.pick_owner_id, lot: r.pick_lot ?? '' }), r.n);
  }
  return out;
}

/**
 * Locks, in one statement and in id order (the fixed key order of this context), every live LPN a run of floor events
 * names — by label, resting at a location, holding units of an order — with the whole nesting tree each sits in (up to
 * the outermost LPN, then everything inside it): what the run's moves and ships may reach. A row that waited is returned
 * as the other transaction committed it.
 */
export async function lockFloor(db: Executor, keys: FloorKeys): Promise<LpnRow[]> {
  // A statement that waited for a row's lock sees the other rows as they were when it started (READ COMMITTED): an LPN
  // the transaction it waited for made there or brought there (a pallet split at the dock while a putaway's run waited
  // for that pallet: the new case) was missed, and the run decided without it (the case stayed at the dock, its units
  // on the books at the target). Read again, locking what is new, until a read finds nothing new: the rows already
  // held do not wait, so the last read sees every LPN committed before it, each locked and as committed.
  let rows = await lockFloorOnce(db, keys);
  for (let i = 0; i < 5; i++) {
    const again = await lockFloorOnce(db, keys);
    const held = new Set(rows.map((r) => r.id));
    const grew = again.some((r) => !held.has(r.id));
    rows = again;
    if (!grew) break;
  }
  return rows;
}

async function lockFloorOnce(db: Executor, keys: FloorKeys): Promise<LpnRow[]> {
  const [codeSites, codes] = pairs(keys.codes);
  const [locationSites, locations] = pairs(keys.locations);
  const [orderSites, orders] = pairs(keys.orders);
  const [shippedSites, shipped] = pairs(keys.shippedCartons ?? []);
  return db.query<LpnRow>(
    `WITH RECURSIVE named AS (
       SELECT l.id, l.parent_id FROM unnest($1::text[], $2::text[]) k(site_id, code)
         JOIN physical_tracking.lpns l ON l.site_id = k.site_id AND l.code = k.code AND l.status IN ${LIVE}
       UNION
       SELECT l.id, l.parent_id FROM unnest($7::text[], $8::text[]) k(site_id, code)
         JOIN physical_tracking.lpns l ON l.site_id = k.site_id AND l.code = k.code AND l.status IN ('SHIPPED', 'LOST') AND l.type = 'CARTON'
       UNION
       SELECT l.id, l.parent_id FROM unnest($3::text[], $4::text[]) k(site_id, location_id)
         JOIN physical_tracking.lpns l ON l.site_id = k.site_id AND l.location_id = k.location_id AND l.status IN ${LIVE}
       UNION
       SELECT l.id, l.parent_id FROM unnest($5::text[], $6::text[]) k(site_id, order_id)
         JOIN physical_tracking.lpns l ON l.site_id = k.site_id AND (l.status IN ${LIVE} OR l.status = 'LOST')
           AND l.contents @> jsonb_build_array(jsonb_build_object('orderId', k.order_id))
     ), up(id, parent_id, n) AS (
       SELECT id, parent_id, 1 FROM named
       UNION
       SELECT p.id, p.parent_id, up.n + 1 FROM physical_tracking.lpns p JOIN up ON p.id = up.parent_id WHERE up.n < 10
     ), down(id, n) AS (
       SELECT id, 1 FROM up WHERE parent_id IS NULL
       UNION
       SELECT c.id, down.n + 1 FROM physical_tracking.lpns c JOIN down ON c.parent_id = down.id WHERE down.n < 10
     )
     SELECT ${LPNS_L} FROM physical_tracking.lpns l
     WHERE l.id IN (SELECT id FROM up UNION SELECT id FROM down)
     ORDER BY l.id FOR UPDATE OF l`,
    [codeSites, codes, locationSites, locations, orderSites, orders, shippedSites, shipped],
  );
}

export interface NewLink { readonly fromLpnId: string; readonly toLpnId: string; readonly at: Date }

/** What a run of floor events writes: LPNs at their final state (`baseVersion`: read under the lock; null: new), scans, links. */
export interface FloorWrites {
  readonly lpns: readonly { readonly row: LpnRow; readonly baseVersion: number | null }[];
  readonly scans: readonly NewScan[];
  readonly links: readonly NewLink[];
}

/**
 * A run's writes in one statement (data-modifying CTEs): the LPNs (changed ones first, then new ones, in the order
 * given: the live-code unique index is checked row by row, so a tote consumed and made again by one run frees its
 * label before the new one takes it), the scans in the run's order, the links (the first between two LPNs stays).
 * A changed LPN is written only at the version read under the lock: fewer rows than given throws, and the transaction
 * rolls back with everything the statement wrote.
 */
export async function writeFloor(db: Executor, w: FloorWrites): Promise<void> {
  const lpnRows = w.lpns.map(({ row, baseVersion }, ord) => ({
    ord, id: row.id, site_id: row.site_id, code: row.code, code_kind: row.code_kind, type: row.type, status: row.status, parent_id: row.parent_id,
    location_id: row.location_id, contents: row.contents, asn_id: row.asn_id, created_at: row.created_at, updated_at: row.updated_at,
    version: row.version, sscc: row.sscc, dispatched_shipment_id: row.dispatched_shipment_id, base_version: baseVersion,
  }));
  const scanRows = w.scans.map((s, ord) => ({
    ord, id: s.id, site_id: s.siteId, at: s.at, worker_id: s.workerId, device_id: s.deviceId, location_id: s.locationId,
    from_location_id: s.fromLocationId, lpn_id: s.lpnId, related_lpn_id: s.relatedLpnId, barcode: s.barcode, meaning: s.meaning,
    sku: s.sku, quantity: s.quantity, source_event_id: s.sourceEventId, pick_owner_id: s.pick?.ownerId ?? null, pick_lot: s.pick?.lot ?? null,
  }));
  const rows = await db.query<{ n: number }>(
    `WITH r AS (
       SELECT r.ord, r.id, r.site_id, r.code, r.code_kind, r.type, r.status, r.parent_id, r.location_id, r.contents, r.asn_id, r.created_at,
         r.updated_at, r.version, r.sscc, r.dispatched_shipment_id, r.base_version
       FROM jsonb_to_recordset($1::jsonb) AS r(ord int, id text, site_id text, code text, code_kind text, type text, status text,
         parent_id text, location_id text, contents jsonb, asn_id text, created_at timestamptz, updated_at timestamptz, version int, sscc text, dispatched_shipment_id text, base_version int)
     ), written AS (
       INSERT INTO physical_tracking.lpns AS l (id, site_id, code, code_kind, type, status, parent_id, location_id, contents, asn_id, created_at, updated_at, version, sscc,
         dispatched_shipment_id)
       SELECT id, site_id, code, code_kind, type, status, parent_id, location_id, contents, asn_id, created_at, updated_at, version, sscc, dispatched_shipment_id
       FROM r ORDER BY ord
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, parent_id = EXCLUDED.parent_id, location_id = EXCLUDED.location_id,
         contents = EXCLUDED.contents, updated_at = EXCLUDED.updated_at, version = EXCLUDED.version, sscc = EXCLUDED.sscc,
         dispatched_shipment_id = EXCLUDED.dispatched_shipment_id
       WHERE l.version = (SELECT r.base_version FROM r WHERE r.id = l.id)
       RETURNING l.id
     ), scanned AS (
       INSERT INTO physical_tracking.scans (id, site_id, at, worker_id, device_id, location_id, from_location_id, lpn_id, related_lpn_id,
         barcode, meaning, sku, quantity, source_event_id, pick_owner_id, pick_lot)
       SELECT id, site_id, at, worker_id, device_id, location_id, from_location_id, lpn_id, related_lpn_id, barcode, meaning, sku, quantity, source_event_id,
         pick_owner_id, pick_lot
       FROM jsonb_to_recordset($2::jsonb) AS s(ord int, id text, site_id text, at timestamptz, worker_id text, device_id text, location_id text,
         from_location_id text, lpn_id text, related_lpn_id text, barcode text, meaning text, sku text, quantity int, source_event_id text,
         pick_owner_id text, pick_lot text)
       ORDER BY ord
     ), linked AS (
       INSERT INTO physical_tracking.lpn_links (from_lpn_id, to_lpn_id, at)
       SELECT from_lpn_id, to_lpn_id, at FROM jsonb_to_recordset($3::jsonb) AS k(from_lpn_id text, to_lpn_id text, at timestamptz)
       ON CONFLICT DO NOTHING
     )
     SELECT count(*)::int AS n FROM written`,
    [JSON.stringify(lpnRows), JSON.stringify(scanRows), JSON.stringify(w.links.map((k) => ({ from_lpn_id: k.fromLpnId, to_lpn_id: k.toLpnId, at: k.at })))],
  );
  const n = Number(rows[0]?.n ?? 0);
  if (n !== lpnRows.length) throw new Error(`physical tracking: ${lpnRows.length - n} LPN row(s) changed since the run locked them`);
}

/** An LPN's open loss: why and when it was lost, what it resumes when found. */
export interface LossRow {
  readonly lpn_id: string; readonly lost_at: Date; readonly site_id: string; readonly root_lpn_id: string; readonly status_before: LpnStatus;
  readonly location_id: string | null; readonly reason: string; readonly reported_by: string | null;
}
const LOSS_COLUMNS = 'lpn_id, lost_at, site_id, root_lpn_id, status_before, location_id, reason, reported_by';

/** Records the losses of LPNs lost together (one per LPN; the open-loss index refuses a second open one). */
export async function insertLosses(db: Executor, rows: readonly LossRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO physical_tracking.lpn_losses (${LOSS_COLUMNS})
     SELECT r.lpn_id, r.lost_at, r.site_id, r.root_lpn_id, r.status_before, r.location_id, r.reason, r.reported_by
     FROM jsonb_to_recordset($1::jsonb) AS r(lpn_id text, lost_at timestamptz, site_id text, root_lpn_id text, status_before text,
       location_id text, reason text, reported_by text)`,
    [JSON.stringify(rows)],
  );
}

/** The open losses of these LPNs (their rows are locked by the caller), by LPN id. */
export async function openLosses(db: Executor, lpnIds: readonly string[]): Promise<Map<string, LossRow>> {
  const rows = await db.query<LossRow>(
    `SELECT ${LOSS_COLUMNS} FROM physical_tracking.lpn_losses WHERE lpn_id = ANY($1::text[]) AND found_at IS NULL AND shipped_at IS NULL ORDER BY lpn_id`, [[...lpnIds]],
  );
  return new Map(rows.map((r) => [r.lpn_id, r]));
}

/** Closes the open losses of these LPNs: found at `locationId`, at `at`. */
export async function closeLosses(db: Executor, lpnIds: readonly string[], at: Date, locationId: string): Promise<void> {
  await db.query(
    `UPDATE physical_tracking.lpn_losses SET found_at = $2, found_location_id = $3 WHERE lpn_id = ANY($1::text[]) AND found_at IS NULL AND shipped_at IS NULL`,
    [[...lpnIds], at, locationId],
  );
}

/** Ends the open losses of LPNs a dispatch shipped while they were LOST (lpn6): shipped at `at`, with the shipment named. */
export async function endLossesShipped(db: Executor, ended: readonly { readonly lpnId: string; readonly at: Date; readonly shipmentId: string | null }[]): Promise<void> {
  if (ended.length === 0) return;
  await db.query(
    `UPDATE physical_tracking.lpn_losses ls SET shipped_at = e.at, shipment_id = e.shipment_id
     FROM jsonb_to_recordset($1::jsonb) AS e(lpn_id text, at timestamptz, shipment_id text)
     WHERE ls.lpn_id = e.lpn_id AND ls.found_at IS NULL AND ls.shipped_at IS NULL`,
    [JSON.stringify(ended.map((e) => ({ lpn_id: e.lpnId, at: e.at, shipment_id: e.shipmentId })))],
  );
}

/** The LOST LPN of a site with this code, the latest lost first (a lost label is free, so a live LPN may carry it too); `lock`: locked. */
export async function lostByCode(db: Executor, siteId: string, code: string, lock = false): Promise<LpnRow | undefined> {
  return (await db.query<LpnRow>(
    `SELECT ${LPNS} FROM physical_tracking.lpns WHERE site_id = $1 AND ${BY_CODE} AND status = 'LOST' ORDER BY ${OWN_CODE_FIRST}, updated_at DESC, id DESC LIMIT 1${lock ? ' FOR UPDATE' : ''}`,
    [siteId, code],
  ))[0];
}

/** The LPN of a site that last carried this code and left the floor (SHIPPED or CONSUMED), newest first: why a label is not live. */
export async function leftByCode(db: Executor, siteId: string, code: string): Promise<LpnRow | undefined> {
  return (await db.query<LpnRow>(
    `SELECT ${LPNS} FROM physical_tracking.lpns WHERE site_id = $1 AND ${BY_CODE} AND status IN ('SHIPPED', 'CONSUMED') ORDER BY ${OWN_CODE_FIRST}, updated_at DESC, id DESC LIMIT 1`,
    [siteId, code],
  ))[0];
}
