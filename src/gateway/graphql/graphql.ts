import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type WebSocket from 'ws';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getOperationAST, GraphQLError, OperationTypeNode, parse, type DocumentNode } from 'graphql';
import type * as GraphqlJs from 'graphql';
import mercurius, { type MercuriusContext, type MercuriusOptions } from 'mercurius';
import type { EventEnvelope } from '../../platform/bus/envelope.ts';
import { AppError } from '../../platform/errors.ts';
import { loadPackage } from '../../platform/load-package.ts';
import { IDEMPOTENCY_KEY_MAX } from '../../platform/http/idempotency.ts';
import { ROLES } from '../../platform/http/roles.ts';
import { capEchoes, sendProblem } from '../../platform/http/problem.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import { utf8BodyText } from '../../platform/http/validation.ts';
import { topicsOf, toProgress } from './progress.ts';
import { requestSizeLimit, TOO_DEEP } from './limits.ts';
import { loaders, resolvers, type GraphqlContext } from './resolvers.ts';
import { forwardedHeaders, hasCredential, restClient } from './rest.ts';
import { schema } from './schema.ts';
import { codeSubscriptionFrames } from './ws-frames.ts';

type WsHandler = (this: unknown, socket: WebSocket, request: FastifyRequest) => unknown;

/**
 * A POST /graphql body whose query this endpoint does not serve, refused before mercurius reads it (400
 * VALIDATION_FAILED): JSON (mercurius takes a query that does not parse as GraphQL for a syntax tree in JSON, and one the
 * parser never makes broke validation with a 500; no GraphQL document is JSON, so no document is refused for it), and a
 * subscription (it runs over the websocket; over POST graphql ran it as a query, answering 200 with an uncoded error).
 */
function refuseUnservedDocument(body: unknown): void {
  const requests = Array.isArray(body) ? body : [body];
  for (const r of requests) {
    const query = typeof r === 'object' && r !== null ? (r as { query?: unknown; operationName?: unknown }).query : undefined;
    if (typeof query !== 'string') continue;
    let json = true;
    try {
      JSON.parse(query);
    } catch {
      json = false;
    }
    if (json) {
      throw new AppError('VALIDATION_FAILED', 'The query must be a GraphQL document (text such as "{ orders { nodes { id } } }"), not JSON', {
        errors: [{ field: '/query', message: 'must be a GraphQL document' }],
      });
    }
    // Only a document naming a subscription is parsed here (mercurius parses it again; these are refused anyway).
    if (!query.includes('subscription')) continue;
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch {
      continue; // mercurius refuses it as any document that does not parse
    }
    const name = (r as { operationName?: unknown }).operationName;
    const operation = getOperationAST(document, typeof name === 'string' ? name : undefined);
    if (operation?.operation === OperationTypeNode.SUBSCRIPTION) {
      throw new AppError('VALIDATION_FAILED', 'A subscription runs over the websocket of GET /graphql (graphql-transport-ws), not POST', {
        errors: [{ field: '/query', message: 'is a subscription: subscribe over the websocket' }],
      });
    }
  }
}

/** Where subscriptions hear committed events: calls the listener with each batch; returns the unsubscribe. */
export type EventFeed = (listener: (events: readonly EventEnvelope[]) => void) => () => void;

export interface GraphqlOptions {
  readonly events: EventFeed;
  /** GraphiQL at `/graphiql` (development only: it loads React and GraphiQL from a CDN). */
  readonly graphiql: boolean;
}

/** A RangeError's message when a recursion (graphql-js's parser) outgrows the stack. */
const STACK_OVERFLOW = 'Maximum call stack size exceeded';

/** GraphiQL's page loads its scripts and styles from unpkg and calls `/graphql` here; it is never framed either. */
const GRAPHIQL_CSP = "default-src 'self'; script-src 'self' https://unpkg.com; style-src 'self' 'unsafe-inline' https://unpkg.com; "
  + "img-src 'self' data:; font-src 'self' data: https://unpkg.com; connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'self'";

/**
 * GraphQL at `/graphql` (mercurius): a protocol adapter over the REST operations, each run in-process with the caller's
 * credentials (rest.ts, docs/dev/graphql.md). POST is authenticated like every route (401 without a credential); GET is
 * only the websocket of subscriptions, whose `connection_init` payload carries the credential headers. The same in the
 * all-in-one process and in the gateway of split mode, where the inner calls are routed to the services.
 */
export async function registerGraphql(app: HttpApp, options: GraphqlOptions): Promise<void> {
  const contextOf = (headers: IncomingHttpHeaders | Readonly<Record<string, unknown>>, request?: FastifyRequest): Pick<GraphqlContext, 'rest' | 'idempotencyKey'> => {
    const { 'idempotency-key': idempotencyKey, ...forwarded } = forwardedHeaders(headers);
    return {
      rest: restClient(app, forwarded, request === undefined ? {} : { requestId: request.id, remoteAddress: request.ip }),
      idempotencyKey,
    };
  };

  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      if (route.url === '/graphql') {
        // Not in the REST document; any authenticated role may ask (each operation's REST route checks its own roles), and
        // so may a key scoped to an owner: the REST routes it reaches keep owners apart or refuse it (OWNER_SCOPED_KEY).
        route.schema = { ...route.schema, hide: true };
        route.config = { ...route.config, roles: ROLES, owners: true, rateClass: 'read', ...(route.method === 'GET' ? { public: true } : {}) };
        // Every refusal on the subscriptions websocket carries a code, as over POST (ws-frames.ts): mercurius refused a
        // malformed subscribe frame, a query or a mutation, a frame that is no JSON with a bare message.
        const wsHandler = (route as { wsHandler?: WsHandler }).wsHandler;
        if (wsHandler !== undefined) {
          (route as { wsHandler?: WsHandler }).wsHandler = function coded(this: unknown, socket, request) {
            codeSubscriptionFrames(socket);
            return wsHandler.call(this, socket, request);
          };
        }
      } else if (route.url === '/graphiql' || route.url.startsWith('/graphiql/')) {
        route.schema = { ...route.schema, hide: true };
        route.config = { ...route.config, public: true };
      }
    });
    scope.addHook('onSend', async (request, reply) => {
      if (request.url === '/graphiql' || request.url.startsWith('/graphiql/')) void reply.header('content-security-policy', GRAPHIQL_CSP);
    });

    const gql: MercuriusOptions = {
      schema,
      resolvers,
      loaders,
      graphiql: options.graphiql,
      path: '/graphql',
      // A query document seen once is compiled (graphql-jit): the handhelds send the same few documents all shift long.
      jit: 1,
      context: (request) => contextOf(request.headers, request),
      validationRules: [requestSizeLimit],
      // A request error found while executing (variables of the wrong type: graphql-jit checks them itself once the
      // document is compiled, where graphql's validation answered 400 before) carries no code and came back 200. It is
      // the caller's mistake like any document that does not validate: 400 VALIDATION_FAILED, every error coded.
      errorFormatter: (execution, context) => {
        const formatted = mercurius.defaultErrorFormatter(execution, context);
        // A value sent is not echoed whole (a 100 KB id or name): as REST's details (problem.ts).
        const errors = (formatted.response.errors ?? []).map((e) => ({ ...e, message: capEchoes(e.message) }));
        formatted.response = { ...formatted.response, errors };
        const requestError = (execution.data === null || execution.data === undefined)
          && errors.length > 0 && errors.every((e) => e.path === undefined && e.extensions?.code === undefined);
        if (!requestError) return formatted;
        return {
          statusCode: 400,
          response: { ...formatted.response, errors: errors.map((e) => ({ ...e, extensions: { ...e.extensions, code: 'VALIDATION_FAILED', status: 400 } })) },
        };
      },
      // The HTTP pipeline's refusals (no credential, a role, a rate limit, a GET that is no websocket) are problem+json
      // as on every route; only mercurius's own errors (a query that does not parse or validate) are GraphQL answers.
      errorHandler: async (error, request, reply) => {
        if (typeof error.code !== 'string' || !error.code.startsWith('MER_ERR_')) {
          await sendProblem(error, request, reply);
          return;
        }
        const { statusCode, response } = mercurius.defaultErrorFormatter(
          { errors: [new GraphQLError(error.message, { originalError: error })] }, { reply, app: scope } as unknown as MercuriusContext,
        );
        // A document that does not parse or validate carries a code like every other refusal (REST's VALIDATION_FAILED),
        // so a client tells it from a business error or a fault without reading the message; and it is a 400 however many
        // errors it has (mercurius answers 200 when there are several).
        // A fault of mercurius's own (5xx) stays a fault, coded INTERNAL, not dressed as the caller's mistake.
        const status = statusCode >= 400 ? statusCode : 400;
        const code = status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED';
        // A document nested thousands deep overflows graphql-js's recursive parser before the depth limit can count it:
        // said in the words of that limit, not as the RangeError's "Maximum call stack size exceeded".
        const errors = (response.errors ?? []).map((e) => ({
          ...e, message: e.message === STACK_OVERFLOW && status < 500 ? TOO_DEEP : capEchoes(e.message), extensions: { ...e.extensions, code, status },
        }));
        await reply.code(status).send({ ...response, errors });
      },
      additionalRouteOptions: {
        // GET /graphql is public for the websocket upgrade only (browsers cannot send headers on one).
        preHandler: async (request) => {
          if (request.method === 'GET' && (request as FastifyRequest & { ws?: boolean }).ws !== true) {
            throw new AppError('VALIDATION_FAILED', 'GET /graphql serves subscriptions over a websocket only; send queries and mutations with POST', {
              errors: [{ field: '/method', message: 'use POST' }],
            });
          }
          if (request.method === 'POST') {
            // A blank key derived blank keys for the mutations (REST refuses one), an empty one none at all: refused as REST does.
            const key = request.headers['idempotency-key'];
            if (typeof key === 'string' && key.trim() === '') {
              throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must not be blank', { errors: [{ field: '/headers/idempotency-key', message: 'must not be blank' }] });
            }
            // Each mutation's key is the header and its response key (hashed when together over the limit): a header REST would
            // refuse is refused here, once, naming the header, not as each mutation's failure.
            if (typeof key === 'string' && key.length > IDEMPOTENCY_KEY_MAX) {
              throw new AppError('VALIDATION_FAILED', `Idempotency-Key must be at most ${IDEMPOTENCY_KEY_MAX} characters`, {
                errors: [{ field: '/headers/idempotency-key', message: 'is too long' }],
              });
            }
            refuseUnservedDocument(request.body);
          }
        },
      },
      subscription: {
        // The credential of a websocket comes in `connection_init` ({ headers: { 'x-api-key': … } } or the headers
        // themselves); it is checked by `GET /auth/me` (any authenticated caller, site- and owner-scoped ones included),
        // and each subscription reads its subject too.
        onConnect: async ({ payload }) => {
          const init = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
          const headers = (typeof init.headers === 'object' && init.headers !== null ? init.headers : init) as Record<string, unknown>;
          const context = contextOf(headers);
          const res = await context.rest<{ ownerId?: string | null }>('GET', '/auth/me');
          if (!hasCredential(forwardedHeaders(headers)) || res.status !== 200) return false;
          // A key scoped to an owner subscribes too: it hears only what is its owner's (resolvers.ts, ownersOnly).
          return { ...context, ownerScope: res.body.ownerId ?? null };
        },
      },
    };
    // A document sent as `application/graphql` goes through mercurius's own text parser, which reads any bytes as UTF-8
    // (U+FFFD for those that are none) and ignores the charset: checked here first, as every other body is (utf8BodyText).
    scope.addHook('preParsing', async (request, _reply, payload) => {
      if (!/^\s*application\/graphql\s*(;|$)/i.test(request.headers['content-type'] ?? '')) return payload;
      const limit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of payload as AsyncIterable<Buffer | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.length;
        if (size > limit) throw new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${limit} bytes`);
        chunks.push(bytes);
      }
      const body = Buffer.concat(chunks);
      utf8BodyText(request.headers['content-type'], body);
      const checked = Readable.from([body]) as Readable & { receivedEncodedLength?: number };
      checked.receivedEncodedLength = size;
      return checked;
    });

    // mercurius is typed for fastify's default type provider; the app uses TypeBox's.
    await (scope as unknown as FastifyInstance).register(mercurius, gql);

    // mercurius runs a websocket subscription's document without validating it (POST validates every document): an
    // unknown field subscribed and failed only at the first event, a second root field was dropped, and the size limit
    // did not apply. Validated here with POST's rules; a refusal is VALIDATION_FAILED, as over POST, and nothing runs.
    // graphql-js is mercurius's own copy (node_modules, as mercurius loads it): validate() refuses a schema of another copy,
    // and the bundle (or vitest) gives this module one of its own.
    const { validate, specifiedRules } = loadPackage<typeof GraphqlJs>('graphql');
    (scope as unknown as FastifyInstance).graphql.addHook('preSubscriptionExecution', async (schema, document) => {
      const errors = validate(schema, document, [...specifiedRules, requestSizeLimit]);
      if (errors.length > 0) {
        throw new GraphQLError(errors.map((e) => e.message).join('; '), { extensions: { code: 'VALIDATION_FAILED', status: 400 } });
      }
    });

    const pubsub = scope.graphql.pubsub;
    const stop = options.events((events) => {
      for (const event of events) {
        const payload = toProgress(event);
        for (const topic of topicsOf(event)) pubsub.publish({ topic, payload });
      }
    });
    scope.addHook('onClose', async () => {
      stop();
    });
  });
}
