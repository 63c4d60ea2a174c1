/**
 * The GraphQL and gRPC adapters against REST (ADR 0020, 0021) where they parted:
 * - a caller of some sites only (a site-scoped key) reading nested orders of a parent of its own site (`Wave.orders`,
 *   `Order.lines`, `PickList.orders`, `Shipment.order`): the loader's batch read `GET /orders?ids=` named no site, so REST
 *   answered SITE_REQUIRED and the parent itself came back null; and `events` had no `siteId` argument, so such a caller
 *   could never list events over GraphQL, where `GET /events?siteId=` serves it;
 * - an id `.` or `..`: the URL's dot segments were resolved before routing (`/tasks/../start` → `/start`), and the caller
 *   was told it may not call an operation it never asked for (403 FORBIDDEN naming `POST /api/v1/start`). Now
 *   VALIDATION_FAILED (a ValidationFailed member, a 400 error, INVALID_ARGUMENT), with nothing run;
 * - such an id (or an empty one) was refused before the caller was checked: gRPC told an anonymous call, a role the
 *   operation does not take and an owner-scoped key INVALID_ARGUMENT where REST and GraphQL answer 401/403 (GraphQL
 *   answered `..` ValidationFailed to a role it refuses for any other id). Now the caller is checked first;
 * - a GraphQL subscription re-checked only the credential (`GET /auth/me`) while its socket lived: a person whose role
 *   at the subscribed site was taken away, but who kept a role at another site, went on receiving that site's task
 *   events, which REST refused them at once. It now makes the subscription's own read again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, injectClient, orderStatus, packAndShip, planAndReleasePooled, until, workTasks, type Warehouse } from '../support/flow-driver.ts';
import { gqlClient, subscribe } from '../support/graphql-client.ts';
import { SUBSCRIPTION_RECHECK_MS } from '../../src/gateway/graphql/resolvers.ts';
import { IDENTIFIER_MESSAGE } from '../../src/platform/http/schemas.ts';
import { TEXT_MESSAGE } from '../../src/platform/text.ts';
import { credentialsMetadata, grpcRefusal, startGrpcTestApp, type GrpcTestApp } from '../support/grpc-floor.ts';
import { scopedSites } from '../support/site-app.ts';

let g: GrpcTestApp;
let a: Warehouse;
let b: Warehouse;
let scopedKey: string;
const at: Record<'a' | 'b', { orderId: string; waveId: string }> = { a: { orderId: '', waveId: '' }, b: { orderId: '', waveId: '' } };

beforeAll(async () => {
  g = await startGrpcTestApp();
  const { t } = g;
  ({ a, b, key: scopedKey } = await scopedSites(t, {
    a: { siteCode: 'PPA', aisles: 1, bays: 2, levels: 1, skus: 1 },
    b: { siteCode: 'PPBB', aisles: 1, bays: 3, levels: 1, skus: 1 },
  }, { name: 'manager of A', role: 'manager' }));
  const manager = injectClient(t.app, t.keys.manager);
  for (const [name, w] of [['a', a], ['b', b]] as const) {
    const sku = w.products[0]!.sku;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity: 3 })).status).toBe(201);
    const order = await createOrder(injectClient(t.app, t.keys.integration), w.siteId, { externalId: `PP-${name}`, lines: [{ sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(manager, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    const { waveId } = await planAndReleasePooled(manager, w.siteId, [order.id], 1);
    await t.settle();
    at[name] = { orderId: order.id, waveId };
  }
  // A's order is picked, packed and shipped: it has a shipment.
  await workTasks(injectClient(t.app, t.keys.operator), a.siteId, ['worker-1'], { expectedTasks: 1 });
  await until('picked', () => orderStatus(manager, at.a.orderId), (s) => s === 'PICKED');
  await packAndShip(manager, at.a.orderId);
}, 120_000);
afterAll(async () => {
  await g.close();
});

describe('GraphQL nested fields and events for a caller of some sites only', () => {
  it('reads a wave\'s orders, orders\' lines, a pick list\'s orders and a shipment\'s order at its own site (SITE_REQUIRED and a null parent before)', async () => {
    const gql = gqlClient(g.t.app, scopedKey);
    const wave = await gql(`query($id: ID!) { wave(id: $id) { id siteId orderIds orders { id siteId lines { sku ordered } } pickLists { id orders { id } } } }`, { id: at.a.waveId });
    expect(wave.errors).toBeUndefined();
    expect(wave.data.wave.orders).toEqual([{ id: at.a.orderId, siteId: a.siteId, lines: [{ sku: a.products[0]!.sku, ordered: 1 }] }]);
    expect(wave.data.wave.pickLists.flatMap((l: { orders: { id: string }[] }) => l.orders.map((o) => o.id))).toEqual([at.a.orderId]);
    const orders = await gql(`query($s: String) { orders(siteId: $s) { nodes { id lines { sku } shipments { id order { id siteId } } } } }`, { s: a.siteId });
    expect(orders.errors).toBeUndefined();
    expect(orders.data.orders.nodes).toEqual([{
      id: at.a.orderId, lines: [{ sku: a.products[0]!.sku }], shipments: [{ id: expect.any(String), order: { id: at.a.orderId, siteId: a.siteId } }],
    }]);
    // Another site's wave stays refused, nested fields and all.
    const other = await gql(`query($id: ID!) { wave(id: $id) { id orders { id } } }`, { id: at.b.waveId });
    expect(other.data.wave).toBeNull();
    expect(other.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN_AT_SITE']);
  });

  it('lists events of its own site with events(siteId:), SITE_REQUIRED without, FORBIDDEN_AT_SITE at another site', async () => {
    const gql = gqlClient(g.t.app, scopedKey);
    const query = 'query($s: String) { events(siteId: $s, first: 500) { nodes { subject siteId } } }';
    const own = await gql(query, { s: 'PPA' });
    expect(own.errors).toBeUndefined();
    expect(own.data.events.nodes.length).toBeGreaterThan(0);
    expect(own.data.events.nodes.filter((e: { siteId: string }) => e.siteId !== a.siteId)).toEqual([]);
    expect(own.data.events.nodes.map((e: { subject: string }) => e.subject)).toContain(at.a.orderId);
    expect((await gql(query)).errors?.map((e) => e.extensions?.code)).toEqual(['SITE_REQUIRED']);
    expect((await gql(query, { s: b.siteId })).errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN_AT_SITE']);
  });
});

describe('an id . or .. (the URL would resolve it away to another operation)', () => {
  it('is VALIDATION_FAILED over GraphQL, not FORBIDDEN for an operation never asked for; nothing changes', async () => {
    const gql = gqlClient(g.t.app, g.t.keys.manager);
    for (const id of ['.', '..']) {
      const cancel = await gql(`mutation($id: ID!) { cancelOrder(id: $id) { __typename ... on ValidationFailed { code httpStatus fieldErrors { field message } } } }`, { id });
      expect(cancel.data.cancelOrder, id).toEqual({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED', httpStatus: 400, fieldErrors: [{ field: '/id', message: 'is not an id' }] });
      const line = await gql(`mutation($p: ID!, $l: ID!) { shortPick(pickListId: $p, lineId: $l, reason: "NOT_FOUND") { __typename ... on BusinessError { code } } }`, { p: 'pkl_x', l: id });
      expect(line.data.shortPick, id).toEqual({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
      const read = await gql(`query($id: ID!) { task(id: $id) { id } }`, { id });
      expect(read.data.task).toBeNull();
      expect(read.errors?.map((e) => [e.extensions?.code, e.extensions?.status]), id).toEqual([['VALIDATION_FAILED', 400]]);
    }
    expect((await g.t.get(`/api/v1/orders/${at.b.orderId}`)).body.status).not.toBe('CANCELLED');
  });

  it('is INVALID_ARGUMENT VALIDATION_FAILED naming the field over gRPC', async () => {
    const md = credentialsMetadata({ apiKey: g.t.keys.operator });
    for (const id of ['.', '..']) {
      expect(await grpcRefusal(g.rpc.startTask({ taskId: id, workerId: 'worker-1' }, md)), id)
        .toEqual({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', details: 'task_id is not an id', fields: ['/task_id'] });
      expect(await grpcRefusal(g.rpc.getPickList({ pickListId: id }, md)), id)
        .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/pick_list_id'] });
      expect(await grpcRefusal(g.rpc.confirmPick({ pickListId: 'pkl_x', lineId: id, locationCode: 'A', barcode: 'B', quantity: 1, toteId: 'T' }, md)), id)
        .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/line_id'] });
    }
  });
});

describe('an identifier with white space at an end or an invisible character (found by the bad-input hunt)', () => {
  it('is refused over GraphQL and gRPC as over REST, naming the field; nothing runs', async () => {
    const gql = gqlClient(g.t.app, g.t.keys.manager);
    for (const workerId of ['worker-1 ', 'worker\u202e-1', 'worker-\u00071']) {
      const start = await gql(`mutation($id: ID!, $w: ID!) { startTask(id: $id, workerId: $w) { __typename ... on ValidationFailed { code httpStatus fieldErrors { field message } } } }`, { id: 'tsk_x', w: workerId });
      expect(start.data.startTask, JSON.stringify(workerId)).toEqual({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED', httpStatus: 400, fieldErrors: [{ field: '/workerId', message: IDENTIFIER_MESSAGE }] });
      expect(await grpcRefusal(g.rpc.startTask({ taskId: 'tsk_x', workerId }, credentialsMetadata({ apiKey: g.t.keys.operator }))), JSON.stringify(workerId))
        .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED' });
    }
  });
});

describe('free text with a control character, a bidi control or a line break (found by the bad-input hunt)', () => {
  it('is refused over GraphQL and gRPC as over REST, naming the field with the same message; nothing runs', async () => {
    const gql = gqlClient(g.t.app, g.t.keys.manager);
    for (const reason of ['credit\u001b[2Jcheck', 'credit \u202echeck', 'credit\ncheck', 'credit check ']) {
      const hold = await gql(`mutation($id: ID!, $r: String!) { holdOrder(id: $id, reason: $r) { __typename ... on ValidationFailed { code httpStatus fieldErrors { field message } } } }`, { id: 'ord_x', r: reason });
      expect(hold.data.holdOrder, JSON.stringify(reason)).toEqual({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED', httpStatus: 400, fieldErrors: [{ field: '/reason', message: TEXT_MESSAGE }] });
      expect(await grpcRefusal(g.rpc.rejectTask({ taskId: 'tsk_x', workerId: 'worker-1', reason }, credentialsMetadata({ apiKey: g.t.keys.operator }))), JSON.stringify(reason))
        .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/reason'] });
    }
  });
});

describe('a path id that is empty, . or .. from a caller REST refuses as such', () => {
  it('is UNAUTHENTICATED without a credential and PERMISSION_DENIED for a role or an owner-scoped key the operation does not take, over gRPC as over REST and GraphQL (INVALID_ARGUMENT to anyone before)', async () => {
    const { t } = g;
    const owner = await t.post('/api/v1/owners', { code: 'PPOWN', name: 'Parity owner' });
    expect(owner.status).toBe(201);
    const ownerKey = (await t.post('/api/v1/api-keys', { name: 'owner of parity', role: 'manager', ownerId: owner.body.id })).body.key as string;
    // REST checks the caller before it reads the request: an empty id is refused as the caller is.
    const rest = await t.request('POST', '/api/v1/tasks//start', { role: null, headers: { 'x-api-key': t.keys.integration }, body: { workerId: 'worker-1' } });
    expect([rest.status, rest.body.code]).toEqual([403, 'FORBIDDEN']);
    for (const id of ['', '.', '..']) {
      expect(await grpcRefusal(g.rpc.startTask({ taskId: id, workerId: 'worker-1' }, credentialsMetadata({}))), id)
        .toMatchObject({ status: 'UNAUTHENTICATED', code: 'UNAUTHENTICATED' });
      const integration = credentialsMetadata({ apiKey: t.keys.integration });
      expect(await grpcRefusal(g.rpc.startTask({ taskId: id, workerId: 'worker-1' }, integration)), id).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN' });
      expect(await grpcRefusal(g.rpc.getPickList({ pickListId: id }, credentialsMetadata({ apiKey: ownerKey }))), id)
        .toMatchObject({ status: 'PERMISSION_DENIED', code: 'OWNER_SCOPED_KEY' });
      const start = await gqlClient(t.app, t.keys.integration)(
        'mutation($id: ID!) { startTask(id: $id, workerId: "worker-1") { __typename ... on BusinessError { code } } }', { id });
      expect(start.data.startTask, id).toEqual({ __typename: 'Forbidden', code: 'FORBIDDEN' });
      const read = await gqlClient(t.app, ownerKey)('query($id: ID!) { pickList(id: $id) { id } }', { id });
      expect(read.errors?.map((e) => e.extensions?.code), id).toEqual(['OWNER_SCOPED_KEY']);
      // A caller the operation takes is still told the id is not one.
      expect(await grpcRefusal(g.rpc.startTask({ taskId: id, workerId: 'worker-1' }, credentialsMetadata({ apiKey: t.keys.operator }))), id)
        .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/task_id'] });
    }
  });
});

describe('a GraphQL subscription of a person whose role at the subject\'s site is taken away', () => {
  it('ends within the recheck interval though the person keeps a role at another site; other subscribers go on receiving', async () => {
    const { t } = g;
    const password = 'a long enough password for parity';
    const user = await t.post('/api/v1/users', {
      username: 'pp-two-sites', password, grants: [{ siteId: a.siteId, role: 'manager' }, { siteId: b.siteId, role: 'manager' }],
    });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const session = await t.request('POST', '/api/v1/auth/login', { role: null, body: { username: 'pp-two-sites', password } });
    expect(session.status).toBe(200);
    const bearer = { authorization: `Bearer ${session.body.accessToken as string}` };
    const url = `${(await t.app.http.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')}/graphql`;
    const query = 'subscription($s: String!) { taskUpdates(siteId: $s) { type siteId } }';
    const person = await subscribe(url, { headers: bearer }, query, { s: 'PPA' });
    const kept = await subscribe(url, { headers: { 'x-api-key': t.keys.manager } }, query, { s: 'PPA' });
    expect(person.acked && kept.acked).toBe(true);
    await expect.poll(() => person.errors.length + kept.errors.length).toBe(0);

    expect((await t.request('DELETE', `/api/v1/users/${user.body.id as string}/grants/${a.siteId}`)).status).toBe(200);
    // REST refuses the person at A at once; B stays theirs.
    const atA = await t.request('GET', `/api/v1/tasks?siteId=${a.siteId}&limit=1`, { role: null, headers: bearer });
    expect([atA.status, atA.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    expect((await t.request('GET', '/api/v1/auth/me', { role: null, headers: bearer })).status).toBe(200);

    await new Promise((r) => setTimeout(r, SUBSCRIPTION_RECHECK_MS + 200));
    // A task event at A: a new order waved and released there.
    const manager = injectClient(t.app, t.keys.manager);
    const order = await createOrder(injectClient(t.app, t.keys.integration), a.siteId, { externalId: 'PP-a-2', lines: [{ sku: a.products[0]!.sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(manager, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndReleasePooled(manager, a.siteId, [order.id], 1);
    await t.settle();
    await expect.poll(() => kept.received.length, { timeout: 10_000 }).toBeGreaterThan(0);
    // Ended by the recheck (`complete`) — or, should the server have handled the client's `subscribe` only after the
    // grant was taken away (the protocol does not acknowledge a subscribe: seen once in a loaded CI run, 2026-12-04),
    // refused at its start with FORBIDDEN_AT_SITE. Either way it ends, and no event of A reaches the person.
    const ended = (): boolean => person.completed() || person.errors.flat().some((e: { extensions?: { code?: string } }) => e.extensions?.code === 'FORBIDDEN_AT_SITE');
    await expect.poll(ended, { timeout: 20_000 }).toBe(true);
    expect(person.received).toEqual([]);
    for (const s of [person, kept]) {
      s.ws.close();
      await s.closed;
    }
  }, 60_000);
});
