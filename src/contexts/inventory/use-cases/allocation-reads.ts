/** The reads and the guard allocation and the backorder retry share. */
import type { Tx } from '../../../platform/db/database.ts';
import type { SkuStockFacts } from '../domain/allocation.ts';
import * as store from '../store.ts';
import type { AllocationChange } from './ledger-writes.ts';

/**
 * Locks one owner's SKU rows (created empty if missing) in SKU order, the order allocation, retries and pickability
 * flips take them, and reads each SKU's unreserved expired units of that owner at pickable locations. Another owner's
 * stock is neither locked nor read: an order is only ever allocated its owner's units (ADR 0028).
 */
export async function lockStockFacts(tx: Tx, siteId: string, ownerId: string, skus: readonly string[], today: string): Promise<Map<string, SkuStockFacts>> {
  const rows = await store.lockSkuStocks(tx, siteId, ownerId, skus);
  if (rows.length === 0) return new Map();
  // Read after the locks are held (a separate statement, so a fresh snapshot): the stock change this queued behind is seen.
  const expired = await store.expiredFreeBySku(tx, siteId, ownerId, rows.map((r) => r.sku), today);
  return new Map(rows.map((r) => [r.sku, {
    onHandAvailable: r.on_hand_available, unpickable: r.unpickable, allocated: r.allocated, expiredFree: expired.get(r.sku) ?? 0,
  }]));
}

/**
 * The conditional UPDATEs behind a decision's allocations, one statement for all of its SKUs (quantities summed per SKU),
 * then the allocation rows in one statement: no round trip per order line on the allocation hot path. The owner is part
 * of the UPDATE's key, so it adds no statement either.
 */
export async function applyAllocations(tx: Tx, siteId: string, ownerId: string, allocations: readonly (AllocationChange & { readonly sku: string })[],
  stock: ReadonlyMap<string, SkuStockFacts>): Promise<void> {
  if (allocations.length === 0) return;
  const bySku = new Map<string, number>();
  for (const a of allocations) bySku.set(a.sku, (bySku.get(a.sku) ?? 0) + a.allocated);
  const items = [...bySku].map(([sku, quantity]) => ({ sku, quantity, expiredFree: stock.get(sku)?.expiredFree ?? 0 }));
  const updated = await store.tryAllocateMany(tx, siteId, ownerId, items);
  if (updated.length !== items.length) {
    const refused = items.filter((i) => !updated.includes(i.sku)).map((i) => `${i.quantity} ${i.sku}`);
    throw new Error(`allocation of ${refused.join(', ')} refused on a locked stock row of owner ${ownerId}`);
  }
  await store.updateAllocations(tx, allocations);
}
