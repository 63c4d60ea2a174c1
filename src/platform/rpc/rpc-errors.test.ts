import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { protoEnum } from './proto-enum.ts';
import { ERROR_CODE_KEY, fromGrpcError, grpcStatusOf, toGrpcStatus } from './rpc-errors.ts';

/** What a client receives for a status the server sent. */
function received(answer: ReturnType<typeof toGrpcStatus>): ServiceError {
  return Object.assign(new Error(answer.details), { code: answer.code, details: answer.details ?? '', metadata: answer.metadata ?? new Metadata() });
}

describe('PakLog errors as gRPC statuses', () => {
  it('maps the HTTP statuses of the catalogue to the gRPC codes generic tooling expects', () => {
    expect([400, 401, 403, 404, 408, 409, 412, 422, 429, 500, 503].map((s) => status[grpcStatusOf(s)])).toEqual([
      'INVALID_ARGUMENT', 'UNAUTHENTICATED', 'PERMISSION_DENIED', 'NOT_FOUND', 'DEADLINE_EXCEEDED', 'ABORTED',
      'FAILED_PRECONDITION', 'INVALID_ARGUMENT', 'RESOURCE_EXHAUSTED', 'INTERNAL', 'UNAVAILABLE',
    ]);
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
});

describe('protoEnum', () => {
  const types = protoEnum('LOCATION_TYPE_', ['PICK_FACE', 'DEPOT'] as const);
  it('prefixes contract values and reads them back; an unknown name is a fault', () => {
    expect(types.toProto('PICK_FACE')).toBe('LOCATION_TYPE_PICK_FACE');
    expect(types.fromProto('LOCATION_TYPE_DEPOT')).toBe('DEPOT');
    expect(() => types.fromProto('LOCATION_TYPE_UNSPECIFIED')).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
