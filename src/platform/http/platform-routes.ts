import { cursorSeq, nextCursor } from './paging.ts';
import { Actor, Cursor, DateTime, Enum, EXAMPLES, Identifier, IdentifierList, IdParam, Limit, List, Nullable, Page, SiteRef, Text } from './schemas.ts';
import { problems, type Tag } from './openapi.ts';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../bus/event-bus.ts';
import { readEventStore } from '../bus/event-store.ts';
import { actorOf, requestMeta } from '../bus/envelope.ts';
import type { AuditAppend } from '../identity/identity.ts';
import { timingSafeEqual } from 'node:crypto';
import { AppError, unwrap } from '../errors.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { ApiKeys } from './auth.ts';
import type { IdempotencyKeys } from './idempotency.ts';
import { CAN, ROLES } from './roles.ts';
import type { HttpApp, MetricsEndpoint } from './server.ts';

/** Health, metrics, the event store, dead letters and API keys: the platform's own routes. */
export interface PlatformRouteDeps {
  readonly db: Database;
  readonly bus: EventBus;
  readonly metrics: Metrics;
  readonly apiKeys: ApiKeys;
  /** `Idempotency-Key` of POST /api-keys (a retry must not make a second key; the secret is never stored with it). */
  readonly idempotency: IdempotencyKeys;
  /** What this process runs, reported by readiness (a service process of a split deployment). */
  readonly contexts?: readonly string[];
  /** More to check for readiness than the database (the gateway: every service). */
  readonly readiness?: () => Promise<{ ready: boolean; details: Record<string, unknown> }>;
  /** A site code or id → the site's id (the audit trail's site filter); absent: taken as an id. */
  readonly resolveSite?: ((ref: string) => Promise<string | undefined>) | undefined;
  /** Whether an owner (ADR 0028) exists, for owner-scoped keys; undefined when it cannot be told (inventory unreachable): taken as is. */
  readonly ownerExists?: ((id: string) => Promise<boolean | undefined>) | undefined;
  /** Where `/metrics` is served (default: open on this port). */
  readonly metricsEndpoint?: MetricsEndpoint;
  /** Where dead letters live when not (only) here: the gateway lists and replays its services' ones. */
  readonly deadLetters?: {
    list(req: FastifyRequest): Promise<readonly Record<string, unknown>[]>;
    replay(req: FastifyRequest, id: string): Promise<{ status: number; body: unknown } | undefined>;
  };
}

const tags: Tag[] = ['Platform'];

const Readiness = Type.Object({
  status: Type.String({ enum: ['ok', 'unavailable'] }),
  database: Type.String({ enum: ['ok', 'unreachable'] }),
  contexts: Type.Optional(List(Type.String(), { description: 'The contexts this process runs (a service of a split deployment)' })),
}, { additionalProperties: true, description: 'More fields name what else was checked (the gateway: each service)' });

const Envelope = Type.Object({
  specversion: Type.String(), id: Type.String(), type: Type.String({ description: '<context>.<aggregate>.<past tense>.v<major>' }),
  source: Type.String(), subject: Type.String(), time: DateTime, datacontenttype: Type.String(),
  data: Type.Unknown({ description: 'The event\'s payload, as its contract in src/contracts declares it' }),
  correlationid: Type.Optional(Type.String()), causationid: Type.Optional(Type.String()), traceparent: Type.Optional(Type.String()),
  siteid: Type.Optional(Type.String()),
  actorid: Type.Optional(Type.String({ description: 'Who caused it: a user id, an API key id or the internal caller' })),
  actorkind: Type.Optional(Type.String({ enum: ['user', 'key', 'internal'] })),
  actorrole: Type.Optional(Type.String()),
}, { additionalProperties: true, description: 'A CloudEvents 1.0 envelope' });

const DeadLetter = Type.Object({
  id: Type.String(), consumer: Type.String(), eventId: Type.String(), type: Type.String(), attempts: Type.Integer(),
  lastError: Nullable(Type.String()), createdAt: DateTime, replayedAt: Nullable(DateTime),
  discardedAt: Type.Optional(Nullable({ ...DateTime, description: 'When a supervisor discarded it (DEAD_LETTER\'s discard): kept for the record, not applied, not waiting' })),
  envelope: Envelope,
}, { additionalProperties: true });

const SiteIds = Nullable(List(Type.String(), { description: 'The sites the key may act at; null: every site' }));
const ApiKey = Type.Object({
  id: Type.String(), name: Type.String(), role: Enum(ROLES), siteIds: SiteIds, ownerId: Nullable(Type.String()), createdAt: DateTime, revokedAt: Nullable(DateTime),
});

const AuditEntry = Type.Object({
  eventId: Type.String(), type: Type.String(), source: Type.String(), subject: Type.String(), time: DateTime,
  siteId: Nullable(Type.String()),
  actor: Nullable(Actor),
  correlationId: Nullable(Type.String({ description: 'The request that started the chain of events' })),
  causationId: Nullable(Type.String({ description: 'The event that caused this one' })),
  data: Type.Unknown({ description: 'The event\'s payload, as its contract in src/contracts declares it' }),
});

export async function platformRoutes(app: HttpApp, deps: PlatformRouteDeps): Promise<void> {
  // An admin's key made or revoked is recorded for GET /audit in the change's transaction (ADR 0019 addendum).
  const auditOf = (req: FastifyRequest): AuditAppend => (tx, events) => deps.bus.append(tx, 'platform', events, requestMeta(req));
  // Probes come every few seconds from load balancers, Kubernetes and Prometheus: logged only when something is wrong.
  app.get('/health/live', {
    logLevel: 'warn', config: { public: true },
    schema: {
      operationId: 'getLiveness', tags, summary: 'Liveness', description: 'The process answers (no credential needed).',
      response: { 200: Type.Object({ status: Type.Literal('ok') }) },
    },
  }, async () => ({ status: 'ok' as const }));
  app.get('/health/ready', {
    logLevel: 'warn', config: { public: true },
    schema: {
      operationId: 'getReadiness', tags, summary: 'Readiness: the database answers',
      description: '200 when this process can serve requests, 503 when its database (or, behind the gateway, a service) does not answer. No credential needed.',
      response: { 200: Readiness, 503: { ...Readiness, description: 'Not ready' } },
    },
  }, async (_req, reply) => {
    const contexts = deps.contexts === undefined ? {} : { contexts: deps.contexts };
    try {
      await deps.db.query('SELECT 1');
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: 'unreachable', ...contexts });
    }
    const more = await deps.readiness?.();
    if (more !== undefined && !more.ready) return reply.status(503).send({ status: 'unavailable', database: 'ok', ...contexts, ...more.details });
    return { status: 'ok', database: 'ok', ...contexts, ...more?.details };
  });
  // Metrics show business volumes: on their own (loopback) listener when PAKLOG_METRICS_PORT is set, behind a bearer
  // key with PAKLOG_METRICS_KEY, else open like the probes.
  const metricsKey = deps.metricsEndpoint?.key;
  if (deps.metricsEndpoint?.port === undefined) {
    app.get('/metrics', {
      logLevel: 'warn', config: { public: true },
      schema: {
        operationId: 'getMetrics', tags, summary: 'Prometheus metrics',
        description: 'The Prometheus text format. Open unless PAKLOG_METRICS_KEY is set (then send it as Authorization: Bearer <key>: 401 otherwise); '
          + 'absent here when PAKLOG_METRICS_PORT serves it on its own listener.',
        response: {
          200: { description: 'Metrics in the Prometheus text format', content: { 'text/plain': { schema: Type.String() } } },
          ...problems('UNAUTHENTICATED'),
        },
      },
    }, async (req, reply) => {
      if (metricsKey !== undefined && !sameSecret(req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1], metricsKey)) {
        void reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('UNAUTHENTICATED', 'Send the metrics key (PAKLOG_METRICS_KEY) as Authorization: Bearer <key>');
      }
      void reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  }

  /** A list's `?siteId=` (id or code) as the site's id: 422 UNKNOWN_SITE for no site, as every list of a site answers. */
  const siteOfQuery = async (ref: string | undefined): Promise<string | undefined> => {
    if (ref === undefined || deps.resolveSite === undefined) return ref;
    const id = await deps.resolveSite(ref);
    if (id === undefined) throw new AppError('UNKNOWN_SITE', `No site ${ref}`, { errors: [{ field: '/querystring/siteId', message: 'is not the id or code of a site' }] });
    return id;
  };
  /** A time window whose start is not before its end holds nothing: the caller swapped them (400, as workload and quality answer). */
  const refuseBackwardsWindow = (from: string | undefined, to: string | undefined): void => {
    if (from !== undefined && to !== undefined && Date.parse(from) >= Date.parse(to)) {
      throw new AppError('VALIDATION_FAILED', `from (${from}) must be before to (${to})`, { errors: [{ field: '/querystring/from', message: 'must be before to' }] });
    }
  };

  app.get('/api/v1/events', {
    config: { roles: ['admin', 'manager', 'viewer', 'integration'] },
    schema: {
      operationId: 'listEvents', tags, summary: 'Query the event store by subject, type(s) and time range (oldest first)',
      description: 'Every event committed, as CloudEvents envelopes; the subject is the aggregate id (an order, a wave, …). Paged by `limit` and `cursor`. '
        + 'A caller with roles at some sites only must name one of them (siteId); events that belong to no site (the catalog\'s) are then left out. '
        + 'No such site is 422 UNKNOWN_SITE; from not before to is 400 VALIDATION_FAILED.',
      querystring: Type.Object({
        siteId: Type.Optional(Identifier(100, { examples: [EXAMPLES.site], description: 'Only this site\'s events (id or code)' })),
        subject: Type.Optional(Identifier(200, { examples: [EXAMPLES.ids.order], description: 'An aggregate id, e.g. the order id POST /orders returns' })),
        type: Type.Optional(IdentifierList(2000, { description: 'An event type, or several separated by commas' })),
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        limit: Limit(1000, 100),
        cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(Envelope), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorSeq(q.cursor)); // the last seq of the previous page
    // Several types in one stream keep their store order across types (a replay of a projection fed by several reads so).
    const types = q.type?.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const siteId = await siteOfQuery(q.siteId);
    refuseBackwardsWindow(q.from, q.to);
    const rows = await readEventStore(deps.db, { subject: q.subject, siteId, types, from: q.from, to: q.to, after, limit: q.limit });
    return { items: rows.map((r) => r.envelope), nextCursor: nextCursor(rows, q.limit, (l) => l.seq) };
  });

  app.get('/api/v1/audit', {
    config: { roles: ['admin', 'manager'] },
    schema: {
      tags, summary: 'The audit trail: who did what, from the event store (oldest first)', operationId: 'listAudit',
      description: 'Every event names its actor (a user, an API key or an internal caller, with its role), also events that other '
        + 'events caused. A caller with roles at some sites only must name one of them (siteId). Paged by `limit` and `cursor`. '
        + 'No such site is 422 UNKNOWN_SITE; from not before to is 400 VALIDATION_FAILED.',
      querystring: Type.Object({
        actor: Type.Optional(Identifier(100, { description: 'A user id (usr_…) or an API key id (key_…)' })),
        siteId: Type.Optional({ ...SiteRef, maxLength: 100 }),
        type: Type.Optional(IdentifierList(2000, { description: 'An event type, or several separated by commas' })),
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        limit: Limit(1000, 100),
        cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(AuditEntry), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorSeq(q.cursor));
    const types = q.type?.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const siteId = await siteOfQuery(q.siteId);
    refuseBackwardsWindow(q.from, q.to);
    const rows = await readEventStore(deps.db, { actorId: q.actor, siteId, types, from: q.from, to: q.to, after, limit: q.limit });
    return {
      items: rows.map(({ envelope: e }) => ({
        eventId: e.id, type: e.type, source: e.source, subject: e.subject, time: e.time, siteId: e.siteid ?? null,
        actor: actorOf(e) ?? null, correlationId: e.correlationid ?? null, causationId: e.causationid ?? null, data: e.data,
      })),
      nextCursor: nextCursor(rows, q.limit, (l) => l.seq),
    };
  });

  app.get('/api/v1/dead-letters', {
    config: { roles: CAN.admin },
    schema: {
      operationId: 'listDeadLetters', tags, summary: 'Events that failed every delivery attempt',
      description: 'The newest 500, per consumer; replay one once its cause is fixed.',
      // Rows as the database (and, behind the gateway, each service) gives them: typed for the document, not for the handler.
      response: { 200: Type.Unsafe<unknown>(Type.Object({ items: Type.Array(DeadLetter) })) },
    },
  }, async (req) => {
    const rows = await deps.db.query(
      `SELECT id, consumer, event_id AS "eventId", type, attempts, last_error AS "lastError", created_at AS "createdAt", replayed_at AS "replayedAt",
              discarded_at AS "discardedAt", envelope
       FROM platform.dead_letters ORDER BY created_at DESC LIMIT 500`,
    );
    return { items: deps.deadLetters === undefined ? rows : [...rows, ...(await deps.deadLetters.list(req))] };
  });
  app.post('/api/v1/dead-letters/:id/replay', {
    config: { roles: CAN.admin },
    schema: {
      operationId: 'replayDeadLetter', tags, summary: 'Deliver a dead letter to its consumer again',
      description: 'Validates the event again and delivers it to its consumer (`outcome` says what happened). 404 NOT_FOUND; 409 CONFLICT when '
        + 'this process does not run the consumer. Ids from GET /dead-letters.',
      params: Type.Object({ id: IdParam('deadLetter', 'GET /dead-letters') }),
      response: {
        200: Type.Object({ id: Type.String(), outcome: Type.String({ enum: ['handled', 'duplicate', 'dead-lettered', 'published'] }) }, { additionalProperties: true }),
        ...problems('NOT_FOUND', 'CONFLICT'),
      },
    },
  }, async (req, reply) => {
    const outcome = await deps.bus.replayDeadLetter(req.params.id);
    if (outcome === 'not-found') {
      const elsewhere = await deps.deadLetters?.replay(req, req.params.id);
      // The service's own answer, whatever its status, passed through as it came.
      if (elsewhere !== undefined) return (reply as FastifyReply).status(elsewhere.status).send(elsewhere.body);
      throw new AppError('NOT_FOUND', `No dead letter ${req.params.id}`);
    }
    if (outcome === 'not-subscribed') throw new AppError('CONFLICT', `This process does not run the consumer of dead letter ${req.params.id}; replay it where that context runs`);
    return { id: req.params.id, outcome };
  });

  app.get('/api/v1/api-keys', {
    config: { roles: CAN.admin },
    schema: {
      operationId: 'listApiKeys', tags, summary: 'List API keys (never the secrets)', description: 'Every key, revoked ones included, oldest first.',
      response: { 200: Type.Object({ items: Type.Array(ApiKey) }) },
    },
  }, async () => ({ items: await deps.apiKeys.list() }));
  app.post('/api/v1/api-keys', {
    config: { roles: CAN.admin, idempotent: true },
    schema: {
      operationId: 'createApiKey', tags, summary: 'Create an API key; the secret is shown once',
      description: 'A key for an integration (storefront, ERP, TMS) or a person, with one role (ADR 0005). Only its hash is stored: keep `key`. '
        + 'A retry with the same Idempotency-Key makes no second key, but the secret is not kept to be shown again: the retry is 409 '
        + 'API_KEY_ALREADY_CREATED naming the key\'s id; revoke that key (POST /api-keys/{id}/revoke) and create another with a new '
        + 'Idempotency-Key (ADR 0005 addendum).',
      body: Type.Object({
        name: Text(100),
        role: Type.Union(ROLES.map((r) => Type.Literal(r))),
        siteIds: Type.Optional(Type.Array(Identifier(100), {
          minItems: 1, maxItems: 100, description: 'The sites (ids or codes) the key may act at, each kept once; absent: every site',
        })),
        ownerId: Type.Optional(Identifier(100, {
          description: 'The owner (3PL client, `own_…`, GET /owners) the key acts for: it sees and creates only that owner\'s orders and stock, and '
            + 'routes that do not keep owners apart answer 403 OWNER_SCOPED_KEY (ADR 0028); one that is not an owner is 400 VALIDATION_FAILED. Absent: every owner',
        })),
      }, { additionalProperties: false, examples: [{ name: 'storefront', role: 'integration' }] }),
      response: {
        201: Type.Object({
          id: Type.String(), name: Type.String(), role: Enum(ROLES),
          siteIds: Nullable(Type.Array(Type.String(), { description: 'The sites the key may act at; null: every site' })),
          ownerId: Nullable(Type.String({ description: 'The owner the key acts for; null: every owner' })),
          key: Type.String({ description: 'The secret; send it as X-Api-Key' }),
        }),
        ...problems('API_KEY_ALREADY_CREATED'),
      },
    },
  }, async (req, reply) => {
    // A site named twice (its code and its id, say) is kept once, as a user's grants are.
    const siteIds = req.body.siteIds === undefined ? null : [...new Set(await Promise.all(req.body.siteIds.map(async (ref, i) => {
      const id = deps.resolveSite === undefined ? ref : await deps.resolveSite(ref);
      if (id === undefined) throw new AppError('VALIDATION_FAILED', `No site ${ref}`, { errors: [{ field: `/siteIds/${i}`, message: 'is not the id or code of a site' }] });
      return id;
    })))];
    const ownerId = req.body.ownerId ?? null;
    // A key for an owner nobody has would be refused at every owner-keeping route: it is never made.
    if (ownerId !== null && await deps.ownerExists?.(ownerId) === false) {
      throw new AppError('VALIDATION_FAILED', `No owner ${ownerId}: name an owner by its id (own_…; GET /owners lists them), not its code`, { errors: [{ field: '/ownerId', message: 'is not the id of an owner' }] });
    }
    return deps.idempotency.run(req, reply, 201, async () => {
      const created = await deps.apiKeys.create(req.body.name, req.body.role, undefined, siteIds, ownerId, auditOf(req));
      return { id: created.id, name: req.body.name, role: req.body.role, siteIds, ownerId, key: created.key };
    }, {
      // The key's metadata is kept with the Idempotency-Key, never its secret (only the key's hash is stored anywhere).
      stored: ({ key: _secret, ...metadata }) => metadata,
      replay: (stored) => {
        const id = (stored as { id?: unknown } | null)?.id;
        throw new AppError('API_KEY_ALREADY_CREATED', `The first request with this Idempotency-Key created API key ${String(id)}; its secret was shown `
          + `once and is not kept. If that answer was lost, revoke the key (POST /api/v1/api-keys/${String(id)}/revoke) and create another with a new Idempotency-Key`);
      },
    });
  });
  app.post('/api/v1/api-keys/:id/revoke', {
    config: { roles: CAN.admin },
    schema: {
      operationId: 'revokeApiKey', tags, summary: 'Revoke an API key', description: 'The key stops working within seconds. 404 NOT_FOUND when no active key has this id.',
      params: Type.Object({ id: IdParam('apiKey', 'POST /api-keys') }),
      response: { 200: Type.Object({ id: Type.String(), revoked: Type.Boolean() }), ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    if (!(await deps.apiKeys.revoke(req.params.id, auditOf(req)))) throw new AppError('NOT_FOUND', `No active API key ${req.params.id}`);
    return { id: req.params.id, revoked: true };
  });
}

/** Compares a presented secret with the configured one in constant time. */
function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
