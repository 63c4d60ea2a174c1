import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { AppError, errorSpec, type ErrorCode, type FieldError } from '../errors.ts';

/**
 * How a PakLog error crosses gRPC: a status whose code follows the error's HTTP status (so generic gRPC tooling reads
 * it right), the message as the status details, and in the trailers what the caller needs to re-throw the same
 * AppError: the PakLog code, whether it is retryable and the field errors (JSON in a binary header, since messages
 * are not limited to ASCII).
 */
export const ERROR_CODE_KEY = 'paklog-error-code';
export const ERROR_RETRYABLE_KEY = 'paklog-error-retryable';
export const FIELD_ERRORS_KEY = 'paklog-field-errors-bin';

/** The gRPC status for an HTTP status (the catalogue states errors as HTTP statuses; one table translates). */
export function grpcStatusOf(httpStatus: number): status {
  switch (httpStatus) {
    case 400: case 413: case 414: case 415: case 417: case 422: case 431: return status.INVALID_ARGUMENT;
    case 401: return status.UNAUTHENTICATED;
    case 403: return status.PERMISSION_DENIED;
    case 404: return status.NOT_FOUND;
    case 408: return status.DEADLINE_EXCEEDED;
    case 409: return status.ABORTED;
    case 412: return status.FAILED_PRECONDITION;
    case 429: return status.RESOURCE_EXHAUSTED;
    case 503: return status.UNAVAILABLE;
    default: return httpStatus >= 400 && httpStatus < 500 ? status.FAILED_PRECONDITION : status.INTERNAL;
  }
}

/**
 * The status a server answers for an error thrown by an implementation. Anything but an AppError is a fault whose
 * message stays in the server's log, as the HTTP mapper does.
 */
export function toGrpcStatus(error: unknown): Partial<StatusObject> & { code: status } {
  const metadata = new Metadata();
  if (!(error instanceof AppError)) {
    metadata.set(ERROR_CODE_KEY, 'INTERNAL');
    return { code: status.INTERNAL, details: 'An unexpected error occurred; it has been logged', metadata };
  }
  metadata.set(ERROR_CODE_KEY, error.code);
  if (error.retryable) metadata.set(ERROR_RETRYABLE_KEY, 'true');
  if (error.errors.length > 0) metadata.set(FIELD_ERRORS_KEY, Buffer.from(JSON.stringify(error.errors), 'utf8'));
  return { code: grpcStatusOf(errorSpec(error.code).status), details: error.message, metadata };
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
