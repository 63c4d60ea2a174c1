/** SQL of inventory's record of lost LPNs' holds (ADR 0029 addendum): one row per lost LPN and (owner, SKU, lot). */
import type { Executor } from '../../platform/db/database.ts';
import type { Selectable } from '../../platform/db/row-types.ts';
import type { InventoryLpnHolds } from './db-types.ts';

export type LpnHoldRow = Pick<Selectable<InventoryLpnHolds>,
  'loss_event_id' | 'lpn_id' | 'owner_id' | 'sku' | 'lot' | 'site_id' | 'location_id' | 'requested' | 'held' | 'status'>;

export async function knowsLoss(db: Executor, lossEventId: string): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM inventory.lpn_holds WHERE loss_event_id = $1 LIMIT 1`, [lossEventId])).length > 0;
}

export async function insertLpnHolds(db: Executor, rows: readonly Omit<LpnHoldRow, 'status'>[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO inventory.lpn_holds (loss_event_id, lpn_id, owner_id, sku, lot, site_id, location_id, requested, held, status, placed_at)
     SELECT r.loss_event_id, r.lpn_id, r.owner_id, r.sku, r.lot, r.site_id, r.location_id, r.requested, r.held, 'HELD', $2
     FROM jsonb_to_recordset($1::jsonb) AS r(loss_event_id text, lpn_id text, owner_id text, sku text, lot text, site_id text, location_id text,
       requested int, held int)`,
    [JSON.stringify(rows), at],
  );
}

/** The HELD rows of these LPNs, locked, in the order their balances are locked (SKU, owner, location, lot). */
export async function lockHeld(db: Executor, lpnIds: readonly string[]): Promise<LpnHoldRow[]> {
  return db.query<LpnHoldRow>(
    `SELECT loss_event_id, lpn_id, owner_id, sku, lot, site_id, location_id, requested, held, status FROM inventory.lpn_holds
     WHERE lpn_id = ANY($1::text[]) AND status = 'HELD'
     ORDER BY sku, owner_id, location_id, lot, lpn_id, loss_event_id FOR UPDATE`,
    [[...lpnIds]],
  );
}

export async function markReleased(
  db: Executor, row: Pick<LpnHoldRow, 'loss_event_id' | 'lpn_id' | 'owner_id' | 'sku' | 'lot'>, released: number, foundLocationId: string, at: Date,
): Promise<void> {
  await db.query(
    `UPDATE inventory.lpn_holds SET status = 'RELEASED', released = $6, found_location_id = $7, released_at = $8
     WHERE loss_event_id = $1 AND lpn_id = $2 AND owner_id = $3 AND sku = $4 AND lot = $5`,
    [row.loss_event_id, row.lpn_id, row.owner_id, row.sku, row.lot, released, foundLocationId, at],
  );
}

/** Per LPN lost at these units' location (status HELD), its HOLD units there: on the books, not on the shelf. */
export async function lostHoldsOn(db: Executor, key: { siteId: string; ownerId: string; sku: string; locationId: string; lot: string }): Promise<{ lpnId: string; held: number }[]> {
  return db.query<{ lpnId: string; held: number }>(
    `SELECT lpn_id AS "lpnId", sum(held)::int AS held FROM inventory.lpn_holds
     WHERE site_id = $1 AND owner_id = $2 AND sku = $3 AND location_id = $4 AND lot = $5 AND status = 'HELD' AND held > 0
     GROUP BY lpn_id ORDER BY lpn_id`,
    [key.siteId, key.ownerId, key.sku, key.locationId, key.lot]);
}

/** HOLD units of LPNs lost at these units' location (status HELD): on the books there, not on the shelf. */
export async function lostHeldOn(db: Executor, key: { siteId: string; ownerId: string; sku: string; locationId: string; lot: string }): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT coalesce(sum(held), 0)::int AS n FROM inventory.lpn_holds
     WHERE site_id = $1 AND owner_id = $2 AND sku = $3 AND location_id = $4 AND lot = $5 AND status = 'HELD'`,
    [key.siteId, key.ownerId, key.sku, key.locationId, key.lot]);
  return rows[0]?.n ?? 0;
}
