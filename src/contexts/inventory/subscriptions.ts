import { InventoryEvents } from '../../contracts/inventory.ts';
import { LocationMasterEvents, type LocationCreated, type LocationMasterApi, type LocationStatusChanged } from '../../contracts/location-master.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { WaveEvents } from '../../contracts/waves.ts';
import { causedBy, type EventEnvelope, type NewEvent } from '../../platform/bus/envelope.ts';
import type { EventBus, Subscription } from '../../platform/bus/event-bus.ts';
import type { Tx } from '../../platform/db/database.ts';
import { onLocationCreated, onLocationStatusChanged } from './pickability.ts';
import type { InventoryService } from './service.ts';

/** What the stock ledger does when the rest of the warehouse moves (docs/dev/contexts.md, flow table). */
export function inventorySubscriptions(service: InventoryService, deps: { bus: EventBus; locations: LocationMasterApi }): Subscription[] {
  const project = async (tx: Tx, event: EventEnvelope, events: Promise<NewEvent[]>) => {
    await deps.bus.append(tx, 'inventory', await events, causedBy(event));
  };
  return [
    { types: [OrderEvents.received], handle: (event, tx) => service.allocateOrder(event, tx) },
    { types: [OrderEvents.cancelled], handle: (event, tx) => service.deallocateOrder(event, tx) },
    { types: [WaveEvents.released], handle: (event, tx) => service.reserveWave(event, tx) },
    { types: [PickingEvents.linePicked], handle: (event, tx) => service.pickLine(event, tx) },
    { types: [PickingEvents.lineShorted], handle: (event, tx) => service.shortLine(event, tx) },
    { types: [PackShipEvents.shipmentDispatched], handle: (event, tx) => service.shipShipment(event, tx) },
    // The location projection: a blocked location's units leave ATP at once, an unblocked one's come back.
    { types: [LocationMasterEvents.locationCreated], handle: (event, tx) => project(tx, event, onLocationCreated(tx, event.data as LocationCreated)) },
    { types: [LocationMasterEvents.locationStatusChanged], handle: (event, tx) => project(tx, event, onLocationStatusChanged(tx, event.data as LocationStatusChanged, deps.locations)) },
    // Inventory's own events that free stock: backordered lines of those SKUs are retried (in the event's own delivery,
    // so a crash after the stock change commits loses no retry).
    {
      types: [InventoryEvents.received, InventoryEvents.adjusted, InventoryEvents.deallocated, InventoryEvents.moved, InventoryEvents.pickabilityChanged],
      handle: (event, tx) => service.retryBackorders(event, tx),
    },
  ];
}
