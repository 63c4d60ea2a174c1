import type { EventMeta } from '../../platform/bus/envelope.ts';
import { EventNotReady } from '../../platform/bus/not-ready.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import type { Tx } from '../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { CatalogApi, Product } from '../../contracts/catalog.ts';
import {
  PackShipEvents, type AlreadyDispatched, type OrderPacked, type PackagePacked, type ShipmentCreated, type ShipmentDispatched, type ShippingStopped,
} from '../../contracts/pack-ship.ts';
import { itemsWeight, packerChooser, suggestCartons, type Carton, type CartonChooser, type PackItem, type SuggestedPackage } from './domain/carton-chooser.ts';
import { OWN_FLEET, ownFleetCarrier, type Carrier } from './domain/carrier.ts';
import { packageLifecycle, shipmentLifecycle, VOIDABLE_PACKAGE_STATUSES, VOIDABLE_SHIPMENT_STATUSES } from './domain/lifecycles.ts';
import { qualityHoldRefusal } from './quality-holds.ts';
import { packStore, type Package, type PackageLine, type PackOrder, type Shipment } from './store.ts';

export interface PackShipOptions {
  readonly catalog: CatalogApi;
  /** Cartonization strategy; default: the cheapest carton the 3D packer fills with every unit. */
  readonly chooser?: CartonChooser;
  /** Carriers by code, besides the built-in own fleet. */
  readonly carriers?: readonly Carrier[];
}

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

/** Refuses work on an order whose shipping was stopped by its cancellation. */
function cancelledRefusal(order: PackOrder): Outcome<never> | undefined {
  return order.cancelledAt === null ? undefined : reject('ORDER_CANCELLED', `Order ${order.orderId} is cancelled: nothing more is packed, labelled or shipped for it`);
}

/** Commands and queries of pack & ship. */
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
  const carriers = new Map<string, Carrier>((options.carriers ?? []).map((c): [string, Carrier] => [c.code, c]));
  /** The carriers a shipment can be booked with: the own fleet and the configured adapters. */
  const bookableCarriers = (): readonly string[] => [OWN_FLEET, ...[...carriers.keys()].filter((c) => c !== OWN_FLEET)];
  const emit = (tx: Tx, events: PublishedEvent[], meta: EventMeta) => deps.bus.append(tx, 'pack-ship', events, meta);
  const packagesPacked = deps.metrics.counter('paklog_packages_packed_total', 'Packages packed');
  const unitsPacked = deps.metrics.counter('paklog_units_packed_total', 'Units packed');
  const shipmentsDispatched = deps.metrics.counter('paklog_shipments_dispatched_total', 'Shipments dispatched');
  const unitsShipped = deps.metrics.counter('paklog_units_dispatched_total', 'Units dispatched');

  /**
   * The order is packed: announced once (the `packed_at` guard), by whichever comes last — the package that packs the
   * last picked unit after picking is done, or picking completing when every picked unit was already packed.
   */
  async function announcePacked(tx: Tx, orderId: string, siteId: string): Promise<PublishedEvent[]> {
    if (!(await packStore.markPacked(tx, orderId, deps.clock.now()))) return [];
    const packageIds = (await packStore.packages(tx, { orderId })).map((p) => p.id);
    const data: OrderPacked = { orderId, siteId, packageIds };
    return [{ type: PackShipEvents.orderPacked, subject: orderId, siteId, data }];
  }

  /**
   * Stops shipping for a cancelled order under its row lock — the same lock every pack, booking and dispatch takes
   * first, so a dispatch and a cancellation never both succeed. Voids what has not left; announces it once.
   */
  async function stopShippingIn(tx: Tx, input: { orderId: string; siteId: string; reason: string | null }, meta: EventMeta): Promise<{ stopped: true } | AlreadyDispatched> {
    const order = await packStore.lockOrCreateOrder(tx, input.orderId, input.siteId);
    const dispatched = await packStore.dispatchedShipmentOf(tx, input.orderId);
    if (dispatched !== undefined) return { stopped: false, shipmentId: dispatched };
    if (order.cancelledAt !== null) return { stopped: true };
    const voided = await packStore.cancelOrder(tx, input.orderId, input.reason, deps.clock.now(), { packages: VOIDABLE_PACKAGE_STATUSES, shipments: VOIDABLE_SHIPMENT_STATUSES });
    const data: ShippingStopped = { orderId: input.orderId, siteId: order.siteId, reason: input.reason, voidedPackageIds: voided.packageIds, voidedShipmentIds: voided.shipmentIds };
    await emit(tx, [{ type: PackShipEvents.shippingStopped, subject: input.orderId, siteId: order.siteId, data }], meta);
    return { stopped: true };
  }

  return {
    /** The cancellation's decision point (PackShipApi.stopShipping): stopped, or already dispatched. */
    stopShipping: (input: { orderId: string; siteId: string; reason: string | null }, meta: EventMeta) => deps.db.tx((tx) => stopShippingIn(tx, input, meta)),

    /**
     * orders.order.cancelled heard: the same stop, for cancellations decided without asking first (an order whose every
     * unit was shorted has nothing that could ship). A dispatched order cannot be cancelled: that would be a broken invariant.
     */
    async orderCancelled(tx: Tx, input: { orderId: string; siteId: string; reason: string | null }, meta: EventMeta): Promise<void> {
      const outcome = await stopShippingIn(tx, input, meta);
      if (!outcome.stopped) deps.log.error({ orderId: input.orderId, shipmentId: outcome.shipmentId }, 'pack-ship: a cancelled order had already been dispatched');
    },

    /** Packs every picked, unpacked unit of the order into one package. */
    async pack(input: PackInput, meta: EventMeta): Promise<Outcome<Package>> {
      const products = await productsOf(input.orderId);
      return deps.db.tx(async (tx) => {
        const order = await packStore.lockOrder(tx, input.orderId);
        if (order === undefined) return reject('NOT_FOUND', `No order ${input.orderId} known to pack & ship`);
        const cancelled = cancelledRefusal(order);
        if (cancelled !== undefined) return cancelled;
        const lines = await packStore.orderLines(tx, order.orderId);
        const open: PackageLine[] = lines.filter((l) => l.picked > l.packed).map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.picked - l.packed }));
        if (open.length === 0) return reject('NOTHING_TO_PACK', `Order ${order.orderId} has no picked units left to pack`);
        const chosen = unitsToPack(open, input.units);
        if (!chosen.ok) return chosen;
        const toPack = chosen.value;

        const cartons = await packStore.cartons(tx);
        let carton: Carton | undefined;
        if (input.cartonCode !== undefined) {
          carton = cartons.find((c) => c.code === input.cartonCode);
          if (carton === undefined) return reject('UNPROCESSABLE', `No carton ${input.cartonCode}`, [{ field: '/cartonCode', message: 'is not a known carton' }]);
        }
        const items = itemsOf(toPack, products);
        carton ??= chooser.choose(items, cartons);
        if (carton === undefined) {
          return reject('NO_CARTON_FITS', `No single carton holds the ${items.reduce((n, i) => n + i.quantity, 0)} units of order ${order.orderId}: `
            + `GET /api/v1/packages/suggestion?orderId=${order.orderId} shows how to split them; pack each package with \`units\``);
        }

        const now = deps.clock.now();
        packageLifecycle.assertCan('OPEN', 'PACKED');
        const pkg: Omit<Package, 'shipmentId'> = {
          id: deps.ids.next('pkg'), orderId: order.orderId, siteId: order.siteId, cartonCode: carton.code,
          weightG: input.weightG ?? itemsWeight(items) + carton.tareG, status: 'PACKED', createdAt: now.toISOString(), packedAt: now.toISOString(),
          lines: toPack,
        };
        await packStore.insertPackage(tx, pkg);
        await packStore.addPacked(tx, order.orderId, toPack);
        const after = await packStore.orderLines(tx, order.orderId);
        const orderComplete = order.pickingStatus !== null && after.every((l) => l.packed === l.picked);
        const data: PackagePacked = {
          packageId: pkg.id, orderId: order.orderId, siteId: order.siteId, cartonCode: carton.code, weightG: pkg.weightG, lines: toPack, orderComplete,
        };
        const completion = orderComplete ? await announcePacked(tx, order.orderId, order.siteId) : [];
        await emit(tx, [{ type: PackShipEvents.packagePacked, subject: pkg.id, siteId: order.siteId, data }, ...completion], meta);
        const units = toPack.reduce((n, l) => n + l.quantity, 0);
        tx.afterCommit(() => {
          packagesPacked.inc();
          unitsPacked.inc(units);
        });
        return ok({ ...pkg, shipmentId: null });
      });
    },

    bookableCarriers,

    /**
     * Books the order's packed, unshipped packages with its carrier: one shipment, labelled. Never with another carrier
     * than the order's unless the caller names one (`carrierOverride`), which must be bookable.
     */
    async createShipment(orderId: string, meta: EventMeta, carrierOverride?: string): Promise<Outcome<Shipment>> {
      const bookable = bookableCarriers();
      if (carrierOverride !== undefined && !bookable.includes(carrierOverride)) {
        return reject('UNKNOWN_CARRIER', `PakLog cannot book ${carrierOverride}; bookable carriers: ${bookable.join(', ')}`, [
          { field: '/carrier', message: `is not a bookable carrier (${bookable.join(', ')})` },
        ]);
      }
      return deps.db.tx(async (tx) => {
        const order = await packStore.lockOrder(tx, orderId);
        if (order === undefined) return reject('NOT_FOUND', `No order ${orderId} known to pack & ship`);
        const cancelled = cancelledRefusal(order);
        if (cancelled !== undefined) return cancelled;
        // Shipping while units are still being picked would walk the order to SHIPPED (final) under its pickers' feet.
        if (order.pickingStatus === null) return reject('CONFLICT', `Order ${orderId} is still being picked; ship it once its picking is done`);
        const packages = await packStore.packages(tx, { orderId, status: 'PACKED', unshipped: true }, true);
        if (packages.length === 0) return reject('NOTHING_TO_SHIP', `Order ${orderId} has no packed packages to ship`);
        const held = await qualityHoldRefusal(tx, packages.map((p) => p.id));
        if (held !== undefined) return held;
        // An order ships whole: a picked unit left out would stay allocated in its tote under an order that is SHIPPED (final).
        const unpacked = (await packStore.orderLines(tx, orderId)).reduce((n, l) => n + Math.max(0, l.picked - l.packed), 0);
        if (unpacked > 0) {
          return reject('UNITS_NOT_PACKED', `${unpacked} picked unit(s) of order ${orderId} are not packed yet; pack them (POST /api/v1/packages) before shipping`);
        }
        // An order pack-ship never saw received (no carrier known) goes with the own fleet, the orders default.
        const code = carrierOverride ?? order.carrier ?? OWN_FLEET;
        if (!bookable.includes(code)) {
          return reject('CARRIER_NOT_BOOKABLE', `Order ${orderId} asks for carrier ${code}, which PakLog cannot book; name a bookable carrier (${bookable.join(', ')}) in "carrier" to ship it with another`, [
            { field: '/carrier', message: `${code} is not bookable; give one of ${bookable.join(', ')}` },
          ]);
        }
        // The own fleet numbers from the sequence through this transaction: a second connection could wait forever.
        const carrier = carriers.get(code) ?? ownFleetCarrier(() => packStore.nextTrackingNumber(tx));
        const id = deps.ids.next('shp');
        const now = deps.clock.now();
        await packStore.insertShipment(tx, { id, orderId, siteId: order.siteId, carrier: carrier.code, now });
        // A remote carrier would be booked outside the transaction (outbox + saga); the own fleet only takes a number.
        const booking = await carrier.book({
          shipmentId: id, orderId, siteId: order.siteId,
          packages: packages.map((p) => ({ packageId: p.id, cartonCode: p.cartonCode, weightG: p.weightG })),
        });
        shipmentLifecycle.assertCan('CREATED', 'LABELLED');
        for (const p of packages) packageLifecycle.assertCan(p.status, 'LABELLED');
        await packStore.labelShipment(tx, id, booking.trackingNumber, booking.labelZpl, now);
        await packStore.setPackages(tx, packages.map((p) => p.id), 'LABELLED', id);
        const data: ShipmentCreated = {
          shipmentId: id, orderId, siteId: order.siteId, carrier: carrier.code, trackingNumber: booking.trackingNumber, packageIds: packages.map((p) => p.id),
        };
        await emit(tx, [{ type: PackShipEvents.shipmentCreated, subject: id, siteId: order.siteId, data }], meta);
        const shipment = await packStore.shipment(tx, id);
        if (shipment === undefined) throw new Error(`shipment ${id} vanished`);
        return ok(shipment);
      });
    },

    /** The van left: LABELLED → DISPATCHED, packages SHIPPED. */
    async dispatch(id: string, meta: EventMeta): Promise<Outcome<Shipment>> {
      return deps.db.tx(async (tx) => {
        const seen = await packStore.shipment(tx, id);
        if (seen === undefined) return reject('NOT_FOUND', `No shipment ${id}`);
        // The order's row first, as stopShipping takes it: a cancellation and this dispatch are serialised.
        const order = await packStore.lockOrder(tx, seen.orderId);
        const cancelled = order === undefined ? undefined : cancelledRefusal(order);
        if (cancelled !== undefined) return cancelled;
        const shipment = await packStore.shipment(tx, id, true);
        if (shipment === undefined) return reject('NOT_FOUND', `No shipment ${id}`);
        const legal = shipmentLifecycle.check(shipment.status, 'DISPATCHED', `Shipment ${id} is ${shipment.status}; it cannot be dispatched`);
        if (!legal.ok) return legal;
        const packages = await packStore.packages(tx, { shipmentId: id }, true);
        const blocked = packages.find((p) => !packageLifecycle.can(p.status, 'SHIPPED'));
        if (blocked !== undefined) return reject('ILLEGAL_TRANSITION', `Package ${blocked.id} is ${blocked.status}; it cannot ship`);
        const held = await qualityHoldRefusal(tx, packages.map((p) => p.id));
        if (held !== undefined) return held;
        const now = deps.clock.now();
        await packStore.dispatchShipment(tx, id, now);
        await packStore.setPackages(tx, packages.map((p) => p.id), 'SHIPPED', null);
        const lines = byLine(packages.flatMap((p) => p.lines));
        await packStore.addShipped(tx, shipment.orderId, lines);
        const data: ShipmentDispatched = {
          shipmentId: id, orderId: shipment.orderId, siteId: shipment.siteId, carrier: shipment.carrier,
          trackingNumber: shipment.trackingNumber ?? '', packageIds: packages.map((p) => p.id), lines,
        };
        await emit(tx, [{ type: PackShipEvents.shipmentDispatched, subject: id, siteId: shipment.siteId, data }], meta);
        const units = lines.reduce((n, l) => n + l.quantity, 0);
        tx.afterCommit(() => {
          shipmentsDispatched.inc();
          unitsShipped.inc(units);
        });
        const after = await packStore.shipment(tx, id);
        if (after === undefined) throw new Error(`shipment ${id} vanished`);
        return ok(after);
      });
    },

    /** The packer's suggestion for the order's picked, unpacked units; reads only. */
    async suggest(orderId: string): Promise<Outcome<PackingSuggestion>> {
      const order = await packStore.lockOrder(deps.db, orderId, false);
      if (order === undefined) return reject('NOT_FOUND', `No order ${orderId} known to pack & ship`);
      const lines = await packStore.orderLines(deps.db, orderId);
      const open: PackageLine[] = lines.filter((l) => l.picked > l.packed).map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.picked - l.packed }));
      if (open.length === 0) return reject('NOTHING_TO_PACK', `Order ${orderId} has no picked units left to pack`);
      const suggestion = suggestCartons(itemsOf(open, await productsOf(orderId)), await packStore.cartons(deps.db));
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
    },

    async createCarton(c: Carton): Promise<Outcome<Carton>> {
      const created = await packStore.insertCarton(deps.db, c);
      return created === undefined ? reject('DUPLICATE', `Carton ${c.code} exists`, [{ field: '/code', message: 'is already used' }]) : ok(created);
    },

    cartons: () => packStore.cartons(deps.db),
    async getPackage(id: string): Promise<Package | undefined> {
      return (await packStore.packages(deps.db, { id }))[0];
    },
    listPackages: (orderId: string | undefined) => packStore.packages(deps.db, orderId === undefined ? {} : { orderId }),
    getShipment: (id: string) => packStore.shipment(deps.db, id),
    shipmentsOfOrders: (orderIds: readonly string[]) => packStore.shipmentsOfOrders(deps.db, orderIds),

    // --- projections (inside the handler's transaction) ---
    orderReceived: (tx: Tx, o: Parameters<typeof packStore.orderReceived>[1]) => packStore.orderReceived(tx, o),
    picked: (tx: Tx, p: Parameters<typeof packStore.addPicked>[1]) => packStore.addPicked(tx, p),
    /**
     * The order's picking is done: it is ready to pack. When everything picked is already packed (the rest was
     * shorted) no package will complete it, so it is announced packed here. Picking says how many units it picked for
     * each order (`unitsPicked`); until this projection has heard of as many (a pick on another partition of the bus,
     * not consumed yet) the event waits, so an order is never ready to pack — and ship — with picks still on their way.
     */
    async pickingDone(
      tx: Tx, orders: readonly { orderId: string; unitsPicked: number | undefined }[], siteId: string, status: 'COMPLETED' | 'PARTIAL', meta: EventMeta,
    ): Promise<void> {
      // Sorted: two handlers locking several orders never wait on each other in a cycle.
      for (const { orderId, unitsPicked } of [...orders].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0))) {
        if (unitsPicked !== undefined) {
          const heard = (await packStore.orderLines(tx, orderId)).reduce((n, l) => n + l.picked, 0);
          if (heard < unitsPicked) throw new EventNotReady(`picking of ${orderId} is done with ${unitsPicked} units, but only ${heard} have been heard of yet`);
        }
        await packStore.pickingDone(tx, orderId, siteId, status, deps.clock.now());
        const lines = await packStore.orderLines(tx, orderId);
        const packedSome = lines.some((l) => l.packed > 0);
        if (!packedSome || lines.some((l) => l.picked > l.packed)) continue;
        const order = await packStore.lockOrder(tx, orderId);
        const completion = await announcePacked(tx, orderId, order?.siteId ?? siteId);
        if (completion.length > 0) await emit(tx, completion, meta);
      }
    },
  };
}

export type PackShipService = ReturnType<typeof packShipService>;
