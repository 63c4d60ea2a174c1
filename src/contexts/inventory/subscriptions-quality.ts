import { on } from '../../contracts/events.ts';
import { DEFAULT_OWNER_ID } from '../../contracts/inventory.ts';
import { QualityEvents } from '../../contracts/quality.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { disposeQualityHold, placeQualityHold } from './use-cases/quality-hold/handler.ts';

/**
 * Quality's holds on stock (issue 13, ADR 0031): a failed inspection of received units puts them on HOLD (they leave
 * ATP: never allocated nor reserved); its disposition releases them (RELEASE / REWORK: back to AVAILABLE, backorders
 * retried on `inventory.stock.hold-released`) or takes them out of stock (SCRAP / RETURN_TO_VENDOR: ADJUST). Package
 * holds are pack & ship's. Idempotent twice over: the inbox, and one `quality_holds` row per inspection.
 */
export function qualitySubscriptions(deps: Pick<PlatformDeps, 'ids' | 'bus' | 'clock'>): Subscription[] {
  const place = placeQualityHold(deps);
  const dispose = disposeQualityHold(deps);
  return [
    on(QualityEvents.holdPlaced, async (hold, event, tx) => {
      const t = hold.target;
      if (t.kind !== 'STOCK' || t.sku === null || t.locationId === null) return;
      await place(tx, {
        inspectionId: hold.inspectionId, siteId: hold.siteId, ownerId: t.ownerId ?? DEFAULT_OWNER_ID, sku: t.sku, locationId: t.locationId, lot: t.lot, quantity: t.quantity, reason: hold.reason,
        receiptRef: hold.receiptRef ?? null,
      }, causedBy(event));
    }),
    on(QualityEvents.holdDisposed, async (d, event, tx) => {
      if (d.target.kind !== 'STOCK') return;
      await dispose(tx, { inspectionId: d.inspectionId, disposition: d.disposition }, causedBy(event));
    }),
  ];
}
