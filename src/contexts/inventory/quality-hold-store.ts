/** SQL of inventory's record of quality holds (issue 13): one row per failed inspection of stock. */
import type { Executor } from '../../platform/db/database.ts';
import type { Selectable } from '../../platform/db/row-types.ts';
import type { InventoryQualityHolds } from './db-types.ts';

export type QualityHoldRow = Pick<Selectable<InventoryQualityHolds>,
  'inspection_id' | 'site_id' | 'owner_id' | 'sku' | 'location_id' | 'lot' | 'held' | 'taken' | 'requested' | 'status' | 'receipt_ref' | 'shared_with'>;

const COLUMNS = 'inspection_id, site_id, owner_id, sku, location_id, lot, held, taken, requested, status, receipt_ref, shared_with';

type HoldKey = { siteId: string; ownerId: string; sku: string; locationId: string; lot: string };

export async function knowsQualityHold(db: Executor, inspectionId: string): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM inventory.quality_holds WHERE inspection_id = $1`, [inspectionId])).length > 0;
}

/** The hold's row, unlocked: where its balance is, to lock that first (`lockQualityHold` after it). */
export async function getQualityHold(db: Executor, inspectionId: string): Promise<QualityHoldRow | undefined> {
  const [row] = await db.query<QualityHoldRow>(
    `SELECT ${COLUMNS} FROM inventory.quality_holds WHERE inspection_id = $1`, [inspectionId]);
  return row;
}

/** The hold's row, locked: taken after its HOLD balance, the order every writer of `taken` and `status` locks in. */
export async function lockQualityHold(db: Executor, inspectionId: string): Promise<QualityHoldRow | undefined> {
  const [row] = await db.query<QualityHoldRow>(
    `SELECT ${COLUMNS} FROM inventory.quality_holds WHERE inspection_id = $1 FOR UPDATE`, [inspectionId]);
  return row;
}

export async function insertQualityHold(db: Executor, h: {
  inspectionId: string; siteId: string; ownerId: string; sku: string; locationId: string; lot: string; requested: number; held: number; now: Date;
  receiptRef: string | null; sharedWith: string | null;
  /** What its placed event said short (QUALITY_HOLD_INCOMPLETE raised for them). */
  shortfall: number;
}): Promise<void> {
  await db.query(
    `INSERT INTO inventory.quality_holds (inspection_id, site_id, owner_id, sku, location_id, lot, requested, held, status, placed_at, receipt_ref, shared_with, shortfall)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'HELD', $9, $10, $11, $12)`,
    [h.inspectionId, h.siteId, h.ownerId, h.sku, h.locationId, h.lot, h.requested, h.held, h.now, h.receiptRef, h.sharedWith, h.shortfall]);
}

/**
 * The hold carrying the units of this receipt at these units, locked (after their balance): another failed inspection of
 * the same receipt whose HOLD units are still its own (HELD, owning some). A hold of the receipt joins it.
 */
export async function lockReceiptCarrier(db: Executor, receiptRef: string, key: HoldKey): Promise<QualityHoldRow | undefined> {
  const [row] = await db.query<QualityHoldRow>(
    `SELECT ${COLUMNS} FROM inventory.quality_holds
     WHERE receipt_ref = $1 AND site_id = $2 AND owner_id = $3 AND sku = $4 AND location_id = $5 AND lot = $6
       AND shared_with IS NULL AND status = 'HELD' AND held > taken
     ORDER BY inspection_id LIMIT 1 FOR UPDATE`,
    [receiptRef, key.siteId, key.ownerId, key.sku, key.locationId, key.lot]);
  return row;
}

/**
 * Of a receipt's units here, what the receipt's other failed inspections answer for already. `all`: the most a hold
 * still HELD, or whose SCRAP / RETURN_TO_VENDOR took its units, was asked to hold (held, gone, or said short in its
 * `placed`); `saidShort`: the most a RELEASED one said short (the units it held are AVAILABLE again, not answered for).
 * 0 and 0: none.
 */
export async function receiptAnswered(db: Executor, receiptRef: string, key: HoldKey, exceptInspectionId: string): Promise<{ all: number; saidShort: number }> {
  const [row] = await db.query<{ answered_all: number; said_short: number }>(
    `SELECT COALESCE(MAX(requested) FILTER (WHERE status <> 'RELEASED'), 0)::int AS answered_all,
            COALESCE(MAX(shortfall) FILTER (WHERE status = 'RELEASED'), 0)::int AS said_short
     FROM inventory.quality_holds
     WHERE receipt_ref = $1 AND site_id = $2 AND owner_id = $3 AND sku = $4 AND location_id = $5 AND lot = $6 AND inspection_id <> $7`,
    [receiptRef, key.siteId, key.ownerId, key.sku, key.locationId, key.lot, exceptInspectionId]);
  return { all: row?.answered_all ?? 0, saidShort: row?.said_short ?? 0 };
}

/** The holds still HELD that share `carrierId`'s units, locked in inspection order (after the balance and the carrier). */
export async function lockSharers(db: Executor, carrierId: string): Promise<QualityHoldRow[]> {
  return db.query<QualityHoldRow>(
    `SELECT ${COLUMNS} FROM inventory.quality_holds WHERE shared_with = $1 AND status = 'HELD' ORDER BY inspection_id FOR UPDATE`, [carrierId]);
}

/**
 * `to` carries the units `from` carried (its `held` and `taken`: the units it owns there), and every other hold sharing
 * them shares them with `to`; `from` shares them with `to` (held 0). With all three locked.
 */
export async function handOverCarrying(db: Executor, from: QualityHoldRow, to: string): Promise<void> {
  await db.query(`UPDATE inventory.quality_holds SET shared_with = $2 WHERE shared_with = $1 AND inspection_id <> $2`, [from.inspection_id, to]);
  await db.query(`UPDATE inventory.quality_holds SET shared_with = NULL, held = $2, taken = $3, requested = GREATEST(requested, $2) WHERE inspection_id = $1`,
    [to, from.held, from.taken]);
  await db.query(`UPDATE inventory.quality_holds SET shared_with = $2, taken = 0, held = 0 WHERE inspection_id = $1`, [from.inspection_id, to]);
}

export async function setQualityHoldStatus(db: Executor, inspectionId: string, status: string, now: Date): Promise<void> {
  await db.query(`UPDATE inventory.quality_holds SET status = $2, disposed_at = $3 WHERE inspection_id = $1`, [inspectionId, status, now]);
}

/**
 * The units open inspections still own on these units (status HELD): `held` here is what each hold placed less what
 * left it otherwise (`taken`), by inspection id; `shared_by`: the other HELD inspections sharing them (one receipt's,
 * held 0 themselves), in inspection order. Read with the balance locked.
 */
export async function openQualityHoldsOn(db: Executor, key: HoldKey): Promise<(Pick<QualityHoldRow, 'inspection_id' | 'held'> & { shared_by: string[] })[]> {
  return db.query<Pick<QualityHoldRow, 'inspection_id' | 'held'> & { shared_by: string[] }>(
    `SELECT h.inspection_id, h.held - h.taken AS held,
            COALESCE((SELECT array_agg(s.inspection_id ORDER BY s.inspection_id) FROM inventory.quality_holds s
                      WHERE s.shared_with = h.inspection_id AND s.status = 'HELD'), '{}') AS shared_by
     FROM inventory.quality_holds h
     WHERE h.site_id = $1 AND h.owner_id = $2 AND h.sku = $3 AND h.location_id = $4 AND h.lot = $5 AND h.status = 'HELD' AND h.held > h.taken
     ORDER BY h.inspection_id`,
    [key.siteId, key.ownerId, key.sku, key.locationId, key.lot]);
}

/**
 * HOLD units left these units other than by a disposition (a move), `onHandAfter` still on HOLD there, with the balance
 * locked. Units no hold accounts for (held by hand) go first; past them, what the open inspections own there is `taken`
 * from them in inspection order — `over` = what they and the lost LPNs there (`lostHeld`: on the books, not on the
 * shelf) claim beyond `onHandAfter`. So a unit held by hand later at the same place is never taken for theirs. Returns
 * what was taken from which hold.
 */
export async function takeFromQualityHolds(db: Executor, key: HoldKey, onHandAfter: number, lostHeld: number): Promise<{ inspectionId: string; taken: number }[]> {
  const open = await db.query<{ inspection_id: string; owned: number }>(
    `SELECT inspection_id, held - taken AS owned FROM inventory.quality_holds
     WHERE site_id = $1 AND owner_id = $2 AND sku = $3 AND location_id = $4 AND lot = $5 AND status = 'HELD' AND held > taken
     ORDER BY inspection_id FOR UPDATE`,
    [key.siteId, key.ownerId, key.sku, key.locationId, key.lot]);
  let over = open.reduce((n, h) => n + h.owned, 0) + lostHeld - onHandAfter;
  const taken: { inspectionId: string; taken: number }[] = [];
  for (const h of open) {
    if (over <= 0) break;
    const n = Math.min(over, h.owned);
    await db.query(`UPDATE inventory.quality_holds SET taken = taken + $2 WHERE inspection_id = $1`, [h.inspection_id, n]);
    taken.push({ inspectionId: h.inspection_id, taken: n });
    over -= n;
  }
  return taken;
}
