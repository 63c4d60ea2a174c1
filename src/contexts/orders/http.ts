import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { CountsQuery, Cursor, EXAMPLES, Identifier, Text, TextOrEmpty, IdList, IdParam, Limit, NullableEnum, Page, SiteRef, StatusCounts, splitList } from '../../platform/http/schemas.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { IF_MATCH_DOC, parseIfMatch } from '../../platform/http/if-match.ts';
import { ORDER_STATUSES, type OrderStatus } from '../../contracts/orders.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { resolveOwnerId, type InventoryApi } from '../../contracts/inventory.ts';
import { ownerScopeOf } from '../../platform/http/auth.ts';
import type { FastifyRequest } from 'fastify';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { DEFAULT_CARRIER, DEFAULT_PRIORITY, MAX_LINE_QUANTITY, MAX_LINES } from './domain/order.ts';
import type { OrderService } from './service.ts';

const tags: Tag[] = ['Orders'];

const Status = Type.Unsafe<OrderStatus>(Type.String({ enum: [...ORDER_STATUSES] }));

const ShipToSchema = Type.Object({
  name: Text(200),
  company: Type.Optional(TextOrEmpty(200)),
  line1: Text(200),
  line2: Type.Optional(TextOrEmpty(200)),
  line3: Type.Optional(TextOrEmpty(200)),
  city: Text(100),
  state: Type.Optional(TextOrEmpty(100, { description: 'State, province or region, e.g. CA or Ontario' })),
  postalCode: Text(20),
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, e.g. DE' }),
  phone: Type.Optional(TextOrEmpty(40)),
  email: Type.Optional(TextOrEmpty(254)),
}, { additionalProperties: false });

const SummaryFields = {
  id: Type.String(),
  externalId: Type.String(),
  siteId: Type.String(),
  ownerId: Type.String({ description: 'The owner (3PL client) the order is fulfilled for (ADR 0028)' }),
  carrier: Type.String(),
  priority: Type.Integer(),
  shipBy: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  shipTo: ShipToSchema,
  status: Status,
  waveId: Type.Union([Type.String(), Type.Null()]),
  cancelReason: Type.Union([Type.String(), Type.Null()]),
  shipComplete: Type.Boolean({ description: 'True: the order never ships partial; a short pick with no stock elsewhere waits for stock (ADR 0024)' }),
  backorderReason: { ...NullableEnum(['SHORT_PICK'] as const), description: 'SHORT_PICK while a shipComplete order waits for stock after a short pick (its picked units stay in its tote); null otherwise' },
  hold: Type.Union([Type.Object({
    holdId: Type.String(),
    reason: Type.String({ description: 'Why it was held' }),
    from: Type.Unsafe<string>(Type.String({ enum: ['RECEIVED', 'ALLOCATED', 'BACKORDERED'], description: 'Where the order was when it was held' })),
    resumeTo: Type.Unsafe<string>(Type.String({ enum: ['RECEIVED', 'ALLOCATED', 'BACKORDERED'], description: 'Where releasing the hold takes it (what was allocated while it was held)' })),
  }), Type.Null()], { description: 'While ON_HOLD (ADR 0052): the hold; null otherwise' }),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};
const OrderLineSchema = Type.Object({
  id: Type.String(), lineNo: Type.Integer(), sku: Type.String(), ordered: Type.Integer(),
  allocated: Type.Integer({ description: 'Units of the line promised to the order by SKU-level allocation and still held for it; 0 once a cancel (of the order or of a line) released them' }),
  picked: Type.Integer(), shorted: Type.Integer({ description: 'Units shorted at picking' }), packed: Type.Integer(), shipped: Type.Integer(), cancelled: Type.Integer(),
  shortAtPack: Type.Integer({ description: 'Units picked but found missing or damaged at the pack station (POST /pack-station/shorts): never packed nor shipped' }),
});
const OrderSummarySchema = Type.Object({ ...SummaryFields, lines: Type.Optional(Type.Array(OrderLineSchema, { description: 'With `include=lines` only' })) });
const OrderSchema = Type.Object({
  ...SummaryFields,
  lines: Type.Array(OrderLineSchema),
  statusHistory: Type.Array(Type.Object({
    from: NullableEnum(ORDER_STATUSES), to: Status, at: Type.String({ format: 'date-time' }), cause: Type.Union([Type.String(), Type.Null()]),
  })),
});

const CreateOrderBody = Type.Object({
  externalId: Identifier(100, {
    description: "The client's order id; posting the same order again returns it (200; the same as it was created, also after a reprioritise or "
      + 'a change of it since, or as it is now), posting other content under it is 409 ORDER_CONFLICT naming what differs from the create '
      + '(the site or owner alone when the order is of another site or owner)',
  }),
  siteId: Identifier(64, { description: 'Site id or code (e.g. DEMO); 422 UNKNOWN_SITE when there is no such site' }),
  ownerId: Type.Optional(Identifier(100, {
    description: 'The owner (3PL client, `own_…`) the order is fulfilled for: only that owner\'s stock is allocated, picked and shipped for it '
      + '(ADR 0028). Absent: the default owner `own_default`, or the owner of an owner-scoped key. 422 UNKNOWN_OWNER when there is no such '
      + 'owner; 403 OWNER_NOT_ALLOWED when an owner-scoped key names another owner',
  })),
  carrier: Identifier(64, { default: DEFAULT_CARRIER, description: 'A carrier PakLog can book (today OWN_FLEET); 422 UNKNOWN_CARRIER otherwise' }),
  priority: Type.Integer({ minimum: 1, maximum: 9, default: DEFAULT_PRIORITY, description: '1 is the most urgent' }),
  shipBy: Type.Optional(Type.String({ format: 'date-time', description: 'When the order must have shipped (the customer\'s or the ERP\'s promise): not shipped by then, it is SHIP_BY_MISSED in GET /exceptions' })),
  shipTo: ShipToSchema,
  shipComplete: Type.Optional(Type.Boolean({
    default: false,
    description: 'Short-pick policy. false (default): when a short pick finds no stock at another location the order ships what was picked. '
      + 'true: it never ships partial; it waits (BACKORDERED, reason SHORT_PICK) until stock arrives and the rest is picked',
  })),
  lines: Type.Array(Type.Object({
    sku: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
    quantity: Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY }),
  }, { additionalProperties: false }), { minItems: 1, maxItems: MAX_LINES, description: 'One line per SKU' }),
}, {
  additionalProperties: false,
  examples: [{
    externalId: 'SHOP-10001', siteId: EXAMPLES.site, carrier: 'OWN_FLEET', priority: 1,
    shipTo: { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'London', postalCode: 'N1 7AA', country: 'GB' },
    lines: [{ sku: EXAMPLES.newSku, quantity: 1 }],
  }],
});

const IdParams = Type.Object({ id: { ...IdParam('order', 'POST /orders (or GET /orders)'), maxLength: 64 } }, { additionalProperties: false });
const LineParams = Type.Object({
  id: { ...IdParam('order', 'POST /orders (or GET /orders)'), maxLength: 64 },
  lineId: { ...IdParam('orderLine', 'GET /orders/{id} (`lines[].id`)'), maxLength: 64 },
}, { additionalProperties: false });

export function orderRoutes(
  deps: PlatformDeps, service: OrderService, locations: Pick<LocationMasterApi, 'getSite'>, inventory: Pick<InventoryApi, 'getOwner'>,
): (app: HttpApp) => Promise<void> {
  /** An order an owner-scoped key may not see is one it cannot find (ADR 0028): 404, as for an unknown id. */
  const visible = <T extends { ownerId: string }>(req: FastifyRequest, id: string, order: T): T => {
    const scope = ownerScopeOf(req);
    if (scope !== null && order.ownerId !== scope) throw new AppError('NOT_FOUND', `No order ${id}`);
    return order;
  };
  return async (app) => {
    app.post('/orders', {
      config: { roles: CAN.intake, idempotent: true, owners: true },
      schema: {
        operationId: 'createOrder', tags, summary: 'Receive an order',
        description: 'Idempotent on externalId and on Idempotency-Key: 201 with the new order; 200 with the order, changing nothing, when the same order already '
          + 'existed (the content of the create that made it, whatever a reprioritise, a hold or a change did since, or the order as it is now); '
          + '409 ORDER_CONFLICT when another order has that externalId. 422 UNKNOWN_SITE, SITE_INACTIVE, UNKNOWN_SKU or PRODUCT_INACTIVE '
          + '(naming each bad line; ADR 0045) or UNKNOWN_CARRIER. Inventory allocates it within milliseconds (status ALLOCATED, or BACKORDERED until stock arrives). The example '
          + 'orders the product the POST /products example creates, received and moved to a pick face by the inventory examples.',
        body: CreateOrderBody,
        response: {
          200: { ...OrderSchema, description: 'The same order existed already' }, 201: { ...OrderSchema, description: 'The order was received' },
          ...problems('ORDER_CONFLICT', 'UNKNOWN_SITE', 'SITE_INACTIVE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU', 'PRODUCT_INACTIVE', 'UNKNOWN_CARRIER', 'UNPROCESSABLE'),
        },
      },
    }, async (req, reply) => {
      const b = req.body;
      let existed = false;
      // The status is kept with the answer: a replay of the request that received the order says 201 again.
      return deps.idempotency.run(req, reply, () => (existed ? 200 : 201), async () => {
        // The owner first: a scoped key naming another owner, or an unknown owner, writes nothing.
        const ownerId = unwrap(await resolveOwnerId(inventory, b.ownerId, ownerScopeOf(req)));
        const result = unwrap(await service.receive({
          externalId: b.externalId, siteId: b.siteId, ownerId, carrier: b.carrier, priority: b.priority, shipBy: b.shipBy ?? null,
          shipTo: b.shipTo, shipComplete: b.shipComplete ?? false, lines: b.lines,
        }, requestMeta(req)));
        existed = !result.created;
        return result.order;
      });
    });

    app.get('/orders/:id', {
      config: { roles: CAN.read, owners: true },
      schema: {
        operationId: 'getOrder', tags, summary: 'An order with its lines and status history',
        description: 'The ETag header carries the order\'s version, for If-Match on POST /orders/{id}/cancel. 404 NOT_FOUND for an unknown order.',
        params: IdParams, response: { 200: OrderSchema, ...problems('NOT_FOUND') },
      },
    }, async (req, reply) => {
      const order = visible(req, req.params.id, unwrap(await service.get(req.params.id)));
      void reply.header('etag', `"${order.version}"`);
      return order;
    });

    app.get('/orders/counts', {
      config: { roles: CAN.read, owners: true },
      schema: {
        operationId: 'countOrders', tags, summary: 'How many orders of a site are in each status',
        description: 'Exact figures for a dashboard, one per status (0 when none), read in one statement; an owner-scoped key counts its own orders only. '
          + '422 UNKNOWN_SITE for an unknown site; a caller acting at some sites only may count only those (403 FORBIDDEN_AT_SITE).',
        querystring: CountsQuery,
        response: { 200: StatusCounts(ORDER_STATUSES, 'orders'), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const siteId = unwrap(await resolveSiteId(locations, req.query.siteId, '/querystring/siteId'));
      return { siteId, byStatus: await service.counts(siteId, ownerScopeOf(req)) };
    });

    app.get('/orders', {
      config: { roles: CAN.read, owners: true },
      schema: {
        operationId: 'listOrders', tags, summary: 'Orders in creation order',
        description: 'Filtered by status, site and externalId; paged by `limit` and `cursor`. `ids=` reads a batch of orders, `include=lines` adds their lines.',
        querystring: Type.Object({
          status: Type.Optional(Status),
          siteId: Type.Optional({ ...SiteRef, maxLength: 64 }),
          owner: Type.Optional(Identifier(100, { description: 'Only this owner\'s orders (`own_…`); an owner-scoped key sees its own only' })),
          externalId: Type.Optional(Identifier(100)),
          ids: Type.Optional(IdList(500, 'order ids')),
          waveId: Type.Optional(Identifier(64)),
          include: Type.Optional(Type.Literal('lines', { description: "`lines`: every order's lines too" })),
          limit: Limit(500, 50),
          cursor: Cursor,
        }, { additionalProperties: false }),
        response: { 200: Page(OrderSummarySchema), ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED') },
      },
    }, async (req) => {
      const { ids, include, owner, ...q } = req.query;
      const ownerId = owner === undefined && ownerScopeOf(req) === null ? undefined
        : unwrap(await resolveOwnerId(inventory, owner, ownerScopeOf(req), '/querystring/owner'));
      const filter = { ...q, ownerId, ids: ids === undefined ? undefined : splitList(ids), withLines: include === 'lines' };
      return unwrap(await service.list(q.siteId === undefined ? filter : { ...filter, siteId: unwrap(await resolveSiteId(locations, q.siteId, '/querystring/siteId')) }));
    });

    app.post('/orders/:id/reprioritise', {
      config: { roles: CAN.plan, idempotent: true },
      schema: {
        operationId: 'reprioritiseOrder', tags, summary: 'Give an order another priority (1 expedites it)',
        description: 'Until it ships: the wave pool orders by it, its open pick lists and their tasks not started yet take it when it is more '
          + 'urgent, and so does its PACK task not started yet (a PACK task queued later takes the order\'s priority). 409 ORDER_SHIPPED / ORDER_CANCELLED for a final order; the same priority again answers 200 and changes nothing.',
        params: IdParams,
        body: Type.Object({ priority: Type.Integer({ minimum: 1, maximum: 9, description: '1 is the most urgent, 9 the least' }) }, {
          additionalProperties: false, examples: [{ priority: 1 }],
        }),
        response: { 200: OrderSchema, ...problems('NOT_FOUND', 'ORDER_SHIPPED', 'ORDER_CANCELLED') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
      unwrap(await service.reprioritise(req.params.id, req.body.priority, requestMeta(req)))));

    app.post('/orders/:id/hold', {
      config: { roles: CAN.intake, idempotent: true, owners: true },
      schema: {
        operationId: 'holdOrder', tags, summary: 'Put an order on hold before a wave takes it',
        description: 'RECEIVED, ALLOCATED or BACKORDERED → ON_HOLD (ADR 0052): no wave plans it until the hold is released; it keeps what '
          + 'is allocated to it and is allocated as usual while held. A held order answers 200 again. 409 ORDER_IN_FULFILMENT once a wave '
          + 'has it (cancel the wave before release to hold it, or cancel the order), ORDER_CANCELLED, ORDER_SHIPPED.',
        params: IdParams,
        body: Type.Object({ reason: Text(500, { description: 'Why: credit check, address check, customer request…' }) }, {
          additionalProperties: false, examples: [{ reason: 'Credit check' }],
        }),
        response: { 200: OrderSchema, ...problems('NOT_FOUND', 'ORDER_IN_FULFILMENT', 'ORDER_CANCELLED', 'ORDER_SHIPPED') },
      },
    }, async (req, reply) => {
      if (ownerScopeOf(req) !== null) visible(req, req.params.id, unwrap(await service.get(req.params.id)));
      return deps.idempotency.run(req, reply, 200, async () => unwrap(await service.hold(req.params.id, req.body.reason, requestMeta(req))));
    });

    app.post('/orders/:id/release-hold', {
      config: { roles: CAN.intake, idempotent: true, owners: true },
      schema: {
        operationId: 'releaseOrderHold', tags, summary: "Release an order's hold",
        description: 'ON_HOLD → RECEIVED, ALLOCATED or BACKORDERED, with what was allocated while it was held (`hold.resumeTo`): the wave pool '
          + 'takes it again. 409 ORDER_NOT_ON_HOLD for an order that is not on hold.',
        params: IdParams,
        response: { 200: OrderSchema, ...problems('NOT_FOUND', 'ORDER_NOT_ON_HOLD') },
      },
    }, async (req, reply) => {
      if (ownerScopeOf(req) !== null) visible(req, req.params.id, unwrap(await service.get(req.params.id)));
      return deps.idempotency.run(req, reply, 200, async () => unwrap(await service.releaseHold(req.params.id, requestMeta(req))));
    });

    app.post('/orders/:id/lines/:lineId/cancel', {
      config: { roles: CAN.plan, idempotent: true, owners: true },
      schema: {
        operationId: 'cancelOrderLine', tags, summary: "Cancel a line's open units before a wave takes the order",
        description: 'RECEIVED, ALLOCATED or BACKORDERED (ADR 0046 addendum 2026-12-05): `quantity` units of the line (all its open units '
          + 'when absent) are cancelled, its allocation released and the open units allocated again (the order is RECEIVED until then), '
          + 'decided with wave planning as a change of the lines is. When no line keeps an open unit the whole order is CANCELLED, as '
          + 'POST /orders/{id}/cancel does. A line with no open unit left answers 200 again, unchanged. 409 ORDER_IN_FULFILMENT once a '
          + 'wave has the order (cancel the whole order, or short the line at picking), ORDER_ON_HOLD while held, ORDER_CANCELLED, '
          + 'ORDER_SHIPPED; 422 UNPROCESSABLE for a quantity below 1 or above the open units (field /quantity); 404 NOT_FOUND for an '
          + 'unknown order or line. The example cancels a line of one of the demo\'s open orders.',
        params: LineParams,
        body: Type.Optional(Type.Object({
          quantity: Type.Optional(Type.Integer({ description: 'Units to cancel, 1 to the line\'s open units; absent: all of them' })),
          reason: Type.Optional(Text(500)),
        }, { additionalProperties: false, examples: [{ reason: 'Customer removed the item' }] })),
        response: {
          200: OrderSchema,
          ...problems('NOT_FOUND', 'ORDER_IN_FULFILMENT', 'ORDER_ON_HOLD', 'ORDER_CANCELLED', 'ORDER_SHIPPED', 'CONFLICT', 'UNPROCESSABLE', 'VALIDATION_FAILED'),
        },
      },
    }, async (req, reply) => {
      // An owner-scoped key cancels only its owner's order lines: another owner's order is one it cannot find (404).
      if (ownerScopeOf(req) !== null) visible(req, req.params.id, unwrap(await service.get(req.params.id)));
      const order = await deps.idempotency.run(req, reply, 200, async () =>
        unwrap(await service.cancelLine(req.params.id, req.params.lineId, { quantity: req.body?.quantity, reason: req.body?.reason ?? null }, requestMeta(req))));
      void reply.header('etag', `"${order.version}"`);
      return order;
    });

    app.post('/orders/:id/cancel', {
      config: { roles: CAN.plan, idempotent: true, owners: true },
      schema: {
        operationId: 'cancelOrder', tags, summary: 'Cancel an order at any moment before it ships',
        description: '409 ORDER_SHIPPED once dispatched (or shipped by a SHIP scan at the dock), 409 ORDER_SHIPPING while such a scan is under way (ask again: the answer is then final); a cancelled order answers 200 again (whatever its If-Match: the change asked for is made already). The floor withdraws open picks, returns '
          + 'picked units to stock and voids packages. The ETag of GET /orders/{id} is the order\'s version; ' + IF_MATCH_DOC + ' With If-Match the version is '
          + 'checked again under the order\'s lock while pack & ship holds the stop pending (its packing and shipping answer 409 ORDER_CANCELLING meanwhile): '
          + 'a change of the order since the first read is 412 too, with nothing stopped or voided. The example cancels one of the demo\'s open orders (ids from GET /orders?siteId=DEMO).',
        params: IdParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 1000, description: 'The order version(s) the cancellation expects: `*`, `"<version>"` or a list of them' })) }),
        body: Type.Optional(Type.Object({ reason: Type.Optional(Text(500)) }, {
          additionalProperties: false, examples: [{ reason: 'Customer changed their mind' }],
        })),
        response: { 200: OrderSchema, ...problems('NOT_FOUND', 'ORDER_SHIPPED', 'ORDER_SHIPPING', 'VERSION_MISMATCH', 'VALIDATION_FAILED') },
      },
    }, async (req, reply) => {
      const expected = parseIfMatch(req.headers['if-match']);
      // An owner-scoped key cancels only its owner's orders: another owner's is one it cannot find (404), and nothing changes.
      if (ownerScopeOf(req) !== null) visible(req, req.params.id, unwrap(await service.get(req.params.id)));
      const order = await deps.idempotency.run(req, reply, 200, async () =>
        unwrap(await service.cancel(req.params.id, req.body?.reason ?? null, expected, requestMeta(req))));
      void reply.header('etag', `"${order.version}"`);
      return order;
    });
  };
}
