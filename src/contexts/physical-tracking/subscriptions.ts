import { on } from '../../contracts/events.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Projection } from '../../platform/module.ts';
import type { PhysicalTrackingService } from './service.ts';

/**
 * The floor events of other contexts, recorded as scans (at the event's time) with their effect on LPNs: a putaway
 * or a move carries the LPN, a pick fills a tote, a package becomes a carton that empties the order's totes, a
 * dispatch ships the cartons (and the pallet they were loaded onto).
 */
export function physicalTrackingSubscriptions(service: PhysicalTrackingService): Subscription[] {
  return [
    on(InventoryEvents.putawayConfirmed, (d, event, tx) => service.onPutawayConfirmed(tx, d, new Date(event.time), event.id, causedBy(event))),
    on(InventoryEvents.moved, (d, event, tx) => service.onStockMoved(tx, d, new Date(event.time), event.id, causedBy(event))),
    on(PickingEvents.linePicked, (d, event, tx) => service.onLinePicked(tx, d, new Date(event.time), event.id, causedBy(event))),
    on(PackShipEvents.packagePacked, (d, event, tx) => service.onPackagePacked(tx, d, new Date(event.time), event.id, causedBy(event))),
    on(PackShipEvents.shipmentDispatched, (d, event, tx) => service.onShipmentDispatched(tx, d, new Date(event.time), event.id, causedBy(event))),
  ];
}

/** The LPNs ASNs announce (`inventory.asn.created` lines with an expected LPN): what a RECEIVE_LPN scan receives. */
export function physicalTrackingProjections(service: PhysicalTrackingService): Projection[] {
  return [{
    name: 'asn-lpns', tables: ['asn_lpns'],
    subscriptions: [on(InventoryEvents.asnCreated, (d, _event, tx) => service.onAsnCreated(tx, d))],
  }];
}
