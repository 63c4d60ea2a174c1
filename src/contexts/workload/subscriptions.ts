import { onMany, type EnvelopeFor } from '../../contracts/events.ts';
import { LocationMasterEvents } from '../../contracts/location-master.ts';
import { OrchestrationEvents } from '../../contracts/orchestration.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { TaskEvents } from '../../contracts/tasks.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Tx } from '../../platform/db/database.ts';
import { assertNever } from '../../platform/errors.ts';
import { workloadStore as store } from './store.ts';
import { foldTaskFacts, type TaskFact } from './use-cases/project-run/task-observations.ts';

/** Every event type the workload projection hears. */
export const WORKLOAD_EVENT_TYPES = [
  LocationMasterEvents.locationCreated, LocationMasterEvents.layoutLocationsGenerated, OrchestrationEvents.cutoffsReplaced,
  OrderEvents.received, OrderEvents.linesChanged, OrderEvents.heldOnRequest, OrderEvents.holdReleased, OrderEvents.picked, OrderEvents.packed,
  OrderEvents.shipped, OrderEvents.cancelled,
  PickingEvents.listCreated, PickingEvents.linePicked, PickingEvents.lineShorted,
  TaskEvents.created, TaskEvents.assigned, TaskEvents.started, TaskEvents.completed, TaskEvents.rejected, TaskEvents.timedOut, TaskEvents.cancelled,
  TaskEvents.failed, TaskEvents.requeued,
] as const;
export type WorkloadEvent = EnvelopeFor<(typeof WORKLOAD_EVENT_TYPES)[number]>;

/**
 * The workload projection: everything the standards, the forecast and the plan read, from other contexts' events.
 * Every write inserts if absent or sets the event's facts, so a redelivery or `paklog replay workload` is harmless.
 * One set-based subscription for every type (ADR 0043 addendum, workload): a delivered run is one call (`projectRun`).
 */
export function workloadProjection(): Subscription[] {
  return [onMany(WORKLOAD_EVENT_TYPES, (items, tx) => projectRun(tx, items.map(({ event }) => event)))];
}

/** A stretch of consecutive open-work events of one kind, written by one statement. */
type Stretch =
  | { readonly kind: 'received'; readonly orders: { orderId: string; siteId: string; carrier: string; at: string; lines: number; units: number }[] }
  | { readonly kind: 'picked' | 'closed' | 'held' | 'unheld'; readonly orderIds: string[] }
  | { readonly kind: 'lists'; readonly lists: Parameters<typeof store.pickListsCreated>[1][number][] };

/**
 * A run with the effect of handling its events in turn. The open work's events (orders, pick lists, locations,
 * cut-offs: tables some of them read or change together) are written in the run's order, a stretch of received,
 * picked or closed orders, or of pick lists created, in one statement. Pick confirmations, shorts and task events
 * write tables only they write and nothing in the run reads (`task_observations`, `pick_confirmations`, `pick_shorts`,
 * and arrivals keyed by a task id under a task type other than PICK and PACK, which orders' arrivals never are): they
 * are folded and written at the end in one statement (`floorFacts`), whatever stood between them in the run.
 */
export async function projectRun(tx: Tx, events: readonly WorkloadEvent[]): Promise<void> {
  const picks: { eventId: string; pickListId: string; pickLineId: string; quantity: number }[] = [];
  const shorts: { eventId: string; pickListId: string; pickLineId: string }[] = [];
  const tasks: TaskFact[] = [];
  let stretch: Stretch | null = null;
  const flush = async (): Promise<void> => {
    const s = stretch;
    stretch = null;
    if (s === null) return;
    switch (s.kind) {
      case 'received': return store.ordersReceived(tx, s.orders);
      case 'picked': return store.ordersPicked(tx, s.orderIds);
      case 'closed': return store.ordersClosed(tx, s.orderIds);
      case 'held': return store.ordersHeld(tx, s.orderIds, true);
      case 'unheld': return store.ordersHeld(tx, s.orderIds, false);
      case 'lists': return store.pickListsCreated(tx, s.lists);
      default: return assertNever(s, 'stretch');
    }
  };
  const ordersOf = async (kind: 'picked' | 'closed' | 'held' | 'unheld', orderId: string): Promise<void> => {
    if (stretch?.kind !== kind) {
      await flush();
      stretch = { kind, orderIds: [] };
    }
    stretch.orderIds.push(orderId);
  };
  for (const e of events) {
    switch (e.type) {
      case LocationMasterEvents.locationCreated:
        await flush();
        await store.locationsSeen(tx, [{ id: e.data.id, siteId: e.data.siteId, zone: e.data.zone }]);
        break;
      case LocationMasterEvents.layoutLocationsGenerated:
        await flush();
        await store.locationsSeen(tx, e.data.locations.map((l) => ({ id: l.id, siteId: l.siteId, zone: l.zone })));
        break;
      case OrchestrationEvents.cutoffsReplaced:
        await flush();
        await store.replaceCutoffs(tx, e.data.siteId, e.data.cutoffs);
        break;
      case OrderEvents.received: {
        if (stretch?.kind !== 'received') {
          await flush();
          stretch = { kind: 'received', orders: [] };
        }
        const o = e.data;
        stretch.orders.push({ orderId: o.orderId, siteId: o.siteId, carrier: o.carrier, at: e.time, lines: o.lines.length, units: o.lines.reduce((s, l) => s + l.quantity, 0) });
        break;
      }
      case OrderEvents.linesChanged:
        await flush();
        await store.orderLinesChanged(tx, { orderId: e.data.orderId, lines: e.data.lines.length, units: e.data.lines.reduce((s, l) => s + l.quantity, 0) });
        break;
      // A held order is no wave's (ADR 0052): no work for the plan until its hold is released.
      case OrderEvents.heldOnRequest:
        await ordersOf('held', e.data.orderId);
        break;
      case OrderEvents.holdReleased:
        await ordersOf('unheld', e.data.orderId);
        break;
      case OrderEvents.picked:
        await ordersOf('picked', e.data.orderId);
        break;
      case OrderEvents.packed:
      case OrderEvents.shipped:
      case OrderEvents.cancelled:
        await ordersOf('closed', e.data.orderId);
        break;
      case PickingEvents.listCreated: {
        if (stretch?.kind !== 'lists') {
          await flush();
          stretch = { kind: 'lists', lists: [] };
        }
        const l = e.data;
        stretch.lists.push({
          pickListId: l.pickListId, siteId: l.siteId, lineCount: l.lineCount, routeM: l.routeLength, firstLocationId: l.firstLocationId ?? null,
          orderIds: l.orderIds, at: e.time,
        });
        break;
      }
      case PickingEvents.linePicked:
        picks.push({ eventId: e.id, pickListId: e.data.pickListId, pickLineId: e.data.pickLineId, quantity: e.data.quantity });
        break;
      case PickingEvents.lineShorted:
        shorts.push({ eventId: e.id, pickListId: e.data.pickListId, pickLineId: e.data.pickLineId });
        break;
      case TaskEvents.created: {
        const t = e.data;
        tasks.push({ kind: 'created', taskId: t.taskId, siteId: t.siteId, type: t.type, reference: t.reference, status: t.status, at: e.time });
        break;
      }
      case TaskEvents.assigned:
        tasks.push({ kind: 'assigned', taskId: e.data.taskId, status: e.data.status, workerId: e.data.workerId, at: e.time });
        break;
      case TaskEvents.started:
        tasks.push({ kind: 'started', taskId: e.data.taskId, status: e.data.status, workerId: e.data.workerId, at: e.time });
        break;
      case TaskEvents.completed:
        tasks.push({ kind: 'completed', taskId: e.data.taskId, status: e.data.status, workerId: e.data.workerId, at: e.time });
        break;
      // A failed task, re-queued or not, is nobody's and starts anew: its failed attempt is not a duration to learn from.
      case TaskEvents.rejected:
      case TaskEvents.timedOut:
      case TaskEvents.failed:
      case TaskEvents.requeued:
        tasks.push({ kind: 'requeued', taskId: e.data.taskId, status: e.data.status, workerId: null, at: e.time });
        break;
      case TaskEvents.cancelled:
        tasks.push({ kind: 'closed', taskId: e.data.taskId, status: e.data.status, workerId: null, at: e.time });
        break;
      default:
        assertNever(e, 'workload event');
    }
  }
  await flush();
  await store.floorFacts(tx, { picks, shorts, tasks: foldTaskFacts(tasks) });
}

/** The projection's tables (truncated and refilled by `paklog replay workload`). */
export const WORKLOAD_PROJECTION_TABLES = [
  'locations', 'carrier_cutoffs', 'pick_lists', 'pick_confirmations', 'pick_shorts', 'task_observations', 'open_orders', 'arrivals',
] as const;
