/**
 * The REST bridge on its own: what metadata becomes headers, the client address, and a call that arrives after its
 * deadline runs nothing; the public Integration API's Order carries every field of REST's order. The whole API over a
 * socket is test/e2e/grpc-floor.test.ts.
 */
import { Metadata, status, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { publicProtos, publicServices } from '../../rpc/protos.ts';
import { peerAddress, restHandler, restHeaders } from './rest-bridge.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Runs a handler with a call as grpc-js hands it over; resolves with the error or the answer. */
function run<Req>(handler: ReturnType<typeof restHandler<Req, unknown>>, request: Req, o: { metadata: Metadata; deadline?: number }): Promise<{ error: ServiceError | null; value: unknown }> {
  const call = {
    request, metadata: o.metadata, cancelled: false, getDeadline: () => o.deadline ?? Infinity, getPeer: () => '[::ffff:10.1.2.3]:5555', getPath: () => '/x',
  } as unknown as ServerUnaryCall<Req, unknown>;
  return new Promise((resolve) => {
    handler(call, (error, value) => resolve({ error: error as ServiceError | null, value }));
  });
}

describe('the REST bridge', () => {
  it('forwards credentials, idempotency key and trace context as headers, nothing else', () => {
    const m = new Metadata();
    m.set('authorization', 'Bearer abc');
    m.set('x-api-key', 'pk_1');
    m.set('idempotency-key', 'k-1');
    m.set('traceparent', '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01');
    m.set('x-paklog-principal', 'forged');
    m.set('user-agent', 'grpc-node');
    expect(restHeaders(m)).toEqual({
      authorization: 'Bearer abc', 'x-api-key': 'pk_1', 'idempotency-key': 'k-1', traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
    });
  });

  it('forwards x-forwarded-for with every value, in order, as one header: REST trusts it only from a trusted proxy (PAKLOG_TRUST_PROXY)', () => {
    const m = new Metadata();
    m.add('x-forwarded-for', '198.51.100.50');
    m.add('x-forwarded-for', '203.0.113.7, 10.0.0.2');
    expect(restHeaders(m)).toEqual({ 'x-forwarded-for': '198.51.100.50, 203.0.113.7, 10.0.0.2' });
  });

  it('reads the client address from the peer', () => {
    expect(peerAddress('127.0.0.1:5000')).toBe('127.0.0.1');
    expect(peerAddress('[::1]:5000')).toBe('::1');
    expect(peerAddress('ipv4:10.0.0.7:80')).toBe('10.0.0.7');
    expect(peerAddress('unix:/tmp/x')).toBe('127.0.0.1');
  });

  it('runs the REST operation with the caller\'s key and answers its body', async () => {
    const handler = restHandler(t.app.http, pino({ level: 'silent' }), () => ({ method: 'POST', url: '/sites', body: { code: 'BRG', name: 'Bridge' } }), (a) => a);
    const m = new Metadata();
    m.set('x-api-key', t.keys.manager);
    const answer = await run(handler, {}, { metadata: m });
    expect(answer.error).toBeNull();
    expect(answer.value).toMatchObject({ status: 201, body: { code: 'BRG' } });
    const again = await run(handler, {}, { metadata: m });
    expect(again.error).toMatchObject({ code: status.FAILED_PRECONDITION, details: expect.stringContaining('BRG') });
    expect(again.error?.metadata.get('paklog-error-code')).toEqual(['DUPLICATE']);
    expect(again.error?.metadata.get('x-request-id')).toHaveLength(1);
  });

  it('if-match metadata on an operation with no version is INVALID_ARGUMENT PRECONDITION_NOT_SUPPORTED, as over REST, and runs nothing (it was dropped before)', async () => {
    const handler = restHandler(t.app.http, pino({ level: 'silent' }), () => ({ method: 'POST', url: '/sites', body: { code: 'IFMG', name: 'If-Match' } }), (a) => a);
    const m = new Metadata();
    m.set('x-api-key', t.keys.manager);
    m.set('if-match', '"1"');
    const answer = await run(handler, {}, { metadata: m });
    expect(answer.error).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(answer.error?.metadata.get('paklog-error-code')).toEqual(['PRECONDITION_NOT_SUPPORTED']);
    const sites = await t.get('/api/v1/sites');
    expect(sites.body.items.map((s: { code: string }) => s.code)).not.toContain('IFMG');
  });

  it('idempotency-key, authorization or x-api-key metadata given twice is INVALID_ARGUMENT VALIDATION_FAILED, as over REST, and runs nothing (the first alone was used)', async () => {
    const handler = restHandler(t.app.http, pino({ level: 'silent' }), () => ({ method: 'POST', url: '/sites', body: { code: 'TWICE', name: 'Twice' } }), (a) => a);
    for (const [name, values] of [
      ['idempotency-key', ['k-a', 'k-b']],
      ['authorization', [`Bearer ${t.keys.manager}`, `Bearer ${t.keys.viewer}`]],
      ['x-api-key', [t.keys.manager, t.keys.viewer]],
    ] as const) {
      const m = new Metadata();
      if (name !== 'x-api-key' && name !== 'authorization') m.set('x-api-key', t.keys.manager);
      for (const v of values) m.add(name, v);
      expect(restHeaders(m)[name]).toEqual(values);
      const answer = await run(handler, {}, { metadata: m });
      expect({ name, code: answer.error?.code, paklog: answer.error?.metadata.get('paklog-error-code') }).toEqual({ name, code: status.INVALID_ARGUMENT, paklog: ['VALIDATION_FAILED'] });
    }
    const sites = await t.get('/api/v1/sites');
    expect(sites.body.items.map((s: { code: string }) => s.code)).not.toContain('TWICE');
  });

  it('a call past its deadline is answered DEADLINE_EXCEEDED and runs nothing', async () => {
    const handler = restHandler(t.app.http, pino({ level: 'silent' }), () => ({ method: 'POST', url: '/sites', body: { code: 'LATE', name: 'Late' } }), (a) => a);
    const m = new Metadata();
    m.set('x-api-key', t.keys.manager);
    const answer = await run(handler, {}, { metadata: m, deadline: Date.now() - 1 });
    expect(answer.error).toMatchObject({ code: status.DEADLINE_EXCEEDED });
    expect(answer.error?.metadata.get('paklog-error-code')).toEqual(['REQUEST_TIMEOUT']);
    const sites = await t.get('/api/v1/sites');
    expect(sites.body.items.map((s: { code: string }) => s.code)).not.toContain('LATE');
  });

  it('the Integration API\'s Order and OrderLine carry every field REST\'s GET /orders/{id} answers (shortAtPack was dropped), nested messages too (ShipTo lacked company, line3, state, phone and email)', () => {
    type Schema = { properties: Record<string, Schema>; items?: Schema };
    type Doc = {
      paths: Record<string, {
        get: { responses: Record<string, { content: Record<string, { schema: Schema }> }> };
        post: { requestBody: { content: Record<string, { schema: Schema }> } };
      }>;
    };
    const doc = t.app.http.swagger() as unknown as Doc;
    const rest = doc.paths['/api/v1/orders/{id}']!.get.responses['200']!.content['application/json']!.schema;
    const create = doc.paths['/api/v1/orders']!.post.requestBody.content['application/json']!.schema;
    const protoFields = (message: string): string[] => ((publicProtos()[`paklog.integration.v1.${message}`] as unknown as { type: { field: { name: string }[] } }).type.field.map((f) => f.name)).sort();
    const restFields = (schema: Schema): string[] => Object.keys(schema.properties).sort();
    expect(protoFields('OrderLine')).toEqual(restFields(rest.properties['lines']!.items!));
    expect(protoFields('Order')).toEqual(restFields(rest));
    // The nested messages, in answers and in CreateOrder's request, as REST's schemas have them.
    expect(protoFields('ShipTo')).toEqual(restFields(rest.properties['shipTo']!));
    expect(protoFields('ShipTo')).toEqual(restFields(create.properties['shipTo']!));
    expect(protoFields('OrderHold')).toEqual(restFields(rest.properties['hold']!));
    expect(protoFields('StatusChange')).toEqual(restFields(rest.properties['statusHistory']!.items!));
    expect(protoFields('CreateOrderRequest')).toEqual(restFields(create));
    expect(protoFields('OrderLineRequest')).toEqual(restFields(create.properties['lines']!.items!));
    // What REST answers reaches a gRPC client: a line's shortAtPack and the whole ship-to survive the wire.
    const method = publicServices().integration.CancelOrderLine;
    const line = { id: 'oln_1', lineNo: 1, sku: 'A', ordered: 3, allocated: 0, picked: 3, shorted: 0, packed: 2, shipped: 2, cancelled: 0, shortAtPack: 1 };
    const shipTo = {
      name: 'Ada', company: 'Engines Ltd', line1: '12 Row', line2: 'Floor 2', line3: 'Door B', city: 'London', state: 'Greater London', postalCode: 'N1 7AA',
      country: 'GB', phone: '+44 20 7946 0000', email: 'ada@example.com',
    };
    const wire = method.responseDeserialize(method.responseSerialize({ id: 'ord_1', lines: [line], shipTo }));
    expect(wire.lines[0]).toMatchObject(line);
    expect(wire.shipTo).toMatchObject(shipTo);
    const request = publicServices().integration.CreateOrder;
    expect(request.requestDeserialize(request.requestSerialize({ externalId: 'X', shipTo })).shipTo).toMatchObject(shipTo);
  });
  it('the Floor API\'s ShortAtPack carries every field REST\'s POST /pack-station/shorts takes and answers, pickedAgain included (ADR 0024 addendum 2026-12-07)', () => {
    type Schema = { properties: Record<string, Schema>; items?: Schema };
    type Op = { responses: Record<string, { content: Record<string, { schema: Schema }> }>; requestBody: { content: Record<string, { schema: Schema }> } };
    const op = (t.app.http.swagger() as unknown as { paths: Record<string, Record<string, Op>> }).paths['/api/v1/pack-station/shorts']!['post']!;
    const answer = op.responses['200']!.content['application/json']!.schema;
    const protoFields = (message: string): string[] => ((publicProtos()[`paklog.floor.v1.${message}`] as unknown as { type: { field: { name: string }[] } }).type.field.map((f) => f.name)).sort();
    expect(protoFields('ShortAtPackRequest')).toEqual(Object.keys(op.requestBody.content['application/json']!.schema.properties).sort());
    expect(protoFields('ShortAtPackResponse')).toEqual(Object.keys(answer.properties).sort());
    expect(protoFields('PackLine')).toEqual(Object.keys(answer.properties['unitsLeftToPack']!.items!.properties).sort());
    const method = publicServices().floor.ShortAtPack;
    const rest = { orderId: 'ord_1', lineId: 'oln_1', sku: 'A', quantity: 1, reason: 'MISSING', shortAtPack: 1, unitsLeftToPack: [{ lineId: 'oln_1', sku: 'A', quantity: 1 }], orderPacked: false, pickedAgain: true };
    expect(method.responseDeserialize(method.responseSerialize(rest))).toMatchObject(rest);
  });
  it('the Integration API\'s SafetyStock messages carry every field REST\'s safety-stock operations answer and take, the list\'s too', () => {
    type Schema = { properties: Record<string, Schema> };
    type Op = { parameters?: { in: string; name: string }[]; responses: Record<string, { content: Record<string, { schema: Schema }> }>; requestBody?: { content: Record<string, { schema: Schema }> } };
    const doc = t.app.http.swagger() as unknown as { paths: Record<string, Record<string, Op>> };
    const path = doc.paths['/api/v1/inventory/safety-stock/{siteId}/{sku}']!;
    const protoFields = (message: string): string[] => ((publicProtos()[`paklog.integration.v1.${message}`] as unknown as { type: { field: { name: string }[] } }).type.field.map((f) => f.name)).sort();
    const params = (op: Op, where: string): string[] => (op.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);
    for (const method of ['get', 'put', 'delete']) {
      expect(protoFields('SafetyStock'), method).toEqual(Object.keys(path[method]!.responses['200']!.content['application/json']!.schema.properties).sort());
    }
    const put = path['put']!;
    expect(protoFields('SetSafetyStockRequest')).toEqual([...params(put, 'path'), ...Object.keys(put.requestBody!.content['application/json']!.schema.properties)].sort());
    expect(protoFields('ClearSafetyStockRequest')).toEqual([...params(path['delete']!, 'path'), ...params(path['delete']!, 'query')].sort());
    expect(protoFields('GetSafetyStockRequest')).toEqual([...params(path['get']!, 'path'), ...params(path['get']!, 'query')].sort());
    // The list (ListSafetyStocks was missing): REST's query, its page (items, nextCursor).
    const list = doc.paths['/api/v1/inventory/safety-stock']!['get']!;
    expect(protoFields('ListSafetyStocksRequest')).toEqual(params(list, 'query').sort());
    expect(protoFields('ListSafetyStocksResponse')).toEqual(Object.keys(list.responses['200']!.content['application/json']!.schema.properties).sort());
  });
});
