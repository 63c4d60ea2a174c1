import type { PackageStatus, ShipmentStatus } from '../../../contracts/pack-ship.ts';

/**
 * Package lifecycle (DOMAIN.md); LABELLED → PACKED is a voided label (allowed until dispatch); any package not yet
 * shipped is voided (CANCELLED) when its order is cancelled.
 */
export const PACKAGE_TRANSITIONS: Record<PackageStatus, readonly PackageStatus[]> = {
  OPEN: ['PACKED', 'CANCELLED'],
  PACKED: ['LABELLED', 'CANCELLED'],
  LABELLED: ['MANIFESTED', 'SHIPPED', 'PACKED', 'CANCELLED'],
  MANIFESTED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: [],
  CANCELLED: [],
};

/** Packages a cancellation voids: every one that has not left. */
export const VOIDABLE_PACKAGE_STATUSES: readonly PackageStatus[] = (Object.keys(PACKAGE_TRANSITIONS) as PackageStatus[])
  .filter((s) => PACKAGE_TRANSITIONS[s].includes('CANCELLED'));

/** Shipment lifecycle (DOMAIN.md); LABELLED → CREATED is a voided label; CANCELLED voids a booking whose order was cancelled. */
export const SHIPMENT_TRANSITIONS: Record<ShipmentStatus, readonly ShipmentStatus[]> = {
  CREATED: ['LABELLED', 'CANCELLED'],
  LABELLED: ['DISPATCHED', 'CREATED', 'CANCELLED'],
  DISPATCHED: ['IN_TRANSIT', 'DELIVERED', 'EXCEPTION'],
  IN_TRANSIT: ['DELIVERED', 'EXCEPTION'],
  DELIVERED: [],
  EXCEPTION: [],
  CANCELLED: [],
};

/** Shipments a cancellation voids: booked, not dispatched. */
export const VOIDABLE_SHIPMENT_STATUSES: readonly ShipmentStatus[] = (Object.keys(SHIPMENT_TRANSITIONS) as ShipmentStatus[])
  .filter((s) => SHIPMENT_TRANSITIONS[s].includes('CANCELLED'));

export const canMovePackage = (from: PackageStatus, to: PackageStatus): boolean => PACKAGE_TRANSITIONS[from].includes(to);
export const canMoveShipment = (from: ShipmentStatus, to: ShipmentStatus): boolean => SHIPMENT_TRANSITIONS[from].includes(to);
