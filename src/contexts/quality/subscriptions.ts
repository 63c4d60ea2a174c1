import { on } from '../../contracts/events.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import { SUPPLIER_AUDIT_SUFFIX, type QualityService } from './service.ts';

/**
 * The triggers of inspection plans. RECEIVING: every receipt of AVAILABLE units (`inventory.stock.received`) for the plans with no
 * supplier scope; the putaway of a receipt against an ASN (`inventory.stock.putaway-requested` with its ASN) for the
 * plans of that ASN's supplier, which audit that supplier's deliveries on top of the others. PACKING: each package packed.
 * An order cancelled withdraws its packages' OPEN inspections (pack & ship voided the packages).
 */
export function qualitySubscriptions(quality: QualityService): Subscription[] {
  return [
    on(InventoryEvents.asnCreated, async (asn, _event, tx) => {
      await quality.rememberAsnSupplier(tx, asn.asnId, asn.supplier);
    }),
    on(InventoryEvents.received, async (r, event, tx) => {
      // Damaged or quarantined units are held already: a failed inspection's hold (of AVAILABLE units there) would take
      // other receipts' good units, or none and report them missing.
      if (r.status !== undefined && r.status !== 'AVAILABLE') return;
      await quality.sample(tx, {
        siteId: r.siteId, stage: 'RECEIVING', sourceRef: r.movementId, supplierId: null, ownerId: r.ownerId ?? null,
        target: { kind: 'STOCK', sku: r.sku, skus: [r.sku], locationId: r.locationId, lot: r.lot, ...(r.ownerId === undefined ? {} : { ownerId: r.ownerId }),
          quantity: r.quantity, packageId: null, orderId: null },
      }, causedBy(event));
    }),
    on(InventoryEvents.putawayRequested, async (p, event, tx) => {
      // Damaged or quarantined units are held already; only AVAILABLE receipts of a known supplier are audited here.
      if (p.asnId === null || p.status !== 'AVAILABLE') return;
      const supplier = await quality.supplierOfAsn(tx, p.asnId);
      if (supplier === null) return;
      await quality.sample(tx, {
        siteId: p.siteId, stage: 'RECEIVING', sourceRef: `${p.receiptMovementId}${SUPPLIER_AUDIT_SUFFIX}`, supplierId: supplier, ownerId: p.ownerId ?? null,
        target: { kind: 'STOCK', sku: p.sku, skus: [p.sku], locationId: p.fromLocationId, lot: p.lot, ...(p.ownerId === undefined ? {} : { ownerId: p.ownerId }),
          quantity: p.quantity, packageId: null, orderId: null },
      }, causedBy(event));
    }),
    on(PackShipEvents.packagePacked, async (pkg, event, tx) => {
      const skus = [...new Set(pkg.lines.map((l) => l.sku))].sort();
      await quality.sample(tx, {
        siteId: pkg.siteId, stage: 'PACKING', sourceRef: pkg.packageId, supplierId: null, ownerId: null,
        target: { kind: 'PACKAGE', sku: skus.length === 1 ? skus[0]! : null, skus, locationId: null, lot: null,
          quantity: pkg.lines.reduce((n, l) => n + l.quantity, 0), packageId: pkg.packageId, orderId: pkg.orderId },
      }, causedBy(event));
    }),
    on(OrderEvents.cancelled, async (o, event, tx) => {
      await quality.cancelForOrder(tx, o.orderId, `order ${o.orderId} cancelled: its packages were voided`, causedBy(event));
    }),
  ];
}
