/** Safety stock (ADR 0057): a column of the SKU row allocation locks (`sku_stock.safety_stock`), read and set here. */
import type { Executor, Tx } from '../../platform/db/database.ts';
import { lockSkuStocks } from './store.ts';

/** A SKU's safety stock for one owner at a site, as the routes answer it. */
export interface SafetyStockRow {
  readonly site_id: string;
  readonly owner_id: string;
  readonly sku: string;
  readonly safety_stock: number;
  readonly safety_stock_updated_at: Date | null;
}

const COLUMNS = 'site_id, owner_id, sku, safety_stock, safety_stock_updated_at';

/**
 * Locks the SKU row (the lock allocation takes: a set waits for an allocation in flight, and one after it sees the new
 * figure) and answers its safety stock; 0 when there is no row. A row is created only for a figure above 0.
 */
export async function lockSafetyStock(tx: Tx, siteId: string, ownerId: string, sku: string, create: boolean): Promise<number> {
  const [row] = await tx.query<{ safety_stock: number }>(
    'SELECT safety_stock FROM inventory.sku_stock WHERE site_id = $1 AND owner_id = $2 AND sku = $3 FOR UPDATE', [siteId, ownerId, sku]);
  if (row !== undefined) return row.safety_stock;
  if (!create) return 0;
  const [created] = await lockSkuStocks(tx, siteId, ownerId, [sku]);
  return created?.safety_stock ?? 0;
}

/** Writes the figure on the locked row (`lockSafetyStock`) and answers the row. */
export async function writeSafetyStock(tx: Tx, siteId: string, ownerId: string, sku: string, quantity: number): Promise<SafetyStockRow | undefined> {
  const [row] = await tx.query<SafetyStockRow>(
    `UPDATE inventory.sku_stock SET safety_stock = $4, safety_stock_updated_at = now()
     WHERE site_id = $1 AND owner_id = $2 AND sku = $3 RETURNING ${COLUMNS}`, [siteId, ownerId, sku, quantity]);
  return row;
}

/** One owner's safety stock of a SKU at a site (undefined: no SKU row). */
export async function safetyStock(db: Executor, siteId: string, ownerId: string, sku: string): Promise<SafetyStockRow | undefined> {
  const [row] = await db.query<SafetyStockRow>(
    `SELECT ${COLUMNS} FROM inventory.sku_stock WHERE site_id = $1 AND owner_id = $2 AND sku = $3`, [siteId, ownerId, sku]);
  return row;
}

/** The safety stocks set at a site (above 0), in (SKU, owner) order after `after`, optionally of one owner or SKU. */
export async function safetyStocks(db: Executor, q: {
  readonly siteId: string; readonly ownerId?: string | undefined; readonly sku?: string | undefined; readonly limit: number;
  readonly after?: { readonly sku: string; readonly ownerId: string } | undefined;
}): Promise<SafetyStockRow[]> {
  return db.query<SafetyStockRow>(
    `SELECT ${COLUMNS} FROM inventory.sku_stock
     WHERE site_id = $1 AND safety_stock > 0 AND ($2::text IS NULL OR owner_id = $2) AND ($3::text IS NULL OR sku = $3)
       AND ($4::text IS NULL OR (sku, owner_id) > ($4, $5))
     ORDER BY sku, owner_id LIMIT $6`,
    [q.siteId, q.ownerId ?? null, q.sku ?? null, q.after?.sku ?? null, q.after?.ownerId ?? null, q.limit],
  );
}
