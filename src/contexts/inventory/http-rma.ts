import { Type } from '@fastify/type-provider-typebox';
import { RMA_DISPOSITIONS, RMA_STATUSES } from '../../contracts/inventory.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { ownerScopeOf } from '../../platform/http/auth.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey } from '../../platform/http/paging.ts';
import { CAN } from '../../platform/http/roles.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Id, Identifier, IdParam, Limit, List, MultilineText, Nullable, Page, SiteRef, Sku, Text } from '../../platform/http/schemas.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { RmaService } from './service-rma.ts';
import { OwnerFilter, OwnerRef, ownerFilterOf, ownerOfRequest } from './http-owners.ts';

const tags: Tag[] = ['Inventory'];
const LocationCode = Identifier(100);
const NullableString = Nullable(Type.String());

const RmaSchema = Type.Object({
  id: Type.String(), siteId: Type.String(), ownerId: Type.String({ description: 'Whose units (ADR 0028)' }), customerRef: Type.String(), orderRef: NullableString,
  status: Enum(RMA_STATUSES), notes: NullableString, version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime,
  lines: List(Type.Object({
    lineId: Type.String(), sku: Type.String(), reason: Type.String(),
    authorised: Type.Integer({ description: 'Units the customer may send back' }), received: Type.Integer(),
    awaitingInspection: Type.Integer({ description: 'Received units with no disposition yet (held in QUARANTINE)' }),
    restocked: Type.Integer(), quarantined: Type.Integer(), scrapped: Type.Integer(), returnedToVendor: Type.Integer(),
    lot: NullableString, receivedLocationId: Nullable(Type.String({ description: 'Where the line\'s units were received (in QUARANTINE)' })),
    condition: NullableString, inspectionNotes: NullableString,
  })),
}, { description: 'A customer return (RMA): AUTHORISED → RECEIVED → INSPECTED → CLOSED, or CANCELLED before anything arrived' });

/** Customer returns' routes (issue 11). Not `/inventory/returns`: those put a cancelled order's picked units back. */
export async function rmaRoutes(app: HttpApp, deps: PlatformDeps, rmas: RmaService, locations: Pick<LocationMasterApi, 'getSite'>): Promise<void> {
  const siteId = async (idOrCode: string, field = '/siteId'): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));
  const ownerOf = ownerOfRequest(deps);
  const ownerFilter = ownerFilterOf(deps);
  const Params = Type.Object({ id: IdParam('rma', 'POST /rmas') }, { additionalProperties: false });

  app.post('/rmas', {
    config: { roles: CAN.plan, idempotent: true, owners: true },
    schema: {
      operationId: 'authoriseRma', tags, summary: 'Authorise a customer return (RMA)',
      description: 'Lines name a SKU, the units the customer may send back and why. Nothing moves until units are received against it.',
      body: Type.Object({
        siteId: SiteRef, ownerId: OwnerRef, customerRef: Identifier(200), orderRef: Type.Optional(Identifier(200)), notes: Type.Optional(MultilineText(2000)),
        lines: Type.Array(Type.Object({ sku: Sku, quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }), reason: Text(200) },
          { additionalProperties: false }), { minItems: 1, maxItems: 500 }),
      }, {
        additionalProperties: false,
        examples: [{ siteId: EXAMPLES.site, customerRef: 'CUST-1001', orderRef: 'SO-1001', lines: [{ sku: EXAMPLES.sku, quantity: 2, reason: 'wrong colour' }] }],
      }),
      response: { 201: RmaSchema, ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU', 'VALIDATION_FAILED') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () =>
    unwrap(await rmas.authorise({ ...req.body, siteId: await siteId(req.body.siteId), ownerId: await ownerOf(req, req.body.ownerId) }, requestMeta(req)))));

  app.get('/rmas', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'listRmas', tags, summary: 'Customer returns of a site, oldest first',
      description: 'Filter by status (RECEIVED: units await inspection) and owner (a key scoped to an owner lists its own RMAs only); paged by `limit` and `cursor`.',
      querystring: Type.Object({ siteId: SiteRef, owner: OwnerFilter, status: Type.Optional(Enum(RMA_STATUSES)), limit: Limit(500, 100), cursor: Cursor },
        { additionalProperties: false }),
      response: { 200: Page(RmaSchema), ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED') },
    },
  }, async (req) => {
    const q = req.query;
    return rmas.list({
      siteId: await siteId(q.siteId, '/querystring/siteId'), ownerId: await ownerFilter(req, q.owner), status: q.status, limit: q.limit,
      after: unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('rma'))),
    });
  });

  app.get('/rmas/:id', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'getRma', tags, summary: 'One customer return, with its lines', description: 'An RMA by id (404 NOT_FOUND when there is none).',
      params: Params, response: { 200: RmaSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const r = await rmas.get(req.params.id);
    const scope = ownerScopeOf(req);
    if (r === undefined || (scope !== null && r.ownerId !== scope)) throw new AppError('NOT_FOUND', `No RMA ${req.params.id}`);
    return r;
  });

  app.post('/rmas/:id/receive', {
    config: { roles: CAN.receive, idempotent: true },
    schema: {
      operationId: 'receiveRma', tags: ['Inbound'] satisfies Tag[], summary: 'Receive returned units against an RMA (into QUARANTINE)',
      description: 'Give exactly one of locationId and locationCode: where the units land (a returns or receiving location). Each line\'s '
        + 'units are received in QUARANTINE (RECEIPT, reason RMA): on hand, never promised, until inspected. Refused with nothing '
        + 'changed: more than a line still authorises (409 OVER_RECEIPT), another location or lot than the line\'s earlier units, '
        + 'no lot for a lot-controlled product or a lot for another (422 UNPROCESSABLE), a CLOSED or CANCELLED RMA (409 ILLEGAL_TRANSITION).',
      params: Params,
      body: Type.Object({
        locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode),
        lines: Type.Array(Type.Object({
          lineId: Identifier(20), quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }), lot: Type.Optional(Identifier(64)),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 500 }),
      }, { additionalProperties: false, examples: [{ locationCode: EXAMPLES.receivingDock, lines: [{ lineId: '1', quantity: 2 }] }] }),
      response: {
        200: RmaSchema,
        ...problems('NOT_FOUND', 'VALIDATION_FAILED', 'UNKNOWN_LOCATION', 'LOCATION_NOT_ACTIVE', 'ILLEGAL_TRANSITION', 'OVER_RECEIPT', 'UNPROCESSABLE'),
      },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await rmas.receive({ ...req.body, rmaId: req.params.id }, requestMeta(req)))));

  app.post('/rmas/:id/lines/:lineId/inspect', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'inspectRmaLine', tags, summary: 'Inspect received units of an RMA line and give them a disposition',
      description: 'RESTOCK: the units go AVAILABLE at the location scanned (exactly one of locationId and locationCode; RELEASE movements, '
        + 'promised again when the location is pickable); to another location than the one received at, neither may be under count '
        + '(409 LOCATION_UNDER_COUNT: restock in place, or once counted). QUARANTINE: they stay held where received. SCRAP / RETURN_TO_VENDOR: adjusted '
        + 'out of stock (ADJUST, reason SCRAP / RTV). `quantity` defaults to every unit of the line awaiting inspection; the RMA is '
        + 'INSPECTED once every received unit has a disposition.',
      params: Type.Object({ id: IdParam('rma', 'POST /rmas'), lineId: { ...Identifier(20), description: 'The line\'s number (lines[].lineId)', examples: ['1'] } },
        { additionalProperties: false }),
      body: Type.Object({
        disposition: Enum(RMA_DISPOSITIONS), quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
        locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode),
        condition: Type.Optional(Text(100)), notes: Type.Optional(MultilineText(2000)),
      }, { additionalProperties: false, examples: [{ disposition: 'RESTOCK', quantity: 1, locationCode: EXAMPLES.pickFace, condition: 'as new' }] }),
      response: {
        200: RmaSchema,
        ...problems('NOT_FOUND', 'VALIDATION_FAILED', 'UNKNOWN_LOCATION', 'LOCATION_NOT_ACTIVE', 'UNPROCESSABLE', 'ILLEGAL_TRANSITION',
          'QUANTITY_EXCEEDS_OPEN', 'INSUFFICIENT_STOCK', 'LOCATION_UNDER_COUNT'),
      },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await rmas.inspect({ ...req.body, rmaId: req.params.id, lineId: req.params.lineId }, requestMeta(req)))));

  app.post('/rmas/:id/close', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'closeRma', tags, summary: 'Close an inspected RMA (409 ILLEGAL_TRANSITION while units await inspection)',
      description: 'An INSPECTED RMA is done; units authorised but never sent stay unreceived. More units arriving later reopen it (RECEIVED).',
      params: Params, response: { 200: RmaSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await rmas.close({ rmaId: req.params.id, to: 'CLOSED' }, requestMeta(req)))));

  app.post('/rmas/:id/cancel', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'cancelRma', tags, summary: 'Cancel an RMA nothing was received against (409 ILLEGAL_TRANSITION otherwise)',
      description: 'Only an AUTHORISED RMA: once units arrived they are inspected and the RMA closed.',
      params: Params, body: Type.Object({ reason: Text(500) }, { additionalProperties: false, examples: [{ reason: 'customer kept the goods' }] }),
      response: { 200: RmaSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await rmas.close({ rmaId: req.params.id, to: 'CANCELLED', reason: req.body.reason }, requestMeta(req)))));
}
