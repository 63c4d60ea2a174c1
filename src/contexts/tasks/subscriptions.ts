import { on } from '../../contracts/events.ts';
import { DEFAULT_OWNER_ID, InventoryEvents } from '../../contracts/inventory.ts';
import { ORDER_PRIORITY, OrderEvents } from '../../contracts/orders.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { heldStockKey } from '../../contracts/tasks.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { TaskService } from './service.ts';

/** A return to stock (units of a cancelled order walked back from its tote): the middle of the 1 (most urgent) – 9 scale. */
export const RETURN_TASK_PRIORITY = 5;
/** A putaway (received units at the dock): the same middle priority; the dock fills up when it waits too long. */
export const PUTAWAY_TASK_PRIORITY = 5;
/** A cycle count: as urgent as a return (the location is locked for picks and moves until counted). */
export const COUNT_TASK_PRIORITY = 5;
/** A replenishment a short pick or a released wave waits for goes before one that only tops a face up. */
export const REPLENISH_TASK_PRIORITY = { urgent: 3, topUp: 5 } as const;

/**
 * Pick lists become PICK tasks; a completed list finishes its task, a cancelled one withdraws it. A return to stock
 * (units of a cancelled order in its tote) becomes a MOVE task, finished when the return is confirmed in full by scan.
 */
export function taskSubscriptions(tasks: TaskService): Subscription[] {
  return [
    on(PickingEvents.listCreated, async (d, event, tx) => {
      // The task starts at the list's first stop and ends at its last, when the event says (older events do not).
      await tasks.queue(tx, {
        siteId: d.siteId, type: 'PICK', reference: d.pickListId, waveId: d.waveId, priority: d.priority ?? 0,
        locationId: d.firstLocationId ?? null, endLocationId: d.lastLocationId ?? null,
      }, causedBy(event));
    }),
    on(PickingEvents.listCompleted, async (d, event, tx) => {
      await tasks.finishWork(tx, 'PICK', d.pickListId, causedBy(event));
    }),
    on(PickingEvents.listCancelled, async (d, event, tx) => {
      await tasks.withdrawWork(tx, 'PICK', d.pickListId, causedBy(event));
    }),
    // An order ready to pack (picking done, every picked unit heard of by pack & ship, ADR 0049) is a PACK task whose
    // reference is the order: finished when the order is packed (whoever packs it: handheld, pack station, API),
    // withdrawn when its shipping is stopped (the order was cancelled). Offered only to a claim naming PACK.
    // An order with nothing picked (every line shorted: PARTIAL, unitsPicked 0) has nothing to pack (orders cancels it):
    // no PACK task, which a packer could otherwise claim only to be told NOTHING_TO_PACK.
    // An order packed and then given units to pack again (a packed package repacked) is announced with the next round:
    // a new PACK task of the same reference, the finished one left as it is (ADR 0035 addendum 2026-12-05). One task
    // per round: an announcement handed over again queues nothing, and a packed event finishes its own round only.
    // As urgent as its order (the event's priority; older events have none: the default), and an order given another
    // priority once its PACK task is queued takes it along while nobody has started it (an expedited order at the pack
    // bench is packed first), as a PICK task follows its list's. Whichever of the two events arrives first (split mode:
    // the reprioritisation may come before a ready-to-pack announced with the old priority), the task ends at the
    // order's latest priority: tasks remembers it (migration 008) and the task queued later takes it.
    on(PackShipEvents.readyToPack, async (d, event, tx) => {
      if (d.unitsPicked === 0) return;
      // The remembered priority is read by the insert itself (one statement; a read of its own until 2026-12-06).
      await tasks.queue(tx, {
        siteId: d.siteId, type: 'PACK', reference: d.orderId, waveId: null, priority: d.priority ?? ORDER_PRIORITY.default, priorityOfOrder: d.orderId, round: d.round ?? 1,
      }, causedBy(event));
    }),
    on(OrderEvents.reprioritised, async (d, event, tx) => {
      await tasks.orderReprioritised(tx, d.orderId, d.to, new Date(event.time), event.id, causedBy(event));
    }),
    on(PackShipEvents.orderPacked, async (d, event, tx) => {
      await tasks.finishWork(tx, 'PACK', d.orderId, causedBy(event), d.round);
    }),
    on(PackShipEvents.shippingStopped, async (d, event, tx) => {
      await tasks.withdrawWork(tx, 'PACK', d.orderId, causedBy(event));
    }),
    on(PickingEvents.listReprioritised, async (d, event, tx) => {
      await tasks.workReprioritised(tx, 'PICK', d.pickListId, d.to, causedBy(event));
    }),
    on(InventoryEvents.returnRequested, async (d, event, tx) => {
      await tasks.queue(tx, { siteId: d.siteId, type: 'MOVE', reference: d.returnId, waveId: null, priority: RETURN_TASK_PRIORITY,
        about: [d.orderId] }, causedBy(event));
    }),
    on(InventoryEvents.returnConfirmed, async (d, event, tx) => {
      if (d.status === 'COMPLETED') await tasks.finishWork(tx, 'MOVE', d.returnId, causedBy(event));
    }),
    // A return a manager withdrew (its units left the tote another way): its MOVE task is withdrawn, whoever holds it.
    on(InventoryEvents.returnCancelled, async (d, event, tx) => {
      await tasks.withdrawWork(tx, 'MOVE', d.returnId, causedBy(event));
    }),
    // Received units wait at the receiving location under a putaway request: a PUTAWAY task from there to the
    // suggested location, finished when the putaway is confirmed in full by scan (issue 11).
    on(InventoryEvents.putawayRequested, async (d, event, tx) => {
      await tasks.queue(tx, { siteId: d.siteId, type: 'PUTAWAY', reference: d.putawayId, waveId: null, priority: PUTAWAY_TASK_PRIORITY,
        locationId: d.fromLocationId, endLocationId: d.suggestedLocationId, about: [heldStockKey(d.fromLocationId, d.sku, d.lot, d.ownerId ?? DEFAULT_OWNER_ID)] }, causedBy(event));
    }),
    on(InventoryEvents.putawayConfirmed, async (d, event, tx) => {
      if (d.putawayStatus === 'COMPLETED') await tasks.finishWork(tx, 'PUTAWAY', d.putawayId, causedBy(event));
    }),
    on(InventoryEvents.putawayCancelled, async (d, event, tx) => {
      await tasks.withdrawWork(tx, 'PUTAWAY', d.putawayId, causedBy(event));
    }),
    // A cycle count (issue 11): each attempt (count, recount) is its own COUNT task, finished when that attempt is submitted;
    // the recount's is never offered to the first counter.
    on(InventoryEvents.countRequested, async (d, event, tx) => {
      await tasks.queue(tx, { siteId: d.siteId, type: 'COUNT', reference: d.taskReference, waveId: null, priority: COUNT_TASK_PRIORITY,
        locationId: d.locationId, excludedWorkerId: d.excludedWorkerId ?? null }, causedBy(event));
    }),
    on(InventoryEvents.countSubmitted, async (d, event, tx) => {
      await tasks.finishWork(tx, 'COUNT', d.taskReference, causedBy(event));
    }),
    // A count abandoned before the attempt was submitted (rejected while OPEN or in RECOUNT): its task is withdrawn.
    on(InventoryEvents.countClosed, async (d, event, tx) => {
      if (d.withdrawnTaskReference !== undefined) await tasks.withdrawWork(tx, 'COUNT', d.withdrawnTaskReference, causedBy(event));
    }),
    // A replenishment (issue 11) is a REPLENISH task from the reserve location to the face, finished when confirmed by
    // scanning the face, withdrawn when the replenishment is cancelled.
    on(InventoryEvents.replenishmentRequested, async (d, event, tx) => {
      const priority = d.trigger === 'SHORT_PICK' || d.trigger === 'WAVE_DEMAND' ? REPLENISH_TASK_PRIORITY.urgent : REPLENISH_TASK_PRIORITY.topUp;
      await tasks.queue(tx, { siteId: d.siteId, type: 'REPLENISH', reference: d.replenishmentId, waveId: null, priority,
        locationId: d.fromLocationId, endLocationId: d.toLocationId }, causedBy(event));
    }),
    on(InventoryEvents.replenishmentCompleted, async (d, event, tx) => {
      await tasks.finishWork(tx, 'REPLENISH', d.replenishmentId, causedBy(event));
    }),
    on(InventoryEvents.replenishmentCancelled, async (d, event, tx) => {
      await tasks.withdrawWork(tx, 'REPLENISH', d.replenishmentId, causedBy(event));
    }),
    // A short pick no other location could cover asks for a replenishment or a count (ADR 0024). A COUNT is a count
    // inventory opens of the shorted SKU there, whose `inventory.count.requested` queues the task above (addendum
    // 2026-12-05); a REPLENISH naming a replenishment is queued from that replenishment's own event above (same type and
    // reference: this one would be a no-op anyway).
    on(InventoryEvents.shortResolved, async (d, event, tx) => {
      if (d.task === null || d.task.type === 'COUNT') return;
      if (d.task.type === 'REPLENISH' && d.task.reference.startsWith('rpl_')) return;
      await tasks.queue(tx, { siteId: d.siteId, type: d.task.type, reference: d.task.reference, waveId: null, priority: ORDER_PRIORITY.default },
        causedBy(event));
    }),
  ];
}
