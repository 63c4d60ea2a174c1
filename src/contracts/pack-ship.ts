import type { EventMeta } from '../platform/bus/envelope.ts';
/** pack-ship: packages, cartons, shipments and the carrier port. */

/** CANCELLED: voided because its order was cancelled before dispatch; its units go back to stock. */
export const PACKAGE_STATUSES = ['OPEN', 'PACKED', 'LABELLED', 'MANIFESTED', 'SHIPPED', 'CANCELLED'] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];
/** CANCELLED: booked but voided (label void) because its order was cancelled before dispatch. */
export const SHIPMENT_STATUSES = ['CREATED', 'LABELLED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'EXCEPTION', 'CANCELLED'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export const PackShipEvents = {
  packagePacked: 'pack-ship.package.packed.v1',
  /** Every picked unit of the order is packed and its picking is done: emitted exactly once per order (`OrderPacked`). */
  orderPacked: 'pack-ship.order.packed.v1',
  shipmentCreated: 'pack-ship.shipment.created.v1',
  shipmentDispatched: 'pack-ship.shipment.dispatched.v1',
  /**
   * Shipping stopped for good for a cancelled order (`ShippingStopped`): its packages and undispatched shipments are
   * voided and no package or shipment will be made for it. Emitted once per order, by `PackShipApi.stopShipping`.
   */
  shippingStopped: 'pack-ship.order.shipping-stopped.v1',
} as const;

export interface PackagePacked {
  readonly packageId: string;
  readonly orderId: string;
  readonly siteId: string;
  readonly cartonCode: string;
  readonly weightG: number;
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: number }[];
  /**
   * True when this package completed the order (picking done, every picked unit now packed); `pack-ship.order.packed.v1`
   * follows in the same transaction. Consumers should react to that event: it also covers the order whose picking
   * completes after its last picked unit was packed, where no package carries `orderComplete: true`.
   */
  readonly orderComplete: boolean;
}

/** The order is packed: its picking is done and every picked unit is in one of `packageIds`. Once per order. */
export interface OrderPacked {
  readonly orderId: string;
  readonly siteId: string;
  readonly packageIds: readonly string[];
}

/** A shipment was booked with its carrier and labelled. */
export interface ShipmentCreated {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly siteId: string;
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly packageIds: readonly string[];
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

export interface ShippingStopped {
  readonly orderId: string;
  readonly siteId: string;
  readonly reason: string | null;
  readonly voidedPackageIds: readonly string[];
  readonly voidedShipmentIds: readonly string[];
}

/** Why shipping could not be stopped: the order already left the building. */
export interface AlreadyDispatched {
  readonly stopped: false;
  readonly shipmentId: string;
}

/** What other contexts may ask of pack & ship synchronously. */
export interface PackShipApi {
  /**
   * Codes of the carriers a shipment can be booked with: the built-in own fleet and any carrier adapter configured.
   * Orders refuses an order naming another carrier at intake, so no order waits for a carrier nobody can book.
   */
  bookableCarriers(): Promise<readonly string[]>;
  /**
   * The dispatch dock is the single decision point of an order's cancellation: this either stops every future pack,
   * label and dispatch of the order (and voids what is not dispatched) or says it has already been dispatched.
   * Idempotent; it commits its own transaction and announces `pack-ship.order.shipping-stopped.v1`, so a caller that
   * crashes after it still sees the cancel through.
   */
  stopShipping(input: { readonly orderId: string; readonly siteId: string; readonly reason: string | null }, meta: EventMeta): Promise<{ readonly stopped: true } | AlreadyDispatched>;
}
