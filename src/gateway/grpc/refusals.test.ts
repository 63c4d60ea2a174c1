/**
 * Regressions found by the fuzzer (ADR 0044), over a real socket: bytes that are no message of the method's type are
 * INVALID_ARGUMENT/VALIDATION_FAILED (grpc-js alone answers INTERNAL), and a refusal echoing huge input still reaches
 * the client (its trailers bounded under grpc-js's 8 KiB), after which the connection still serves calls.
 */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { MAX_DETAILS_CHARS } from '../../platform/rpc/rpc-errors.ts';
import { startRpcServer, unaryHandler, type RpcServer } from '../../platform/rpc/rpc-server.ts';
import { publicProtos, publicServices } from '../../rpc/protos.ts';
import { FLOOR_SERVICE } from './public-api.ts';

let server: RpcServer;
let client: grpc.Client;
const log = pino({ level: 'silent' });
let handled = 0;

beforeAll(async () => {
  server = await startRpcServer({
    host: '127.0.0.1', port: 0, protos: publicProtos(), log,
    services: [{
      name: FLOOR_SERVICE, definition: publicServices().floor,
      implementation: {
        GetPickList: unaryHandler(log, async (request: { pickListId: string }) => {
          handled++;
          if (request.pickListId === 'huge') {
            throw new AppError('VALIDATION_FAILED', `bad: ${'y'.repeat(50_000)} \ud800`, { errors: Array.from({ length: 600 }, (_, i) => ({ field: `/types/${i}`, message: 'z'.repeat(400) })) });
          }
          throw new AppError('NOT_FOUND', `No pick list ${request.pickListId}`);
        }),
      },
    }],
  });
  client = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await server?.close();
});

const call = (bytes: Buffer, metadata = new grpc.Metadata()): Promise<grpc.ServiceError> => new Promise((resolve, reject) => {
  client.makeUnaryRequest('/paklog.floor.v1.Floor/GetPickList', (b: Buffer) => b, (b: Buffer) => b, bytes, metadata, { deadline: Date.now() + 5_000 },
    (error) => (error === null ? reject(new Error('the call succeeded')) : resolve(error)));
});
const encode = (pickListId: string): Buffer => publicServices().floor.GetPickList.requestSerialize({ pickListId });

it('bytes that are no GetPickListRequest are INVALID_ARGUMENT with code VALIDATION_FAILED, not INTERNAL', async () => {
  for (const bytes of [Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from([0x0f]), Buffer.from('garbage that is no protobuf')]) {
    const error = await call(bytes);
    expect(grpc.status[error.code]).toBe('INVALID_ARGUMENT');
    expect(error.metadata.get('paklog-error-code')[0]).toBe('VALIDATION_FAILED');
  }
});

it('a refusal echoing huge input reaches the client with bounded details and field errors, and the connection keeps serving', async () => {
  const error = await call(encode('huge'));
  expect(grpc.status[error.code]).toBe('INVALID_ARGUMENT');
  expect(Array.from(error.details).length).toBeLessThanOrEqual(MAX_DETAILS_CHARS);
  const fieldErrors = JSON.parse((error.metadata.get('paklog-field-errors-bin')[0] as Buffer).toString('utf8')) as unknown[];
  expect(fieldErrors.length).toBeGreaterThan(0);
  expect(fieldErrors.length).toBeLessThan(600);
  const next = await call(encode('pkl_1'));
  expect(grpc.status[next.code]).toBe('NOT_FOUND');
});

it('a message over the 4 MiB receive limit is INVALID_ARGUMENT PAYLOAD_TOO_LARGE, as REST\'s 413 (found by the edges hunt: RESOURCE_EXHAUSTED without a code, the status this API gives rate limits)', async () => {
  const error = await call(encode('x'.repeat(4 * 1024 * 1024 + 10)));
  expect([grpc.status[error.code], error.metadata.get('paklog-error-code')[0]]).toEqual(['INVALID_ARGUMENT', 'PAYLOAD_TOO_LARGE']);
  expect(error.metadata.get('paklog-error-retryable')).toEqual([]);
  expect(error.details).toMatch(/larger than/);
  const next = await call(encode('pkl_1'));
  expect(grpc.status[next.code]).toBe('NOT_FOUND');
});

it('call metadata over REST\'s header limit (16 KiB) is INVALID_ARGUMENT HEADERS_TOO_LARGE, as REST\'s 431, and runs nothing (found by edge9: accepted up to ~64 KiB, and more than ~120 entries, even small ones REST takes, RESOURCE_EXHAUSTED without a code, the status of a rate limit)', async () => {
  const big = new grpc.Metadata();
  big.set('authorization', `Bearer ${randomBytes(30_000).toString('base64')}`);
  const many = new grpc.Metadata();
  for (let i = 0; i < 1_000; i++) many.set(`x-note-${i}`, 'n');
  const several = new grpc.Metadata();
  for (let i = 0; i < 10; i++) several.set(`x-part-${i}`, randomBytes(12_000).toString('base64'));
  const before = handled;
  for (const metadata of [big, many, several]) {
    const error = await call(encode('pkl_1'), metadata);
    expect([grpc.status[error.code], error.metadata.get('paklog-error-code')[0]]).toEqual(['INVALID_ARGUMENT', 'HEADERS_TOO_LARGE']);
    expect(error.details).toMatch(/metadata/);
  }
  expect(handled).toBe(before);
  const fits = new grpc.Metadata();
  fits.set('authorization', `Bearer ${randomBytes(6_000).toString('base64')}`);
  for (let i = 0; i < 150; i++) fits.set(`x-note-${i}`, 'n');
  const next = await call(encode('pkl_1'), fits);
  expect(grpc.status[next.code]).toBe('NOT_FOUND');
  expect(handled).toBe(before + 1);
});
