import { on, onMany } from '../../contracts/events.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { LocationMasterEvents, type LocationMasterApi } from '../../contracts/location-master.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { WaveEvents } from '../../contracts/waves.ts';
import { causedBy, type EventEnvelope } from '../../platform/bus/envelope.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import type { EventBus, Subscription } from '../../platform/bus/event-bus.ts';
import type { Tx } from '../../platform/db/database.ts';
import { freedStock, recoverableStock, stockTouched } from './domain/stock.ts';
import { onLocationCreated, onLocationStatusChanged } from './pickability.ts';
import type { InventoryService } from './service.ts';
import type { ReplenishmentService } from './service-replenishment.ts';

/** What the stock ledger does when the rest of the warehouse moves (docs/dev/contexts.md, flow table). */
export function inventorySubscriptions(
  service: InventoryService, deps: { bus: EventBus; locations: LocationMasterApi; replenishment: Pick<ReplenishmentService, 'afterFacesChange' | 'withdrawAtDeactivated' | 'retryWaits'> },
): Subscription[] {
  const project = async (tx: Tx, event: EventEnvelope, events: Promise<PublishedEvent[]>) => {
    await deps.bus.append(tx, 'inventory', await events, causedBy(event));
  };
  return [
    onMany(OrderEvents.received, (received, tx) => service.allocateOrders(tx, received.map(({ data, event }) => ({ order: data, meta: causedBy(event) })))),
    on(OrderEvents.cancelled, (cancel, event, tx) => service.deallocateOrder(tx, cancel, causedBy(event))),
    on(OrderEvents.linesChanged, (change, event, tx) => service.changeOrderLines(tx, change, causedBy(event))),
    on(WaveEvents.released, (wave, event, tx) => service.reserveWave(tx, wave, causedBy(event))),
    // The run's picks, then each pick's face checked for low stock (replenishment; it reads the face after the run).
    onMany(PickingEvents.linePicked, async (picks, tx) => {
      await service.pickLines(tx, picks.map(({ data, event }) => ({ pick: data, meta: causedBy(event) })));
      await deps.replenishment.afterFacesChange(tx, picks.map(({ data: pick, event }) => ({
        change: { siteId: pick.siteId, sku: pick.sku, locationId: pick.locationId, reference: pick.pickLineId }, meta: causedBy(event),
      })));
    }),
    on(PickingEvents.lineShorted, (short, event, tx) => service.shortLine(tx, short, causedBy(event))),
    on(PackShipEvents.shipmentDispatched, (shipment, event, tx) => service.shipShipment(tx, shipment, causedBy(event))),
    on(PackShipEvents.unitsShortAtPack, (short, event, tx) => service.writeOffAtPack(tx, short, causedBy(event))),
    // The location projection: a blocked location's units leave ATP at once, an unblocked one's come back.
    on(LocationMasterEvents.locationCreated, (location, event, tx) => project(tx, event, onLocationCreated(tx, location))),
    // A deactivation that crossed a count being opened abandons the count (location-master asked before its commit); a
    // deactivated face's open replenishments are withdrawn first (their rows before the counts' and the location's).
    // Withdrawn again once the location's row is locked and INACTIVE (the projection): a low-stock trigger that read the
    // face ACTIVE under its FOR SHARE lock (another consumer: picks, moves) committed before that lock was granted, and
    // its replenishment is found now; the first pass could not see it (write skew, docs/dev/contexts.md).
    on(LocationMasterEvents.locationStatusChanged, async (change, event, tx) => {
      await deps.replenishment.withdrawAtDeactivated(tx, change, causedBy(event));
      await service.abandonCountsAtDeactivated(tx, change, causedBy(event), () => project(tx, event, onLocationStatusChanged(tx, change)));
      await deps.replenishment.withdrawAtDeactivated(tx, change, causedBy(event));
    }),
    // A safety stock lowered or cleared (ADR 0057): the units above it may be promised now, as if they had been received;
    // nothing arrived anywhere (`arrivedAt` empty, as for a deallocation).
    on(InventoryEvents.safetyStockSet, async (set, event, tx) => {
      if (set.quantity >= set.previousQuantity) return;
      const freed = { siteId: set.siteId, skus: [set.sku], arrivedAt: [] };
      await service.retryShortRecoveries(tx, freed, causedBy(event));
      await service.retryBackorders(tx, freed, causedBy(event));
    }),
    // Inventory's own events that free stock: short picks waiting for stock (ADR 0024), then backordered lines of those
    // SKUs, then faces waiting for a replenishment source are retried (in the event's own delivery, so a crash after the stock change commits loses no retry).
    on(
      [
        InventoryEvents.received, InventoryEvents.adjusted, InventoryEvents.deallocated, InventoryEvents.moved, InventoryEvents.pickabilityChanged,
        InventoryEvents.returned, InventoryEvents.holdReleased, InventoryEvents.countClosed,
      ],
      async (_data, event, tx) => {
        await service.retryShortRecoveries(tx, recoverableStock(event), causedBy(event));
        await service.retryBackorders(tx, freedStock(event), causedBy(event));
        // Faces waiting for a replenishment source of those SKUs ask again (a counted source let go, held units released…).
        await deps.replenishment.retryWaits(tx, stockTouched(event), causedBy(event));
      },
    ),
  ];
}
