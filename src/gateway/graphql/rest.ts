import type { IncomingHttpHeaders } from 'node:http';
import mercurius from 'mercurius';
import type { HttpApp } from '../../platform/http/server.ts';
import { PRINCIPAL_HEADER } from '../../platform/http/forwarded-principal.ts';

/**
 * The GraphQL adapter runs every operation as the REST request that does it, in-process through fastify's `inject`,
 * with the caller's own credentials: authentication, roles, validation, idempotency, audit and error codes stay one
 * code path (docs/adr/0021-graphql-and-grpc-adapters-over-rest.md). In the gateway of split mode the same inject goes
 * through the gateway's routing to the service that owns the route.
 */

/** The request headers an operation forwards: who is calling, the idempotency key, the trace. */
export const FORWARDED_HEADERS = ['authorization', 'x-api-key', 'idempotency-key', 'traceparent', PRINCIPAL_HEADER] as const;

export interface RestResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface RestOptions {
  /** Overrides the forwarded Idempotency-Key (a mutation's own key). */
  readonly idempotencyKey?: string | undefined;
  /** More headers for this call (If-Match). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A command's method: POST unless it is a PUT or DELETE of a setting (safety stock). */
  readonly method?: 'POST' | 'PUT' | 'DELETE';
}

/** One REST call made on the caller's behalf. */
export type Rest = <T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, options?: RestOptions) => Promise<RestResponse<T>>;

/** The credential and trace headers of a request (or of a websocket's `connection_init` payload), lower-cased. */
export function forwardedHeaders(headers: IncomingHttpHeaders | Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  const lower = new Map<string, unknown>(Object.entries(headers).map(([k, v]): [string, unknown] => [k.toLowerCase(), v]));
  for (const name of FORWARDED_HEADERS) {
    const v = lower.get(name);
    const value: unknown = Array.isArray(v) ? (v as unknown[])[0] : v;
    if (typeof value === 'string' && value !== '') out[name] = value;
  }
  return out;
}

/** Whether the headers carry any credential at all (the REST layer decides whether it is a valid one). */
export const hasCredential = (headers: Readonly<Record<string, string>>): boolean =>
  headers.authorization !== undefined || headers['x-api-key'] !== undefined || headers[PRINCIPAL_HEADER] !== undefined;

/**
 * A REST client over `app.inject` carrying `headers`. The inner requests share the GraphQL request's id (one
 * correlation id in the logs and on the events) and its client address (failed-authentication limits count the real
 * client, not the loopback).
 */
export function restClient(app: HttpApp, headers: Readonly<Record<string, string>>, o: { requestId?: string; remoteAddress?: string } = {}): Rest {
  return async <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, options: RestOptions = {}): Promise<RestResponse<T>> => {
    const h: Record<string, string> = { ...headers, ...options.headers };
    if (o.requestId !== undefined) h['x-request-id'] = o.requestId;
    if (options.idempotencyKey !== undefined) h['idempotency-key'] = options.idempotencyKey;
    // Only a POST command keeps a key; a read, or a setting PUT or DELETEd (the same figure again changes nothing), takes none.
    if (method !== 'POST') delete h['idempotency-key'];
    // An id `.` or `..` in the path would be resolved away before routing (`/tasks/../start` is `/start`): no resource
    // has such an id, so the call is the caller's mistake and runs nothing. REST is asked with the segment empty
    // (`/tasks//start`, which its validation refuses) to check the caller first: a role or an owner-scoped key the
    // operation does not take is refused as such, as with any other id and over gRPC.
    const send = async (u: string) => app.inject({
      method, url: `/api/v1${u}`, headers: h,
      ...(o.remoteAddress === undefined ? {} : { remoteAddress: o.remoteAddress }),
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const [path = '', query] = url.split('?', 2) as [string?, string?];
    const segments = path.split('/');
    if (segments.some((s) => s === '.' || s === '..')) {
      const emptied = `${segments.map((s) => (s === '.' || s === '..' ? '' : s)).join('/')}${query === undefined ? '' : `?${query}`}`;
      const caller = await send(emptied);
      if (caller.statusCode === 401 || caller.statusCode === 403 || caller.statusCode === 429) return { status: caller.statusCode, body: caller.json<T>() };
      return {
        status: 400,
        body: {
          status: 400, code: 'VALIDATION_FAILED', detail: `An id may not be . or .. (${method} /api/v1${path})`,
          errors: [{ field: '/id', message: 'is not an id' }],
        } as T,
      };
    }
    const res = await send(url);
    const text = res.body;
    const parsed: unknown = text === '' ? undefined : (res.headers['content-type'] ?? '').toString().includes('json') ? JSON.parse(text) : text;
    return { status: res.statusCode, body: parsed as T };
  };
}

/** An RFC 9457 problem as the REST layer answers it. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly traceId?: string;
  readonly errors?: readonly { field: string; message: string }[];
}

const asProblem = (res: RestResponse): Problem => {
  const b = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as Partial<Problem>;
  return {
    status: res.status, code: b.code ?? (res.status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED'), detail: b.detail ?? `HTTP ${res.status}`,
    ...(b.traceId === undefined ? {} : { traceId: b.traceId }), ...(b.errors === undefined ? {} : { errors: b.errors }),
  };
};

/** A problem as a GraphQL error in `errors[]`, its `code` (and status, trace id, field errors) in `extensions`. */
export function problemError(p: Problem): Error {
  return new mercurius.ErrorWithProps(p.detail, {
    code: p.code, status: p.status, ...(p.traceId === undefined ? {} : { traceId: p.traceId }), ...(p.errors === undefined ? {} : { fieldErrors: p.errors }),
  });
}

/** A read: the body of a 2xx; a 404 is `null` when `nullIfMissing`; anything else is an error in `errors[]`. */
export async function read<T>(rest: Rest, url: string, nullIfMissing = false): Promise<T | null> {
  const res = await rest<T>('GET', url);
  if (res.status >= 200 && res.status < 300) return res.body;
  if (res.status === 404 && nullIfMissing) return null;
  throw problemError(asProblem(res));
}

/** The union member a refused command answers with, by the problem's code and status; undefined: not a business outcome. */
export function businessMember(p: Problem): string | undefined {
  if (p.code === 'INSUFFICIENT_STOCK') return 'InsufficientStock';
  switch (p.status) {
    case 400:
    case 422:
      return 'ValidationFailed';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
    case 412:
      return 'Conflict';
    default:
      return undefined;
  }
}

/**
 * A command: a 2xx answers `{ __typename: typename, ...body }` (graphql-js resolves a union member by `__typename`);
 * a business refusal (4xx but 401 and 429) answers its typed error member with the problem's `code` and `message`;
 * faults, unauthenticated and rate-limited calls stay in `errors[]`.
 */
export async function command(rest: Rest, url: string, body: unknown, typename: string, options: RestOptions = {}): Promise<Record<string, unknown>> {
  const res = await rest<Record<string, unknown> | undefined>(options.method ?? 'POST', url, body, options);
  if (res.status >= 200 && res.status < 300) return { __typename: typename, ...(res.body ?? {}) };
  const p = asProblem(res);
  const member = businessMember(p);
  if (member === undefined) throw problemError(p);
  return { __typename: member, code: p.code, message: p.detail, httpStatus: p.status, fieldErrors: p.errors ?? [], traceId: p.traceId ?? null };
}
