import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { Id, IdList, splitList } from '../../platform/http/schemas.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { PackShipService } from './service.ts';

const tags = ['pack-ship'];
const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
const Mm = Type.Integer({ minimum: 1, maximum: 10_000 });

export async function packShipRoutes(app: HttpApp, deps: PlatformDeps, packShip: PackShipService): Promise<void> {
  app.get('/cartons', {
    config: { roles: CAN.read },
    schema: { tags, summary: 'The carton catalogue, smallest first' },
  }, async () => ({ items: await packShip.cartons(), nextCursor: null }));

  app.post('/cartons', {
    config: { roles: CAN.plan },
    schema: {
      tags, summary: 'Add a carton to the catalogue (Idempotency-Key supported)',
      body: Type.Object({
        code: Type.String({ pattern: '^[A-Za-z0-9._-]{1,32}$' }),
        description: Type.String({ minLength: 1, maxLength: 200 }),
        innerLengthMm: Mm,
        innerWidthMm: Mm,
        innerHeightMm: Mm,
        maxWeightG: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        tareG: Type.Integer({ minimum: 0, maximum: 100_000 }),
        cost: Type.Number({ minimum: 0, maximum: 100_000 }),
      }, { additionalProperties: false }),
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => unwrap(await packShip.createCarton(req.body))));

  app.post('/packages', {
    config: { roles: CAN.floor },
    schema: {
      tags,
      summary: 'Pack picked, unpacked units of an order into one package (Idempotency-Key supported)',
      description: 'Packs `units` when given, else every picked, unpacked unit. The carton is the given one or the cheapest '
        + 'the 3D packer fills with all the units (422 NO_CARTON_FITS when no single carton does: GET /packages/suggestion '
        + 'splits them, then pack each suggested package with `units`); the weight is the given one or items + tare. '
        + '409 NOTHING_TO_PACK when nothing picked is left to pack.',
      body: Type.Object({
        orderId: Id,
        units: Type.Optional(Type.Array(Type.Object({
          lineId: Id,
          quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 })),
        cartonCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
        weightG: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
      }, { additionalProperties: false }),
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => unwrap(await packShip.pack(req.body, requestMeta(req)))));

  app.get('/packages/suggestion', {
    config: { roles: CAN.read },
    schema: {
      tags,
      summary: 'The 3D packer\'s cartons for an order\'s picked, unpacked units, before packing',
      description: 'The cheapest shipment the packer finds: one carton when that is cheapest, else several, with each unit\'s '
        + 'placement (mm from the carton\'s inner corner; `itemId` is the order line). Reads only. 404 unknown order, '
        + '409 NOTHING_TO_PACK, 422 NO_CARTON_FITS when a unit fits no carton.',
      querystring: Type.Object({ orderId: Id }, { additionalProperties: false }),
    },
  }, async (req) => unwrap(await packShip.suggest(req.query.orderId)));

  app.get('/packages/:id', {
    config: { roles: CAN.read },
    schema: { tags, summary: 'A package with its contents', params: IdParams },
  }, async (req) => {
    const pkg = await packShip.getPackage(req.params.id);
    if (pkg === undefined) throw new AppError('NOT_FOUND', `No package ${req.params.id}`);
    return pkg;
  });

  app.get('/packages', {
    config: { roles: CAN.read },
    schema: {
      tags, summary: 'Packages of an order',
      querystring: Type.Object({ orderId: Id }, { additionalProperties: false }),
    },
  }, async (req) => ({ items: await packShip.listPackages(req.query.orderId), nextCursor: null }));

  app.post('/shipments', {
    config: { roles: CAN.floor },
    schema: {
      tags,
      summary: 'Book the packed packages of an order with its carrier and label them (Idempotency-Key supported)',
      description: '409 NOTHING_TO_SHIP when the order has no packed, unshipped package; 409 CONFLICT while its picking is not done; '
        + "409 CARRIER_NOT_BOOKABLE when PakLog cannot book the order's carrier (name a bookable one in `carrier` to ship with it instead); "
        + '422 UNKNOWN_CARRIER when `carrier` is not bookable.',
      body: Type.Object({
        orderId: Id,
        carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Book with this carrier instead of the order's (an explicit override); must be bookable" })),
      }, { additionalProperties: false }),
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () =>
    unwrap(await packShip.createShipment(req.body.orderId, requestMeta(req), req.body.carrier))));

  app.post('/shipments/:id/dispatch', {
    config: { roles: CAN.floor },
    schema: { tags, summary: 'Dispatch a labelled shipment (LABELLED → DISPATCHED)', params: IdParams },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await packShip.dispatch(req.params.id, requestMeta(req)))));

  app.get('/shipments', {
    config: { roles: CAN.read },
    schema: {
      tags, summary: 'The shipments of a batch of orders (oldest first)',
      querystring: Type.Object({ orderIds: IdList(500, 'order ids') }, { additionalProperties: false }),
    },
  }, async (req) => ({ items: await packShip.shipmentsOfOrders(splitList(req.query.orderIds)), nextCursor: null }));

  app.get('/shipments/:id', {
    config: { roles: CAN.read },
    schema: { tags, summary: 'A shipment', params: IdParams },
  }, async (req) => {
    const shipment = await packShip.getShipment(req.params.id);
    if (shipment === undefined) throw new AppError('NOT_FOUND', `No shipment ${req.params.id}`);
    return shipment;
  });
}
