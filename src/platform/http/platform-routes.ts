import { cursorSeq, nextCursor } from './paging.ts';
import { Cursor, Limit } from './schemas.ts';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../bus/event-bus.ts';
import { readAuditTrail, readEventStore } from '../bus/event-store.ts';
import { actorOf } from '../bus/envelope.ts';
import { timingSafeEqual } from 'node:crypto';
import { AppError, unwrap } from '../errors.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { ApiKeys } from './auth.ts';
import { CAN, ROLES } from './roles.ts';
import type { HttpApp, MetricsEndpoint } from './server.ts';

/** Health, metrics, the event store, dead letters and API keys: the platform's own routes. */
export interface PlatformRouteDeps {
  readonly db: Database;
  readonly bus: EventBus;
  readonly metrics: Metrics;
  readonly apiKeys: ApiKeys;
  /** What this process runs, reported by readiness (a service process of a split deployment). */
  readonly contexts?: readonly string[];
  /** More to check for readiness than the database (the gateway: every service). */
  readonly readiness?: () => Promise<{ ready: boolean; details: Record<string, unknown> }>;
  /** A site code or id → the site's id (the audit trail's site filter); absent: taken as an id. */
  readonly resolveSite?: ((ref: string) => Promise<string | undefined>) | undefined;
  /** Where `/metrics` is served (default: open on this port). */
  readonly metricsEndpoint?: MetricsEndpoint;
  /** Where dead letters live when not (only) here: the gateway lists and replays its services' ones. */
  readonly deadLetters?: {
    list(req: FastifyRequest): Promise<readonly Record<string, unknown>[]>;
    replay(req: FastifyRequest, id: string): Promise<{ status: number; body: unknown } | undefined>;
  };
}

export async function platformRoutes(app: HttpApp, deps: PlatformRouteDeps): Promise<void> {
  // Probes come every few seconds from load balancers, Kubernetes and Prometheus: logged only when something is wrong.
  app.get('/health/live', { logLevel: 'warn', config: { public: true }, schema: { tags: ['platform'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { logLevel: 'warn', config: { public: true }, schema: { tags: ['platform'], summary: 'Readiness: the database answers' } }, async (_req, reply) => {
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
    app.get('/metrics', { logLevel: 'warn', config: { public: true }, schema: { tags: ['platform'], summary: 'Prometheus metrics', hide: true } }, async (req, reply) => {
      if (metricsKey !== undefined && !sameSecret(req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1], metricsKey)) {
        void reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('UNAUTHENTICATED', 'Send the metrics key (PAKLOG_METRICS_KEY) as Authorization: Bearer <key>');
      }
      void reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  }

  app.get('/api/v1/events', {
    config: { roles: ['admin', 'manager', 'viewer', 'integration'] },
    schema: {
      tags: ['platform'], summary: 'Query the event store by subject, type(s) and time range (oldest first)',
      querystring: Type.Object({
        subject: Type.Optional(Type.String({ minLength: 1 })),
        type: Type.Optional(Type.String({ minLength: 1, description: 'An event type, or several separated by commas' })),
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        limit: Limit(1000, 100),
        cursor: Cursor,
      }),
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorSeq(q.cursor)); // the last seq of the previous page
    // Several types in one stream keep their store order across types (a replay of a projection fed by several reads so).
    const types = q.type?.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const rows = await readEventStore(deps.db, { subject: q.subject, types, from: q.from, to: q.to, after, limit: q.limit });
    return { items: rows.map((r) => r.envelope), nextCursor: nextCursor(rows, q.limit, (l) => l.seq) };
  });

  app.get('/api/v1/audit', {
    config: { roles: ['admin', 'manager'] },
    schema: {
      tags: ['platform'], summary: 'The audit trail: who did what, from the event store (oldest first)', operationId: 'listAudit',
      description: 'Every event names its actor (a user, an API key or an internal caller, with its role), also events that other '
        + 'events caused. A caller with roles at some sites only must name one of them (siteId).',
      querystring: Type.Object({
        actor: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A user id (usr_…) or an API key id (key_…)' })),
        siteId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        type: Type.Optional(Type.String({ minLength: 1, description: 'An event type, or several separated by commas' })),
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        limit: Limit(1000, 100),
        cursor: Cursor,
      }, { additionalProperties: false }),
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorSeq(q.cursor));
    const types = q.type?.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const siteId = q.siteId === undefined ? undefined : (await deps.resolveSite?.(q.siteId)) ?? q.siteId;
    const rows = await readAuditTrail(deps.db, { actorId: q.actor, siteId, types, from: q.from, to: q.to, after, limit: q.limit });
    return {
      items: rows.map(({ envelope: e }) => ({
        eventId: e.id, type: e.type, source: e.source, subject: e.subject, time: e.time, siteId: e.siteid ?? null,
        actor: actorOf(e) ?? null, correlationId: e.correlationid ?? null, causationId: e.causationid ?? null, data: e.data,
      })),
      nextCursor: nextCursor(rows, q.limit, (l) => l.seq),
    };
  });

  app.get('/api/v1/dead-letters', { config: { roles: CAN.admin }, schema: { tags: ['platform'], summary: 'Events that failed every delivery attempt' } }, async (req) => {
    const rows = await deps.db.query(
      `SELECT id, consumer, event_id AS "eventId", type, attempts, last_error AS "lastError", created_at AS "createdAt", replayed_at AS "replayedAt", envelope
       FROM platform.dead_letters ORDER BY created_at DESC LIMIT 500`,
    );
    return { items: deps.deadLetters === undefined ? rows : [...rows, ...(await deps.deadLetters.list(req))] };
  });
  app.post('/api/v1/dead-letters/:id/replay', {
    config: { roles: CAN.admin },
    schema: { tags: ['platform'], summary: 'Deliver a dead letter to its consumer again', params: Type.Object({ id: Type.String() }) },
  }, async (req, reply) => {
    const outcome = await deps.bus.replayDeadLetter(req.params.id);
    if (outcome === 'not-found') {
      const elsewhere = await deps.deadLetters?.replay(req, req.params.id);
      if (elsewhere !== undefined) return reply.status(elsewhere.status).send(elsewhere.body);
      throw new AppError('NOT_FOUND', `No dead letter ${req.params.id}`);
    }
    if (outcome === 'not-subscribed') throw new AppError('CONFLICT', `This process does not run the consumer of dead letter ${req.params.id}; replay it where that context runs`);
    return { id: req.params.id, outcome };
  });

  app.get('/api/v1/api-keys', { config: { roles: CAN.admin }, schema: { tags: ['platform'], summary: 'List API keys (never the secrets)' } }, async () => ({ items: await deps.apiKeys.list() }));
  app.post('/api/v1/api-keys', {
    config: { roles: CAN.admin },
    schema: {
      tags: ['platform'], summary: 'Create an API key; the secret is shown once',
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100 }),
        role: Type.Union(ROLES.map((r) => Type.Literal(r))),
        siteIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
          minItems: 1, maxItems: 100, description: 'The sites (ids or codes) the key may act at; absent: every site',
        })),
      }, { additionalProperties: false }),
    },
  }, async (req, reply) => {
    const siteIds = req.body.siteIds === undefined ? null : await Promise.all(req.body.siteIds.map(async (ref, i) => {
      const id = deps.resolveSite === undefined ? ref : await deps.resolveSite(ref);
      if (id === undefined) throw new AppError('VALIDATION_FAILED', `No site ${ref}`, { errors: [{ field: `/siteIds/${i}`, message: 'is not the id or code of a site' }] });
      return id;
    }));
    const created = await deps.apiKeys.create(req.body.name, req.body.role, undefined, siteIds);
    return reply.status(201).send({ id: created.id, name: req.body.name, role: req.body.role, siteIds, key: created.key });
  });
  app.post('/api/v1/api-keys/:id/revoke', {
    config: { roles: CAN.admin },
    schema: { tags: ['platform'], summary: 'Revoke an API key', params: Type.Object({ id: Type.String() }) },
  }, async (req) => {
    if (!(await deps.apiKeys.revoke(req.params.id))) throw new AppError('NOT_FOUND', `No active API key ${req.params.id}`);
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
