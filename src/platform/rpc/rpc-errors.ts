import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { AppError, errorSpec, isTransientFault, type ErrorCode, type FieldError } from '../errors.ts';

/**
 * How a PakLog error crosses gRPC: a status whose code follows the error's HTTP status (so generic gRPC tooling reads
 * it right), the message as the status details, and in the trailers what the caller needs to re-throw the same
 * AppError: the PakLog code, whether it is retryable and the field errors (JSON in a binary header, since messages
 * are not limited to ASCII).
 */
export const ERROR_CODE_KEY = 'paklog-error-code';
export const ERROR_RETRYABLE_KEY = 'paklog-error-retryable';
export const FIELD_ERRORS_KEY = 'paklog-field-errors-bin';

export const RETRY_AFTER_KEY = 'retry-after';
export const REQUEST_ID_KEY = 'x-request-id';

/**
 * 409s a retry of the same call may get past (another writer got there first, the first attempt of this idempotency
 * key is still running, a cancel and a SHIP scan of the order deciding at the dock: ORDER_SHIPPING, ORDER_CANCELLING,
 * whose answer is final a moment later): ABORTED, which gRPC reserves for concurrency conflicts. Every other 409 says
 * the aggregate's state forbids the command (ILLEGAL_TRANSITION, ORDER_SHIPPED, INSUFFICIENT_STOCK,
 * TASK_NOT_ASSIGNED_TO_WORKER…): FAILED_PRECONDITION, which gRPC clients do not retry until the state changes.
 */
const RETRY_MAY_PASS = new Set(['CONFLICT', 'IDEMPOTENCY_IN_PROGRESS', 'ORDER_SHIPPING', 'ORDER_CANCELLING']);

/**
 * The gRPC status for a PakLog error, from its HTTP status and code: the one table translating both the contract APIs'
 * errors and the public API's problem+json answers (the catalogue states errors as HTTP statuses).
 */
export function grpcStatusOf(httpStatus: number, code: string): status {
  switch (httpStatus) {
    case 400: case 413: case 414: case 415: case 417: case 422: case 431: return status.INVALID_ARGUMENT;
    case 401: return status.UNAUTHENTICATED;
    case 403: return status.PERMISSION_DENIED;
    case 404: return status.NOT_FOUND;
    case 405: return status.UNIMPLEMENTED;
    case 408: return status.DEADLINE_EXCEEDED;
    case 409: return RETRY_MAY_PASS.has(code) ? status.ABORTED : status.FAILED_PRECONDITION;
    case 412: return status.FAILED_PRECONDITION;
    case 429: return status.RESOURCE_EXHAUSTED;
    case 503: return status.UNAVAILABLE;
    default: return httpStatus >= 400 && httpStatus < 500 ? status.FAILED_PRECONDITION : status.INTERNAL;
  }
}

/** What a refusal carries, whether it was thrown in-process (AppError) or answered by REST (problem+json). */
interface Refusal {
  readonly httpStatus: number;
  readonly code: string;
  readonly message: string;
  readonly errors: readonly FieldError[];
  readonly retryable: boolean;
  /** Seconds to wait before a retry (REST's Retry-After), sent as the `retry-after` trailer. */
  readonly retryAfterS?: string | undefined;
  /** The request id of the REST call, so a log line can be found from the client's error. */
  readonly requestId?: string | undefined;
}

type GrpcAnswer = Partial<StatusObject> & { code: status };

/**
 * Trailers travel in one HTTP/2 header block, which clients cap (grpc-js: 8 KiB by default); a refusal that echoes
 * big input (hundreds of field errors, a 20 kB value in a message) made a bigger one, and the client never got the
 * answer (found by the fuzzer, ADR 0044). The details and the field errors are therefore bounded; the REST answer
 * (and the log line `x-request-id` names) keeps them whole.
 */
export const MAX_DETAILS_CHARS = 1_000;
export const MAX_FIELD_ERRORS_BYTES = 2_048;

/** Lone surrogates (unencodable in a trailer) replaced, at most `max` code points, with an ellipsis when cut. */
export function boundedText(text: string, max: number): string {
  const wellFormed = text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  const points = Array.from(wellFormed);
  return points.length <= max ? wellFormed : `${points.slice(0, max - 1).join('')}…`;
}

/** The first field errors whose JSON fits in MAX_FIELD_ERRORS_BYTES, each field and message bounded. */
export function boundedFieldErrors(errors: readonly FieldError[]): FieldError[] {
  const out: FieldError[] = [];
  let bytes = 2;
  for (const e of errors) {
    const item = { field: boundedText(e.field, 200), message: boundedText(e.message, 300) };
    const size = Buffer.byteLength(JSON.stringify(item), 'utf8') + 1;
    if (bytes + size > MAX_FIELD_ERRORS_BYTES) break;
    out.push(item);
    bytes += size;
  }
  return out;
}

function refusalStatus(r: Refusal): GrpcAnswer {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_KEY, r.code);
  if (r.retryable) metadata.set(ERROR_RETRYABLE_KEY, 'true');
  if (r.errors.length > 0) metadata.set(FIELD_ERRORS_KEY, Buffer.from(JSON.stringify(boundedFieldErrors(r.errors)), 'utf8'));
  if (r.retryAfterS !== undefined) metadata.set(RETRY_AFTER_KEY, r.retryAfterS);
  if (r.requestId !== undefined) metadata.set(REQUEST_ID_KEY, r.requestId);
  return { code: grpcStatusOf(r.httpStatus, r.code), details: boundedText(r.message, MAX_DETAILS_CHARS), metadata };
}

/**
 * The status a server answers for an error thrown by an implementation. Anything but an AppError is a fault whose
 * message stays in the server's log, as the HTTP mapper does.
 */
export function toGrpcStatus(error: unknown): GrpcAnswer {
  if (!(error instanceof AppError) && isTransientFault(error)) {
    // The server's database unreachable for now: the caller hears UNAVAILABLE (retryable), as the HTTP mapper's 503, so
    // its event handler or saga step waits the outage out instead of counting a failure (ADR 0014 addendum).
    return refusalStatus({ httpStatus: 503, code: 'UNAVAILABLE', message: 'A dependency of the remote (its database) is unavailable for now; nothing was changed', errors: [], retryable: true });
  }
  if (!(error instanceof AppError)) {
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_KEY, 'INTERNAL');
    return { code: status.INTERNAL, details: 'An unexpected error occurred; it has been logged', metadata };
  }
  return refusalStatus({ httpStatus: errorSpec(error.code).status, code: error.code, message: error.message, errors: error.errors, retryable: error.retryable });
}

/**
 * The status for a problem+json answer of the REST API (the public gRPC API runs REST operations): its code in the
 * trailers, its detail as the status details, its field errors; a Retry-After makes it retryable. A body that is no
 * problem (it should not happen) is INTERNAL, naming the HTTP status.
 */
export function problemToGrpcStatus(httpStatus: number, body: unknown, headers: { retryAfter?: string | undefined; requestId?: string | undefined } = {}): GrpcAnswer {
  const p = (typeof body === 'object' && body !== null ? body : {}) as { code?: unknown; detail?: unknown; errors?: unknown };
  const code = typeof p.code === 'string' ? p.code : httpStatus >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED';
  const message = typeof p.detail === 'string' ? p.detail : `The REST operation answered HTTP ${httpStatus}`;
  const errors = Array.isArray(p.errors)
    ? p.errors.filter((e): e is FieldError => typeof e === 'object' && e !== null && typeof (e as FieldError).field === 'string' && typeof (e as FieldError).message === 'string')
    : [];
  return refusalStatus({
    httpStatus, code, message, errors, retryable: headers.retryAfter !== undefined, retryAfterS: headers.retryAfter, requestId: headers.requestId,
  });
}

function fieldErrorsOf(metadata: Metadata): FieldError[] {
  const [raw] = metadata.get(FIELD_ERRORS_KEY);
  if (raw === undefined) return [];
  const parsed: unknown = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : raw);
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((e: unknown) => {
    if (typeof e !== 'object' || e === null) return [];
    const { field, message } = e as Record<string, unknown>;
    return typeof field === 'string' && typeof message === 'string' ? [{ field, message }] : [];
  });
}

/** True for the statuses that say the remote did not answer (down, unreachable or too slow), not that it refused. */
export function isUnreachable(error: ServiceError): boolean {
  return error.metadata.get(ERROR_CODE_KEY).length === 0 && (error.code === status.UNAVAILABLE || error.code === status.DEADLINE_EXCEEDED);
}

/**
 * The AppError a failed call re-throws: the remote's own (same code, message, field errors) when it sent one;
 * UNAVAILABLE when the remote could not be reached in time; INTERNAL for any other transport failure.
 */
export function fromGrpcError(error: ServiceError, what: string): AppError {
  const [code] = error.metadata.get(ERROR_CODE_KEY);
  if (typeof code === 'string') {
    const errors = fieldErrorsOf(error.metadata);
    const retryable = error.metadata.get(ERROR_RETRYABLE_KEY)[0] === 'true';
    // Both sides register the same contracts' catalogues, so the remote's code is one of ours.
    return new AppError(code as ErrorCode, error.details, { errors, retryable, cause: error });
  }
  if (isUnreachable(error)) return new AppError('UNAVAILABLE', `${what}: the remote did not answer in time (${status[error.code]}: ${error.details})`, { retryable: true, cause: error });
  return new AppError('INTERNAL', `${what} failed: ${status[error.code]}: ${error.details}`, { cause: error });
}

/** A gRPC ServiceError, as the client rejects with. */
export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && (error as Partial<ServiceError>).metadata instanceof Metadata;
}
