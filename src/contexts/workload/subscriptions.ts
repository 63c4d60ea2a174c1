import { on, onMany } from '../../contracts/events.ts';
import { LocationMasterEvents } from '../../contracts/location-master.ts';
import { OrchestrationEvents } from '../../contracts/orchestration.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { TaskEvents } from '../../contracts/tasks.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import { workloadStore as store } from './store.ts';

/**
 * The workload projection: everything the standards, the forecast and the plan read, from other contexts' events.
 * Every handler inserts if absent or sets the event's facts, so a redelivery or `paklog replay workload` is harmless.
 */
export function workloadProjection(): Subscription[] {
  return [
    on(LocationMasterEvents.locationCreated, async (l, _e, tx) => store.locationsSeen(tx, [{ id: l.id, siteId: l.siteId, zone: l.zone }])),
    on(LocationMasterEvents.layoutLocationsGenerated, async (d, _e, tx) =>
      store.locationsSeen(tx, d.locations.map((l) => ({ id: l.id, siteId: l.siteId, zone: l.zone })))),
    on(OrchestrationEvents.cutoffsReplaced, async (d, _e, tx) => store.replaceCutoffs(tx, d.siteId, d.cutoffs)),
    on(OrderEvents.received, async (o, e, tx) => store.orderReceived(tx, {
      orderId: o.orderId, siteId: o.siteId, carrier: o.carrier, at: e.time, lines: o.lines.length, units: o.lines.reduce((s, l) => s + l.quantity, 0),
    })),
    on(OrderEvents.linesChanged, async (o, _e, tx) => store.orderLinesChanged(tx, {
      orderId: o.orderId, lines: o.lines.length, units: o.lines.reduce((s, l) => s + l.quantity, 0),
    })),
    onMany(OrderEvents.picked, async (picked, tx) => store.ordersPicked(tx, picked.map(({ data }) => data.orderId))),
    onMany([OrderEvents.packed, OrderEvents.shipped, OrderEvents.cancelled], async (closed, tx) => store.ordersClosed(tx, closed.map(({ data }) => data.orderId))),
    on(PickingEvents.listCreated, async (l, e, tx) => store.pickListCreated(tx, {
      pickListId: l.pickListId, siteId: l.siteId, lineCount: l.lineCount, routeM: l.routeLength, firstLocationId: l.firstLocationId ?? null,
      orderIds: l.orderIds, at: e.time,
    })),
    onMany(PickingEvents.linePicked, async (picks, tx) => store.unitsPicked(tx, picks.map(({ data, event }) => ({ ...data, eventId: event.id })))),
    on(PickingEvents.lineShorted, async (p, e, tx) => store.lineShorted(tx, e.id, p)),
    on(TaskEvents.created, async (t, e, tx) => store.taskQueued(tx, { taskId: t.taskId, siteId: t.siteId, type: t.type, reference: t.reference, status: t.status, at: e.time })),
    on(TaskEvents.assigned, async (t, e, tx) => store.taskChanged(tx, t.taskId, 'assigned', t.status, t.workerId, e.time)),
    on(TaskEvents.started, async (t, e, tx) => store.taskChanged(tx, t.taskId, 'started', t.status, t.workerId, e.time)),
    on(TaskEvents.completed, async (t, e, tx) => store.taskChanged(tx, t.taskId, 'completed', t.status, t.workerId, e.time)),
    on(TaskEvents.rejected, async (t, e, tx) => store.taskChanged(tx, t.taskId, 'requeued', t.status, null, e.time)),
    on(TaskEvents.timedOut, async (t, e, tx) => store.taskChanged(tx, t.taskId, 'requeued', t.status, null, e.time)),
    on(TaskEvents.cancelled, async (t, e, tx) => store.taskChanged(tx, t.taskId, 'closed', t.status, null, e.time)),
  ];
}

/** The projection's tables (truncated and refilled by `paklog replay workload`). */
export const WORKLOAD_PROJECTION_TABLES = [
  'locations', 'carrier_cutoffs', 'pick_lists', 'pick_confirmations', 'pick_shorts', 'task_observations', 'open_orders', 'arrivals',
] as const;
