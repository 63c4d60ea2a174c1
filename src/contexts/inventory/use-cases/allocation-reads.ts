/** The reads and the guard allocation and the backorder retry share. */
import type { Executor, Tx } from '../../../platform/db/database.ts';
import type { SkuStockFacts } from '../domain/allocation.ts';
import * as store from '../store.ts';
import type { NewMovement, SkuTake } from '../store.ts';
import type { AllocationChange } from './ledger-writes.ts';

/**
 * Locks one owner's SKU rows (created empty if missing) in SKU order, the order allocation, retries and pickability
 * flips take them, and reads each SKU's unreserved expired units of that owner at pickable locations. Another owner's
 * stock is neither locked nor read: an order is only ever allocated its owner's units (ADR 0028).
 */
export async function lockStockFacts(tx: Tx, siteId: string, ownerId: string, skus: readonly string[], today: string): Promise<Map<string, SkuStockFacts>> {
  return stockFacts(tx, siteId, ownerId, await store.lockSkuStocks(tx, siteId, ownerId, skus), today);
}

/**
 * One owner's SKU rows, which the caller has locked, as facts: each SKU's unreserved expired units of that owner at
 * pickable locations read now, after the locks are held (a statement of its own, so a fresh snapshot: the stock change
 * the lock queued behind is seen).
 */
export async function stockFacts(tx: Tx, siteId: string, ownerId: string, rows: readonly store.SkuStockRow[], today: string): Promise<Map<string, SkuStockFacts>> {
  if (rows.length === 0) return new Map();
  const expired = await store.expiredFreeBySku(tx, siteId, ownerId, rows.map((r) => r.sku), today);
  return new Map(rows.map((r) => [r.sku, {
    onHandAvailable: r.on_hand_available, unpickable: r.unpickable, allocated: r.allocated, expiredFree: expired.get(r.sku) ?? 0, safetyStock: r.safety_stock,
  }]));
}

/** One (site, owner) pair's allocations and the locked stock facts they were decided on. */
export interface PairAllocations {
  readonly siteId: string;
  readonly ownerId: string;
  readonly allocations: readonly (AllocationChange & { readonly sku: string })[];
  readonly stock: ReadonlyMap<string, SkuStockFacts>;
}

/**
 * The writes behind allocation decisions, in one statement whatever the number of orders, lines and (site, owner) pairs
 * (`store.writeAllocations`): each pair's conditional UPDATE of its SKU rows (quantities summed per SKU), the allocation
 * rows, the ledger movements and, given `o.events` (envelopes as `EventBus.envelopes` makes them), the events: the
 * statement then runs through `bus.writer(tx)`. No round trip per order line, nor per kind of write, on the allocation
 * hot path. A SKU row the guard refuses throws, and the transaction rolls back with everything the statement wrote.
 *
 * With `o.check`, nothing is written unless the expired units of each pair's SKUs (every SKU of `stock`) read now
 * equal those the decisions were taken on; otherwise the answer is those figures (`stale`), for the caller to decide
 * again on.
 */
export async function applyAllocations(tx: Executor, pairs: readonly PairAllocations[], movements: readonly NewMovement[],
  o: { readonly events?: string; readonly check?: boolean; readonly today?: string } = {}): Promise<{ readonly stale: readonly store.ExpiredFree[] }> {
  const takes: SkuTake[] = pairs.flatMap(({ siteId, ownerId, allocations, stock }) => {
    const bySku = new Map<string, number>();
    for (const a of allocations) bySku.set(a.sku, (bySku.get(a.sku) ?? 0) + a.allocated);
    return [...bySku].map(([sku, quantity]) => ({ siteId, ownerId, sku, quantity, expiredFree: stock.get(sku)?.expiredFree ?? 0 }));
  });
  const check = o.check === true
    ? pairs.flatMap(({ siteId, ownerId, stock }) => [...stock].map(([sku, f]) => ({ siteId, ownerId, sku, expiredFree: f.expiredFree })))
    : undefined;
  const written = await store.writeAllocations(tx, takes, pairs.flatMap((p) => p.allocations), movements, { events: o.events, check, today: o.today });
  if (!written.ok) return { stale: written.stale };
  if (written.updated.length !== takes.length) {
    const done = new Set(written.updated.map((u) => `${u.site_id}\u0000${u.owner_id}\u0000${u.sku}`));
    const refused = takes.filter((t) => !done.has(`${t.siteId}\u0000${t.ownerId}\u0000${t.sku}`)).map((t) => `${t.quantity} ${t.sku} of owner ${t.ownerId}`);
    throw new Error(`allocation of ${refused.join(', ')} refused on a locked stock row`);
  }
  return { stale: [] };
}
