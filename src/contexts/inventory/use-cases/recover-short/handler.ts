import { InventoryEvents } from '../../../../contracts/inventory.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { isoDate, stockKey } from '../../domain/ledger.ts';
import type { FreedStock } from '../../domain/stock.ts';
import * as store from '../../store.ts';
import { changeBalanceOrFail, record, saveAllocation } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import type { FreeBalance, LocationFacts } from '../reserve-wave/decide.ts';
import { requestReplenishment } from '../request-replenishment/handler.ts';
import { decideRecovery, type RecoverCommand, type RecoveryDecision, type ShortedUnits } from './decide.ts';

/** Whether a recovery's answer asks for a REPLENISH task. */
const replenishes = (d: RecoveryDecision): boolean =>
  d.events.some((e) => e.type === InventoryEvents.shortResolved && e.data.task?.type === 'REPLENISH');

/** One owner's free balances of the SKU, locked in key order (as a wave's reservation takes them), and their locations' facts. */
export async function lockRecoverySupply(tx: Tx, siteId: string, ownerId: string, sku: string): Promise<{
  balances: FreeBalance[]; locations: Map<string, LocationFacts>;
}> {
  const balances = await store.lockFreeBalances(tx, siteId, ownerId, sku);
  const locations = new Map((await store.locationsByIds(tx, [...new Set(balances.map((b) => b.location_id))])).map((l) => [l.location_id, l]));
  return { balances, locations };
}

/**
 * Decides and writes one recovery, on supply locked before (balances) and the SKU row read now (the caller's
 * transaction changed or locked it: the short released the units, or the retry locked it). A re-reservation allocates
 * the units again (the conditional UPDATE is the last guard), reserves them and raises the line's allocation back.
 */
async function recover(
  tx: Tx, deps: PlatformDeps, units: ShortedUnits, mode: RecoverCommand['mode'],
  supply: { balances: FreeBalance[]; locations: Map<string, LocationFacts> }, meta: EventMeta, arrivedAt?: readonly string[],
): Promise<RecoveryDecision> {
  const today = isoDate(deps.clock.now());
  const sku = await store.lockExistingSkuStock(tx, units.siteId, units.ownerId, units.sku);
  const expired = await store.expiredFreeQuantity(tx, units.siteId, units.ownerId, units.sku, today);
  // Above the safety stock too (ADR 0057): a re-reservation promises the units again, as allocation does.
  const allocatable = sku === undefined ? 0 : sku.on_hand_available - sku.unpickable - sku.allocated - sku.safety_stock - expired;
  const shipComplete = await store.shipsComplete(tx, units.orderId);
  const reserveStock = mode === 'short' ? await store.reserveStorageStock(tx, units.siteId, units.ownerId, units.sku, units.shortedLocationId) : [];
  const command = { ...units, mode, arrivedAt, newReservationId: () => deps.ids.next('rsv') };
  let d = unwrap(decideRecovery({ ...supply, allocatable, shipComplete, reserveStock }, command, deps.clock.now()));
  if (replenishes(d)) {
    // A REPLENISH becomes a real replenishment of the shorted face (issue 11): asked for now (or the face's open one),
    // and the recovery decided again with it, so its task names the replenishment.
    const asked = unwrap(await requestReplenishment(tx, deps, {
      siteId: units.siteId, ownerId: units.ownerId, sku: units.sku, toLocationId: units.shortedLocationId, trigger: 'SHORT_PICK', triggerReference: units.pickLineId,
      quantity: units.quantity,
    }, meta));
    const replenishment = asked.kind === 'new' ? { id: asked.row.id, fromLocationId: asked.row.from_location_id }
      : asked.kind === 'existing' ? { id: asked.id, fromLocationId: asked.fromLocationId } : undefined;
    if (replenishment !== undefined) {
      d = unwrap(decideRecovery({ ...supply, allocatable, shipComplete, reserveStock, replenishment }, command, deps.clock.now()));
    }
  }
  if (d.outcome === 'RE_RESERVED') {
    if (!(await store.tryAllocate(tx, units.siteId, units.ownerId, units.sku, units.quantity, expired))) {
      throw new Error(`re-allocation of ${units.quantity} ${units.sku} refused on a locked stock row`);
    }
    const a = (await store.lockAllocations(tx, units.orderId)).find((r) => r.line_id === units.lineId);
    if (a === undefined || a.status !== 'ALLOCATED') throw new Error(`order line ${units.orderId}/${units.lineId} has no allocation to recover into`);
    await saveAllocation(tx, { orderId: a.order_id, lineId: a.line_id, allocated: a.allocated + units.quantity, shipped: a.shipped, status: 'ALLOCATED' });
    for (const r of d.reserve) await changeBalanceOrFail(tx, r.key, 0, r.quantity, `over-reservation refused at ${r.key.locationId}`);
    await store.insertReservations(tx, d.reservations);
  }
  await record(tx, deps, d.movements, d.events, meta);
  return d;
}

/**
 * Step 1–3 of the recovery, in the short's own transaction (after its writes): the units the short released are
 * re-reserved elsewhere, or a task is asked for and the order's policy decides (ADR 0024). A shipComplete order's
 * units then wait in `short_recoveries` for stock.
 */
export async function recoverShort(
  tx: Tx, deps: PlatformDeps, units: ShortedUnits, supply: { balances: FreeBalance[]; locations: Map<string, LocationFacts> } | undefined,
  meta: EventMeta,
): Promise<void> {
  const d = supply === undefined || units.quantity <= 0
    ? await recover(tx, deps, { ...units, quantity: 0 }, 'short', { balances: [], locations: new Map() }, meta)
    : await recover(tx, deps, units, 'short', supply, meta);
  if (d.outcome === 'AWAITING_STOCK') {
    await store.insertShortRecovery(tx, {
      pick_line_id: units.pickLineId, pick_list_id: units.pickListId, order_id: units.orderId, line_id: units.lineId, site_id: units.siteId,
      owner_id: units.ownerId, sku: units.sku, wave_id: units.waveId, shorted_location_id: units.shortedLocationId, quantity: units.quantity,
      origin: units.origin ?? null,
    }, deps.clock.now());
  }
}

/**
 * On inventory's events that free stock, before the backorder retry (an order with units already in its tote goes
 * first): recoveries waiting for these SKUs are re-reserved, oldest first, each all-or-nothing. Locks: the
 * recoveries, then per SKU its free balances in key order, then the SKU row, as the short and a wave take them.
 */
export function retryShortRecoveriesHandler(deps: PlatformDeps, counters: InventoryCounters) {
  return async (tx: Tx, freed: FreedStock | undefined, meta: EventMeta): Promise<void> => {
    if (freed === undefined) return;
    const orderIds = await store.ordersWaitingForStock(tx, freed.siteId, freed.skus);
    if (orderIds.length === 0) return;
    const waiting = await store.lockWaitingRecoveries(tx, orderIds, freed.skus);
    // The orders' allocation rows before any balance, in id order, as a cancel and a wave's reservation take them.
    await store.lockAllocationsOfOrders(tx, [...new Set(waiting.map((w) => w.order_id))]);
    const now = deps.clock.now();
    let units = 0;
    // Per owner and SKU, in that order (the balances' key order): a recovery only takes its order owner's units.
    const groups = new Map(waiting.map((w) => [stockKey(w.owner_id, w.sku), { ownerId: w.owner_id, sku: w.sku }]));
    for (const [key, { ownerId, sku }] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const supply = await lockRecoverySupply(tx, freed.siteId, ownerId, sku);
      for (const w of waiting.filter((r) => stockKey(r.owner_id, r.sku) === key)) {
        const allocation = (await store.lockAllocations(tx, w.order_id)).find((a) => a.line_id === w.line_id);
        if (allocation?.status !== 'ALLOCATED') {
          await store.setRecoveryStatus(tx, w.pick_line_id, 'CANCELLED', now);
          continue;
        }
        const d = await recover(tx, deps, {
          orderId: w.order_id, lineId: w.line_id, siteId: w.site_id, ownerId: w.owner_id, sku: w.sku, waveId: w.wave_id, pickListId: w.pick_list_id,
          pickLineId: w.pick_line_id, shortedLocationId: w.shorted_location_id, quantity: w.quantity, ...(w.origin === null ? {} : { origin: w.origin }),
        }, 'retry', supply, meta, freed.arrivedAt);
        if (d.outcome !== 'RE_RESERVED') continue;
        await store.setRecoveryStatus(tx, w.pick_line_id, 'RESERVED', now);
        units += w.quantity;
        // The balances just reserved from are no longer as free as read: read them again for the next recovery.
        Object.assign(supply, await lockRecoverySupply(tx, freed.siteId, ownerId, sku));
      }
    }
    if (units > 0) tx.afterCommit(() => counters.reserved.inc(units));
  };
}
