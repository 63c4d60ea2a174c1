import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { protoEnum } from './proto-enum.ts';
import {
  ERROR_CODE_KEY, ERROR_RETRYABLE_KEY, FIELD_ERRORS_KEY, fromGrpcError, grpcStatusOf, problemToGrpcStatus, REQUEST_ID_KEY, RETRY_AFTER_KEY, toGrpcStatus,
} from './rpc-errors.ts';

/** What a client receives for a status the server sent. */
function received(answer: ReturnType<typeof toGrpcStatus>): ServiceError {
  return Object.assign(new Error(answer.details), { code: answer.code, details: answer.details ?? '', metadata: answer.metadata ?? new Metadata() });
}

describe('PakLog errors as gRPC statuses', () => {
  it('maps the HTTP statuses of the catalogue to the gRPC codes generic tooling expects', () => {
    expect([400, 401, 403, 404, 408, 412, 422, 429, 500, 503].map((s) => status[grpcStatusOf(s, 'ANY')])).toEqual([
      'INVALID_ARGUMENT', 'UNAUTHENTICATED', 'PERMISSION_DENIED', 'NOT_FOUND', 'DEADLINE_EXCEEDED',
      'FAILED_PRECONDITION', 'INVALID_ARGUMENT', 'RESOURCE_EXHAUSTED', 'INTERNAL', 'UNAVAILABLE',
    ]);
  });

  it('a 409 is ABORTED when a retry may pass (a concurrent writer, a running first attempt), FAILED_PRECONDITION when the state forbids it', () => {
    expect(['CONFLICT', 'IDEMPOTENCY_IN_PROGRESS'].map((c) => status[grpcStatusOf(409, c)])).toEqual(['ABORTED', 'ABORTED']);
    // A cancel and a SHIP scan of one order deciding at the dock: asked again a moment later, the answer is final.
    expect(['ORDER_SHIPPING', 'ORDER_CANCELLING'].map((c) => status[grpcStatusOf(409, c)])).toEqual(['ABORTED', 'ABORTED']);
    expect(['ILLEGAL_TRANSITION', 'ORDER_SHIPPED', 'INSUFFICIENT_STOCK', 'TASK_NOT_ASSIGNED_TO_WORKER', 'IDEMPOTENCY_OUTCOME_UNKNOWN', 'DUPLICATE']
      .map((c) => status[grpcStatusOf(409, c)])).toEqual(Array(6).fill('FAILED_PRECONDITION'));
  });

  it('an AppError survives the round trip: code, message, field errors, retryable', () => {
    const sent = new AppError('VERSION_MISMATCH', 'Wave wav_1 changed (version 3, not 2) — reload it', { errors: [{ field: '/version', message: 'is stale — 3 now' }], retryable: true });
    const answer = toGrpcStatus(sent);
    expect(answer.code).toBe(status.FAILED_PRECONDITION);
    const back = fromGrpcError(received(answer), '/x');
    expect(back).toBeInstanceOf(AppError);
    expect({ code: back.code, message: back.message, errors: back.errors, retryable: back.retryable, status: back.status })
      .toEqual({ code: sent.code, message: sent.message, errors: sent.errors, retryable: true, status: 412 });
  });

  it('a transport failure without a PakLog code is UNAVAILABLE when the remote was unreachable, INTERNAL otherwise', () => {
    const bare = (code: status): ServiceError => Object.assign(new Error('x'), { code, details: 'x', metadata: new Metadata() });
    expect(fromGrpcError(bare(status.UNAVAILABLE), '/x')).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(fromGrpcError(bare(status.DEADLINE_EXCEEDED), '/x')).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(fromGrpcError(bare(status.UNIMPLEMENTED), '/x')).toMatchObject({ code: 'INTERNAL', message: '/x failed: UNIMPLEMENTED: x' });
  });

  it('a fault that is not an AppError is INTERNAL with a generic message', () => {
    const answer = toGrpcStatus(new Error('password=hunter2'));
    expect(answer).toMatchObject({ code: status.INTERNAL, details: 'An unexpected error occurred; it has been logged' });
    expect(answer.metadata?.get(ERROR_CODE_KEY)).toEqual(['INTERNAL']);
  });

  it('a server whose database is unreachable for now answers UNAVAILABLE, which the caller takes as retryable (a transient fault)', () => {
    const answer = toGrpcStatus(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    expect(answer.code).toBe(status.UNAVAILABLE);
    expect(answer.details).not.toMatch(/5432/);
    expect(fromGrpcError(received(answer), '/x')).toMatchObject({ code: 'UNAVAILABLE', retryable: true, status: 503 });
  });
});

describe('REST problem+json answers as gRPC statuses (the public API)', () => {
  const problem = (httpStatus: number, code: string, extra: object = {}) =>
    problemToGrpcStatus(httpStatus, { type: 'x', title: 't', status: httpStatus, code, detail: `detail of ${code}`, traceId: 'req-1', ...extra }, { requestId: 'req-1' });

  it('maps every status of the brief, with the code, the request id and the message', () => {
    const cases: [number, string, string][] = [
      [400, 'VALIDATION_FAILED', 'INVALID_ARGUMENT'], [422, 'WRONG_LOCATION', 'INVALID_ARGUMENT'], [401, 'UNAUTHENTICATED', 'UNAUTHENTICATED'],
      [403, 'FORBIDDEN', 'PERMISSION_DENIED'], [404, 'NOT_FOUND', 'NOT_FOUND'], [409, 'ILLEGAL_TRANSITION', 'FAILED_PRECONDITION'],
      [409, 'IDEMPOTENCY_IN_PROGRESS', 'ABORTED'], [429, 'RATE_LIMITED', 'RESOURCE_EXHAUSTED'], [503, 'BUSY', 'UNAVAILABLE'], [500, 'INTERNAL', 'INTERNAL'],
    ];
    for (const [httpStatus, code, expected] of cases) {
      const answer = problem(httpStatus, code);
      expect(status[answer.code], code).toBe(expected);
      expect(answer.details).toBe(`detail of ${code}`);
      expect(answer.metadata?.get(ERROR_CODE_KEY)).toEqual([code]);
      expect(answer.metadata?.get(REQUEST_ID_KEY)).toEqual(['req-1']);
    }
  });

  it('carries field errors and Retry-After; a refusal with Retry-After is retryable', () => {
    const answer = problemToGrpcStatus(429, { status: 429, code: 'RATE_LIMITED', detail: 'slow down', errors: [{ field: '/quantity', message: 'ü too big' }, 'junk'] }, { retryAfter: '7' });
    expect(answer.metadata?.get(RETRY_AFTER_KEY)).toEqual(['7']);
    expect(answer.metadata?.get(ERROR_RETRYABLE_KEY)).toEqual(['true']);
    expect(JSON.parse((answer.metadata?.get(FIELD_ERRORS_KEY)[0] as Buffer).toString('utf8'))).toEqual([{ field: '/quantity', message: 'ü too big' }]);
  });

  it('a body that is no problem still maps by status', () => {
    expect(problemToGrpcStatus(502, 'Bad gateway')).toMatchObject({ code: status.INTERNAL, details: 'The REST operation answered HTTP 502' });
    expect(problemToGrpcStatus(400, null).metadata?.get(ERROR_CODE_KEY)).toEqual(['VALIDATION_FAILED']);
  });
});

describe('protoEnum', () => {
  const types = protoEnum('LOCATION_TYPE_', ['PICK_FACE', 'DEPOT'] as const);
  it('prefixes contract values and reads them back; an unknown name is a fault', () => {
    expect(types.toProto('PICK_FACE')).toBe('LOCATION_TYPE_PICK_FACE');
    expect(types.fromProto('LOCATION_TYPE_DEPOT')).toBe('DEPOT');
    expect(() => types.fromProto('LOCATION_TYPE_UNSPECIFIED')).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
