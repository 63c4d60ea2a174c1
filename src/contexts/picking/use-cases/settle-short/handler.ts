import type { ShortResolved, StockReserved } from '../../../../contracts/inventory.ts';
import { PickingEvents, type OrderPicked } from '../../../../contracts/picking.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import type { PickList } from '../../domain/pick-list.ts';
import { pickStore } from '../../store.ts';

/**
 * On `inventory.short.resolved` (ADR 0024), under the order's progress lock. RE_RESERVED: the units become a new pick
 * list through the path a wave's reservations take (its PICK task follows `picking.list.created`; an order picking
 * knows is cancelled gets none). AWAITING_STOCK: the short keeps waiting, so the order is not done. Otherwise, and
 * after a re-reservation, the short is settled; when that leaves the order with nothing open and nothing awaited, its
 * picking is done (`picking.order.picked`): no list completes at this moment to say so.
 */
export function settleShortHandler(
  deps: Pick<PlatformDeps, 'bus' | 'clock'>, createFromReservations: (tx: Tx, reserved: StockReserved, meta: EventMeta) => Promise<PickList[]>,
) {
  return async (tx: Tx, r: ShortResolved, meta: EventMeta): Promise<void> => {
    const now = deps.clock.now();
    // The order's list lock before its progress lock, as a cancel takes them (building the new list takes it again).
    if (r.outcome === 'RE_RESERVED') await pickStore.lockOrdersForLists(tx, [r.orderId], 'shared');
    await pickStore.lockOrderProgress(tx, r.orderId);
    if (r.origin === 'PACK' && r.outcome !== 'SHIPS_SHORT') {
      // A shipComplete order's units lost at the pack bench are picked again (ADR 0024 addendum 2026-12-07): its
      // picking, done already, is not any more — until the re-pick's list completes (or is settled) it is announced
      // done again, with every unit picked for it. Waiting for stock, the short at packing is what it waits for.
      await pickStore.reopenOrderPicking(tx, r.orderId, r.outcome === 'AWAITING_STOCK' ? r.pickLineId : undefined, now);
    }
    if (r.outcome === 'AWAITING_STOCK') return;
    if (r.outcome === 'RE_RESERVED') {
      await createFromReservations(tx, { waveId: r.waveId, siteId: r.siteId, reservations: r.reservations, shortages: [], backordered: [] }, meta);
    }
    await pickStore.recoverySettled(tx, r.pickLineId);
    const { marked, short } = await pickStore.markOrderPickedIfDone(tx, r.orderId, now);
    if (!marked) return;
    const [picked] = await pickStore.unitsPicked(tx, [r.orderId]);
    const data: OrderPicked = { orderId: r.orderId, siteId: r.siteId, waveId: r.waveId, status: short ? 'PARTIAL' : 'COMPLETED', unitsPicked: picked?.units ?? 0 };
    await deps.bus.append(tx, 'picking', [{ type: PickingEvents.orderPicked, subject: r.orderId, siteId: r.siteId, data }], meta);
  };
}
