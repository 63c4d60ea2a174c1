import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type RouteOptions, type FastifyBaseLogger, type RawServerDefault, type RawRequestDefaultExpression, type RawReplyDefaultExpression } from 'fastify';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { startSpan, tracingEnabled } from '../telemetry/tracing.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { createLogger, type LogFormat } from '../telemetry/logger.ts';
import { actingWorkerHook, authHook, heldTaskGuard, siteGuard, workerCaseHook, type ApiKeys, type Authenticator, type SiteLookups } from './auth.ts';
import { AppError } from '../errors.ts';
import { ifMatchPolicyHook } from './if-match.ts';
import { sendProblem, toProblem } from './problem.ts';
import { cachedSerializers, deepFreeze, partValidators, nfcHook, nulCharacterHook, refuseJsonBody, stableJson, utf8BodyText, wellFormedUnicodeHook } from './validation.ts';
import { describeRoute, PROBLEM_COMPONENT, TAGS } from './openapi.ts';
import { PRINCIPAL_HEADER } from './forwarded-principal.ts';
import { RATE_CLASS_EXTENSION, type RateLimiter } from './rate-limit.ts';
import type { TrustProxy } from '../config/config.ts';

export type HttpApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface HttpOptions {
  readonly logLevel: string;
  readonly logFormat?: LogFormat;
  /** `service.name` in the logs (OTEL_SERVICE_NAME). */
  readonly serviceName?: string;
  readonly metrics: Metrics;
  readonly apiKeys: ApiKeys;
  /** API keys, people's JWTs and OIDC (ADR 0019); absent: API keys only. */
  readonly authenticator?: Authenticator | undefined;
  /**
   * How per-site roles find the site a request is about. Absent (the gateway, which forwards to services that check
   * it): no site check here, only the role at some site.
   */
  readonly siteLookups?: SiteLookups | undefined;
  readonly version: string;
  readonly limits?: HttpLimits;
  /** Split mode: trust callers the gateway authenticated and signed with this secret (PAKLOG_GATEWAY_SECRET). */
  readonly gatewaySecret?: string | undefined;
  /** Adds to the generated OpenAPI document (the gateway merges its services' documents in). */
  readonly transformOpenApi?: (document: Record<string, unknown>) => Record<string, unknown>;
  /** Per-key and per-address limits (absent: none). Callers the gateway signed are not limited again behind it. */
  readonly rateLimiter?: RateLimiter | undefined;
  /** Largest request body in bytes (2 MiB by default). */
  readonly bodyLimitBytes?: number;
  /** Browser origins allowed by CORS (`*` for any); empty or absent: no CORS headers. */
  readonly corsOrigins?: readonly string[];
  /** Sends `Strict-Transport-Security` with this max-age when above 0 (only behind TLS). */
  readonly hstsMaxAgeS?: number;
  /** Whose `X-Forwarded-For` names the client (`request.ip`, the per-address limits); absent: the connection's peer. */
  readonly trustProxy?: TrustProxy;
  /** `/metrics` on its own listener (started and stopped with the main one) instead of the main port. */
  readonly metricsEndpoint?: MetricsEndpoint;
  /** A request this slow (ms) is logged at `warn` (SLOW_REQUEST_MS by default); quicker ones that succeed at `debug`. */
  readonly slowRequestMs?: number;
}

/** Where `/metrics` is served: `port` = its own listener on `host`; `key` = the main port, with `Authorization: Bearer`. */
export interface MetricsEndpoint {
  readonly port: number | undefined;
  readonly host: string;
  readonly key: string | undefined;
}

/** Headers the API lets browsers send and read (CORS). */
const CORS_ALLOWED_HEADERS = ['X-Api-Key', 'Authorization', 'Idempotency-Key', 'If-Match', 'Content-Type', 'X-Request-Id'];
const CORS_EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After', 'Location', 'ETag', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];
/** The API answers JSON: nothing in it may load, run or be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Swagger UI loads its own scripts and styles, sets inline styles and shows data: images; it is still never framed. */
const DOCS_CSP = "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; img-src 'self' data:; "
  + "object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'";

const API_DESCRIPTION = 'Warehouse management and execution. Authenticate with the X-Api-Key header (`npm start` prints an admin key '
  + 'on its first start), or as a person with `Authorization: Bearer <access token>` from POST /api/v1/auth/login '
  + '(or your identity provider\'s token). The request examples run as they are against the demo warehouse that `npm start` seeds (site `DEMO`, '
  + 'SKUs such as `MUG-CERAMIC`, locations such as `DEMO-A-03-05-1`); an example that names an order, wave, task, pick list, '
  + 'package or shipment id says in its description which call returns that id. Errors are RFC 9457 problem+json with a '
  + 'stable `code`; each operation lists the codes it can answer. A string field that must not be empty (minLength 1) must not '
  + 'be blank either: white space alone is 400 VALIDATION_FAILED (`must not be blank`).';

/** Connection limits against slow or idle clients (milliseconds; see `PAKLOG_HTTP_*` in the README). */
export interface HttpLimits {
  /** Whole request (headers and body) must arrive within this. */
  readonly requestTimeoutMs: number;
  /** Request headers must arrive within this. */
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** A socket with no activity at all is closed after this. */
  readonly idleTimeoutMs: number;
  /** Connections beyond this are refused by the server. */
  readonly maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, idleTimeoutMs: 60_000, maxConnections: 1_000,
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A request that takes this long (milliseconds) is logged at `warn` whatever its outcome. */
export const SLOW_REQUEST_MS = 1000;

type LogControllerOptions = ConstructorParameters<typeof LogController>[0];
type Req = Parameters<LogController['incomingRequest']>[0];
type Rep = Parameters<LogController['incomingRequest']>[1];

/**
 * Per-request log lines by outcome (issue 18 scope 6; docs/operations/logging.md): a request that went well is a `debug`
 * line ("incoming request" and "request completed"), so `info` shows what needs a look: 4xx at `info`, slow requests
 * (≥ `slowMs`, with `slow: true`) at `warn`, 5xx and failed responses at `error`, each with its method and path.
 */
class RequestLogLevels extends LogController {
  constructor(options: LogControllerOptions, private readonly slowMs: number) {
    super(options);
  }

  override incomingRequest(request: Req, _reply: Rep): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: Req, reply: Rep): void {
    if (this.isLogDisabled(request)) return;
    // Above debug the "incoming request" line is not there: the line names the method and path itself.
    const fields = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else if (reply.statusCode >= 500) reply.log.error(fields, 'request completed');
    else if (reply.elapsedTime >= this.slowMs) reply.log.warn({ ...fields, slow: true }, 'request completed');
    else if (reply.statusCode >= 400) reply.log.info(fields, 'request completed');
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }

  override routeNotFound(request: Req, _reply: Rep): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug(`Route ${request.raw.method}:${request.raw.url} not found`);
  }
}
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of a valid W3C `traceparent` header. */
function traceIdOf(header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  const id = v === undefined ? undefined : TRACEPARENT.exec(v)?.[1];
  return id === undefined || /^0+$/.test(id) ? undefined : id;
}

/** The fastify app factory: validation, problem+json, request ids, auth, metrics, OpenAPI at /docs. No listen. */
/** Fastify's form of `trustProxy`: a list of proxies as a mutable array; off when absent. */
function trustProxyOption(t: TrustProxy | undefined): boolean | string[] {
  return t === undefined ? false : typeof t === 'object' ? [...t] : t;
}

export async function createHttp(options: HttpOptions): Promise<HttpApp> {
  const limits = options.limits ?? DEFAULT_HTTP_LIMITS;
  const headersTimeoutMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  const app = Fastify<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger>({
    ...(options.logLevel === 'silent' ? { logger: false } : { loggerInstance: createLogger(options.logLevel, options.logFormat, process.stdout, options.serviceName) }),
    // The app's own in-process calls (the demo seed) are not traffic worth a log line.
    logController: new RequestLogLevels({
      disableRequestLogging: (req) => options.apiKeys.isInternalRequest(req.headers['x-api-key']),
      requestIdLogLabel: options.logFormat === 'ecs' ? 'http.request.id' : 'reqId',
    }, options.slowRequestMs ?? SLOW_REQUEST_MS),
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      const v = Array.isArray(h) ? h[0] : h;
      return v !== undefined && REQUEST_ID.test(v) ? v : randomUUID();
    },
    // Query strings and path parameters are coerced (they are text), JSON bodies are not: see validation.ts.
    schemaController: { compilersFactory: { buildValidator: partValidators(), buildSerializer: cachedSerializers() } },
    bodyLimit: options.bodyLimitBytes ?? 2 * 1024 * 1024,
    // Behind a reverse proxy every peer is the proxy: without this, one client's refused keys locked out everyone.
    trustProxy: trustProxyOption(options.trustProxy),
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    // Node checks the request and header deadlines every connectionsCheckingInterval (30 s by default): check often
    // enough that a small timeout is honoured.
    http: { headersTimeout: headersTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeoutMs / 4))) },
    // Errors raised before a route is found (a malformed URL, an over-long path parameter) are problems too.
    frameworkErrors: (error, request, reply) => {
      void sendProblem(error, request, reply);
    },
    // Errors of the HTTP parser (header too large, malformed request line, request timeout) come before any request.
    clientErrorHandler: sendSocketProblem,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.server.maxConnections = limits.maxConnections;
  // `Expect:` other than 100-continue: node would answer a bare 417.
  app.server.on('checkExpectation', (req, res) => {
    const problem = toProblem({ statusCode: 417, message: `Expectation "${String(req.headers.expect)}" is not supported` }, randomUUID());
    const body = JSON.stringify(problem);
    res.writeHead(417, {
      'content-type': 'application/problem+json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': problem.traceId, connection: 'close',
    });
    res.end(body);
  });

  // An empty JSON body is an absent body (the route's schema decides whether that is allowed).
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8BodyText(request.headers['content-type'], body);
    } catch (e) {
      done(e as Error);
      return;
    }
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, (error, value) => {
      if (error !== null) done(error);
      else done(refuseJsonBody(text, value) ?? null, value);
    });
  });

  // Text bodies (an X12 interchange) are UTF-8 too: another charset, or bytes that are no UTF-8, are refused.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, utf8BodyText(request.headers['content-type'], body));
    } catch (e) {
      done(e as Error);
    }
  });

  // Set before any route: a route keeps the error handler of when it was added, and the documentation's (/docs/json,
  // /docs/static/…) answered fastify's own JSON, not problem+json, for a refusal (a query that is no UTF-8).
  app.setErrorHandler(async (error, request, reply) => sendProblem(error, request, reply, options.siteLookups?.siteCode));
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'PakLog API', version: options.version, description: API_DESCRIPTION },
      tags: TAGS.map((t) => ({ ...t })),
      components: {
        securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' }, bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: { Problem: PROBLEM_COMPONENT },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
    ...(options.transformOpenApi === undefined ? {} : {
      transformObject: (doc) => {
        const generated: Record<string, unknown> = 'openapiObject' in doc ? { ...doc.openapiObject } : { ...doc.swaggerObject };
        return options.transformOpenApi?.(generated) ?? generated;
      },
    }),
  });
  const documented = shareDocument(app, options.transformOpenApi === undefined);
  const paths = new RoutePaths();
  app.addHook('onRoute', (route) => {
    paths.add(route.url, route.method);
    // The UI's own routes (/docs, /docs/json, assets) are open, and so are CORS preflights (a browser sends no key).
    if (route.url === '/docs' || route.url.startsWith('/docs/') || route.method === 'OPTIONS') route.config = { ...(route.config ?? {}), public: true };
    // The class travels in the OpenAPI document, so the gateway limits a service's heavy routes as heavy too.
    if (route.config?.rateClass !== undefined) {
      const schema: Record<string, unknown> = { ...(route.schema ?? {}), [RATE_CLASS_EXTENSION]: route.config.rateClass };
      route.schema = schema;
    }
    describeRoute(route);
    documented.push(route);
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  if (tracingEnabled()) traceRequests(app);
  const hsts = options.hstsMaxAgeS !== undefined && options.hstsMaxAgeS > 0 ? `max-age=${options.hstsMaxAgeS}; includeSubDomains` : undefined;
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      .header('cross-origin-opener-policy', 'same-origin')
      .header('content-security-policy', request.url === '/docs' || request.url.startsWith('/docs/') ? DOCS_CSP : API_CSP);
    if (hsts !== undefined) void reply.header('strict-transport-security', hsts);
    // A caller's W3C trace: its id on every later log line of the request (ECS `trace.id`), traced or not.
    const traceId = traceIdOf(request.headers.traceparent);
    if (traceId !== undefined && trace.getSpanContext(context.active()) === undefined) {
      request.log = request.log.child({ 'trace.id': traceId });
      reply.log = request.log;
    }
  });
  const origins = options.corsOrigins ?? [];
  if (origins.length > 0) {
    // With CORS on, OPTIONS is a browser's preflight only (its route is public). One without Origin and
    // Access-Control-Request-Method was @fastify/cors's bare 400 text/plain "Invalid Preflight Request": coded as every refusal.
    // Sent from here, before @fastify/cors's preflight handler would answer its own 400.
    app.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'OPTIONS') return undefined;
      const missing = ['origin', 'access-control-request-method'].filter((h) => request.headers[h] === undefined);
      if (missing.length === 0) return undefined;
      await sendProblem(new AppError('VALIDATION_FAILED', `OPTIONS is a CORS preflight here: it needs the ${missing.join(' and ')} header${missing.length > 1 ? 's' : ''}`, {
        errors: missing.map((h) => ({ field: `/headers/${h}`, message: 'is required for a CORS preflight' })),
      }), request, reply);
      return reply;
    });
    // Keys travel in headers, never cookies: no credentials, so `*` is safe to offer.
    await app.register(cors, {
      origin: origins.includes('*') ? '*' : [...origins], credentials: false, methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: CORS_ALLOWED_HEADERS, exposedHeaders: CORS_EXPOSED_HEADERS, maxAge: 600, strictPreflight: true,
    });
  }
  const limiter = options.rateLimiter;
  // Before the credentials are read: a header that names one thing, sent twice, is refused (repeatedHeaderHook).
  app.addHook('onRequest', repeatedHeaderHook);
  app.addHook('onRequest', authHook(options.authenticator ?? options.apiKeys, { gatewaySecret: options.gatewaySecret, failures: limiter }));
  // Before the schemas: a newcomer's two slips said in words (newcomerSlipsHook).
  app.addHook('preValidation', newcomerSlipsHook(paths));
  // Before the schemas: a string no UTF-8 can carry is refused, not stored as U+FFFD (the driver's replacement).
  app.addHook('preValidation', wellFormedUnicodeHook);
  // Then every text in one Unicode form (NFC): "é" composed and decomposed is one lot, one SKU, one worker.
  app.addHook('preValidation', nfcHook);
  // After the schemas: a NUL character a schema let through is refused naming its field (the database cannot hold one).
  app.addHook('preHandler', nulCharacterHook);
  // If-Match where the route has no version to compare: refused, not ignored (if-match.ts).
  app.addHook('preValidation', ifMatchPolicyHook);
  // After parsing: a signed-in worker acts as itself; after validation: the role at the site the request is about.
  app.addHook('preValidation', actingWorkerHook);
  if (options.siteLookups !== undefined) {
    // A key's typed worker id is the known worker it names ignoring case (after the Unicode form above).
    app.addHook('preValidation', workerCaseHook(options.siteLookups));
    app.addHook('preHandler', siteGuard(options.siteLookups));
    app.addHook('preHandler', heldTaskGuard(options.siteLookups));
  }
  if (limiter !== undefined) {
    const limit = limiter.hook();
    // Behind the gateway (a signed principal), the gateway has counted the request already.
    app.addHook('onRequest', async (request, reply) => {
      if (options.gatewaySecret !== undefined && request.headers[PRINCIPAL_HEADER] !== undefined) return;
      await limit(request, reply);
    });
  }
  // A compressed body would reach the JSON parser as bytes it cannot read, or be taken for something else.
  app.addHook('preParsing', async (request) => {
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding "${encoding}" is not supported; send the body uncompressed`, {
        errors: [{ field: '/headers/content-encoding', message: 'is not supported' }],
      });
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    options.metrics.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  const metricsPort = options.metricsEndpoint?.port;
  if (metricsPort !== undefined) {
    let metricsServer: Server | undefined;
    app.addHook('onListen', async () => {
      metricsServer = await serveMetrics(options.metrics, options.metricsEndpoint?.host ?? '127.0.0.1', metricsPort);
      const address = metricsServer.address();
      app.log.info({ address }, 'metrics: served on their own listener');
    });
    app.addHook('onClose', async () => {
      await new Promise<void>((done) => {
        if (metricsServer === undefined) done();
        else metricsServer.close(() => done());
      });
    });
  }
  // A path that exists with other methods is 405 naming them (Allow); a path no route has is 404. Either way only to
  // a caller who said who they are (the auth hook ran before: 401 otherwise), so neither tells a stranger what exists.
  app.setNotFoundHandler({}, async (request, reply) => {
    const allowed = paths.methodsOf(request.url);
    // A route that takes this method but found nothing (a file /docs/static/ does not have: @fastify/static calls the
    // not-found handler) is 404 too, not "takes GET, not GET".
    // A trailing slash the path without it takes the method (`POST /api/v1/sites/`): that call is named, not the methods
    // of `/sites/{id}` with an empty id.
    const slashless = withoutTrailingSlash(request.method, request.url.split('?')[0] ?? '', paths) !== undefined;
    if (allowed.length === 0 || allowed.includes(request.method) || slashless) {
      return sendProblem(new AppError('NOT_FOUND', `No route ${request.method} ${request.url}${whereTheApiIs(request.method, request.url, paths)}`), request, reply);
    }
    void reply.header('allow', allowed.join(', '));
    return sendProblem(new AppError('METHOD_NOT_ALLOWED', `${request.url.split('?')[0] ?? ''} takes ${allowed.join(', ')}, not ${request.method}`, {
      errors: [{ field: '/method', message: `must be one of: ${allowed.join(', ')}` }],
    }), request, reply);
  });
  return app;
}

/**
 * The methods each route path takes, to tell a path with other methods (405) from a path no route has (404). Paths are
 * matched as the router matches them: a `:param` segment takes any one segment, a trailing `*` the rest. The
 * catch-all `*` (CORS preflights, when configured) names no path.
 */
export class RoutePaths {
  private readonly routes: { segments: readonly string[]; methods: Set<string> }[] = [];
  /** The same entries by URL: an app registers some thousand routes, and a search of the list for each was quadratic. */
  private readonly byUrl = new Map<string, { segments: readonly string[]; methods: Set<string> }>();

  add(url: string, method: string | readonly string[]): void {
    if (url === '*' || url === '/*') return;
    let entry = this.byUrl.get(url);
    if (entry === undefined) {
      entry = { segments: url.split('/'), methods: new Set() };
      this.routes.push(entry);
      this.byUrl.set(url, entry);
    }
    for (const m of typeof method === 'string' ? [method] : method) entry.methods.add(m.toUpperCase());
  }

  /** The methods the path of `url` (its query aside) takes, in a fixed order; none when no route has the path. */
  methodsOf(url: string): string[] {
    const path = (url.split('?')[0] ?? '').split('/');
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (matches(route.segments, path)) for (const m of route.methods) methods.add(m);
    }
    return [...methods].sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b) || a.localeCompare(b));
  }
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * What a 404 adds for the two misses of a newcomer: the banner's `API:` URL itself (`/api/v1`, opened in a browser),
 * and a route called without its `/api/v1` (`GET /orders`): where the operations are, and the call that exists.
 */
function whereTheApiIs(method: string, url: string, paths: { methodsOf(url: string): string[] }): string {
  const path = url.split('?')[0] ?? '';
  const slashless = withoutTrailingSlash(method, path, paths);
  if (slashless !== undefined) return `: drop the trailing slash (${method} ${slashless})`;
  if (/^\/api(\/v1)?\/?$/.test(path)) return ': the API\'s operations are under /api/v1/ (e.g. GET /api/v1/orders?siteId=DEMO), each listed at /docs';
  if (!path.startsWith('/api/') && paths.methodsOf(`/api/v1${url}`).includes(method)) return `: the API is under /api/v1 (${method} /api/v1${url})`;
  return '';
}

/** The path without its trailing slash when that path takes `method` (`/api/v1/inventory/atp/` → `/api/v1/inventory/atp`). */
function withoutTrailingSlash(method: string, path: string, paths: { methodsOf(url: string): string[] }): string | undefined {
  if (path.length < 2 || !path.endsWith('/')) return undefined;
  const slashless = path.replace(/\/+$/, '');
  return slashless !== '' && paths.methodsOf(slashless).includes(method) ? slashless : undefined;
}

/** Headers that name one thing: a credential, a command's idempotency key. */
const SINGLE_HEADERS = ['authorization', 'x-api-key', 'idempotency-key'] as const;

/**
 * onRequest hook: `Authorization`, `X-Api-Key` or `Idempotency-Key` sent more than once is 400 VALIDATION_FAILED naming
 * the header, before anything is read or done. Node keeps the first `Authorization` and drops the others (a second
 * credential was never checked: a manager's token after a viewer's acted as the viewer, before it as the manager) and
 * joins repeated other headers with ", " (two idempotency keys "a" and "b" became the one key "a, b", which a single
 * header "a, b" then replayed; two API keys were one invalid key, 401). The raw headers say what was sent.
 */
async function repeatedHeaderHook(request: FastifyRequest): Promise<void> {
  const raw = request.raw.rawHeaders;
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!(SINGLE_HEADERS as readonly string[]).includes(name)) continue;
    if (seen.has(name)) {
      throw new AppError('VALIDATION_FAILED', `The ${raw[i]!} header was sent more than once: send it once`, {
        errors: [{ field: `/headers/${name}`, message: 'was sent more than once' }],
      });
    }
    seen.add(name);
  }
}

/**
 * Two slips of a newcomer with curl, refused in words before the schemas read the request (the caller is known: the
 * auth hook ran). A list called with a trailing slash (`GET /api/v1/orders/`) reached the route of one order with an
 * empty id: 400 "/params/id must NOT have fewer than 1 characters"; it is the 404 of any path no route has, naming the
 * call without the slash. Only over a socket, from a client: GraphQL and gRPC run REST in-process with an empty id for a
 * missing one and expect its validation's refusal. And a JSON body sent as `text/plain` (read as text for the X12 routes) was
 * "/ must be object": it is the 415 of a body no route reads, saying to send JSON.
 */
function newcomerSlipsHook(paths: RoutePaths) {
  return async (request: FastifyRequest): Promise<void> => {
    const route = request.routeOptions.url ?? '';
    const param = /\/:([^/]+)$/.exec(route)?.[1];
    // A split service's caller is the gateway, which forwards what its own hook let through (GraphQL's empty ids).
    const overSocket = request.raw instanceof IncomingMessage && request.headers[PRINCIPAL_HEADER] === undefined;
    if (param !== undefined && overSocket && (request.params as Record<string, unknown> | undefined)?.[param] === '') {
      const path = request.url.split('?')[0] ?? '';
      const slashless = withoutTrailingSlash(request.method, path, paths);
      if (slashless !== undefined) throw new AppError('NOT_FOUND', `No route ${request.method} ${path}: drop the trailing slash (${request.method} ${slashless})`);
    }
    const body = request.routeOptions.schema?.body as { type?: unknown } | undefined;
    if (typeof request.body === 'string' && body?.type === 'object') {
      const type = request.headers['content-type']?.split(';')[0]?.trim() ?? '';
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `A body sent as ${type} is not read here: send JSON with the header Content-Type: application/json`, {
        errors: [{ field: '/headers/content-type', message: 'must be application/json' }],
      });
    }
  };
}

function matches(route: readonly string[], path: readonly string[]): boolean {
  for (let i = 0; i < route.length; i++) {
    const part = route[i] ?? '';
    if (part === '*' && i === route.length - 1) return true;
    const given = path[i];
    if (given === undefined) return false;
    // A parameter takes an empty segment too, as the router does (`/sites/` is `/sites/:id` with an empty id).
    if (!part.startsWith(':') && part !== given) return false;
  }
  return route.length === path.length;
}

/**
 * The OpenAPI documents @fastify/swagger generated in this process, by the JSON of everything it generates one from:
 * each route's method, URL, schema, links and swagger settings, and the shared schemas of every scope (its other options are the same for
 * every app, but `transformOpenApi`, whose apps generate their own). A process that builds several apps of the same
 * routes (a test worker: one per file, each checked against its document, test/support/openapi-check.ts) generates the
 * document once: generating it was 80 ms of an app's 550 ms of CPU there (2026-12-05). Frozen, as apps share it.
 */
const documents = new Map<string, unknown>();

/** Shares the app's document through {@link documents} when `shared`; the routes to pass are those it registers. */
function shareDocument(app: HttpApp, shared: boolean): RouteOptions[] {
  const routes: RouteOptions[] = [];
  const scopes: FastifyInstance[] = [app];
  if (!shared) return routes;
  app.addHook('onRegister', (scope) => {
    scopes.push(scope);
  });
  const generate = app.swagger.bind(app);
  let mine: unknown;
  const swaggerOf = (opts?: { yaml?: boolean }): unknown => {
    // A route with a transform of its own builds its part of the document from code: not keyed here.
    if (opts?.yaml === true || routes.some((r) => r.config?.swaggerTransform !== undefined)) return opts === undefined ? generate() : generate({ yaml: opts.yaml === true });
    // After `ready` (swagger refuses before): no route is added any more.
    mine ??= (() => {
      const key = stableJson({
        routes: routes.map((r) => [r.method, r.url, r.schema ?? null, (r as { links?: unknown }).links ?? null, (r.config as { swagger?: unknown } | undefined)?.swagger ?? null]),
        schemas: scopes.map((scope) => scope.getSchemas()),
      });
      let doc = documents.get(key);
      if (doc === undefined) documents.set(key, doc = deepFreeze(generate()));
      return doc;
    })();
    return mine;
  };
  app.swagger = swaggerOf as typeof app.swagger;
  return routes;
}

/** `/metrics` alone on `host:port` (loopback by default), for Prometheus only: business volumes stay off the API port. */
async function serveMetrics(metrics: Metrics, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then((text) => {
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
    }, () => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n');
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen({ port, host }, () => ok());
  });
  return server;
}

/** Answers an error of the HTTP parser on the raw socket as problem+json, then closes it. */
function sendSocketProblem(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408
    : error.code === 'HPE_HEADER_OVERFLOW' ? 431
      : 400;
  const message = status === 408 ? 'The request did not arrive in time'
    : status === 431 ? 'The request headers are too large'
      : 'The request is not valid HTTP';
  const requestId = randomUUID();
  const body = JSON.stringify(toProblem({ statusCode: status, message }, requestId));
  // Like node's own handler: only answer when no response has started on this socket.
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && current?.headersSent !== true) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * A server span per request (tracing on): a child of the caller's `traceparent`, active for every later hook and the
 * handler (the rest of the request runs inside `context.with`), so SQL and the events the request emits hang below it.
 */
function traceRequests(app: HttpApp): void {
  const spans = new WeakMap<object, Span>();
  app.addHook('onRequest', (request, reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = startSpan(`${request.method} ${route}`, SpanKind.SERVER, {
      'http.request.method': request.method, 'http.route': route, 'url.path': request.url.split('?')[0], 'http.request.id': request.id,
    }, parent);
    if (span === undefined) return done();
    spans.set(request, span);
    const ids = span.spanContext();
    request.log = request.log.child({ 'trace.id': ids.traceId, 'span.id': ids.spanId });
    reply.log = request.log;
    context.with(trace.setSpan(parent, span), done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span !== undefined) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}

/**
 * Loads fastify's `inject` (light-my-request, which fastify requires on first use) with one liveness probe, a moment
 * after the app listens. The GraphQL and gRPC adapters run every operation through `inject`; without this the first
 * operation after a start loaded it on the event loop (30–60 ms on a busy 2-core host) and every call arriving meanwhile
 * queued behind it: the first burst of a shift's handheld calls was the gRPC leg's p99 (docs/benchmarks.md, api).
 */
export function warmInject(http: HttpApp): void {
  setImmediate(() => {
    http.inject({ method: 'GET', url: '/health/live' }).catch(() => undefined);
  });
}
