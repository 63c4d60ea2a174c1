/** SQL of inventory's record of quality holds (issue 13): one row per failed inspection of stock. */
import type { Executor } from '../../platform/db/database.ts';
import type { Selectable } from '../../platform/db/row-types.ts';
import type { InventoryQualityHolds } from './db-types.ts';

export type QualityHoldRow = Pick<Selectable<InventoryQualityHolds>, 'inspection_id' | 'site_id' | 'owner_id' | 'sku' | 'location_id' | 'lot' | 'held' | 'status'>;

export async function knowsQualityHold(db: Executor, inspectionId: string): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM inventory.quality_holds WHERE inspection_id = $1`, [inspectionId])).length > 0;
}

export async function lockQualityHold(db: Executor, inspectionId: string): Promise<QualityHoldRow | undefined> {
  const [row] = await db.query<QualityHoldRow>(
    `SELECT inspection_id, site_id, owner_id, sku, location_id, lot, held, status FROM inventory.quality_holds WHERE inspection_id = $1 FOR UPDATE`, [inspectionId]);
  return row;
}

export async function insertQualityHold(db: Executor, h: {
  inspectionId: string; siteId: string; ownerId: string; sku: string; locationId: string; lot: string; requested: number; held: number; now: Date;
}): Promise<void> {
  await db.query(
    `INSERT INTO inventory.quality_holds (inspection_id, site_id, owner_id, sku, location_id, lot, requested, held, status, placed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'HELD', $9)`, [h.inspectionId, h.siteId, h.ownerId, h.sku, h.locationId, h.lot, h.requested, h.held, h.now]);
}

export async function setQualityHoldStatus(db: Executor, inspectionId: string, status: string, now: Date): Promise<void> {
  await db.query(`UPDATE inventory.quality_holds SET status = $2, disposed_at = $3 WHERE inspection_id = $1`, [inspectionId, status, now]);
}

/** The holds open inspections keep on these units (status HELD), by inspection id: read with the balance locked. */
export async function openQualityHoldsOn(db: Executor, key: { siteId: string; ownerId: string; sku: string; locationId: string; lot: string }): Promise<Pick<QualityHoldRow, 'inspection_id' | 'held'>[]> {
  return db.query<Pick<QualityHoldRow, 'inspection_id' | 'held'>>(
    `SELECT inspection_id, held FROM inventory.quality_holds
     WHERE site_id = $1 AND owner_id = $2 AND sku = $3 AND location_id = $4 AND lot = $5 AND status = 'HELD' AND held > 0 ORDER BY inspection_id`,
    [key.siteId, key.ownerId, key.sku, key.locationId, key.lot]);
}
