/** What the HTTP mapper needs of a code: its status and a short title (the detail is the error's message). */
export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
}
export type ErrorSpecs = Readonly<Record<string, ErrorSpec>>;

/**
 * The platform's own error codes: validation, auth, not found and conflicts, idempotency, the HTTP layer's refusals,
 * overload and faults. Each context's codes live in its contract (`src/contracts/<context>.ts`, e.g. `OrdersErrors`);
 * the composition root registers them (`registerErrors`), so the one HTTP mapper maps every code while the platform
 * imports no context. Business outcomes are returned as typed results; these codes travel through that mapper.
 */
export const PLATFORM_ERRORS = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  FORBIDDEN: { status: 403, title: 'Not allowed for this role' },
  INVALID_CREDENTIALS: { status: 401, title: 'Wrong username or password' },
  TOKEN_EXPIRED: { status: 401, title: 'The token has expired' },
  REFRESH_TOKEN_REUSED: { status: 401, title: 'The refresh token was used already; the session is revoked' },
  USER_DISABLED: { status: 401, title: 'The user is disabled' },
  WRONG_PASSWORD: { status: 422, title: 'The current password is wrong' },
  WEAK_PASSWORD: { status: 422, title: 'The new password is too weak' },
  NO_PASSWORD: { status: 409, title: 'The caller has no password to change' },
  LAST_ADMIN: { status: 409, title: 'The last admin of every site cannot lose the role' },
  API_KEY_ALREADY_CREATED: { status: 409, title: 'The API key of this Idempotency-Key exists; its secret is not shown again' },
  UNKNOWN_OIDC_SUBJECT: { status: 403, title: 'No PakLog user is linked to this identity' },
  FORBIDDEN_AT_SITE: { status: 403, title: 'Not allowed for this role at this site' },
  SITE_REQUIRED: { status: 403, title: 'This caller must name a site it may act at' },
  ACTING_AS_ANOTHER_WORKER: { status: 403, title: 'A signed-in worker may act only as itself' },
  OWNER_SCOPED_KEY: { status: 403, title: 'This route is not open to a key scoped to an owner' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'The path does not take this method' },
  CONFLICT: { status: 409, title: 'Conflict with the current state' },
  DUPLICATE: { status: 409, title: 'Already exists' },
  ILLEGAL_TRANSITION: { status: 409, title: 'The aggregate is not in a state that allows this' },
  VERSION_MISMATCH: { status: 412, title: 'The aggregate changed since it was read' },
  PRECONDITION_NOT_SUPPORTED: { status: 400, title: 'This route takes no If-Match: it has no version to compare' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key reused with a different request' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'A request with this Idempotency-Key is still running' },
  IDEMPOTENCY_OUTCOME_UNKNOWN: { status: 409, title: 'The answer to the request with this Idempotency-Key was lost' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request did not arrive in time' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  URI_TOO_LONG: { status: 414, title: 'The request URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The body media type or encoding is not supported' },
  RANGE_NOT_SATISFIABLE: { status: 416, title: 'The requested range is not in the file' },
  EXPECTATION_FAILED: { status: 417, title: 'The Expect header cannot be met' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  BUSY: { status: 503, title: 'Too many heavy computations are running; retry shortly' },
  INTERNAL: { status: 500, title: 'Internal error' },
  UNAVAILABLE: { status: 503, title: 'A dependency is unavailable' },
} as const satisfies ErrorSpecs;

export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;

/**
 * The codes the contracts declare, as keys. Empty here: `src/contracts/errors.ts` fills it by declaration merging, so
 * `reject('ORDER_SHIPPED', …)` is checked against every contract's catalogue without the platform importing one.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ContextErrorCodes {}

export type ErrorCode = PlatformErrorCode | Extract<keyof ContextErrorCodes, string>;

const catalogue = new Map<string, ErrorSpec>(Object.entries(PLATFORM_ERRORS));

/**
 * Adds contract error codes to the catalogue the HTTP mapper reads (the app does it once, at composition). A code
 * registered again with the same status and title is accepted; with another, or over a platform code, it is refused.
 */
export function registerErrors(specs: ErrorSpecs): void {
  for (const [code, spec] of Object.entries(specs)) {
    const known = catalogue.get(code);
    if (known !== undefined && (known.status !== spec.status || known.title !== spec.title || code in PLATFORM_ERRORS)) {
      throw new Error(`error code ${code} is already registered as ${known.status} "${known.title}"`);
    }
    catalogue.set(code, { status: spec.status, title: spec.title });
  }
}

/** Status and title of a code; a code no contract registered is a fault (500), never a client error. */
export function errorSpec(code: string): ErrorSpec {
  return catalogue.get(code) ?? { status: 500, title: `Unregistered error code ${code}` };
}

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. `/lines/0/quantity`. */
  readonly field: string;
  readonly message: string;
}

/** A coded error: thrown for faults and at the edges; carries everything the HTTP mapper needs. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors: readonly FieldError[];
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { errors?: readonly FieldError[]; retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.errors = options.errors ?? [];
    this.retryable = options.retryable ?? false;
  }

  /** The HTTP status of the code, from the catalogue (read at the edge, after the app registered the contracts' codes). */
  get status(): number {
    return errorSpec(this.code).status;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** SQLSTATEs of a PostgreSQL that is gone, going or full, not of the statement: connection exceptions (class 08) are matched by prefix. */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
/** Socket errors of a peer that went away or never answered. */
const TRANSIENT_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** node-postgres's own words for a connection lost or not had (it gives these no code). */
const TRANSIENT_PG_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end)/;

/**
 * True when `e` (or an error it was caused by) says a dependency is unreachable for now: a database connection lost,
 * refused or shut down, a serialization failure or deadlock past its retries, a socket reset, or an AppError marked
 * retryable (a remote service that did not answer). Such a failure is not the work's fault: it is tried again later,
 * never given up on as if the work were broken (an event handler's dead letter, ADR 0017).
 */
export function isTransientFault(e: unknown): boolean {
  for (let cause = e, depth = 0; cause !== undefined && cause !== null && depth < 5; depth++) {
    if (cause instanceof AppError && cause.retryable) return true;
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || TRANSIENT_NET_CODES.has(code))) return true;
    if (typeof message === 'string' && TRANSIENT_PG_MESSAGE.test(message)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** A typed business outcome: either a value or a coded rejection the caller must handle. */
export type Outcome<T, C extends ErrorCode = ErrorCode> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: C; readonly message: string; readonly errors?: readonly FieldError[] };

export const ok = <T>(value: T): Outcome<T, never> => ({ ok: true, value });
export const reject = <C extends ErrorCode>(code: C, message: string, errors?: readonly FieldError[]): Outcome<never, C> =>
  errors === undefined ? { ok: false, code, message } : { ok: false, code, message, errors };

/** Turns a rejected outcome into an AppError at the edge (HTTP, GraphQL, gRPC). */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new AppError(outcome.code, outcome.message, outcome.errors === undefined ? {} : { errors: outcome.errors });
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
