import replyFrom from '@fastify/reply-from';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { httpHygiene, transportFor, VERSION } from '../app.ts';
import { PublishedEvents } from '../contracts/events.ts';
import { systemClock } from '../platform/clock.ts';
import type { Config } from '../platform/config/config.ts';
import { Database, type Tx } from '../platform/db/database.ts';
import { loadMigrations, migrate } from '../platform/db/migrations.ts';
import { EventBus, type Subscription } from '../platform/bus/event-bus.ts';
import { requestMeta, type EventEnvelope } from '../platform/bus/envelope.ts';
import { archiveEvents } from '../platform/bus/event-store.ts';
import { contextErrors } from '../contracts/errors.ts';
import { AppError, registerErrors } from '../platform/errors.ts';
import { ApiKeys, Authenticator, credentialsFrom, type Principal } from '../platform/http/auth.ts';
import { IdempotencyKeys } from '../platform/http/idempotency.ts';
import { identityRoutes } from '../platform/http/identity-routes.ts';
import { liveRoutes } from '../platform/http/live-routes.ts';
import { Identity } from '../platform/identity/identity.ts';
import { OidcVerifier } from '../platform/identity/oidc.ts';
import { PRINCIPAL_HEADER, principalSigner } from '../platform/http/forwarded-principal.ts';
import { sendProblem } from '../platform/http/problem.ts';
import { platformRoutes } from '../platform/http/platform-routes.ts';
import { isRateClass, RATE_CLASS_EXTENSION, rateLimiterFor } from '../platform/http/rate-limit.ts';
import { ROLES, WORKER_FIELDS } from '../platform/http/roles.ts';
import { createHttp, type HttpApp } from '../platform/http/server.ts';
import { uiRoutes } from '../platform/http/ui-routes.ts';
import { uuidv7Ids } from '../platform/ids.ts';
import { createLogger } from '../platform/telemetry/logger.ts';
import { Metrics } from '../platform/telemetry/metrics.ts';
import { registerGraphql } from './graphql/graphql.ts';

/** The consumer (and schema) of the event store in split mode: a subscriber to every published event type. */
export const EVENT_STORE_CONSUMER = 'event_store';
/**
 * Routes the gateway answers itself: its API keys, people and their sign-in, its event store and audit trail, and the
 * dead letters of every service.
 */
const OWN_PATHS = ['/api/v1/api-keys', '/api/v1/events', '/api/v1/dead-letters', '/api/v1/audit', '/api/v1/auth', '/api/v1/users'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface ServiceDoc {
  readonly url: string;
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly schemas: Readonly<Record<string, unknown>>;
}

export interface Gateway {
  readonly http: HttpApp;
  readonly db: Database;
  readonly bus: EventBus;
  readonly generatedAdminKey: string | undefined;
  close(): Promise<void>;
}

/** Reads a service's OpenAPI document, waiting for the service to come up (split processes start in any order). */
async function discover(url: string, waitMs: number): Promise<ServiceDoc> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/docs/json`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) {
        const doc = (await res.json()) as { paths?: ServiceDoc['paths']; components?: { schemas?: ServiceDoc['schemas'] } };
        return { url, paths: doc.paths ?? {}, schemas: doc.components?.schemas ?? {} };
      }
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`service ${url} did not answer ${url}/docs/json within ${waitMs / 1000} s: is it running?`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const isOwn = (path: string): boolean => OWN_PATHS.some((p) => path === p || path.startsWith(`${p}/`));

/** How long the gateway keeps a case-folded worker id's answer (as a service keeps its own: app.ts, siteLookups). */
const WORKER_NAME_TTL_MS = 60_000;

/** The worker fields (`workerId`, `inspector`) a forwarded operation's JSON body takes, as its service documents it. */
export function workerFieldsOf(operation: Readonly<Record<string, unknown>>, schemas: Readonly<Record<string, unknown>>): string[] {
  const content = ((operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content ?? {})['application/json'];
  let schema = content?.schema as { $ref?: unknown; properties?: unknown } | undefined;
  if (typeof schema?.$ref === 'string') schema = schemas[schema.$ref.replace('#/components/schemas/', '')] as typeof schema;
  const properties = typeof schema?.properties === 'object' && schema.properties !== null ? schema.properties : {};
  return WORKER_FIELDS.filter((f) => Object.hasOwn(properties, f));
}

/** The gateway's people's worker ids by a typed id ignoring case, each answer kept for a minute. */
export function knownWorkerNames(named: (typed: string) => Promise<string | undefined>): (typed: string) => Promise<string | undefined> {
  const cache = new Map<string, { id: string | undefined; at: number }>();
  return async (typed) => {
    const folded = typed.toLowerCase();
    const cached = cache.get(folded);
    if (cached !== undefined && Date.now() - cached.at < WORKER_NAME_TTL_MS) return cached.id;
    const id = await named(typed);
    if (cache.size >= 10_000) cache.clear();
    cache.set(folded, { id, at: Date.now() });
    return id;
  };
}

/**
 * A worker id ignores letter case (ADR 0019): a floor command from a key (a shared handheld's, an integration's) that
 * types a person's worker id in another case (`ANNA` for the user acting as `anna`) is that person's. The people of a
 * split deployment are the gateway's (its `platform.users`), which no service sees, so the gateway writes such a body's
 * `workerId` (or `inspector`) as the person's id before forwarding it; the service then names profiles and task holders
 * itself (its workerCaseHook), as one process does after the users. Anything else keeps its bytes as sent.
 */
export async function withKnownWorkers(
  req: Pick<FastifyRequest, 'principal' | 'method' | 'headers'>, body: Buffer, fields: readonly string[], known: (typed: string) => Promise<string | undefined>,
): Promise<Buffer> {
  if (fields.length === 0 || body.length === 0 || req.principal === undefined || req.principal.kind === 'user' || req.method === 'GET') return body;
  if (!/^application\/(.+\+)?json\b/i.test(req.headers['content-type'] ?? '')) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return body;
  const fieldsSent = parsed as Record<string, unknown>;
  let changed = false;
  for (const field of fields) {
    const typed = fieldsSent[field];
    if (typeof typed !== 'string' || typed === '' || typed.length > 200) continue;
    const id = await known(typed);
    if (id !== undefined && id !== typed && id.toLowerCase() === typed.toLowerCase()) {
      fieldsSent[field] = id;
      changed = true;
    }
  }
  return changed ? Buffer.from(JSON.stringify(fieldsSent), 'utf8') : body;
}

/**
 * `paklog gateway`: the single entry point of a split deployment. It authenticates every call (it owns the API keys),
 * routes `/api/v1/*` to the service whose OpenAPI document declares the route (the service authorises the role from
 * the signed principal the gateway forwards), serves `/docs` with the services' documents merged, reports every
 * service in `/health/ready`, lists and replays every service's dead letters, and keeps the event store: a consumer of
 * every published event type appends each event once to its own database, queryable at `GET /api/v1/events`.
 */
export async function buildGateway(config: Config, databaseUrl: string, options: { discoverWaitMs?: number } = {}): Promise<Gateway> {
  const secret = config.gatewaySecret;
  if (secret === undefined) throw new Error('the gateway needs PAKLOG_GATEWAY_SECRET (the same value as its services)');
  if (config.services.length === 0) throw new Error('the gateway needs PAKLOG_SERVICES: the base URLs of the service processes');
  // The codes its own routes answer (UNKNOWN_SITE for a list's siteId) and those it relays from the services.
  registerErrors(contextErrors());
  const log = createLogger(config.logLevel, config.logFormat, process.stdout, config.serviceName);
  const db = new Database(databaseUrl, { max: config.dbPoolSize, prepared: config.dbPrepared });
  const metrics = new Metrics();
  const transport = transportFor(config, log);
  const bus = new EventBus({
    db, ids: uuidv7Ids, clock: systemClock, transport, log, maxAttempts: config.busMaxAttempts,
    onDelivered: (consumer, type, outcome) => metrics.eventsDelivered.inc({ consumer, type, outcome }),
    onHandled: (consumer, _type, seconds) => metrics.eventHandledLatency.observe({ consumer }, seconds),
  });
  try {
    await migrate(db, [
      { schema: 'platform', migrations: loadMigrations(new URL('../platform/migrations/', import.meta.url)) },
      { schema: EVENT_STORE_CONSUMER, migrations: [], inbox: true },
    ]);
  } catch (e) {
    await db.close();
    throw e;
  }
  const apiKeys = new ApiKeys(db, uuidv7Ids);
  // Its own commands that create (users, keys) honour Idempotency-Key against its database, like the services' (ADR 0010).
  const idempotency = new IdempotencyKeys(db);
  const generatedAdminKey = await apiKeys.ensureAdmin(config.adminApiKey);
  // People sign in here; the services trust the principal the gateway signs (its kind, sites and worker included).
  const identity = new Identity(db, uuidv7Ids, systemClock, config.identity);
  await identity.ensureJwtSecret(config.identity.jwtSecret);
  const authenticator = new Authenticator(apiKeys, identity, config.identity.oidc === undefined ? undefined : new OidcVerifier(config.identity.oidc));
  const docs = await Promise.all(config.services.map((url) => discover(url, options.discoverWaitMs ?? 60_000)));

  // The gateways of an installation share its database, so they share the counters (in Redis) too.
  const rateLimiter = rateLimiterFor(config, databaseUrl, metrics, log);
  const http = await createHttp({
    logLevel: config.logLevel, logFormat: config.logFormat, serviceName: config.serviceName, metrics, apiKeys, authenticator, version: VERSION, limits: config.http,
    transformOpenApi: (own) => mergeDocuments(own, docs), ...httpHygiene(config), rateLimiter,
    // The routes the gateway answers itself (events, audit, dead letters, keys) are guarded by site here; forwarded ones
    // by the service that owns them. A site named by code is resolved through location-master (below).
    siteLookups: { resolveSite: (ref) => resolveSite(ref) },
  });
  await http.register(replyFrom, { undici: { connections: 64, pipelining: 1, headersTimeout: config.http.requestTimeoutMs } });
  const signPrincipal = principalSigner(secret);
  const forwardHeaders = (req: FastifyRequest): Record<string, string> => {
    const principal: Principal | undefined = req.principal;
    if (principal === undefined) throw new AppError('UNAUTHENTICATED', 'Send an API key in the X-Api-Key header');
    return { [PRINCIPAL_HEADER]: signPrincipal(principal) };
  };
  const knownWorker = knownWorkerNames((typed) => identity.workerNamed(typed));
  const forward = (service: string, open: boolean, workerFields: readonly string[]) => async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // A public route (a storefront's signed webhook) is called by no one the gateway knows: the service checks it alone.
    const extra = open ? {} : forwardHeaders(req);
    // The body as the caller sent it (the forwarded routes keep its bytes, below): a storefront signs those bytes, and a
    // body parsed and written again here could differ from them, or fail to be written (JSON nested too deep: a 500).
    // An empty one is none (reply-from would write the empty Buffer as JSON). Only a floor command's worker id typed in
    // another case than a person's here is written again (below).
    const body = open || !Buffer.isBuffer(req.body) ? req.body : await withKnownWorkers(req, req.body, workerFields, knownWorker);
    const sent = !Buffer.isBuffer(body) ? {}
      : body.length === 0 ? { body: null } : { body, contentType: req.headers['content-type'] ?? 'application/octet-stream' };
    await reply.from(`${service}${req.url}`, {
      ...sent,
      rewriteRequestHeaders: (_req, headers) => {
        // The caller's key stays at the gateway; the service trusts the signed principal instead (never one the caller sent).
        const { 'x-api-key': _key, authorization: _auth, [PRINCIPAL_HEADER]: _principal, ...rest } = headers;
        return { ...rest, ...extra, 'x-request-id': req.id };
      },
      // The service's answer is the caller's, whatever it is: a GET the service answered 503 (a peer of its own down
      // after its 5 s of gRPC retries, BUSY) was sent to it again up to ten times by reply-from's default, its
      // Retry-After read as milliseconds: eleven times the load on a service that sheds it, and 55 s for one 503.
      retryDelay: () => null,
      onError: (_r, { error }) => {
        const message = error instanceof Error ? error.message : String(error);
        // The problem every 503 UNAVAILABLE of PakLog is (its type, title and Retry-After), as the service's own would be.
        void sendProblem(new AppError('UNAVAILABLE', `The service behind this route (${service}) did not answer: ${message}`, { retryable: true }), req, reply);
      },
    });
  };

  const routed = new Set<string>();
  // The services' routes, in a scope of their own: a body is not parsed here but kept as the bytes sent (whatever its
  // type: CSV, X12 and JSON alike) and forwarded as such; the service parses, validates and refuses it.
  await http.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
      done(null, body);
    });
    for (const doc of docs) {
      for (const [path, operations] of Object.entries(doc.paths)) {
        if (!path.startsWith('/api/v1/') || isOwn(path)) continue;
        for (const method of METHODS) {
          const operation = operations[method] as Readonly<Record<string, unknown>> | undefined;
          if (operation === undefined) continue;
          const url = path.replace(/\{([^}]+)\}/g, ':$1');
          const key = `${method} ${url}`;
          if (routed.has(key)) throw new Error(`two services declare ${method.toUpperCase()} ${path}`);
          routed.add(key);
          // Any authenticated caller passes here; the owning service checks the role against its route. Its rate class
          // (heavy) comes from the service's document, and so does a public route (no security: it authenticates its
          // caller itself, as the storefront webhook's signature).
          const rateClass = operation[RATE_CLASS_EXTENSION];
          const open = Array.isArray(operation.security) && operation.security.length === 0;
          scope.route({
            method: method.toUpperCase(), url, schema: { hide: true }, handler: forward(doc.url, open, workerFieldsOf(operation, doc.schemas)),
            config: { roles: ROLES, forwarded: true, ...(open ? { public: true } : {}), ...(isRateClass(rateClass) ? { rateClass } : {}) },
          });
        }
      }
    }
  });

  // A site named by its code (grants, audit filters) is kept by id: asked of location-master through the routes above.
  // Undefined only when location-master says there is no such site (404): when it cannot be asked (its service down,
  // 503) the request is 503 UNAVAILABLE too, not refused as naming no site (400/422) or a site the caller may not act at.
  const resolveSite = async (ref: string): Promise<string | undefined> => apiKeys.withInternalKey('site lookup', 'admin', async (key) => {
    const res = await http.inject({ method: 'GET', url: `/api/v1/sites/${encodeURIComponent(ref)}`, headers: { 'x-api-key': key } });
    if (res.statusCode === 200) return (JSON.parse(res.body) as { id?: string }).id;
    if (res.statusCode === 404) return undefined;
    const detail = (() => {
      try {
        return (JSON.parse(res.body) as { detail?: string }).detail;
      } catch {
        return undefined;
      }
    })();
    throw new AppError('UNAVAILABLE', `Site ${ref} could not be looked up (location-master answered ${res.statusCode}${detail === undefined ? '' : `: ${detail}`})`, { retryable: true });
  });
  // Whether an owner exists (owner-scoped keys), asked of inventory the same way; another answer: cannot be told.
  const ownerExists = async (id: string): Promise<boolean | undefined> => apiKeys.withInternalKey('owner lookup', 'admin', async (key) => {
    const res = await http.inject({ method: 'GET', url: `/api/v1/owners/${encodeURIComponent(id)}`, headers: { 'x-api-key': key } });
    return res.statusCode === 200 ? true : res.statusCode === 404 ? false : undefined;
  });
  await platformRoutes(http, {
    db, bus, metrics, apiKeys, idempotency, metricsEndpoint: config.metricsEndpoint, resolveSite, ownerExists,
    readiness: async () => {
      const services = await Promise.all(config.services.map(async (url) => {
        try {
          const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
          return { url, status: res.ok ? 'ok' : 'unavailable', ...(await res.json() as object) };
        } catch {
          return { url, status: 'unreachable' };
        }
      }));
      return { ready: services.every((s) => s.status === 'ok'), details: { services } };
    },
    deadLetters: {
      list: async (req) => {
        const lists = await Promise.all(config.services.map(async (url) => {
          const res = await fetch(`${url}/api/v1/dead-letters`, { headers: forwardHeaders(req), signal: AbortSignal.timeout(5_000) });
          if (!res.ok) throw new AppError('UNAVAILABLE', `The dead letters of ${url} could not be read (HTTP ${res.status})`, { retryable: true });
          return ((await res.json()) as { items: Record<string, unknown>[] }).items.map((d) => ({ ...d, service: url }));
        }));
        return lists.flat();
      },
      replay: async (req, id) => {
        for (const url of config.services) {
          const res = await fetch(`${url}/api/v1/dead-letters/${encodeURIComponent(id)}/replay`, {
            method: 'POST', headers: forwardHeaders(req), signal: AbortSignal.timeout(30_000),
          });
          if (res.status === 404) continue;
          return { status: res.status, body: (await res.json()) };
        }
        return undefined;
      },
    },
  });
  await identityRoutes(http, {
    identity, failures: rateLimiter, resolveSite, idempotency,
    audit: (req) => (tx, events) => bus.append(tx, 'platform', events, requestMeta(req)),
  });
  // GraphQL over the routed REST operations; subscriptions hear the events the event store takes in (below).
  const observers = new Set<(events: readonly EventEnvelope[]) => void>();
  const events = (listener: (events: readonly EventEnvelope[]) => void): (() => void) => {
    observers.add(listener);
    return () => observers.delete(listener);
  };
  await registerGraphql(http, { graphiql: config.graphiql, events });
  // The console and the handheld (ADR 0035) are served here too, their API calls routed as any caller's; their live
  // stream hears what the event store takes in, every service's events (a service's own stream hears only its own).
  await liveRoutes(http, {
    events,
    reauthenticate: async (req) => {
      const credentials = credentialsFrom(req.headers);
      return Authenticator.presents(credentials) ? authenticator.authenticate(credentials) : undefined;
    },
  });
  await uiRoutes(http);
  await http.ready();

  // The event store: every event once (its id is unique; the inbox makes a redelivery a no-op).
  await bus.subscribe(EVENT_STORE_CONSUMER, [eventStoreSubscription((events) => {
    for (const o of observers) o(events);
  })]);
  bus.start();

  return {
    http, db, bus, generatedAdminKey,
    async close() {
      await http.close();
      await rateLimiter.close();
      await bus.stop();
      await transport.close();
      await db.close();
    },
  };
}

/**
 * The gateway's event-store consumer: every published type, archived into `platform.events`; a run the bus hands over
 * at once is one INSERT (it was one per event). `archived` hears each run's events once their transaction committed
 * (GraphQL subscriptions).
 */
export function eventStoreSubscription(archived: (events: readonly EventEnvelope[]) => void): Subscription {
  const archive = async (events: readonly EventEnvelope[], tx: Tx): Promise<void> => {
    await archiveEvents(tx, events);
    tx.afterCommit(() => archived(events));
  };
  return { types: Object.keys(PublishedEvents.schemas), handle: (event, tx) => archive([event], tx), handleMany: archive };
}

/** The gateway's own document with every service's paths and component schemas added. */
function mergeDocuments(own: Record<string, unknown>, docs: readonly ServiceDoc[]): Record<string, unknown> {
  const paths: Record<string, unknown> = { ...(own.paths as Record<string, unknown> | undefined) };
  const components = { ...(own.components as Record<string, unknown> | undefined) };
  const schemas: Record<string, unknown> = { ...(components.schemas as Record<string, unknown> | undefined) };
  for (const doc of docs) {
    for (const [path, ops] of Object.entries(doc.paths)) if (path.startsWith('/api/v1/') && !isOwn(path)) paths[path] = ops;
    Object.assign(schemas, doc.schemas);
  }
  return { ...own, paths, components: { ...components, schemas } };
}
