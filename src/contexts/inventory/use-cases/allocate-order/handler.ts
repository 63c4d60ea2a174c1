import type { OrderReceived } from '../../../../contracts/orders.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import type { SkuStockFacts } from '../../domain/allocation.ts';
import { isoDate, ownerOfOrder } from '../../domain/ledger.ts';
import { applyAllocations, stockFacts } from '../allocation-reads.ts';
import * as store from '../../store.ts';
import { appendEvents, ledgerMovements } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { decideAllocation, decideClaim, type AllocateDecision } from './decide.ts';

/** A received order and the meta of the event that brought it. */
export interface ReceivedOrder {
  readonly order: OrderReceived;
  readonly meta: EventMeta;
}

/** The stock rows one (site, owner) pair of a run locks: an order only ever allocates its owner's units (ADR 0028). */
interface StockGroup {
  readonly siteId: string;
  readonly ownerId: string;
  readonly skus: Set<string>;
  facts: Map<string, SkuStockFacts>;
}

const groupKey = (siteId: string, ownerId: string): string => `${siteId}\u0000${ownerId}`;

/**
 * On `orders.order.received`, for a run of received orders in one transaction (one order is a run of one, ADR 0043):
 * claim the lines (the insert is what makes a line allocated at most once) and lock their SKU rows in one statement,
 * read the expired units, decide order by order in the run's order against what the earlier ones left, then write once
 * for the whole run: the SKU rows' guarded UPDATE, the allocation rows and the ledger in one statement, the events in
 * another (the outbox, before COMMIT), whatever the number of orders.
 */
export function allocateOrdersHandler(deps: PlatformDeps, counters: InventoryCounters) {
  return async (tx: Tx, received: readonly ReceivedOrder[]): Promise<void> => {
    if (received.length === 0) return;
    const now = deps.clock.now();
    const known = groupBy(await store.lockAllocationsOfOrders(tx, received.map(({ order }) => order.orderId)), (r) => r.order_id);
    const claims = received.flatMap(({ order }) => {
      const existing = known.get(order.orderId) ?? [];
      const claim = unwrap(decideClaim({ existing }, order, now));
      // The same order twice in a run: the second delivery sees the first one's claims and claims nothing.
      known.set(order.orderId, [...existing, ...claim.map((c) => ({ ...c, shipped: 0 }))]);
      return claim;
    });
    // With the orders' short-pick policies, for a short pick that finds no stock elsewhere (ADR 0024). The same statement
    // locks the claimed lines' SKU rows (pairs in one global order, SKUs in SKU order within each, so two runs never wait
    // on each other in a cycle); it queues behind stock changes in flight, so a line backordered here is seen by the
    // retry that change triggers.
    const policies = received.map(({ order }) => ({ orderId: order.orderId, shipComplete: order.shipComplete ?? false }));
    const { claimed: claimedRows, stock } = await store.claimLinesAndLockStock(tx, claims, policies);
    const claimed = groupBy(claimedRows, (r) => r.order_id);
    if (claimed.size === 0) return;
    const groups = new Map<string, StockGroup>();
    for (const { order } of received) {
      const key = groupKey(order.siteId, ownerOfOrder(order));
      const group = groups.get(key) ?? { siteId: order.siteId, ownerId: ownerOfOrder(order), skus: new Set<string>(), facts: new Map() };
      groups.set(key, group);
      for (const line of claimed.get(order.orderId) ?? []) if (line.requested > 0) group.skus.add(line.sku);
    }
    const locked = groupBy(stock, (r) => groupKey(r.site_id, r.owner_id));
    // A SKU row not there yet is created now, pair by pair in the same order (a new row: the only wait is on another
    // transaction creating it too); then each pair's expired units are read, after its locks.
    for (const key of [...groups.keys()].sort()) {
      const g = groups.get(key)!;
      const lockedRows = locked.get(key) ?? [];
      const rows = lockedRows.length === g.skus.size ? lockedRows : await store.lockSkuStocks(tx, g.siteId, g.ownerId, [...g.skus]);
      g.facts = await stockFacts(tx, g.siteId, g.ownerId, rows, isoDate(now));
    }
    const decided: { readonly group: StockGroup; readonly meta: EventMeta; readonly d: AllocateDecision }[] = [];
    for (const { order, meta } of received) {
      const lines = claimed.get(order.orderId);
      if (lines === undefined) continue;
      claimed.delete(order.orderId);
      const group = groups.get(groupKey(order.siteId, ownerOfOrder(order)))!;
      const d = unwrap(decideAllocation({ claimed: lines, stock: group.facts }, order, now));
      // What this order took is no longer free for the next one of the run.
      for (const a of d.allocate) {
        const f = group.facts.get(a.sku)!;
        group.facts.set(a.sku, { ...f, allocated: f.allocated + a.allocated });
      }
      decided.push({ group, meta, d });
    }
    const pairs = [...new Set(decided.map((x) => x.group))].map((group) => ({
      siteId: group.siteId, ownerId: group.ownerId, stock: group.facts,
      allocations: decided.filter((x) => x.group === group).flatMap((x) => x.d.allocate),
    }));
    const recorded = decided.map(({ d, meta }) => ({ movements: d.movements, events: d.events, meta }));
    await applyAllocations(tx, pairs, ledgerMovements(deps, recorded));
    await appendEvents(tx, deps, recorded);
    tx.afterCommit(() => {
      counters.allocated.inc(decided.reduce((n, x) => n + x.d.units, 0));
      counters.backordered.inc(decided.reduce((n, x) => n + x.d.backorderedLines, 0));
    });
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of rows) {
    const list = map.get(key(r));
    if (list === undefined) map.set(key(r), [r]);
    else list.push(r);
  }
  return map;
}
