import { onMany, type EnvelopeFor } from '../../contracts/events.ts';
import { OrderEvents, type OrderStatus } from '../../contracts/orders.ts';
import { TaskEvents } from '../../contracts/tasks.ts';
import { causedBy, type EventEnvelope } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Tx } from '../../platform/db/database.ts';
import { assertNever } from '../../platform/errors.ts';
import type { SagaRuntime } from '../../platform/saga/saga-runtime.ts';
import { ORDER_KINDS, type ExceptionService } from './exceptions.ts';
import { FULFILMENT, shipByOf, type FulfilmentData, type OrderMoved } from './fulfilment-saga.ts';
import { orchestrationStore as store } from './store.ts';

/** The reason orders gives an order sent back from its wave because its release could not reserve it. */
export const RESERVATION_SHORTAGE = 'RESERVATION_SHORTAGE';

/** Every event type orchestration hears: the orders events its sagas follow and the tasks events of the queue. */
const ORCHESTRATION_EVENT_TYPES = [
  OrderEvents.received, OrderEvents.linesChanged, OrderEvents.allocated, OrderEvents.backordered, OrderEvents.waved,
  OrderEvents.released, OrderEvents.pickingStarted, OrderEvents.picked, OrderEvents.packed, OrderEvents.unwaved,
  OrderEvents.shipped, OrderEvents.cancelled,
  TaskEvents.created, TaskEvents.rejected, TaskEvents.timedOut, TaskEvents.assigned, TaskEvents.started, TaskEvents.completed,
  TaskEvents.cancelled,
] as const;

/** The signal an orders event becomes for its order's fulfilment saga. */
interface Signal { readonly key: string; readonly name: string; readonly data: OrderMoved }

/**
 * Orders events start and signal the fulfilment sagas (in the handler's transaction: a redelivered event signals
 * once); a reservation shortage raises its exception at once; tasks events keep the list of tasks waiting in the queue.
 *
 * One set-based subscription for all of them (ADR 0043): the bus hands over a run of these events in one call, and the
 * run's saga signals are written together at its end (`signalMany`: two statements per run instead of two per event).
 * Everything else is done event by event, in the run's order; the signals touch only the saga tables, which nothing
 * else in the run reads, so writing them last has the effect of writing each in turn.
 */
export function orchestrationSubscriptions(sagas: SagaRuntime, exceptions: ExceptionService): Subscription[] {
  return [
    onMany(ORCHESTRATION_EVENT_TYPES, async (items, tx) => {
      const signals: Signal[] = [];
      const moved = (orderId: string, status: OrderStatus, event: EventEnvelope, reason?: string | null) =>
        signals.push({ key: orderId, name: status.toLowerCase(), data: { status, at: event.time, reason: reason ?? null } });
      for (const { event } of items) await handleOne(event, tx, moved);
      await sagas.signalMany(tx, FULFILMENT, signals);
    }),
  ];

  async function handleOne(
    event: EnvelopeFor<(typeof ORCHESTRATION_EVENT_TYPES)[number]>,
    tx: Tx,
    moved: (orderId: string, status: OrderStatus, event: EventEnvelope, reason?: string | null) => void,
  ): Promise<void> {
    switch (event.type) {
      case OrderEvents.received: {
        const o = event.data;
        const intake = new Date(event.time);
        const shipBy = shipByOf(intake, await store.cutoffOf(tx, o.siteId, o.carrier));
        const data: FulfilmentData = {
          orderId: o.orderId, siteId: o.siteId, carrier: o.carrier, skus: [...new Set(o.lines.map((l) => l.sku))].sort(), status: 'RECEIVED',
          lastMoveAt: event.time, shipBy: shipBy?.toISOString() ?? null, outcome: null,
        };
        await sagas.start(tx, FULFILMENT, o.orderId, data, { siteId: o.siteId });
        return;
      }
      // Lines changed before a wave (ADR 0046): the order is RECEIVED again, to be allocated anew.
      case OrderEvents.linesChanged:
        moved(event.data.orderId, 'RECEIVED', event);
        return;
      case OrderEvents.allocated:
        moved(event.data.orderId, 'ALLOCATED', event);
        await exceptions.clear(tx, ['RESERVATION_SHORTAGE'], event.data.orderId, 'the order was allocated again', causedBy(event));
        return;
      case OrderEvents.backordered: {
        const d = event.data;
        moved(d.orderId, d.to, event, d.reason);
        if (d.reason !== RESERVATION_SHORTAGE) return;
        await exceptions.raise(tx, {
          kind: 'RESERVATION_SHORTAGE', caseKey: `${d.orderId}:${event.id}`, subject: d.orderId, siteId: d.siteId,
          reason: `Order ${d.orderId} was sent back from its wave (${d.from} → ${d.to}): its release could not reserve every line`,
          details: { orderId: d.orderId, from: d.from, eventId: event.id },
        }, causedBy(event));
        return;
      }
      case OrderEvents.waved:
      case OrderEvents.released:
      case OrderEvents.pickingStarted:
      case OrderEvents.picked:
      case OrderEvents.packed:
      case OrderEvents.unwaved:
        moved(event.data.orderId, event.data.to, event);
        return;
      case OrderEvents.shipped:
        moved(event.data.orderId, 'SHIPPED', event);
        await exceptions.clear(tx, ORDER_KINDS, event.data.orderId, 'order shipped', causedBy(event));
        return;
      case OrderEvents.cancelled:
        moved(event.data.orderId, 'CANCELLED', event, event.data.reason);
        await exceptions.clear(tx, ORDER_KINDS, event.data.orderId, 'order cancelled', causedBy(event));
        return;
      case TaskEvents.created:
      case TaskEvents.rejected:
      case TaskEvents.timedOut: {
        const t = event.data;
        await store.taskQueued(tx, { taskId: t.taskId, siteId: t.siteId, type: t.type, reference: t.reference, queuedAt: new Date(event.time) });
        return;
      }
      case TaskEvents.assigned:
      case TaskEvents.started:
      case TaskEvents.completed:
      case TaskEvents.cancelled: {
        const t = event.data;
        await store.taskLeftQueue(tx, t.taskId);
        await exceptions.clear(tx, ['TASK_NOT_STARTED'], t.taskId, `the task was ${t.status.toLowerCase()}`, causedBy(event));
        return;
      }
      default:
        return assertNever(event, 'orchestration event');
    }
  }
}
