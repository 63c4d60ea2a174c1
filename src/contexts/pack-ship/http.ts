import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Id, Identifier, IdList, IdParam, List, Nullable, Page, SiteRef, splitList, Text, TextOrEmpty } from '../../platform/http/schemas.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { PACKAGE_STATUSES, SHIPMENT_STATUSES, TRACKING_STATUSES } from '../../contracts/pack-ship.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { actingWorkerOf, authorizeSite } from '../../platform/http/auth.ts';
import { requestIdentity } from '../../platform/http/idempotency.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { BookingChoice, PackShipService } from './service.ts';

/** Gives up a booking's (or a void's) unit of work once its remote carrier is known: the carrier is asked outside it (ADR 0056). */
class RemoteBookingAhead extends Error {
  constructor() {
    super('a remote carrier is asked outside the request\'s unit of work');
  }
}

const tags: Tag[] = ['Pack & ship'];
const OrderId = IdParam('order', 'POST /orders');
const NullableString = Nullable(Type.String());

const CartonSchema = Type.Object({
  code: Type.String(), description: Type.String(), innerLengthMm: Type.Integer(), innerWidthMm: Type.Integer(), innerHeightMm: Type.Integer(),
  maxWeightG: Type.Integer(), tareG: Type.Integer(), cost: Type.Number(),
  active: Type.Boolean({ description: 'False once deactivated: never suggested, and 422 CARTON_INACTIVE when a packer names it' }),
});
const PackageLineSchema = Type.Object({ lineId: Type.String({ description: 'The order line' }), sku: Type.String(), quantity: Type.Integer() });
const PackageSchema = Type.Object({
  id: Type.String(), orderId: Type.String(), siteId: Type.String(), cartonCode: Type.String(), weightG: Type.Integer(), status: Enum(PACKAGE_STATUSES),
  shipmentId: NullableString, createdAt: DateTime, packedAt: Nullable(DateTime), lines: List(PackageLineSchema),
  sscc: Nullable(Type.String({ description: 'SSCC-18 of the package (GS1 AI 00), given when it is sealed or packed' })),
  expectedWeightG: Nullable(Type.Integer({ description: 'Items + carton tare from the catalog, when weighed at the pack station (0: a product has no weight)' })),
  weighedG: Nullable(Type.Integer({ description: "The pack station scale's reading" })),
  toteId: NullableString,
});
const ShipmentSchema = Type.Object({
  id: Type.String(), orderId: Type.String(), siteId: Type.String(), carrier: Type.String(), trackingNumber: NullableString,
  labelZpl: Nullable(Type.String({ description: 'The GS1-128 labels in ZPL II, one ^XA…^XZ per package (then the carrier\'s own label, if it sends one)' })),
  status: Enum(SHIPMENT_STATUSES),
  createdAt: DateTime, labelledAt: Nullable(DateTime), dispatchedAt: Nullable(DateTime), packageIds: List(Type.String()),
  service: Type.String({ description: "The carrier's service booked" }),
  price: Nullable(Type.Number({ description: 'What the carrier quoted, surcharges included (null: the carrier does not quote)' })), currency: NullableString,
  manifestId: NullableString, voidedAt: Nullable(DateTime), deliveredAt: Nullable(DateTime),
});
const AddressSchema = Type.Object({
  name: Text(200), line1: TextOrEmpty(200), line2: Type.Optional(TextOrEmpty(200)),
  city: TextOrEmpty(100), postalCode: TextOrEmpty(20), country: TextOrEmpty(2),
}, { additionalProperties: false });
const SettingsSchema = Type.Object({
  siteId: Type.String(),
  weightTolerancePct: Type.Number({ description: 'A sealed package may weigh this many % more or less than its contents and carton (default 2)' }),
  shipFrom: Nullable(AddressSchema),
});
const ManifestSchema = Type.Object({
  id: Type.String(), siteId: Type.String(), carrier: Type.String(), day: Type.String({ description: 'YYYY-MM-DD (UTC)' }), closedAt: DateTime,
  data: Type.Object({
    shipments: List(Type.Object({
      shipmentId: Type.String(), orderId: Type.String(), service: Type.String(), trackingNumber: Type.String(),
      packages: List(Type.Object({ packageId: Type.String(), sscc: NullableString, weightG: Type.Integer() })), weightG: Type.Integer(),
      shipTo: Nullable(AddressSchema),
    })),
  }),
  withdrawn: List(Type.Object({
    shipmentId: Type.String(), orderId: Type.String(), trackingNumber: Type.String(), voidedAt: DateTime,
  }), { description: 'Shipments of the manifest voided after it closed, before dispatch (their order was cancelled): they are not handed over, '
    + 'and their labels were voided with the carrier. `data` stays what was handed to the carrier when the manifest closed.' }),
});
const WeightCheckSchema = Type.Object({
  status: Enum(['WITHIN', 'OUT', 'UNCHECKED'] as const, { description: 'OUT blocks sealing; UNCHECKED: a product has no weight in the catalog' }),
  weighedG: Type.Integer(), expectedG: Nullable(Type.Integer()), tolerancePct: Type.Number(), deviationPct: Nullable(Type.Number()),
});
const ToteSchema = Type.Object({
  toteId: Type.String(), orderId: Type.String(), siteId: Type.String(),
  units: List(Type.Object({ lineId: Type.String(), sku: Type.String(), quantity: Type.Integer(), gtin: NullableString }), { description: 'Units left to pack' }),
  suggestion: Type.Unsafe<unknown>({ description: 'The packer\'s cartons for the units left (as GET /packages/suggestion); null when none fits' }),
  openPackageIds: List(Type.String(), { description: 'Packages of the order being filled' }),
});
const PackageParams = Type.Object({ id: IdParam('package', 'POST /packages') }, { additionalProperties: false });
const SiteParams = Type.Object({ siteId: Identifier(100, { description: 'Site id or code', examples: [EXAMPLES.site] }) }, { additionalProperties: false });
const binary = (description: string, types: readonly string[]) => ({
  description, content: Object.fromEntries(types.map((t) => [t, { schema: Type.Unsafe<Buffer | string>({ type: 'string', format: 'binary' }) }])),
});
const SuggestionSchema = Type.Object({
  orderId: Type.String(),
  packages: List(Type.Object({
    cartonCode: Type.String(),
    units: List(PackageLineSchema),
    placements: List(Type.Object({
      itemId: Type.String({ description: 'The order line' }), x: Type.Number(), y: Type.Number(), z: Type.Number(),
      length: Type.Number(), width: Type.Number(), height: Type.Number(),
    }), { description: 'Where each unit goes, mm from the carton\'s inner corner' }),
  })),
  cost: Type.Number({ description: 'Sum of the cartons\' costs' }),
});
const Mm = Type.Integer({ minimum: 1, maximum: 10_000 });
const ShipmentParams = Type.Object({ id: IdParam('shipment', 'POST /shipments') }, { additionalProperties: false });

export async function packShipRoutes(app: HttpApp, deps: PlatformDeps, packShip: PackShipService, locations: Pick<LocationMasterApi, 'getSite'>): Promise<void> {
  // A PACK task's reference is its order: packing an order, or a package of it, is the work of the person holding that
  // task (or of anyone when no one holds it); another signed-in person is refused, as on another's pick list (ADR 0019).
  const orderOfBody = async (req: FastifyRequest): Promise<string | undefined> => {
    const orderId = (req.body as { orderId?: unknown } | null | undefined)?.orderId;
    return typeof orderId === 'string' ? orderId : undefined;
  };
  const orderOfPackage = async (req: FastifyRequest): Promise<string | undefined> => {
    const id = (req.params as { id?: unknown }).id;
    return typeof id === 'string' ? (await packShip.getPackage(id))?.orderId : undefined;
  };
  const siteIdOf = async (value: string, field = '/siteId'): Promise<string> => unwrap(await resolveSiteId(locations, value, field));
  app.get('/cartons', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listCartons', tags, summary: 'The carton catalogue, smallest first',
      description: 'The cartons packing chooses from (the 3D packer takes the cheapest active one that fits). `active=true|false` keeps active '
        + 'or deactivated cartons only (default: both).',
      querystring: Type.Object({
        active: Type.Optional(Type.Boolean({ description: 'Only active (true) or deactivated (false) cartons' })),
      }, { additionalProperties: false }),
      response: { 200: Page(CartonSchema) },
    },
  }, async (req) => ({ items: await packShip.cartons({ active: req.query.active }), nextCursor: null }));

  const CartonParams = Type.Object({ code: Identifier(32, { description: 'The carton\'s code', examples: ['XL-BOX'] }) }, { additionalProperties: false });
  app.patch('/cartons/:code', {
    // Cartons have no site: every site's cartonization chooses from them.
    config: { roles: CAN.plan, network: true },
    schema: {
      operationId: 'updateCarton', tags, summary: 'Change a carton',
      description: 'Changes the fields given (at least one; the code never changes) and announces the carton with pack-ship.carton.updated.v1 '
        + '(ADR 0045). Packages already in it keep their weights. 404 NOT_FOUND for an unknown code. A patch that changes nothing announces nothing.',
      params: CartonParams,
      body: Type.Object({
        description: Type.Optional(Text(200)),
        innerLengthMm: Type.Optional(Mm),
        innerWidthMm: Type.Optional(Mm),
        innerHeightMm: Type.Optional(Mm),
        maxWeightG: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
        tareG: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
        cost: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
      }, { additionalProperties: false, minProperties: 1, examples: [{ cost: 2.2, description: 'Extra large box (recycled board)' }] }),
      response: { 200: CartonSchema, ...problems('NOT_FOUND', 'UNPROCESSABLE') },
    },
  }, async (req) => unwrap(await packShip.updateCarton(req.params.code, req.body, requestMeta(req))));

  for (const t of [
    { path: 'deactivate', operationId: 'deactivateCarton', active: false, summary: 'Deactivate a carton (never suggested nor accepted when packing)' },
    { path: 'reactivate', operationId: 'reactivateCarton', active: true, summary: 'Reactivate a deactivated carton' },
  ] as const) {
    app.post(`/cartons/:code/${t.path}`, {
      config: { roles: CAN.plan, idempotent: true, network: true },
      schema: {
        operationId: t.operationId, tags, summary: t.summary,
        description: 'ADR 0045: cartonization never suggests a deactivated carton and packing refuses one named with 422 CARTON_INACTIVE; '
          + 'packages already in it are weighed, sealed and shipped as usual. A carton already in that state is answered unchanged (no event). '
          + '404 NOT_FOUND for an unknown code.',
        params: CartonParams,
        response: { 200: CartonSchema, ...problems('NOT_FOUND', 'UNPROCESSABLE') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await packShip.setCartonActive(req.params.code, t.active, requestMeta(req)))));
  }

  app.post('/cartons', {
    config: { roles: CAN.plan, idempotent: true, network: true },
    schema: {
      operationId: 'createCarton', tags, summary: 'Add a carton to the catalogue',
      description: 'Inner dimensions in mm, the most it may carry and its own weight in g, its cost. 409 DUPLICATE when the code is taken.',
      body: Type.Object({
        code: Type.String({ pattern: '^[A-Za-z0-9._-]{1,32}$' }),
        description: Text(200),
        innerLengthMm: Mm,
        innerWidthMm: Mm,
        innerHeightMm: Mm,
        maxWeightG: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        tareG: Type.Integer({ minimum: 0, maximum: 100_000 }),
        cost: Type.Number({ minimum: 0, maximum: 100_000 }),
      }, {
        additionalProperties: false,
        examples: [{ code: 'XL-BOX', description: 'Extra large box', innerLengthMm: 800, innerWidthMm: 600, innerHeightMm: 500, maxWeightG: 30000, tareG: 900, cost: 2.4 }],
      }),
      response: { 201: CartonSchema, ...problems('DUPLICATE', 'UNPROCESSABLE') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => unwrap(await packShip.createCarton(req.body))));

  app.post('/packages', {
    config: { roles: CAN.floor, idempotent: true, heldWork: orderOfBody },
    schema: {
      operationId: 'packOrder', tags,
      summary: 'Pack picked, unpacked units of an order into one package',
      description: 'Packs `units` when given, else every picked, unpacked unit. The carton is the given one or the cheapest '
        + 'the 3D packer fills with all the units (422 NO_CARTON_FITS when no single carton does: GET /packages/suggestion '
        + 'splits them, then pack each suggested package with `units`); the weight is the given one or items + tare. '
        + '409 NOTHING_TO_PACK when nothing picked is left to pack. The example packs the POST /orders example\'s order once it is PICKED.',
      body: Type.Object({
        orderId: OrderId,
        units: Type.Optional(Type.Array(Type.Object({
          lineId: Id,
          quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 })),
        cartonCode: Type.Optional(Identifier(32)),
        weightG: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
      }, { additionalProperties: false, examples: [{ orderId: EXAMPLES.ids.order }] }),
      response: { 201: PackageSchema, ...problems('ACTING_AS_ANOTHER_WORKER', 'NOT_FOUND', 'NOTHING_TO_PACK', 'ORDER_CANCELLED', 'ORDER_CANCELLING', 'CONFLICT', 'NO_CARTON_FITS', 'CARTON_INACTIVE', 'UNPROCESSABLE') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => unwrap(await packShip.pack(req.body, requestMeta(req), { workerId: actingWorkerOf(req) }))));

  app.get('/packages/suggestion', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'suggestPackages', tags,
      summary: 'The 3D packer\'s cartons for an order\'s picked, unpacked units, before packing',
      description: 'The cheapest shipment the packer finds: one carton when that is cheapest, else several, with each unit\'s '
        + 'placement (mm from the carton\'s inner corner; `itemId` is the order line). Reads only. 404 unknown order, '
        + '409 NOTHING_TO_PACK, 422 NO_CARTON_FITS when a unit fits no carton.',
      querystring: Type.Object({ orderId: OrderId }, { additionalProperties: false }),
      response: { 200: SuggestionSchema, ...problems('NOT_FOUND', 'NOTHING_TO_PACK', 'NO_CARTON_FITS') },
    },
  }, async (req) => unwrap(await packShip.suggest(req.query.orderId)));

  app.get('/packages/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getPackage', tags, summary: 'A package with its contents', description: 'A package by id (404 NOT_FOUND when there is none).',
      params: Type.Object({ id: IdParam('package', 'POST /packages') }, { additionalProperties: false }), response: { 200: PackageSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const pkg = await packShip.getPackage(req.params.id);
    if (pkg === undefined) throw new AppError('NOT_FOUND', `No package ${req.params.id}`);
    return pkg;
  });

  app.get('/packages', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listPackages', tags, summary: 'Packages of an order', description: 'Every package of the order, oldest first.',
      querystring: Type.Object({ orderId: OrderId }, { additionalProperties: false }),
      response: { 200: Page(PackageSchema) },
    },
  }, async (req) => ({ items: await packShip.listPackages(req.query.orderId), nextCursor: null }));

  app.post('/shipments', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'createShipment', tags,
      summary: 'Book the packed packages of an order with its carrier and label them',
      description: '409 NOTHING_TO_SHIP when the order has no packed, unshipped package; 409 CONFLICT while its picking is not done; '
        + '409 UNITS_NOT_PACKED while a picked unit of it is not packed (an order ships whole); '
        + "409 CARRIER_NOT_BOOKABLE when PakLog cannot book the order's carrier (name a bookable one in `carrier` to ship with it instead); "
        + '422 UNKNOWN_CARRIER when `carrier` is not bookable. A named `service` is booked as named or refused (422 UNKNOWN_SERVICE, '
        + '409 SERVICE_NOT_AVAILABLE); without one, the carrier\'s cheapest service that meets `maxTransitDays`. `rateShop` picks the cheapest '
        + 'service of every quoting carrier instead (409 NO_SERVICE_MEETS_PROMISE; 503 CARRIER_UNAVAILABLE when a carrier that did not answer has a service '
        + 'that could keep the promise: try again; 409 QUOTES_IN_SEVERAL_CURRENCIES when the quotes that keep it are in several currencies: prices are '
        + 'compared only within one, PakLog has no exchange rates, so name the carrier). Each package gets a GS1-128 label (SSCC). '
        + 'A remote carrier\'s booking is owed before it is asked (ADR 0056): after 503 CARRIER_UNAVAILABLE (no answer) the same request '
        + 'gets the label the carrier made, and without it PakLog books it by itself a minute later; the same request sent again with its '
        + 'Idempotency-Key after that is answered with the shipment booked for it. A carrier that answers and refuses the '
        + 'booking (a 4xx: bad address, service not offered, over its weight limit) is 422 CARRIER_REFUSED_BOOKING quoting its reason, not retried, nothing recorded. '
        + 'A carrier that books a label under a tracking number another shipment has is 502 CARRIER_ANSWER_UNRECORDABLE naming that shipment: '
        + 'the label exists at the carrier, PakLog cannot record it and does not void it (that number\'s void would void the other label); it is given to a '
        + 'person (LABEL_BOOKING_UNSETTLED) to void with the carrier by its key, and the packages stay bookable. '
        + 'The example ships the POST /orders example\'s order once packed.',
      body: Type.Object({
        orderId: OrderId,
        carrier: Type.Optional(Identifier(64, { description: "Book with this carrier instead of the order's (an explicit override); must be bookable" })),
        service: Type.Optional(Identifier(64, { description: 'Book this service of the carrier, or be refused (422 UNKNOWN_SERVICE, 409 SERVICE_NOT_AVAILABLE): never replaced' })),
        rateShop: Type.Optional(Type.Boolean({ description: 'Book the cheapest service of any quoting carrier that meets maxTransitDays (409 NO_SERVICE_MEETS_PROMISE when none)' })),
        maxTransitDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 60, description: "The order's promise: delivered within this many working days of dispatch" })),
      }, { additionalProperties: false, examples: [{ orderId: EXAMPLES.ids.order }] }),
      response: {
        201: ShipmentSchema,
        ...problems('NOT_FOUND', 'NOTHING_TO_SHIP', 'UNITS_NOT_PACKED', 'CONFLICT', 'CARRIER_NOT_BOOKABLE', 'ORDER_CANCELLED', 'ORDER_CANCELLING', 'UNKNOWN_CARRIER',
          'UNKNOWN_SERVICE', 'SERVICE_NOT_AVAILABLE', 'NO_SERVICE_MEETS_PROMISE', 'SHIP_TO_MISSING', 'QUOTES_IN_SEVERAL_CURRENCIES', 'CARRIER_UNAVAILABLE', 'CARRIER_REFUSED_BOOKING', 'CARRIER_ANSWER_UNRECORDABLE', 'UNPROCESSABLE', 'PACKAGE_ON_QUALITY_HOLD'),
      },
    },
  }, async (req, reply) => {
    const meta = requestMeta(req);
    // A local carrier (the own fleet, a rate table) books and records in the request's unit of work with its
    // Idempotency-Key's answer. A remote one only chooses there (nothing written; the unit is given up): its call is
    // owed from its own commit and asked outside the unit, and its answer recorded in a second unit with the key's
    // answer (ADR 0056). A process stopping in between leaves the call owed: the carrier-calls job settles it.
    const plan: { remote?: BookingChoice } = {};
    // This request's identity (its caller, Idempotency-Key and body), kept with its remote call: a process stopped after
    // the call's commit leaves the key without its answer, and when the carrier-calls job has recorded the booking by
    // the time the same request comes again, that retry is answered with the shipment recorded, not NOTHING_TO_SHIP.
    const requestId = requestIdentity(req);
    const bookedBefore = async (e: unknown): Promise<Awaited<ReturnType<PackShipService['bookedFor']>>> => {
      if (requestId === undefined || !(e instanceof AppError) || e.code !== 'NOTHING_TO_SHIP') return undefined;
      const booked = await packShip.bookedFor(req.body.orderId, requestId);
      return booked === undefined ? undefined : deps.idempotency.run(req, reply, 201, async () => booked);
    };
    try {
      return await deps.idempotency.run(req, reply, 201, async () => {
        const planned = unwrap(await packShip.planShipment(req.body, meta));
        if ('shipment' in planned) return planned.shipment;
        plan.remote = planned.remote;
        throw new RemoteBookingAhead();
      });
    } catch (e) {
      if (!(e instanceof RemoteBookingAhead) || plan.remote === undefined) {
        const answered = await bookedBefore(e);
        if (answered !== undefined) return answered;
        throw e;
      }
    }
    const asked = await packShip.askRemote(req.body, meta, plan.remote, requestId);
    // A refusal (or the carrier down: the call stays owed) is answered as such, unless the key has its answer already.
    if (!asked.ok) {
      try {
        return await deps.idempotency.run(req, reply, 201, async () => unwrap(asked));
      } catch (e) {
        const answered = await bookedBefore(e);
        if (answered !== undefined) return answered;
        throw e;
      }
    }
    const answer: { settled: 'replayed' | 'ran' | 'recorded' } = { settled: 'replayed' };
    try {
      return await deps.idempotency.run(req, reply, 201, async () => {
        answer.settled = 'ran';
        const recorded = unwrap(await packShip.recordAnswered(asked.value, meta));
        answer.settled = 'recorded';
        return recorded;
      });
    } finally {
      // Not recorded with the request (refused: its order cancelled or its packages changed meanwhile; a fault; or a
      // replayed key whose answer is another): settled apart, recorded if it still can be, else voided.
      if (answer.settled !== 'recorded') {
        await packShip.settleAnswered(asked.value, meta, { unwanted: answer.settled === 'replayed' })
          .catch((e: unknown) => deps.log.error({ shipmentId: asked.value.call.shipmentId, err: (e as Error).message }, 'pack-ship: could not settle a booking; the carrier-calls job will'));
      }
    }
  });

  app.post('/shipments/:id/dispatch', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'dispatchShipment', tags, summary: 'Dispatch a labelled shipment (LABELLED → DISPATCHED)',
      description: 'The units leave the stock ledger (SHIP movements) and the order becomes SHIPPED. 404 NOT_FOUND; 409 ILLEGAL_TRANSITION '
        + 'when the shipment is not LABELLED.',
      params: ShipmentParams, response: { 200: ShipmentSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'ORDER_CANCELLED', 'ORDER_CANCELLING', 'PACKAGE_ON_QUALITY_HOLD') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await packShip.dispatch(req.params.id, requestMeta(req)))));

  app.get('/shipments', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listShipments', tags, summary: 'Shipments, oldest first: of a site, or of a batch of orders',
      description: 'Filtered by site (`siteId`, id or code), status and orders (`orderIds`, ids POST /orders returns); paged by `limit` '
        + '(50 by default) and `cursor`. With `orderIds` and no `limit`, every shipment of those orders on one page. A caller of some '
        + 'sites only names one of its sites (403 SITE_REQUIRED otherwise) or orders of its sites. The example lists the POST /orders '
        + 'example\'s order\'s shipments.',
      querystring: Type.Object({
        siteId: Type.Optional({ ...SiteRef, maxLength: 64 }),
        status: Type.Optional(Enum(SHIPMENT_STATUSES)),
        orderIds: Type.Optional({ ...IdList(500, 'order ids'), examples: [EXAMPLES.ids.order] }),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'At most this many (1-500; 50 by default, every one of `orderIds` without it)' })),
        cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(ShipmentSchema), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const { siteId, status, orderIds, cursor } = req.query;
    const limit = req.query.limit ?? (orderIds === undefined ? 50 : undefined);
    const after = unwrap(cursorKey(cursor, CURSOR_SHAPES.idOf('shp')));
    const items = await packShip.listShipments({
      siteId: siteId === undefined ? undefined : await siteIdOf(siteId, '/querystring/siteId'),
      status, orderIds: orderIds === undefined ? undefined : splitList(orderIds), after, limit,
    });
    return { items, nextCursor: limit === undefined ? null : nextCursor(items, limit, (x) => x.id) };
  });

  app.get('/shipments/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getShipment', tags, summary: 'A shipment', description: 'A shipment by id (404 NOT_FOUND when there is none).',
      params: ShipmentParams, response: { 200: ShipmentSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const shipment = await packShip.getShipment(req.params.id);
    if (shipment === undefined) throw new AppError('NOT_FOUND', `No shipment ${req.params.id}`);
    return shipment;
  });

  // --- pack station -------------------------------------------------------------------------------------------
  app.get('/pack-station/totes/:toteId', {
    config: { roles: CAN.floor },
    schema: {
      operationId: 'scanTote', tags, summary: 'Scan a tote at the pack station: its order and what is left to pack',
      description: 'The order whose picked, unpacked units are in the tote, those units (with GTINs to scan), the packer\'s carton '
        + 'suggestion and the order\'s open packages (an order whose units are all in a carton still open is answered with no '
        + 'units and that carton, to weigh and seal it). Tote labels belong to a site: `siteId` (id or code) names the pack station\'s '
        + 'site, and a caller of some sites only must name one of its sites (403 SITE_REQUIRED otherwise). 404 TOTE_EMPTY; 409 '
        + 'TOTE_AT_SEVERAL_SITES (sites use the same label): name `siteId`; 409 TOTE_HOLDS_SEVERAL_ORDERS (batch picking): name `orderId`. Reads only.',
      params: Type.Object({ toteId: Identifier(100, { examples: ['TOTE-7'] }) }, { additionalProperties: false }),
      querystring: Type.Object({ siteId: Type.Optional(SiteRef), orderId: Type.Optional(Id) }, { additionalProperties: false }),
      response: { 200: ToteSchema, ...problems('UNKNOWN_SITE', 'TOTE_EMPTY', 'TOTE_AT_SEVERAL_SITES', 'TOTE_HOLDS_SEVERAL_ORDERS') },
    },
  }, async (req) => unwrap(await packShip.scanTote(req.params.toteId, {
    orderId: req.query.orderId, ...(req.query.siteId === undefined ? {} : { siteId: await siteIdOf(req.query.siteId, '/querystring/siteId') }),
  })));

  app.post('/pack-station/packages', {
    config: { roles: CAN.floor, idempotent: true, heldWork: orderOfBody },
    schema: {
      operationId: 'openPackage', tags, summary: 'Open a carton for an order at the pack station (OPEN package)',
      description: 'The carton is the packer\'s first suggested one unless `cartonCode` overrides it. Units are then scanned in '
        + '(POST /packages/{id}/scans), the package weighed and sealed. 409 NOTHING_TO_PACK, 404 TOTE_EMPTY (a `toteId` that holds no picked unit of '
        + 'the order: nothing is opened), 422 NO_CARTON_FITS / UNPROCESSABLE (unknown carton).',
      body: Type.Object({
        orderId: OrderId,
        cartonCode: Type.Optional(Identifier(32, { description: "Override the packer's suggestion" })),
        toteId: Type.Optional(Identifier(100)),
      }, { additionalProperties: false, examples: [{ orderId: EXAMPLES.ids.order, toteId: 'TOTE-7' }] }),
      response: { 201: PackageSchema, ...problems('ACTING_AS_ANOTHER_WORKER', 'NOT_FOUND', 'NOTHING_TO_PACK', 'TOTE_EMPTY', 'ORDER_CANCELLED', 'ORDER_CANCELLING', 'NO_CARTON_FITS', 'CARTON_INACTIVE', 'UNPROCESSABLE') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => unwrap(await packShip.openCarton(req.body, requestMeta(req)))));

  app.post('/packages/:id/scans', {
    config: { roles: CAN.floor, idempotent: true, heldWork: orderOfPackage },
    schema: {
      operationId: 'scanUnit', tags, summary: 'Scan one unit into an open package',
      description: 'The barcode is the product\'s GTIN or SKU. 422 WRONG_ITEM when it is not on the order, 422 BAD_BARCODE when a GTIN '
        + 'fails its check digit (a misread), 409 ITEM_ALREADY_PACKED when every picked unit of it is packed or scanned; nothing is written then. '
        + '409 ILLEGAL_TRANSITION when the package is not OPEN. Send an Idempotency-Key per scan: a repeated scan is one unit.',
      params: PackageParams,
      body: Type.Object({ barcode: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false, examples: [{ barcode: EXAMPLES.newGtin }] }),
      response: { 200: PackageSchema, ...problems('ACTING_AS_ANOTHER_WORKER', 'NOT_FOUND', 'WRONG_ITEM', 'BAD_BARCODE', 'ITEM_ALREADY_PACKED', 'ILLEGAL_TRANSITION', 'ORDER_CANCELLED', 'ORDER_CANCELLING') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await packShip.scanUnit(req.params.id, req.body.barcode))));

  app.post('/packages/:id/weight', {
    config: { roles: CAN.floor, idempotent: true, heldWork: orderOfPackage },
    schema: {
      operationId: 'weighPackage', tags, summary: 'Record the scale\'s weight of an open package and check it',
      description: 'Expected weight = the catalog weights of its units + the carton\'s tare; the site\'s tolerance (default ±2 %, '
        + 'PUT /pack-station/settings/{siteId}) decides. `check.status` OUT blocks sealing. 409 PACKAGE_EMPTY.',
      params: PackageParams,
      body: Type.Object({ weightG: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }, { additionalProperties: false, examples: [{ weightG: 430 }] }),
      response: { 200: Type.Object({ package: PackageSchema, check: WeightCheckSchema }), ...problems('ACTING_AS_ANOTHER_WORKER', 'NOT_FOUND', 'PACKAGE_EMPTY', 'ILLEGAL_TRANSITION', 'ORDER_CANCELLED', 'ORDER_CANCELLING') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await packShip.weigh(req.params.id, req.body.weightG))));

  app.post('/packages/:id/seal', {
    config: { roles: CAN.floor, idempotent: true, heldWork: orderOfPackage },
    schema: {
      operationId: 'sealPackage', tags, summary: 'Seal an open package (OPEN → PACKED) and give it its SSCC',
      description: '409 WEIGHT_NOT_CAPTURED before a weight, 409 WEIGHT_OUT_OF_TOLERANCE when the weight is off (check the contents, weigh '
        + 'again), 409 PACKAGE_EMPTY. Emits pack-ship.package.packed (and order.packed when it completes the order), as POST /packages.',
      params: PackageParams,
      response: { 200: PackageSchema, ...problems('ACTING_AS_ANOTHER_WORKER', 'NOT_FOUND', 'WEIGHT_NOT_CAPTURED', 'WEIGHT_OUT_OF_TOLERANCE', 'PACKAGE_EMPTY', 'ILLEGAL_TRANSITION', 'ORDER_CANCELLED', 'ORDER_CANCELLING') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await packShip.seal(req.params.id, requestMeta(req), { workerId: actingWorkerOf(req) }))));

  app.post('/packages/:id/repack', {
    config: { roles: CAN.floor, idempotent: true, heldWork: orderOfPackage },
    schema: {
      operationId: 'repackPackage', tags, summary: 'Open a package again (→ REPACKED): its units go back to pack',
      description: 'An OPEN or PACKED package; a labelled one needs its label voided first (409 ILLEGAL_TRANSITION). The units are '
        + 'unpacked and packed again into new packages. A package a failed quality inspection holds is not repacked until a manager gives '
        + 'the inspection\'s disposition (409 PACKAGE_ON_QUALITY_HOLD naming it): RELEASE or REWORK lets it ship (or be repacked), SCRAP has the order repacked. '
        + 'Nor is a package whose packing inspection is still OPEN (409 PACKAGE_UNDER_INSPECTION naming it): the inspector records its results first '
        + '(POST /inspections/{id}/results); PASSED lets the repack through, FAILED holds the package as above. A package whose carton left by a SHIP '
        + 'scan at the dock (of its label, or of the pallet it was loaded onto) is not repacked either (409 ILLEGAL_TRANSITION): its units are on the truck.',
      params: PackageParams,
      response: { 200: PackageSchema, ...problems('ACTING_AS_ANOTHER_WORKER', 'NOT_FOUND', 'ILLEGAL_TRANSITION', 'ORDER_CANCELLED', 'ORDER_CANCELLING', 'PACKAGE_ON_QUALITY_HOLD', 'PACKAGE_UNDER_INSPECTION') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await packShip.repack(req.params.id, requestMeta(req)))));

  app.post('/pack-station/shorts', {
    config: { roles: CAN.floor, idempotent: true, heldWork: orderOfBody },
    schema: {
      operationId: 'shortAtPack', tags, summary: 'Units of a picked order are missing from the tote or damaged: ship the order without them, or pick them again',
      description: 'The packer names the line, how many of its units waiting to be packed are not there (MISSING) or not fit to ship '
        + '(DAMAGED). They are never packed nor shipped: the order is packed once the rest is (at once when the rest is packed already), '
        + 'and inventory writes them off the order\'s in-process stock (ADJUST, reason LOST or DAMAGED; their allocation released). '
        + 'A shipComplete order never ships partial: its units are picked again instead (re-reserved from good stock, or the order waits '
        + 'BACKORDERED, reason SHORT_PICK, for stock), so it is neither packed nor bookable until they are picked, and is ready to pack again then '
        + '(ADR 0024 addendum 2026-12-07; the answer says `pickedAgain`); shorting every unit it has left, or another unit while it waits, is allowed. '
        + 'Send an Idempotency-Key. 409 SHORT_EXCEEDS_OPEN_UNITS when fewer units of the line wait to be packed (units scanned into an open carton: '
        + 'repack it first), 409 SHORT_EMPTIES_ORDER when nothing of the order would be left to ship (cancel the order instead), 409 NOTHING_TO_PACK '
        + 'while the order is still being picked (short at the pick list), 409 ORDER_CANCELLED, 422 UNPROCESSABLE for a line not on the order.',
      body: Type.Object({
        orderId: OrderId,
        lineId: Identifier(100, { description: "The order line's id (`lines[].lineId` of the tote scan)" }),
        quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        reason: Enum(['MISSING', 'DAMAGED'] as const, { description: 'MISSING: not in the tote; DAMAGED: there but not fit to ship' }),
        toteId: Type.Optional(Identifier(100)),
        note: Type.Optional(Text(500, { description: 'What the packer saw (recorded in the event)' })),
      }, { additionalProperties: false, examples: [{ orderId: EXAMPLES.ids.order, lineId: EXAMPLES.ids.orderLine, quantity: 1, reason: 'DAMAGED', toteId: 'TOTE-7' }] }),
      response: {
        200: Type.Object({
          orderId: Id, lineId: Id, sku: Type.String(), quantity: Type.Integer(), reason: Enum(['MISSING', 'DAMAGED'] as const),
          shortAtPack: Type.Integer({ description: 'Units of the line shorted at packing so far' }),
          unitsLeftToPack: List(Type.Object({ lineId: Id, sku: Type.String(), quantity: Type.Integer() }), { description: 'What is left to pack, per line' }),
          orderPacked: Type.Boolean({ description: 'True when this short completed the order\'s packing: it can be booked now' }),
          pickedAgain: Type.Boolean({
            description: 'True for a shipComplete order: the units are picked again (re-reserved, or the order waits BACKORDERED for stock) and the order '
              + 'ships complete, so it is not packed nor bookable until they are picked (set its tote and open carton aside meanwhile); false: the order ships without them',
          }),
        }),
        ...problems('ACTING_AS_ANOTHER_WORKER', 'NOT_FOUND', 'NOTHING_TO_PACK', 'SHORT_EXCEEDS_OPEN_UNITS', 'SHORT_EMPTIES_ORDER', 'ORDER_CANCELLED', 'ORDER_CANCELLING', 'UNPROCESSABLE'),
      },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await packShip.shortAtPack(req.body, requestMeta(req)))));

  app.get('/pack-station/settings/:siteId', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getPackStationSettings', tags, summary: 'A site\'s pack & ship settings', description: 'Weight tolerance of the pack station and the ship-from address of labels (defaults when never set).',
      params: SiteParams, response: { 200: SettingsSchema, ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => packShip.getSettings(await siteIdOf(req.params.siteId, '/siteId')));

  app.put('/pack-station/settings/:siteId', {
    config: { roles: CAN.plan },
    schema: {
      operationId: 'putPackStationSettings', tags, summary: 'Set a site\'s weight tolerance and ship-from address',
      description: 'Replaces both. The tolerance applies to packages weighed from now on.',
      params: SiteParams,
      body: Type.Object({ weightTolerancePct: Type.Number({ minimum: 0, maximum: 50 }), shipFrom: Nullable(AddressSchema) }, {
        additionalProperties: false,
        examples: [{ weightTolerancePct: 2, shipFrom: { name: 'PakLog Demo DC', line1: '1 Depot Road', city: 'Springfield', postalCode: '12345', country: 'US' } }],
      }),
      response: { 200: SettingsSchema, ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => packShip.putSettings({ siteId: await siteIdOf(req.params.siteId, '/siteId'), weightTolerancePct: req.body.weightTolerancePct, shipFrom: req.body.shipFrom }));

  // --- labels and documents -----------------------------------------------------------------------------------
  app.get('/packages/:id/label', {
    config: { roles: CAN.floor },
    schema: {
      operationId: 'getPackageLabel', tags, summary: 'A package\'s shipping label again (reprint)',
      description: '`zpl`: the GS1-128 label in ZPL II (4×6 in, 203 dpi); `pdf`: the same label as a PDF page; `png`: the SSCC barcode '
        + '(GS1-128, AI 00) alone. A package without a label says what gives it one: 409 PACKAGE_NOT_SEALED (still OPEN: seal it, then book), '
        + '409 PACKAGE_NOT_BOOKED (sealed, or its label voided: book its order\'s shipment, POST /shipments), 409 PACKAGE_REPACKED (its units are in '
        + 'new packages), 409 ORDER_CANCELLED (voided with its order: it does not ship).',
      params: PackageParams,
      querystring: Type.Object({ format: Type.Optional(Enum(['zpl', 'pdf', 'png'] as const, { default: 'zpl' })) }, { additionalProperties: false }),
      response: { 200: binary('The label', ['text/plain', 'application/pdf', 'image/png']), ...problems('NOT_FOUND', 'PACKAGE_NOT_SEALED', 'PACKAGE_NOT_BOOKED', 'PACKAGE_REPACKED', 'ORDER_CANCELLED') },
    },
  }, async (req, reply) => {
    const label = unwrap(await packShip.label(req.params.id, req.query.format ?? 'zpl'));
    return reply.type(label.contentType).send(typeof label.body === 'string' ? label.body : Buffer.from(label.body));
  });

  app.get('/shipments/:id/packing-slip', {
    config: { roles: CAN.floor },
    schema: {
      operationId: 'getPackingSlip', tags, summary: 'The packing slip of a shipment (PDF)', description: 'Ship-from, ship-to, and each package\'s SSCC, carton and contents.',
      params: ShipmentParams, response: { 200: binary('The packing slip', ['application/pdf']), ...problems('NOT_FOUND') },
    },
  }, async (req, reply) => reply.type('application/pdf').send(Buffer.from(unwrap(await packShip.packingSlip(req.params.id)))));

  app.post('/shipments/:id/void', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'voidShipment', tags, summary: 'Void a shipment\'s label before it is handed over (LABELLED → VOIDED)',
      description: 'The carrier is told (503 CARRIER_UNAVAILABLE: the label stays valid, try again; 409 CARRIER_REFUSED_VOID: the carrier answered and '
        + 'refused to void it (scanned at pickup, past its void window…), its reason quoted, nothing changed — the label stays valid and the shipment LABELLED; a void the carrier carried out that was not recorded is '
        + 'recorded by the label-voids job, the shipment neither manifested nor dispatched meanwhile, and the same request sent again with its Idempotency-Key is answered with the voided shipment); the packages are PACKED again and can be '
        + 'booked anew or repacked. Cartons SHIP-scanned onto the truck and not dispatched come back off it: CLOSED where they were scanned out, '
        + 'the order cancellable again (409 ILLEGAL_TRANSITION while a SHIP scan of them is in flight: try again in a moment). '
        + '409 ALREADY_MANIFESTED once on a manifest; 409 ILLEGAL_TRANSITION once dispatched.',
      params: ShipmentParams,
      response: { 200: ShipmentSchema, ...problems('NOT_FOUND', 'ALREADY_MANIFESTED', 'ILLEGAL_TRANSITION', 'CARRIER_REFUSED_VOID', 'CARRIER_UNAVAILABLE') },
    },
  }, async (req, reply) => {
    const meta = requestMeta(req);
    // As a booking (ADR 0056): a remote carrier's void is owed from its own commit and asked outside the request's
    // unit of work, and its answer recorded in a second unit with the Idempotency-Key's answer. The request's identity is
    // kept with the owed void: its retry after the label-voids job recorded it is answered with the voided shipment.
    const requestId = requestIdentity(req);
    try {
      return await deps.idempotency.run(req, reply, 200, async () => {
        const planned = unwrap(await packShip.planVoid(req.params.id, meta));
        if ('shipment' in planned) return planned.shipment;
        throw new RemoteBookingAhead();
      });
    } catch (e) {
      if (!(e instanceof RemoteBookingAhead)) {
        const voided = requestId !== undefined && e instanceof AppError && e.code === 'ILLEGAL_TRANSITION' ? await packShip.voidedFor(req.params.id, requestId) : undefined;
        if (voided !== undefined) return deps.idempotency.run(req, reply, 200, async () => voided);
        throw e;
      }
    }
    const asked = await packShip.askVoid(req.params.id, meta, requestId);
    return deps.idempotency.run(req, reply, 200, async () => {
      const done = unwrap(asked);
      return 'shipment' in done ? done.shipment : unwrap(await packShip.recordVoid(req.params.id, meta));
    });
  });

  // --- manifests and tracking ---------------------------------------------------------------------------------
  app.post('/manifests', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'closeManifest', tags, summary: 'Close the end-of-day manifest of a carrier at a site',
      description: 'Every labelled shipment of the carrier not yet on a manifest is handed over (its packages MANIFESTED; labels can no '
        + 'longer be voided). The JSON is the manifest\'s data; GET /manifests/{id}/document is its PDF. 409 NOTHING_TO_MANIFEST; '
        + '422 UNKNOWN_CARRIER when PakLog knows no such carrier (nothing is written).',
      body: Type.Object({ siteId: Identifier(100), carrier: Identifier(64) }, {
        additionalProperties: false, examples: [{ siteId: EXAMPLES.site, carrier: 'OWN_FLEET' }],
      }),
      response: { 201: ManifestSchema, ...problems('NOTHING_TO_MANIFEST', 'UNKNOWN_CARRIER', 'UNKNOWN_SITE', 'UNPROCESSABLE') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () =>
    unwrap(await packShip.closeManifest({ siteId: await siteIdOf(req.body.siteId), carrier: req.body.carrier }, requestMeta(req)))));

  app.get('/manifests', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listManifests', tags, summary: 'The manifests of a site (of a day)', description: 'Oldest first, on one page.',
      querystring: Type.Object({
        siteId: Identifier(100, { examples: [EXAMPLES.site] }),
        // A day as every route takes one (the shared `date` format, 1970 to 9999): 2026-02-30 is refused here, naming it.
        day: Type.Optional(Type.String({ format: 'date', description: 'Only the manifests of this day (UTC), YYYY-MM-DD' })),
      }, { additionalProperties: false }),
      response: { 200: Page(ManifestSchema), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => ({ items: await packShip.listManifests(await siteIdOf(req.query.siteId), req.query.day ?? null), nextCursor: null }));

  const ManifestParams = Type.Object({ id: IdParam('manifest', 'POST /manifests') }, { additionalProperties: false });
  app.get('/manifests/:id', {
    config: { roles: CAN.read },
    schema: { operationId: 'getManifest', tags, summary: 'A manifest', description: 'Its data (404 NOT_FOUND).', params: ManifestParams, response: { 200: ManifestSchema, ...problems('NOT_FOUND') } },
  }, async (req) => {
    const m = await packShip.getManifest(req.params.id);
    if (m === undefined) throw new AppError('NOT_FOUND', `No manifest ${req.params.id}`);
    return m;
  });

  app.get('/manifests/:id/document', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getManifestDocument', tags, summary: 'A manifest as the PDF the driver signs', description: 'Every shipment, with totals.',
      params: ManifestParams, response: { 200: binary('The manifest', ['application/pdf']), ...problems('NOT_FOUND') },
    },
  }, async (req, reply) => reply.type('application/pdf').send(Buffer.from(unwrap(await packShip.manifestDocument(req.params.id)))));

  app.post('/carrier-events', {
    config: { roles: CAN.intake, idempotent: true },
    schema: {
      operationId: 'receiveCarrierEvent', tags, summary: 'A carrier\'s tracking event (webhook)',
      description: 'IN_TRANSIT, DELIVERED or EXCEPTION for a dispatched shipment moves it forward with pack-ship.shipment.tracked; a '
        + 'repeated event changes nothing, a late one (IN_TRANSIT after DELIVERED) is recorded only. 422 TRACKING_EVENT_IN_FUTURE for an `at` '
        + 'more than 5 minutes after PakLog\'s clock (it would make every real event after it late), 422 TRACKING_EVENT_BEFORE_DISPATCH for one '
        + 'more than 5 minutes before the shipment was dispatched (another parcel\'s number, a wrong year), nothing recorded. 404 NOT_FOUND for an unknown '
        + 'tracking number; 409 ILLEGAL_TRANSITION before dispatch; 403 FORBIDDEN_AT_SITE for a shipment of a site the caller does not act at. '
        + 'Carriers with a tracking API are also polled.',
      body: Type.Object({
        carrier: Identifier(64), trackingNumber: Identifier(100),
        status: Enum(TRACKING_STATUSES), at: DateTime, detail: Type.Optional(TextOrEmpty(500)),
      }, { additionalProperties: false, examples: [{ carrier: 'OWN_FLEET', trackingNumber: EXAMPLES.ids.trackingNumber, status: 'DELIVERED', at: EXAMPLES.ids.carrierEventAt }] }),
      response: { 200: ShipmentSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'TRACKING_EVENT_IN_FUTURE', 'TRACKING_EVENT_BEFORE_DISPATCH') },
    },
  }, async (req, reply) => {
    // The tracking number names another site's shipment as well as one's own: the caller acts at the shipment's site.
    const mayActAt = (siteId: string): void => { if (req.principal !== undefined) authorizeSite(req.principal, siteId, CAN.intake); };
    return deps.idempotency.run(req, reply, 200, async () => unwrap(await packShip.tracked(req.body, requestMeta(req), { mayActAt })));
  });
}
