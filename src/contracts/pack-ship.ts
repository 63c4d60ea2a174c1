/** pack-ship: packages, cartons, shipments and the carrier port. */

export const PackShipEvents = {
  packagePacked: 'pack-ship.package.packed.v1',
  shipmentCreated: 'pack-ship.shipment.created.v1',
  shipmentDispatched: 'pack-ship.shipment.dispatched.v1',
} as const;

export interface PackagePacked {
  readonly packageId: string;
  readonly orderId: string;
  readonly siteId: string;
  readonly cartonCode: string;
  readonly weightG: number;
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: number }[];
  /** True when every picked unit of the order is now packed. */
  readonly orderComplete: boolean;
}

export interface ShipmentDispatched {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly siteId: string;
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly packageIds: readonly string[];
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: number }[];
}
