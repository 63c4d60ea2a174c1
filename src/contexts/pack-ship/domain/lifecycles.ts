import type { PackageStatus, ShipmentStatus } from '../../../contracts/pack-ship.ts';

/** Package lifecycle (DOMAIN.md); LABELLED → PACKED is a voided label (allowed until dispatch). */
export const PACKAGE_TRANSITIONS: Record<PackageStatus, readonly PackageStatus[]> = {
  OPEN: ['PACKED'],
  PACKED: ['LABELLED'],
  LABELLED: ['MANIFESTED', 'SHIPPED', 'PACKED'],
  MANIFESTED: ['SHIPPED'],
  SHIPPED: [],
};

/** Shipment lifecycle (DOMAIN.md); LABELLED → CREATED is a voided label. */
export const SHIPMENT_TRANSITIONS: Record<ShipmentStatus, readonly ShipmentStatus[]> = {
  CREATED: ['LABELLED'],
  LABELLED: ['DISPATCHED', 'CREATED'],
  DISPATCHED: ['IN_TRANSIT', 'DELIVERED', 'EXCEPTION'],
  IN_TRANSIT: ['DELIVERED', 'EXCEPTION'],
  DELIVERED: [],
  EXCEPTION: [],
};

export const canMovePackage = (from: PackageStatus, to: PackageStatus): boolean => PACKAGE_TRANSITIONS[from].includes(to);
export const canMoveShipment = (from: ShipmentStatus, to: ShipmentStatus): boolean => SHIPMENT_TRANSITIONS[from].includes(to);
