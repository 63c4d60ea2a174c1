import type { WaveReleased } from '../../../../contracts/waves.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { DEFAULT_OWNER_ID } from '../../../../contracts/inventory.ts';
import { stockKey, type BalanceKey } from '../../domain/ledger.ts';
import * as store from '../../store.ts';
import { record, saveAllocation } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { decideReservation } from './decide.ts';

/**
 * On `waves.wave.released`. Locks the wave's allocation rows (a concurrent cancel waits for these reservations, then
 * undoes them), then every SKU's free balances in key order, SKU by SKU. Location facts come from inventory's own
 * projection, read without a lock as location-master's answer was: no other context is called while balances are held.
 */
export function reserveWaveHandler(deps: PlatformDeps, counters: InventoryCounters) {
  return async (tx: Tx, wave: WaveReleased, meta: EventMeta): Promise<void> => {
    // A redelivered release finds its reservations made.
    if (await store.hasReservationsForWave(tx, wave.waveId)) return;
    const allocations = await store.lockAllocationsOfOrders(tx, wave.orders.map((o) => o.orderId));
    // Every owner's SKU of the wave, even one whose lines a cancel overtook: a few more locks, in (owner, SKU) order,
    // the balances' key order. Only the stock of the orders' owners is locked and read (ADR 0028).
    const ownerOf = new Map(allocations.map((a) => [`${a.order_id}\u0000${a.line_id}`, a.owner_id]));
    const pairs = new Map<string, { ownerId: string; sku: string }>();
    for (const o of wave.orders) {
      for (const l of o.lines) {
        const ownerId = ownerOf.get(`${o.orderId}\u0000${l.lineId}`) ?? DEFAULT_OWNER_ID;
        pairs.set(stockKey(ownerId, l.sku), { ownerId, sku: l.sku });
      }
    }
    const balances = new Map<string, store.BalanceRow[]>();
    for (const [key, p] of [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      balances.set(key, await store.lockFreeBalances(tx, wave.siteId, p.ownerId, p.sku));
    }
    const locationIds = [...new Set([...balances.values()].flat().map((b) => b.location_id))];
    const locations = new Map((await store.locationsByIds(tx, locationIds)).map((l) => [l.location_id, l]));
    const command = { ...wave, newReservationId: () => deps.ids.next('rsv') };
    const d = unwrap(decideReservation({ allocations, balances, locations }, command, deps.clock.now()));

    // One guarded statement for every balance the wave reserves from (summed per balance: several lines may share one).
    const reserve = new Map<string, { key: BalanceKey; deltaOnHand: number; deltaReserved: number }>();
    for (const r of d.reserve) {
      const k = store.balanceKeyOf(r.key);
      reserve.set(k, { key: r.key, deltaOnHand: 0, deltaReserved: (reserve.get(k)?.deltaReserved ?? 0) + r.quantity });
    }
    if ((await store.changeBalances(tx, [...reserve.values()])) !== reserve.size) throw new Error(`over-reservation refused for wave ${wave.waveId}`);
    for (const r of d.releases) await store.releaseAllocated(tx, r.siteId, r.ownerId, r.sku, r.quantity);
    for (const c of d.allocationChanges) await saveAllocation(tx, c);
    await store.insertReservations(tx, d.reservations);
    await record(tx, deps, d.movements, d.events, meta);
    tx.afterCommit(() => counters.reserved.inc(d.units));
  };
}
