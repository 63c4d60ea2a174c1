import { on } from '../../contracts/events.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { InventoryService } from './service.ts';
import type { ReplenishmentService } from './service-replenishment.ts';

/**
 * Replenishment's reactions (issue 11). Registered after inventory's own, so a pick's handler has moved the stock when
 * the face's level is read. Low stock: a pick (checked by the pick handler), a move out of a face or a negative adjustment there; wave demand: the
 * reservations of a released wave. Landed units: a completed replenishment retries the short picks waiting for the SKU
 * (the face it filled is where they may now be re-reserved), then its backorders; so do units of a customer return
 * restocked into a pickable location, and faces waiting for a replenishment source of the SKU ask again.
 */
export function replenishmentSubscriptions(service: InventoryService, replenishment: ReplenishmentService): Subscription[] {
  return [
    // A pick's low-stock check runs in inventory's set-based pick handler (subscriptions.ts), after the run's picks: a
    // second subscription to the type would make the bus hand the picks over one at a time (ADR 0043).
    on(InventoryEvents.moved, (move, event, tx) => replenishment.afterFaceChange(tx, {
      siteId: move.siteId, ownerId: move.ownerId, sku: move.sku, locationId: move.fromLocationId, reference: move.movementId }, causedBy(event))),
    on(InventoryEvents.adjusted, async (adjustment, event, tx) => {
      if (adjustment.delta >= 0) return;
      await replenishment.afterFaceChange(tx, {
        siteId: adjustment.siteId, ownerId: adjustment.ownerId, sku: adjustment.sku, locationId: adjustment.locationId, reference: adjustment.movementId }, causedBy(event));
    }),
    on(InventoryEvents.reserved, (reserved, event, tx) => replenishment.afterWaveReserved(tx, reserved, causedBy(event))),
    on(InventoryEvents.replenishmentCompleted, async (done, event, tx) => {
      if (done.moved <= 0) return;
      const freed = { siteId: done.siteId, skus: [done.sku] };
      await service.retryShortRecoveries(tx, freed, causedBy(event));
      await service.retryBackorders(tx, freed, causedBy(event));
    }),
    // Customer returns (RMA): units restocked into a pickable location joined ATP; short picks and backorders of the SKU
    // retry. Restocked anywhere, they may be the source a face waiting for one lacked (a reserve bin, say): the SKU's
    // waiting faces ask again, as after a receipt or a released hold (stockTouched).
    on(InventoryEvents.rmaInspected, async (inspected, event, tx) => {
      if (inspected.disposition !== 'RESTOCK' || inspected.quantity <= 0) return;
      const freed = { siteId: inspected.siteId, skus: [inspected.sku] };
      if (inspected.toPickable) {
        await service.retryShortRecoveries(tx, freed, causedBy(event));
        await service.retryBackorders(tx, freed, causedBy(event));
      }
      await replenishment.retryWaits(tx, freed, causedBy(event));
    }),
  ];
}
