import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import { OrderEvents, type OrderCancelled, type OrderReceived } from '../../contracts/orders.ts';
import { PickingEvents, type LinePicked, type PickListCompleted } from '../../contracts/picking.ts';
import type { PackShipService } from './service.ts';

/** Projections: what each order ordered, what was picked, and when picking finished (which may complete the order's packing). */
export function packShipSubscriptions(packShip: PackShipService): Subscription[] {
  return [
    {
      types: [OrderEvents.received],
      handle: async (event, tx) => {
        const d = event.data as OrderReceived;
        await packShip.orderReceived(tx, { orderId: d.orderId, siteId: d.siteId, carrier: d.carrier, lines: d.lines });
      },
    },
    {
      types: [OrderEvents.cancelled],
      handle: async (event, tx) => {
        const d = event.data as OrderCancelled;
        await packShip.orderCancelled(tx, { orderId: d.orderId, siteId: d.siteId, reason: d.reason }, causedBy(event));
      },
    },
    {
      types: [PickingEvents.linePicked],
      handle: async (event, tx) => {
        const d = event.data as LinePicked;
        await packShip.picked(tx, { orderId: d.orderId, siteId: d.siteId, lineId: d.lineId, sku: d.sku, quantity: d.quantity });
      },
    },
    {
      types: [PickingEvents.listCompleted],
      handle: async (event, tx) => {
        const d = event.data as PickListCompleted;
        await packShip.pickingDone(tx, d.orderIds, d.siteId, d.status, causedBy(event));
      },
    },
  ];
}
