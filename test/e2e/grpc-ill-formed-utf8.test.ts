/**
 * A gRPC string field whose bytes are no UTF-8 (found by the edges hunt): protobufjs decodes them leniently, with
 * U+FFFD in their place, so `CreateOrder` with the external id bytes `PROBE-\xFF` made an order `PROBE-�`, where REST
 * refuses text no UTF-8 can carry (wellFormedUnicodeHook) rather than store U+FFFD. Now INVALID_ARGUMENT
 * VALIDATION_FAILED, after the caller is checked, and nothing is written; a U+FFFD the client really sent is kept.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicServices } from '../../src/rpc/protos.ts';
import { tableFingerprint } from '../support/fingerprint.ts';
import { injectClient, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';
import { credentialsMetadata, startGrpcTestApp, type GrpcTestApp } from '../support/grpc-floor.ts';

let g: GrpcTestApp;
let w: Warehouse;
beforeAll(async () => {
  g = await startGrpcTestApp();
  w = await setupWarehouse(injectClient(g.t.app, g.t.keys.admin), { siteCode: 'UTFG', aisles: 1, bays: 2, levels: 1, skus: 1 });
}, 60_000);
afterAll(async () => g?.close());

/** CreateOrder's bytes with the external id's marker byte `Z` replaced by `replacement`, sent as they are. */
async function createWithBytes(externalId: string, replacement: number | undefined, metadata: grpc.Metadata): Promise<{ status: string; code: unknown; externalId?: string }> {
  const def = publicServices().integration.CreateOrder;
  const request = { externalId, siteId: w.siteId, shipTo: { name: 'N', line1: 'L', city: 'C', postalCode: '1', country: 'DE' }, lines: [{ sku: w.products[0]!.sku, quantity: 1 }] };
  const bytes = Buffer.from(def.requestSerialize(request as never));
  if (replacement !== undefined) bytes[bytes.indexOf(Buffer.from('Z'))] = replacement;
  const client = new grpc.Client(`127.0.0.1:${g.server.port}`, grpc.credentials.createInsecure());
  try {
    return await new Promise((done) => {
      client.makeUnaryRequest(def.path, (b: Buffer) => b, def.responseDeserialize, bytes, metadata, { deadline: Date.now() + 10_000 }, (err, res) => {
        done(err === null
          ? { status: 'OK', code: undefined, externalId: (res as { order: { externalId: string } }).order.externalId }
          : { status: grpc.status[err.code], code: err.metadata.get('paklog-error-code')[0] });
      });
    });
  } finally {
    client.close();
  }
}

describe('a gRPC string field that is no UTF-8', () => {
  it('is INVALID_ARGUMENT VALIDATION_FAILED and writes nothing (an order PROBE-\\uFFFD before); anonymous is UNAUTHENTICATED first', async () => {
    const integration = credentialsMetadata({ apiKey: g.t.keys.integration });
    await g.t.settle();
    const before = await tableFingerprint(g.t.app.db);
    for (const byte of [0xff, 0xc3, 0x80]) {
      expect(await createWithBytes('UTF8-Z', byte, integration), byte.toString(16)).toEqual({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED' });
    }
    expect((await createWithBytes('UTF8-Z', 0xff, credentialsMetadata({}))).status).toBe('UNAUTHENTICATED');
    await g.t.settle();
    expect(await tableFingerprint(g.t.app.db)).toEqual(before);
  });

  it('keeps a U+FFFD the client sent as UTF-8, and plain text', async () => {
    const integration = credentialsMetadata({ apiKey: g.t.keys.integration });
    expect(await createWithBytes('UTF8-\uFFFD-Z', undefined, integration)).toEqual({ status: 'OK', code: undefined, externalId: 'UTF8-\uFFFD-Z' });
    expect(await createWithBytes('UTF8-OK-Z', undefined, integration)).toEqual({ status: 'OK', code: undefined, externalId: 'UTF8-OK-Z' });
  });
});
