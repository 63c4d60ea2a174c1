/**
 * The error catalogue: every coded error the platform and contexts raise, with its HTTP status.
 * Business outcomes are returned as typed results; these codes travel through the one HTTP mapper.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  FORBIDDEN: { status: 403, title: 'Not allowed for this role' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  CONFLICT: { status: 409, title: 'Conflict with the current state' },
  ILLEGAL_TRANSITION: { status: 409, title: 'The aggregate is not in a state that allows this' },
  VERSION_MISMATCH: { status: 412, title: 'The aggregate changed since it was read' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key reused with a different request' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'A request with this Idempotency-Key is still running' },
  IDEMPOTENCY_OUTCOME_UNKNOWN: { status: 409, title: 'The answer to the request with this Idempotency-Key was lost' },
  SCAN_ID_REUSED: { status: 422, title: 'scanId reused for a different scan' },
  DUPLICATE: { status: 409, title: 'Already exists' },
  UNKNOWN_SKU: { status: 422, title: 'Unknown SKU' },
  UNKNOWN_LOCATION: { status: 422, title: 'Unknown location' },
  UNKNOWN_SITE: { status: 422, title: 'Unknown site' },
  UNKNOWN_CARRIER: { status: 422, title: 'PakLog cannot book this carrier' },
  CARRIER_NOT_BOOKABLE: { status: 409, title: "The order's carrier cannot be booked; name a bookable carrier to override it" },
  ORDER_CONFLICT: { status: 409, title: 'An order with this external id exists with other content' },
  LOCATION_NOT_ACTIVE: { status: 409, title: 'The location is not active' },
  INSUFFICIENT_STOCK: { status: 409, title: 'Not enough stock' },
  WRONG_LOCATION: { status: 422, title: 'Scanned location is not the one to pick from' },
  WRONG_PRODUCT: { status: 422, title: 'Scanned product is not the one to pick' },
  QUANTITY_EXCEEDS_OPEN: { status: 422, title: 'Quantity exceeds what is still open' },
  NOTHING_TO_PLAN: { status: 422, title: 'No orders are ready to plan' },
  NOTHING_TO_PACK: { status: 409, title: 'Nothing picked to pack' },
  NOTHING_TO_SHIP: { status: 409, title: 'No packed packages to ship' },
  NO_CARTON_FITS: { status: 422, title: 'No carton holds the items' },
  TASK_NOT_ASSIGNED_TO_WORKER: { status: 409, title: 'The task belongs to another worker' },
  ORDER_CANCELLED: { status: 409, title: 'The order is cancelled' },
  ORDER_SHIPPED: { status: 409, title: 'The order has already been dispatched' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request did not arrive in time' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  URI_TOO_LONG: { status: 414, title: 'The request URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The body media type or encoding is not supported' },
  EXPECTATION_FAILED: { status: 417, title: 'The Expect header cannot be met' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  BUSY: { status: 503, title: 'Too many heavy computations are running; retry shortly' },
  INTERNAL: { status: 500, title: 'Internal error' },
  UNAVAILABLE: { status: 503, title: 'A dependency is unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. `/lines/0/quantity`. */
  readonly field: string;
  readonly message: string;
}

/** A coded error: thrown for faults and at the edges; carries everything the HTTP mapper needs. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: readonly FieldError[];
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { errors?: readonly FieldError[]; retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.errors = options.errors ?? [];
    this.retryable = options.retryable ?? false;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
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
