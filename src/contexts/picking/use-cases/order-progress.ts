import type { PublishedEvent } from '../../../contracts/events.ts';
import { PickingEvents } from '../../../contracts/picking.ts';
import type { Tx } from '../../../platform/db/database.ts';
import { pickStore } from '../store.ts';

/**
 * The orders of these lists whose picking is done now, each marked once, in id order (each under its order lock,
 * taken after the caller's line and list locks): no open list of theirs, no short of theirs awaiting recovery.
 */
export async function ordersDoneNow(tx: Tx, orderIds: readonly string[], now: Date): Promise<string[]> {
  const done: string[] = [];
  for (const orderId of [...new Set(orderIds)].sort()) {
    await pickStore.lockOrderProgress(tx, orderId);
    if ((await pickStore.markOrderPickedIfDone(tx, orderId, now)).marked) done.push(orderId);
  }
  return done;
}

/**
 * A list completion says which of its orders are done picking with it (`ordersDone`, ADR 0022): an order with a short
 * awaiting recovery, or another list still open, is not. Other events pass unchanged.
 */
export async function withOrdersDone(tx: Tx, events: readonly PublishedEvent[], now: Date): Promise<PublishedEvent[]> {
  const out: PublishedEvent[] = [];
  for (const e of events) {
    if (e.type !== PickingEvents.listCompleted) {
      out.push(e);
      continue;
    }
    const data = e.data;
    out.push({ ...e, data: { ...data, ordersDone: await ordersDoneNow(tx, data.orderIds, now) } });
  }
  return out;
}
