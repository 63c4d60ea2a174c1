import type { PublishedEvent } from '../../../../contracts/events.ts';
import { PickingEvents, type PickLineStatus, type PickListCancelled, type PickListCompleted } from '../../../../contracts/picking.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { isOpenList, listOutcomeOf, pickLineLifecycle, pickListLifecycle } from '../../domain/pick-lifecycle.ts';
import type { Change, CountedPickList, PickLine } from '../../domain/pick-list.ts';

export interface CancelState {
  /** The order's PENDING lines, locked (in id order). */
  readonly lines: readonly PickLine[];
  /** Their lists, locked after the lines (in id order). */
  readonly lists: readonly CountedPickList[];
  /** Every line of those lists with its status, read once the lists were locked, by list id. */
  readonly statuses: ReadonlyMap<string, readonly { readonly id: string; readonly status: PickLineStatus }[]>;
}

export interface CancelOrderLines {
  readonly orderId: string;
}

export interface OrderLinesCancelled {
  readonly lines: readonly Change<PickLine>[];
  readonly lists: readonly Change<CountedPickList>[];
  readonly events: readonly PublishedEvent[];
}

/**
 * The order was cancelled: nothing more is picked for it. Its open lines are CANCELLED (a confirm is refused with
 * ORDER_CANCELLED from then on); a list left with no open line closes — CANCELLED when all its lines were cancelled
 * (its task is withdrawn), else COMPLETED or PARTIAL — and one that still has open lines keeps its status. What was
 * already picked goes back to stock (inventory's business).
 */
export const decideCancelOrderLines: Decide<CancelState, CancelOrderLines, OrderLinesCancelled, never> = (state, _command, now) => {
  const stamp = now.toISOString();
  const lines = state.lines.map((line): Change<PickLine> => {
    pickLineLifecycle.assertCan(line.status, 'CANCELLED');
    return { before: line, after: { ...line, status: 'CANCELLED', updatedAt: stamp } };
  });
  const cancelledOn = new Set(lines.map((l) => l.after.id));
  const lists: Change<CountedPickList>[] = [];
  const events: PublishedEvent[] = [];
  for (const list of state.lists) {
    if (!isOpenList(list)) continue;
    const mine = lines.filter((l) => l.after.pickListId === list.id).length;
    const openLines = list.openLines - mine;
    const all = state.statuses.get(list.id) ?? [];
    const cancelledOnly = all.length > 0 && all.every((l) => l.status === 'CANCELLED' || cancelledOn.has(l.id));
    const status = openLines > 0 ? list.status : listOutcomeOf({ open: openLines, short: list.shortLines, cancelledOnly });
    if (status !== list.status && !pickListLifecycle.can('IN_PROGRESS', status)) pickListLifecycle.assertCan('CREATED', status);
    const completedAt = openLines === 0 ? stamp : list.completedAt;
    const after: CountedPickList = { ...list, openLines, status, updatedAt: stamp, completedAt };
    lists.push({ before: list, after });
    if (after.status === 'CANCELLED') {
      const data: PickListCancelled = { pickListId: after.id, waveId: after.waveId, siteId: after.siteId, orderIds: after.orderIds };
      events.push({ type: PickingEvents.listCancelled, subject: after.id, siteId: after.siteId, data });
    } else if (after.status === 'COMPLETED' || after.status === 'PARTIAL') {
      const data: PickListCompleted = {
        pickListId: after.id, waveId: after.waveId, siteId: after.siteId, orderIds: after.orderIds, status: after.status,
      };
      events.push({ type: PickingEvents.listCompleted, subject: after.id, siteId: after.siteId, data });
    }
  }
  return ok({ lines, lists, events });
};
