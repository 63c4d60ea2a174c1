import { on } from '../../contracts/events.ts';
import { PackShipEvents, type HeldAfterDispatch, type PackageUnloaded } from '../../contracts/pack-ship.ts';
import { QualityEvents } from '../../contracts/quality.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { EventBus, Subscription } from '../../platform/bus/event-bus.ts';
import type { Clock } from '../../platform/clock.ts';
import { qualityHoldStore } from './quality-hold-store.ts';
import { packStore } from './store.ts';

/**
 * Quality's holds on packages (issue 13): a failed packing inspection keeps the package from being booked or dispatched
 * until its disposition releases it (RELEASE / REWORK) or scraps it. Each handler first locks the order's row, the
 * lock every booking and dispatch takes, so a hold and a dispatch of the package are serialised. A packing inspection
 * is OPEN from `quality.inspection.required` until it passed (`quality.inspection.completed`) or failed and placed its
 * hold: meanwhile the package is not repacked (ADR 0031 addendum 2026-12-04). A failure is DONE with the hold, not with
 * the completion, so there is no moment when neither the inspection nor its hold refuses the repack.
 */
export function packShipQualitySubscriptions(clock: Clock, bus: Pick<EventBus, 'append'>): Subscription[] {
  return [
    on(QualityEvents.inspectionRequired, async (i, _event, tx) => {
      const t = i.target;
      if (t.kind !== 'PACKAGE' || t.packageId === null || t.orderId === null) return;
      await packStore.lockOrder(tx, t.orderId);
      await qualityHoldStore.inspectionOpened(tx, { inspectionId: i.inspectionId, packageId: t.packageId, orderId: t.orderId, now: clock.now() });
    }),
    on(QualityEvents.inspectionCompleted, async (c, _event, tx) => {
      const t = c.target;
      if (c.status !== 'PASSED' || t.kind !== 'PACKAGE' || t.packageId === null || t.orderId === null) return;
      await packStore.lockOrder(tx, t.orderId);
      await qualityHoldStore.inspectionDone(tx, { inspectionId: c.inspectionId, packageId: t.packageId, orderId: t.orderId, now: clock.now() });
    }),
    on(QualityEvents.holdPlaced, async (hold, event, tx) => {
      const t = hold.target;
      if (t.kind !== 'PACKAGE' || t.packageId === null || t.orderId === null) return;
      await packStore.lockOrder(tx, t.orderId);
      const at = { packageId: t.packageId, orderId: t.orderId, inspectionId: hold.inspectionId, now: clock.now() };
      await qualityHoldStore.place(tx, at);
      await qualityHoldStore.inspectionDone(tx, at);
      // The package left already (an OPEN inspection does not stop the truck; a dispatch between the FAILED results and
      // this event ships it): the hold stays recorded and moves nothing, and a supervisor must hear of it (ADR 0031
      // addendum 2026-12-07): orchestration raises QUALITY_HOLD_ON_SHIPPED_PACKAGE. Before, nothing said so.
      const p = await qualityHoldStore.packageShipping(tx, t.packageId);
      if (p?.status !== 'SHIPPED' || p.shipment_id === null) return;
      const data: HeldAfterDispatch = {
        packageId: t.packageId, orderId: t.orderId, siteId: p.site_id, inspectionId: hold.inspectionId, shipmentId: p.shipment_id,
        carrier: p.carrier ?? '', trackingNumber: p.tracking_number, dispatchedAt: p.dispatched_at === null ? null : p.dispatched_at.toISOString(),
      };
      await bus.append(tx, 'pack-ship', [{ type: PackShipEvents.heldAfterDispatch, subject: t.packageId, siteId: p.site_id, data }], causedBy(event));
    }),
    on(QualityEvents.holdDisposed, async (d, event, tx) => {
      const t = d.target;
      if (t.kind !== 'PACKAGE' || t.orderId === null) return;
      await packStore.lockOrder(tx, t.orderId);
      const released = d.disposition === 'RELEASE' || d.disposition === 'REWORK';
      await qualityHoldStore.dispose(tx, d.inspectionId, released ? 'RELEASED' : 'SCRAPPED', clock.now());
      if (released || t.packageId === null) return;
      // A dispatched package is gone: its disposition moves nothing here (QUALITY_HOLD_ON_SHIPPED_PACKAGE told of it).
      const p = await qualityHoldStore.packageShipping(tx, t.packageId);
      if (p === undefined || p.status === 'SHIPPED') return;
      // A scrapped package never ships: a SHIP scan that loaded its carton before the inspection failed no longer
      // claims it (ADR 0031 addendum 2026-12-06), so its repack and the order's cancel are decided as at the bench.
      // Before, with no shipment to void, booking (scrapped), repack (shipped at the dock) and cancel (ORDER_SHIPPED)
      // were all refused for good. Physical tracking hears `pack-ship.package.unloaded` and takes the carton back off
      // the truck, as a void's (addendum 2026-12-07; it stayed SHIPPED before).
      const unloaded = await packStore.unloadDockShip(tx, t.orderId, [t.packageId]);
      if (unloaded.length === 0) return;
      const data: PackageUnloaded = { packageId: t.packageId, orderId: t.orderId, siteId: p.site_id, inspectionId: d.inspectionId, disposition: d.disposition === 'SCRAP' ? 'SCRAP' : 'RETURN_TO_VENDOR' };
      await bus.append(tx, 'pack-ship', [{ type: PackShipEvents.packageUnloaded, subject: t.packageId, siteId: p.site_id, data }], causedBy(event));
    }),
  ];
}
