import type { StockAllocated, StockReserved } from '../../contracts/inventory.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { PackShipEvents, type OrderPacked, type PackagePacked, type ShipmentDispatched, type ShippingStopped } from '../../contracts/pack-ship.ts';
import { PickingEvents, type LinePicked, type LineShorted, type PickListCompleted } from '../../contracts/picking.ts';
import { WaveEvents, type WaveCancelled, type WavePlanned, type WaveReleased } from '../../contracts/waves.ts';
import { causedBy, type EventEnvelope } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Cause, OrderService } from './service.ts';

const cause = (event: EventEnvelope): Cause => ({ type: event.type, meta: causedBy(event) });

// Several orders in one event are locked in id order, so two handlers never wait on each other in a cycle.
const sorted = (ids: readonly string[]): string[] => [...new Set(ids)].sort();

/** The order follows what the other contexts report: allocation, waves, picks, packing and dispatch (contexts.md flow table). */
export function orderSubscriptions(orders: OrderService): Subscription[] {
  return [
    {
      types: [InventoryEvents.allocated],
      handle: async (event, tx) => {
        const d = event.data as StockAllocated;
        await orders.applyAllocation(tx, d.orderId, d.lines, cause(event));
      },
    },
    {
      types: [InventoryEvents.reserved],
      handle: async (event, tx) => {
        const d = event.data as StockReserved;
        const back = [...d.backordered].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
        for (const o of back) await orders.backorderedAtRelease(tx, o.orderId, d.waveId, o.lines, cause(event));
      },
    },
    {
      types: [PackShipEvents.shippingStopped],
      handle: async (event, tx) => {
        const d = event.data as ShippingStopped;
        await orders.shippingStopped(tx, d.orderId, d.reason, cause(event));
      },
    },
    {
      types: [WaveEvents.planned],
      handle: async (event, tx) => {
        const d = event.data as WavePlanned;
        for (const id of sorted(d.orderIds)) await orders.progress(tx, id, 'WAVED', cause(event), { waveId: d.waveId });
      },
    },
    {
      types: [WaveEvents.cancelled],
      handle: async (event, tx) => {
        const d = event.data as WaveCancelled;
        for (const id of sorted(d.orderIds)) await orders.unwave(tx, id, d.waveId, cause(event));
      },
    },
    {
      types: [WaveEvents.released],
      handle: async (event, tx) => {
        const d = event.data as WaveReleased;
        for (const id of sorted(d.orders.map((o) => o.orderId))) await orders.progress(tx, id, 'RELEASED', cause(event), { waveId: d.waveId });
      },
    },
    {
      types: [PickingEvents.linePicked],
      handle: async (event, tx) => {
        const d = event.data as LinePicked;
        await orders.progress(tx, d.orderId, 'PICKING', cause(event), { quantities: { column: 'picked', lines: [{ lineId: d.lineId, quantity: d.quantity }] } });
      },
    },
    {
      types: [PickingEvents.lineShorted],
      handle: async (event, tx) => {
        const d = event.data as LineShorted;
        await orders.progress(tx, d.orderId, 'PICKING', cause(event), { quantities: { column: 'shorted', lines: [{ lineId: d.lineId, quantity: d.shortQuantity }] } });
      },
    },
    {
      types: [PickingEvents.listCompleted],
      handle: async (event, tx) => {
        const d = event.data as PickListCompleted;
        for (const id of sorted(d.orderIds)) await orders.pickingDone(tx, id, cause(event));
      },
    },
    {
      types: [PackShipEvents.packagePacked],
      handle: async (event, tx) => {
        const d = event.data as PackagePacked;
        const lines = d.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
        // Quantities only: PACKED comes from pack-ship.order.packed, which also covers orders no package completes.
        await orders.progress(tx, d.orderId, null, cause(event), { quantities: { column: 'packed', lines } });
      },
    },
    {
      types: [PackShipEvents.orderPacked],
      handle: async (event, tx) => {
        const d = event.data as OrderPacked;
        await orders.progress(tx, d.orderId, 'PACKED', cause(event));
      },
    },
    {
      types: [PackShipEvents.shipmentDispatched],
      handle: async (event, tx) => {
        const d = event.data as ShipmentDispatched;
        const lines = d.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
        await orders.progress(tx, d.orderId, 'SHIPPED', cause(event), { quantities: { column: 'shipped', lines } });
      },
    },
  ];
}
