import type { LineShorted } from '../../../../contracts/picking.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { lockPickable } from '../../pickability.ts';
import * as store from '../../store.ts';
import { changeBalanceOrFail, changeSkuOnHandOrFail, record, saveAllocation } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { lockRecoverySupply, recoverShort } from '../recover-short/handler.ts';
import { decideShort } from './decide.ts';

/**
 * On `picking.line.shorted`. Locks the reservation, its location's projection row (FOR SHARE, before any SKU row:
 * a pickability flip takes the location row first, then SKU rows), the order's allocation rows and the SKU's free
 * balances; then releases the short units and, in the same transaction, recovers them (recover-short, ADR 0024).
 */
export function shortLineHandler(deps: PlatformDeps, counters: InventoryCounters) {
  return async (tx: Tx, short: LineShorted, meta: EventMeta): Promise<void> => {
    const reservation = await store.lockReservation(tx, short.reservationId);
    let pickable = true;
    let allocation;
    let supply;
    if (reservation?.status === 'OPEN') {
      pickable = await lockPickable(tx, reservation.location_id);
      allocation = (await store.lockAllocations(tx, reservation.order_id)).find((a) => a.line_id === reservation.line_id);
      // The recovery's supply, locked before the short's own writes: balances before the SKU row, as a wave locks them.
      if (allocation?.status === 'ALLOCATED') supply = await lockRecoverySupply(tx, reservation.site_id, reservation.owner_id, reservation.sku);
    }
    const d = unwrap(decideShort({ reservation, allocation, pickable }, { ...short, movementId: deps.ids.next('mov') }, deps.clock.now()));
    if (d.unreserve !== undefined) {
      const { key, quantity } = d.unreserve;
      await changeBalanceOrFail(tx, key, 0, -quantity, `reservation ${short.reservationId} holds more than its balance`);
    }
    if (d.reservationChange !== undefined) {
      const c = d.reservationChange;
      await store.updateReservation(tx, c.id, c.picked, c.shorted, c.status);
    }
    if (d.release !== undefined) {
      await store.releaseAllocated(tx, d.release.siteId, d.release.ownerId, d.release.sku, d.release.quantity);
      await saveAllocation(tx, d.release.change);
    }
    if (d.remove !== undefined) {
      const { key, quantity: s } = d.remove;
      await changeBalanceOrFail(tx, key, -s, 0, `balance at ${key.locationId} cannot lose ${s} units`);
      await changeSkuOnHandOrFail(tx, key.siteId, key.ownerId, key.sku, -s, d.remove.unpickable, `SKU ${key.sku} would go below allocated`);
    }
    await record(tx, deps, d.movements, d.events, meta);
    if (d.units > 0) tx.afterCommit(() => counters.shorted.inc(d.units));
    // Every short of a reservation picking listed is settled by a recovery outcome: picking waits for it (ADR 0024).
    if (reservation !== undefined) {
      await recoverShort(tx, deps, {
        orderId: short.orderId, lineId: short.lineId, siteId: short.siteId, ownerId: reservation.owner_id, sku: short.sku,
        waveId: reservation.wave_id,
        pickListId: short.pickListId, pickLineId: short.pickLineId, shortedLocationId: short.locationId, quantity: d.release?.quantity ?? 0,
      }, supply, meta);
    }
  };
}
