/**
 * REST, GraphQL and gRPC where they parted on owners (3PL clients, ADR 0028) and on order intake:
 * - gRPC `CreateOrder` had no owner and no short-pick policy, and `GetAtp` no owner filter: an order sent over gRPC was
 *   always the default owner's and shipped partial, and a 3PL client's ATP could not be asked for. Now `owner_id`,
 *   `ship_complete` and `owner`, with REST's validation and codes (OWNER_NOT_ALLOWED, UNKNOWN_OWNER);
 * - GraphQL `createOrder` had no `shipComplete`, and its refusals other than ValidationFailed carried no field errors:
 *   REST's ORDER_CONFLICT names what differs (`/siteId`, `/ownerId` alone when the order is another site's or owner's),
 *   OWNER_NOT_ALLOWED names `/ownerId`. Every BusinessError member now has `fieldErrors`.
 * - gRPC `GetAtp` of a SKU the catalogue does not know answered ATP 0, as REST did; now UNKNOWN_SKU as REST (INVALID_ARGUMENT).
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectClient, planAndRelease, setupWarehouse, untilPooled, type Warehouse } from '../support/flow-driver.ts';
import { gqlClient, subscribe } from '../support/graphql-client.ts';
import type { Progress } from '../../src/gateway/graphql/progress.ts';
import { ownersOnly } from '../../src/gateway/graphql/resolvers.ts';
import { credentialsMetadata, grpcRefusal, startGrpcTestApp, type GrpcTestApp } from '../support/grpc-floor.ts';

let g: GrpcTestApp;
let w: Warehouse;
let sku: string;
let ownerA: string;
let ownerB: string;
/** An integration key scoped to owner A. */
let keyA: string;

const shipTo = { name: 'Ada', line1: '1 Row', city: 'London', postalCode: 'N1', country: 'GB' };

beforeAll(async () => {
  g = await startGrpcTestApp();
  const { t } = g;
  w = await setupWarehouse(injectClient(t.app, t.keys.admin), { siteCode: 'POW', aisles: 1, bays: 2, levels: 1, skus: 1 });
  sku = w.products[0]!.sku;
  ownerA = (await t.post('/api/v1/owners', { code: 'POWA', name: 'Owner A' })).body.id as string;
  ownerB = (await t.post('/api/v1/owners', { code: 'POWB', name: 'Owner B' })).body.id as string;
  const key = await t.post('/api/v1/api-keys', { name: 'owner A intake', role: 'integration', ownerId: ownerA });
  expect(key.status).toBe(201);
  keyA = key.body.key as string;
  expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId: ownerA, sku, locationId: w.storage[0]!.id, quantity: 5 })).status).toBe(201);
  expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId: ownerB, sku, locationId: w.storage[1]!.id, quantity: 2 })).status).toBe(201);
  await t.settle();
}, 120_000);
afterAll(async () => {
  await g.close();
});

const ordersOf = async (externalId: string): Promise<unknown[]> => (await g.t.get(`/api/v1/orders?externalId=${externalId}`)).body.items as unknown[];

describe('gRPC CreateOrder and GetAtp name an owner as REST does', () => {
  it('CreateOrder takes owner_id and ship_complete: the order is the owner\'s and never ships partial (the default owner\'s, shipping partial, before)', async () => {
    const md = credentialsMetadata({ apiKey: g.t.keys.integration });
    const answer = await g.rpc.createOrder({
      externalId: 'POW-1', siteId: 'POW', ownerId: ownerA, shipComplete: true, shipTo, lines: [{ sku, quantity: 1 }],
    }, md);
    expect(answer.created).toBe(true);
    expect(answer.order).toMatchObject({ ownerId: ownerA, shipComplete: true });
    const rest = (await g.t.get(`/api/v1/orders/${answer.order!.id}`)).body;
    expect([rest.ownerId, rest.shipComplete]).toEqual([ownerA, true]);
    // A key scoped to owner A: its own owner by default.
    const own = await g.rpc.createOrder({ externalId: 'POW-2', siteId: 'POW', shipTo, lines: [{ sku, quantity: 1 }] }, credentialsMetadata({ apiKey: keyA }));
    expect(own.order).toMatchObject({ ownerId: ownerA, shipComplete: false });
  });

  it('refuses another owner for a scoped key (OWNER_NOT_ALLOWED) and an unknown owner (UNKNOWN_OWNER), as REST, writing nothing', async () => {
    const cases = [
      { key: keyA, ownerId: ownerB, externalId: 'POW-X1', rest: [403, 'OWNER_NOT_ALLOWED'], grpc: 'PERMISSION_DENIED' },
      { key: g.t.keys.integration, ownerId: 'own_nobody', externalId: 'POW-X2', rest: [422, 'UNKNOWN_OWNER'], grpc: 'INVALID_ARGUMENT' },
    ] as const;
    for (const c of cases) {
      const body = { externalId: c.externalId, siteId: 'POW', ownerId: c.ownerId, shipTo, lines: [{ sku, quantity: 1 }] };
      const rest = await g.t.request('POST', '/api/v1/orders', { role: null, headers: { 'x-api-key': c.key }, body });
      expect([rest.status, rest.body.code], c.externalId).toEqual([...c.rest]);
      expect(await grpcRefusal(g.rpc.createOrder(body, credentialsMetadata({ apiKey: c.key }))), c.externalId)
        .toMatchObject({ status: c.grpc, code: c.rest[1], fields: ['/ownerId'] });
      expect(await ordersOf(c.externalId)).toEqual([]);
    }
  });

  it('GetAtp takes an owner: that owner\'s units only; a scoped key its own, OWNER_NOT_ALLOWED for another, UNKNOWN_OWNER for none', async () => {
    const md = credentialsMetadata({ apiKey: g.t.keys.integration });
    const restAtp = async (owner: string, key = g.t.keys.integration) =>
      g.t.request('GET', `/api/v1/inventory/atp?siteId=POW&sku=${sku}&owner=${owner}`, { role: null, headers: { 'x-api-key': key } });
    for (const owner of [ownerA, ownerB]) {
      const answer = await g.rpc.getAtp({ siteId: 'POW', sku, owner }, md);
      expect(answer.items.map((i) => i.onHandAvailable), owner).toEqual((await restAtp(owner)).body.items.map((i: { onHandAvailable: number }) => i.onHandAvailable));
    }
    expect((await g.rpc.getAtp({ siteId: 'POW', sku, owner: ownerB }, md)).items[0]?.onHandAvailable).toBe(2);
    expect((await g.rpc.getAtp({ siteId: 'POW', sku }, credentialsMetadata({ apiKey: keyA }))).items[0]?.onHandAvailable).toBe(5);
    expect([(await restAtp(ownerB, keyA)).body.code, (await restAtp('own_nobody')).body.code]).toEqual(['OWNER_NOT_ALLOWED', 'UNKNOWN_OWNER']);
    expect(await grpcRefusal(g.rpc.getAtp({ siteId: 'POW', sku, owner: ownerB }, credentialsMetadata({ apiKey: keyA }))))
      .toMatchObject({ status: 'PERMISSION_DENIED', code: 'OWNER_NOT_ALLOWED' });
    expect(await grpcRefusal(g.rpc.getAtp({ siteId: 'POW', sku, owner: 'own_nobody' }, md)))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'UNKNOWN_OWNER', fields: ['/querystring/owner'] });
  });

  it('GetAtp refuses a SKU the catalogue does not know as REST does (UNKNOWN_SKU, not ATP 0)', async () => {
    const md = credentialsMetadata({ apiKey: g.t.keys.integration });
    const rest = await g.t.request('GET', '/api/v1/inventory/atp?siteId=POW&sku=POW-NO-SUCH-SKU', { role: null, headers: { 'x-api-key': g.t.keys.integration } });
    expect([rest.status, rest.body.code]).toEqual([422, 'UNKNOWN_SKU']);
    expect(await grpcRefusal(g.rpc.getAtp({ siteId: 'POW', sku: 'POW-NO-SUCH-SKU' }, md)))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'UNKNOWN_SKU', fields: ['/querystring/sku'] });
  });
});

describe('GraphQL createOrder as REST\'s POST /orders', () => {
  const create = `mutation($input: CreateOrderInput!) { createOrder(input: $input) {
    __typename ... on Order { id ownerId shipComplete backorderReason } ... on BusinessError { code httpStatus fieldErrors { field message } } } }`;

  it('takes shipComplete (no such input field before)', async () => {
    const answer = await gqlClient(g.t.app, g.t.keys.integration)(create, {
      input: { externalId: 'POW-G1', siteId: 'POW', ownerId: ownerA, shipComplete: true, shipTo, lines: [{ sku, quantity: 1 }] },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.createOrder).toMatchObject({ __typename: 'Order', ownerId: ownerA, shipComplete: true, backorderReason: null });
    expect((await g.t.get(`/api/v1/orders/${answer.data.createOrder.id as string}`)).body.shipComplete).toBe(true);
  });

  it('answers ORDER_CONFLICT with REST\'s field errors (only /ownerId for another owner\'s order) and OWNER_NOT_ALLOWED naming /ownerId (no fieldErrors on Conflict and Forbidden before)', async () => {
    const first = { externalId: 'POW-G2', siteId: 'POW', ownerId: ownerB, shipTo, lines: [{ sku, quantity: 1 }] };
    expect((await g.t.post('/api/v1/orders', first)).status).toBe(201);
    // The same external id for owner A with other lines too: REST names the owner alone, not the other owner's lines.
    const again = { ...first, ownerId: ownerA, lines: [{ sku, quantity: 2 }] };
    const rest = await g.t.post('/api/v1/orders', again);
    expect([rest.status, rest.body.code, rest.body.errors]).toEqual([409, 'ORDER_CONFLICT', [{ field: '/ownerId', message: expect.any(String) }]]);
    const gql = await gqlClient(g.t.app, g.t.keys.integration)(create, { input: again });
    expect(gql.data.createOrder).toEqual({ __typename: 'Conflict', code: 'ORDER_CONFLICT', httpStatus: 409, fieldErrors: rest.body.errors });
    const forbidden = await gqlClient(g.t.app, keyA)(create, { input: { ...first, externalId: 'POW-G3' } });
    expect(forbidden.data.createOrder).toEqual({ __typename: 'Forbidden', code: 'OWNER_NOT_ALLOWED', httpStatus: 403, fieldErrors: [{ field: '/ownerId', message: expect.any(String) }] });
    expect(await ordersOf('POW-G3')).toEqual([]);
    expect((await g.t.get(`/api/v1/orders?externalId=POW-G2&include=lines`)).body.items.map((o: { ownerId: string; lines: { ordered: number }[] }) => [o.ownerId, o.lines[0]!.ordered]))
      .toEqual([[ownerB, 1]]);
  });
});

describe('a create sent again after a supervisor\'s change, on each protocol (integ4)', () => {
  it('gRPC CreateOrder and GraphQL createOrder retried after a reprioritise answer the order made (created false, Order), not ORDER_CONFLICT on /priority; other lines stay a Conflict', async () => {
    const md = credentialsMetadata({ apiKey: g.t.keys.integration });
    const create = { externalId: 'POW-R1', siteId: 'POW', ownerId: ownerA, priority: 5, shipTo, lines: [{ sku, quantity: 1 }] };
    const first = await g.rpc.createOrder(create, md);
    expect(first.created).toBe(true);
    expect((await g.t.post(`/api/v1/orders/${first.order!.id}/reprioritise`, { priority: 1 })).status).toBe(200);
    const again = await g.rpc.createOrder(create, md);
    expect([again.created, again.order?.id, again.order?.priority]).toEqual([false, first.order!.id, 1]);
    const gql = gqlClient(g.t.app, g.t.keys.integration);
    const query = `mutation($input: CreateOrderInput!) { createOrder(input: $input) {
      __typename ... on Order { id priority } ... on BusinessError { code fieldErrors { field } } } }`;
    expect((await gql(query, { input: create })).data.createOrder).toEqual({ __typename: 'Order', id: first.order!.id, priority: 1 });
    expect((await gql(query, { input: { ...create, lines: [{ sku, quantity: 2 }] } })).data.createOrder)
      .toEqual({ __typename: 'Conflict', code: 'ORDER_CONFLICT', fieldErrors: [{ field: '/lines' }] });
    expect(await grpcRefusal(g.rpc.createOrder({ ...create, lines: [{ sku, quantity: 2 }] }, md))).toMatchObject({ code: 'ORDER_CONFLICT', fields: ['/lines'] });
  });
});

describe("a pick list's lines name their owner over gRPC and GraphQL as over REST", () => {
  it("GetPickList and pickList give each line's ownerId as GET /pick-lists/{id} does (no owner on either before)", async () => {
    const order = await g.t.post('/api/v1/orders', { externalId: 'POW-PL1', siteId: 'POW', ownerId: ownerA, carrier: 'OWN_FLEET', shipTo, lines: [{ sku, quantity: 1 }] });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    const call = injectClient(g.t.app, g.t.keys.manager);
    await g.t.settle();
    await untilPooled(call, w.siteId, [order.body.id as string]);
    await planAndRelease(call, w.siteId, 10);
    await g.t.settle();
    const lists = (await g.t.get(`/api/v1/pick-lists?orderId=${order.body.id as string}`)).body.items as { id: string }[];
    expect(lists).toHaveLength(1);
    const id = lists[0]!.id;
    const rest = (await g.t.get(`/api/v1/pick-lists/${id}`)).body as { lines: { id: string; ownerId: string | null }[] };
    expect(rest.lines.map((l) => l.ownerId)).toEqual([ownerA]);
    const grpcList = await g.rpc.getPickList({ pickListId: id }, credentialsMetadata({ apiKey: g.t.keys.viewer }));
    const gql = await gqlClient(g.t.app, g.t.keys.viewer)('query($id: ID!) { pickList(id: $id) { lines { id ownerId } } }', { id });
    expect(gql.errors).toBeUndefined();
    expect({ grpc: grpcList.lines.map((l) => [l.id, (l as { ownerId?: string }).ownerId ?? null]), graphql: gql.data.pickList.lines.map((l: { id: string; ownerId: string | null }) => [l.id, l.ownerId]) })
      .toEqual({ grpc: rest.lines.map((l) => [l.id, l.ownerId]), graphql: rest.lines.map((l) => [l.id, l.ownerId]) });
  });
});

describe('gRPC bytes that are no message of the method\'s type', () => {
  const raw = (method: string, bytes: Buffer, metadata: grpc.Metadata): Promise<grpc.ServiceError> => new Promise((resolve, reject) => {
    const client = new grpc.Client(`127.0.0.1:${g.server.port}`, grpc.credentials.createInsecure());
    client.makeUnaryRequest(method, (b: Buffer) => b, (b: Buffer) => b, bytes, metadata, { deadline: Date.now() + 10_000 }, (error) => {
      client.close();
      if (error === null) reject(new Error('the call succeeded'));
      else resolve(error);
    });
  });
  const refusal = (e: grpc.ServiceError): [string, unknown] => [grpc.status[e.code], e.metadata.get('paklog-error-code')[0]];
  const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff]);

  it('are UNAUTHENTICATED without a credential and PERMISSION_DENIED for a role the method does not take, as REST refuses a body it cannot parse (INVALID_ARGUMENT to anyone before); VALIDATION_FAILED for a caller it takes', async () => {
    const methods = ['/paklog.integration.v1.Integration/CreateOrder', '/paklog.floor.v1.Floor/StartTask', '/paklog.floor.v1.Floor/GetPickList', '/paklog.integration.v1.Integration/GetAtp'];
    for (const m of methods) {
      expect(refusal(await raw(m, garbage, new grpc.Metadata())), m).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
      expect(refusal(await raw(m, garbage, credentialsMetadata({ apiKey: 'pk_not_a_key' }))), m).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    }
    // REST alike: a viewer posting a body that is no JSON is refused as a viewer.
    const rest = await g.t.app.http.inject({ method: 'POST', url: '/api/v1/orders', headers: { 'x-api-key': g.t.keys.viewer, 'content-type': 'application/json' }, payload: '{' });
    expect([rest.statusCode, rest.json().code]).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await raw(methods[0]!, garbage, credentialsMetadata({ apiKey: g.t.keys.viewer })))).toEqual(['PERMISSION_DENIED', 'FORBIDDEN']);
    expect(refusal(await raw(methods[1]!, garbage, credentialsMetadata({ apiKey: g.t.keys.integration })))).toEqual(['PERMISSION_DENIED', 'FORBIDDEN']);
    expect(refusal(await raw(methods[1]!, garbage, credentialsMetadata({ apiKey: keyA })))).toEqual(['PERMISSION_DENIED', 'OWNER_SCOPED_KEY']);
    // A caller the method takes is told the bytes are no message; nothing was written.
    const before = (await g.t.get('/api/v1/orders?limit=500')).body.items.length as number;
    for (const [m, key] of [[methods[0]!, g.t.keys.integration], [methods[1]!, g.t.keys.operator], [methods[2]!, g.t.keys.viewer], [methods[3]!, g.t.keys.viewer]] as const) {
      expect(refusal(await raw(m, garbage, credentialsMetadata({ apiKey: key }))), m).toEqual(['INVALID_ARGUMENT', 'VALIDATION_FAILED']);
    }
    expect((await g.t.get('/api/v1/orders?limit=500')).body.items.length).toBe(before);
  });
});

describe('a key scoped to an owner on the live stream and GraphQL subscriptions (refused before: OWNER_SCOPED_KEY, a closed socket)', () => {
  let base: string | undefined;
  const listening = async (): Promise<string> => (base ??= await g.t.app.http.listen({ port: 0, host: '127.0.0.1' }));
  const receipt = async (ownerId: string): Promise<void> => {
    expect((await g.t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId, sku, locationId: w.storage[0]!.id, quantity: 1 })).status).toBe(201);
  };

  it('/api/v1/live: hears the events naming its owner, none of another owner\'s and none that name no owner', async () => {
    const res = await fetch(`${await listening()}/api/v1/live`, { headers: { 'x-api-key': keyA } });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const frames: { id: string; type: string }[] = [];
    const reading = (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        const parts = buffer.split('\n\n');
        buffer = parts.pop()!;
        for (const p of parts) if (p.startsWith('data: ')) frames.push(...(JSON.parse(p.slice(6)) as { id: string; type: string }[]));
      }
    })();
    await receipt(ownerB);
    expect((await g.t.post('/api/v1/products', { sku: 'POW-LIVE', description: 'no owner', uom: 'EA', lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1 })).status).toBe(201);
    await receipt(ownerA);
    await g.t.settle();
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    await reader.cancel();
    await reading.catch(() => undefined);
    const events = (await g.t.get('/api/v1/events?siteId=POW&type=inventory.stock.received.v1&limit=500')).body.items as { id: string; data: { ownerId?: string } }[];
    const ofA = events.filter((e) => e.data.ownerId === ownerA).map((e) => e.id);
    expect(frames.every((f) => f.type === 'inventory.stock.received.v1' && ofA.includes(f.id)), JSON.stringify(frames)).toBe(true);
    expect(frames.map((f) => f.id)).toContain(ofA.at(-1));
  });

  it('GraphQL: connects, follows its own order (events of that order alone), NotFound for another owner\'s, OWNER_SCOPED_KEY for a wave', async () => {
    const url = `${(await listening()).replace('http', 'ws')}/graphql`;
    const mine = (await g.t.post('/api/v1/orders', { externalId: 'POW-S1', siteId: 'POW', ownerId: ownerA, shipTo, lines: [{ sku, quantity: 1 }] })).body.id as string;
    const theirs = (await g.t.post('/api/v1/orders', { externalId: 'POW-S2', siteId: 'POW', ownerId: ownerB, shipTo, lines: [{ sku, quantity: 1 }] })).body.id as string;
    const query = 'subscription($id: ID!) { orderProgress(orderId: $id) { type subject } }';
    const own = await subscribe(url, { headers: { 'x-api-key': keyA } }, query, { id: mine });
    expect(own.acked).toBe(true);
    const other = await subscribe(url, { headers: { 'x-api-key': keyA } }, query, { id: theirs });
    await expect.poll(() => other.errors.flat().map((e: { extensions?: { code?: string } }) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    const wave = await subscribe(url, { headers: { 'x-api-key': keyA } }, 'subscription { waveProgress(waveId: "wav_x") { type } }', {});
    await expect.poll(() => wave.errors.flat().map((e: { extensions?: { code?: string } }) => e.extensions?.code)).toEqual(['OWNER_SCOPED_KEY']);
    await new Promise((r) => setTimeout(r, 200));
    for (const id of [theirs, mine]) expect((await g.t.post(`/api/v1/orders/${id}/cancel`, { reason: 'parity' })).status).toBe(200);
    await g.t.settle();
    await expect.poll(() => own.received.map((m: { data: { orderProgress: { type: string; subject: string } } }) => m.data.orderProgress), { timeout: 10_000 })
      .toContainEqual({ type: 'orders.order.cancelled.v1', subject: mine });
    expect(own.received.every((m: { data: { orderProgress: { subject: string } } }) => m.data.orderProgress.subject !== theirs)).toBe(true);
    for (const s of [own, other, wave]) {
      s.ws.close();
      await s.closed;
    }
  });

  it('an event of its order that names other orders too (a pick list, a wave) or another owner does not reach it', async () => {
    const progress = (subject: string, data: unknown): Progress => ({ eventId: 'e', type: 't', subject, siteId: null, time: '', data });
    async function* source(): AsyncGenerator<Progress> {
      yield progress('ord_1', { orderId: 'ord_1' });
      yield progress('pkl_1', { orderIds: ['ord_1', 'ord_2'], lines: [] });
      yield progress('pkl_2', { orderId: 'ord_1', orderIds: ['ord_1'] });
      yield progress('wav_1', { waveId: 'wav_1', orderIds: ['ord_2', 'ord_1'] });
      yield progress('ord_1', { orderId: 'ord_1', ownerId: 'own_b' });
      yield progress('pkg_1', { orderId: 'ord_1', ownerId: 'own_a' });
    }
    const heard: string[] = [];
    for await (const p of ownersOnly(source(), 'ord_1', 'own_a')) heard.push(p.subject);
    expect(heard).toEqual(['ord_1', 'pkl_2', 'pkg_1']);
  });
});
