import { Type } from '@fastify/type-provider-typebox';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import type { Role } from '../../platform/http/roles.ts';
import { CAN, roleAt } from '../../platform/http/roles.ts';
import { siteScopeOf } from '../../platform/http/auth.ts';
import { CountsQuery, Cursor, DateTime, Enum, EXAMPLES, Identifier, IdParam, Limit, List, Nullable, Page, SiteRef, StatusCounts } from '../../platform/http/schemas.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { SagaView } from '../../platform/saga/saga-runtime.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import type { PackShipApi } from '../../contracts/pack-ship.ts';
import { EXCEPTION_ACTIONS, EXCEPTION_KINDS, EXCEPTION_STATUSES, SAGA_STATUS_VALUES } from '../../contracts/orchestration.ts';
import type { OrchestrationService } from './service.ts';

const tags: Tag[] = ['Orchestration'];
/** Supervisors act on exceptions; a viewer (a wall screen, an auditor) may read sagas and exceptions. */
const READ: readonly Role[] = ['admin', 'manager', 'viewer'];

const SagaSchema = Type.Object({
  id: Type.String(), type: Type.String({ description: 'e.g. `order-fulfilment`' }), key: Type.String({ description: 'The business key: the order id of a fulfilment saga' }),
  siteId: Nullable(Type.String()), status: Enum(SAGA_STATUS_VALUES),
  currentStep: Nullable(Type.String({ description: 'The step running (RUNNING) or being compensated (COMPENSATING); null once it ended' })),
  data: Type.Unknown({ description: "The saga's data (a fulfilment saga: the order's status, ship-by, last move)" }),
  attempts: Type.Integer({ description: 'Failed attempts of the current step' }),
  nextRunAt: Nullable(DateTime), deadline: Nullable(DateTime), lastError: Nullable(Type.String()), version: Type.Integer(),
  createdAt: DateTime, updatedAt: DateTime, finishedAt: Nullable(DateTime),
});
const StepSchema = Type.Object({
  seq: Type.Integer(), step: Type.String(), kind: Enum(['RUN', 'COMPENSATE']), attempt: Type.Integer(), status: Enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT']),
  startedAt: DateTime, finishedAt: DateTime, error: Nullable(Type.String()),
});
const ExceptionSchema = Type.Object({
  id: Type.String(), siteId: Nullable(Type.String()), kind: Enum(EXCEPTION_KINDS),
  subject: Type.String({ description: 'What it is about: an order, a task or a dead letter id' }), reason: Type.String(),
  actions: List(Enum(EXCEPTION_ACTIONS), { description: 'What a supervisor may do: POST /exceptions/{id}/actions/{action}' }),
  details: Type.Record(Type.String(), Type.Unknown()), status: Enum(EXCEPTION_STATUSES),
  resolution: Nullable(Type.String()), resolvedBy: Nullable(Type.String()), raisedAt: DateTime, resolvedAt: Nullable(DateTime), version: Type.Integer(),
});
const CutoffsSchema = Type.Object({
  siteId: Type.String(),
  cutoffs: List(Type.Object({ carrier: Type.String(), cutoff: Type.String({ description: 'HH:MM, UTC' }) })),
});

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export function orchestrationRoutes(
  deps: PlatformDeps, service: OrchestrationService, locations: Pick<LocationMasterApi, 'getSite'>,
  packShip: (() => Pick<PackShipApi, 'bookableCarriers'> | undefined) = () => undefined,
) {
  return async (app: HttpApp): Promise<void> => {
    const siteId = async (ref: string, field: string): Promise<string> => unwrap(await resolveSiteId(locations, ref, field));

    app.get('/sagas', {
      config: { roles: READ },
      schema: {
        operationId: 'listSagas', tags, summary: 'Sagas by status and type',
        description: 'Oldest first, paged by `limit` and `cursor`. `status=RUNNING` shows what is in flight, `FAILED` what needs a person. '
          + 'A caller of some sites only names one (`siteId`; 403 SITE_REQUIRED otherwise).',
        querystring: Type.Object({
          siteId: Type.Optional(SiteRef),
          status: Type.Optional(Enum(SAGA_STATUS_VALUES)), type: Type.Optional(Identifier(100)),
          limit: Limit(500, 100), cursor: Cursor,
        }, { additionalProperties: false }),
        response: { 200: Page(SagaSchema), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const q = req.query;
      const after = unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('sga')));
      const items = await service.sagas.list({
        limit: q.limit, ...(q.status === undefined ? {} : { status: q.status }), ...(q.type === undefined ? {} : { type: q.type }),
        ...(q.siteId === undefined ? {} : { siteId: await siteId(q.siteId, '/querystring/siteId') }),
        ...(after === null ? {} : { after }),
      });
      return { items: items.map(sagaOut), nextCursor: nextCursor(items, q.limit, (s) => s.id) };
    });

    app.get('/sagas/:id', {
      config: { roles: READ },
      schema: {
        operationId: 'getSaga', tags, summary: 'A saga with its step history',
        description: 'The saga and every finished attempt of its steps and compensations, in order (404 NOT_FOUND when there is none).',
        params: Type.Object({ id: IdParam('saga', 'GET /sagas') }, { additionalProperties: false }),
        response: { 200: Type.Object({ ...SagaSchema.properties, steps: List(StepSchema) }), ...problems('NOT_FOUND') },
      },
    }, async (req) => {
      const found = await service.sagas.get(req.params.id);
      if (found === undefined) throw new AppError('NOT_FOUND', `No saga ${req.params.id}`);
      return { ...sagaOut(found.saga), steps: found.steps.map((s) => ({ ...s, startedAt: s.startedAt.toISOString(), finishedAt: s.finishedAt.toISOString() })) };
    });

    app.get('/exceptions/counts', {
      config: { roles: READ },
      schema: {
        operationId: 'countExceptions', tags, summary: 'How many exceptions of a site are in each status',
        description: 'Exact figures for a dashboard (OPEN is the work waiting), one per status (0 when none), read in one statement. '
          + '422 UNKNOWN_SITE for an unknown site; a caller acting at some sites only may count only those (403 FORBIDDEN_AT_SITE).',
        querystring: CountsQuery,
        response: { 200: StatusCounts(EXCEPTION_STATUSES, 'exceptions'), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const site = await siteId(req.query.siteId, '/querystring/siteId');
      return { siteId: site, byStatus: await service.exceptions.counts(site) };
    });

    app.get('/exceptions', {
      config: { roles: READ },
      schema: {
        operationId: 'listExceptions', tags, summary: 'The supervisors\' exception queue',
        description: 'Stuck cases with their reason and actions, oldest first; `status=OPEN` is the work list. Paged by `limit` and `cursor`. '
          + '`orderId=` keeps those about one order: the order itself, its shipments, its fulfilment saga, its PACK task, the tasks of its pick lists, '
          + 'and the dead letters of events about it, its pick lists or their tasks. A caller of some sites only lists those sites\' exceptions '
          + '(one about no site is the whole network\'s: a caller with the role at every site reads it).',
        querystring: Type.Object({
          siteId: Type.Optional(SiteRef), status: Type.Optional(Enum(EXCEPTION_STATUSES)), kind: Type.Optional(Enum(EXCEPTION_KINDS)),
          orderId: Type.Optional(Type.String({
            pattern: '^ord_[A-Za-z0-9]{1,96}$', description: 'Only the exceptions about this order (`ord_…`): the order, its shipments, its fulfilment saga, its PACK task, its pick lists\' tasks, dead letters about them',
            examples: [EXAMPLES.ids.order],
          })),
          limit: Limit(500, 100), cursor: Cursor,
        }, { additionalProperties: false }),
        response: { 200: Page(ExceptionSchema), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const q = req.query;
      const after = unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('exc')));
      // A caller of some sites only lists those sites' exceptions: by `orderId=` (its own site's order, the site guard
      // checked) the order's exceptions of no site were listed too, and those are the whole network's (exceptions.md).
      const scope = siteScopeOf(req);
      const principal = req.principal;
      const readable = scope === null || principal === undefined ? undefined : scope.filter((s) => {
        const role = roleAt(principal, s);
        return role !== undefined && READ.includes(role);
      });
      const items = await service.exceptions.list({
        limit: q.limit, ...(q.siteId === undefined ? {} : { siteId: await siteId(q.siteId, '/querystring/siteId') }),
        ...(readable === undefined ? {} : { siteIds: readable }),
        ...(q.status === undefined ? {} : { status: q.status }), ...(q.kind === undefined ? {} : { kind: q.kind }),
        ...(q.orderId === undefined ? {} : { orderId: q.orderId }),
        ...(after === null ? {} : { after }),
      });
      return { items, nextCursor: nextCursor(items, q.limit, (x) => x.id) };
    });

    app.get('/exceptions/:id', {
      config: { roles: READ },
      schema: {
        operationId: 'getException', tags, summary: 'An exception', description: 'An exception with its actions (404 NOT_FOUND when there is none).',
        params: Type.Object({ id: IdParam('exception', 'GET /exceptions') }, { additionalProperties: false }),
        response: { 200: ExceptionSchema, ...problems('NOT_FOUND') },
      },
    }, async (req) => {
      const x = await service.exceptions.get(req.params.id);
      if (x === undefined) throw new AppError('NOT_FOUND', `No exception ${req.params.id}`);
      return x;
    });

    app.post('/exceptions/:id/actions/:action', {
      config: { roles: CAN.plan, idempotent: true },
      schema: {
        operationId: 'actOnException', tags, summary: 'Run one of the exception\'s actions',
        description: 'Runs the action (retry, cancel, replay, reprioritise…; see docs/operations/exceptions.md) and resolves the exception, or '
          + 'answers 409 with why not and leaves it open: ACTION_FAILED (e.g. still no stock), ACTION_NOT_OFFERED, EXCEPTION_RESOLVED, '
          + 'ORDER_SHIPPING (a cancel while a SHIP scan of the order decides at the dock: ask again, the answer is then final), '
          + 'ACTION_UNAVAILABLE (the context it needs runs in another process this one has no gRPC peer for; inventory\'s and tasks\' '
          + 'actions run over gRPC where PAKLOG_RPC_PEERS names them).',
        params: Type.Object({
          id: IdParam('exception', 'GET /exceptions'),
          action: Enum(EXCEPTION_ACTIONS, { examples: ['discard'] }),
        }, { additionalProperties: false }),
        response: { 200: ExceptionSchema, ...problems('NOT_FOUND', 'EXCEPTION_RESOLVED', 'ACTION_NOT_OFFERED', 'ACTION_FAILED', 'ACTION_UNAVAILABLE', 'ORDER_SHIPPING') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
      unwrap(await service.exceptions.act(req.params.id, req.params.action, req.principal?.name ?? 'unknown', requestMeta(req)))));

    const SiteParams = Type.Object({ siteId: { ...SiteRef, description: 'Site id or code (e.g. DEMO)' } }, { additionalProperties: false });
    app.get('/sites/:siteId/carrier-cutoffs', {
      config: { roles: READ },
      schema: {
        operationId: 'getCarrierCutoffs', tags, summary: "A site's carrier cut-offs",
        description: "Each carrier's daily cut-off (UTC): an order's ship-by is its carrier's next cut-off after intake.",
        params: SiteParams, response: { 200: CutoffsSchema, ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => service.cutoffs(await siteId(req.params.siteId, '/params/siteId')));

    app.put('/sites/:siteId/carrier-cutoffs', {
      config: { roles: CAN.plan },
      schema: {
        operationId: 'setCarrierCutoffs', tags, summary: "Set a site's carrier cut-offs",
        description: "Replaces the site's table. Orders received from now on get a ship-by from it; CUTOFF_AT_RISK is raised when an order "
          + 'is not packed PAKLOG_CUTOFF_MARGIN_MIN before it. Each carrier is one pack & ship can book, spelt as orders name it (422 '
          + 'UNKNOWN_CARRIER naming /cutoffs/{i}/carrier, nothing changed): a cut-off for another name would match no order.',
        params: SiteParams,
        body: Type.Object({
          cutoffs: Type.Array(Type.Object({
            carrier: Identifier(64),
            cutoff: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, UTC' }),
          }, { additionalProperties: false }), { maxItems: 200 }),
        }, { additionalProperties: false, examples: [{ cutoffs: [{ carrier: 'OWN_FLEET', cutoff: '16:00' }] }] }),
        response: { 200: CutoffsSchema, ...problems('UNKNOWN_SITE', 'UNKNOWN_CARRIER', 'VALIDATION_FAILED') },
      },
    }, async (req) => {
      const site = await siteId(req.params.siteId, '/params/siteId');
      const carriers = req.body.cutoffs.map((c) => c.carrier);
      const twice = carriers.find((c, i) => carriers.indexOf(c) !== i);
      if (twice !== undefined) {
        throw new AppError('VALIDATION_FAILED', `Carrier ${twice} is listed twice`, { errors: [{ field: `/cutoffs/${carriers.lastIndexOf(twice)}/carrier`, message: 'is listed twice' }] });
      }
      // Orders carry only carriers pack & ship can book (UNKNOWN_CARRIER at intake), matched exactly: a cut-off for any
      // other name (a typo, another case) would give no order a ship-by and raise no CUTOFF_AT_RISK, silently.
      const shipping = packShip();
      if (shipping !== undefined && carriers.length > 0) {
        const bookable = await shipping.bookableCarriers();
        const errors = carriers.flatMap((c, i) => (bookable.includes(c) ? [] : [{ field: `/cutoffs/${i}/carrier`, message: `is not a bookable carrier (${bookable.join(', ')})` }]));
        if (errors.length > 0) {
          throw new AppError('UNKNOWN_CARRIER', `PakLog cannot book carrier ${carriers.filter((c) => !bookable.includes(c)).join(', ')}; bookable carriers: ${bookable.join(', ')}`, { errors });
        }
      }
      return service.setCutoffs(site, req.body.cutoffs, requestMeta(req));
    });
  };
}

function sagaOut(s: SagaView) {
  return {
    id: s.id, type: s.type, key: s.key, siteId: s.siteId, status: s.status, currentStep: s.currentStep, data: s.data, attempts: s.attempts,
    nextRunAt: iso(s.nextRunAt), deadline: iso(s.deadline), lastError: s.lastError, version: s.version,
    createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(), finishedAt: iso(s.finishedAt),
  };
}

