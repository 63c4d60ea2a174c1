import { on, onMany } from '../../contracts/events.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { WaveEvents } from '../../contracts/waves.ts';
import { causedBy, type EventEnvelope } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Cause, OrderService } from './service.ts';

const cause = (event: EventEnvelope): Cause => ({ type: event.type, meta: causedBy(event) });

// Several orders in one event are locked in id order, so two handlers never wait on each other in a cycle.
const sorted = (ids: readonly string[]): string[] => [...new Set(ids)].sort();

/** The order follows what the other contexts report: allocation, waves, picks, readiness to pack, packing and dispatch (contexts.md flow table). */
export function orderSubscriptions(orders: OrderService): Subscription[] {
  return [
    on(InventoryEvents.allocated, async (d, event, tx) => {
      await orders.applyAllocation(tx, d.orderId, d.lines, cause(event));
    }),
    on(InventoryEvents.reserved, async (d, event, tx) => {
      const back = [...d.backordered].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
      for (const o of back) await orders.backorderedAtRelease(tx, o.orderId, d.waveId, o.lines, cause(event));
    }),
    on(PackShipEvents.shippingStopped, async (d, event, tx) => {
      await orders.shippingStopped(tx, d.orderId, d.reason, cause(event));
    }),
    // A line change waves held the order for (ADR 0046): applied here if the request's own transaction did not commit.
    on(WaveEvents.orderHeld, async (d, event, tx) => {
      await orders.applyPendingChange(tx, d.orderId, d.changeId, cause(event));
    }),
    on(WaveEvents.planned, async (d, event, tx) => {
      for (const id of sorted(d.orderIds)) await orders.progress(tx, id, 'WAVED', cause(event), { waveId: d.waveId });
    }),
    on(WaveEvents.cancelled, async (d, event, tx) => {
      for (const id of sorted(d.orderIds)) await orders.unwave(tx, id, d.waveId, cause(event));
    }),
    on(WaveEvents.released, async (d, event, tx) => {
      for (const id of sorted(d.orders.map((o) => o.orderId))) await orders.progress(tx, id, 'RELEASED', cause(event), { waveId: d.waveId });
    }),
    // Set-based (ADR 0043): a run of picks writes each order once, whatever the number of its lines in the run.
    onMany(PickingEvents.linePicked, (picks, tx) =>
      orders.recordPicks(tx, 'picked', picks.map(({ data: d, event }) => ({ orderId: d.orderId, lineId: d.lineId, quantity: d.quantity, cause: cause(event) })))),
    onMany(PickingEvents.lineShorted, (shorts, tx) =>
      orders.recordPicks(tx, 'shorted', shorts.map(({ data: d, event }) => ({ orderId: d.orderId, lineId: d.lineId, quantity: d.shortQuantity, cause: cause(event) })))),
    // PICKED when pack & ship says the order is ready to pack, not on picking's own end-of-picking events (ADR 0049):
    // by then pack & ship has heard of every picked unit and knows picking is done, so a client that reads PICKED and
    // packs at once packs the whole order.
    on(PackShipEvents.readyToPack, async (d, event, tx) => {
      await orders.pickingDone(tx, d.orderId, { unitsPicked: d.unitsPicked, status: d.status }, cause(event));
    }),
    on(InventoryEvents.shortResolved, async (d, event, tx) => {
      await orders.shortResolved(tx, d, cause(event));
    }),
    on(PackShipEvents.packagePacked, async (d, event, tx) => {
      const lines = d.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
      // Quantities only: PACKED comes from pack-ship.order.packed, which also covers orders no package completes.
      await orders.progress(tx, d.orderId, null, cause(event), { quantities: { column: 'packed', lines } });
    }),
    on(PackShipEvents.orderPacked, async (d, event, tx) => {
      await orders.progress(tx, d.orderId, 'PACKED', cause(event));
    }),
    on(PackShipEvents.shipmentDispatched, async (d, event, tx) => {
      const lines = d.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
      await orders.progress(tx, d.orderId, 'SHIPPED', cause(event), { quantities: { column: 'shipped', lines } });
    }),
  ];
}
