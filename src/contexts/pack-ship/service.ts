import { createHash } from 'node:crypto';
import type { EventMeta } from '../../platform/bus/envelope.ts';
import { EventNotReady } from '../../platform/bus/not-ready.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import type { Tx } from '../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { sameGtin, type CatalogApi, type Product } from '../../contracts/catalog.ts';
import { DEFAULT_OWNER_ID } from '../../contracts/inventory.ts';
import {
  PackShipEvents, type AlreadyDispatched, type ShippingAtDock, type StopReserved, type CartonActiveChanged, type CartonUpdated, type LabelBookingUnsettled, type LabelVoidFailed, type ManifestClosed, type OrderPacked, type PackagePacked, type PackageRepacked, type ShipmentCreated,
  type OpenPackWork, type ReadyToPack, type ShipmentDispatched, type ShipmentTracked, type OrderDeliveredByCarrier, type ShipmentVoided, type ShippingStopped, type UnitsShortAtPack,
} from '../../contracts/pack-ship.ts';
import { CarrierRefused, CarrierUnavailable, LabelUnknownToCarrier, REST_CARRIER_TIMEOUT_MS, restCarrier } from './carriers/rest-carrier.ts';
import { ConfigError } from '../../platform/config/config.ts';
import { rateTableCarrier } from './carriers/rate-table-carrier.ts';
import type { CarrierConfig } from './carriers/config.ts';
import { shippingLabelPdf, shippingLabelZpl, ssccBarcodePng } from './documents/labels.ts';
import type { ShippingLabelData } from './documents/layout.ts';
import { manifestPdf, packingSlipPdf } from './documents/sheets.ts';
import { itemsWeight, packerChooser, suggestCartons, type Carton, type CartonChooser, type PackItem, type SuggestedPackage } from './domain/carton-chooser.ts';
import {
  malformedQuote, OWN_FLEET, type MalformedTrackingEvent, ownFleetCarrier, STANDARD_SERVICE, type Address, type Carrier, type CarrierBooking, type Parcel, type RateQuote, type TrackingUpdate,
} from './domain/carrier.ts';
import { isValidGtin, sscc } from './domain/gs1.ts';
import { packageLifecycle, shipmentLifecycle, VOIDABLE_PACKAGE_STATUSES, VOIDABLE_SHIPMENT_STATUSES } from './domain/lifecycles.ts';
import { holdRefusal, repackRefusal } from './quality-holds.ts';
import { qualityHoldStore } from './quality-hold-store.ts';
import { cheapestMeetingPromise, cheapestPerCurrency } from './domain/rate-shop.ts';
import { weightCheck, type WeightCheck } from './domain/weight.ts';
import {
  packStore, type CartonFields, type CartonRecord, type Manifest, type OwedBooking, type Package, type PackageLine, type PackOrder, type Shipment, type SiteSettings, type TrackingSequence,
} from './store.ts';

/** CARTON_INACTIVE for a deactivated carton a packer names or is suggested (ADR 0045), else undefined. */
const inactiveCarton = (c: CartonRecord): Outcome<never> | undefined => (c.active ? undefined
  : reject('CARTON_INACTIVE', `Carton ${c.code} is deactivated: choose another or reactivate it (POST /cartons/${c.code}/reactivate)`, [{ field: '/cartonCode', message: 'the carton is deactivated' }]));

/**
 * How far a carrier's tracking event may be dated ahead of PakLog's clock, or before the shipment's dispatch (the clocks'
 * skew, and a driver's scan a moment before the dock clerk records the dispatch).
 */
const TRACKING_FUTURE_SKEW_MS = 5 * 60_000;

export interface PackShipOptions {
  readonly catalog: CatalogApi;
  /** Cartonization strategy; default: the cheapest carton the 3D packer fills with every unit. */
  readonly chooser?: CartonChooser;
  /** Carriers by code, besides the built-in own fleet. */
  readonly carriers?: readonly Carrier[];
  /** Rate-table and REST carriers of the carriers file (PAKLOG_CARRIERS_FILE). */
  readonly carrierConfigs?: readonly CarrierConfig[];
  /** SSCC numbering: the GS1 company prefix and the extension digit (PAKLOG_GS1_COMPANY_PREFIX, PAKLOG_SSCC_EXTENSION_DIGIT). */
  readonly gs1?: { readonly companyPrefix: string; readonly extensionDigit: number };
  /** Environment for `apiKeyEnv` of REST carriers (process.env by default). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Remote bookings owed (ADR 0056; PAKLOG_CARRIER_CALL_LEASE_S, _GRACE_S, _ATTEMPTS): default 30 s, 60 s, 5. */
  readonly carrierCalls?: CarrierCallSettings;
}

/** How owed remote bookings are asked (ADR 0056). */
export interface CarrierCallSettings {
  /** How long an attempt holds a call while it asks the carrier: longer than any adapter's timeout. */
  readonly leaseMs: number;
  /** How old an owed call is before the carrier-calls job asks again (a request's own retry comes first). */
  readonly graceMs: number;
  /** Attempts (the request's and the job's) before the call is given to a person (LABEL_BOOKING_UNSETTLED). */
  readonly attempts: number;
}

export const DEFAULT_CARRIER_CALLS: CarrierCallSettings = { leaseMs: 30_000, graceMs: 60_000, attempts: 5 };

/**
 * The settings' problems against the carriers file (empty when none): a lease no longer than a REST carrier's
 * timeout would let a second attempt ask while the first still waits for its answer.
 */
export function carrierCallProblems(settings: CarrierCallSettings, configs: readonly CarrierConfig[]): string[] {
  return configs.flatMap((c) => {
    if (c.kind !== 'rest') return [];
    const timeoutMs = c.timeoutMs ?? REST_CARRIER_TIMEOUT_MS;
    return timeoutMs < settings.leaseMs ? [] : [
      `PAKLOG_CARRIER_CALL_LEASE_S (${settings.leaseMs / 1_000} s) must be longer than carrier ${c.code}'s timeoutMs (${timeoutMs} ms in the carriers file): `
        + 'raise the lease or lower the timeout',
    ];
  });
}

/** What `POST /shipments` asks: the order's carrier, a named carrier and/or service (honoured or refused), or rate shopping. */
export interface ShipmentRequest {
  readonly orderId: string;
  readonly carrier?: string;
  readonly service?: string;
  /** Book the cheapest service of any rating carrier that meets the promise (not with `carrier`). */
  readonly rateShop?: boolean;
  /** The order's promise: delivered within this many working days of dispatch. */
  readonly maxTransitDays?: number;
}

/** A remote carrier and service chosen for a booking, with the quote it was chosen by (ADR 0056). */
export interface BookingChoice {
  readonly carrier: string;
  readonly service: string;
  readonly quote: RateQuote | undefined;
}

/** An owed booking the carrier answered, to record. */
export interface AskedBooking {
  readonly call: OwedBooking;
  readonly booking: CarrierBooking;
}

/** A booking planned under the order's lock: recorded (local carrier), its remote carrier chosen, its call owed to the caller, or another attempt's to wait for. */
/** `superseded`: the owed booking of the order this one took the place of (wanted again when the carrier refuses this one). */
type Planned = { readonly shipment: Shipment } | { readonly remote: BookingChoice } | { readonly call: OwedBooking; readonly superseded?: string } | { readonly wait: string };

/** The pack station's view of a scanned tote: its order, what is left to pack, the packer's cartons, the open packages. */
export interface ToteView {
  readonly toteId: string;
  readonly orderId: string;
  readonly siteId: string;
  readonly units: readonly (PackageLine & { readonly gtin: string | null })[];
  readonly suggestion: PackingSuggestion | null;
  readonly openPackageIds: readonly string[];
}

export const DEFAULT_WEIGHT_TOLERANCE_PCT = 2;
export const DEFAULT_GS1 = { companyPrefix: '0614141', extensionDigit: 0 } as const;

/** Ship-from of a site that has not set one: the site id, so a label never prints another site's address. */
const unsetShipFrom = (siteId: string): Address => ({ name: `Site ${siteId} (set ship-from: PUT /pack-station/settings/${siteId})`, line1: '', city: '', postalCode: '', country: '' });

export interface PackInput {
  readonly orderId: string;
  readonly cartonCode?: string;
  readonly weightG?: number;
  /** Pack only these units (e.g. one package of the suggestion); default: every picked, unpacked unit. */
  readonly units?: readonly { readonly lineId: string; readonly quantity: number }[];
}

/** What a packer sees before packing: the packer's cartons for the order's picked, unpacked units. */
export interface PackingSuggestion {
  readonly orderId: string;
  readonly packages: readonly {
    readonly cartonCode: string;
    readonly units: readonly PackageLine[];
    /** Where each unit goes (mm from the carton's inner corner); `itemId` is the order line id. */
    readonly placements: SuggestedPackage['placements'];
  }[];
  readonly cost: number;
}

/** The order's priority as `ready-to-pack` carries it: absent when pack & ship has not heard it (tasks takes the default). */
const withPriority = (priority: number | null): { priority?: number } => (priority === null ? {} : { priority });

/** The units to pack: all open ones, or the requested ones when each is open on its line. */
function unitsToPack(open: readonly PackageLine[], requested: PackInput['units']): Outcome<PackageLine[]> {
  if (requested === undefined) return ok([...open]);
  const errors: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  const out: PackageLine[] = [];
  requested.forEach((u, i) => {
    const line = open.find((l) => l.lineId === u.lineId);
    if (seen.has(u.lineId)) errors.push({ field: `/units/${i}/lineId`, message: 'appears twice' });
    else if (line === undefined) errors.push({ field: `/units/${i}/lineId`, message: 'has no picked, unpacked units on this order' });
    else if (!Number.isInteger(u.quantity) || u.quantity < 1) errors.push({ field: `/units/${i}/quantity`, message: 'must be a whole number of at least 1' });
    else if (u.quantity > line.quantity) errors.push({ field: `/units/${i}/quantity`, message: `exceeds the ${line.quantity} picked, unpacked units` });
    else out.push({ lineId: line.lineId, sku: line.sku, quantity: u.quantity });
    seen.add(u.lineId);
  });
  if (requested.length === 0) errors.push({ field: '/units', message: 'must name at least one line' });
  return errors.length > 0 ? reject('UNPROCESSABLE', 'Some units cannot be packed', errors) : ok(out.sort((a, b) => (a.lineId < b.lineId ? -1 : 1)));
}

/** Sums quantities per order line. */
function byLine(lines: readonly PackageLine[]): PackageLine[] {
  const sum = new Map<string, PackageLine>();
  for (const l of lines) {
    const prev = sum.get(l.lineId);
    sum.set(l.lineId, { lineId: l.lineId, sku: l.sku, quantity: (prev?.quantity ?? 0) + l.quantity });
  }
  return [...sum.values()].sort((a, b) => (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0));
}

/**
 * The booking's idempotency key for the carrier (CarrierShipment.bookingKey): the order, how many shipments it had
 * before (a void lets the same packages be booked anew under a new key), carrier, service and packages. A retry after
 * an answer lost in a timeout sends the same key, so a carrier that honours it answers its first booking.
 */
function bookingKey(orderId: string, bookedBefore: number, chosen: { carrier: Carrier; service: string }, packages: readonly { id: string }[]): string {
  const basis = [orderId, String(bookedBefore), chosen.carrier.code, chosen.service, ...packages.map((p) => p.id).sort()].join('|');
  return `bkg_${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
}

/** Refuses work on an order whose shipping was stopped by its cancellation. */
/** POST /pack-station/shorts: units of one line not packed (missing from the tote, or damaged). */
export interface ShortAtPackInput {
  readonly orderId: string;
  readonly lineId: string;
  readonly quantity: number;
  readonly reason: 'MISSING' | 'DAMAGED';
  readonly toteId?: string | undefined;
  readonly note?: string | undefined;
}

export interface ShortAtPackResult {
  readonly orderId: string;
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly reason: 'MISSING' | 'DAMAGED';
  /** Units of the line shorted at packing so far. */
  readonly shortAtPack: number;
  /** What is left to pack, per line. */
  readonly unitsLeftToPack: PackageLine[];
  /** Whether this short completed the order's packing (announced `pack-ship.order.packed`). */
  readonly orderPacked: boolean;
  /**
   * Whether the units are picked again rather than shipped without: a shipComplete order (ADR 0024 addendum
   * 2026-12-07), which is neither packed nor bookable until they are picked and ready to pack again.
   */
  readonly pickedAgain: boolean;
}

function cancelledRefusal(order: PackOrder, now: Date): Outcome<never> | undefined {
  if (order.cancelledAt !== null) return reject('ORDER_CANCELLED', `Order ${order.orderId} is cancelled: nothing more is packed, labelled or shipped for it`);
  // A cancel's first phase (reserveStop) holds the order until it is decided or dropped, a lease (ADR 0011 addendum 2026-12-07 quater).
  return stopPending(order, now)
    ? reject('ORDER_CANCELLING', `A cancel of order ${order.orderId} is being decided: try again in a moment (nothing was changed)`)
    : undefined;
}

/** A cancel's pending stop (PackShipApi.reserveStop) holds the order back now: recorded and its lease not over. */
function stopPending(order: PackOrder, now: Date): boolean {
  return order.stopPendingUntil !== null && Date.parse(order.stopPendingUntil) > now.getTime();
}

/** How long a cancel's pending stop holds the order back at most: its two phases take milliseconds; a caller that stops between them holds nothing longer. */
export const STOP_PENDING_LEASE_MS = 5_000;

/** Commands and queries of pack & ship. */
/** A pack & ship event's `ownerId`: the order's owner, left out for the default owner (as the orders events do). */
const owned = (order: { readonly ownerId: string | null } | undefined): { ownerId?: string } =>
  (order?.ownerId == null || order.ownerId === DEFAULT_OWNER_ID ? {} : { ownerId: order.ownerId });

export function packShipService(deps: PlatformDeps, options: PackShipOptions) {
  const chooser = options.chooser ?? packerChooser;

  /**
   * The catalog's products of an order's lines. Read before a command's transaction, never inside it: the catalog
   * reads through the pool, and a transaction holding one connection while it waits for a second one hangs the whole
   * pool once every connection is held that way (as many concurrent packs as the pool is large).
   */
  async function productsOf(orderId: string): Promise<ReadonlyMap<string, Product>> {
    const lines = await packStore.orderLines(deps.db, orderId);
    return options.catalog.getBySkus([...new Set(lines.map((l) => l.sku))]);
  }

  /** Catalog sizes and weights of the units; one item per order line (its id is the line id). */
  function itemsOf(lines: readonly PackageLine[], products: ReadonlyMap<string, Product>): PackItem[] {
    // A product the catalog does not know counts as size and weight zero: the packer's scale and eye decide then.
    return lines.map((l) => {
      const p = products.get(l.sku);
      return { id: l.lineId, sku: l.sku, quantity: l.quantity, lengthMm: p?.lengthMm ?? 0, widthMm: p?.widthMm ?? 0, heightMm: p?.heightMm ?? 0, weightG: p?.weightG ?? 0 };
    });
  }
  const callSettings = options.carrierCalls ?? DEFAULT_CARRIER_CALLS;
  const callProblems = carrierCallProblems(callSettings, options.carrierConfigs ?? []);
  if (callProblems.length > 0) throw new ConfigError(callProblems);
  const carriers = new Map<string, Carrier>((options.carriers ?? []).map((c): [string, Carrier] => [c.code, c]));
  const env = options.env ?? process.env;
  const gs1 = options.gs1 ?? DEFAULT_GS1;
  for (const c of options.carrierConfigs ?? []) {
    if (c.kind === 'rest') {
      const apiKey = c.apiKeyEnv === undefined ? undefined : env[c.apiKeyEnv];
      carriers.set(c.code, restCarrier({ code: c.code, baseUrl: c.baseUrl, services: c.services, ...(apiKey === undefined ? {} : { apiKey }), ...(c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs }) }));
    }
  }
  const rateTables = new Map((options.carrierConfigs ?? []).flatMap((c) => (c.kind === 'rate-table' ? [[c.code, c] as const] : [])));
  /** The carriers a shipment can be booked with: the own fleet and the configured adapters. */
  const bookableCarriers = (): readonly string[] => [OWN_FLEET, ...[...carriers.keys(), ...rateTables.keys()].filter((c) => c !== OWN_FLEET)];
  /**
   * The carrier of a code, its numbers drawn through `db` (the command's transaction: a second connection could wait
   * forever). The own fleet and rate-table carriers number from database sequences; adapters number themselves.
   */
  function carrierOf(code: string, db: Tx | PlatformDeps['db'], drawn?: { serial: number | null }): Carrier | undefined {
    // A number drawn already (by the statement that read what booking needs, `numberingOf`) is used first, once.
    const next = (draw: (db: Tx | PlatformDeps['db']) => Promise<number>) => async (): Promise<number> => {
      const serial = drawn?.serial ?? null;
      if (serial === null) return draw(db);
      drawn!.serial = null;
      return serial;
    };
    if (code === OWN_FLEET) return carriers.get(OWN_FLEET) ?? ownFleetCarrier(next((d) => packStore.nextTrackingNumber(d)));
    const table = rateTables.get(code);
    if (table !== undefined) return rateTableCarrier(table, next((d) => packStore.nextCarrierTracking(d)));
    return carriers.get(code);
  }
  /** The sequence `carrierOf(code)` numbers from, if it numbers from one (the own fleet and rate-table carriers). */
  function numberingOf(code: string): TrackingSequence | undefined {
    if (code === OWN_FLEET) return carriers.has(OWN_FLEET) ? undefined : 'ownFleet';
    return rateTables.has(code) ? 'rateTable' : undefined;
  }
  const servicesOf = (c: Carrier): readonly string[] => (c.services ?? [{ code: STANDARD_SERVICE }]).map((x) => x.code);
  const settingsOf = async (db: Tx | PlatformDeps['db'], siteId: string): Promise<SiteSettings> =>
    (await packStore.settings(db, siteId)) ?? { siteId, weightTolerancePct: DEFAULT_WEIGHT_TOLERANCE_PCT, shipFrom: null };
  /** An SSCC: its serial drawn by a statement the command sent anyway (`drawn`), or from the sequence now. */
  const newSscc = async (db: Tx, drawn: number | null = null): Promise<string> =>
    sscc({ extensionDigit: gs1.extensionDigit, companyPrefix: gs1.companyPrefix, serial: drawn ?? await packStore.nextSsccSerial(db) });
  /** Units of each line still to pack: picked, not packed, not scanned into an open package. */
  async function openUnits(db: Tx | PlatformDeps['db'], orderId: string): Promise<PackageLine[]> {
    return openOf(await packStore.orderLinesWithScanned(db, orderId));
  }
  const openOf = (lines: readonly { lineId: string; sku: string; picked: number; packed: number; scanned: number }[]): PackageLine[] =>
    lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.picked - l.packed - l.scanned })).filter((l) => l.quantity > 0);
  const emit = (tx: Tx, events: PublishedEvent[], meta: EventMeta) => deps.bus.append(tx, 'pack-ship', events, meta);
  const packagesPacked = deps.metrics.counter('paklog_packages_packed_total', 'Packages packed');
  const unitsPacked = deps.metrics.counter('paklog_units_packed_total', 'Units packed');
  const shipmentsDispatched = deps.metrics.counter('paklog_shipments_dispatched_total', 'Shipments dispatched');
  const unitsShipped = deps.metrics.counter('paklog_units_dispatched_total', 'Units dispatched');
  const trackingSkipped = deps.metrics.counter('paklog_tracking_events_skipped_total', 'Tracking events a carrier\'s poll answer held that PakLog cannot take (skipped; the others applied)', ['carrier']);

  /**
   * The order is packed: announced once (the `packed_at` guard), by whichever comes last — the package that packs the
   * last picked unit after picking is done, or picking completing when every picked unit was already packed.
   */
  async function announcePacked(tx: Tx, orderId: string, siteId: string): Promise<PublishedEvent[]> {
    const round = await packStore.markPacked(tx, orderId, deps.clock.now());
    if (round === undefined) return [];
    const packageIds = (await packStore.packages(tx, { orderId })).map((p) => p.id);
    const data: OrderPacked = { orderId, siteId, packageIds, round };
    return [{ type: PackShipEvents.orderPacked, subject: orderId, siteId, data }];
  }

  /**
   * A package was packed: its units added to the order's packed, then its event, and the order's when it completed it
   * (marked once, as {@link announcePacked}); one statement for all of it.
   */
  async function packedEvents(tx: Tx, order: PackOrder, pkg: Package, workerId?: string): Promise<PublishedEvent[]> {
    const recorded = await packStore.recordPacked(tx, order.orderId, pkg.lines, deps.clock.now(), order.pickingStatus !== null);
    const orderComplete = order.pickingStatus !== null && recorded.complete;
    const data: PackagePacked = {
      packageId: pkg.id, orderId: order.orderId, siteId: order.siteId, cartonCode: pkg.cartonCode, weightG: pkg.weightG, ...owned(order),
      ...(pkg.sscc === null ? {} : { sscc: pkg.sscc }), lines: [...pkg.lines], ...(workerId === undefined ? {} : { workerId }), orderComplete,
    };
    const packed: OrderPacked = { orderId: order.orderId, siteId: order.siteId, packageIds: recorded.packageIds, round: recorded.round };
    const completion: PublishedEvent[] = recorded.marked ? [{ type: PackShipEvents.orderPacked, subject: order.orderId, siteId: order.siteId, data: packed }] : [];
    const units = pkg.lines.reduce((n, l) => n + l.quantity, 0);
    tx.afterCommit(() => {
      packagesPacked.inc();
      unitsPacked.inc(units);
    });
    return [{ type: PackShipEvents.packagePacked, subject: pkg.id, siteId: order.siteId, data }, ...completion];
  }

  /**
   * Stops shipping for a cancelled order under its row lock — the same lock every pack, booking and dispatch takes
   * first, so a dispatch and a cancellation never both succeed. Voids what has not left; announces it once — at once,
   * or (`announce` false: a cancel request that stops picking next, ADR 0011 addendum 2026-12-06 quater) owed until
   * `announceStop`, the cancel-stops job or the order's `orders.order.cancelled` announces it.
   */
  async function stopShippingIn(tx: Tx, input: { orderId: string; siteId: string; reason: string | null; announce?: boolean | undefined }, meta: EventMeta): Promise<{ stopped: true } | AlreadyDispatched | ShippingAtDock> {
    const order = await packStore.lockOrCreateOrder(tx, input.orderId, input.siteId);
    const dispatched = await packStore.dispatchedShipmentOf(tx, input.orderId);
    if (dispatched !== undefined) return { stopped: false, shipmentId: dispatched };
    if (order.cancelledAt !== null) {
      if (input.announce !== false) await announceOwedIn(tx, input.orderId, meta);
      return { stopped: true };
    }
    // A SHIP scan at the dock claimed the order under this lock before we came: in flight or done, it is not stopped.
    const atDock = await packStore.dockShipOf(tx, input.orderId);
    if (atDock !== undefined) return { stopped: false, dockShip: atDock };
    const voided = await packStore.cancelOrder(tx, input.orderId, input.reason, deps.clock.now(), { packages: VOIDABLE_PACKAGE_STATUSES, shipments: VOIDABLE_SHIPMENT_STATUSES });
    const data: ShippingStopped = { orderId: input.orderId, siteId: order.siteId, reason: input.reason, voidedPackageIds: voided.packageIds, voidedShipmentIds: voided.shipmentIds };
    if (input.announce === false) await packStore.oweStop(tx, input.orderId, data);
    else await emit(tx, [{ type: PackShipEvents.shippingStopped, subject: input.orderId, siteId: order.siteId, data }], meta);
    // Booked labels of a remote carrier are voided with it too, once the cancel is committed (the decision stands
    // whatever the carrier answers, and the shipment is never manifested; one on a manifest closed already is listed
    // there as withdrawn, not handed over: GET /manifests/{id}, its document). The void is owed from this commit
    // (label_void OWED): a process stopping before the carrier answers leaves it to the label-voids job. A refusal is
    // published (pack-ship.label.void-failed.v1): orchestration raises LABEL_VOID_FAILED, as the label may stay billed.
    const booked = (await packStore.shipmentsOfOrders(tx, [input.orderId]))
      .filter((x) => voided.shipmentIds.includes(x.id) && x.trackingNumber !== null && x.carrier !== OWN_FLEET && carrierOf(x.carrier, deps.db)?.void !== undefined);
    await packStore.oweLabelVoids(tx, booked.map((x) => x.id));
    for (const x of booked) {
      const tracking = x.trackingNumber;
      if (tracking === null) continue;
      tx.afterCommit(() => {
        voidOwedLabel({ id: x.id, orderId: x.orderId, siteId: order.siteId, carrier: x.carrier, trackingNumber: tracking }, meta)
          .catch((e: unknown) => deps.log.error({ shipmentId: x.id, err: (e as Error).message }, 'pack-ship: could not settle a cancelled order\'s label void; the label-voids job asks again'));
      });
    }
    return { stopped: true };
  }

  /** Announces the order's decided, owed stop (its row locked by the caller), once. */
  async function announceOwedIn(tx: Tx, orderId: string, meta: EventMeta): Promise<void> {
    const owed = await packStore.takeOwedStop(tx, orderId);
    if (owed !== undefined) await emit(tx, [{ type: PackShipEvents.shippingStopped, subject: orderId, siteId: owed.siteId, data: owed }], meta);
  }

  /**
   * Voids an owed label with its carrier and settles it: DONE when voided (or the carrier no longer knows it), FAILED
   * with pack-ship.label.void-failed when it refuses — published once, by whichever attempt settles it first.
   */
  async function voidOwedLabel(x: { id: string; orderId: string; siteId: string; carrier: string; trackingNumber: string; labelled?: boolean }, meta: EventMeta): Promise<void> {
    const carrier = carrierOf(x.carrier, deps.db);
    if (x.labelled === true) {
      // A LABELLED shipment's void asked (POST /shipments/{id}/void) and never recorded (ADR 0056): asked again, and
      // recorded VOIDED once the carrier voids it (or no longer knows it); refused, nothing is owed and the label stays valid.
      try {
        if (carrier?.void === undefined) throw new Error(`carrier ${x.carrier} is no longer configured with voids here`);
        await carrier.void(x.trackingNumber);
      } catch (e) {
        if (!(e instanceof LabelUnknownToCarrier)) {
          deps.log.warn({ shipmentId: x.id, carrier: x.carrier, err: e instanceof Error ? e.message : String(e) }, 'pack-ship: a label void asked and never recorded was refused; the label stays valid');
          await packStore.dropLabelVoid(deps.db, x.id);
          return;
        }
      }
      await deps.db.tx((tx) => recordVoidIn(tx, x.id, meta));
      return;
    }
    try {
      // A carrier taken out of the configuration since the booking cannot be asked: a person voids the label by hand.
      if (carrier?.void === undefined) throw new Error(`carrier ${x.carrier} is no longer configured with voids here`);
      await carrier.void(x.trackingNumber);
    } catch (e) {
      if (!(e instanceof LabelUnknownToCarrier)) {
        const error = e instanceof Error ? e.message : String(e);
        deps.log.warn({ carrier: x.carrier, trackingNumber: x.trackingNumber, err: error }, 'pack-ship: could not void a cancelled order\'s label with its carrier');
        const data: LabelVoidFailed = { shipmentId: x.id, orderId: x.orderId, siteId: x.siteId, carrier: x.carrier, trackingNumber: x.trackingNumber, error };
        await deps.db.tx(async (tx) => {
          if (await packStore.settleLabelVoid(tx, x.id, 'FAILED')) await emit(tx, [{ type: PackShipEvents.labelVoidFailed, subject: x.id, siteId: x.siteId, data }], meta);
        });
        return;
      }
    }
    await packStore.settleLabelVoid(deps.db, x.id, 'DONE');
  }

  /** What one package's label prints. */
  function labelData(order: PackOrder, shipFrom: Address, p: Package, packageNo: number, packageCount: number, carrier: string, service: string, trackingNumber: string, at: Date): ShippingLabelData {
    if (p.sscc === null) throw new Error(`package ${p.id} has no SSCC`);
    return {
      sscc: p.sscc, companyPrefixLength: gs1.companyPrefix.length, shipFrom,
      shipTo: order.shipTo ?? { name: `Order ${order.externalId ?? order.orderId}`, line1: '(address held by the carrier)', city: '', postalCode: '', country: '' },
      carrier, service, trackingNumber, orderRef: order.externalId ?? order.orderId, packageNo, packageCount, weightG: p.weightG, shipDate: at.toISOString().slice(0, 10),
    };
  }

  /** An OPEN package of the pack station, locked with its order (the order row first, as every command). */
  async function openPackage(tx: Tx, id: string): Promise<Outcome<{ order: PackOrder; pkg: Package }>> {
    const seen = (await packStore.packages(tx, { id }))[0];
    if (seen === undefined) return reject('NOT_FOUND', `No package ${id}`);
    const order = await packStore.lockOrder(tx, seen.orderId);
    if (order === undefined) return reject('NOT_FOUND', `No order ${seen.orderId} known to pack & ship`);
    const cancelled = cancelledRefusal(order, deps.clock.now());
    if (cancelled !== undefined) return cancelled;
    const pkg = (await packStore.packages(tx, { id }, true))[0];
    if (pkg === undefined) return reject('NOT_FOUND', `No package ${id}`);
    if (pkg.status !== 'OPEN') return reject('ILLEGAL_TRANSITION', `Package ${id} is ${pkg.status}; only an OPEN package takes scans, weights and a seal`);
    return ok({ order, pkg });
  }

  /** Items + carton tare; null when a product of the package has no weight in the catalog (the check cannot be made). */
  function expectedWeight(pkg: Package, carton: Carton | undefined, products: ReadonlyMap<string, Product>): number | null {
    let grams = carton?.tareG ?? 0;
    for (const l of pkg.lines) {
      const w = products.get(l.sku)?.weightG ?? 0;
      if (w <= 0) return null;
      grams += w * l.quantity;
    }
    return grams;
  }

  /** The packer's suggestion for the order's picked, unpacked units; reads only. */
async function suggestFor(orderId: string): Promise<Outcome<PackingSuggestion>> {
    const order = await packStore.lockOrder(deps.db, orderId, false);
    if (order === undefined) return reject('NOT_FOUND', `No order ${orderId} known to pack & ship`);
    const open = await openUnits(deps.db, orderId);
    if (open.length === 0) return reject('NOTHING_TO_PACK', `Order ${orderId} has no picked units left to pack`);
    const suggestion = suggestCartons(itemsOf(open, await productsOf(orderId)), await packStore.cartons(deps.db, { active: true }));
    if (!suggestion.ok) return reject('NO_CARTON_FITS', `The units of order ${orderId} cannot be packed: ${suggestion.message}`);
    const skuOf = new Map(open.map((l) => [l.lineId, l.sku]));
    return ok({
      orderId,
      packages: suggestion.packages.map((p) => ({
        cartonCode: p.cartonCode,
        units: p.units.map((u) => ({ lineId: u.id, sku: skuOf.get(u.id) ?? u.sku, quantity: u.quantity })),
        placements: p.placements,
      })),
      cost: suggestion.cost,
    });
  }

  /**
   * A carrier's tracking event (webhook or poll) moves a dispatched shipment forward: IN_TRANSIT, DELIVERED or
   * EXCEPTION (and out of EXCEPTION again when the carrier resumes), with an event. A repeated event changes nothing;
   * a late one (IN_TRANSIT after DELIVERED, or one older than the newest the carrier sent) is recorded only.
   */
  /**
   * A carrier's tracking event. `mayActAt` is the caller's check at the shipment's site (the request names only a tracking
   * number, so the site guard cannot see it); it throws to refuse before anything is written or answered.
   */
  async function trackShipment(update: TrackingUpdate & { carrier: string }, meta: EventMeta,
    o: { mayActAt?: ((siteId: string) => void) | undefined } = {}): Promise<Outcome<Shipment>> {
    // The newest report decides the shipment's status and every older one is "late": a report dated ahead of now would
    // stay the newest and make every real one after it late (a delivery never delivered), so it is refused.
    const now = deps.clock.now();
    if (Date.parse(update.at) > now.getTime() + TRACKING_FUTURE_SKEW_MS) {
      return reject('TRACKING_EVENT_IN_FUTURE', `${update.at} is more than ${TRACKING_FUTURE_SKEW_MS / 60_000} minutes after now (${now.toISOString()}); `
        + 'nothing was recorded', [{ field: '/at', message: 'is in the future' }]);
    }
    return deps.db.tx(async (tx) => {
      const id = await packStore.shipmentIdByTracking(tx, update.carrier, update.trackingNumber);
      if (id === undefined) return reject('NOT_FOUND', `No ${update.carrier} shipment with tracking number ${update.trackingNumber}`);
      // The order's row first, as dispatch takes it: the deliveries of two shipments of one order are decided in turn.
      const order = await packStore.lockOrderOfShipment(tx, id);
      const shipment = await packStore.shipment(tx, id, true);
      if (shipment === undefined) return reject('NOT_FOUND', `No shipment ${id}`);
      o.mayActAt?.(shipment.siteId);
      if (!['DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'EXCEPTION'].includes(shipment.status)) {
        return reject('ILLEGAL_TRANSITION', `Shipment ${id} is ${shipment.status}; only a dispatched shipment is tracked`);
      }
      // A report dated before the parcel left is the carrier's mistake (another parcel's number, a wrong year): recorded,
      // it would become the shipment's delivery date or exception before it ever left the building.
      if (shipment.dispatchedAt !== null && Date.parse(update.at) < Date.parse(shipment.dispatchedAt) - TRACKING_FUTURE_SKEW_MS) {
        return reject('TRACKING_EVENT_BEFORE_DISPATCH', `${update.at} is more than ${TRACKING_FUTURE_SKEW_MS / 60_000} minutes before shipment ${id} `
          + `was dispatched (${shipment.dispatchedAt}); nothing was recorded`, [{ field: '/at', message: 'is before the dispatch' }]);
      }
      const fresh = await packStore.recordTracking(tx, { shipmentId: id, trackingNumber: update.trackingNumber, status: update.status, at: update.at, detail: update.detail ?? null });
      // An older report is late and changes nothing, except a delivery: DELIVERED is final, and a report dated after it
      // (a hub's clock ahead, within the skew taken) would otherwise leave the shipment short of it and its order SHIPPED
      // for good. The lifecycle still walks nothing back: a delivered shipment takes no other status.
      const applies = fresh && (update.status === 'DELIVERED' || (await packStore.isNewestTracking(tx, id, update.trackingNumber, update.at)));
      if (applies && shipment.status !== update.status && shipmentLifecycle.can(shipment.status, update.status)) {
        await packStore.setTracked(tx, id, update.status, update.at);
        const data: ShipmentTracked = {
          shipmentId: id, orderId: shipment.orderId, siteId: shipment.siteId, ...owned(order), carrier: shipment.carrier, trackingNumber: update.trackingNumber,
          status: update.status, at: new Date(update.at).toISOString(), ...(update.detail === undefined ? {} : { detail: update.detail }),
        };
        await emit(tx, [{ type: PackShipEvents.shipmentTracked, subject: id, siteId: shipment.siteId, data }], meta);
        const shipmentIds = update.status === 'DELIVERED' ? await packStore.markDelivered(tx, shipment.orderId, update.at) : undefined;
        if (shipmentIds !== undefined) {
          const delivered: OrderDeliveredByCarrier = { orderId: shipment.orderId, siteId: shipment.siteId, ...owned(order), deliveredAt: data.at, shipmentIds };
          await emit(tx, [{ type: PackShipEvents.orderDelivered, subject: shipment.orderId, siteId: shipment.siteId, data: delivered }], meta);
        }
      }
      const after = await packStore.shipment(tx, id);
      if (after === undefined) throw new Error(`shipment ${id} vanished`);
      return ok(after);
    });
  }

  /**
   * A label void under the order's lock, the shipment's then: every check; a carrier with nothing to ask remotely (the
   * own fleet, a rate table, no `void`, no tracking number) voids and records here. A remote one is answered `ask` with
   * nothing written ('plan'), or with its void owed from this commit ('ask': label_void OWED since void_asked_at).
   */
  async function voidIn(tx: Tx, id: string, meta: EventMeta, phase: 'plan' | 'ask', requestId?: string): Promise<Outcome<{ shipment: Shipment } | { ask: true }>> {
    const seen = await packStore.shipment(tx, id);
    if (seen === undefined) return reject('NOT_FOUND', `No shipment ${id}`);
    await packStore.lockOrder(tx, seen.orderId);
    const shipment = await packStore.shipment(tx, id, true);
    if (shipment === undefined) return reject('NOT_FOUND', `No shipment ${id}`);
    if (shipment.manifestId !== null && shipment.status === 'LABELLED') {
      return reject('ALREADY_MANIFESTED', `Shipment ${id} was handed to ${shipment.carrier} on manifest ${shipment.manifestId}; its label cannot be voided`);
    }
    const legal = shipmentLifecycle.check(shipment.status, 'VOIDED', `Shipment ${id} is ${shipment.status}; only a labelled shipment not yet dispatched can be voided`);
    if (!legal.ok) return legal;
    // A SHIP scan of its cartons in flight at the dock (claimed under this lock, not settled): decided once it is over.
    if (await packStore.dockShipInFlight(tx, shipment.orderId, shipment.packageIds)) {
      return reject('ILLEGAL_TRANSITION', `Shipment ${id}'s cartons are being shipped at the dock (a SHIP scan in flight): its label cannot be voided now; try again in a moment`);
    }
    const carrier = carrierOf(shipment.carrier, tx);
    if (carrier?.void !== undefined && shipment.trackingNumber !== null && isRemote(shipment.carrier)) {
      if (phase === 'ask') await packStore.askLabelVoid(tx, id, deps.clock.now(), requestId ?? null);
      return ok({ ask: true });
    }
    // Nothing outside the database to tell (a rate table's void is a no-op): voided and recorded in this transaction.
    if (carrier?.void !== undefined && shipment.trackingNumber !== null) await carrier.void(shipment.trackingNumber);
    const recorded = await recordVoidIn(tx, id, meta);
    return recorded.ok ? ok({ shipment: recorded.value }) : recorded;
  }

  /**
   * Asks the carrier to void a LABELLED shipment's label, its void owed from a commit made first (ADR 0056). A label
   * the carrier no longer knows (voided by an earlier attempt whose answer was lost) counts as voided; no answer drops
   * what was owed: the label stays valid (503, try again); the carrier's refusal (a 4xx and its reason) drops it too
   * and is answered 409 CARRIER_REFUSED_VOID quoting the reason — asking again would be refused again.
   */
  async function askVoid(id: string, meta: EventMeta, requestId?: string): Promise<Outcome<{ ask: true } | { shipment: Shipment }>> {
    if (deps.db.openTx() !== undefined) throw new Error('a remote carrier\'s void cannot be asked inside a unit of work: it must be owed first (ADR 0056)');
    const planned = await deps.db.tx((tx) => voidIn(tx, id, meta, 'ask', requestId));
    if (!planned.ok || 'shipment' in planned.value) return planned;
    const shipment = await packStore.shipment(deps.db, id);
    if (shipment === undefined || shipment.trackingNumber === null) return reject('NOT_FOUND', `No shipment ${id}`);
    const carrier = carrierOf(shipment.carrier, deps.db);
    try {
      if (carrier?.void === undefined) throw new CarrierUnavailable(shipment.carrier, 'no longer configured here with voids');
      await carrier.void(shipment.trackingNumber);
    } catch (e) {
      if (e instanceof LabelUnknownToCarrier) {
        // Nothing valid is left to void: voided here too; refusing would leave the shipment LABELLED for good.
        deps.log.warn({ carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, err: e.message }, 'pack-ship: the carrier knows no such label; voided here');
        return ok({ ask: true });
      }
      await packStore.dropLabelVoid(deps.db, id);
      if (e instanceof CarrierRefused) return reject('CARRIER_REFUSED_VOID', voidRefusalMessage(shipment, e.reason));
      if (e instanceof CarrierUnavailable) return reject('CARRIER_UNAVAILABLE', `${e.message}; the label stays valid: try the void again`);
      throw e;
    }
    return ok({ ask: true });
  }

  /** CARRIER_REFUSED_VOID's detail: the carrier's reason, and that nothing changed in PakLog. */
  function voidRefusalMessage(shipment: Pick<Shipment, 'id' | 'carrier' | 'trackingNumber'>, reason: string): string {
    return `${shipment.carrier} refused to void label ${shipment.trackingNumber ?? ''} of shipment ${shipment.id}: ${reason}. Nothing was changed: `
      + 'the label stays valid and the shipment LABELLED (asking again is refused again); it ships as booked, or settle the label with the carrier';
  }

  /**
   * The label is void: the shipment VOIDED, its packages PACKED again, its event; a void owed settled DONE. One voided
   * already (another attempt, the label-voids job) or cancelled with its order meanwhile is answered as it is.
   */
  async function recordVoidIn(tx: Tx, id: string, meta: EventMeta): Promise<Outcome<Shipment>> {
    const seen = await packStore.shipment(tx, id);
    if (seen === undefined) return reject('NOT_FOUND', `No shipment ${id}`);
    await packStore.lockOrder(tx, seen.orderId);
    const shipment = await packStore.shipment(tx, id, true);
    if (shipment === undefined) return reject('NOT_FOUND', `No shipment ${id}`);
    if (shipment.status === 'LABELLED') {
      await packStore.voidShipment(tx, id, deps.clock.now());
      // Cartons a SHIP scan loaded onto the truck (not dispatched) come back off it with the void (ADR 0011 addendum
      // 2026-12-06 septies): the dock's claims name them no more, so the order's cancel and the packages' repack are
      // decided as at the bench, and physical tracking puts the cartons back (CLOSED) where they were scanned out when it
      // hears pack-ship.shipment.voided. Before, the void left them "shipped": a dead label on the truck, a cancel
      // refused ORDER_SHIPPED for good and no repack.
      await packStore.unloadDockShip(tx, shipment.orderId, shipment.packageIds);
      const data: ShipmentVoided = {
        shipmentId: id, orderId: shipment.orderId, siteId: shipment.siteId, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber ?? '', packageIds: [...shipment.packageIds],
      };
      await emit(tx, [{ type: PackShipEvents.shipmentVoided, subject: id, siteId: shipment.siteId, data }], meta);
    }
    const after = await packStore.shipment(tx, id);
    if (after === undefined) throw new Error(`shipment ${id} vanished`);
    return ok(after);
  }

  /** How long an attempt holds a remote booking while it asks the carrier (ADR 0056): longer than any adapter's timeout. */
  const BOOKING_LEASE_MS = callSettings.leaseMs;
  /** Attempts at an owed booking (the request's and the carrier-calls job's) before it is given to a person. */
  const BOOKING_ATTEMPTS = callSettings.attempts;
  const leaseEnd = (now: Date): Date => new Date(now.getTime() + BOOKING_LEASE_MS);
  /** A carrier books remotely (an adapter): its booking is a call owed from its own commit. The own fleet and rate tables number locally. */
  const isRemote = (code: string): boolean => numberingOf(code) === undefined;

  /**
   * The booking's planning under the order's lock: every check, the carrier and service. A local carrier is booked and
   * recorded here (nothing leaves the database). A remote one, chosen (`fixed` undefined), is answered as such with
   * nothing written; with `fixed` (that choice again) its call is written, owed and leased to the caller, or another
   * attempt asking it now is named (`wait`).
   */
  /** NOTHING_TO_SHIP's detail: what the order's packages wait for, so the packer knows what to do (seal, pack, or nothing). */
  async function nothingToShip(tx: Tx, orderId: string): Promise<string> {
    const { open, booked, unpacked } = await packStore.unshippable(tx, orderId);
    const first = `Order ${orderId} has no packed packages to ship`;
    if (open.length > 0) {
      const named = open.length === 1 ? `package ${open[0]} is still OPEN` : `packages ${open.join(', ')} are still OPEN`;
      return `${first}: ${named}; weigh and seal ${open.length === 1 ? 'it' : 'them'} (POST /api/v1/packages/{id}/weight, then /seal), then book`;
    }
    if (unpacked > 0) return `${first}: ${unpacked} picked unit(s) are in no carton yet; pack them (POST /api/v1/pack-station/packages or POST /api/v1/packages), then book`;
    if (booked > 0) return `${first}: every package of it is booked already (GET /api/v1/shipments?orderIds=${orderId})`;
    return first;
  }

  /**
   * A carrier's quotes, every one of them one a shipment can record (`malformedQuote`): any other is the carrier's
   * malformed answer (CarrierUnavailable: 503 for a named carrier, skipped by rate shopping), refused before it is booked.
   */
  async function quotesOf(c: Carrier, request: Parameters<NonNullable<Carrier['rate']>>[0]): Promise<readonly RateQuote[]> {
    const quotes = await c.rate?.(request) ?? [];
    for (const q of quotes) {
      const why = malformedQuote(q);
      if (why !== undefined) throw new CarrierUnavailable(c.code, `quoted ${q.service} with a ${why}`);
    }
    return quotes;
  }

  async function bookIn(tx: Tx, request: ShipmentRequest, meta: EventMeta, fixed?: BookingChoice, requestId?: string, holder: number | null = null): Promise<Outcome<Planned>> {
    const orderId = request.orderId;
    const carrierOverride = request.carrier;
    const bookable = bookableCarriers();
    const order = await packStore.lockOrder(tx, orderId);
    if (order === undefined) return reject('NOT_FOUND', `No order ${orderId} known to pack & ship`);
    const cancelled = cancelledRefusal(order, deps.clock.now());
    if (cancelled !== undefined) return cancelled;
    // Shipping while units are still being picked would walk the order to SHIPPED (final) under its pickers' feet.
    if (order.pickingStatus === null) return reject('CONFLICT', `Order ${orderId} is still being picked; ship it once its picking is done`);
    // The packages (locked), their holds and cartons, the unpacked units and the ship-from: one read.
    // The carrier named or the order's, known now unless rate shopping picks one: its tracking number, if it draws
    // one from a sequence, comes with this read (one statement fewer).
    const planned = fixed?.carrier ?? (request.rateShop === true ? undefined : carrierOverride ?? order.carrier ?? OWN_FLEET);
    const numbering = planned !== undefined && bookable.includes(planned) ? numberingOf(planned) : undefined;
    const shippable = await packStore.shippable(tx, orderId, order.siteId, numbering);
    const drawn = { serial: shippable.trackingSerial };
    const packages = shippable.packages;
    if (packages.length === 0) return reject('NOTHING_TO_SHIP', await nothingToShip(tx, orderId));
    const held = holdRefusal(packages.flatMap((p) => (p.hold === null ? [] : [{ package_id: p.id, status: p.hold }])));
    if (held !== undefined) return held;
    // An order ships whole: a picked unit left out would stay allocated in its tote under an order that is SHIPPED (final).
    const unpacked = shippable.unpacked;
    if (unpacked > 0) {
      return reject('UNITS_NOT_PACKED', `${unpacked} picked unit(s) of order ${orderId} are not packed yet; pack them (POST /api/v1/packages) before shipping`);
    }
    const shipFrom = shippable.shipFrom ?? unsetShipFrom(order.siteId);
    const parcelsOf = (ps: typeof packages): Parcel[] => ps.map((p) => (
      { packageId: p.id, sscc: p.sscc, cartonCode: p.cartonCode, weightG: p.weightG, lengthMm: p.carton?.lengthMm ?? 0, widthMm: p.carton?.widthMm ?? 0, heightMm: p.carton?.heightMm ?? 0 }
    ));
    const rateRequest = { siteId: order.siteId, shipFrom, shipTo: order.shipTo, packages: parcelsOf(packages) };
    const promise = { maxTransitDays: request.maxTransitDays ?? null };

    // Which carrier and service: decided before anything is written, so a refusal writes nothing.
    let chosen: { carrier: Carrier; service: string; quote: RateQuote | undefined };
    if (fixed !== undefined) {
      const c = carrierOf(fixed.carrier, tx);
      if (c === undefined) throw new Error(`carrier ${fixed.carrier} chosen but vanished`);
      chosen = { carrier: c, service: fixed.service, quote: fixed.quote };
    } else if (request.rateShop === true) {
      if (order.shipTo === null) return reject('SHIP_TO_MISSING', `Order ${orderId} has no ship-to address: carriers cannot quote it`);
      const quotes: RateQuote[] = [];
      /** Carriers that did not answer, one of whose services could have kept the promise. */
      const down: string[] = [];
      for (const code of bookable) {
        const c = carrierOf(code, tx);
        if (c?.rate === undefined) continue;
        try {
          quotes.push(...await quotesOf(c, rateRequest));
        } catch (e) {
          // One carrier down does not stop rate shopping among the others; it is logged.
          if (!(e instanceof CarrierUnavailable)) throw e;
          deps.log.warn({ carrier: code, err: e.message }, 'pack-ship: carrier could not quote');
          const services = c.services ?? [];
          if (services.length === 0 || services.some((s) => promise.maxTransitDays === null || s.transitDays <= promise.maxTransitDays)) down.push(code);
        }
      }
      const { best, currencies } = cheapestMeetingPromise(quotes, promise);
      // Quotes in several currencies keep the promise: PakLog has no exchange rates, so it does not pick (1 GBP was
      // taken under 5 EUR as plain numbers). Refused with each currency's cheapest, nothing written: name the carrier.
      if (currencies.length > 1) {
        return reject('QUOTES_IN_SEVERAL_CURRENCIES', `Carriers quote order ${orderId}${promise.maxTransitDays === null ? '' : ` within ${promise.maxTransitDays} working day(s)`} in `
          + `${currencies.join(' and ')} (${cheapestPerCurrency(quotes, promise)}); PakLog compares prices only within one currency and has no exchange rates: `
          + 'name the carrier (and service) to book in `carrier`; nothing was booked');
      }
      // No answering carrier keeps the promise, but one that did not answer might have: the way out is to try again
      // (503), not a "no service" that reads as final (a client would relax the promise or give the order up).
      if (best === undefined && down.length > 0) {
        return reject('CARRIER_UNAVAILABLE', `No carrier that answered quotes a service for order ${orderId}${promise.maxTransitDays === null ? '' : ` within ${promise.maxTransitDays} working day(s)`}, `
          + `and ${down.join(', ')}, which could, did not answer; nothing was booked: try again`);
      }
      if (best === undefined) {
        return reject('NO_SERVICE_MEETS_PROMISE', `No carrier quotes a service for order ${orderId}${promise.maxTransitDays === null ? '' : ` within ${promise.maxTransitDays} working day(s)`} (${quotes.length} quote(s) considered)`);
      }
      const c = carrierOf(best.carrier, tx);
      if (c === undefined) throw new Error(`carrier ${best.carrier} quoted but vanished`);
      chosen = { carrier: c, service: best.service, quote: best };
    } else {
      // An order pack-ship never saw received (no carrier known) goes with the own fleet, the orders default.
      const code = carrierOverride ?? order.carrier ?? OWN_FLEET;
      const c = bookable.includes(code) ? carrierOf(code, tx, code === planned ? drawn : undefined) : undefined;
      if (c === undefined) {
        return reject('CARRIER_NOT_BOOKABLE', `Order ${orderId} asks for carrier ${code}, which PakLog cannot book; name a bookable carrier (${bookable.join(', ')}) in "carrier" to ship it with another`, [
          { field: '/carrier', message: `${code} is not bookable; give one of ${bookable.join(', ')}` },
        ]);
      }
      const services = servicesOf(c);
      if (request.service !== undefined && !services.includes(request.service)) {
        return reject('UNKNOWN_SERVICE', `${c.code} offers no service ${request.service}; its services: ${services.join(', ')}`, [
          { field: '/service', message: `is not a service of ${c.code} (${services.join(', ')})` },
        ]);
      }
      if (c.rate === undefined) {
        chosen = { carrier: c, service: request.service ?? services[0] ?? STANDARD_SERVICE, quote: undefined };
      } else {
        if (order.shipTo === null) return reject('SHIP_TO_MISSING', `Order ${orderId} has no ship-to address; ${c.code} needs one`);
        let quotes: readonly RateQuote[];
        try {
          quotes = await quotesOf(c, rateRequest);
        } catch (e) {
          if (e instanceof CarrierUnavailable) return reject('CARRIER_UNAVAILABLE', e.message);
          throw e;
        }
        if (request.service !== undefined) {
          const q = quotes.find((x) => x.service === request.service);
          if (q === undefined) return reject('SERVICE_NOT_AVAILABLE', `${c.code} ${request.service} cannot carry order ${orderId} (weight, size or destination); it is not replaced by another service`);
          if (promise.maxTransitDays !== null && q.transitDays > promise.maxTransitDays) {
            return reject('SERVICE_NOT_AVAILABLE', `${c.code} ${request.service} takes ${q.transitDays} working day(s), more than the promised ${promise.maxTransitDays}; it is not replaced by another service`);
          }
          chosen = { carrier: c, service: q.service, quote: q };
        } else {
          const { best, currencies } = cheapestMeetingPromise(quotes, promise);
          if (currencies.length > 1) {
            return reject('QUOTES_IN_SEVERAL_CURRENCIES', `${c.code} quotes order ${orderId} in ${currencies.join(' and ')} (${cheapestPerCurrency(quotes, promise)}); `
              + 'PakLog compares prices only within one currency: name the service in `service`; nothing was booked');
          }
          if (best === undefined) return reject('NO_SERVICE_MEETS_PROMISE', `No service of ${c.code} can carry order ${orderId}${promise.maxTransitDays === null ? '' : ` within ${promise.maxTransitDays} working day(s)`}`);
          chosen = { carrier: c, service: best.service, quote: best };
        }
      }
    }
    const remote = isRemote(chosen.carrier.code);
    // A remote carrier chosen: its call is written by the caller's next transaction, outside any unit of work.
    if (remote && fixed === undefined) return ok({ remote: { carrier: chosen.carrier.code, service: chosen.service, quote: chosen.quote } });

    // Packages packed before SSCCs existed get theirs now, so every label carries one.
    const packed: typeof packages = [];
    for (const p of packages) {
      if (p.sscc !== null) {
        packed.push(p);
        continue;
      }
      const code = await newSscc(tx);
      await packStore.setSscc(tx, p.id, code);
      packed.push({ ...p, sscc: code });
    }
    const key = bookingKey(orderId, shippable.bookedBefore, chosen, packed);
    const now = deps.clock.now();

    if (remote) {
      // At most one booking of the order is asked at a time: one asked now is waited for; one left owed (its attempt
      // ended without an answer, or its process stopped) is taken over when it is this one (same key: the carrier
      // answers the booking it made), or gives way to this one (its booking, if the carrier made it, is voided).
      const owed = await packStore.owedBookingOf(tx, orderId);
      if (owed !== undefined) {
        if (owed.callKey === key) {
          return ok(await packStore.leaseCall(tx, owed.shipmentId, now, leaseEnd(now), holder) ? { call: owed } : { wait: owed.shipmentId });
        }
        if (owed.leasedUntil !== null && owed.leasedUntil > now) return ok({ wait: owed.shipmentId });
        await packStore.supersedeCall(tx, owed.shipmentId);
      }
      // One superseded before under this very key is taken over (wanted again), not asked beside a second call: the carrier
      // answers both with one label, which the superseded one, voided as unwanted, would void under the recorded shipment.
      const earlier = await packStore.supersededWithKey(tx, orderId, key);
      if (earlier !== undefined) {
        if (earlier.leasedUntil !== null && earlier.leasedUntil > now) return ok({ wait: earlier.shipmentId });
        if (!await packStore.rewantCall(tx, earlier.shipmentId)) throw new Error(`owed booking ${earlier.shipmentId} could not be wanted again`);
        return ok(await packStore.leaseCall(tx, earlier.shipmentId, now, leaseEnd(now), holder)
          ? { call: { ...earlier, wanted: true }, ...(owed === undefined ? {} : { superseded: owed.shipmentId }) } : { wait: earlier.shipmentId });
      }
      const request = { shipFrom, shipTo: order.shipTo, parcels: parcelsOf(packed), packageIds: packed.map((p) => p.id), price: chosen.quote?.price ?? null, currency: chosen.quote?.currency ?? null };
      // One given up under this very key (FAILED: its LABEL_BOOKING_UNSETTLED) is taken over, not asked beside a new call:
      // the carrier answers both with one label, recorded under the given-up one's shipment id, which clears its exception
      // (exc9); a new call's label would leave the exception open with nothing to settle.
      const failed = await packStore.failedWithKey(tx, orderId, key);
      if (failed !== undefined) {
        const taken = await packStore.takeOverFailedCall(tx, failed.shipmentId, { request, leasedUntil: leaseEnd(now) }, now, requestId ?? null, holder);
        if (taken !== undefined) return ok({ call: taken, ...(owed === undefined ? {} : { superseded: owed.shipmentId }) });
      }
      const call: OwedBooking = {
        shipmentId: deps.ids.next('shp'), orderId, siteId: order.siteId, carrier: chosen.carrier.code, service: chosen.service, callKey: key,
        request, state: 'OWED', wanted: true, leasedUntil: leaseEnd(now), attempts: 1, createdAt: now.toISOString(),
      };
      await packStore.oweBooking(tx, call, now, requestId ?? null, holder);
      return ok({ call, ...(owed === undefined ? {} : { superseded: owed.shipmentId }) });
    }

    // A local carrier numbers from a sequence in this transaction: nothing is asked outside it.
    const id = deps.ids.next('shp');
    const booking = await chosen.carrier.book({ ...rateRequest, packages: parcelsOf(packed), shipmentId: id, orderId, service: chosen.service, bookingKey: key });
    shipmentLifecycle.assertCan('CREATED', 'LABELLED');
    for (const p of packed) packageLifecycle.assertCan(p.status, 'LABELLED');
    const labels = packed.map((p, i) => shippingLabelZpl(labelData(order, shipFrom, p, i + 1, packed.length, chosen.carrier.code, chosen.service, booking.trackingNumber, now)));
    const labelZpl = [...labels, ...(booking.labelZpl === undefined ? [] : [booking.labelZpl])].join('\n');
    // Created and labelled in one insert (the lifecycle steps checked above), its packages LABELLED with it.
    const data: ShipmentCreated = {
      shipmentId: id, orderId, siteId: order.siteId, ...owned(order), carrier: chosen.carrier.code, trackingNumber: booking.trackingNumber,
      packageIds: packed.map((p) => p.id), service: chosen.service,
    };
    // The shipment, its packages LABELLED and its event in one statement (ADR 0003 addendum 2026-12-03).
    const events = deps.bus.envelopes('pack-ship', [{ type: PackShipEvents.shipmentCreated, subject: id, siteId: order.siteId, data }], meta);
    const shipment = await packStore.insertLabelledShipment(deps.bus.writer(tx), { id, orderId, siteId: order.siteId, carrier: chosen.carrier.code, now }, {
      trackingNumber: booking.trackingNumber, labelZpl, service: chosen.service, price: chosen.quote?.price ?? null, currency: chosen.quote?.currency ?? null,
    }, packed.map((p) => p.id), events);
    return ok({ shipment });
  }

  /**
   * Asks the carrier for an owed booking the caller holds (outside any transaction). No answer (down, a timeout, the
   * call refused) gives the lease back: the booking stays owed, asked again by a retry with the same key or by the
   * carrier-calls job.
   */
  async function askCarrier(call: OwedBooking, by: 'request' | 'job', holder: number | null, meta: EventMeta = {}, superseded?: string): Promise<Outcome<CarrierBooking>> {
    const carrier = carrierOf(call.carrier, deps.db);
    if (holder !== null && !deps.db.liveness.holds(holder)) {
      // This process lost its liveness lock since it took the lease (its connection dropped): another attempt may take
      // the call over now, so this one does not ask (two live attempts never ask the carrier for one call at once).
      await packStore.releaseCall(deps.db, call.shipmentId, 'the attempt lost its liveness lock before asking', holder);
      return reject('CARRIER_UNAVAILABLE', `${call.carrier} was not asked: this process lost its database connection meanwhile; the booking stays owed: `
        + 'the same request again gets it (the carrier is asked with the same key), and PakLog asks again by itself within minutes');
    }
    try {
      if (carrier === undefined) throw new CarrierUnavailable(call.carrier, 'no longer configured here');
      const r = call.request;
      return ok(await carrier.book({
        siteId: call.siteId, shipFrom: r.shipFrom, shipTo: r.shipTo, packages: r.parcels, shipmentId: call.shipmentId, orderId: call.orderId, service: call.service, bookingKey: call.callKey,
      }));
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      // The carrier answered and refused (a 4xx and its reason): nothing was booked, and asking again is refused again.
      // A request's refusal is only answered (its own call forgotten: a 4xx leaves nothing behind); the job's is given
      // to a person at once with the carrier's reason (LABEL_BOOKING_UNSETTLED with `refusal`).
      if (e instanceof CarrierRefused) {
        if (by === 'request') await forgetRefused(call, superseded);
        else await refuseBooking(call, e, meta);
        return reject('CARRIER_REFUSED_BOOKING', refusalMessage(call, e.reason));
      }
      await packStore.releaseCall(deps.db, call.shipmentId, error, holder);
      if (e instanceof CarrierUnavailable) {
        return reject('CARRIER_UNAVAILABLE', `${e.message}; the booking stays owed: the same request again gets it (the carrier is asked with the same key), `
          + 'and PakLog asks again by itself within minutes');
      }
      throw e;
    }
  }

  /**
   * Records the carrier's answer to an owed booking (under the order's lock, then the call's): the shipment LABELLED
   * with its packages and its event, the call DONE. A booking that can no longer be recorded so — its order cancelled,
   * its packages changed, a newer booking in its place — is refused with nothing written when `unrecordable` is
   * 'refuse' (a request's unit of work: a refusal rolls it back), or with `void` kept as a shipment with no packages,
   * CANCELLED or VOIDED, whose label void is owed and asked for after the commit. Settled by another attempt already:
   * that shipment when it is labelled with this booking.
   */
  async function recordIn(tx: Tx, call: OwedBooking, booking: CarrierBooking, meta: EventMeta, unrecordable: 'refuse' | 'void'): Promise<Outcome<Shipment>> {
    const order = await packStore.lockOrder(tx, call.orderId);
    const current = await packStore.carrierCall(tx, call.shipmentId, true);
    if (current === undefined) throw new Error(`carrier call ${call.shipmentId} vanished`);
    if (current.state !== 'OWED') {
      // Settled already: only a decided cancel refuses it (a pending stop holds back new work, not an answer recorded).
      const stopped = order === undefined || order.cancelledAt === null ? undefined : cancelledRefusal(order, deps.clock.now());
      if (stopped !== undefined) return stopped;
      const recorded = await packStore.shipment(tx, call.shipmentId);
      if (recorded?.status === 'LABELLED' && recorded.trackingNumber === booking.trackingNumber) return ok(recorded);
      return reject('NOTHING_TO_SHIP', `Order ${call.orderId} has no packed packages to ship: its booking ${call.shipmentId} was settled by another attempt`);
    }
    const now = deps.clock.now();
    // A tracking number another shipment has (the carrier reused a number, or answered another booking): the carrier holds
    // a label PakLog cannot record (tracking numbers are unique). Recorded, it failed the unique key at every attempt: 409
    // CONFLICT "nothing was changed", asked again until LABEL_BOOKING_UNSETTLED. Not voided either: a void by that number
    // would void the other shipment's label. Given to a person at once, with the key to void it by at the carrier.
    const holder = await packStore.shipmentIdWithTrackingNumber(tx, booking.trackingNumber);
    if (holder !== undefined) {
      const detail = `${call.carrier} booked a label for order ${call.orderId} (${call.service}, key ${call.callKey}) and answered tracking number `
        + `${booking.trackingNumber}, which is shipment ${holder.id}'s (order ${holder.orderId}) already: PakLog cannot record it and has not voided it `
        + `(a void by that number would void shipment ${holder.id}'s label). It is given to a person (LABEL_BOOKING_UNSETTLED): ask ${call.carrier} to `
        + 'void the booking made under that key, then book the order\'s packages again (another service or carrier if the carrier answers the same number)';
      if (unrecordable === 'refuse') return reject('CARRIER_ANSWER_UNRECORDABLE', detail);
      if (await packStore.settleCall(tx, call.shipmentId, 'FAILED', now, null, detail)) {
        const data: LabelBookingUnsettled = {
          shipmentId: call.shipmentId, orderId: call.orderId, siteId: call.siteId, carrier: call.carrier, service: call.service, bookingKey: call.callKey,
          attempts: current.attempts, error: detail, answered: booking.trackingNumber,
        };
        await emit(tx, [{ type: PackShipEvents.labelBookingUnsettled, subject: call.shipmentId, siteId: call.siteId, data }], meta);
      }
      deps.log.warn({ shipmentId: call.shipmentId, carrier: call.carrier, trackingNumber: booking.trackingNumber, holder: holder.id }, `pack-ship: ${detail}`);
      return reject('CARRIER_ANSWER_UNRECORDABLE', detail);
    }
    const waiting = order === undefined ? [] : (await packStore.packages(tx, { orderId: call.orderId, status: 'PACKED', unshipped: true }, true));
    const lines = await packStore.orderLines(tx, call.orderId);
    const same = waiting.length === call.request.packageIds.length && waiting.every((p) => call.request.packageIds.includes(p.id));
    const whole = lines.every((l) => l.picked <= l.packed);
    const why = order === undefined || order.cancelledAt !== null ? `order ${call.orderId} was cancelled meanwhile`
      : !current.wanted ? 'a newer booking of the order took its place'
        : !same || !whole ? `the packages of order ${call.orderId} changed meanwhile` : undefined;
    if (why !== undefined || order === undefined) {
      const detail = `${call.carrier} booked ${booking.trackingNumber} for order ${call.orderId}, but ${why ?? 'the order is unknown'}: the label is voided`;
      if (unrecordable === 'refuse') return reject(order?.cancelledAt == null ? 'NOTHING_TO_SHIP' : 'ORDER_CANCELLED', detail);
      const status = order === undefined || order.cancelledAt !== null ? 'CANCELLED' : 'VOIDED';
      await packStore.insertUnrecordedBooking(tx, {
        id: call.shipmentId, orderId: call.orderId, siteId: call.siteId, carrier: call.carrier, service: call.service, trackingNumber: booking.trackingNumber,
        price: call.request.price, currency: call.request.currency,
      }, status, now);
      await packStore.settleCall(tx, call.shipmentId, 'DONE', now, booking.trackingNumber);
      deps.log.warn({ shipmentId: call.shipmentId, carrier: call.carrier, trackingNumber: booking.trackingNumber }, `pack-ship: ${detail}`);
      tx.afterCommit(() => {
        voidOwedLabel({ id: call.shipmentId, orderId: call.orderId, siteId: call.siteId, carrier: call.carrier, trackingNumber: booking.trackingNumber }, meta)
          .catch((e: unknown) => deps.log.error({ shipmentId: call.shipmentId, err: (e as Error).message }, 'pack-ship: could not settle an unrecorded booking\'s label void; the label-voids job asks again'));
      });
      return reject(status === 'CANCELLED' ? 'ORDER_CANCELLED' : 'NOTHING_TO_SHIP', detail);
    }
    shipmentLifecycle.assertCan('CREATED', 'LABELLED');
    for (const p of waiting) packageLifecycle.assertCan(p.status, 'LABELLED');
    const packed = call.request.packageIds.map((id) => waiting.find((p) => p.id === id)).filter((p): p is Package => p !== undefined);
    const labels = packed.map((p, i) => shippingLabelZpl(labelData(order, call.request.shipFrom, p, i + 1, packed.length, call.carrier, call.service, booking.trackingNumber, now)));
    const labelZpl = [...labels, ...(booking.labelZpl === undefined ? [] : [booking.labelZpl])].join('\n');
    const data: ShipmentCreated = {
      shipmentId: call.shipmentId, orderId: call.orderId, siteId: order.siteId, ...owned(order), carrier: call.carrier, trackingNumber: booking.trackingNumber,
      packageIds: packed.map((p) => p.id), service: call.service,
    };
    const events = deps.bus.envelopes('pack-ship', [{ type: PackShipEvents.shipmentCreated, subject: call.shipmentId, siteId: order.siteId, data }], meta);
    const shipment = await packStore.insertLabelledShipment(deps.bus.writer(tx), { id: call.shipmentId, orderId: call.orderId, siteId: order.siteId, carrier: call.carrier, now }, {
      trackingNumber: booking.trackingNumber, labelZpl, service: call.service, price: call.request.price, currency: call.request.currency,
    }, packed.map((p) => p.id), events);
    await packStore.settleCall(tx, call.shipmentId, 'DONE', now, booking.trackingNumber);
    return ok(shipment);
  }

  /** Waits while another attempt asks the carrier for the order's booking (its lease), at most the lease. */
  async function waitForCall(shipmentId: string): Promise<void> {
    const until = Date.now() + BOOKING_LEASE_MS;
    while (Date.now() < until) {
      const c = await packStore.carrierCall(deps.db, shipmentId);
      if (c === undefined || c.state !== 'OWED' || c.leasedUntil === null || c.leasedUntil <= deps.clock.now()) return;
      // The database waits (a request, not background work): 25 ms between looks.
      await packStore.pause(deps.db, 25);
    }
  }

  /** Input checks of a booking request that need no reading (422s). */
  function requestRefusal(request: ShipmentRequest): Outcome<never> | undefined {
    const carrierOverride = request.carrier;
    const bookable = bookableCarriers();
    if (carrierOverride !== undefined && !bookable.includes(carrierOverride)) {
      return reject('UNKNOWN_CARRIER', `PakLog cannot book ${carrierOverride}; bookable carriers: ${bookable.join(', ')}`, [
        { field: '/carrier', message: `is not a bookable carrier (${bookable.join(', ')})` },
      ]);
    }
    if (request.rateShop === true && carrierOverride !== undefined) {
      return reject('UNPROCESSABLE', 'Name a carrier or ask for rate shopping, not both', [{ field: '/rateShop', message: 'cannot go with carrier' }]);
    }
    if (request.rateShop === true && request.service !== undefined) {
      return reject('UNPROCESSABLE', 'A service names a carrier\'s service; rate shopping picks both', [{ field: '/service', message: 'cannot go with rateShop' }]);
    }
    return undefined;
  }

  /**
   * A remote carrier's booking, from its owed call's commit to the carrier's answer (never inside a unit of work: the
   * call must be committed before the carrier is asked). Another attempt asking the carrier for the order now is
   * waited for, then the booking is planned again (its packages labelled by then: NOTHING_TO_SHIP).
   */
  async function askRemote(request: ShipmentRequest, meta: EventMeta, choice: BookingChoice, requestId?: string): Promise<Outcome<AskedBooking>> {
    if (deps.db.openTx() !== undefined) throw new Error('a remote carrier\'s booking cannot be asked inside a unit of work: its call must commit first (ADR 0056)');
    // The lease is taken under this process's liveness lock: if the process dies while the carrier is asked, a retry
    // (after a restart, or on another replica) takes the call over at once instead of waiting out the lease.
    const holder = await deps.db.liveness.holder();
    for (;;) {
      const planned = await deps.db.tx((tx) => bookIn(tx, request, meta, choice, requestId, holder));
      if (!planned.ok) return planned;
      const p = planned.value;
      if ('wait' in p) {
        await waitForCall(p.wait);
        continue;
      }
      if (!('call' in p)) throw new Error('a remote booking was planned as local');
      const booking = await askCarrier(p.call, 'request', holder, {}, p.superseded);
      return booking.ok ? ok({ call: p.call, booking: booking.value }) : booking;
    }
  }

  /**
   * An owed booking the carrier answered, settled outside a request: recorded when it still can be, else kept voided
   * with its label void owed (`recordIn` 'void'). Settled by another attempt already: nothing to do.
   */
  const settleAnswered = (asked: AskedBooking, meta: EventMeta): Promise<Outcome<Shipment>> => deps.db.tx((tx) => recordIn(tx, asked.call, asked.booking, meta, 'void'));

  /** What the carrier refused, quoting its reason, and the way out (a refused booking asked again is refused again). */
  const refusalMessage = (call: OwedBooking, reason: string): string => `${call.carrier} refused the booking of order ${call.orderId} (${call.service}): "${reason}". `
    + 'Nothing was booked; the same booking would be refused again: correct the order\'s ship-to address, or book with another carrier or service '
    + '(`carrier`, `service` of POST /shipments), or cancel the order';

  /**
   * A request's own booking the carrier refused: a 4xx changes nothing, so its call is forgotten (while still OWED) and
   * the owed booking it took the place of, if any, is wanted again — as it was before the request — under the order's
   * lock: recorded by a retry or the carrier-calls job, not booked and voided as superseded by a booking that never was.
   */
  async function forgetRefused(call: OwedBooking, superseded: string | undefined): Promise<void> {
    await deps.db.tx(async (tx) => {
      await packStore.lockOrder(tx, call.orderId);
      await packStore.forgetCall(tx, call.shipmentId);
      if (superseded !== undefined) await packStore.rewantCall(tx, superseded);
    });
  }

  /** An owed booking the carrier-calls job asked and the carrier refused: given to a person at once, with its reason. */
  async function refuseBooking(call: OwedBooking, e: CarrierRefused, meta: EventMeta): Promise<void> {
    await deps.db.tx(async (tx) => {
      if (!await packStore.settleCall(tx, call.shipmentId, 'FAILED', deps.clock.now(), null, e.message)) return;
      const data: LabelBookingUnsettled = {
        shipmentId: call.shipmentId, orderId: call.orderId, siteId: call.siteId, carrier: call.carrier, service: call.service, bookingKey: call.callKey,
        attempts: call.attempts, error: e.message, refusal: e.reason,
      };
      await emit(tx, [{ type: PackShipEvents.labelBookingUnsettled, subject: call.shipmentId, siteId: call.siteId, data }], meta);
    });
  }

  /** An owed booking the carrier never answered after every attempt: given to a person (LABEL_BOOKING_UNSETTLED). */
  async function giveUpBooking(call: OwedBooking, error: string, meta: EventMeta): Promise<void> {
    await deps.db.tx(async (tx) => {
      if (!await packStore.settleCall(tx, call.shipmentId, 'FAILED', deps.clock.now(), null, error)) return;
      const data: LabelBookingUnsettled = {
        shipmentId: call.shipmentId, orderId: call.orderId, siteId: call.siteId, carrier: call.carrier, service: call.service, bookingKey: call.callKey,
        attempts: call.attempts, error,
      };
      await emit(tx, [{ type: PackShipEvents.labelBookingUnsettled, subject: call.shipmentId, siteId: call.siteId, data }], meta);
    });
  }

  return {
    /** The cancellation's decision point (PackShipApi.stopShipping): stopped, or already dispatched. */
    stopShipping: (input: { orderId: string; siteId: string; reason: string | null; announce?: boolean | undefined }, meta: EventMeta) => deps.db.tx((tx) => stopShippingIn(tx, input, meta)),

    /**
     * A cancel's first phase (PackShipApi.reserveStop), under the order's row lock: what stopShipping would refuse
     * (dispatched, a dock claim) or an order stopped already, changing nothing; else the stop recorded pending for a
     * lease of STOP_PENDING_LEASE_MS (beside another cancel's still pending), which stopShipping decides or dropStop drops.
     */
    reserveStop: (input: { orderId: string; siteId: string; stopId: string }): Promise<StopReserved | { stopped: true } | AlreadyDispatched | ShippingAtDock> => deps.db.tx(async (tx) => {
      const order = await packStore.lockOrCreateOrder(tx, input.orderId, input.siteId);
      const dispatched = await packStore.dispatchedShipmentOf(tx, input.orderId);
      if (dispatched !== undefined) return { stopped: false, shipmentId: dispatched };
      if (order.cancelledAt !== null) return { stopped: true };
      const atDock = await packStore.dockShipOf(tx, input.orderId);
      if (atDock !== undefined) return { stopped: false, dockShip: atDock };
      const now = deps.clock.now();
      await packStore.pendStop(tx, input.orderId, input.stopId, new Date(now.getTime() + STOP_PENDING_LEASE_MS), now);
      return { reserved: true };
    }),

    /** Drops a cancel's pending stop (PackShipApi.dropStop): the order's packs, bookings, dispatches and scans go on. */
    dropStop: (input: { orderId: string; stopId: string }): Promise<void> => deps.db.tx(async (tx) => {
      if (await packStore.lockOrder(tx, input.orderId) !== undefined) await packStore.dropPendingStop(tx, input.orderId, input.stopId);
    }),

    /** Announces a decided cancel's owed stop (PackShipApi.announceStop); nothing when none is owed. */
    announceStop: (orderId: string, meta: EventMeta): Promise<void> => deps.db.tx(async (tx) => {
      if (await packStore.lockOrder(tx, orderId) !== undefined) await announceOwedIn(tx, orderId, meta);
    }),

    /**
     * The cancel-stops job: announces the stops decided more than `graceMs` ago and still owed (the cancel request
     * stopped between pack & ship's decision and its announcement). The number announced.
     */
    async announceOwedStops(graceMs = 10_000, limit = 100): Promise<number> {
      const owed = await packStore.ordersOwedStops(deps.db, new Date(deps.clock.now().getTime() - graceMs), limit);
      for (const orderId of owed) {
        await deps.db.tx(async (tx) => {
          await packStore.lockOrder(tx, orderId);
          await announceOwedIn(tx, orderId, {});
        });
      }
      return owed.length;
    },

    /**
     * A SHIP scan's claim on the orders it would ship (PackShipApi.claimDockShip), decided under their row locks in id
     * order — the lock stopShipping, every pack and every booking take — so the scan and a cancel never both win: the
     * stopped ones, or those not packed yet (`unready`: units still in a tote, packing not done or reopened by a repack;
     * an LPN holding them is not ready to ship, ADR 0011 addendum 2026-12-06 quinquies), or all claimed.
     */
    claimDockShip: (input: { claimId: string; siteId: string; orderIds: readonly string[]; packageIds?: readonly string[] | undefined }): Promise<{ stopped: string[]; unready: string[]; stopping: string[] }> => deps.db.tx(async (tx) => {
      const orderIds = [...new Set(input.orderIds)].sort();
      const stopped: string[] = [];
      const unready: string[] = [];
      const stopping: string[] = [];
      const now = deps.clock.now();
      for (const id of orderIds) {
        const order = await packStore.lockOrCreateOrder(tx, id, input.siteId);
        if (order.cancelledAt !== null) stopped.push(id);
        else if (stopPending(order, now)) stopping.push(id);
        else if (await packStore.packWorkState(tx, id) !== 'DONE') unready.push(id);
      }
      if (stopped.length === 0 && unready.length === 0 && stopping.length === 0) {
        await packStore.claimDockShip(tx, input.claimId, orderIds, [...new Set(input.packageIds ?? [])].sort(), now);
      }
      return { stopped, unready, stopping };
    }),

    /** Settles a SHIP scan's claim (PackShipApi.settleDockShip), under its orders' row locks. */
    settleDockShip: (input: { claimId: string; shipped: boolean }): Promise<void> => deps.db.tx(async (tx) => {
      for (const id of await packStore.dockShipClaimOrders(tx, input.claimId)) await packStore.lockOrder(tx, id);
      await packStore.settleDockShip(tx, input.claimId, input.shipped, deps.clock.now());
    }),

    /**
     * orders.order.cancelled heard: the same stop, for cancellations decided without asking first (an order whose every
     * unit was shorted has nothing that could ship). A dispatched order cannot be cancelled: that would be a broken invariant.
     */
    async orderCancelled(tx: Tx, input: { orderId: string; siteId: string; reason: string | null }, meta: EventMeta): Promise<void> {
      const outcome = await stopShippingIn(tx, input, meta);
      if (!outcome.stopped) deps.log.error({ orderId: input.orderId, ...outcome }, 'pack-ship: a cancelled order had already been dispatched or shipped at the dock');
    },

    /** Packs every picked, unpacked unit of the order into one package. */
    /** `o.workerId`: who packed (the signed-in person), named on pack-ship.package.packed. */
    async pack(input: PackInput, meta: EventMeta, o: { workerId?: string | undefined } = {}): Promise<Outcome<Package>> {
      const products = await productsOf(input.orderId);
      return deps.db.tx(async (tx) => {
        const order = await packStore.lockOrder(tx, input.orderId);
        if (order === undefined) return reject('NOT_FOUND', `No order ${input.orderId} known to pack & ship`);
        const cancelled = cancelledRefusal(order, deps.clock.now());
        if (cancelled !== undefined) return cancelled;
        // The open units, the cartons and the SSCC serial in one read, under the order's lock.
        const packable = await packStore.packable(tx, order.orderId);
        const open = openOf(packable.lines);
        if (open.length === 0) return reject('NOTHING_TO_PACK', `Order ${order.orderId} has no picked units left to pack`);
        const chosen = unitsToPack(open, input.units);
        if (!chosen.ok) return chosen;
        const toPack = chosen.value;

        const cartons = packable.cartons;
        let carton: Carton | undefined;
        if (input.cartonCode !== undefined) {
          const named = cartons.find((c) => c.code === input.cartonCode);
          if (named === undefined) return reject('UNPROCESSABLE', `No carton ${input.cartonCode}`, [{ field: '/cartonCode', message: 'is not a known carton' }]);
          const inactive = inactiveCarton(named);
          if (inactive !== undefined) return inactive;
          carton = named;
        }
        const items = itemsOf(toPack, products);
        // A deactivated carton is never chosen (ADR 0045).
        carton ??= chooser.choose(items, cartons.filter((c) => c.active));
        if (carton === undefined) {
          return reject('NO_CARTON_FITS', `No single carton holds the ${items.reduce((n, i) => n + i.quantity, 0)} units of order ${order.orderId}: `
            + `GET /api/v1/packages/suggestion?orderId=${order.orderId} shows how to split them; pack each package with \`units\``);
        }

        const now = deps.clock.now();
        packageLifecycle.assertCan('OPEN', 'PACKED');
        const pkg: Omit<Package, 'shipmentId' | 'expectedWeightG' | 'weighedG'> = {
          id: deps.ids.next('pkg'), orderId: order.orderId, siteId: order.siteId, cartonCode: carton.code,
          weightG: input.weightG ?? itemsWeight(items) + carton.tareG, status: 'PACKED', createdAt: now.toISOString(), packedAt: now.toISOString(),
          lines: toPack, sscc: await newSscc(tx, packable.ssccSerial), toteId: null,
        };
        await packStore.insertPackage(tx, pkg);
        await emit(tx, await packedEvents(tx, order, { ...pkg, shipmentId: null, expectedWeightG: null, weighedG: null }, o.workerId), meta);
        return ok({ ...pkg, shipmentId: null, expectedWeightG: null, weighedG: null });
      });
    },

    bookableCarriers,

    /**
     * Books the order's packed, unshipped packages: one shipment, labelled (a GS1-128 label per package). The carrier is
     * the order's, or the one the caller names (`carrier`, which must be bookable), or the cheapest that meets the
     * promise (`rateShop`). A named carrier or service is booked as named or refused with its code; never replaced.
     * A remote carrier's booking is a call owed from its own commit, asked outside any transaction and recorded by a
     * second one (ADR 0056): not inside a unit of work (the route plans with {@link planShipment} there instead).
     */
    async createShipment(request: ShipmentRequest, meta: EventMeta): Promise<Outcome<Shipment>> {
      const refused = requestRefusal(request);
      if (refused !== undefined) return refused;
      const planned = await deps.db.tx((tx) => bookIn(tx, request, meta));
      if (!planned.ok) return planned;
      const p = planned.value;
      if ('shipment' in p) return ok(p.shipment);
      if (!('remote' in p)) throw new Error('a booking was planned without its carrier');
      const asked = await askRemote(request, meta, p.remote);
      return asked.ok ? settleAnswered(asked.value, meta) : asked;
    },

    /**
     * The booking as a request's unit of work plans it: a local carrier's shipment, booked and recorded in it, or the
     * remote carrier chosen, with nothing written (the route then asks it with {@link askRemote} outside the unit).
     */
    async planShipment(request: ShipmentRequest, meta: EventMeta): Promise<Outcome<{ shipment: Shipment } | { remote: BookingChoice }>> {
      const refused = requestRefusal(request);
      if (refused !== undefined) return refused;
      const planned = await deps.db.tx((tx) => bookIn(tx, request, meta));
      if (!planned.ok) return planned;
      const p = planned.value;
      if ('shipment' in p || 'remote' in p) return ok(p);
      throw new Error('a booking was planned with its call before its carrier was chosen');
    },

    askRemote,

    /**
     * The shipment recorded for a remote booking that this request (`requestId`: its caller, Idempotency-Key and body)
     * asked and whose answer it never recorded (its process stopped): the carrier-calls job recorded it since. A retry of
     * that request is answered with it, not refused NOTHING_TO_SHIP (ADR 0056 addendum 2026-12-07).
     */
    async bookedFor(orderId: string, requestId: string): Promise<Shipment | undefined> {
      const id = await packStore.bookedForRequest(deps.db, orderId, requestId);
      return id === undefined ? undefined : packStore.shipment(deps.db, id);
    },

    /** The shipment whose label void this request asked, recorded VOIDED since (by the label-voids job): as {@link bookedFor}. */
    async voidedFor(id: string, requestId: string): Promise<Shipment | undefined> {
      return await packStore.voidedForRequest(deps.db, id, requestId) ? packStore.shipment(deps.db, id) : undefined;
    },

    /** A remote booking's answer recorded in the caller's unit of work; refused with nothing written when it can no longer be (the caller settles it after). */
    recordAnswered: (asked: AskedBooking, meta: EventMeta): Promise<Outcome<Shipment>> => deps.db.tx((tx) => recordIn(tx, asked.call, asked.booking, meta, 'refuse')),

    /**
     * A remote booking's answer not recorded with its request, settled apart: recorded when it still can be, else kept
     * voided with its label void owed. `unwanted`: the request was answered otherwise (a replayed Idempotency-Key), so
     * the booking is voided.
     */
    async settleAnswered(asked: AskedBooking, meta: EventMeta, o: { unwanted?: boolean } = {}): Promise<void> {
      if (o.unwanted === true) await packStore.supersedeCall(deps.db, asked.call.shipmentId);
      await settleAnswered(asked, meta);
    },

    /**
     * The carrier-calls job (ADR 0056): owed bookings no attempt holds, made more than `graceMs` (PAKLOG_CARRIER_CALL_GRACE_S) ago (a request's own
     * retry comes first), are asked again with their key — the carrier answers the booking it made, or makes it — and
     * recorded, or voided when their order was cancelled, their packages changed or a newer booking took their place.
     * One the carrier does not answer after BOOKING_ATTEMPTS (PAKLOG_CARRIER_CALL_ATTEMPTS) attempts is given to a person
     * (pack-ship.label.booking-unsettled.v1: LABEL_BOOKING_UNSETTLED). The number asked.
     */
    async settleOwedCarrierCalls(graceMs = callSettings.graceMs, limit = 20): Promise<number> {
      const now = deps.clock.now();
      // A process with no remote carrier has no call to ask: it opens no liveness connection for the job (leases without
      // a holder end by their time, and such a call is answered "no longer configured here" anyway).
      const holder = bookableCarriers().some(isRemote) ? await deps.db.liveness.holder() : null;
      const due = await packStore.claimOwedCalls(deps.db, now, new Date(now.getTime() - graceMs), leaseEnd(now), limit, holder);
      for (const call of due) {
        let error: string;
        try {
          const booking = await askCarrier(call, 'job', holder);
          if (booking.ok) {
            await settleAnswered({ call, booking: booking.value }, {});
            continue;
          }
          // Refused: given to a person already, with the carrier's reason; not asked again.
          if (booking.code === 'CARRIER_REFUSED_BOOKING') continue;
          error = booking.message;
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
          deps.log.error({ shipmentId: call.shipmentId, carrier: call.carrier, err: error }, 'pack-ship: an owed booking could not be settled');
          await packStore.releaseCall(deps.db, call.shipmentId, error, holder);
        }
        if (call.attempts >= BOOKING_ATTEMPTS) await giveUpBooking(call, error, {});
      }
      return due.length;
    },

    /**
     * LABEL_BOOKING_UNSETTLED's retry (a person's way out of a booking the carrier never answered, ADR 0056 addendum):
     * the FAILED call is asked once more now, with the same key, so the carrier answers the booking it made (or makes
     * it). Answered, it is recorded (LABELLED) when it still can be, else kept voided with its label void owed (the
     * order was cancelled, its packages were booked otherwise or changed); unanswered, the call is FAILED again
     * (CARRIER_UNAVAILABLE, nothing held); refused by the carrier (a 4xx), FAILED again, CARRIER_REFUSED_BOOKING quoting it. A booking the order made again since with the same key settles it: that
     * label is the one the carrier answers, recorded there (SETTLED).
     */
    async retryBooking(shipmentId: string): Promise<Outcome<{ shipmentId: string; outcome: 'LABELLED' | 'VOIDED' | 'SETTLED'; trackingNumber: string | null }>> {
      const call = await packStore.carrierCall(deps.db, shipmentId);
      if (call === undefined) return reject('NOT_FOUND', `No carrier booking ${shipmentId}`);
      if (call.state === 'DONE') {
        const recorded = await packStore.shipment(deps.db, shipmentId);
        return ok({ shipmentId, outcome: 'SETTLED', trackingNumber: recorded?.trackingNumber ?? null });
      }
      if (call.state === 'OWED') {
        return reject('ILLEGAL_TRANSITION', `The booking ${shipmentId} is being asked again (owed): the carrier-calls job settles it within minutes; try again after`);
      }
      const later = await packStore.laterCallsWithKey(deps.db, call);
      const done = later.find((c) => c.state === 'DONE');
      if (done !== undefined) {
        const recorded = await packStore.shipment(deps.db, done.shipmentId);
        return ok({ shipmentId: done.shipmentId, outcome: 'SETTLED', trackingNumber: recorded?.trackingNumber ?? null });
      }
      if (later.some((c) => c.state === 'OWED')) {
        return reject('ILLEGAL_TRANSITION', `Order ${call.orderId} is being booked again with the same key (${later[0]!.shipmentId}): that booking settles this one; try again after`);
      }
      const holder = await deps.db.liveness.holder();
      const reopened = await deps.db.tx(async (tx) => {
        await packStore.lockOrder(tx, call.orderId);
        return packStore.reopenFailedCall(tx, shipmentId, leaseEnd(deps.clock.now()), holder);
      });
      if (reopened === undefined) return reject('ILLEGAL_TRANSITION', `The booking ${shipmentId} is being retried by someone else`);
      const carrier = carrierOf(reopened.carrier, deps.db);
      let booking: CarrierBooking;
      try {
        if (carrier === undefined) throw new CarrierUnavailable(reopened.carrier, 'no longer configured here');
        const r = reopened.request;
        booking = await carrier.book({
          siteId: reopened.siteId, shipFrom: r.shipFrom, shipTo: r.shipTo, packages: r.parcels, shipmentId, orderId: reopened.orderId, service: reopened.service, bookingKey: reopened.callKey,
        });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        // FAILED again, at once (not handed to the carrier-calls job): it holds nothing, the exception stays open.
        await packStore.settleCall(deps.db, shipmentId, 'FAILED', deps.clock.now(), null, error);
        // The carrier answered and refused it (a 4xx, its reason): POST /shipments' own refusal code, not "unavailable".
        if (e instanceof CarrierRefused) return reject('CARRIER_REFUSED_BOOKING', `${refusalMessage(reopened, e.reason)}, then acknowledge this exception`);
        return reject('CARRIER_UNAVAILABLE', `${reopened.carrier} still does not answer the booking (key ${reopened.callKey}): ${error}`);
      }
      const settled = await settleAnswered({ call: reopened, booking }, {});
      if (settled.ok) return ok({ shipmentId, outcome: 'LABELLED', trackingNumber: booking.trackingNumber });
      if (settled.code === 'ORDER_CANCELLED' || settled.code === 'NOTHING_TO_SHIP') return ok({ shipmentId, outcome: 'VOIDED', trackingNumber: booking.trackingNumber });
      return settled;
    },

    /**
     * The label-voids job: asks the carriers again to void the labels owed for cancelled orders whose first attempt
     * never settled (the process stopped before the carrier answered), `graceMs` after the cancellation. The number asked.
     */
    async voidOwedLabels(graceMs = 60_000, limit = 50): Promise<number> {
      const owed = await packStore.owedLabelVoids(deps.db, new Date(deps.clock.now().getTime() - graceMs), limit);
      for (const x of owed) await voidOwedLabel(x, {});
      return owed.length;
    },

    /**
     * Asks the carrier again to void the label of a shipment cancelled with its order (LABEL_VOID_FAILED's retry). A label
     * the carrier no longer knows counts as voided; nothing is written in PakLog either way.
     */
    async retryLabelVoid(id: string): Promise<Outcome<{ shipmentId: string; trackingNumber: string }>> {
      const shipment = await packStore.shipment(deps.db, id);
      if (shipment === undefined) return reject('NOT_FOUND', `No shipment ${id}`);
      // VOIDED: a booking the carrier made that could not be recorded (ADR 0056), its label void owed like a cancelled one's.
      if ((shipment.status !== 'CANCELLED' && shipment.status !== 'VOIDED') || shipment.trackingNumber === null) {
        return reject('ILLEGAL_TRANSITION', `Shipment ${id} is ${shipment.status}; only a cancelled order's booked label is voided again`);
      }
      const carrier = shipment.carrier === OWN_FLEET ? undefined : carrierOf(shipment.carrier, deps.db);
      if (carrier?.void !== undefined) {
        try {
          await carrier.void(shipment.trackingNumber);
        } catch (e) {
          if (e instanceof CarrierRefused) return reject('CARRIER_REFUSED_VOID', `${shipment.carrier} refused to void label ${shipment.trackingNumber} of shipment ${id}: ${e.reason}; the label stays valid: settle it with the carrier, then acknowledge this exception`);
          if (e instanceof CarrierUnavailable && !(e instanceof LabelUnknownToCarrier)) return reject('CARRIER_UNAVAILABLE', `${e.message}; the label stays valid`);
          if (!(e instanceof LabelUnknownToCarrier)) throw e;
        }
      }
      await packStore.settleLabelVoid(deps.db, id, 'DONE');
      return ok({ shipmentId: id, trackingNumber: shipment.trackingNumber });
    },

    /**
     * Voids a labelled shipment's label before it is handed over: VOIDED, its packages PACKED again (bookable anew). A
     * remote carrier's void is owed from its own commit and asked outside any transaction (ADR 0056): not inside a
     * unit of work (the route plans with {@link planVoid} there, then {@link askVoid} and {@link recordVoid}).
     */
    async voidShipment(id: string, meta: EventMeta): Promise<Outcome<Shipment>> {
      const planned = await deps.db.tx((tx) => voidIn(tx, id, meta, 'plan'));
      if (!planned.ok) return planned;
      if ('shipment' in planned.value) return ok(planned.value.shipment);
      const asked = await askVoid(id, meta);
      if (!asked.ok) return asked;
      return 'shipment' in asked.value ? ok(asked.value.shipment) : deps.db.tx((tx) => recordVoidIn(tx, id, meta));
    },

    /** The void as a request's unit of work plans it: done (no remote carrier to ask), or to ask outside the unit (nothing written). */
    planVoid: (id: string, meta: EventMeta) => deps.db.tx((tx) => voidIn(tx, id, meta, 'plan')),
    askVoid,
    /** The carrier voided the label: recorded (VOIDED, packages PACKED again, its event) in the caller's transaction. */
    recordVoid: (id: string, meta: EventMeta) => deps.db.tx((tx) => recordVoidIn(tx, id, meta)),

    /** Closes today's manifest of a carrier at a site: every labelled shipment not yet on one, handed over. */
    async closeManifest(input: { siteId: string; carrier: string }, meta: EventMeta): Promise<Outcome<Manifest>> {
      return deps.db.tx(async (tx) => {
        const shipments = await packStore.unmanifested(tx, input.siteId, input.carrier);
        // A carrier PakLog cannot book is refused as such, not as an empty day; shipments still waiting under a
        // carrier dropped from the configuration are handed over all the same (they were booked with it).
        const bookable = bookableCarriers();
        if (shipments.length === 0 && !bookable.includes(input.carrier)) {
          return reject('UNKNOWN_CARRIER', `PakLog knows no carrier ${input.carrier}; bookable carriers: ${bookable.join(', ')}`, [
            { field: '/carrier', message: `is not a bookable carrier (${bookable.join(', ')})` },
          ]);
        }
        if (shipments.length === 0) return reject('NOTHING_TO_MANIFEST', `No labelled ${input.carrier} shipment at site ${input.siteId} waits for a manifest`);
        const pkgs = await packStore.packages(tx, { shipmentIds: shipments.map((x) => x.id) });
        const shipTo = new Map<string, Address | null>();
        for (const x of shipments) shipTo.set(x.orderId, (await packStore.lockOrder(tx, x.orderId, false))?.shipTo ?? null);
        const now = deps.clock.now();
        const manifest: Manifest = {
          withdrawn: [],
          id: deps.ids.next('mnf'), siteId: input.siteId, carrier: input.carrier, day: now.toISOString().slice(0, 10), closedAt: now.toISOString(),
          data: {
            shipments: shipments.map((x) => {
              const mine = pkgs.filter((p) => p.shipmentId === x.id);
              return {
                shipmentId: x.id, orderId: x.orderId, service: x.service, trackingNumber: x.trackingNumber ?? '',
                packages: mine.map((p) => ({ packageId: p.id, sscc: p.sscc, weightG: p.weightG })), weightG: mine.reduce((n, p) => n + p.weightG, 0),
                shipTo: shipTo.get(x.orderId) ?? null,
              };
            }),
          },
        };
        await packStore.insertManifest(tx, manifest, shipments.map((x) => x.id));
        const data: ManifestClosed = { manifestId: manifest.id, siteId: input.siteId, carrier: input.carrier, day: manifest.day, shipmentIds: shipments.map((x) => x.id) };
        await emit(tx, [{ type: PackShipEvents.manifestClosed, subject: manifest.id, siteId: input.siteId, data }], meta);
        return ok(manifest);
      });
    },

    getManifest: (id: string) => packStore.manifest(deps.db, id),
    listManifests: (siteId: string, day: string | null) => packStore.manifests(deps.db, siteId, day),

    async manifestDocument(id: string): Promise<Outcome<Uint8Array>> {
      const m = await packStore.manifest(deps.db, id);
      if (m === undefined) return reject('NOT_FOUND', `No manifest ${id}`);
      const settings = await settingsOf(deps.db, m.siteId);
      return ok(await manifestPdf({
        manifestId: m.id, carrier: m.carrier, siteId: m.siteId, shipFrom: settings.shipFrom ?? unsetShipFrom(m.siteId), day: m.day, closedAt: m.closedAt,
        shipments: m.data.shipments.map((x) => ({
          shipmentId: x.shipmentId, orderId: x.orderId, service: x.service, trackingNumber: x.trackingNumber, packages: x.packages.length, weightG: x.weightG,
          shipTo: x.shipTo === null ? '' : `${x.shipTo.postalCode} ${x.shipTo.city} ${x.shipTo.country}`,
        })),
        withdrawn: m.withdrawn,
      }));
    },

    tracked: trackShipment,

    /** The tracking poll (job): asks each carrier that can be polled about its shipments on their way. */
    async pollTracking(): Promise<number> {
      let moved = 0;
      for (const code of bookableCarriers()) {
        const carrier = carrierOf(code, deps.db);
        if (carrier?.track === undefined) continue;
        const open = await packStore.inTransit(deps.db, code);
        if (open.length === 0) continue;
        let updates: readonly (TrackingUpdate | MalformedTrackingEvent)[];
        try {
          updates = await carrier.track(open.map((o) => o.trackingNumber));
        } catch (e) {
          deps.log.warn({ carrier: code, err: (e as Error).message }, 'pack-ship: tracking poll failed');
          continue;
        }
        for (const u of updates) {
          // One event the carrier sent malformed is skipped — logged with its shipment and why, counted — not the answer's others.
          if ('malformed' in u) {
            trackingSkipped.inc({ carrier: code });
            const shipmentId = open.find((o) => o.trackingNumber === u.trackingNumber)?.id ?? null;
            deps.log.warn({ carrier: code, shipmentId, trackingNumber: u.trackingNumber, reason: u.malformed }, 'pack-ship: tracking poll skipped a malformed event');
            continue;
          }
          const r = await trackShipment({ ...u, carrier: code }, {});
          if (r.ok) moved++;
        }
      }
      return moved;
    },

    /**
     * Announces ready to pack the orders whose picking ended before ADR 0049 and were never announced (job
     * `pack-ship.ready-to-pack`): orders moved such an order to PICKED on picking's own events no more, so without this
     * it would wait in PICKING. A few hundred at a time; none once they are done (a partial index finds nothing).
     */
    async openPackWork(orderId: string): Promise<OpenPackWork | undefined> {
      const order = await packStore.lockOrder(deps.db, orderId, false);
      if (order === undefined || order.cancelledAt !== null) return undefined;
      const lines = await packStore.orderLines(deps.db, orderId);
      const unitsPicked = lines.reduce((n, l) => n + l.picked, 0);
      const unitsToPack = lines.reduce((n, l) => n + Math.max(0, l.picked - l.packed), 0);
      // A shipComplete order whose units shorted at packing are picked again (its picking open again, ADR 0024
      // addendum 2026-12-07) is not packed when what is in the tote is: the re-picked units come to be packed, in the
      // same round (no second PACK task), so its PACK task is not done.
      const repick = order.pickingStatus === null && await packStore.shipsComplete(deps.db, orderId)
        && await packStore.shortAtPackOf(deps.db, orderId) > 0;
      const unitsToPickAgain = repick ? Math.max(1, lines.reduce((n, l) => n + Math.max(0, l.ordered - l.picked), 0)) : 0;
      if (unitsToPack === 0 && unitsToPickAgain === 0) return undefined;
      const open = await packStore.packages(deps.db, { orderId, status: 'OPEN' });
      return { orderId, unitsPicked, unitsToPack, unitsToPickAgain, openPackageIds: open.map((p) => p.id) };
    },

    async announceUnannounced(): Promise<number> {
      return deps.db.tx(async (tx) => {
        const due = await packStore.claimUnannounced(tx, deps.clock.now(), 200);
        const events: PublishedEvent[] = due.map((o) => {
          const data: ReadyToPack = { orderId: o.orderId, siteId: o.siteId, status: o.status, unitsPicked: o.unitsPicked, round: o.round, ...withPriority(o.priority) };
          return { type: PackShipEvents.readyToPack, subject: o.orderId, siteId: o.siteId, data };
        });
        if (events.length > 0) await emit(tx, events, {});
        return events.length;
      });
    },

    /** The van left: LABELLED → DISPATCHED, packages SHIPPED. */
    async dispatch(id: string, meta: EventMeta): Promise<Outcome<Shipment>> {
      return deps.db.tx(async (tx) => {
        // The order's row first, as stopShipping takes it: a cancellation and this dispatch are serialised (the
        // shipment's order named by the shipment, in the same statement).
        const order = await packStore.lockOrderOfShipment(tx, id);
        const cancelled = order === undefined ? undefined : cancelledRefusal(order, deps.clock.now());
        if (cancelled !== undefined) return cancelled;
        const found = await packStore.shipmentToDispatch(tx, id);
        if (found === undefined) return reject('NOT_FOUND', `No shipment ${id}`);
        const { shipment, packages } = found;
        const legal = shipmentLifecycle.check(shipment.status, 'DISPATCHED', `Shipment ${id} is ${shipment.status}; it cannot be dispatched`);
        if (!legal.ok) return legal;
        // Its label's void was asked of the carrier and not recorded yet (ADR 0056): the label may be dead already.
        if (found.voidOwed) return reject('ILLEGAL_TRANSITION', `Shipment ${id}'s label is being voided with ${shipment.carrier}; it cannot be dispatched`);
        const blocked = packages.find((p) => !packageLifecycle.can(p.status, 'SHIPPED'));
        if (blocked !== undefined) return reject('ILLEGAL_TRANSITION', `Package ${blocked.id} is ${blocked.status}; it cannot ship`);
        const held = holdRefusal(packages.flatMap((p) => (p.hold === null ? [] : [{ package_id: p.id, status: p.hold }])));
        if (held !== undefined) return held;
        const now = deps.clock.now();
        const lines = byLine(packages.flatMap((p) => p.lines));
        const data: ShipmentDispatched = {
          shipmentId: id, orderId: shipment.orderId, siteId: shipment.siteId, ...owned(order), carrier: shipment.carrier,
          trackingNumber: shipment.trackingNumber ?? '', packageIds: packages.map((p) => p.id), lines,
        };
        // Shipment, packages, shipped units and the event in one statement (ADR 0003 addendum 2026-12-03).
        const events = deps.bus.envelopes('pack-ship', [{ type: PackShipEvents.shipmentDispatched, subject: id, siteId: shipment.siteId, data }], meta);
        const after = await packStore.dispatch(deps.bus.writer(tx), id, now, packages.map((p) => p.id), shipment.orderId, lines, events);
        const units = lines.reduce((n, l) => n + l.quantity, 0);
        tx.afterCommit(() => {
          shipmentsDispatched.inc();
          unitsShipped.inc(units);
        });
        return ok(after);
      });
    },

    suggest: suggestFor,

    /** A new carton; its code taken, in any letter case (`box-s` beside `BOX-S`: ADR 0007, addendum 2026-12-07), is DUPLICATE. */
    async createCarton(c: Carton): Promise<Outcome<CartonRecord>> {
      return deps.db.tx(async (tx): Promise<Outcome<CartonRecord>> => {
        // Carton creations in turn, so two of `box-s` and `BOX-S` at once do not both pass the check.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('pack_ship.carton_code'))`);
        const alike = await packStore.cartonCodeAlike(tx, c.code);
        if (alike !== undefined) {
          return reject('DUPLICATE', `Carton ${alike} exists: carton codes ignore letter case`, [{ field: '/code', message: `is already used as ${alike} (letter case aside)` }]);
        }
        const created = await packStore.insertCarton(tx, c);
        return created === undefined ? reject('DUPLICATE', `Carton ${c.code} exists`, [{ field: '/code', message: 'is already used' }]) : ok(created);
      });
    },

    /**
     * Changes a carton's fields (ADR 0045; its code is its key) with `pack-ship.carton.updated.v1`. Packages already in
     * it keep their weights; the new tare and size count from the next package. A patch that changes nothing announces nothing.
     */
    async updateCarton(code: string, patch: Partial<CartonFields>, meta: EventMeta): Promise<Outcome<CartonRecord>> {
      return deps.db.tx(async (tx): Promise<Outcome<CartonRecord>> => {
        const current = await packStore.cartonForUpdate(tx, code);
        if (current === undefined) return reject('NOT_FOUND', `No carton ${code}`);
        const next = { ...current, ...patch };
        if ((Object.keys(patch) as (keyof CartonFields)[]).every((k) => next[k] === current[k])) return ok(current);
        const carton = await packStore.updateCarton(tx, code, next);
        const data: CartonUpdated = carton;
        await deps.bus.append(tx, 'pack-ship', [{ type: PackShipEvents.cartonUpdated, subject: code, data }], meta);
        return ok(carton);
      });
    },

    /** Deactivates or reactivates a carton (ADR 0045); one already so is answered unchanged, without an event. */
    async setCartonActive(code: string, active: boolean, meta: EventMeta): Promise<Outcome<CartonRecord>> {
      return deps.db.tx(async (tx): Promise<Outcome<CartonRecord>> => {
        const current = await packStore.cartonForUpdate(tx, code);
        if (current === undefined) return reject('NOT_FOUND', `No carton ${code}`);
        if (current.active === active) return ok(current);
        const carton = await packStore.updateCarton(tx, code, { ...current, active });
        const data: CartonActiveChanged = { code };
        await deps.bus.append(tx, 'pack-ship', [{ type: active ? PackShipEvents.cartonReactivated : PackShipEvents.cartonDeactivated, subject: code, data }], meta);
        return ok(carton);
      });
    },

    cartons: (q: { active?: boolean | undefined } = {}) => packStore.cartons(deps.db, q),
    async getPackage(id: string): Promise<Package | undefined> {
      return (await packStore.packages(deps.db, { id }))[0];
    },
    listPackages: (orderId: string | undefined) => packStore.packages(deps.db, orderId === undefined ? {} : { orderId }),
    getShipment: (id: string) => packStore.shipment(deps.db, id),
    shipmentsOfOrders: (orderIds: readonly string[]) => packStore.shipmentsOfOrders(deps.db, orderIds),
    listShipments: (q: Parameters<typeof packStore.listShipments>[1]) => packStore.listShipments(deps.db, q),

    // --- pack station (docs/operations/pack-station.md) ---
    /** Scan the tote: its order, the units left to pack, the packer's cartons for them, the order's open packages. */
    async scanTote(toteId: string, at: { orderId?: string | undefined; siteId?: string | undefined }): Promise<Outcome<ToteView>> {
      const { orderId, siteId } = at;
      const inTote = await packStore.toteUnits(deps.db, toteId);
      const candidates: string[] = [];
      const sites = new Set<string>();
      for (const id of [...new Set(inTote.map((u) => u.orderId))]) {
        if (orderId !== undefined && id !== orderId) continue;
        const order = await packStore.lockOrder(deps.db, id, false);
        // Tote labels are the site's own: another site's tote of the same label is another tote.
        if (order === undefined || (siteId !== undefined && order.siteId !== siteId)) continue;
        // Units scanned into a carton still open are not packed yet: the packer who comes back (a paused task, a
        // reload) scans the tote to find that carton and weigh and seal it.
        if (order.cancelledAt === null
          && ((await openUnits(deps.db, id)).length > 0 || (await packStore.packages(deps.db, { orderId: id, status: 'OPEN' })).length > 0)) {
          candidates.push(id);
          sites.add(order.siteId);
        }
      }
      const where = `${orderId === undefined ? '' : ` of order ${orderId}`}${siteId === undefined ? '' : ` at site ${siteId}`}`;
      if (candidates.length === 0) return reject('TOTE_EMPTY', `Tote ${toteId} holds no picked, unpacked unit${where}, nor a carton being packed`);
      if (sites.size > 1) {
        return reject('TOTE_AT_SEVERAL_SITES', `Sites ${[...sites].join(', ')} each have a tote ${toteId}; scan it again with the site`, [
          { field: '/siteId', message: `name one of ${[...sites].join(', ')}` },
        ]);
      }
      if (candidates.length > 1) {
        return reject('TOTE_HOLDS_SEVERAL_ORDERS', `Tote ${toteId} holds units of orders ${candidates.join(', ')}; scan it again with one of them`, [
          { field: '/orderId', message: `name one of ${candidates.join(', ')}` },
        ]);
      }
      const id = candidates[0] ?? '';
      const order = await packStore.lockOrder(deps.db, id, false);
      const open = await openUnits(deps.db, id);
      const products = await productsOf(id);
      const suggestion = await suggestFor(id);
      const openPackages = (await packStore.packages(deps.db, { orderId: id, status: 'OPEN' })).map((p) => p.id);
      return ok({
        toteId, orderId: id, siteId: order?.siteId ?? '', units: open.map((u) => ({ ...u, gtin: products.get(u.sku)?.gtin ?? null })),
        suggestion: suggestion.ok ? suggestion.value : null, openPackageIds: openPackages,
      });
    },

    /** Opens a carton for the order at the pack station: the packer's suggestion unless the packer overrides it. */
    async openCarton(input: { orderId: string; cartonCode?: string; toteId?: string }, meta: EventMeta): Promise<Outcome<Package>> {
      void meta;
      const suggestion = input.cartonCode === undefined ? await suggestFor(input.orderId) : undefined;
      if (suggestion !== undefined && !suggestion.ok) return suggestion;
      return deps.db.tx(async (tx) => {
        const order = await packStore.lockOrder(tx, input.orderId);
        if (order === undefined) return reject('NOT_FOUND', `No order ${input.orderId} known to pack & ship`);
        const cancelled = cancelledRefusal(order, deps.clock.now());
        if (cancelled !== undefined) return cancelled;
        if ((await openUnits(tx, order.orderId)).length === 0) return reject('NOTHING_TO_PACK', `Order ${order.orderId} has no picked units left to pack`);
        // The tote the packer names is where the units come from: one that holds nothing of the order is a misscan.
        if (input.toteId !== undefined && !(await packStore.toteUnits(tx, input.toteId)).some((u) => u.orderId === order.orderId)) {
          return reject('TOTE_EMPTY', `Tote ${input.toteId} holds no picked unit of order ${order.orderId}`, [
            { field: '/toteId', message: `holds nothing of order ${order.orderId}` },
          ]);
        }
        const cartons = await packStore.cartons(tx);
        const code = input.cartonCode ?? suggestion?.value?.packages[0]?.cartonCode;
        const carton = cartons.find((c) => c.code === code);
        if (carton === undefined) return reject('UNPROCESSABLE', `No carton ${code ?? ''}`, [{ field: '/cartonCode', message: 'is not a known carton' }]);
        const inactive = inactiveCarton(carton);
        if (inactive !== undefined) return inactive;
        const now = deps.clock.now().toISOString();
        const pkg = {
          id: deps.ids.next('pkg'), orderId: order.orderId, siteId: order.siteId, cartonCode: carton.code, weightG: carton.tareG, status: 'OPEN' as const,
          createdAt: now, packedAt: null, lines: [], sscc: null, toteId: input.toteId ?? null,
        };
        await packStore.insertPackage(tx, pkg);
        return ok({ ...pkg, shipmentId: null, expectedWeightG: null, weighedG: null });
      });
    },

    /**
     * Scan one unit into an OPEN package: its SKU or GTIN. A misread GTIN (bad check digit) is 422 BAD_BARCODE, an item
     * not on the order 422 WRONG_ITEM, an item whose picked units are all packed or scanned 409 ITEM_ALREADY_PACKED.
     */
    async scanUnit(packageId: string, barcode: string): Promise<Outcome<Package>> {
      const seen = (await packStore.packages(deps.db, { id: packageId }))[0];
      const products = seen === undefined ? new Map<string, Product>() : await productsOf(seen.orderId);
      return deps.db.tx(async (tx) => {
        const found = await openPackage(tx, packageId);
        if (!found.ok) return found;
        const { order, pkg } = found.value;
        const lines = await packStore.orderLines(tx, order.orderId);
        const matches = lines.filter((l) => l.sku === barcode || sameGtin(barcode, products.get(l.sku)?.gtin ?? null));
        if (matches.length === 0) {
          if (/^[0-9]{8}$|^[0-9]{12,14}$/.test(barcode) && !isValidGtin(barcode)) {
            return reject('BAD_BARCODE', `${barcode} is not a valid GTIN (check digit): a misread; scan again`, [{ field: '/barcode', message: 'fails the GS1 check digit' }]);
          }
          return reject('WRONG_ITEM', `${barcode} is not on order ${order.externalId ?? order.orderId}; put the item aside`, [{ field: '/barcode', message: 'matches no line of the order' }]);
        }
        const scanned = await packStore.scannedOpen(tx, order.orderId);
        const line = matches.find((l) => l.picked - l.packed - (scanned.get(l.lineId) ?? 0) > 0);
        if (line === undefined) {
          return reject('ITEM_ALREADY_PACKED', `Every picked unit of ${matches[0]?.sku ?? barcode} on order ${order.externalId ?? order.orderId} is already packed or scanned`, [
            { field: '/barcode', message: 'no unit of this item is left to pack' },
          ]);
        }
        await packStore.addScannedUnit(tx, pkg.id, { lineId: line.lineId, sku: line.sku });
        const after = (await packStore.packages(tx, { id: pkg.id }))[0];
        if (after === undefined) throw new Error(`package ${pkg.id} vanished`);
        return ok(after);
      });
    },

    /** The scale's reading: recorded with the expected weight and the site's tolerance; the answer says whether it passes. */
    async weigh(packageId: string, weighedG: number): Promise<Outcome<{ package: Package; check: WeightCheck }>> {
      const seen = (await packStore.packages(deps.db, { id: packageId }))[0];
      const products = seen === undefined ? new Map<string, Product>() : await productsOf(seen.orderId);
      return deps.db.tx(async (tx) => {
        const found = await openPackage(tx, packageId);
        if (!found.ok) return found;
        const { order, pkg } = found.value;
        if (pkg.lines.length === 0) return reject('PACKAGE_EMPTY', `Package ${pkg.id} has no units; scan them before weighing`);
        const carton = (await packStore.cartons(tx)).find((c) => c.code === pkg.cartonCode);
        const expected = expectedWeight(pkg, carton, products);
        const check = weightCheck(weighedG, expected, (await settingsOf(tx, order.siteId)).weightTolerancePct);
        await packStore.setWeighed(tx, pkg.id, weighedG, expected ?? 0);
        const after = (await packStore.packages(tx, { id: pkg.id }))[0];
        if (after === undefined) throw new Error(`package ${pkg.id} vanished`);
        return ok({ package: after, check });
      });
    },

    /**
     * Seals an OPEN package: weighed, within tolerance of what its contents should weigh now (a unit scanned after
     * weighing needs a new weight), an SSCC given, PACKED with the events of POST /packages.
     */
    /** `o.workerId`: who sealed it (the signed-in person), named on pack-ship.package.packed. */
    async seal(packageId: string, meta: EventMeta, o: { workerId?: string | undefined } = {}): Promise<Outcome<Package>> {
      const seen = (await packStore.packages(deps.db, { id: packageId }))[0];
      const products = seen === undefined ? new Map<string, Product>() : await productsOf(seen.orderId);
      return deps.db.tx(async (tx) => {
        const found = await openPackage(tx, packageId);
        if (!found.ok) return found;
        const { order, pkg } = found.value;
        if (pkg.lines.length === 0) return reject('PACKAGE_EMPTY', `Package ${pkg.id} has no units; scan them or repack it`);
        if (pkg.weighedG === null) return reject('WEIGHT_NOT_CAPTURED', `Weigh package ${pkg.id} before sealing it (POST /packages/${pkg.id}/weight)`);
        const carton = (await packStore.cartons(tx)).find((c) => c.code === pkg.cartonCode);
        const check = weightCheck(pkg.weighedG, expectedWeight(pkg, carton, products), (await settingsOf(tx, order.siteId)).weightTolerancePct);
        if (check.status === 'OUT') {
          // The contents may be right and the catalogue wrong (a product's weight, a carton's tare): every weighing fails
          // until a manager corrects it, so the refusal says so, not only "check the contents" (walk10).
          return reject('WEIGHT_OUT_OF_TOLERANCE', `Package ${pkg.id} weighs ${pkg.weighedG} g; its contents and carton should weigh ${check.expectedG ?? 0} g `
            + `(±${check.tolerancePct} %, off by ${check.deviationPct ?? 0} %): check the contents, then weigh again; the contents right, a manager corrects `
            + `the weight of the product (PATCH /api/v1/products/{sku}) or of carton ${pkg.cartonCode} (PATCH /api/v1/cartons/${pkg.cartonCode}), then weigh again`);
        }
        packageLifecycle.assertCan('OPEN', 'PACKED');
        const code = await newSscc(tx);
        const now = deps.clock.now();
        await packStore.seal(tx, pkg.id, code, pkg.weighedG, now);
        const sealed = (await packStore.packages(tx, { id: pkg.id }))[0];
        if (sealed === undefined) throw new Error(`package ${pkg.id} vanished`);
        await emit(tx, await packedEvents(tx, order, sealed, o.workerId), meta);
        return ok(sealed);
      });
    },

    /** Opens an OPEN or PACKED (not labelled) package again: REPACKED, its units back to pack into new packages. */
    async repack(packageId: string, meta: EventMeta): Promise<Outcome<Package>> {
      return deps.db.tx(async (tx) => {
        const seen = (await packStore.packages(tx, { id: packageId }))[0];
        if (seen === undefined) return reject('NOT_FOUND', `No package ${packageId}`);
        const order = await packStore.lockOrder(tx, seen.orderId);
        const cancelled = order === undefined ? undefined : cancelledRefusal(order, deps.clock.now());
        if (cancelled !== undefined) return cancelled;
        const pkg = (await packStore.packages(tx, { id: packageId }, true))[0];
        if (pkg === undefined) return reject('NOT_FOUND', `No package ${packageId}`);
        const legal = packageLifecycle.check(pkg.status, 'REPACKED', `Package ${pkg.id} is ${pkg.status}; void its label first (POST /shipments/{id}/void) to repack it`);
        if (!legal.ok) return legal;
        // Its carton left by a SHIP scan at the dock (claimDockShip named it; the order's cancel is refused for it): its
        // units are on the truck, not on the bench. Reopened, the order read PICKED again and was packed and shipped a
        // second time from units that had left. Under the order's lock, which the scan's claim takes too.
        const atDock = await packStore.dockShipOfPackage(tx, pkg.orderId, pkg.id);
        if (atDock !== undefined) {
          return reject('ILLEGAL_TRANSITION', atDock === 'SHIPPED'
            ? `Package ${pkg.id}'s carton was shipped at the dock (a SHIP scan of it, or of the LPN it was loaded onto): it left and cannot be repacked`
            : `Package ${pkg.id}'s carton is being shipped at the dock (a SHIP scan in flight): it cannot be repacked; try again in a moment`);
        }
        // Under the order's lock, which quality's hold and inspection handlers take too: a hold placed (or an inspection
        // opened) meanwhile is seen here.
        const held = repackRefusal(pkg.id, await qualityHoldStore.ofPackage(tx, pkg.id), await qualityHoldStore.openInspectionsOf(tx, pkg.id));
        if (held !== undefined) return held;
        await packStore.markRepacked(tx, pkg.id, deps.clock.now());
        const events: PublishedEvent[] = [];
        const data: PackageRepacked = { packageId: pkg.id, orderId: pkg.orderId, siteId: pkg.siteId, lines: [...pkg.lines], previousStatus: pkg.status === 'PACKED' ? 'PACKED' : 'OPEN' };
        events.push({ type: PackShipEvents.packageRepacked, subject: pkg.id, siteId: pkg.siteId, data });
        if (pkg.status === 'PACKED') {
          await packStore.removePacked(tx, pkg.orderId, pkg.lines);
          // An order packed already has units to pack again: announced ready to pack with the next round, which is a
          // new PACK task; its last seal announces the order packed again (ADR 0035 addendum 2026-12-05).
          const reopened = await packStore.reopenPacking(tx, pkg.orderId, deps.clock.now());
          if (reopened !== undefined) {
            const ready: ReadyToPack = {
              orderId: pkg.orderId, siteId: reopened.siteId, status: reopened.status, unitsPicked: reopened.unitsPicked, round: reopened.round, ...withPriority(reopened.priority),
            };
            events.push({ type: PackShipEvents.readyToPack, subject: pkg.orderId, siteId: reopened.siteId, data: ready });
          }
        }
        await emit(tx, events, meta);
        const after = (await packStore.packages(tx, { id: pkg.id }))[0];
        if (after === undefined) throw new Error(`package ${pkg.id} vanished`);
        return ok(after);
      });
    },

    /**
     * Picked units of an order found missing or damaged at the pack station (docs/operations/pack-station.md): they will
     * not be packed nor shipped, and the order ships without them. Only units still waiting to be packed can be shorted
     * (409 SHORT_EXCEEDS_OPEN_UNITS), once picking is done (409 NOTHING_TO_PACK before: short at the pick list), and
     * never every unit the order has left (409 SHORT_EMPTIES_ORDER: cancel it). When the rest is packed already, the
     * order is packed now (`pack-ship.order.packed`). Inventory writes the units off the order's in-process stock.
     * A shipComplete order never ships partial: the units are picked again (ADR 0024 addendum 2026-12-07), so its
     * picking is open again here (not packed, not bookable) until picking says it is done.
     */
    async shortAtPack(input: ShortAtPackInput, meta: EventMeta): Promise<Outcome<ShortAtPackResult>> {
      return deps.db.tx(async (tx) => {
        const order = await packStore.lockOrder(tx, input.orderId);
        if (order === undefined) return reject('NOT_FOUND', `No order ${input.orderId} known to pack & ship`);
        const cancelled = cancelledRefusal(order, deps.clock.now());
        if (cancelled !== undefined) return cancelled;
        // A shipComplete order never ships partial: its units are picked again (ADR 0024 addendum 2026-12-07). Its
        // picking is open again after such a short, and another unit found missing then is shorted all the same.
        const repick = await packStore.shipsComplete(tx, order.orderId);
        if (order.pickingStatus === null && !(repick && await packStore.shortAtPackOf(tx, order.orderId) > 0)) {
          return reject('NOTHING_TO_PACK', `Order ${order.orderId} is still being picked: short its units at the pick list, not at packing`);
        }
        const lines = await packStore.orderLinesWithScanned(tx, order.orderId);
        const line = lines.find((l) => l.lineId === input.lineId);
        if (line === undefined) return reject('UNPROCESSABLE', `Order ${order.orderId} has no line ${input.lineId}`, [{ field: '/lineId', message: 'is not a line of the order' }]);
        const open = line.picked - line.packed - line.scanned;
        if (input.quantity > open) {
          return reject('SHORT_EXCEEDS_OPEN_UNITS', `Only ${open} unit(s) of ${line.sku} on order ${order.externalId ?? order.orderId} wait to be packed`
            + ' (units scanned into an open carton are taken out of it first: repack it)', [{ field: '/quantity', message: `must be at most ${open}` }]);
        }
        if (!repick && lines.reduce((n, l) => n + l.picked, 0) - input.quantity === 0) {
          return reject('SHORT_EMPTIES_ORDER', `Nothing of order ${order.orderId} would be left to ship: cancel the order (its picked units go back by a return to stock)`);
        }
        const shorted = await packStore.shortAtPack(tx, order.orderId, line.lineId, input.quantity);
        if (shorted === undefined) throw new Error(`line ${line.lineId} of ${order.orderId} changed under its order's lock`);
        const data: UnitsShortAtPack = {
          orderId: order.orderId, siteId: order.siteId, ...owned(order), lineId: line.lineId, sku: line.sku, quantity: input.quantity,
          reason: input.reason, toteId: input.toteId ?? null, note: input.note ?? null,
        };
        const events: PublishedEvent[] = [{ type: PackShipEvents.unitsShortAtPack, subject: order.orderId, siteId: order.siteId, data }];
        if (repick) {
          // Its picking is not done until the units are picked again: not packed nor bookable meanwhile, and ready to
          // pack again when picking says it is done (with every unit picked for it, these included).
          await packStore.pickingReopened(tx, order.orderId);
        } else {
          const after = await packStore.orderLines(tx, order.orderId);
          if (after.some((l) => l.packed > 0) && after.every((l) => l.picked <= l.packed)) events.push(...await announcePacked(tx, order.orderId, order.siteId));
        }
        await emit(tx, events, meta);
        return ok({
          orderId: order.orderId, lineId: line.lineId, sku: line.sku, quantity: input.quantity, reason: input.reason, shortAtPack: shorted.shortAtPack,
          unitsLeftToPack: await openUnits(tx, order.orderId), orderPacked: events.some((e) => e.type === PackShipEvents.orderPacked), pickedAgain: repick,
        });
      });
    },

    getSettings: (siteId: string) => settingsOf(deps.db, siteId),
    async putSettings(input: SiteSettings): Promise<SiteSettings> {
      // Answered from the transaction that wrote them: read after the commit, they could be another manager's (race8).
      return deps.db.tx(async (tx) => {
        await packStore.putSettings(tx, input, deps.clock.now());
        return settingsOf(tx, input.siteId);
      });
    },

    // --- documents ---
    /**
     * A labelled package's shipping label again (reprint): ZPL, PDF, or the SSCC barcode as PNG. A package without a
     * label is refused with the step that gives it one: PACKAGE_NOT_SEALED (seal it), PACKAGE_NOT_BOOKED (book its
     * order's shipment), PACKAGE_REPACKED (print the new packages' labels), ORDER_CANCELLED (nothing ships).
     */
    async label(packageId: string, format: 'zpl' | 'pdf' | 'png'): Promise<Outcome<{ contentType: string; body: string | Uint8Array }>> {
      const pkg = (await packStore.packages(deps.db, { id: packageId }))[0];
      if (pkg === undefined) return reject('NOT_FOUND', `No package ${packageId}`);
      if (pkg.status === 'CANCELLED') {
        return reject('ORDER_CANCELLED', `Package ${packageId} was voided with the cancellation of order ${pkg.orderId}: it has no label and does not ship; `
          + 'take the carton off the dock, its units go back to stock through the order\'s return');
      }
      if (pkg.status === 'REPACKED') {
        return reject('PACKAGE_REPACKED', `Package ${packageId} was repacked: its units were packed anew; print the labels of the order's packages (GET /packages?orderId=${pkg.orderId})`);
      }
      if (pkg.sscc === null || pkg.status === 'OPEN') {
        return reject('PACKAGE_NOT_SEALED', `Package ${packageId} is ${pkg.status}: it has no SSCC nor label yet; seal it (POST /packages/${packageId}/seal), `
          + `then book its order's shipment (POST /shipments { "orderId": "${pkg.orderId}" })`);
      }
      if (format === 'png') return ok({ contentType: 'image/png', body: await ssccBarcodePng(pkg.sscc) });
      const shipment = pkg.shipmentId === null ? undefined : await packStore.shipment(deps.db, pkg.shipmentId);
      if (shipment === undefined || shipment.trackingNumber === null || !['LABELLED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'EXCEPTION'].includes(shipment.status)) {
        return reject('PACKAGE_NOT_BOOKED', `Package ${packageId} is ${pkg.status}${shipment === undefined ? '' : ` (shipment ${shipment.id} is ${shipment.status})`}: it has no label until `
          + `its order's shipment is booked; book it: POST /shipments { "orderId": "${pkg.orderId}" }`);
      }
      const order = await packStore.lockOrder(deps.db, pkg.orderId, false);
      if (order === undefined) return reject('NOT_FOUND', `No order ${pkg.orderId}`);
      const settings = await settingsOf(deps.db, order.siteId);
      const index = shipment.packageIds.indexOf(pkg.id);
      const data = labelData(order, settings.shipFrom ?? unsetShipFrom(order.siteId), pkg, index + 1, shipment.packageIds.length, shipment.carrier, shipment.service,
        shipment.trackingNumber, new Date(shipment.labelledAt ?? shipment.createdAt));
      return format === 'zpl'
        ? ok({ contentType: 'text/plain; charset=utf-8', body: shippingLabelZpl(data) })
        : ok({ contentType: 'application/pdf', body: await shippingLabelPdf(data) });
    },

    /** The packing slip of a shipment (PDF). */
    async packingSlip(shipmentId: string): Promise<Outcome<Uint8Array>> {
      const shipment = await packStore.shipment(deps.db, shipmentId);
      if (shipment === undefined) return reject('NOT_FOUND', `No shipment ${shipmentId}`);
      const order = await packStore.lockOrder(deps.db, shipment.orderId, false);
      const settings = await settingsOf(deps.db, shipment.siteId);
      const pkgs = await packStore.packages(deps.db, { shipmentIds: [shipment.id] });
      return ok(await packingSlipPdf({
        orderRef: order?.externalId ?? shipment.orderId, shipFrom: settings.shipFrom ?? unsetShipFrom(shipment.siteId), shipTo: order?.shipTo ?? null,
        shipDate: (shipment.labelledAt ?? shipment.createdAt).slice(0, 10),
        packages: pkgs.map((p, i) => ({ packageNo: i + 1, sscc: p.sscc, cartonCode: p.cartonCode, weightG: p.weightG, lines: p.lines })),
      }));
    },

    // --- projections (inside the handler's transaction) ---
    orderReceived: (tx: Tx, o: Parameters<typeof packStore.orderReceived>[1]) => packStore.orderReceived(tx, o),
    shipToChanged: (tx: Tx, o: Parameters<typeof packStore.shipToChanged>[1]) => packStore.shipToChanged(tx, o),
    priorityChanged: (tx: Tx, o: Parameters<typeof packStore.priorityChanged>[1]) => packStore.priorityChanged(tx, o),
    linesChanged: (tx: Tx, o: Parameters<typeof packStore.linesChanged>[1]) => packStore.linesChanged(tx, o),
    picked: (tx: Tx, picks: Parameters<typeof packStore.addPicked>[1]) => packStore.addPicked(tx, picks),
    /**
     * The order's picking is done: it is ready to pack, announced as `pack-ship.order.ready-to-pack` (ADR 0049) when
     * the status is first set or changes, with the units picked this projection has heard of. When everything picked
     * is already packed (the rest was shorted) no package will complete it, so it is announced packed here, after.
     * Picking says how many units it picked for each order (`unitsPicked`); until this projection has heard of as many
     * (a pick on another partition of the bus, not consumed yet) the event waits, so an order is never ready to pack —
     * and ship — with picks still on their way, and orders, which moves the order to PICKED on the announcement, never
     * says PICKED before pack & ship knows every picked unit.
     */
    async pickingDone(
      tx: Tx, orders: readonly { orderId: string; unitsPicked: number | undefined }[], siteId: string, status: 'COMPLETED' | 'PARTIAL', meta: EventMeta,
    ): Promise<void> {
      // Sorted: two handlers locking several orders never wait on each other in a cycle.
      for (const { orderId, unitsPicked } of [...orders].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0))) {
        // The order's row first (a pack in flight has committed before the lines are read, or packs after, seeing
        // picking done); not ready rolls back with the rest.
        const known = await packStore.lockOrder(tx, orderId);
        const before = await packStore.orderLines(tx, orderId);
        // Units shorted at packing left `picked` but were picked: picking counts them.
        const shortAtPack = await packStore.shortAtPackOf(tx, orderId);
        const heard = before.reduce((n, l) => n + l.picked, 0) + shortAtPack;
        if (unitsPicked !== undefined && heard < unitsPicked) {
          throw new EventNotReady(`picking of ${orderId} is done with ${unitsPicked} units, but only ${heard} have been heard of yet`);
        }
        // A shipComplete order whose units were shorted at packing is picked again: it is done only with every ordered
        // unit in hand. Picking learns of a short at packing only through inventory's recovery of it, so a re-pick list
        // completing before it heard of a later one says the order done too early (ADR 0024 addendum 2026-12-07,
        // proprace): that word is not taken; the later re-pick's completion says it again.
        if (known !== undefined && shortAtPack > 0 && before.some((l) => l.picked < l.ordered) && await packStore.shipsComplete(tx, orderId)) continue;
        const done = await packStore.pickingDone(tx, orderId, siteId, status, deps.clock.now());
        const lines = await packStore.orderLines(tx, orderId);
        const events: PublishedEvent[] = [];
        if (done.announce) {
          // Packed already with units picked since (picking's status changed after the order was packed: events older
          // than `ordersDone`), the order's packing starts again with the next round. Not packed: the round it is in,
          // as the status write returned it (no statement of its own).
          const reopened = done.packed ? await packStore.reopenPacking(tx, orderId, deps.clock.now()) : undefined;
          const round = reopened?.round ?? done.round;
          const data: ReadyToPack = { orderId, siteId, status, unitsPicked: heard, round, ...withPriority(reopened?.priority ?? done.priority) };
          events.push({ type: PackShipEvents.readyToPack, subject: orderId, siteId, data });
        }
        if (lines.some((l) => l.packed > 0) && lines.every((l) => l.picked <= l.packed)) {
          const order = await packStore.lockOrder(tx, orderId);
          events.push(...await announcePacked(tx, orderId, order?.siteId ?? siteId));
        }
        if (events.length > 0) await emit(tx, events, meta);
      }
    },
  };
}

export type PackShipService = ReturnType<typeof packShipService>;
