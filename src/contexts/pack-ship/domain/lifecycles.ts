import type { PackageStatus, ShipmentStatus } from '../../../contracts/pack-ship.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/**
 * Package lifecycle; OPEN is a carton being filled at the pack station, sealed → PACKED; LABELLED → PACKED is a voided
 * label (allowed until the manifest); any package not yet shipped is voided (CANCELLED) when its order is cancelled;
 * an open or packed package can be opened again (REPACKED) and its units packed anew.
 */
export const PACKAGE_TRANSITIONS: Record<PackageStatus, readonly PackageStatus[]> = {
  OPEN: ['PACKED', 'CANCELLED', 'REPACKED'],
  PACKED: ['LABELLED', 'CANCELLED', 'REPACKED'],
  LABELLED: ['MANIFESTED', 'SHIPPED', 'PACKED', 'CANCELLED'],
  MANIFESTED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: [],
  CANCELLED: [],
  REPACKED: [],
};

/** The table the code enforces (platform/lifecycle.ts). `POST /packages` writes a package PACKED at once (it was OPEN while packed). */
export const packageLifecycle = defineLifecycle('package', PACKAGE_TRANSITIONS, ['OPEN']);

/** Packages a cancellation voids: every one that has not left (the store's void statement takes these only). */
export const VOIDABLE_PACKAGE_STATUSES: readonly PackageStatus[] = (Object.keys(PACKAGE_TRANSITIONS) as PackageStatus[])
  .filter((s) => packageLifecycle.can(s, 'CANCELLED'));

/** Shipment lifecycle; LABELLED → VOIDED is a voided label; CANCELLED voids a booking whose order was cancelled. */
export const SHIPMENT_TRANSITIONS: Record<ShipmentStatus, readonly ShipmentStatus[]> = {
  CREATED: ['LABELLED', 'CANCELLED'],
  LABELLED: ['DISPATCHED', 'VOIDED', 'CANCELLED'],
  DISPATCHED: ['IN_TRANSIT', 'DELIVERED', 'EXCEPTION'],
  IN_TRANSIT: ['DELIVERED', 'EXCEPTION'],
  DELIVERED: [],
  // A carrier exception (a failed delivery attempt, an address query, a delay) usually resolves: the carrier's next
  // scan takes the shipment on its way again, or delivers it.
  EXCEPTION: ['IN_TRANSIT', 'DELIVERED'],
  CANCELLED: [],
  VOIDED: [],
};

export const shipmentLifecycle = defineLifecycle('shipment', SHIPMENT_TRANSITIONS, ['CREATED']);

/** Shipments a cancellation voids: booked, not dispatched (the store's void statement takes these only). */
export const VOIDABLE_SHIPMENT_STATUSES: readonly ShipmentStatus[] = (Object.keys(SHIPMENT_TRANSITIONS) as ShipmentStatus[])
  .filter((s) => shipmentLifecycle.can(s, 'CANCELLED'));
