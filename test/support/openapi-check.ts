import { isDeepStrictEqual } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from '../../src/platform/http/server.ts';

/** A response the OpenAPI document does not describe. */
export interface Violation {
  readonly requestId: string;
  readonly operation: string;
  readonly status: number;
  readonly problem: string;
}

type Doc = { paths: Record<string, Record<string, Operation>>; components?: Record<string, unknown> };
interface Operation {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** `/api/v1/orders/:id` → `/api/v1/orders/{id}` (how @fastify/swagger writes paths). */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Checks every response the app sends against the app's own OpenAPI document: the status must be described for the
 * operation, with the response's media type, and the body must validate against the declared schema. It also checks
 * that fastify's serializer, which drops properties a response schema does not name, dropped nothing the handler
 * returned (a field clients rely on would silently disappear otherwise). Violations are kept by request id: the test
 * app throws them from the request that caused them, and any left over (a request sent another way) when it closes.
 */
/**
 * The validators of response schemas, shared by every check of the process (a test worker checks one app per file):
 * keyed by the schema's JSON and the components its references resolve against, so an app whose document says
 * something else compiles its own. Compiling them anew for every app was a tenth of an app's CPU in a test worker.
 */
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
const compiled = new Map<string, ValidateFunction>();

export class OpenApiCheck {
  private doc: Doc | undefined;
  private components: string | undefined;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly handed = new WeakMap<FastifyRequest, string>();
  private readonly violations: Violation[] = [];

  install(http: HttpApp): void {
    http.addHook('preSerialization', async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
      // What the handler returned, as JSON would carry it, before the response schema's serializer touches it.
      this.handed.set(request, JSON.stringify(payload));
      return payload;
    });
    http.addHook('onSend', async (request, reply, payload) => {
      try {
        this.check(http, request, reply, payload);
      } catch (error) {
        this.record(request, reply, `the check failed: ${String(error)}`);
      }
      return payload;
    });
  }

  /** The violations of the request with this id, removed from the list. */
  take(requestId: string): Violation[] {
    const mine = this.violations.filter((v) => v.requestId === requestId);
    for (const v of mine) this.violations.splice(this.violations.indexOf(v), 1);
    return mine;
  }

  /** Every violation not taken yet, removed from the list. */
  takeAll(): Violation[] {
    return this.violations.splice(0);
  }

  private record(request: FastifyRequest, reply: FastifyReply, problem: string): void {
    this.violations.push({ requestId: request.id, operation: `${request.method} ${request.routeOptions.url ?? request.url}`, status: reply.statusCode, problem });
  }

  private check(http: HttpApp, request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const url = request.routeOptions.url;
    // Not an operation: no route matched (404 handler), or an error before routing, or the docs UI.
    if (url === undefined || url === '/docs' || url.startsWith('/docs/') || request.method === 'OPTIONS' || request.method === 'HEAD') return;
    // A route hidden from the document on purpose (`schema.hide`, e.g. an endpoint with its own protocol) is not an operation.
    if ((request.routeOptions.schema as { hide?: boolean } | undefined)?.hide === true) return;
    this.doc ??= http.swagger() as unknown as Doc;
    const operation = this.doc.paths[openApiPath(url)]?.[request.method.toLowerCase()];
    if (operation === undefined) {
      this.record(request, reply, 'the operation is not in the OpenAPI document');
      return;
    }
    const status = String(reply.statusCode);
    const described = operation.responses[status];
    if (described === undefined) {
      this.record(request, reply, `status ${status} is not described (described: ${Object.keys(operation.responses).join(', ')})`);
      return;
    }
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload === undefined || payload === null ? '' : undefined;
    if (text === undefined) {
      this.record(request, reply, 'the body is a stream');
      return;
    }
    // Fastify sends no body with a 204, whatever the handler gave.
    if (status === '204' && described.content === undefined) return;
    if (described.content === undefined) {
      if (text !== '') this.record(request, reply, `status ${status} is described without a body, but the response has one: ${text.slice(0, 200)}`);
      return;
    }
    const mediaType = String(reply.getHeader('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const media = described.content[mediaType];
    if (media === undefined) {
      this.record(request, reply, `media type "${mediaType}" is not described for ${status} (described: ${Object.keys(described.content).join(', ')})`);
      return;
    }
    if (!mediaType.endsWith('json') || media.schema === undefined) return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      this.record(request, reply, `the body is not JSON: ${text.slice(0, 200)}`);
      return;
    }
    const key = `${request.method} ${url} ${status} ${mediaType}`;
    let validate = this.validators.get(key);
    if (validate === undefined) {
      // Local references (#/components/…) resolve against the document's components, carried along at the root.
      const components = this.doc.components ?? {};
      this.components ??= JSON.stringify(components);
      const shared = `${this.components} ${JSON.stringify(media.schema)}`;
      validate = compiled.get(shared);
      if (validate === undefined) compiled.set(shared, validate = ajv.compile({ ...(media.schema as object), components }));
      this.validators.set(key, validate);
    }
    if (!validate(body)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('; ');
      this.record(request, reply, `the body does not match the schema: ${errors}; body: ${text.slice(0, 300)}`);
      return;
    }
    const handed = this.handed.get(request);
    if (handed !== undefined && handed !== text && !isDeepStrictEqual(JSON.parse(handed), body)) {
      this.record(request, reply, `the serializer changed the body (a field missing from the response schema?): handler returned ${handed.slice(0, 400)}; sent ${text.slice(0, 400)}`);
    }
  }
}

/** One line per violation, for an error message. */
export const describeViolations = (violations: readonly Violation[]): string =>
  violations.map((v) => `${v.operation} → ${v.status}: ${v.problem}`).join('\n');
