/** SQL of inbound: ASNs and their lines and discrepancies, putaway requests and their confirms (inventory schema). */
import type { Executor } from '../../platform/db/database.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { AsnDiscrepancy, AsnStatus, DiscrepancyKind, PutawayStatus, StockStatus } from '../../contracts/inventory.ts';
import type {
  InventoryAsnDiscrepancies, InventoryAsnLines, InventoryAsns, InventoryPutawayConfirmations, InventoryPutaways,
} from './db-types.ts';

const ASN_COLUMN_NAMES = ['id', 'site_id', 'owner_id', 'supplier', 'reference', 'expected_on', 'status', 'reason', 'created_at', 'updated_at', 'closed_at'] as const;
const ASN_COLUMNS = columnList(ASN_COLUMN_NAMES).replace('expected_on', `to_char(expected_on, 'YYYY-MM-DD') AS expected_on`);
export type AsnRow = Narrowed<Pick<Selectable<InventoryAsns>, (typeof ASN_COLUMN_NAMES)[number]>, { status: AsnStatus; expected_on: string | null }>;

const LINE_COLUMN_NAMES = ['asn_id', 'line_no', 'sku', 'lot', 'expires_on', 'quantity', 'serials', 'expected_lpn', 'received', 'damaged'] as const;
const LINE_COLUMNS = columnList(LINE_COLUMN_NAMES).replace('expires_on', `to_char(expires_on, 'YYYY-MM-DD') AS expires_on`);
export type AsnLineRow = Narrowed<Pick<Selectable<InventoryAsnLines>, (typeof LINE_COLUMN_NAMES)[number]>, { expires_on: string | null }>;

const DISCREPANCY_COLUMN_NAMES = ['asn_id', 'line_no', 'kind', 'sku', 'lot', 'expected', 'received', 'damaged', 'quantity', 'recorded_at'] as const;
const DISCREPANCY_COLUMNS = columnList(DISCREPANCY_COLUMN_NAMES);
export type DiscrepancyRow = Narrowed<Pick<Selectable<InventoryAsnDiscrepancies>, (typeof DISCREPANCY_COLUMN_NAMES)[number]>, { kind: DiscrepancyKind }>;

const PUTAWAY_COLUMN_NAMES = [
  'id', 'site_id', 'owner_id', 'receipt_movement_id', 'asn_id', 'line_no', 'sku', 'lot', 'stock_status', 'quantity', 'put_away', 'from_location_id',
  'suggested_location_id', 'status', 'confirmed_location_id', 'confirmed_by', 'confirmed_at', 'created_at',
] as const;
const PUTAWAY_COLUMNS = columnList(PUTAWAY_COLUMN_NAMES);
export type PutawayRow = Narrowed<Pick<Selectable<InventoryPutaways>, (typeof PUTAWAY_COLUMN_NAMES)[number]>, {
  status: PutawayStatus; stock_status: StockStatus;
}>;

const CONFIRMATION_COLUMN_NAMES = ['id', 'putaway_id', 'scan_id', 'location_id', 'quantity', 'confirmed_by', 'confirmed_at'] as const;
const CONFIRMATION_COLUMNS = columnList(CONFIRMATION_COLUMN_NAMES);
export type PutawayConfirmationRow = Pick<Selectable<InventoryPutawayConfirmations>, (typeof CONFIRMATION_COLUMN_NAMES)[number]>;

// ---------------------------------------------------------------- ASNs

export interface NewAsn {
  readonly id: string;
  readonly siteId: string;
  readonly ownerId: string;
  readonly supplier: string;
  readonly reference: string | null;
  readonly expectedOn: string | null;
  readonly lines: readonly {
    readonly lineNo: number; readonly sku: string; readonly lot: string; readonly expiresOn: string | null; readonly quantity: number;
    readonly serials: readonly string[]; readonly expectedLpn: string | null;
  }[];
}

export async function insertAsn(db: Executor, a: NewAsn, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO inventory.asns (id, site_id, owner_id, supplier, reference, expected_on, status, created_at, updated_at)
     VALUES ($1, $2, $7, $3, $4, $5, 'OPEN', $6, $6)`,
    [a.id, a.siteId, a.supplier, a.reference, a.expectedOn, now, a.ownerId],
  );
  await db.query(
    `INSERT INTO inventory.asn_lines (asn_id, line_no, sku, lot, expires_on, quantity, serials, expected_lpn)
     SELECT $1, l.line_no, l.sku, l.lot, l.expires_on, l.quantity, ARRAY(SELECT jsonb_array_elements_text(l.serials)), l.expected_lpn
     FROM jsonb_to_recordset($2::jsonb) AS l(line_no int, sku text, lot text, expires_on date, quantity int, serials jsonb, expected_lpn text)`,
    [a.id, JSON.stringify(a.lines.map((l) => ({
      line_no: l.lineNo, sku: l.sku, lot: l.lot, expires_on: l.expiresOn, quantity: l.quantity, serials: l.serials, expected_lpn: l.expectedLpn,
    })))],
  );
}

export async function getAsn(db: Executor, id: string, lock = false): Promise<AsnRow | undefined> {
  return (await db.query<AsnRow>(`SELECT ${ASN_COLUMNS} FROM inventory.asns WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]))[0];
}

export async function asnLines(db: Executor, asnIds: readonly string[]): Promise<AsnLineRow[]> {
  if (asnIds.length === 0) return [];
  return db.query<AsnLineRow>(`SELECT ${LINE_COLUMNS} FROM inventory.asn_lines WHERE asn_id = ANY($1::text[]) ORDER BY asn_id, line_no`, [[...asnIds]]);
}

export async function setAsnStatus(db: Executor, id: string, status: AsnStatus, now: Date, reason: string | null = null): Promise<void> {
  const ends = status === 'CLOSED' || status === 'CANCELLED';
  await db.query(
    `UPDATE inventory.asns SET status = $2, reason = COALESCE($3, reason), updated_at = $4, closed_at = CASE WHEN $5 THEN $4 ELSE closed_at END
     WHERE id = $1`,
    [id, status, reason, now, ends],
  );
}

export async function addLineReceipt(db: Executor, asnId: string, lineNo: number, received: number, damaged: number): Promise<void> {
  await db.query(
    `UPDATE inventory.asn_lines SET received = received + $3, damaged = damaged + $4 WHERE asn_id = $1 AND line_no = $2`,
    [asnId, lineNo, received, damaged],
  );
}

export async function listAsns(
  db: Executor, q: { siteId: string; ownerId?: string | undefined; status?: AsnStatus | undefined; limit: number; after: string | null },
): Promise<AsnRow[]> {
  return db.query<AsnRow>(
    `SELECT ${ASN_COLUMNS} FROM inventory.asns
     WHERE site_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR id > $3) AND ($5::text IS NULL OR owner_id = $5)
     ORDER BY id LIMIT $4`,
    [q.siteId, q.status ?? null, q.after, q.limit, q.ownerId ?? null],
  );
}

export async function insertDiscrepancies(db: Executor, asnId: string, rows: readonly AsnDiscrepancy[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO inventory.asn_discrepancies (asn_id, line_no, kind, sku, lot, expected, received, damaged, quantity, recorded_at)
     SELECT $1, d.line_no, d.kind, d.sku, d.lot, d.expected, d.received, d.damaged, d.quantity, $3
     FROM jsonb_to_recordset($2::jsonb) AS d(line_no int, kind text, sku text, lot text, expected int, received int, damaged int, quantity int)`,
    [asnId, JSON.stringify(rows.map((d) => ({
      line_no: d.lineNo, kind: d.kind, sku: d.sku, lot: d.lot ?? '', expected: d.expected, received: d.received, damaged: d.damaged, quantity: d.quantity,
    }))), now],
  );
}

export async function discrepanciesOf(db: Executor, asnIds: readonly string[]): Promise<DiscrepancyRow[]> {
  if (asnIds.length === 0) return [];
  return db.query<DiscrepancyRow>(
    `SELECT ${DISCREPANCY_COLUMNS} FROM inventory.asn_discrepancies WHERE asn_id = ANY($1::text[])
     ORDER BY asn_id, line_no, array_position(ARRAY['OVER', 'UNDER', 'DAMAGED'], kind)`,
    [[...asnIds]],
  );
}

// ---------------------------------------------------------------- putaways

export type NewPutaway = Omit<PutawayRow, 'put_away' | 'status' | 'confirmed_location_id' | 'confirmed_by' | 'confirmed_at' | 'created_at'>;

export async function insertPutaway(db: Executor, p: NewPutaway, now: Date): Promise<PutawayRow> {
  const rows = await db.query<PutawayRow>(
    `INSERT INTO inventory.putaways (id, site_id, receipt_movement_id, asn_id, line_no, sku, lot, stock_status, quantity, from_location_id,
                                     suggested_location_id, status, created_at, updated_at, owner_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'OPEN', $12, $12, $13) RETURNING ${PUTAWAY_COLUMNS}`,
    [p.id, p.site_id, p.receipt_movement_id, p.asn_id, p.line_no, p.sku, p.lot, p.stock_status, p.quantity, p.from_location_id,
      p.suggested_location_id, now, p.owner_id],
  );
  return rows[0]!;
}

/**
 * A putaway made when held units at the dock are released (`reput-released`): nothing when one was made already for
 * that RELEASE movement (its id is the row's `receipt_movement_id`, unique).
 */
export async function insertPutawayOnce(db: Executor, p: NewPutaway, now: Date): Promise<PutawayRow | undefined> {
  const rows = await db.query<PutawayRow>(
    `INSERT INTO inventory.putaways (id, site_id, receipt_movement_id, asn_id, line_no, sku, lot, stock_status, quantity, from_location_id,
                                     suggested_location_id, status, created_at, updated_at, owner_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'OPEN', $12, $12, $13)
     ON CONFLICT (receipt_movement_id) DO NOTHING RETURNING ${PUTAWAY_COLUMNS}`,
    [p.id, p.site_id, p.receipt_movement_id, p.asn_id, p.line_no, p.sku, p.lot, p.stock_status, p.quantity, p.from_location_id,
      p.suggested_location_id, now, p.owner_id],
  );
  return rows[0];
}

/** Units OPEN putaways of these units (AVAILABLE unless told) still have to move from this receiving location (quantity − put away). */
export async function openPutawayUnits(db: Executor, k: { siteId: string; ownerId: string; sku: string; locationId: string; lot: string; status?: StockStatus }): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT coalesce(sum(quantity - put_away), 0)::int AS n FROM inventory.putaways
     WHERE site_id = $1 AND status = 'OPEN' AND owner_id = $2 AND sku = $3 AND from_location_id = $4 AND lot = $5 AND stock_status = $6`,
    [k.siteId, k.ownerId, k.sku, k.locationId, k.lot, k.status ?? 'AVAILABLE']);
  return rows[0]?.n ?? 0;
}

/**
 * The OPEN putaways of these units (owner, SKU, lot, status) waiting at this receiving location, locked FOR UPDATE in id
 * order: a hold release takes them before its location and balance locks, the order a putaway confirm locks in (its
 * putaway row, then the move's locations and balances), so the two queue instead of deadlocking.
 */
export async function lockOpenPutawaysAt(db: Executor, k: { siteId: string; ownerId: string; sku: string; locationId: string; lot: string; status: StockStatus }): Promise<PutawayRow[]> {
  return db.query<PutawayRow>(
    `SELECT ${PUTAWAY_COLUMNS} FROM inventory.putaways
     WHERE site_id = $1 AND status = 'OPEN' AND owner_id = $2 AND sku = $3 AND from_location_id = $4 AND lot = $5 AND stock_status = $6
     ORDER BY id FOR UPDATE`,
    [k.siteId, k.ownerId, k.sku, k.locationId, k.lot, k.status]);
}

/** An OPEN putaway covers fewer units (its units left the status it was for); still more than it put away (stays OPEN). */
export async function reducePutaway(db: Executor, id: string, quantity: number, now: Date): Promise<void> {
  await db.query(`UPDATE inventory.putaways SET quantity = $2, updated_at = $3 WHERE id = $1 AND status = 'OPEN' AND put_away < $2`, [id, quantity, now]);
}

export async function getPutaway(db: Executor, id: string, lock = false): Promise<PutawayRow | undefined> {
  return (await db.query<PutawayRow>(`SELECT ${PUTAWAY_COLUMNS} FROM inventory.putaways WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]))[0];
}

export async function updatePutaway(db: Executor, id: string, c: {
  putAway: number; status: PutawayStatus; locationId: string; confirmedBy: string | null; at: Date;
}): Promise<PutawayRow> {
  const rows = await db.query<PutawayRow>(
    `UPDATE inventory.putaways SET put_away = $2, status = $3, confirmed_location_id = $4, confirmed_by = $5, confirmed_at = $6, updated_at = $6
     WHERE id = $1 RETURNING ${PUTAWAY_COLUMNS}`,
    [id, c.putAway, c.status, c.locationId, c.confirmedBy, c.at],
  );
  return rows[0]!;
}

/** The putaway ends without a confirm (CANCELLED): nothing else of it changes. */
export async function setPutawayStatus(db: Executor, id: string, status: PutawayStatus, now: Date): Promise<void> {
  await db.query(`UPDATE inventory.putaways SET status = $2, updated_at = $3 WHERE id = $1`, [id, status, now]);
}

export async function listPutaways(db: Executor, q: {
  siteId: string; status?: PutawayStatus | undefined; asnId?: string | undefined; limit: number; after: string | null;
}): Promise<PutawayRow[]> {
  return db.query<PutawayRow>(
    `SELECT ${PUTAWAY_COLUMNS} FROM inventory.putaways
     WHERE site_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR asn_id = $3) AND ($4::text IS NULL OR id > $4)
     ORDER BY id LIMIT $5`,
    [q.siteId, q.status ?? null, q.asnId ?? null, q.after, q.limit],
  );
}

export async function insertPutawayConfirmation(db: Executor, c: PutawayConfirmationRow): Promise<void> {
  await db.query(
    `INSERT INTO inventory.putaway_confirmations (id, putaway_id, scan_id, location_id, quantity, confirmed_by, confirmed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [c.id, c.putaway_id, c.scan_id, c.location_id, c.quantity, c.confirmed_by, c.confirmed_at],
  );
}

export async function putawayConfirmationByScan(db: Executor, putawayId: string, scanId: string): Promise<PutawayConfirmationRow | undefined> {
  return (await db.query<PutawayConfirmationRow>(
    `SELECT ${CONFIRMATION_COLUMNS} FROM inventory.putaway_confirmations WHERE putaway_id = $1 AND scan_id = $2`, [putawayId, scanId],
  ))[0];
}

export async function putawayConfirmationsOf(db: Executor, putawayIds: readonly string[]): Promise<PutawayConfirmationRow[]> {
  if (putawayIds.length === 0) return [];
  return db.query<PutawayConfirmationRow>(
    `SELECT ${CONFIRMATION_COLUMNS} FROM inventory.putaway_confirmations WHERE putaway_id = ANY($1::text[]) ORDER BY confirmed_at, id`,
    [[...putawayIds]],
  );
}

/** What the given locations hold now, per location and SKU (every status, in-process stock excluded by the ids). */
export async function contentsAt(db: Executor, siteId: string, locationIds: readonly string[]): Promise<{ location_id: string; sku: string; units: number }[]> {
  if (locationIds.length === 0) return [];
  return db.query<{ location_id: string; sku: string; units: number }>(
    `SELECT location_id, sku, sum(on_hand)::int AS units FROM inventory.balances
     WHERE site_id = $1 AND location_id = ANY($2::text[]) AND on_hand > 0 GROUP BY location_id, sku ORDER BY location_id, sku`,
    [siteId, [...locationIds]],
  );
}

// ---------------------------------------------------------------- ASN LPNs scanned in at the dock

/** An ASN's LPN scanned in at the dock (`physical-tracking.scan.recorded` RECEIVE_LPN): its goods arrived. */
export interface AsnLpnArrival {
  readonly asn_id: string;
  readonly lpn_id: string;
  readonly code: string;
  readonly location_id: string | null;
}

/**
 * The site's OPEN and RECEIVING ASNs with lines expecting an LPN, and the labels they expect (as announced), less the
 * ASNs an LPN of `code` arrived for already (a label is received once per ASN).
 */
export async function asnLabelsAt(db: Executor, siteId: string, code: string): Promise<{ asn_id: string; expected_lpn: string }[]> {
  return db.query<{ asn_id: string; expected_lpn: string }>(
    `SELECT DISTINCT l.asn_id, l.expected_lpn FROM inventory.asn_lines l JOIN inventory.asns a ON a.id = l.asn_id
     WHERE a.site_id = $1 AND a.status IN ('OPEN', 'RECEIVING') AND l.expected_lpn IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM inventory.asn_lpn_arrivals x WHERE x.asn_id = l.asn_id AND x.code = $2)
     ORDER BY l.asn_id, l.expected_lpn`,
    [siteId, code],
  );
}

/**
 * The labels the site's OPEN and RECEIVING ASNs still expect (as announced), with the ASN: those an LPN of the label
 * arrived for already (`asn_lpn_arrivals`, by the code the scan read) left out, as `asnLabelsAt` leaves them out.
 */
export async function labelsStillExpectedAt(db: Executor, siteId: string): Promise<{ asn_id: string; expected_lpn: string; arrived: string[] }[]> {
  return db.query<{ asn_id: string; expected_lpn: string; arrived: string[] }>(
    `SELECT DISTINCT l.asn_id, l.expected_lpn, ARRAY(SELECT x.code FROM inventory.asn_lpn_arrivals x WHERE x.asn_id = l.asn_id ORDER BY x.code) AS arrived
     FROM inventory.asn_lines l JOIN inventory.asns a ON a.id = l.asn_id
     WHERE a.site_id = $1 AND a.status IN ('OPEN', 'RECEIVING') AND l.expected_lpn IS NOT NULL
     ORDER BY l.asn_id, l.expected_lpn`,
    [siteId],
  );
}

/**
 * Serialises the creates of ASNs expecting the labels `codes` at a site (as `lpnLabelCode` reads them), in code order:
 * two ASNs announcing one label at once are decided one after the other, and the second sees the first.
 */
export async function lockExpectedLabels(db: Executor, siteId: string, codes: readonly string[]): Promise<void> {
  for (const code of [...new Set(codes)].sort()) {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('inventory.asn-label'), hashtext($1))`, [`${siteId} ${code}`]);
  }
}

/** The ASNs of a site among `ids`, locked FOR UPDATE in id order (unknown ones and another site's left out). */
export async function lockAsnsOfSite(db: Executor, siteId: string, ids: readonly string[]): Promise<Pick<AsnRow, 'id' | 'status'>[]> {
  if (ids.length === 0) return [];
  return db.query<Pick<AsnRow, 'id' | 'status'>>(
    `SELECT id, status FROM inventory.asns WHERE id = ANY($1::text[]) AND site_id = $2 ORDER BY id FOR UPDATE`, [[...new Set(ids)], siteId],
  );
}

/** Records an arrival once per ASN and LPN (a redelivered scan event adds none). */
export async function recordAsnLpnArrival(db: Executor, a: AsnLpnArrival, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO inventory.asn_lpn_arrivals (asn_id, lpn_id, code, location_id, arrived_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (asn_id, lpn_id) DO NOTHING`,
    [a.asn_id, a.lpn_id, a.code, a.location_id, at],
  );
}

/** Drops the arrivals recorded under an LPN id at a site (a RECEIVE_LPN scan admitted under it that did not commit). */
export async function dropAsnLpnArrivals(db: Executor, siteId: string, lpnId: string): Promise<void> {
  await db.query(
    `DELETE FROM inventory.asn_lpn_arrivals x USING inventory.asns a WHERE x.lpn_id = $1 AND a.id = x.asn_id AND a.site_id = $2`,
    [lpnId, siteId],
  );
}

/** The LPNs of an ASN scanned in at the dock, in arrival order. */
export async function asnLpnArrivals(db: Executor, asnId: string): Promise<AsnLpnArrival[]> {
  return db.query<AsnLpnArrival>(
    `SELECT asn_id, lpn_id, code, location_id FROM inventory.asn_lpn_arrivals WHERE asn_id = $1 ORDER BY arrived_at, lpn_id`,
    [asnId],
  );
}
