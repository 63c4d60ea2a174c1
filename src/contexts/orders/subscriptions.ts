import { on, onMany } from '../../contracts/events.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { WaveEvents } from '../../contracts/waves.ts';
import { causedBy, type EventEnvelope } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import { assertNever } from '../../platform/errors.ts';
import type { Cause, OrderService, ProgressStep } from './service.ts';

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
    // A line change (ADR 0046) or a hold (ADR 0052) waves held the order for: applied here if the request's own
    // transaction did not commit; one that will never be applied has its pool hold released (`orders.order.change-dropped`).
    // Units found missing or damaged at packing: counted on their line (shortAtPack), never packed nor shipped.
    on(PackShipEvents.unitsShortAtPack, async (d, event, tx) => {
      await orders.shortAtPack(tx, d, cause(event));
    }),
    on(WaveEvents.orderHeld, async (d, event, tx) => {
      await orders.orderHeld(tx, d, cause(event));
    }),
    // Set-based (ADR 0043): a run of these moves locks its orders in one statement and writes them in one, each order's
    // steps folded in their order, whatever the number of events and orders in the run (`progressRun`).
    onMany([WaveEvents.planned, WaveEvents.released, PackShipEvents.packagePacked, PackShipEvents.packageRepacked, PackShipEvents.orderPacked, PackShipEvents.shipmentDispatched],
      (items, tx) => orders.progressRun(tx, items.flatMap((item): ProgressStep[] => {
        const c = cause(item.event);
        switch (item.event.type) {
          case WaveEvents.planned: {
            const d = item.event.data;
            return sorted(d.orderIds).map((orderId) => ({ orderId, to: 'WAVED', cause: c, options: { waveId: d.waveId } }));
          }
          case WaveEvents.released: {
            const d = item.event.data;
            return sorted(d.orders.map((o) => o.orderId)).map((orderId) => ({ orderId, to: 'RELEASED', cause: c, options: { waveId: d.waveId } }));
          }
          case PackShipEvents.packagePacked: {
            const d = item.event.data;
            const lines = d.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
            // Quantities only: PACKED comes from pack-ship.order.packed, which also covers orders no package completes.
            return [{ orderId: d.orderId, to: null, cause: c, options: { quantities: { column: 'packed', lines } } }];
          }
          // A sealed package opened again: its units are packed no more (they are packed anew, each package counted by
          // its own event). An open one's units were only scanned, never counted; older events do not say which it was.
          case PackShipEvents.packageRepacked: {
            const d = item.event.data;
            if (d.previousStatus !== 'PACKED') return [];
            const lines = d.lines.map((l) => ({ lineId: l.lineId, quantity: -l.quantity }));
            return [{ orderId: d.orderId, to: null, cause: c, options: { quantities: { column: 'packed', lines } } }];
          }
          // Once per packing round; an earlier round's (a replay) finds the order in a later one and moves nothing.
          case PackShipEvents.orderPacked:
            return [{ orderId: item.event.data.orderId, to: 'PACKED', cause: c, options: { packRound: item.event.data.round ?? 1 } }];
          case PackShipEvents.shipmentDispatched: {
            const d = item.event.data;
            const lines = d.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
            return [{ orderId: d.orderId, to: 'SHIPPED', cause: c, options: { quantities: { column: 'shipped', lines } } }];
          }
          default:
            return assertNever(item.event, 'progress event');
        }
      }))),
    on(WaveEvents.cancelled, async (d, event, tx) => {
      for (const id of sorted(d.orderIds)) await orders.unwave(tx, id, d.waveId, cause(event));
    }),
    // Set-based (ADR 0043): a run of picks writes each order once, whatever the number of its lines in the run.
    onMany(PickingEvents.linePicked, (picks, tx) =>
      orders.recordPicks(tx, 'picked', picks.map(({ data: d, event }) => ({ orderId: d.orderId, lineId: d.lineId, quantity: d.quantity, cause: cause(event) })))),
    onMany(PickingEvents.lineShorted, (shorts, tx) =>
      orders.recordPicks(tx, 'shorted', shorts.map(({ data: d, event }) => ({ orderId: d.orderId, lineId: d.lineId, quantity: d.shortQuantity, cause: cause(event) })))),
    // PICKED when pack & ship says the order is ready to pack, not on picking's own end-of-picking events (ADR 0049):
    // by then pack & ship has heard of every picked unit and knows picking is done, so a client that reads PICKED and
    // packs at once packs the whole order. A later packing round takes a PACKED order back to PICKED (ADR 0049
    // addendum 2026-12-04): this event has the order's subject, as `pack-ship.order.packed` has, so the two come in
    // order (the repack's own event has the package's).
    on(PackShipEvents.readyToPack, async (d, event, tx) => {
      await orders.pickingDone(tx, d.orderId, { unitsPicked: d.unitsPicked, status: d.status, round: d.round }, cause(event));
    }),
    on(PackShipEvents.orderDelivered, async (d, event, tx) => {
      await orders.delivered(tx, d, cause(event));
    }),
    on(InventoryEvents.shortResolved, async (d, event, tx) => {
      await orders.shortResolved(tx, d, cause(event));
    }),
  ];
}
