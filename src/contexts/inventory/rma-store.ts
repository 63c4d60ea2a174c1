/** SQL of customer returns (RMA, migration 009). */
import type { Executor } from '../../platform/db/database.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { RmaStatus } from '../../contracts/inventory.ts';
import type { InventoryRmaLines, InventoryRmas } from './db-types.ts';

const RMA_COLUMN_NAMES = ['id', 'site_id', 'owner_id', 'customer_ref', 'order_ref', 'status', 'notes', 'version', 'created_at', 'updated_at'] as const;
const RMA_COLUMNS = columnList(RMA_COLUMN_NAMES);
export type RmaRow = Narrowed<Pick<Selectable<InventoryRmas>, (typeof RMA_COLUMN_NAMES)[number]>, { status: RmaStatus }>;

const LINE_COLUMN_NAMES = [
  'rma_id', 'line_id', 'sku', 'reason', 'authorised', 'received', 'lot', 'received_location_id', 'restocked', 'quarantined', 'scrapped',
  'returned_to_vendor', 'condition', 'inspection_notes',
] as const;
const LINE_COLUMNS = columnList(LINE_COLUMN_NAMES);
export type RmaLineRow = Pick<Selectable<InventoryRmaLines>, (typeof LINE_COLUMN_NAMES)[number]>;

export interface NewRma {
  readonly id: string;
  readonly site_id: string;
  readonly owner_id: string;
  readonly customer_ref: string;
  readonly order_ref: string | null;
  readonly notes: string | null;
  readonly lines: readonly { readonly line_id: string; readonly sku: string; readonly reason: string; readonly authorised: number }[];
}

export async function insertRma(db: Executor, r: NewRma): Promise<void> {
  await db.query(
    `INSERT INTO inventory.rmas (id, site_id, owner_id, customer_ref, order_ref, status, notes) VALUES ($1, $2, $6, $3, $4, 'AUTHORISED', $5)`,
    [r.id, r.site_id, r.customer_ref, r.order_ref, r.notes, r.owner_id],
  );
  await db.query(
    `INSERT INTO inventory.rma_lines (rma_id, line_id, sku, reason, authorised)
     SELECT $1, l.line_id, l.sku, l.reason, l.authorised FROM jsonb_to_recordset($2::jsonb) AS l(line_id text, sku text, reason text, authorised int)`,
    [r.id, JSON.stringify(r.lines)],
  );
}

export async function getRma(db: Executor, id: string): Promise<RmaRow | undefined> {
  return (await db.query<RmaRow>(`SELECT ${RMA_COLUMNS} FROM inventory.rmas WHERE id = $1`, [id]))[0];
}

export async function lockRma(db: Executor, id: string): Promise<RmaRow | undefined> {
  return (await db.query<RmaRow>(`SELECT ${RMA_COLUMNS} FROM inventory.rmas WHERE id = $1 FOR UPDATE`, [id]))[0];
}

export async function linesOf(db: Executor, rmaId: string): Promise<RmaLineRow[]> {
  return db.query<RmaLineRow>(`SELECT ${LINE_COLUMNS} FROM inventory.rma_lines WHERE rma_id = $1 ORDER BY line_id`, [rmaId]);
}

export async function setRmaStatus(db: Executor, id: string, status: RmaStatus): Promise<void> {
  await db.query(`UPDATE inventory.rmas SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, [id, status]);
}

/** A line after a receipt: its counters and where (and under which lot) its units wait. */
export async function saveLineReceipt(db: Executor, rmaId: string, lineId: string, received: number, lot: string, locationId: string): Promise<void> {
  await db.query(
    `UPDATE inventory.rma_lines SET received = $3, lot = $4, received_location_id = $5 WHERE rma_id = $1 AND line_id = $2`,
    [rmaId, lineId, received, lot, locationId],
  );
}

/** A line after an inspection: its disposition counters, condition and notes. */
export async function saveLineInspection(db: Executor, rmaId: string, lineId: string, l: Pick<RmaLineRow,
  'restocked' | 'quarantined' | 'scrapped' | 'returned_to_vendor' | 'condition' | 'inspection_notes'>): Promise<void> {
  await db.query(
    `UPDATE inventory.rma_lines SET restocked = $3, quarantined = $4, scrapped = $5, returned_to_vendor = $6, condition = $7, inspection_notes = $8
      WHERE rma_id = $1 AND line_id = $2`,
    [rmaId, lineId, l.restocked, l.quarantined, l.scrapped, l.returned_to_vendor, l.condition, l.inspection_notes],
  );
}

export async function listRmas(
  db: Executor, q: { siteId: string; ownerId?: string | undefined; status?: RmaStatus | undefined; limit: number; after: string | null },
): Promise<RmaRow[]> {
  return db.query<RmaRow>(
    `SELECT ${RMA_COLUMNS} FROM inventory.rmas WHERE site_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR id > $3)
        AND ($5::text IS NULL OR owner_id = $5)
      ORDER BY id LIMIT $4`,
    [q.siteId, q.status ?? null, q.after, q.limit, q.ownerId ?? null],
  );
}

export async function linesOfRmas(db: Executor, ids: readonly string[]): Promise<RmaLineRow[]> {
  if (ids.length === 0) return [];
  return db.query<RmaLineRow>(`SELECT ${LINE_COLUMNS} FROM inventory.rma_lines WHERE rma_id = ANY($1::text[]) ORDER BY rma_id, line_id`, [[...ids]]);
}

/**
 * The QUARANTINE units RMAs still await inspection for at these units' place (received, no disposition yet), per RMA:
 * their inspection restocks, scraps or returns them from there, so a hand release keeps them back (ADR 0026 addendum).
 */
export async function awaitingInspectionOn(db: Executor, key: { siteId: string; ownerId: string; sku: string; locationId: string; lot: string }): Promise<{ rma_id: string; awaiting: number }[]> {
  return db.query<{ rma_id: string; awaiting: number }>(
    `SELECT l.rma_id, sum(l.received - l.restocked - l.quarantined - l.scrapped - l.returned_to_vendor)::int AS awaiting
     FROM inventory.rma_lines l JOIN inventory.rmas r ON r.id = l.rma_id
     WHERE r.site_id = $1 AND r.owner_id = $2 AND l.sku = $3 AND l.received_location_id = $4 AND l.lot = $5
       AND l.received - l.restocked - l.quarantined - l.scrapped - l.returned_to_vendor > 0
     GROUP BY l.rma_id ORDER BY l.rma_id`,
    [key.siteId, key.ownerId, key.sku, key.locationId, key.lot]);
}
