/** A postal address as labels print it and carriers receive it. */
export interface Address {
  readonly name: string;
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly postalCode: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

/** One parcel (package) as a carrier sees it: weights in grams, outer dimensions in millimetres. */
export interface Parcel {
  readonly packageId: string;
  readonly sscc: string | null;
  readonly cartonCode: string;
  readonly weightG: number;
  readonly lengthMm: number;
  readonly widthMm: number;
  readonly heightMm: number;
}

/** What a carrier needs to quote a shipment. */
export interface RateRequest {
  readonly siteId: string;
  readonly shipFrom: Address;
  /** Null for an order received without an address (older events): only carriers that do not need one can quote. */
  readonly shipTo: Address | null;
  readonly packages: readonly Parcel[];
}

/** What a carrier needs to book a shipment. */
export interface CarrierShipment extends RateRequest {
  readonly shipmentId: string;
  readonly orderId: string;
  /**
   * The same for every attempt at booking these packages of the order with this carrier and service until one is
   * recorded (a new one after a void): a carrier that answers a repeated key with its first booking never books twice
   * when an answer was lost (a timeout after the carrier booked). The REST adapter sends it as `Idempotency-Key`.
   */
  readonly bookingKey?: string;
  /** The service booked (one of the carrier's `services`). */
  readonly service: string;
}

export interface CarrierService {
  readonly code: string;
  readonly name: string;
  /** Working days from dispatch to delivery the carrier commits to. */
  readonly transitDays: number;
}

export interface RateQuote {
  readonly carrier: string;
  readonly service: string;
  /** Price of the whole shipment, in `currency`, surcharges included. */
  readonly price: number;
  readonly currency: string;
  readonly transitDays: number;
}

/** The highest price a shipment records (`pack_ship.shipments.price`, numeric(12, 2)). */
export const MAX_QUOTE_PRICE = 9_999_999_999.99;

/**
 * Why a carrier's quote cannot be taken (undefined: it can): a price that is no amount a shipment records (negative, or
 * past {@link MAX_QUOTE_PRICE}), a transit that is no whole number of days, a currency that
 * is no ISO 4217 code. Such a quote once won rate shopping (a negative price) or was booked with the carrier and then
 * could not be recorded (the label made, the request answered 400 "nothing was changed").
 */
export function malformedQuote(q: RateQuote): string | undefined {
  if (!Number.isFinite(q.price) || q.price < 0 || q.price > MAX_QUOTE_PRICE) return `price ${q.price} is not an amount from 0 to ${MAX_QUOTE_PRICE}`;
  if (!Number.isInteger(q.transitDays) || q.transitDays < 0) return `transitDays ${q.transitDays} is not a whole number of days`;
  if (!/^[A-Z]{3}$/.test(q.currency)) return `currency ${JSON.stringify(q.currency)} is not an ISO 4217 code`;
  return undefined;
}

export interface CarrierBooking {
  readonly trackingNumber: string;
  /** The carrier's own label in ZPL II when it sends one; PakLog prints its GS1 label otherwise. */
  readonly labelZpl?: string;
}

export const TRACKING_STATUSES = ['IN_TRANSIT', 'DELIVERED', 'EXCEPTION'] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

export interface TrackingUpdate {
  readonly trackingNumber: string;
  readonly status: TrackingStatus;
  readonly at: string;
  readonly detail?: string;
}

/**
 * An event of a carrier's tracking answer that PakLog cannot take (an `at` that is no instant, a detail that is no text,
 * an unknown status…), with why: skipped by the poll — logged with its shipment and counted — while the answer's other
 * events are applied. `trackingNumber` when the event names one.
 */
export interface MalformedTrackingEvent {
  readonly trackingNumber: string | null;
  readonly malformed: string;
}

/**
 * The carrier port: a TMS or a parcel carrier's API plugs in here (docs/dev/carriers.md). `book` is required; a
 * carrier without `rate` is never picked by rate shopping (but can be requested by name), one without `void` has
 * labels voided on PakLog's side only, one without `track` is tracked by webhook only.
 */
export interface Carrier {
  readonly code: string;
  readonly services?: readonly CarrierService[];
  /** Quotes for every service that can carry these parcels (none: it cannot). */
  rate?(request: RateRequest): Promise<readonly RateQuote[]>;
  book(shipment: CarrierShipment): Promise<CarrierBooking>;
  void?(trackingNumber: string): Promise<void>;
  /** Tracking events since the last poll, for the poll job; one it cannot take is returned as such, the others applied. */
  track?(trackingNumbers: readonly string[]): Promise<readonly (TrackingUpdate | MalformedTrackingEvent)[]>;
}

export const OWN_FLEET = 'OWN_FLEET';
/** The service of a carrier that declares none. */
export const STANDARD_SERVICE = 'STANDARD';

/** Tracking number of the own fleet: `PK`, the site's tag, and a number from a database sequence (so unique). */
export function ownFleetTrackingNumber(siteId: string, n: number): string {
  const tag = siteId.replace(/^[a-z]+_/, '').replace(/[^A-Za-z0-9]/g, '').slice(-6).toUpperCase().padStart(6, '0');
  return `PK${tag}${String(n).padStart(10, '0')}`;
}

/** The own fleet's plain driver label (before GS1-128 labels; kept for printers set up for it). */
export function ownFleetLabel(s: Pick<CarrierShipment, 'orderId' | 'packages'>, trackingNumber: string): string {
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

/** The own fleet's one service: next-day delivery by the site's vans, at no carrier price (its cost is the fleet's). */
export const OWN_FLEET_SERVICES: readonly CarrierService[] = [{ code: STANDARD_SERVICE, name: 'Own fleet next day', transitDays: 1 }];

/**
 * The built-in carrier: the site's own vans. Numbers come from `nextNumber` (a database sequence). It quotes price 0
 * only when configured with a price (`quotePrice`): by default it does not take part in rate shopping, since a van
 * round is not free, merely not invoiced.
 */
export function ownFleetCarrier(nextNumber: () => Promise<number>, quotePrice?: number): Carrier {
  return {
    code: OWN_FLEET,
    services: OWN_FLEET_SERVICES,
    ...(quotePrice === undefined ? {} : {
      rate: async () => [{ carrier: OWN_FLEET, service: STANDARD_SERVICE, price: quotePrice, currency: 'EUR', transitDays: 1 }],
    }),
    // No label of its own: the vans carry PakLog's GS1-128 labels like any carrier's parcels.
    async book(shipment) {
      return { trackingNumber: ownFleetTrackingNumber(shipment.siteId, await nextNumber()) };
    },
  };
}
