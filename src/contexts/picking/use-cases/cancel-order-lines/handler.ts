import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { pickStore } from '../../store.ts';
import { settleProgress } from '../order-progress.ts';
import { decideCancelOrderLines } from './decide.ts';

/**
 * On `orders.order.cancelled`, inside its inbox transaction. The order's list lock (lists being built for it commit
 * first), then the tombstone (reservations of the order that reach
 * picking later never become lines), then the order's open lines locked, then their lists (the lock order of the floor
 * actions: line, then list, so a racing confirm and this never wait on each other in a cycle), then the lists' lines
 * read — after the lists' locks, so every closer that got there first has committed.
 */
export function cancelOrderLinesHandler(deps: Pick<PlatformDeps, 'bus' | 'clock'>) {
  return async (tx: Tx, orderId: string, meta: EventMeta): Promise<void> => {
    const now = deps.clock.now();
    // Lists being built for the order are committed before this goes on (and their lines are found below).
    await pickStore.lockOrdersForLists(tx, [orderId], 'exclusive');
    await pickStore.markOrderCancelled(tx, orderId, now);
    await pickStore.dropRecoveriesOfOrder(tx, orderId);
    const lines = await pickStore.lockPendingLines(tx, orderId);
    if (lines.length === 0) return;
    const listIds = [...new Set(lines.map((l) => l.pickListId))];
    const lists = await pickStore.lockLists(tx, listIds);
    const statuses = await pickStore.lineStatuses(tx, listIds);
    const decision = unwrap(decideCancelOrderLines({ lines, lists, statuses }, { orderId }, now));
    await pickStore.saveChanges(tx, decision);
    await deps.bus.append(tx, 'picking', await settleProgress(tx, decision.events, now), meta);
  };
}
