import { on } from '../../contracts/events.ts';
import { QualityEvents } from '../../contracts/quality.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
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
export function packShipQualitySubscriptions(clock: Clock): Subscription[] {
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
    on(QualityEvents.holdPlaced, async (hold, _event, tx) => {
      const t = hold.target;
      if (t.kind !== 'PACKAGE' || t.packageId === null || t.orderId === null) return;
      await packStore.lockOrder(tx, t.orderId);
      const at = { packageId: t.packageId, orderId: t.orderId, inspectionId: hold.inspectionId, now: clock.now() };
      await qualityHoldStore.place(tx, at);
      await qualityHoldStore.inspectionDone(tx, at);
    }),
    on(QualityEvents.holdDisposed, async (d, _event, tx) => {
      const t = d.target;
      if (t.kind !== 'PACKAGE' || t.orderId === null) return;
      await packStore.lockOrder(tx, t.orderId);
      const released = d.disposition === 'RELEASE' || d.disposition === 'REWORK';
      await qualityHoldStore.dispose(tx, d.inspectionId, released ? 'RELEASED' : 'SCRAPPED', clock.now());
      // A scrapped package never ships: a SHIP scan that loaded its carton before the inspection failed no longer
      // claims it (ADR 0031 addendum 2026-12-06), so its repack and the order's cancel are decided as at the bench.
      // Before, with no shipment to void, booking (scrapped), repack (shipped at the dock) and cancel (ORDER_SHIPPED)
      // were all refused for good.
      if (!released && t.packageId !== null) await packStore.unloadDockShip(tx, t.orderId, [t.packageId]);
    }),
  ];
}
