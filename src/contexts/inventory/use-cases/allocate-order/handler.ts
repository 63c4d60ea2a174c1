import type { OrderReceived } from '../../../../contracts/orders.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { isoDate, ownerOfOrder } from '../../domain/ledger.ts';
import { applyAllocations, lockStockFacts } from '../allocation-reads.ts';
import * as store from '../../store.ts';
import { record } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { decideAllocation, decideClaim } from './decide.ts';

/** On `orders.order.received`: claim the lines (the insert is what makes a line allocated at most once), lock, decide, write. */
export function allocateOrderHandler(deps: PlatformDeps, counters: InventoryCounters) {
  return async (tx: Tx, order: OrderReceived, meta: EventMeta): Promise<void> => {
    const now = deps.clock.now();
    // The order's short-pick policy, for a short pick that finds no stock elsewhere (ADR 0024).
    await store.saveOrderPolicy(tx, order.orderId, order.shipComplete ?? false);
    const existing = await store.lockAllocations(tx, order.orderId);
    const claimed = await store.insertAllocations(tx, unwrap(decideClaim({ existing }, order, now)));
    if (claimed.length === 0) return;
    // Queues behind a stock change in flight, so a line backordered here is seen by the retry that change triggers.
    const ownerId = ownerOfOrder(order);
    const stock = await lockStockFacts(tx, order.siteId, ownerId, claimed.filter((l) => l.requested > 0).map((l) => l.sku), isoDate(now));
    const d = unwrap(decideAllocation({ claimed, stock }, order, now));
    await applyAllocations(tx, order.siteId, ownerId, d.allocate, stock);
    await record(tx, deps, d.movements, d.events, meta);
    tx.afterCommit(() => {
      counters.allocated.inc(d.units);
      counters.backordered.inc(d.backorderedLines);
    });
  };
}
