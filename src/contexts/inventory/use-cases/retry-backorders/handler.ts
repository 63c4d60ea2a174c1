import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import { InventoryEvents } from '../../../../contracts/inventory.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { isoDate } from '../../domain/ledger.ts';
import type { FreedStock } from '../../domain/stock.ts';
import * as store from '../../store.ts';
import { applyAllocations, lockStockFacts } from '../allocation-reads.ts';
import { appendEvents, ledgerMovements } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { decideRetry } from './decide.ts';

/**
 * On inventory's own events that free stock, so the retry is as durable as they are. Locks: the orders' allocation
 * rows first (id order), then the SKU rows in (owner, SKU) order, as allocation and cancellation take them. Backordered
 * orders of every owner are retried, each owner's against that owner's stock only (ADR 0028).
 */
export function retryBackordersHandler(deps: PlatformDeps, counters: InventoryCounters) {
  /** Returns the orders the retry allocated completely. */
  return async (tx: Tx, freed: FreedStock | undefined, meta: EventMeta): Promise<string[]> => {
    if (freed === undefined) return [];
    const orderIds = await store.backorderedOrders(tx, freed.siteId, freed.skus);
    if (orderIds.length === 0) return [];
    const rows = await store.lockAllocationsOfOrders(tx, orderIds);
    const orders = orderIds.map((orderId) => ({ orderId, lines: rows.filter((r) => r.order_id === orderId) }));
    const ownerOf = (o: { lines: readonly { owner_id: string }[] }): string | undefined => o.lines[0]?.owner_id;
    const owners = [...new Set(orders.map(ownerOf).filter((o) => o !== undefined))].sort();
    const now = deps.clock.now();
    const complete: string[] = [];
    for (const ownerId of owners) {
      const stock = await lockStockFacts(tx, freed.siteId, ownerId, freed.skus, isoDate(now));
      const d = unwrap(decideRetry({ orders: orders.filter((o) => ownerOf(o) === ownerId), stock }, freed, now));
      await applyAllocations(tx, [{ siteId: freed.siteId, ownerId, allocations: d.allocate, stock }], ledgerMovements(deps, [{ movements: d.movements, meta }]));
      await appendEvents(tx, deps, [{ events: d.events, meta }]);
      tx.afterCommit(() => counters.allocated.inc(d.units));
      // The orders whose lines are now all allocated (their `inventory.stock.allocated` says `complete`).
      complete.push(...d.events.flatMap((e) => (e.type === InventoryEvents.allocated && e.data.complete ? [e.data.orderId] : [])));
    }
    return complete;
  };
}
