import { Type, type Static } from 'typebox';
import type { EventMeta } from '../platform/bus/envelope.ts';
import { List } from '../platform/bus/published-language.ts';
import type { ErrorSpecs, Outcome } from '../platform/errors.ts';
/** pack-ship: packages, cartons, shipments and the carrier port. */

/**
 * OPEN: a carton being filled at a pack station (units scanned in, not sealed). CANCELLED: voided because its order was
 * cancelled before dispatch; its units go back to stock. REPACKED: opened again at the pack station; its units are
 * unpacked and go into new packages.
 */
export const PACKAGE_STATUSES = ['OPEN', 'PACKED', 'LABELLED', 'MANIFESTED', 'SHIPPED', 'CANCELLED', 'REPACKED'] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];
/**
 * CANCELLED: booked but voided (label void) because its order was cancelled before dispatch. VOIDED: its label was
 * voided before dispatch (`POST /shipments/{id}/void`); its packages can be booked again.
 */
export const SHIPMENT_STATUSES = ['CREATED', 'LABELLED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'EXCEPTION', 'CANCELLED', 'VOIDED'] as const;
/** What a carrier's tracking says of a dispatched shipment. */
export const TRACKING_STATUSES = ['IN_TRANSIT', 'DELIVERED', 'EXCEPTION'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export const PackShipEvents = {
  packagePacked: 'pack-ship.package.packed.v1',
  orderPacked: 'pack-ship.order.packed.v1',
  shipmentCreated: 'pack-ship.shipment.created.v1',
  shipmentDispatched: 'pack-ship.shipment.dispatched.v1',
  shippingStopped: 'pack-ship.order.shipping-stopped.v1',
  packageRepacked: 'pack-ship.package.repacked.v1',
  shipmentVoided: 'pack-ship.shipment.voided.v1',
  labelVoidFailed: 'pack-ship.label.void-failed.v1',
  labelBookingUnsettled: 'pack-ship.label.booking-unsettled.v1',
  manifestClosed: 'pack-ship.manifest.closed.v1',
  shipmentTracked: 'pack-ship.shipment.tracked.v1',
  cartonUpdated: 'pack-ship.carton.updated.v1',
  cartonDeactivated: 'pack-ship.carton.deactivated.v1',
  cartonReactivated: 'pack-ship.carton.reactivated.v1',
  readyToPack: 'pack-ship.order.ready-to-pack.v1',
  orderDelivered: 'pack-ship.order.delivered.v1',
  unitsShortAtPack: 'pack-ship.units.short-at-pack.v1',
  heldAfterDispatch: 'pack-ship.package.held-after-dispatch.v1',
  packageUnloaded: 'pack-ship.package.unloaded.v1',
} as const;

/** A carton of the catalogue packing chooses from (`GET /cartons`). */
export const CartonSchema = Type.Object({
  code: Type.String(), description: Type.String(),
  innerLengthMm: Type.Integer({ description: 'Millimetres.' }), innerWidthMm: Type.Integer({ description: 'Millimetres.' }), innerHeightMm: Type.Integer({ description: 'Millimetres.' }),
  maxWeightG: Type.Integer({ description: 'Grams it may carry.' }), tareG: Type.Integer({ description: 'Its own weight in grams.' }), cost: Type.Number(),
  active: Type.Boolean({ description: 'False once deactivated (ADR 0045): never suggested nor accepted when packing; packages already in it are untouched.' }),
});
export type CartonView = Static<typeof CartonSchema>;

const LineQuantity = Type.Object({ lineId: Type.String(), sku: Type.String(), quantity: Type.Integer() });

/** The payload of every pack & ship event, by type name; the description says when it is emitted. */
export const PackShipEventSchemas = {
  [PackShipEvents.packagePacked]: Type.Object({
    packageId: Type.String(), orderId: Type.String(), siteId: Type.String(), cartonCode: Type.String(), weightG: Type.Number(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (3PL client, ADR 0028): whose units the carton holds. Absent: the default owner (or an older event)." })),
    sscc: Type.Optional(Type.String({
      description: "The package's SSCC-18 (GS1 AI 00, 18 digits, no parentheses): what its shipping label's GS1-128 barcode carries. Physical tracking keeps it as the carton LPN's second code, so a scan of the printed label names the carton (ADR 0029 addendum 2026-12-06). Absent in older events.",
    })),
    lines: List(LineQuantity),
    workerId: Type.Optional(Type.String({
      description: 'Who packed (added in place: optional): the signed-in person who sealed the carton at the pack station (or packed it whole, '
        + '`POST /packages`). Absent when a key packed (it names no one) and in older events. Physical tracking records the carton scan '
        + '(PACK_INTO_CARTON) with it.',
    })),
    orderComplete: Type.Boolean({
      description: 'True when this package completed the order (picking done, every picked unit now packed); `pack-ship.order.packed.v1` follows in the same transaction. Consumers should react to that event: it also covers the order whose picking completes after its last picked unit was packed, where no package carries `orderComplete: true`.',
    }),
  }, { description: 'Picked units of an order were packed into a carton (`POST /packages`).' }),
  [PackShipEvents.orderPacked]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), packageIds: List(Type.String()),
    round: Type.Optional(Type.Integer({ minimum: 1, description: 'The packing round this packed (see `pack-ship.order.ready-to-pack.v1` `round`); absent in older events: 1.' })),
  }, { description: 'Every picked unit of the order is packed and its picking is done: emitted once per packing round (once per order unless a packed package was repacked, ADR 0035 addendum 2026-12-05).' }),
  [PackShipEvents.shipmentCreated]: Type.Object({
    shipmentId: Type.String(), orderId: Type.String(), siteId: Type.String(), carrier: Type.String(), trackingNumber: Type.String(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (3PL client, ADR 0028). Absent: the default owner." })),
    packageIds: List(Type.String()),
    service: Type.Optional(Type.String({ description: "The carrier's service booked (absent in older events: the carrier's standard one)." })),
  }, { description: 'A shipment was booked with its carrier and labelled (`POST /shipments`).' }),
  [PackShipEvents.shipmentDispatched]: Type.Object({
    shipmentId: Type.String(), orderId: Type.String(), siteId: Type.String(), carrier: Type.String(), trackingNumber: Type.String(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (3PL client, ADR 0028). Absent: the default owner." })),
    packageIds: List(Type.String()), lines: List(LineQuantity),
  }, { description: 'A shipment left the dock (`POST /shipments/{id}/dispatch`).' }),
  [PackShipEvents.shippingStopped]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), reason: Type.Union([Type.String(), Type.Null()]),
    voidedPackageIds: List(Type.String()), voidedShipmentIds: List(Type.String()),
  }, { description: 'Shipping stopped for good for a cancelled order: its packages and undispatched shipments are voided and no package or shipment will be made for it. Emitted once per order, by `PackShipApi.stopShipping`.' }),
  [PackShipEvents.labelVoidFailed]: Type.Object({
    shipmentId: Type.String(), orderId: Type.String(), siteId: Type.String(), carrier: Type.String(), trackingNumber: Type.String(),
    error: Type.String({ description: 'What the carrier (or the call to it) answered.' }),
  }, { description: 'The label of a shipment voided by an order\'s cancellation could not be voided with its carrier: it may stay billed there. The shipment stays CANCELLED in PakLog; orchestration raises LABEL_VOID_FAILED, whose retry asks the carrier again.' }),
  [PackShipEvents.labelBookingUnsettled]: Type.Object({
    shipmentId: Type.String({ description: 'The id the shipment would have had: the owed call\'s.' }), orderId: Type.String(), siteId: Type.String(),
    carrier: Type.String(), service: Type.String(),
    bookingKey: Type.String({ description: 'The idempotency key every attempt sent the carrier (the REST adapter\'s Idempotency-Key): what to look the booking up by in its portal.' }),
    attempts: Type.Integer({ minimum: 1 }),
    error: Type.String({ description: 'What the carrier (or the call to it) answered last.' }),
    answered: Type.Optional(Type.String({ description: 'Set when the carrier answered the booking with a tracking number PakLog cannot record (another shipment has it already): that number. The carrier holds the label; PakLog does not void it (a void by that number would void the other shipment\'s label): void it with the carrier by the booking key.' })),
    refusal: Type.Optional(Type.String({ maxLength: 300, description: 'Set when the carrier answered and refused the booking (a 4xx: a bad address, a service it does not offer, a weight over its limit…): its reason, capped. Nothing was booked and asking again will not help; absent when it never answered.' })),
  }, { description: 'A booking with a remote carrier was asked for but the carrier never answered it, after every attempt of the request and of the carrier-calls job (ADR 0056): the carrier may hold a label PakLog does not know; or the carrier refused a booking the carrier-calls job asked (`refusal`: at once, not retried). Nothing is recorded; orchestration raises LABEL_BOOKING_UNSETTLED.' }),
  [PackShipEvents.packageRepacked]: Type.Object({
    packageId: Type.String(), orderId: Type.String(), siteId: Type.String(), lines: List(LineQuantity),
    previousStatus: Type.Optional(Type.Union([Type.Literal('OPEN'), Type.Literal('PACKED')], {
      description: 'What the package was: PACKED (sealed; its units had counted as packed and no longer do) or OPEN (its units were only scanned). Absent in older events.',
    })),
  }, { description: 'A packed (or open) package was opened again at the pack station (`POST /packages/{id}/repack`): its units are unpacked and wait to be packed into new packages.' }),
  [PackShipEvents.shipmentVoided]: Type.Object({
    shipmentId: Type.String(), orderId: Type.String(), siteId: Type.String(), carrier: Type.String(), trackingNumber: Type.String(), packageIds: List(Type.String()),
  }, { description: "A shipment's label was voided before dispatch (`POST /shipments/{id}/void`); its packages are PACKED again and can be booked anew." }),
  [PackShipEvents.manifestClosed]: Type.Object({
    manifestId: Type.String(), siteId: Type.String(), carrier: Type.String(), day: Type.String({ description: 'YYYY-MM-DD' }), shipmentIds: List(Type.String()),
  }, { description: "A carrier's end-of-day manifest was closed (`POST /manifests`): its shipments were handed over." }),
  [PackShipEvents.shipmentTracked]: Type.Object({
    shipmentId: Type.String(), orderId: Type.String(), siteId: Type.String(), carrier: Type.String(), trackingNumber: Type.String(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (3PL client, ADR 0028). Absent: the default owner." })),
    status: Type.Enum(TRACKING_STATUSES), at: Type.String({ description: "When the carrier says it happened (ISO-8601)." }),
    detail: Type.Optional(Type.String({ description: "The carrier's own words, when it gave some (e.g. why an exception: `Recipient not at home`)." })),
  }, { description: 'The carrier reported a dispatched shipment in transit, delivered or in exception (webhook `POST /carrier-events` or the tracking poll); the shipment moved to that status. An exception can be followed by IN_TRANSIT or DELIVERED when the carrier resumes; an older report arriving after a newer one is recorded, not applied, except DELIVERED, which is final and applies whenever it comes.' }),
  [PackShipEvents.cartonUpdated]: Type.Object(CartonSchema.properties, { description: 'A carton was changed (`PATCH /cartons/{code}`, ADR 0045); the payload is the carton as it is now.' }),
  [PackShipEvents.cartonDeactivated]: Type.Object({ code: Type.String() }, {
    description: 'A carton was deactivated (`POST /cartons/{code}/deactivate`, ADR 0045): cartonization no longer suggests it and packing refuses it (CARTON_INACTIVE).',
  }),
  [PackShipEvents.cartonReactivated]: Type.Object({ code: Type.String() }, { description: 'A deactivated carton was reactivated (`POST /cartons/{code}/reactivate`, ADR 0045).' }),
  [PackShipEvents.readyToPack]: Type.Object({
    orderId: Type.String(), siteId: Type.String(),
    status: Type.Union([Type.Literal('COMPLETED'), Type.Literal('PARTIAL')], { description: 'PARTIAL when a line of the order stayed short.' }),
    unitsPicked: Type.Integer({ minimum: 0, description: 'The units picked for the order that pack & ship has heard of: every unit picking says it picked (when its event says how many).' }),
    round: Type.Optional(Type.Integer({
      minimum: 1,
      description: 'The packing round: 1 when picking is done; one more each time the order, packed already, has units to pack again (a packed package repacked). Absent in older events: 1.',
    })),
    priority: Type.Optional(Type.Integer({
      description: "The order's priority (1 most urgent) as pack & ship last heard it (received, lines changed, reprioritised): its PACK task's. Absent in older events and when pack & ship has not heard the order's intake yet.",
    })),
  }, {
    description: "The order's picking is done and pack & ship has heard of every unit picked for it: it can be packed whole now (ADR 0049). "
      + 'Emitted when pack & ship first learns that picking is done (`picking.list.completed` `ordersDone`, `picking.order.picked`) and again if '
      + 'that status changes, or, with the next `round`, when the order was packed and a packed package of it was repacked (ADR 0035 addendum 2026-12-05); '
      + 'never for an order whose shipping was stopped. Orders moves the order to PICKED on it; tasks queues a PACK task per round.',
  }),
  [PackShipEvents.orderDelivered]: Type.Object({
    orderId: Type.String(), siteId: Type.String(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (3PL client, ADR 0028). Absent: the default owner." })),
    deliveredAt: Type.String({ description: 'When the carrier delivered the last of its shipments (ISO-8601, as the carrier reported it).' }),
    shipmentIds: List(Type.String(), { description: 'The shipments that carried the order, every one DELIVERED.' }),
  }, {
    description: 'The carrier delivered the last shipment of the order (`pack-ship.shipment.tracked` DELIVERED) and nothing of it is left to ship: '
      + 'every shipment dispatched for it is DELIVERED, none is booked and undispatched, no package and no picked unit waits. Emitted exactly once per order. '
      + 'Orders moves the order SHIPPED → DELIVERED on it.',
  }),
  [PackShipEvents.unitsShortAtPack]: Type.Object({
    orderId: Type.String(), siteId: Type.String(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (3PL client, ADR 0028). Absent: the default owner." })),
    lineId: Type.String(), sku: Type.String(), quantity: Type.Integer({ minimum: 1 }),
    reason: Type.Union([Type.Literal('MISSING'), Type.Literal('DAMAGED')], { description: 'MISSING: not in the tote; DAMAGED: there but not fit to ship.' }),
    toteId: Type.Union([Type.String(), Type.Null()], { description: 'The tote the packer looked in, when named.' }),
    note: Type.Union([Type.String(), Type.Null()]),
  }, {
    description: 'Picked units of the order were found missing or damaged at the pack station (`POST /pack-station/shorts`): they will not be packed '
      + 'nor shipped; the order ships without them (packed once the rest is). Inventory writes them off the order\'s in-process stock '
      + '(ADJUST, reason LOST or DAMAGED) and releases their allocation.',
  }),
  [PackShipEvents.heldAfterDispatch]: Type.Object({
    packageId: Type.String(), orderId: Type.String(), siteId: Type.String(),
    inspectionId: Type.String({ description: 'The failed packing inspection whose hold landed on the package.' }),
    shipmentId: Type.String({ description: 'The dispatched shipment that carried it.' }),
    carrier: Type.String(), trackingNumber: Type.Union([Type.String(), Type.Null()]),
    dispatchedAt: Type.Union([Type.String(), Type.Null()], { description: 'When the shipment was dispatched (ISO-8601).' }),
  }, {
    description: 'A failed packing inspection\'s hold (`quality.hold.placed`) reached a package that had already been dispatched: an OPEN inspection '
      + 'does not stop the truck, and a dispatch right after the FAILED results, before pack & ship heard the hold, ships it (ADR 0031 addendum '
      + '2026-12-07). The package stays SHIPPED and no stock moves; orchestration raises QUALITY_HOLD_ON_SHIPPED_PACKAGE so a supervisor contacts '
      + 'the carrier or the customer. Emitted once per hold.',
  }),
  [PackShipEvents.packageUnloaded]: Type.Object({
    packageId: Type.String(), orderId: Type.String(), siteId: Type.String(),
    inspectionId: Type.String(),
    disposition: Type.Union([Type.Literal('SCRAP'), Type.Literal('RETURN_TO_VENDOR')]),
  }, {
    description: 'A package whose carton a SHIP scan loaded at the dock (no shipment dispatched) will not leave: its packing inspection\'s hold was '
      + 'disposed SCRAP or RETURN_TO_VENDOR. Pack & ship dropped it from the dock\'s shipped claims in the same transaction; physical tracking '
      + 'takes its carton back off the truck, CLOSED where it was scanned out (ADR 0031 addendum 2026-12-07).',
  }),
} as const;

type Payload<T extends keyof typeof PackShipEventSchemas> = Static<(typeof PackShipEventSchemas)[T]>;
export type PackagePacked = Payload<typeof PackShipEvents.packagePacked>;
/** The order is packed: its picking is done and every picked unit is in one of `packageIds`. Once per order. */
export type OrderPacked = Payload<typeof PackShipEvents.orderPacked>;
/** A shipment was booked with its carrier and labelled. */
export type ShipmentCreated = Payload<typeof PackShipEvents.shipmentCreated>;
export type ShipmentDispatched = Payload<typeof PackShipEvents.shipmentDispatched>;
export type ShippingStopped = Payload<typeof PackShipEvents.shippingStopped>;
export type LabelVoidFailed = Payload<typeof PackShipEvents.labelVoidFailed>;
export type LabelBookingUnsettled = Payload<typeof PackShipEvents.labelBookingUnsettled>;
export type PackageRepacked = Payload<typeof PackShipEvents.packageRepacked>;
export type ShipmentVoided = Payload<typeof PackShipEvents.shipmentVoided>;
export type HeldAfterDispatch = Payload<typeof PackShipEvents.heldAfterDispatch>;
export type PackageUnloaded = Payload<typeof PackShipEvents.packageUnloaded>;
export type ManifestClosed = Payload<typeof PackShipEvents.manifestClosed>;
export type ShipmentTracked = Payload<typeof PackShipEvents.shipmentTracked>;
export type CartonUpdated = Payload<typeof PackShipEvents.cartonUpdated>;
export type CartonActiveChanged = Payload<typeof PackShipEvents.cartonDeactivated>;
/** Picking of the order is done and pack & ship has heard of its `unitsPicked` picked units: ready to pack. */
export type ReadyToPack = Payload<typeof PackShipEvents.readyToPack>;
/** Every shipment of the order is delivered and nothing of it is left to ship. Once per order. */
export type OrderDeliveredByCarrier = Payload<typeof PackShipEvents.orderDelivered>;
/** Picked units of an order found missing or damaged at packing: shipped without. */
export type UnitsShortAtPack = Payload<typeof PackShipEvents.unitsShortAtPack>;

/** Coded errors of pack & ship. */
export const PackShipErrors = {
  ORDER_CANCELLING: { status: 409, title: "A cancel of the order is being decided (its If-Match checked): try again in a moment" },
  UNKNOWN_CARRIER: { status: 422, title: 'PakLog cannot book this carrier' },
  CARRIER_NOT_BOOKABLE: { status: 409, title: "The order's carrier cannot be booked; name a bookable carrier to override it" },
  NOTHING_TO_PACK: { status: 409, title: 'Nothing picked to pack' },
  NOTHING_TO_SHIP: { status: 409, title: 'No packed packages to ship' },
  UNITS_NOT_PACKED: { status: 409, title: 'Picked units of the order are not packed yet' },
  NO_CARTON_FITS: { status: 422, title: 'No carton holds the items' },
  CARTON_INACTIVE: { status: 422, title: 'The carton is deactivated; choose another or reactivate it' },
  TOTE_EMPTY: { status: 404, title: 'No picked, unpacked unit is in this tote' },
  TOTE_HOLDS_SEVERAL_ORDERS: { status: 409, title: 'The tote holds units of several orders; name the order' },
  TOTE_AT_SEVERAL_SITES: { status: 409, title: 'Sites use the same tote label; name the site' },
  BAD_BARCODE: { status: 422, title: 'The scanned barcode is not a valid GTIN (check digit); scan again' },
  WRONG_ITEM: { status: 422, title: 'The scanned item is not on this order; put it aside' },
  ITEM_ALREADY_PACKED: { status: 409, title: 'Every picked unit of this item is already packed or scanned' },
  PACKAGE_EMPTY: { status: 409, title: 'The package has no units' },
  WEIGHT_NOT_CAPTURED: { status: 409, title: 'Weigh the package before sealing it' },
  WEIGHT_OUT_OF_TOLERANCE: { status: 409, title: 'The weight is out of tolerance of the expected weight; check the contents' },
  UNKNOWN_SERVICE: { status: 422, title: 'The carrier offers no such service' },
  CARRIER_REFUSED_BOOKING: { status: 422, title: 'The carrier answered and refused the booking (its reason quoted); nothing was booked or recorded' },
  CARRIER_REFUSED_VOID: { status: 409, title: 'The carrier answered and refused to void the label (its reason quoted, e.g. scanned at pickup); nothing was changed: the label stays valid' },
  SERVICE_NOT_AVAILABLE: { status: 409, title: 'The requested carrier/service cannot carry this shipment; it is not replaced by another' },
  QUOTES_IN_SEVERAL_CURRENCIES: { status: 409, title: 'The quotes that meet the promise are in several currencies; PakLog compares prices only within one: name the carrier (or service)' },
  NO_SERVICE_MEETS_PROMISE: { status: 409, title: "No bookable service meets the order's promise" },
  SHIP_TO_MISSING: { status: 409, title: 'The order has no ship-to address; this carrier needs one' },
  CARRIER_ANSWER_UNRECORDABLE: { status: 502, title: 'The carrier booked a label PakLog cannot record (its tracking number is another shipment\'s); given to a person, not voided, not asked again' },
  CARRIER_UNAVAILABLE: { status: 503, title: 'The carrier could not be reached or did not answer (a timeout, 5xx, a malformed answer); nothing was booked' },
  ALREADY_MANIFESTED: { status: 409, title: 'The shipment was handed over on a manifest; its label cannot be voided' },
  NOTHING_TO_MANIFEST: { status: 409, title: 'No labelled shipment of this carrier waits for a manifest' },
  PACKAGE_NOT_SEALED: { status: 409, title: 'The package is still open: it has no SSCC nor label; seal it, then book its shipment' },
  PACKAGE_NOT_BOOKED: { status: 409, title: "The package is sealed but its shipment is not booked: it has no label; book it (POST /shipments with the order)" },
  PACKAGE_REPACKED: { status: 409, title: 'The package was repacked: its units are in new packages, whose labels print instead' },
  SHORT_EXCEEDS_OPEN_UNITS: { status: 409, title: 'Fewer units of this line wait to be packed than the short names' },
  SHORT_EMPTIES_ORDER: { status: 409, title: 'Nothing of the order would be left to ship; cancel the order instead' },
  /** Answered no more since ADR 0024's addendum of 2026-12-07 (a shipComplete order's units shorted at packing are picked again); kept for clients that know it. */
  ORDER_SHIPS_COMPLETE: { status: 409, title: 'The order ships complete, never partial: no unit of it is shorted at packing' },
  TRACKING_EVENT_IN_FUTURE: { status: 422, title: "The carrier event is timestamped in the future; send the time it happened" },
  TRACKING_EVENT_BEFORE_DISPATCH: { status: 422, title: 'The carrier event is timestamped before the shipment was dispatched; check the tracking number and the time' },
} as const satisfies ErrorSpecs;

/** Why shipping could not be stopped: the order already left the building. */
export interface AlreadyDispatched {
  readonly stopped: false;
  readonly shipmentId: string;
}

/**
 * Why shipping could not be stopped: a SHIP scan at the dock of an LPN holding the order's units claimed it
 * (`PackShipApi.claimDockShip`) and is in flight (IN_FLIGHT: asked again in a moment, the answer is final) or shipped them.
 */
export interface ShippingAtDock {
  readonly stopped: false;
  readonly dockShip: 'IN_FLIGHT' | 'SHIPPED';
}

/** A cancel's first phase recorded (`PackShipApi.reserveStop`): decide it with `stopShipping`, or `dropStop`. */
export interface StopReserved {
  readonly reserved: true;
}

/** A tracking event as a TMS or carrier reports it (`POST /carrier-events` takes the same). */
export interface TrackingReport {
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly status: (typeof TRACKING_STATUSES)[number];
  readonly at: string;
  readonly detail?: string | undefined;
}

/** The pack & ship commands other contexts run in-process (integrations' TMS port, ADR 0039); not served over gRPC. */
export interface PackShipCommands {
  /**
   * Records a tracking event on the dispatched shipment with this carrier and tracking number, as `POST /carrier-events`
   * does: it moves forward (pack-ship.shipment.tracked.v1) or, repeated or late, is only recorded. Answers the status.
   */
  track(report: TrackingReport, meta: EventMeta): Promise<Outcome<{ readonly shipmentId: string; readonly status: ShipmentStatus }>>;
  /**
   * Asks the carrier again to void the label of a shipment cancelled with its order (after pack-ship.label.void-failed.v1).
   * CARRIER_UNAVAILABLE when it still does not answer, CARRIER_REFUSED_VOID (its reason quoted) when it answers with a
   * refusal; a label the carrier no longer knows counts as voided.
   */
  retryLabelVoid(shipmentId: string): Promise<Outcome<{ readonly shipmentId: string; readonly trackingNumber: string }>>;
  /**
   * Asks the carrier once more, with the same key, for a remote booking it never answered (after
   * pack-ship.label.booking-unsettled.v1, ADR 0056): LABELLED when recorded, VOIDED when it can no longer be recorded
   * (the order was cancelled or booked otherwise: the label is voided), SETTLED when a later booking with the same key
   * recorded it. CARRIER_UNAVAILABLE when the carrier still does not answer, CARRIER_REFUSED_BOOKING (its reason quoted)
   * when it answers with a refusal (either way the booking stays FAILED, holding nothing).
   */
  retryBooking(shipmentId: string): Promise<Outcome<{ readonly shipmentId: string; readonly outcome: 'LABELLED' | 'VOIDED' | 'SETTLED'; readonly trackingNumber: string | null }>>;
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
   * Idempotent; it commits its own transaction and announces `pack-ship.order.shipping-stopped.v1` (with `announce:
   * false`, owes it: `announceStop`), so a caller that crashes after it still sees the cancel through. A SHIP scan at the dock that claimed the order (`claimDockShip`)
   * and is in flight or shipped it keeps it from being stopped too (ShippingAtDock).
   */
  stopShipping(input: { readonly orderId: string; readonly siteId: string; readonly reason: string | null; readonly announce?: boolean | undefined }, meta: EventMeta): Promise<{ readonly stopped: true } | AlreadyDispatched | ShippingAtDock>;
  /**
   * The first phase of a cancel that must check the order first (orders' cancel with If-Match; ADR 0011 addendum
   * 2026-12-07 quater): under the order's row lock — the lock stopShipping, every pack, booking, dispatch and dock claim
   * take — it answers what stopShipping would refuse (dispatched, a dock SHIP scan's claim) or that shipping was stopped
   * already, changing nothing, or records the stop pending for `stopId`: until it is decided (`stopShipping`, which
   * voids and owes as ever) or dropped (`dropStop`) packs, bookings, dispatches and dock SHIP scans of the order answer
   * "try again" (409 ORDER_CANCELLING). A lease of a few seconds: a caller that stops in between holds nothing back for
   * longer. Idempotent.
   */
  reserveStop(input: { readonly orderId: string; readonly siteId: string; readonly stopId: string }): Promise<StopReserved | { readonly stopped: true } | AlreadyDispatched | ShippingAtDock>;
  /** Drops the pending stop `stopId` of `reserveStop` (the cancel was refused after all), changing nothing else. Idempotent. */
  dropStop(input: { readonly orderId: string; readonly stopId: string }): Promise<void>;
  /**
   * Announces a cancel `stopShipping` decided with `announce: false` (orders' cancel request, which stops the order's
   * picking in between: ADR 0011 addendum 2026-12-06 quater): `pack-ship.order.shipping-stopped.v1`, once. Nothing when
   * none is owed. Idempotent; a stop left owed is announced by the `pack-ship.cancel-stops` job a few seconds later, or
   * when pack & ship hears `orders.order.cancelled`.
   */
  announceStop(orderId: string, meta: EventMeta): Promise<void>;
  /**
   * The packing still open for an order: picked units not yet packed into a sealed package (units scanned into an open
   * carton count as not packed until it is sealed), or units of a shipComplete order shorted at packing that are picked
   * again and come to be packed (ADR 0024 addendum 2026-12-07). undefined when nothing is left to pack (the order is
   * packed, or nothing of it was picked), when its shipping was stopped, or when pack & ship knows no such order. Tasks
   * asks it before a worker completes a PACK task by hand (409 TASK_WORK_OPEN while units are left).
   */
  openPackWork(orderId: string): Promise<OpenPackWork | undefined>;
  /**
   * How an order's packing stands: DONE once the order was packed (`pack-ship.order.packed`), WITHDRAWN once its
   * shipping was stopped before that (`pack-ship.order.shipping-stopped`), else OPEN; undefined when pack & ship knows
   * no such order. Tasks asks it to end a held PACK task as those events would: DONE → COMPLETED, WITHDRAWN → CANCELLED.
   */
  packWorkState(orderId: string): Promise<PackWorkState | undefined>;
  /**
   * Which of these orders have had their shipping stopped (a cancel decided at the dock): read where the decision is
   * made, so it holds from the moment the cancel is answered. Physical tracking asks it before a SHIP scan, as its own
   * record of the stopped orders lags this by one event delivery.
   */
  stoppedOrders(orderIds: readonly string[]): Promise<readonly string[]>;
  /**
   * A SHIP scan at the dock asks, before its transaction, to ship LPNs holding these orders' units: under the orders'
   * row locks — the lock `stopShipping` takes — it answers the stopped ones, and those not packed yet (`unready`: not
   * ready to ship, their units still picked in a tote or the order's packing not done; ADR 0011 addendum 2026-12-06
   * quinquies), with nothing claimed (the scan is refused), or claims them all for `claimId`, so that a cancel until
   * the claim is settled answers that the order is shipping.
   * Idempotent for one claimId. The scan settles the claim (`settleDockShip`) once its transaction is over.
   */
  claimDockShip(input: {
    readonly claimId: string; readonly siteId: string; readonly orderIds: readonly string[];
    /** The packages whose cartons the scan takes out (the cartons of the scanned tree, by their package ids): once shipped, not repacked. */
    readonly packageIds?: readonly string[] | undefined;
  }): Promise<{
    readonly stopped: readonly string[]; readonly unready: readonly string[];
    /** The orders a cancel's pending stop holds back (`reserveStop`): nothing claimed, the scan is tried again in a moment. */
    readonly stopping: readonly string[];
  }>;
  /** Settles a claim of `claimDockShip`: shipped (a cancel is refused for good) or not (the claim is dropped). Idempotent. */
  settleDockShip(input: { readonly claimId: string; readonly shipped: boolean }): Promise<void>;
  /**
   * The SSCC each of these packages' shipping labels carries: sealed ones, not repacked or cancelled (their label is
   * void); the others are left out. Physical tracking gives it to the cartons sealed before `pack-ship.package.packed`
   * carried it (job `physical-tracking.carton-ssccs`).
   */
  packageSsccs(packageIds: readonly string[]): Promise<readonly { readonly packageId: string; readonly sscc: string }[]>;
}

/** Where an order's packing stands (`PackShipApi.packWorkState`); DONE and WITHDRAWN are final. */
export const PACK_WORK_STATES = ['OPEN', 'DONE', 'WITHDRAWN'] as const;
export type PackWorkState = (typeof PACK_WORK_STATES)[number];

/** Packing still open for an order (`PackShipApi.openPackWork`). */
export interface OpenPackWork {
  readonly orderId: string;
  /** Units picked for the order that pack & ship has heard of. */
  readonly unitsPicked: number;
  /** Of those, the units not yet in a sealed package (more than 0 unless `unitsToPickAgain` is). */
  readonly unitsToPack: number;
  /**
   * Units of a shipComplete order shorted at packing and picked again (ADR 0024 addendum 2026-12-07), not picked yet:
   * the order is packed once they come (0 otherwise). Its PACK task is not done meanwhile.
   */
  readonly unitsToPickAgain: number;
  /** The order's OPEN packages (a carton being filled at the pack station), oldest first. */
  readonly openPackageIds: readonly string[];
}
