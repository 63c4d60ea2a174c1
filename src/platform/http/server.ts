import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyBaseLogger, type RawServerDefault, type RawRequestDefaultExpression, type RawReplyDefaultExpression } from 'fastify';
import type { Metrics } from '../telemetry/metrics.ts';
import { createLogger, type LogFormat } from '../telemetry/logger.ts';
import { authHook, type ApiKeys } from './auth.ts';
import { AppError } from '../errors.ts';
import { sendProblem, toProblem } from './problem.ts';
import { partValidators } from './validation.ts';

export type HttpApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface HttpOptions {
  readonly logLevel: string;
  readonly logFormat?: LogFormat;
  readonly metrics: Metrics;
  readonly apiKeys: ApiKeys;
  readonly version: string;
  readonly limits?: HttpLimits;
  /** Split mode: trust callers the gateway authenticated and signed with this secret (PAKLOG_GATEWAY_SECRET). */
  readonly gatewaySecret?: string | undefined;
  /** Adds to the generated OpenAPI document (the gateway merges its services' documents in). */
  readonly transformOpenApi?: (document: Record<string, unknown>) => Record<string, unknown>;
}

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

/** The fastify app factory: validation, problem+json, request ids, auth, metrics, OpenAPI at /docs. No listen. */
export async function createHttp(options: HttpOptions): Promise<HttpApp> {
  const limits = options.limits ?? DEFAULT_HTTP_LIMITS;
  const headersTimeoutMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  const app = Fastify<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger>({
    ...(options.logLevel === 'silent' ? { logger: false } : { loggerInstance: createLogger(options.logLevel, options.logFormat) }),
    // The app's own in-process calls (the demo seed) are not traffic worth a log line.
    logController: new LogController({ disableRequestLogging: (req) => options.apiKeys.isInternalRequest(req.headers['x-api-key']) }),
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      const v = Array.isArray(h) ? h[0] : h;
      return v !== undefined && REQUEST_ID.test(v) ? v : randomUUID();
    },
    // Query strings and path parameters are coerced (they are text), JSON bodies are not: see validation.ts.
    schemaController: { compilersFactory: { buildValidator: partValidators() } },
    bodyLimit: 2 * 1024 * 1024,
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
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, done);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'PakLog API', version: options.version, description: 'Warehouse management and execution. Authenticate with the X-Api-Key header.' },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } },
      security: [{ apiKey: [] }],
    },
    ...(options.transformOpenApi === undefined ? {} : {
      transformObject: (doc) => {
        const generated: Record<string, unknown> = 'openapiObject' in doc ? { ...doc.openapiObject } : { ...doc.swaggerObject };
        return options.transformOpenApi?.(generated) ?? generated;
      },
    }),
  });
  // The UI's own routes (/docs, /docs/json, assets) are open.
  app.addHook('onRoute', (route) => {
    if (route.url === '/docs' || route.url.startsWith('/docs/')) route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onRequest', authHook(options.apiKeys, { gatewaySecret: options.gatewaySecret }));
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
  app.setErrorHandler(async (error, request, reply) => sendProblem(error, request, reply));
  app.setNotFoundHandler({}, async (request, reply) =>
    sendProblem(new AppError('NOT_FOUND', `No route ${request.method} ${request.url}`), request, reply),
  );
  return app;
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
