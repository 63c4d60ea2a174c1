import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyBaseLogger, type RawServerDefault, type RawRequestDefaultExpression, type RawReplyDefaultExpression } from 'fastify';
import type { Metrics } from '../telemetry/metrics.ts';
import { createLogger, type LogFormat } from '../telemetry/logger.ts';
import { authHook, type ApiKeys } from './auth.ts';
import { AppError } from '../errors.ts';
import { sendProblem } from './problem.ts';

export type HttpApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface HttpOptions {
  readonly logLevel: string;
  readonly logFormat?: LogFormat;
  readonly metrics: Metrics;
  readonly apiKeys: ApiKeys;
  readonly version: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The fastify app factory: validation, problem+json, request ids, auth, metrics, OpenAPI at /docs. No listen. */
export async function createHttp(options: HttpOptions): Promise<HttpApp> {
  const app = Fastify<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger>({
    ...(options.logLevel === 'silent' ? { logger: false } : { loggerInstance: createLogger(options.logLevel, options.logFormat) }),
    // The app's own in-process calls (the demo seed) are not traffic worth a log line.
    disableRequestLogging: (req) => options.apiKeys.isInternalRequest(req.headers['x-api-key']),
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      const v = Array.isArray(h) ? h[0] : h;
      return v !== undefined && REQUEST_ID.test(v) ? v : randomUUID();
    },
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    bodyLimit: 2 * 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'PakLog API', version: options.version, description: 'Warehouse management and execution. Authenticate with the X-Api-Key header.' },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } },
      security: [{ apiKey: [] }],
    },
  });
  // The UI's own routes (/docs, /docs/json, assets) are open.
  app.addHook('onRoute', (route) => {
    if (route.url === '/docs' || route.url.startsWith('/docs/')) route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onRequest', authHook(options.apiKeys));
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
