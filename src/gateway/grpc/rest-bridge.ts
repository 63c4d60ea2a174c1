import { type handleUnaryCall, type Metadata, type ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { HttpApp } from '../../platform/http/server.ts';
import { problemToGrpcStatus, toGrpcStatus } from '../../platform/rpc/rpc-errors.ts';
import { ON_UNDECODABLE, type UndecodableHandler } from '../../platform/rpc/rpc-server.ts';

/**
 * The public gRPC API is a protocol adapter over the REST API (ADR 0020): each method runs its REST operation in this
 * process with fastify's `inject`, so authentication, roles, validation, idempotency, rate limits, audit and error codes
 * are the REST code path, not a second one. No socket and no JSON over the network: the cost over a direct call is
 * routing, schema validation and one JSON round trip in memory.
 */

/** The REST operation a gRPC call runs: `url` below `/api/v1`, and the JSON body of a POST. */
export interface RestOperation {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly body?: Readonly<Record<string, unknown>>;
  /** A body sent as it is, as JSON (a request REST cannot parse: see {@link restHandler}'s undecodable requests). */
  readonly rawBody?: string;
}

/** What the REST operation answered: its status (2xx) and its JSON body (undefined for 204). */
export interface RestAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The call metadata REST reads as headers: credentials, the idempotency key, the trace context, and `if-match`, which
 * REST refuses where the operation has no version to compare (PRECONDITION_NOT_SUPPORTED): a caller who sent it learns
 * so, as over REST, instead of having the call applied as if it had not. (And `x-forwarded-for`, all its values: see
 * {@link restHeaders}.)
 */
const FORWARDED_METADATA = ['authorization', 'x-api-key', 'idempotency-key', 'if-match', 'traceparent', 'tracestate', 'x-request-id'] as const;

/** Metadata that names one thing (a credential, the idempotency key): every value is forwarded, so REST refuses a repeated one. */
const SINGLE_METADATA: ReadonlySet<string> = new Set(['authorization', 'x-api-key', 'idempotency-key']);

/**
 * REST headers from gRPC metadata (ASCII values only; a binary `-bin` key is never one of these). A credential or an
 * idempotency key given more than once is forwarded with all its values, which REST refuses (400 VALIDATION_FAILED
 * naming the header, INVALID_ARGUMENT here): the first alone was used, the others unchecked.
 */
export function restHeaders(metadata: Metadata): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const name of FORWARDED_METADATA) {
    const values = metadata.get(name).filter((v): v is string => typeof v === 'string');
    if (values.length > 1 && SINGLE_METADATA.has(name)) headers[name] = values;
    else if (values[0] !== undefined) headers[name] = values[0];
  }
  // Behind a gRPC proxy (Envoy…) the peer is the proxy, and `x-forwarded-for` names the client: REST reads it as it reads
  // an HTTP request's (ADR 0018), only when the peer (the call's `remoteAddress`) is a proxy PAKLOG_TRUST_PROXY trusts,
  // and then the right-most address that is not one; from any other caller it is ignored. One trust decision, Fastify's
  // `trustProxy`, for both protocols. Every value, in order, as one header, as Node joins a repeated one: a proxy may add
  // its entry as a value of its own, after the caller's, and the first value alone would be the caller's own claim.
  const forwardedFor = metadata.get('x-forwarded-for').filter((v): v is string => typeof v === 'string');
  if (forwardedFor.length > 0) headers['x-forwarded-for'] = forwardedFor.join(', ');
  return headers;
}

/**
 * The connection's peer address from grpc-js's peer (`1.2.3.4:5678`, `[::1]:5678`): REST counts failed logins per
 * client address, this one or, when it is a trusted proxy, the client its `x-forwarded-for` names ({@link restHeaders}).
 */
export function peerAddress(peer: string): string {
  const m = /^(?:ipv[46]:)?\[?([^\]]*?)\]?:\d+$/.exec(peer);
  return m?.[1] ?? '127.0.0.1';
}

/** The deadline of a call as epoch milliseconds (Infinity without one). */
function deadlineMs(call: ServerUnaryCall<unknown, unknown>): number {
  const d = call.getDeadline();
  return d instanceof Date ? d.getTime() : d;
}

/**
 * A request field that names a resource in the REST path but cannot: empty, `.` or `..` would route to another
 * operation (the URL's dot segments are resolved before routing: `/tasks/../start` is `/start`), so it is refused here
 * as INVALID_ARGUMENT, once REST has checked the caller ({@link whoMayAsk}).
 */
export class MissingPathField extends Error {
  constructor(readonly field: string, readonly problem: 'is required' | 'is not an id' = 'is required') {
    super(`${field} ${problem}`);
    this.name = 'MissingPathField';
  }
}

/** While set, {@link pathPart} answers an empty segment for a missing field instead of throwing (see {@link whoMayAsk}). */
let emptyForMissing = false;

/** `value` URL-encoded for a REST path, or MissingPathField when empty or a dot segment (`.`, `..`). */
export function pathPart(field: string, value: string): string {
  if (value === '' || value === '.' || value === '..') {
    if (emptyForMissing) return '';
    throw new MissingPathField(field, value === '' ? 'is required' : 'is not an id');
  }
  return encodeURIComponent(value);
}

/**
 * The REST operation `toRest` makes of a request whose path field is missing, with that segment empty
 * (`/tasks//start`): REST routes it to the operation asked for and refuses the empty id in its validation, after it has
 * authenticated the caller and checked the route's roles. Synchronous: nothing else runs while the flag is set.
 */
function whoMayAsk<Req>(toRest: (request: Req) => RestOperation, request: Req): RestOperation {
  emptyForMissing = true;
  try {
    return toRest(request);
  } finally {
    emptyForMissing = false;
  }
}

/**
 * REST's refusals of the caller itself, made before it reads the request: no valid credential (401), a role or an
 * owner-scoped key the route does not take (403), a rate limit (429). Another protocol answers these first too.
 */
const refusesTheCaller = (status: number): boolean => status === 401 || status === 403 || status === 429;

/**
 * A unary handler running the REST operation `toRest` makes of the request and answering `toReply` of its 2xx answer;
 * any other answer becomes the gRPC status mapped from its problem+json (`problemToGrpcStatus`, the one mapping).
 * A call whose deadline has passed (or that the client cancelled) before it starts is answered DEADLINE_EXCEEDED and
 * runs nothing. A started operation is not interrupted: it commits or not as a whole, like a REST request whose client
 * hung up, and the client that gave up learns which by retrying with the same `idempotency-key`.
 */
export function restHandler<Req, Res>(
  http: HttpApp, log: Logger, toRest: (request: Req) => RestOperation, toReply: (answer: RestAnswer) => Res,
): handleUnaryCall<Req, Res> {
  const handler: handleUnaryCall<Req, Res> = (call, callback) => {
    const fail = (answer: ReturnType<typeof toGrpcStatus>): void => callback({ ...answer, name: 'RpcError', message: answer.details ?? '' });
    if (call.cancelled || deadlineMs(call) <= Date.now()) {
      fail(problemToGrpcStatus(408, { code: 'REQUEST_TIMEOUT', detail: 'The call reached PakLog after its deadline; nothing was done' }));
      return;
    }
    let op: RestOperation;
    try {
      op = toRest(call.request);
    } catch (e) {
      if (!(e instanceof MissingPathField)) throw e;
      // Refused as REST refuses a request it cannot read, but after the same checks of the caller: an anonymous call is
      // UNAUTHENTICATED and a role the operation does not take PERMISSION_DENIED, as over REST and GraphQL, whatever
      // its fields (it answered INVALID_ARGUMENT to anyone). Nothing runs: REST's validation refuses the empty id.
      const invalid = problemToGrpcStatus(400, { code: 'VALIDATION_FAILED', detail: e.message, errors: [{ field: `/${e.field}`, message: e.problem }] });
      runRest(http, log, call, whoMayAsk(toRest, call.request), (answer) => {
        fail(answer.status !== undefined && refusesTheCaller(answer.status) ? answer.grpc() : invalid);
      });
      return;
    }
    runRest(http, log, call, op, (answer) => {
      if (answer.status !== undefined && answer.status >= 200 && answer.status < 300) callback(null, toReply({ status: answer.status, body: answer.body }));
      else fail(answer.grpc());
    });
  };
  // Bytes that are no message of the method's type (rpc-server.ts refuses them INVALID_ARGUMENT): the caller is checked
  // first, as REST checks it before it reads a body it cannot parse. REST is asked the operation of an empty message
  // (path ids empty) with a body that is no JSON: it refuses the caller (401, 403, 429) or the body (400), and runs
  // nothing. Only such requests pay for it; a decoded one never reaches this.
  const undecodable: UndecodableHandler = (call, empty, refusal, callback) => {
    const op = whoMayAsk(toRest, empty as Req);
    const probe: RestOperation = op.method === 'POST' || op.method === 'PUT' ? { method: op.method, url: op.url, rawBody: '{' } : op;
    runRest(http, log, call, probe, (answer) => {
      if (answer.status !== undefined && refusesTheCaller(answer.status)) {
        const status = answer.grpc();
        callback({ ...status, name: 'RpcError', message: status.details ?? '' });
      } else callback(refusal);
    });
  };
  return Object.assign(handler, { [ON_UNDECODABLE]: undecodable });
}

/** What {@link runRest} heard: REST's status and body (undefined when the adapter itself failed), and as a gRPC status. */
interface Heard {
  readonly status: number | undefined;
  readonly body: unknown;
  /** The gRPC status of a refusal (made when asked: a 2xx needs none). */
  readonly grpc: () => ReturnType<typeof toGrpcStatus>;
}

/** Runs `op` through REST with the call's metadata as headers and client address, and hands `done` what it answered. */
function runRest(http: HttpApp, log: Logger, call: ServerUnaryCall<unknown, unknown>, op: RestOperation, done: (heard: Heard) => void): void {
  // inject's callback form: no chain object, no deferred start and no promise per call; and no check of options
  // this adapter builds itself (light-my-request validates them with a JSON schema on every call unless told not to).
  http.inject({
    method: op.method,
    url: `/api/v1${op.url}`,
    headers: op.rawBody === undefined ? restHeaders(call.metadata) : { ...restHeaders(call.metadata), 'content-type': 'application/json' },
    remoteAddress: peerAddress(call.getPeer()),
    validate: false,
    ...(op.rawBody === undefined ? op.body === undefined ? {} : { payload: op.body } : { payload: op.rawBody }),
  }, (injectError, res) => {
    let heard: Heard;
    try {
      if (injectError !== null || res === undefined) throw injectError ?? new Error('inject gave no answer');
      const body: unknown = res.body === '' ? undefined : JSON.parse(res.body);
      const header = (name: string): string | undefined => {
        const v = res.headers[name];
        return v === undefined ? undefined : String(v);
      };
      heard = {
        status: res.statusCode, body,
        grpc: () => problemToGrpcStatus(res.statusCode, body, { retryAfter: header('retry-after'), requestId: header('x-request-id') }),
      };
    } catch (error) {
      // inject itself failed, or the answer was no JSON: a fault of this adapter, logged here as REST logs its own.
      log.error({ err: error, method: call.getPath() }, 'grpc call failed');
      heard = { status: undefined, body: undefined, grpc: () => toGrpcStatus(error) };
    }
    done(heard);
  });
}
