import { on } from '../../contracts/events.ts';
import { OrderEvents, type OrderStatus } from '../../contracts/orders.ts';
import { TaskEvents } from '../../contracts/tasks.ts';
import { causedBy, type EventEnvelope } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { SagaRuntime } from '../../platform/saga/saga-runtime.ts';
import { ORDER_KINDS, type ExceptionService } from './exceptions.ts';
import { FULFILMENT, shipByOf, type FulfilmentData, type OrderMoved } from './fulfilment-saga.ts';
import { orchestrationStore as store } from './store.ts';

/** The reason orders gives an order sent back from its wave because its release could not reserve it. */
export const RESERVATION_SHORTAGE = 'RESERVATION_SHORTAGE';

/**
 * Orders events start and signal the fulfilment sagas (in the handler's transaction: a redelivered event signals
 * once); a reservation shortage raises its exception at once; tasks events keep the list of tasks waiting in the queue.
 */
export function orchestrationSubscriptions(sagas: SagaRuntime, exceptions: ExceptionService): Subscription[] {
  const moved = (tx: Tx, orderId: string, status: OrderStatus, event: EventEnvelope, reason?: string | null) =>
    sagas.signal(tx, FULFILMENT, orderId, status.toLowerCase(), { status, at: event.time, reason: reason ?? null } satisfies OrderMoved);
  const statusChange = (type: (typeof OrderEvents)['waved' | 'released' | 'pickingStarted' | 'picked' | 'packed' | 'unwaved']) =>
    on(type, (d, event, tx) => moved(tx, d.orderId, d.to, event));

  return [
    on(OrderEvents.received, async (o, event, tx) => {
      const intake = new Date(event.time);
      const shipBy = shipByOf(intake, await store.cutoffOf(tx, o.siteId, o.carrier));
      const data: FulfilmentData = {
        orderId: o.orderId, siteId: o.siteId, carrier: o.carrier, skus: [...new Set(o.lines.map((l) => l.sku))].sort(), status: 'RECEIVED',
        lastMoveAt: event.time, shipBy: shipBy?.toISOString() ?? null, outcome: null,
      };
      await sagas.start(tx, FULFILMENT, o.orderId, data, { siteId: o.siteId });
    }),
    // Lines changed before a wave (ADR 0046): the order is RECEIVED again, to be allocated anew.
    on(OrderEvents.linesChanged, async (d, event, tx) => {
      await moved(tx, d.orderId, 'RECEIVED', event);
    }),
    on(OrderEvents.allocated, async (d, event, tx) => {
      await moved(tx, d.orderId, 'ALLOCATED', event);
      await exceptions.clear(tx, ['RESERVATION_SHORTAGE'], d.orderId, 'the order was allocated again', causedBy(event));
    }),
    on(OrderEvents.backordered, async (d, event, tx) => {
      await moved(tx, d.orderId, d.to, event, d.reason);
      if (d.reason !== RESERVATION_SHORTAGE) return;
      await exceptions.raise(tx, {
        kind: 'RESERVATION_SHORTAGE', caseKey: `${d.orderId}:${event.id}`, subject: d.orderId, siteId: d.siteId,
        reason: `Order ${d.orderId} was sent back from its wave (${d.from} → ${d.to}): its release could not reserve every line`,
        details: { orderId: d.orderId, from: d.from, eventId: event.id },
      }, causedBy(event));
    }),
    statusChange(OrderEvents.waved),
    statusChange(OrderEvents.released),
    statusChange(OrderEvents.pickingStarted),
    statusChange(OrderEvents.picked),
    statusChange(OrderEvents.packed),
    statusChange(OrderEvents.unwaved),
    on(OrderEvents.shipped, async (d, event, tx) => {
      await moved(tx, d.orderId, 'SHIPPED', event);
      await exceptions.clear(tx, ORDER_KINDS, d.orderId, 'order shipped', causedBy(event));
    }),
    on(OrderEvents.cancelled, async (d, event, tx) => {
      await moved(tx, d.orderId, 'CANCELLED', event, d.reason);
      await exceptions.clear(tx, ORDER_KINDS, d.orderId, 'order cancelled', causedBy(event));
    }),

    on(TaskEvents.created, (t, event, tx) => store.taskQueued(tx, { taskId: t.taskId, siteId: t.siteId, type: t.type, reference: t.reference, queuedAt: new Date(event.time) })),
    on(TaskEvents.rejected, (t, event, tx) => store.taskQueued(tx, { taskId: t.taskId, siteId: t.siteId, type: t.type, reference: t.reference, queuedAt: new Date(event.time) })),
    on(TaskEvents.timedOut, (t, event, tx) => store.taskQueued(tx, { taskId: t.taskId, siteId: t.siteId, type: t.type, reference: t.reference, queuedAt: new Date(event.time) })),
    ...([TaskEvents.assigned, TaskEvents.started, TaskEvents.completed, TaskEvents.cancelled] as const).map((type) =>
      on(type, async (t, event, tx) => {
        await store.taskLeftQueue(tx, t.taskId);
        await exceptions.clear(tx, ['TASK_NOT_STARTED'], t.taskId, `the task was ${t.status.toLowerCase()}`, causedBy(event));
      })),
  ];
}
