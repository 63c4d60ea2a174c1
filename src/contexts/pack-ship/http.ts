import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { DateTime, Enum, EXAMPLES, Id, IdList, IdParam, List, Nullable, Page, splitList } from '../../platform/http/schemas.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { PACKAGE_STATUSES, SHIPMENT_STATUSES } from '../../contracts/pack-ship.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { PackShipService } from './service.ts';

const tags: Tag[] = ['Pack & ship'];
const OrderId = IdParam('order', 'POST /orders');
const NullableString = Nullable(Type.String());

const CartonSchema = Type.Object({
  code: Type.String(), description: Type.String(), innerLengthMm: Type.Integer(), innerWidthMm: Type.Integer(), innerHeightMm: Type.Integer(),
  maxWeightG: Type.Integer(), tareG: Type.Integer(), cost: Type.Number(),
});
const PackageLineSchema = Type.Object({ lineId: Type.String({ description: 'The order line' }), sku: Type.String(), quantity: Type.Integer() });
const PackageSchema = Type.Object({
  id: Type.String(), orderId: Type.String(), siteId: Type.String(), cartonCode: Type.String(), weightG: Type.Integer(), status: Enum(PACKAGE_STATUSES),
  shipmentId: NullableString, createdAt: DateTime, packedAt: Nullable(DateTime), lines: List(PackageLineSchema),
});
const ShipmentSchema = Type.Object({
  id: Type.String(), orderId: Type.String(), siteId: Type.String(), carrier: Type.String(), trackingNumber: NullableString,
  labelZpl: Nullable(Type.String({ description: 'The label in ZPL, for a Zebra printer' })), status: Enum(SHIPMENT_STATUSES),
  createdAt: DateTime, labelledAt: Nullable(DateTime), dispatchedAt: Nullable(DateTime), packageIds: List(Type.String()),
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

export async function packShipRoutes(app: HttpApp, deps: PlatformDeps, packShip: PackShipService): Promise<void> {
  app.get('/cartons', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listCartons', tags, summary: 'The carton catalogue, smallest first',
      description: 'The cartons packing chooses from (the 3D packer takes the cheapest that fits).', response: { 200: Page(CartonSchema) },
    },
  }, async () => ({ items: await packShip.cartons(), nextCursor: null }));

  app.post('/cartons', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'createCarton', tags, summary: 'Add a carton to the catalogue',
      description: 'Inner dimensions in mm, the most it may carry and its own weight in g, its cost. 409 DUPLICATE when the code is taken.',
      body: Type.Object({
        code: Type.String({ pattern: '^[A-Za-z0-9._-]{1,32}$' }),
        description: Type.String({ minLength: 1, maxLength: 200 }),
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
    config: { roles: CAN.floor, idempotent: true },
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
        cartonCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
        weightG: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
      }, { additionalProperties: false, examples: [{ orderId: EXAMPLES.ids.order }] }),
      response: { 201: PackageSchema, ...problems('NOT_FOUND', 'NOTHING_TO_PACK', 'ORDER_CANCELLED', 'CONFLICT', 'NO_CARTON_FITS', 'UNPROCESSABLE') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => unwrap(await packShip.pack(req.body, requestMeta(req)))));

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
        + '422 UNKNOWN_CARRIER when `carrier` is not bookable. The example ships the POST /orders example\'s order once packed.',
      body: Type.Object({
        orderId: OrderId,
        carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Book with this carrier instead of the order's (an explicit override); must be bookable" })),
      }, { additionalProperties: false, examples: [{ orderId: EXAMPLES.ids.order }] }),
      response: {
        201: ShipmentSchema,
        ...problems('NOT_FOUND', 'NOTHING_TO_SHIP', 'UNITS_NOT_PACKED', 'CONFLICT', 'CARRIER_NOT_BOOKABLE', 'ORDER_CANCELLED', 'UNKNOWN_CARRIER', 'PACKAGE_ON_QUALITY_HOLD'),
      },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () =>
    unwrap(await packShip.createShipment(req.body.orderId, requestMeta(req), req.body.carrier))));

  app.post('/shipments/:id/dispatch', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'dispatchShipment', tags, summary: 'Dispatch a labelled shipment (LABELLED → DISPATCHED)',
      description: 'The units leave the stock ledger (SHIP movements) and the order becomes SHIPPED. 404 NOT_FOUND; 409 ILLEGAL_TRANSITION '
        + 'when the shipment is not LABELLED.',
      params: ShipmentParams, response: { 200: ShipmentSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'ORDER_CANCELLED', 'PACKAGE_ON_QUALITY_HOLD') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await packShip.dispatch(req.params.id, requestMeta(req)))));

  app.get('/shipments', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listShipments', tags, summary: 'The shipments of a batch of orders (oldest first)',
      description: 'Every shipment of the orders `orderIds` names (ids POST /orders returns), on one page. The example lists the '
        + 'POST /orders example\'s order\'s shipments.',
      querystring: Type.Object({
        orderIds: { ...IdList(500, 'order ids'), examples: [EXAMPLES.ids.order] },
      }, { additionalProperties: false }),
      response: { 200: Page(ShipmentSchema) },
    },
  }, async (req) => ({ items: await packShip.shipmentsOfOrders(splitList(req.query.orderIds)), nextCursor: null }));

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
}
