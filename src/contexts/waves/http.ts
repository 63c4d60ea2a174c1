import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { CountsQuery, Cursor, EXAMPLES, Identifier, IdParam, Limit, Page, StatusCounts } from '../../platform/http/schemas.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { WAVE_STATUSES, type WaveStatus } from '../../contracts/waves.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { unwrap } from '../../platform/errors.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { DEFAULT_CART_CAPACITY, MAX_CART_CAPACITY } from './domain/batching.ts';
import { DEFAULT_MAX_ORDERS, MAX_ORDERS, PICK_STRATEGIES, type PickStrategy, type WaveService } from './service.ts';

const tags: Tag[] = ['Waves'];

const Status = Type.Unsafe<WaveStatus>(Type.String({ enum: [...WAVE_STATUSES] }));
const Time = Type.String({ format: 'date-time' });
const MaybeTime = Type.Union([Time, Type.Null()]);
const Line = Type.Object({ lineId: Type.String(), lineNo: Type.Integer(), sku: Type.String(), quantity: Type.Integer() });

const SummaryFields = {
  id: Type.String(),
  siteId: Type.String(),
  carrier: Type.String(),
  status: Status,
  maxOrders: Type.Integer(),
  orderCount: Type.Integer({ description: 'Orders in the wave, not counting those cancelled out of it' }),
  version: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
  releasedAt: MaybeTime,
  completedAt: MaybeTime,
  cancelledAt: MaybeTime,
};
const WaveSummarySchema = Type.Object(SummaryFields);
const WaveSchema = Type.Object({
  ...SummaryFields,
  orderIds: Type.Array(Type.String(), { description: 'Orders in pick order, without those cancelled out of the wave' }),
  orders: Type.Array(Type.Object({
    orderId: Type.String(), position: Type.Integer(), priority: Type.Integer(), lines: Type.Array(Line),
    active: Type.Boolean(), removed: Type.Boolean({ description: 'Cancelled out of the wave before release' }), picked: Type.Boolean(),
  })),
});

const IdParams = Type.Object({ id: { ...IdParam('wave', 'POST /waves'), maxLength: 64 } }, { additionalProperties: false });
const SiteId = Identifier(64, { description: 'Site id or code (e.g. DEMO)', examples: [EXAMPLES.site] });

export function waveRoutes(deps: PlatformDeps, service: WaveService, locations: Pick<LocationMasterApi, 'getSite'>): (app: HttpApp) => Promise<void> {
  /** The id of the site a request names by id or code (422 UNKNOWN_SITE naming `field` otherwise). */
  const siteId = async (idOrCode: string, field = '/siteId'): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));
  return async (app) => {
    app.post('/waves', {
      config: { roles: CAN.plan, rateClass: 'heavy', idempotent: true },
      schema: {
        operationId: 'planWave', tags, summary: 'Plan a wave from allocated orders waiting at a site',
        description: 'Takes up to maxOrders allocated orders of one carrier from the pool (GET /waves/pool): priority 1 first, then oldest. '
          + '422 NOTHING_TO_PLAN when no order waits; 422 UNKNOWN_SITE. The example plans a wave of the most urgent order (the POST /orders '
          + 'example has priority 1).',
        body: Type.Object({
          siteId: SiteId,
          maxOrders: Type.Integer({ minimum: 1, maximum: MAX_ORDERS, default: DEFAULT_MAX_ORDERS }),
          carrier: Type.Optional(Identifier(64, { description: 'Default: the carrier of the order that goes first' })),
        }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, maxOrders: 1 }] }),
        response: { 201: WaveSchema, ...problems('NOTHING_TO_PLAN', 'UNKNOWN_SITE', 'UNPROCESSABLE', 'CONFLICT') },
      },
    }, async (req, reply) => {
      const b = req.body;
      return deps.idempotency.run(req, reply, 201, async () =>
        unwrap(await service.plan({ siteId: await siteId(b.siteId), maxOrders: b.maxOrders, carrier: b.carrier ?? null }, requestMeta(req))));
    });

    app.post('/waves/:id/release', {
      config: { roles: CAN.plan, rateClass: 'heavy', idempotent: true },
      schema: {
        operationId: 'releaseWave', tags,
        summary: 'Release a PLANNED wave to the floor: discrete picking (one pick list per order, the default) or batch picking (orders grouped into carts, one pick list per cart)',
        description: 'Reserves stock in locations (FEFO/FIFO), builds pick lists in walking order and queues pick tasks. '
          + '404 NOT_FOUND, 409 ILLEGAL_TRANSITION when the wave is not PLANNED. Batch picking searches the cart batches on a worker thread, off the request thread (300 ms of improvement '
          + 'per wave, groups of 100 orders); when too many heavy computations are running and waiting the answer is 503 BUSY '
          + 'with Retry-After, and the wave stays PLANNED.',
        params: IdParams,
        body: Type.Object({
          pickStrategy: Type.Optional(Type.Unsafe<PickStrategy>(Type.String({ enum: [...PICK_STRATEGIES], default: 'discrete' }))),
          cartCapacity: Type.Optional(Type.Integer({
            minimum: 1, maximum: MAX_CART_CAPACITY,
            description: `Units per cart for batch picking (default ${DEFAULT_CART_CAPACITY}); an order larger than the cart is picked alone`,
          })),
        }, { additionalProperties: false, examples: [{ pickStrategy: 'discrete' }] }),
        response: { 200: WaveSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'CONFLICT', 'UNPROCESSABLE') },
      },
      // The body is optional: a bodiless release (as before batch picking existed) is a discrete release.
      preValidation: async (req) => {
        if (req.body === undefined || req.body === null) req.body = {};
      },
    }, async (req, reply) => {
      const b = req.body;
      return deps.idempotency.run(req, reply, 200, async () =>
        unwrap(await service.release(req.params.id, { pickStrategy: b.pickStrategy, cartCapacity: b.cartCapacity }, requestMeta(req))));
    });

    app.post('/waves/:id/cancel', {
      config: { roles: CAN.plan, idempotent: true },
      schema: {
        operationId: 'cancelWave', tags, summary: 'Cancel a PLANNED wave; its orders wait in the pool again',
        description: '404 NOT_FOUND; 409 ILLEGAL_TRANSITION when the wave is not PLANNED (a released wave is cancelled order by order). '
          + 'The example cancels a wave the POST /waves example planned and nobody released.',
        params: IdParams, response: { 200: WaveSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'CONFLICT') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.cancel(req.params.id, requestMeta(req)))));

    app.get('/waves/:id', {
      config: { roles: CAN.read },
      schema: {
        operationId: 'getWave', tags, summary: 'A wave with its orders', description: 'A wave by id (404 NOT_FOUND when there is none).',
        params: IdParams, response: { 200: WaveSchema, ...problems('NOT_FOUND') },
      },
    }, async (req) => unwrap(await service.get(req.params.id)));

    app.get('/waves/counts', {
      config: { roles: CAN.read },
      schema: {
        operationId: 'countWaves', tags, summary: 'How many waves of a site are in each status',
        description: 'Exact figures for a dashboard, one per status (0 when none), read in one statement. 422 UNKNOWN_SITE for an unknown site; '
          + 'a caller acting at some sites only may count only those (403 FORBIDDEN_AT_SITE).',
        querystring: CountsQuery,
        response: { 200: StatusCounts(WAVE_STATUSES, 'waves'), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const site = await siteId(req.query.siteId, '/querystring/siteId');
      return { siteId: site, byStatus: await service.counts(site) };
    });

    app.get('/waves', {
      config: { roles: CAN.read },
      schema: {
        operationId: 'listWaves', tags, summary: 'Waves in creation order', description: 'Filtered by site and status; paged by `limit` and `cursor`.',
        querystring: Type.Object({
          siteId: Type.Optional(SiteId),
          status: Type.Optional(Status),
          limit: Limit(500, 50),
          cursor: Cursor,
        }, { additionalProperties: false }),
        response: { 200: Page(WaveSummarySchema), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const q = req.query;
      return unwrap(await service.list(q.siteId === undefined ? q : { ...q, siteId: await siteId(q.siteId, '/querystring/siteId') }));
    });

    app.get('/waves/pool', {
      config: { roles: CAN.read },
      schema: {
        operationId: 'listWavePool', tags, summary: 'Allocated orders of a site not yet released, in planning order',
        description: 'The orders POST /waves would take next; waveId is set while an order is in a PLANNED wave.',
        querystring: Type.Object({ siteId: SiteId, limit: Limit(1000, 100) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({
              orderId: Type.String(), siteId: Type.String(), carrier: Type.String(), priority: Type.Integer(), lines: Type.Array(Line),
              allocatedAt: Time, waveId: Type.Union([Type.String(), Type.Null()]),
            })),
          }),
          ...problems('UNKNOWN_SITE'),
        },
      },
    }, async (req) => ({ items: await service.pool(await siteId(req.query.siteId, '/querystring/siteId'), req.query.limit) }));
  };
}
