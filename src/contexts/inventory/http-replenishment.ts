import { Type } from '@fastify/type-provider-typebox';
import { REPLENISHMENT_STATUSES, REPLENISHMENT_TRIGGERS } from '../../contracts/inventory.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { actingWorkerOf } from '../../platform/http/auth.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey } from '../../platform/http/paging.ts';

/** Whether a key is a settings page's: the face's id and the SKU, apart by U+0001 (service-replenishment.ts). */
const settingKey = (key: string): boolean => {
  const parts = key.split('\u0001');
  return parts.length === 2 && CURSOR_SHAPES.idOf('loc')(parts[0]!) && parts[1] !== '' && CURSOR_SHAPES.text(parts[1]!);
};
import { CAN } from '../../platform/http/roles.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Id, Identifier, IdParam, Limit, LocationFilter, Nullable, Page, SiteRef, Sku, Text, WorkerId } from '../../platform/http/schemas.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { ReplenishmentService } from './service-replenishment.ts';
import type { InventoryService } from './service.ts';
import { OwnerRef, ownerOfRequest } from './http-owners.ts';

const tags: Tag[] = ['Inventory'];
const LocationCode = Identifier(100);

const SettingSchema = Type.Object({
  siteId: Type.String(), locationId: Type.String({ description: 'The pick face' }), sku: Type.String(),
  min: Type.Integer({ description: 'Replenish when the face\'s free units (on-hand − reserved) drop below this' }),
  max: Type.Integer({ description: 'A replenishment brings on-hand up to this' }), updatedAt: DateTime,
}, { description: 'A pick face\'s min/max for one SKU' });

const ReplenishmentSchema = Type.Object({
  id: Type.String(), siteId: Type.String(), ownerId: Type.String(), sku: Type.String(), lot: Nullable(Type.String()),
  fromLocationId: Type.String({ description: 'The reserve/storage location the units come from (FEFO)' }),
  toLocationId: Type.String({ description: 'The pick face they go to: the location the confirm must scan' }),
  quantity: Type.Integer({ description: 'Units asked for' }), moved: Type.Integer({ description: 'Units the confirm moved' }),
  status: Enum(REPLENISHMENT_STATUSES), trigger: Enum(REPLENISHMENT_TRIGGERS),
  triggerReference: Nullable(Type.String({ description: 'The movement, pick line or wave that asked for it' })),
  confirmedBy: Nullable(Type.String()), confirmedAt: Nullable(DateTime), createdAt: DateTime,
}, { description: 'A replenishment: units to move from reserve to a pick face, done by a REPLENISH task (reference = id) and confirmed by scanning the face' });

/** Replenishment's routes (issue 11): min/max per pick face and SKU, replenishments, the confirm by scan. */
export async function replenishmentRoutes(
  app: HttpApp, deps: PlatformDeps, replenishment: ReplenishmentService, locations: Pick<LocationMasterApi, 'getSite'>,
  unknownSku: InventoryService['unknownSku'],
): Promise<void> {
  const siteId = async (idOrCode: string, field = '/siteId'): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));
  const ownerOf = ownerOfRequest(deps);

  app.put('/replenishment-settings', {
    config: { roles: CAN.plan },
    schema: {
      operationId: 'putReplenishmentSetting', tags, summary: 'Set a pick face\'s min/max for a SKU (creates or replaces it)',
      description: 'Give exactly one of locationId and locationCode: a PICK_FACE of the site (422 UNPROCESSABLE otherwise). 0 ≤ min ≤ max, '
        + 'max ≥ 1. When the face\'s free units (on-hand − reserved) drop below min after a pick, a move or an adjustment, or a released '
        + 'wave\'s demand takes them there, a replenishment from reserve brings on-hand up to max.',
      body: Type.Object({
        siteId: SiteRef, sku: Sku, locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode),
        min: Type.Integer({ minimum: 0, maximum: 1_000_000 }), max: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, sku: EXAMPLES.sku, locationCode: EXAMPLES.pickFace, min: 5, max: 60 }] }),
      response: { 200: SettingSchema, ...problems('UNKNOWN_SITE', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION', 'UNPROCESSABLE') },
    },
  }, async (req) => unwrap(await replenishment.putSetting({ ...req.body, siteId: await siteId(req.body.siteId) })));

  app.get('/replenishment-settings', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listReplenishmentSettings', tags, summary: 'Min/max settings of a site, by face and SKU',
      description: 'Filter by SKU (422 UNKNOWN_SKU for one the catalogue does not know) and face (`locationId`: the face\'s id or its code at the site, '
        + '422 UNKNOWN_LOCATION otherwise); paged by `limit` and `cursor`.',
      querystring: Type.Object({
        siteId: SiteRef, sku: Type.Optional({ ...Sku, examples: [EXAMPLES.sku] }), locationId: Type.Optional(LocationFilter), limit: Limit(500, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(SettingSchema), ...problems('UNKNOWN_SITE', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION') },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorKey(q.cursor, settingKey));
    const page = unwrap(await replenishment.listSettings({ siteId: await siteId(q.siteId, '/querystring/siteId'), sku: q.sku, locationId: q.locationId, limit: q.limit,
      after }));
    unwrap(await unknownSku(q.sku, q.cursor === undefined && page.items.length === 0));
    return page;
  });

  app.delete('/replenishment-settings', {
    config: { roles: CAN.plan },
    schema: {
      operationId: 'deleteReplenishmentSetting', tags, summary: 'Remove a pick face\'s min/max for a SKU',
      description: 'Give exactly one of locationId and locationCode (the face). 404 NOT_FOUND when the face has no min/max for the SKU. '
        + 'An open replenishment of the face stays: cancel it with POST /replenishments/{id}/cancel.',
      querystring: Type.Object({
        siteId: SiteRef, sku: { ...Sku, examples: [EXAMPLES.sku] }, locationId: Type.Optional(Id),
        locationCode: Type.Optional({ ...LocationCode, examples: [EXAMPLES.pickFace] }),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ locationId: Type.String(), sku: Type.String(), deleted: Type.Boolean() }),
        ...problems('UNKNOWN_SITE', 'UNKNOWN_LOCATION', 'VALIDATION_FAILED', 'NOT_FOUND'),
      },
    },
  }, async (req) => {
    const q = req.query;
    const locationId = unwrap(await replenishment.deleteSetting({ ...q, siteId: await siteId(q.siteId, '/querystring/siteId') }));
    return { locationId, sku: q.sku, deleted: true };
  });

  app.post('/replenishments', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'requestReplenishment', tags, summary: 'Ask for a replenishment of a face by hand (a REPLENISH task is queued)',
      description: 'Give exactly one of locationId and locationCode (the face). `quantity` defaults to what brings the face up to its max '
        + '(required without a min/max). The source is the reserve/storage balance with free units that expires first. The face\'s open '
        + 'replenishment of the SKU is answered if there is one (one at a time). 409 NO_REPLENISHMENT_SOURCE when no reserve/storage '
        + 'location holds free units; 409 LOCATION_NOT_ACTIVE for a BLOCKED or INACTIVE face (nothing is put to it; the triggers skip it too).',
      body: Type.Object({
        siteId: SiteRef, ownerId: OwnerRef, sku: Sku, locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode),
        quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, sku: EXAMPLES.sku, locationCode: EXAMPLES.pickFace, quantity: 5 }] }),
      response: { 201: ReplenishmentSchema, ...problems('UNKNOWN_SITE', 'UNKNOWN_LOCATION', 'VALIDATION_FAILED', 'NO_REPLENISHMENT_SOURCE', 'LOCATION_NOT_ACTIVE') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () =>
    unwrap(await replenishment.request({ ...req.body, siteId: await siteId(req.body.siteId), ownerId: await ownerOf(req, req.body.ownerId) }, requestMeta(req)))));

  app.get('/replenishments', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listReplenishments', tags, summary: 'Replenishments of a site, oldest first',
      description: 'Filter by status (OPEN: still to do) and SKU (422 UNKNOWN_SKU for one the catalogue does not know); paged by `limit` and `cursor`. '
        + 'A REPLENISH task\'s reference is a replenishment id.',
      querystring: Type.Object({
        siteId: SiteRef, status: Type.Optional(Enum(REPLENISHMENT_STATUSES)), sku: Type.Optional(Sku), limit: Limit(500, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(ReplenishmentSchema), ...problems('UNKNOWN_SITE', 'UNKNOWN_SKU') },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('rpl')));
    const page = await replenishment.list({ siteId: await siteId(q.siteId, '/querystring/siteId'), status: q.status, sku: q.sku, limit: q.limit, after });
    unwrap(await unknownSku(q.sku, q.cursor === undefined && page.items.length === 0));
    return page;
  });

  const Params = Type.Object({ id: IdParam('replenishment', 'GET /replenishments (items[].id), or a REPLENISH task\'s reference,') },
    { additionalProperties: false });

  app.get('/replenishments/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getReplenishment', tags, summary: 'One replenishment',
      description: 'A replenishment by id (404 NOT_FOUND when there is none).', params: Params,
      response: { 200: ReplenishmentSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const r = await replenishment.get(req.params.id);
    if (r === undefined) throw new AppError('NOT_FOUND', `No replenishment ${req.params.id}`);
    return r;
  });

  app.post('/replenishments/:id/confirm', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'confirmReplenishment', tags, summary: 'Confirm by scanning the face that the units were brought (MOVE movements)',
      description: 'Give exactly one of locationId and locationCode: the location scanned, which must be the face (422 WRONG_LOCATION). '
        + '`quantity` defaults to the units asked for; fewer when fewer were found. Moves free units of the source into the face (MOVE, '
        + 'reason REPLENISH), completes the replenishment and its REPLENISH task, and retries short picks waiting for the SKU. Refused '
        + 'with nothing changed: more than asked (422 QUANTITY_EXCEEDS_OPEN), more than free at the source or a source lot expired since the request (409 '
        + 'INSUFFICIENT_STOCK: expired units are never put to a face), a '
        + 'replenishment not OPEN (409 ILLEGAL_TRANSITION), a face not ACTIVE (409 LOCATION_NOT_ACTIVE), a source or face under count (409 '
        + 'LOCATION_UNDER_COUNT: confirm once the count closes).',
      params: Params,
      body: Type.Object({
        locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode),
        quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
        workerId: Type.Optional(WorkerId('Who brought the units (a signed-in person: themselves)')),
      }, { additionalProperties: false, examples: [{ locationCode: EXAMPLES.pickFace }] }),
      response: {
        200: ReplenishmentSchema,
        ...problems('VALIDATION_FAILED', 'NOT_FOUND', 'UNKNOWN_LOCATION', 'WRONG_LOCATION', 'LOCATION_NOT_ACTIVE', 'ILLEGAL_TRANSITION',
          'QUANTITY_EXCEEDS_OPEN', 'INSUFFICIENT_STOCK', 'LOCATION_UNDER_COUNT', 'ACTING_AS_ANOTHER_WORKER'),
      },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => {
    const worker = req.body.workerId ?? actingWorkerOf(req);
    return unwrap(await replenishment.confirm({ ...req.body, workerId: worker, replenishmentId: req.params.id }, requestMeta(req)));
  }));

  app.post('/replenishments/:id/cancel', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'cancelReplenishment', tags, summary: 'Withdraw an open replenishment (its REPLENISH task is cancelled)',
      description: 'Only an OPEN replenishment (409 ILLEGAL_TRANSITION otherwise). The face may then get a new one from the next trigger.',
      params: Params,
      body: Type.Object({ reason: Text(500) }, { additionalProperties: false, examples: [{ reason: 'face refilled by hand' }] }),
      response: { 200: ReplenishmentSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await replenishment.cancel({ replenishmentId: req.params.id, reason: req.body.reason }, requestMeta(req)))));
}
