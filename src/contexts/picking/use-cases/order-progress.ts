import type { PublishedEvent } from '../../../contracts/events.ts';
import { PickingEvents } from '../../../contracts/picking.ts';
import type { Tx } from '../../../platform/db/database.ts';
import { pickStore } from '../store.ts';

/**
 * Settles what a floor action or a cancellation did to its orders' progress, in one statement (ADR 0024): a shorted
 * line (`awaiting`) waits for inventory to say what became of its units, and a list completion says which of its
 * orders are done picking with it (`ordersDone`): an order with a short awaiting recovery, another list still open, or
 * a cancellation, is not — and how many units were picked for each (`unitsPicked`, read by the same statement). Other
 * events pass unchanged.
 */
export async function settleProgress(
  tx: Tx, events: readonly PublishedEvent[], now: Date, awaiting?: { pickLineId: string; orderId: string },
): Promise<PublishedEvent[]> {
  const orderIds = events.flatMap((e) => (e.type === PickingEvents.listCompleted ? e.data.orderIds : []));
  if (awaiting === undefined && orderIds.length === 0) return [...events];
  const done = await pickStore.settleFloorAction(tx, { awaiting, orderIds, now });
  return events.map((e) => {
    if (e.type !== PickingEvents.listCompleted) return e;
    const units = done.filter((o) => e.data.orderIds.includes(o.orderId));
    return { ...e, data: { ...e.data, ordersDone: units.map((u) => u.orderId), unitsPicked: units } };
  });
}
