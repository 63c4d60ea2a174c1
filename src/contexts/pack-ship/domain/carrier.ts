/** What a carrier needs to book a shipment. */
export interface CarrierShipment {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly siteId: string;
  readonly packages: readonly { readonly packageId: string; readonly cartonCode: string; readonly weightG: number }[];
}

export interface CarrierBooking {
  readonly trackingNumber: string;
  /** The shipping label in ZPL II, ready for a thermal printer. */
  readonly labelZpl: string;
}

/** The carrier port: a TMS or a parcel carrier's API plugs in here. */
export interface Carrier {
  readonly code: string;
  book(shipment: CarrierShipment): Promise<CarrierBooking>;
}

export const OWN_FLEET = 'OWN_FLEET';

/** Tracking number of the own fleet: `PK`, the site's tag, and a number from a database sequence (so unique). */
export function ownFleetTrackingNumber(siteId: string, n: number): string {
  const tag = siteId.replace(/^[a-z]+_/, '').replace(/[^A-Za-z0-9]/g, '').slice(-6).toUpperCase().padStart(6, '0');
  return `PK${tag}${String(n).padStart(10, '0')}`;
}

export function ownFleetLabel(s: CarrierShipment, trackingNumber: string): string {
  const weight = s.packages.reduce((w, p) => w + p.weightG, 0);
  return [
    '^XA',
    '^CF0,40^FO40,40^FDPakLog own fleet^FS',
    `^CF0,30^FO40,100^FDOrder ${s.orderId}^FS`,
    `^FO40,140^FDPackages ${s.packages.length}  Weight ${(weight / 1000).toFixed(2)} kg^FS`,
    `^BY3^FO40,200^BCN,120,Y,N,N^FD${trackingNumber}^FS`,
    '^XZ',
  ].join('\n');
}

/** The built-in carrier: the site's own vans. Numbers come from `nextNumber` (a database sequence). */
export function ownFleetCarrier(nextNumber: () => Promise<number>): Carrier {
  return {
    code: OWN_FLEET,
    async book(shipment) {
      const trackingNumber = ownFleetTrackingNumber(shipment.siteId, await nextNumber());
      return { trackingNumber, labelZpl: ownFleetLabel(shipment, trackingNumber) };
    },
  };
}
