import type { OrderCancelled } from '../../../../contracts/orders.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { inProcessLocation } from '../../domain/stock.ts';
import * as store from '../../store.ts';
import { changeBalanceOrFail, record, saveAllocation } from '../ledger-writes.ts';
import { decideCancel } from './decide.ts';

/**
 * On `orders.order.cancelled`. Loads under lock: allocations, open reservations, the tote's balances (SKU order), and
 * the order's open returns; then writes what the decision says. The tote's units stay where they are: each return
 * waits for its confirm by scan (use-cases/confirm-return).
 */
export function deallocateOrderHandler(deps: PlatformDeps) {
  return async (tx: Tx, cancel: OrderCancelled & { readonly movementReason?: string }, meta: EventMeta): Promise<void> => {
    const allocations = await store.lockAllocations(tx, cancel.orderId);
    const openReservations = await store.lockOpenReservationsOfOrder(tx, cancel.orderId);
    const picked = (await store.listReservations(tx,
      { orderId: cancel.orderId })).filter((r) => r.picked > 0 && r.site_id === cancel.siteId);
    const tote = [];
    for (const sku of [...new Set(picked.map((r) => r.sku))].sort()) {
      for (const b of await store.lockInProcess(tx, cancel.siteId, sku, inProcessLocation(cancel.orderId))) {
        tote.push({ sku, lot: b.lot, free: b.on_hand - b.reserved });
      }
    }
    const openReturns = await store.openReturnUnits(tx, cancel.orderId);
    const command = { ...cancel, newReturnId: () => deps.ids.next('rtn') };
    const d = unwrap(decideCancel({ allocations, openReservations, picked, tote, openReturns }, command, deps.clock.now()));

    for (const r of d.releases) await store.releaseAllocated(tx, r.siteId, r.ownerId, r.sku, r.quantity);
    for (const c of d.allocationChanges) await saveAllocation(tx, c);
    await store.insertAllocations(tx, d.tombstones);
    for (const u of d.unreserves) await changeBalanceOrFail(tx, u.key, 0, -u.quantity,
      `reservation ${u.reservationId} holds more than its balance`);
    for (const c of d.reservationChanges) await store.updateReservation(tx, c.id, c.picked, c.shorted, c.status);
    await store.insertReturns(tx, d.returns);
    for (const u of d.unpickable) await store.changeUnpickable(tx, cancel.siteId, d.ownerId, u.sku, u.delta);
    await record(tx, deps, d.movements, d.events, meta);
    // Units a short left waiting for stock are no longer wanted (ADR 0024).
    await store.cancelRecoveriesOfOrder(tx, cancel.orderId, deps.clock.now());
  };
}
