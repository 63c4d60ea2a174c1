import { InventoryEvents } from '../../contracts/inventory.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { WaveEvents } from '../../contracts/waves.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { InventoryService } from './service.ts';

/** What the stock ledger does when the rest of the warehouse moves (docs/dev/contexts.md, flow table). */
export function inventorySubscriptions(service: InventoryService): Subscription[] {
  return [
    { types: [OrderEvents.received], handle: (event, tx) => service.allocateOrder(event, tx) },
    { types: [OrderEvents.cancelled], handle: (event, tx) => service.deallocateOrder(event, tx) },
    { types: [WaveEvents.released], handle: (event, tx) => service.reserveWave(event, tx) },
    { types: [PickingEvents.linePicked], handle: (event, tx) => service.pickLine(event, tx) },
    { types: [PickingEvents.lineShorted], handle: (event, tx) => service.shortLine(event, tx) },
    { types: [PackShipEvents.shipmentDispatched], handle: (event, tx) => service.shipShipment(event, tx) },
    // Inventory's own events that free stock: backordered lines of those SKUs are retried (in the event's own delivery,
    // so a crash after the stock change commits loses no retry).
    { types: [InventoryEvents.received, InventoryEvents.adjusted, InventoryEvents.deallocated], handle: (event, tx) => service.retryBackorders(event, tx) },
  ];
}
