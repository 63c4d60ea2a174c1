import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { Cursor, EXAMPLES, Identifier, IdParam, Limit, Page, Sku, Text } from '../../platform/http/schemas.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { LOCATION_STATUSES, LOCATION_TYPES, type LocationStatus, type LocationType } from '../../contracts/location-master.ts';
import { unwrap } from '../../platform/errors.ts';
import { siteScopeOf } from '../../platform/http/auth.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { LAYOUT_LIMITS } from './domain/layout-generator.ts';
import { MAX_COORDINATE, MAX_INDEX } from './domain/location.ts';
import type { LocationMasterService } from './service.ts';
import { RECOMMENDATION_METHODS, SLOTTING_LIMITS, type RecommendationMethod } from './use-cases/recommend-slotting.ts';

const tags: Tag[] = ['Master data'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);
const LocationTypeSchema = Type.Unsafe<LocationType>({ type: 'string', enum: [...LOCATION_TYPES] });
const LocationStatusSchema = Type.Unsafe<LocationStatus>({ type: 'string', enum: [...LOCATION_STATUSES] });
const Metres = (description: string) => Type.Number({ minimum: -MAX_COORDINATE, maximum: MAX_COORDINATE, description });
const Index = Type.Integer({ minimum: 0, maximum: MAX_INDEX });

const SiteSchema = Type.Object({
  id: Type.String(), code: Type.String(), name: Type.String(), createdAt: Type.String({ format: 'date-time' }),
  active: Type.Boolean({ description: 'False once deactivated: new orders, locations and layouts for it are refused (422 SITE_INACTIVE)' }),
});
const LocationSchema = Type.Object({
  id: Type.String(), siteId: Type.String(), code: Type.String(), type: LocationTypeSchema, zone: Nullable(Type.String()),
  aisle: Nullable(Type.Integer()), bay: Nullable(Type.Integer()), level: Nullable(Type.Integer()),
  x: Type.Number(), y: Type.Number(), z: Type.Number(), pickSequence: Nullable(Type.Integer()), status: LocationStatusSchema,
});
const IdParams = Type.Object({ id: IdParam('location', 'POST /sites/{siteId}/locations (or GET /sites/{siteId}/locations)') }, { additionalProperties: false });
const SiteRefParam = (example: string) => Identifier(100, { description: 'Site id or code', examples: [example] });
const SiteIdParams = Type.Object({ siteId: SiteRefParam(EXAMPLES.site) }, { additionalProperties: false });
const Paging = { limit: Limit(1000, 100), cursor: Cursor };

const layoutNumber = (key: keyof typeof LAYOUT_LIMITS, integer: boolean, description: string) =>
  (integer ? Type.Integer : Type.Number)({ minimum: LAYOUT_LIMITS[key].min, maximum: LAYOUT_LIMITS[key].max, description });

const LayoutBody = Type.Object({
  aisles: layoutNumber('aisles', true, 'Pick aisles'),
  bays: layoutNumber('bays', true, 'Bays along each aisle'),
  levels: layoutNumber('levels', true, 'Levels per bay; level 1 is the pick face, higher levels reserve'),
  aislePitch: Type.Optional(layoutNumber('aislePitch', false, 'Metres between aisle centre lines (default 3)')),
  bayWidth: Type.Optional(layoutNumber('bayWidth', false, 'Metres per bay (default 1.2)')),
  levelHeight: Type.Optional(layoutNumber('levelHeight', false, 'Metres per level (default 1.5)')),
  crossAisleWidth: Type.Optional(layoutNumber('crossAisleWidth', false, 'Width of the front cross aisle in metres (default 3)')),
  packStations: Type.Optional(layoutNumber('packStations', true, 'Pack stations on the front wall (default 2)')),
}, { additionalProperties: false, examples: [{ aisles: 4, bays: 8, levels: 2, packStations: 2 }] });

const LayoutResponse = Type.Object({
  siteId: Type.String(), siteCode: Type.String(),
  parameters: Type.Object({
    aisles: Type.Integer(), bays: Type.Integer(), levels: Type.Integer(), aislePitch: Type.Number(), bayWidth: Type.Number(),
    levelHeight: Type.Number(), crossAisleWidth: Type.Number(), packStations: Type.Integer(),
  }),
  locationCount: Type.Integer(),
  countsByType: Type.Record(Type.String(), Type.Integer()),
  createdAt: Type.String({ format: 'date-time' }),
});

const RecommendationMethodSchema = Type.Unsafe<RecommendationMethod>({
  type: 'string', enum: [...RECOMMENDATION_METHODS], default: 'turnover',
  description: 'abc: classes A/B/C (20/30/50 % of SKUs by picks) on ever farther zones, random within a zone; '
    + 'turnover: most-picked SKU on the nearest location, and so on; coi: cube-per-order index (cubeMm3 / picks ascending); '
    + 'correlated: turnover order, but SKUs often ordered together (orders) share aisles',
});

const SlottingBody = Type.Object({
  method: Type.Optional(RecommendationMethodSchema),
  skus: Type.Array(Type.Object({
    sku: Sku,
    picks: Type.Integer({ minimum: 0, maximum: SLOTTING_LIMITS.picks.max, description: 'Pick lines per period' }),
    cubeMm3: Type.Optional(Type.Integer({ minimum: 1, maximum: SLOTTING_LIMITS.cubeMm3.max, description: 'Cubic millimetres of average stock or demand; required by coi' })),
  }, { additionalProperties: false }), { minItems: SLOTTING_LIMITS.skus.min, maxItems: SLOTTING_LIMITS.skus.max, description: 'Unique SKUs, one location each' }),
  orders: Type.Optional(Type.Array(Type.Array(Sku, { maxItems: SLOTTING_LIMITS.orderSkus.max }), {
    maxItems: SLOTTING_LIMITS.orders.max, description: 'Order history as lists of SKUs (at most 100 per order: pair counting is quadratic), used by correlated; SKUs not in skus are ignored',
  })),
  locationTypes: Type.Optional(Type.Array(LocationTypeSchema, {
    minItems: 1, maxItems: LOCATION_TYPES.length, uniqueItems: true,
    description: 'Candidate location types (default [PICK_FACE]); only ACTIVE locations are candidates',
  })),
}, { additionalProperties: false });

const SlottingResponse = Type.Object({
  method: RecommendationMethodSchema,
  assignments: Type.Array(Type.Object({
    sku: Type.String(), locationId: Type.String(), locationCode: Type.String(),
    distanceFromDepot: Type.Number({ description: 'One-way walking metres from the depot: along the front cross aisle, then up the aisle' }),
  }), { description: 'One distinct location per SKU, in the order of the request' }),
  expectedTravelPerPick: Type.Number({
    description: 'Expected one-way walking metres from the depot per pick: Σ picks · distanceFromDepot / Σ picks '
      + '(each SKU weighs 1 when all picks are 0). A round trip is twice this.',
  }),
  randomBaselineTravelPerPick: Type.Number({ description: 'The same under random storage: the mean one-way depot distance over all candidate locations' }),
  savingVsRandom: Type.Number({ description: '1 − expectedTravelPerPick / randomBaselineTravelPerPick: the share of per-pick travel saved (0.25 = 25 %)' }),
});

const ReasonBody = (required: boolean) => {
  const reason = Text(500);
  return Type.Object({ reason: required ? reason : Type.Optional(reason) }, { additionalProperties: false });
};

export function locationMasterRoutes(deps: PlatformDeps, service: LocationMasterService): (app: HttpApp) => Promise<void> {
  return async (app) => {
    app.post('/sites', {
      // A new site is the network's: a caller of some sites only would make a site none of its grants reach.
      config: { roles: CAN.masterData, idempotent: true, network: true },
      schema: {
        operationId: 'createSite', tags, summary: 'Create a site (warehouse)',
        description: 'A site with a unique code (409 DUPLICATE when taken). Give it locations one by one or generate a layout.',
        body: Type.Object({
          code: Type.String({ pattern: '^[A-Za-z0-9_]{1,16}$', description: 'Short code such as DC1; prefixes location codes' }),
          name: Text(200),
        }, { additionalProperties: false, examples: [{ code: EXAMPLES.newSite, name: 'Second distribution centre' }] }),
        response: { 201: SiteSchema, ...problems('DUPLICATE', 'UNPROCESSABLE') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => unwrap(await service.createSite(req.body, requestMeta(req)))));

    app.get('/sites', {
      config: { roles: CAN.read },
      schema: {
        operationId: 'listSites', tags, summary: 'Sites in code order',
        description: 'Every site the caller has a role at (a caller of some sites only lists those), paged by `limit` and `cursor`.',
        querystring: Type.Object({
          ...Paging, active: Type.Optional(Type.Boolean({ description: 'Only active (true) or deactivated (false) sites (default: both)' })),
        }, { additionalProperties: false }),
        response: { 200: Page(SiteSchema) },
      },
    }, async (req) => unwrap(await service.listSites({ ...req.query, ids: siteScopeOf(req) })));

    app.patch('/sites/:id', {
      config: { roles: CAN.masterData },
      schema: {
        operationId: 'updateSite', tags, summary: 'Rename a site',
        description: 'A site by id or code gets a new name and is announced with location-master.site.updated.v1 (ADR 0045); its code is its '
          + 'key and never changes. 404 NOT_FOUND for an unknown site. A name equal to the current one answers the site and announces nothing.',
        params: Type.Object({ id: SiteRefParam(EXAMPLES.newSite) }, { additionalProperties: false }),
        body: Type.Object({ name: Text(200) }, {
          additionalProperties: false, minProperties: 1, examples: [{ name: 'Second distribution centre (north)' }],
        }),
        response: { 200: SiteSchema, ...problems('NOT_FOUND', 'UNPROCESSABLE') },
      },
    }, async (req) => unwrap(await service.updateSite(req.params.id, req.body, requestMeta(req))));

    for (const t of [
      { path: 'deactivate', operationId: 'deactivateSite', active: false, summary: 'Deactivate a site (no new orders, locations or layout)' },
      { path: 'reactivate', operationId: 'reactivateSite', active: true, summary: 'Reactivate a deactivated site' },
    ] as const) {
      app.post(`/sites/:id/${t.path}`, {
        config: { roles: CAN.masterData, idempotent: true },
        schema: {
          operationId: t.operationId, tags, summary: t.summary,
          description: 'ADR 0045: a deactivated site refuses new orders (every intake channel), new locations, a layout and location imports '
            + 'with 422 SITE_INACTIVE; open orders, stock and tasks there still complete. A site already in that state is answered unchanged '
            + '(no event). 404 NOT_FOUND for an unknown site.',
          params: Type.Object({ id: SiteRefParam(EXAMPLES.newSite) }, { additionalProperties: false }),
          response: { 200: SiteSchema, ...problems('NOT_FOUND', 'UNPROCESSABLE') },
        },
      }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.setSiteActive(req.params.id, t.active, requestMeta(req)))));
    }

    app.get('/sites/:id', {
      config: { roles: CAN.read },
      schema: {
        operationId: 'getSite', tags, summary: 'A site', description: 'A site by id or code (404 NOT_FOUND when there is none).',
        params: Type.Object({ id: SiteRefParam(EXAMPLES.site) }, { additionalProperties: false }), response: { 200: SiteSchema, ...problems('NOT_FOUND') },
      },
    }, async (req) => unwrap(await service.getSite(req.params.id)));

    app.post('/sites/:siteId/locations', {
      config: { roles: CAN.masterData, idempotent: true },
      schema: {
        operationId: 'createLocation', tags, summary: 'Create one location in a site',
        description: 'A location with a code unique in its site (409 DUPLICATE when taken) and coordinates in metres, which picking '
          + 'routes use. 404 NOT_FOUND for an unknown site, 422 SITE_INACTIVE for a deactivated one.',
        params: SiteIdParams,
        body: Type.Object({
          code: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'Unique in the site, e.g. DC1-A-01-02-1' }),
          type: LocationTypeSchema,
          zone: Type.Optional(Nullable(Identifier(32))),
          aisle: Type.Optional(Nullable(Index)),
          bay: Type.Optional(Nullable(Index)),
          level: Type.Optional(Nullable(Index)),
          x: Metres('Metres along the front wall'),
          y: Metres('Metres into the building'),
          z: Type.Optional(Metres('Metres above the floor (default 0)')),
          pickSequence: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 2_000_000_000 }))),
          status: Type.Optional(LocationStatusSchema),
        }, { additionalProperties: false, examples: [{ code: 'DEMO-QC-01', type: 'QUARANTINE', zone: 'QC', x: 2, y: 40 }] }),
        response: { 201: LocationSchema, ...problems('NOT_FOUND', 'DUPLICATE', 'SITE_INACTIVE', 'UNPROCESSABLE') },
      },
    }, async (req, reply) => {
      const b = req.body;
      return deps.idempotency.run(req, reply, 201, async () => unwrap(await service.createLocation(req.params.siteId, {
        code: b.code, type: b.type, zone: b.zone ?? null, aisle: b.aisle ?? null, bay: b.bay ?? null, level: b.level ?? null,
        x: b.x, y: b.y, z: b.z ?? 0, pickSequence: b.pickSequence ?? null, status: b.status ?? 'ACTIVE',
      }, requestMeta(req))));
    });

    app.get('/sites/:siteId/locations', {
      config: { roles: CAN.read },
      schema: {
        operationId: 'listLocations', tags, summary: 'A site\'s locations in code order',
        description: 'Filtered by type, zone and status; paged by `limit` and `cursor`. 404 NOT_FOUND for an unknown site.', params: SiteIdParams,
        querystring: Type.Object({
          ...Paging,
          type: Type.Optional({ ...LocationTypeSchema, examples: ['PICK_FACE'] }),
          zone: Type.Optional(Identifier(32)),
          status: Type.Optional(LocationStatusSchema),
        }, { additionalProperties: false }),
        response: { 200: Page(LocationSchema), ...problems('NOT_FOUND') },
      },
    }, async (req) => unwrap(await service.listLocations(req.params.siteId, req.query)));

    app.post('/sites/:siteId/layout', {
      config: { roles: CAN.plan, idempotent: true },
      schema: {
        operationId: 'generateLayout', tags, summary: 'Generate a rectangular storage layout with depot, docks and pack stations',
        description: 'Once per site (409 DUPLICATE when the site has a layout or locations whose codes it would take; the demo site has one: '
          + 'the example generates one for site DC2, which the POST /sites example creates). 404 NOT_FOUND for an unknown site.',
        params: Type.Object({ siteId: SiteRefParam(EXAMPLES.newSite) }, { additionalProperties: false }), body: LayoutBody,
        response: { 201: LayoutResponse, ...problems('NOT_FOUND', 'DUPLICATE', 'SITE_INACTIVE', 'UNPROCESSABLE') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => unwrap(await service.generateLayout(req.params.siteId, req.body, requestMeta(req)))));

    app.post('/sites/:siteId/slotting-recommendations', {
      config: { roles: CAN.plan, rateClass: 'heavy', idempotent: true },
      schema: {
        operationId: 'recommendSlotting', tags, params: SiteIdParams,
        body: { ...SlottingBody, examples: [{ method: 'turnover', skus: [{ sku: 'MUG-CERAMIC', picks: 120 }, { sku: 'TSHIRT-BLK-M', picks: 80 }, { sku: 'LAMP-DESK', picks: 5 }] }] },
        response: { 200: SlottingResponse, ...problems('NOT_FOUND', 'UNKNOWN_SKU', 'UNPROCESSABLE') },
        summary: 'Recommend a location for each SKU by a slotting policy (read-only: computes an answer, persists nothing)',
        description: 'Candidates are the site\'s ACTIVE locations of locationTypes, fitted to a rectangular aisle layout by their x/y '
          + 'coordinates; distances are measured from the site\'s DEPOT location. 422 UNKNOWN_SKU for a SKU of skus the catalog does not know '
          + '(field /skus/{i}/sku); 422 UNPROCESSABLE when there are more SKUs than candidates or '
          + `no candidates. Limits: ${SLOTTING_LIMITS.skus.max} SKUs, ${SLOTTING_LIMITS.orders.max} orders of at most `
          + `${SLOTTING_LIMITS.orderSkus.max} SKUs, a 2 MB body. The computation runs on a worker thread, off the request thread; `
          + 'when too many are running and waiting the answer is 503 BUSY with Retry-After (retry later).',
      },
    }, async (req, reply) => {
      const b = req.body;
      return deps.idempotency.run(req, reply, 200, async () => unwrap(await service.recommendSlotting(req.params.siteId, {
        method: b.method ?? 'turnover', skus: b.skus, orders: b.orders,
      }, b.locationTypes ?? ['PICK_FACE'])));
    });

    app.get('/locations/:id', {
      config: { roles: CAN.read },
      schema: {
        operationId: 'getLocation', tags, summary: 'A location', description: 'A location by id (404 NOT_FOUND when there is none).',
        params: IdParams, response: { 200: LocationSchema, ...problems('NOT_FOUND') },
      },
    }, async (req) => unwrap(await service.getLocation(req.params.id)));

    const transitions: readonly { path: string; operationId: string; to: LocationStatus; summary: string; reasonRequired: boolean; reason: string }[] = [
      { path: 'block', operationId: 'blockLocation', to: 'BLOCKED', summary: 'Block an ACTIVE location (nothing is picked from or put to it)', reasonRequired: true, reason: 'Spill in the aisle' },
      { path: 'unblock', operationId: 'unblockLocation', to: 'ACTIVE', summary: 'Unblock a BLOCKED location', reasonRequired: false, reason: 'Cleaned up' },
      { path: 'deactivate', operationId: 'deactivateLocation', to: 'INACTIVE', summary: 'Take an ACTIVE location out of use for good', reasonRequired: false, reason: 'Rack removed' },
    ];
    for (const t of transitions) {
      app.post(`/locations/:id/${t.path}`, {
        config: { roles: CAN.masterData, idempotent: true },
        schema: {
          operationId: t.operationId, tags, summary: t.summary,
          description: `Moves the location to ${t.to} by its transition table (409 ILLEGAL_TRANSITION from a status that does not allow it; `
            + '404 NOT_FOUND for an unknown location). Inventory hears of it within milliseconds: a blocked or inactive location leaves ATP.'
            + (t.to === 'INACTIVE' ? ' A location an open cycle count holds (OPEN, RECOUNT or AWAITING_APPROVAL) is not deactivated: 409 '
              + 'LOCATION_UNDER_COUNT naming the count; deactivate it once the count closes (blocking it is allowed).' : ''),
          params: IdParams, body: { ...ReasonBody(t.reasonRequired), examples: [{ reason: t.reason }] },
          response: { 200: LocationSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'UNPROCESSABLE', ...(t.to === 'INACTIVE' ? ['LOCATION_UNDER_COUNT' as const] : [])) },
        },
        // A bare POST (no body) means "no reason"; the schema still rejects anything else.
        preValidation: async (req) => {
          if (req.body === undefined || req.body === null) (req as { body: unknown }).body = {};
        },
      }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
        unwrap(await service.changeStatus(req.params.id, t.to, (req.body as { reason?: string } | undefined)?.reason ?? null, requestMeta(req)))));
    }
  };
}
