import { on } from '../../contracts/events.ts';
import { QualityEvents } from '../../contracts/quality.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Clock } from '../../platform/clock.ts';
import { qualityHoldStore } from './quality-hold-store.ts';
import { packStore } from './store.ts';

/**
 * Quality's holds on packages (issue 13): a failed packing inspection keeps the package from being booked or dispatched
 * until its disposition releases it (RELEASE / REWORK) or scraps it. Each handler first locks the order's row, the
 * lock every booking and dispatch takes, so a hold and a dispatch of the package are serialised.
 */
export function packShipQualitySubscriptions(clock: Clock): Subscription[] {
  return [
    on(QualityEvents.holdPlaced, async (hold, _event, tx) => {
      const t = hold.target;
      if (t.kind !== 'PACKAGE' || t.packageId === null || t.orderId === null) return;
      await packStore.lockOrder(tx, t.orderId);
      await qualityHoldStore.place(tx, { packageId: t.packageId, orderId: t.orderId, inspectionId: hold.inspectionId, now: clock.now() });
    }),
    on(QualityEvents.holdDisposed, async (d, _event, tx) => {
      const t = d.target;
      if (t.kind !== 'PACKAGE' || t.orderId === null) return;
      await packStore.lockOrder(tx, t.orderId);
      await qualityHoldStore.dispose(tx, d.inspectionId, d.disposition === 'RELEASE' || d.disposition === 'REWORK' ? 'RELEASED' : 'SCRAPPED', clock.now());
    }),
  ];
}
