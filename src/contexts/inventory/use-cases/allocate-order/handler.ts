import type { OrderReceived } from '../../../../contracts/orders.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import type { SkuStockFacts } from '../../domain/allocation.ts';
import { isoDate, ownerOfOrder, withoutDefaultOwner } from '../../domain/ledger.ts';
import { applyAllocations } from '../allocation-reads.ts';
import * as store from '../../store.ts';
import { ledgerMovements } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { decideAllocation, decideClaim, type AllocateDecision, type AllocationFacts, type NewAllocation } from './decide.ts';

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
 * lock the orders' allocation rows, claim the lines (the insert is what makes a line allocated at most once), lock
 * their SKU rows and read their expired units in one statement; decide order by order in the run's order against what
 * the earlier ones left; then write once for the whole run: the SKU rows' guarded UPDATE, the allocation rows, the
 * ledger and the events in one statement, whatever the number of orders. BEGIN, the bus's inbox, these two and COMMIT.
 */
export function allocateOrdersHandler(deps: PlatformDeps, counters: InventoryCounters) {
  return async (tx: Tx, received: readonly ReceivedOrder[]): Promise<void> => {
    if (received.length === 0) return;
    const now = deps.clock.now();
    const today = isoDate(now);
    /** The claims of the run's orders, in turn, on the allocation rows they had (`existing`). */
    const claimsOn = (existing: ReadonlyMap<string, readonly AllocationFacts[]>): NewAllocation[] => {
      const known = new Map(existing);
      return received.flatMap(({ order }) => {
        const rows = known.get(order.orderId) ?? [];
        const claim = unwrap(decideClaim({ existing: rows }, order, now));
        // The same order twice in a run: the second delivery sees the first one's claims and claims nothing.
        known.set(order.orderId, [...rows, ...claim.map((c) => ({ ...c, shipped: 0 }))]);
        return claim;
      });
    };
    // With the orders' short-pick policies, for a short pick that finds no stock elsewhere (ADR 0024). The statement
    // locks the orders' allocation rows, then the claimed lines' SKU rows (pairs in one global order, SKUs in SKU order
    // within each, so two runs never wait on each other in a cycle); it queues behind stock changes in flight, so a line
    // backordered here is seen by the retry that change triggers. The claims are decided first on no allocation rows (a
    // first delivery, the common case) and written only if that holds; else decided again on the rows the orders have.
    const policies = received.map(({ order }) => ({ orderId: order.orderId, shipComplete: order.shipComplete ?? false }));
    const orderIds = received.map(({ order }) => order.orderId);
    let claim = await store.claimLinesAndLockStock(tx, claimsOn(new Map()), policies, { orderIds, fresh: true, today });
    if (claim.existing.length > 0) {
      claim = await store.claimLinesAndLockStock(tx, claimsOn(groupBy(claim.existing, (r) => r.order_id)), policies, { orderIds, fresh: false, today });
    }
    const claimed = groupBy(claim.claimed, (r) => r.order_id);
    if (claimed.size === 0) return;
    const groups = new Map<string, StockGroup>();
    for (const { order } of received) {
      const key = groupKey(order.siteId, ownerOfOrder(order));
      const group = groups.get(key) ?? { siteId: order.siteId, ownerId: ownerOfOrder(order), skus: new Set<string>(), facts: new Map() };
      groups.set(key, group);
      for (const line of claimed.get(order.orderId) ?? []) if (line.requested > 0) group.skus.add(line.sku);
    }
    const locked = groupBy(claim.stock, (r) => groupKey(r.site_id, r.owner_id));
    const expiredKey = (siteId: string, ownerId: string, sku: string): string => `${groupKey(siteId, ownerId)}\u0000${sku}`;
    const expired = new Map(claim.expired.map((x) => [expiredKey(x.site_id, x.owner_id, x.sku), x.n]));
    // A SKU row not there yet is created now, pair by pair in the same order (a new row: the only wait is on another
    // transaction creating it too).
    const rowsOf = new Map<StockGroup, readonly store.SkuStockRow[]>();
    for (const key of [...groups.keys()].sort()) {
      const g = groups.get(key)!;
      const lockedRows = locked.get(key) ?? [];
      rowsOf.set(g, lockedRows.length === g.skus.size ? lockedRows : await store.lockSkuStocks(tx, g.siteId, g.ownerId, [...g.skus]));
    }
    /** The run's decisions, order by order, on the locked rows and these expired units. */
    const decideRun = () => {
      for (const [g, rows] of rowsOf) {
        g.facts = new Map(rows.map((r) => [r.sku, {
          onHandAvailable: r.on_hand_available, unpickable: r.unpickable, allocated: r.allocated, expiredFree: expired.get(expiredKey(g.siteId, g.ownerId, r.sku)) ?? 0,
          safetyStock: r.safety_stock,
        }]));
      }
      const decided: { readonly group: StockGroup; readonly meta: EventMeta; readonly d: AllocateDecision }[] = [];
      const seen = new Set<string>();
      for (const { order, meta } of received) {
        const lines = claimed.get(order.orderId);
        // Each order once: a second copy in the run claimed nothing.
        if (lines === undefined || seen.has(order.orderId)) continue;
        seen.add(order.orderId);
        const group = groups.get(groupKey(order.siteId, ownerOfOrder(order)))!;
        const d = unwrap(decideAllocation({ claimed: lines, stock: group.facts }, order, now));
        // What this order took is no longer free for the next one of the run.
        for (const a of d.allocate) {
          const f = group.facts.get(a.sku)!;
          group.facts.set(a.sku, { ...f, allocated: f.allocated + a.allocated });
        }
        decided.push({ group, meta, d });
      }
      return decided;
    };
    /** The run's writes and events in one statement; with `check`, only if the expired units are still those decided on. */
    const write = async (decided: ReturnType<typeof decideRun>, check: boolean) => {
      const pairs = [...new Set(decided.map((x) => x.group))].map((group) => ({
        siteId: group.siteId, ownerId: group.ownerId, stock: group.facts,
        allocations: decided.filter((x) => x.group === group).flatMap((x) => x.d.allocate),
      }));
      const events = JSON.stringify(decided.flatMap(({ d, meta }) => deps.bus.envelopes('inventory', withoutDefaultOwner(d.events), meta)));
      const movements = ledgerMovements(deps, decided.map(({ d, meta }) => ({ movements: d.movements, meta })));
      return applyAllocations(deps.bus.writer(tx), pairs, movements, { events, check, today });
    };
    let decided = decideRun();
    // The expired units were read in the claim's snapshot, before its locks; the write reads them again after the locks
    // and writes nothing if one changed meanwhile: the run is then decided again on what it read, and written.
    const { stale } = await write(decided, true);
    if (stale.length > 0) {
      for (const x of stale) expired.set(expiredKey(x.site_id, x.owner_id, x.sku), x.n);
      decided = decideRun();
      await write(decided, false);
    }
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
