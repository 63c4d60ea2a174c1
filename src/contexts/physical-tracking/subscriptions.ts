import { on, onMany } from '../../contracts/events.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { QualityEvents } from '../../contracts/quality.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Projection } from '../../platform/module.ts';
import type { PhysicalTrackingService } from './service.ts';

/**
 * The floor events of other contexts, recorded as scans (at the event's time) with their effect on LPNs: a putaway
 * or a move carries the LPN, a pick fills a tote, a package becomes a carton that empties the order's totes, a
 * dispatch ships the cartons (and the pallet they were loaded onto), a cancelled order's confirmed return takes its units
 * out of its tote or carton, a repacked package's carton no longer answers to its voided label's SSCC, a voided label's or a scrapped package's
 * carton loaded at the dock comes back off the truck (with the pallet it left on when nothing else is on it).
 *
 * One set-based subscription for those types (ADR 0043 addendum): a delivered run of them is locked, decided and
 * written together (`floorEventsHandler`), with the effect of handling each in turn.
 */
export function physicalTrackingSubscriptions(service: PhysicalTrackingService): Subscription[] {
  // The types named here (docs/events.md lists consumers from this file): `FLOOR_EVENT_TYPES` of floor-events.ts.
  return [onMany([
    InventoryEvents.putawayConfirmed, InventoryEvents.moved, PickingEvents.linePicked, PackShipEvents.packagePacked, PackShipEvents.shipmentDispatched,
    InventoryEvents.returnConfirmed, InventoryEvents.returnCancelled, PackShipEvents.packageRepacked, PackShipEvents.unitsShortAtPack,
    PackShipEvents.shipmentVoided, PackShipEvents.packageUnloaded,
  ], (items, tx) => service.onFloorEvents(tx, items.map(({ event }) => event)))];
}

/**
 * The LPNs ASNs announce (`inventory.asn.created` lines with an expected LPN, until the ASN is cancelled or closed):
 * what a RECEIVE_LPN scan receives. The orders whose shipping stopped (`pack-ship.order.shipping-stopped`): what a
 * SHIP scan refuses to ship. The packages a failed packing inspection holds (`quality.hold.placed`, until
 * `quality.hold.disposed` releases them): the cartons a SHIP scan refuses to ship.
 */
export function physicalTrackingProjections(service: PhysicalTrackingService): Projection[] {
  return [{
    name: 'asn-lpns', tables: ['asn_lpns'],
    subscriptions: [
      on(InventoryEvents.asnCreated, (d, _event, tx) => service.onAsnCreated(tx, d)),
      // Receipts against a cancelled or closed ASN are refused by inventory: its LPNs are no longer expected.
      on(InventoryEvents.asnCancelled, (d, _event, tx) => service.onAsnEnded(tx, d.asnId)),
      on(InventoryEvents.asnClosed, (d, _event, tx) => service.onAsnEnded(tx, d.asnId)),
    ],
  }, {
    name: 'stopped-orders', tables: ['stopped_orders'],
    subscriptions: [on(PackShipEvents.shippingStopped, (d, event, tx) => service.onShippingStopped(tx, d, new Date(event.time)))],
  }, {
    name: 'held-packages', tables: ['held_packages'],
    subscriptions: [
      on(QualityEvents.holdPlaced, (d, event, tx) => service.onQualityHoldPlaced(tx, d, new Date(event.time))),
      on(QualityEvents.holdDisposed, (d, _event, tx) => service.onQualityHoldDisposed(tx, d)),
    ],
  }];
}
