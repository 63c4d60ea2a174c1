/** The reads and the guard allocation and the backorder retry share. */
import type { Tx } from '../../../platform/db/database.ts';
import type { SkuStockFacts } from '../domain/allocation.ts';
import * as store from '../store.ts';

/**
 * Locks the SKU rows (created empty if missing) in SKU order, the order allocation, retries and pickability flips take
 * them, and reads each SKU's unreserved expired units at pickable locations.
 */
export async function lockStockFacts(tx: Tx, siteId: string, skus: readonly string[], today: string): Promise<Map<string, SkuStockFacts>> {
  const facts = new Map<string, SkuStockFacts>();
  for (const sku of [...new Set(skus)].sort()) {
    const row = await store.lockSkuStock(tx, siteId, sku);
    const expiredFree = await store.expiredFreeQuantity(tx, siteId, sku, today);
    facts.set(sku, { onHandAvailable: row.on_hand_available, unpickable: row.unpickable, allocated: row.allocated, expiredFree });
  }
  return facts;
}

/** The conditional UPDATE behind a decided allocation: on locked rows it cannot refuse unless the decider is wrong. */
export async function tryAllocateOrFail(tx: Tx, siteId: string, sku: string, quantity: number, stock: ReadonlyMap<string,
  SkuStockFacts>): Promise<void> {
  if (!(await store.tryAllocate(tx, siteId, sku, quantity, stock.get(sku)?.expiredFree ?? 0))) {
    throw new Error(`allocation of ${quantity} ${sku} refused on a locked stock row`);
  }
}
