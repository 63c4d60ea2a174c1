/**
 * Issue 11 acceptance (a), counting and holds, through HTTP only: a blind count with a variance beyond tolerance asks
 * for a recount by another counter, the recount differs too, a manager approves and the variance is applied (COUNT
 * movement) — with ATP and the ledger checked at each step; held stock is not allocated to a new order, and its release
 * makes it allocatable. Every run ends with the stock ledger conserved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSkusConserved } from '../support/conservation.ts';
import { injectClient, orderStatus, setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let floor: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  floor = injectClient(t.app, t.keys.operator);
  w = await setupWarehouse(call, { siteCode: 'CYC', aisles: 1, bays: 2, levels: 1, skus: 2 });
});
afterAll(async () => {
  await t.close();
});

const atp = async (sku: string): Promise<number> => (await call<{ items: { atp: number }[] }>('atp', 'GET', `/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`)).body.items[0]!.atp;
const ledger = async (sku: string, type: string): Promise<{ deltaOnHand: number; reference: string; status: string }[]> =>
  (await call<{ items: { deltaOnHand: number; reference: string; status: string }[] }>('ledger', 'GET', `/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}&type=${type}`)).body.items;

async function receive(sku: string, locationId: string, quantity: number): Promise<void> {
  expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId, quantity })).status).toBe(201);
}

/** A worker claims their next COUNT task and starts it: the task's reference is what they count. */
async function takeCountTask(workerId: string): Promise<{ id: string; reference: string; locationId: string }> {
  const task = await until('count task', async () => (await floor<{ id?: string; reference: string; locationId: string }>('next', 'POST', '/api/v1/tasks/next',
    { workerId, siteId: w.siteId, types: ['COUNT'] })).body, (x) => typeof x === 'object' && x?.id !== undefined);
  expect((await floor('start', 'POST', `/api/v1/tasks/${task.id}/start`, { workerId })).status).toBe(200);
  return task as { id: string; reference: string; locationId: string };
}

describe('cycle count: beyond tolerance → recount → approval', () => {
  it('applies the approved variance once, keeps the location out of ATP until then, and conserves the ledger', async () => {
    const sku = w.products[0]!.sku;
    const shelf = w.storage[0]!;
    await receive(sku, shelf.id, 20);
    expect(await atp(sku)).toBe(20);
    const settings = await t.request('PUT', '/api/v1/inventory/count-settings', { body: { siteId: w.siteId, toleranceUnits: 1, tolerancePercent: null }, role: 'manager' });
    expect(settings.status).toBe(200);

    const opened = await call<{ items: { id: string; status: string }[] }>('count', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [shelf.id], sku });
    expect(opened.status).toBe(201);
    const countId = opened.body.items[0]!.id;
    await t.settle();
    expect(await atp(sku)).toBe(0);

    // Alice counts blind: 16 where the ledger says 20, beyond the 1-unit tolerance.
    const first = await takeCountTask('alice');
    expect(first).toMatchObject({ reference: countId, locationId: shelf.id });
    const blind = await floor<Record<string, unknown>>('count view', 'GET', `/api/v1/inventory/counts/${countId}`);
    expect(JSON.stringify(blind.body)).not.toContain('"expected"');
    const recount = await floor<{ status: string; attempt: number }>('submit', 'POST', `/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 16, workerId: 'alice' });
    expect(recount.body).toMatchObject({ status: 'RECOUNT', attempt: 2 });
    expect(await ledger(sku, 'COUNT')).toEqual([]);

    // Bob recounts (Alice may not): 17, still beyond tolerance → the manager's queue.
    await t.settle();
    const second = await takeCountTask('bob');
    expect(second.reference).toBe(`${countId}:recount`);
    const waiting = await floor<{ status: string }>('recount', 'POST', `/api/v1/inventory/counts/${countId}/submit`, { attempt: 2, quantity: 17, workerId: 'bob' });
    expect(waiting.body.status).toBe('AWAITING_APPROVAL');
    await t.settle();
    expect(await atp(sku)).toBe(0);
    const queue = await call<{ items: { id: string; submissions: { counted: number; expected: number; variance: number }[] }[] }>('approval queue', 'GET',
      `/api/v1/inventory/counts?siteId=${w.siteId}&status=AWAITING_APPROVAL`);
    expect(queue.body.items.map((c) => [c.id, c.submissions.map((s) => [s.counted, s.expected, s.variance])]))
      .toEqual([[countId, [[16, 20, -4], [17, 20, -3]]]]);

    const approved = await call<{ status: string; applied: number; movementId: string; decidedBy: string }>('approve', 'POST',
      `/api/v1/inventory/counts/${countId}/approve`, { reason: 'three units crushed and scrapped' });
    expect(approved.body).toMatchObject({ status: 'COMPLETED', applied: -3 });
    expect(approved.body.decidedBy).toBeTruthy();
    await t.settle();

    expect(await atp(sku)).toBe(17);
    expect(await ledger(sku, 'COUNT')).toEqual([expect.objectContaining({ deltaOnHand: -3, reference: countId, status: 'AVAILABLE' })]);
    const tasks = await t.getAll<{ type: string; reference: string; status: string; workerId: string | null }>(`/api/v1/tasks?siteId=${w.siteId}`);
    expect(tasks.filter((x) => x.type === 'COUNT').map((x) => [x.reference, x.status, x.workerId]))
      .toEqual([[countId, 'COMPLETED', 'alice'], [`${countId}:recount`, 'COMPLETED', 'bob']]);
    await expectSkusConserved(t, w.siteId, [{ sku, received: 20, shipped: 0, adjusted: -3 }]);
  });
});

describe('holds', () => {
  it('held stock is not allocated by a new order; its release makes it allocatable', async () => {
    const sku = w.products[1]!.sku;
    await receive(sku, w.storage[1]!.id, 10);
    const held = await call('hold', 'POST', '/api/v1/inventory/holds',
      { siteId: w.siteId, sku, locationId: w.storage[1]!.id, quantity: 6, status: 'DAMAGED', reason: 'forklift damage' });
    expect(held.status).toBe(201);
    expect(await atp(sku)).toBe(4);
    const order = await call<{ id: string }>('order', 'POST', '/api/v1/orders', {
      externalId: 'CYC-HOLD-1', siteId: w.siteId, carrier: 'OWN_FLEET',
      shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' }, lines: [{ sku, quantity: 5 }],
    });
    expect(order.status).toBe(201);
    await until('order backordered', () => orderStatus(call, order.body.id), (s) => s === 'BACKORDERED');
    expect(await atp(sku)).toBe(4);

    const released = await call('release', 'POST', '/api/v1/inventory/hold-releases',
      { siteId: w.siteId, sku, locationId: w.storage[1]!.id, quantity: 6, fromStatus: 'DAMAGED', reason: 'inspected: cosmetic only' });
    expect(released.status).toBe(201);
    await until('order allocated', () => orderStatus(call, order.body.id), (s) => s === 'ALLOCATED');
    expect(await atp(sku)).toBe(5);
    expect((await ledger(sku, 'HOLD')).map((m) => [m.status, m.deltaOnHand])).toEqual([['AVAILABLE', -6], ['DAMAGED', 6]]);
    expect((await ledger(sku, 'RELEASE')).map((m) => [m.status, m.deltaOnHand])).toEqual([['DAMAGED', -6], ['AVAILABLE', 6]]);
    await expectSkusConserved(t, w.siteId, [{ sku, received: 10, shipped: 0, adjusted: 0, allocated: 5 }]);
  });
});

describe('segregation of duties', () => {
  it('a person who counted may not approve the variance (403 OWN_COUNT_APPROVAL, nothing applied); another manager may', async () => {
    const sku = w.products[0]!.sku;
    const shelf = w.storage[0]!;
    const password = 'a long enough password for mia';
    expect((await t.post('/api/v1/users', { username: 'mia', password, grants: [{ siteId: '*', role: 'manager' }] })).status).toBe(201);
    const session = await t.request('POST', '/api/v1/auth/login', { role: null, body: { username: 'mia', password } });
    const mia = (method: string, url: string, body?: unknown) =>
      t.request(method, url, { role: null, headers: { authorization: `Bearer ${session.body.accessToken}` }, ...(body === undefined ? {} : { body }) });
    const opened = await mia('POST', '/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [shelf.id], sku });
    expect(opened.status).toBe(201);
    const countId = opened.body.items[0]!.id as string;
    await t.settle();
    // Mia counts 15 where the books say 17 (beyond the 1-unit tolerance); Bob recounts 15 too.
    const first = await mia('POST', `/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 15 });
    expect([first.status, first.body.status]).toEqual([200, 'RECOUNT']);
    await t.settle();
    const recount = await floor<{ status: string }>('recount', 'POST', `/api/v1/inventory/counts/${countId}/submit`, { attempt: 2, quantity: 15, workerId: 'bob' });
    expect(recount.body.status).toBe('AWAITING_APPROVAL');

    const own = await mia('POST', `/api/v1/inventory/counts/${countId}/approve`, { reason: 'I counted it myself' });
    expect([own.status, own.body.code]).toEqual([403, 'OWN_COUNT_APPROVAL']);
    expect((await call<{ status: string }>('count', 'GET', `/api/v1/inventory/counts/${countId}`)).body.status).toBe('AWAITING_APPROVAL');
    expect(await ledger(sku, 'COUNT')).toHaveLength(1);

    const approved = await call<{ status: string; applied: number }>('approve', 'POST', `/api/v1/inventory/counts/${countId}/approve`, { reason: 'two units missing' });
    expect(approved.body).toMatchObject({ status: 'COMPLETED', applied: -2 });
    await t.settle();
    await expectSkusConserved(t, w.siteId, [{ sku, received: 20, shipped: 0, adjusted: -5 }]);
  });
});

describe('a worker id ignores letter case in counting (ADR 0019)', () => {
  it('the first counter in another case (CARLA for carla) neither takes nor submits the recount; another counter does', async () => {
    const site = await setupWarehouse(call, { siteCode: 'CYCASE', aisles: 1, bays: 1, levels: 1, skus: 1 });
    const sku = site.products[0]!.sku;
    const shelf = site.storage[0]!;
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: site.siteId, sku, locationId: shelf.id, quantity: 10 })).status).toBe(201);
    expect((await t.request('PUT', '/api/v1/inventory/count-settings', { body: { siteId: site.siteId, toleranceUnits: 1, tolerancePercent: null }, role: 'manager' })).status).toBe(200);
    const opened = await call<{ items: { id: string }[] }>('count', 'POST', '/api/v1/inventory/counts', { siteId: site.siteId, locationIds: [shelf.id], sku });
    expect(opened.status).toBe(201);
    const countId = opened.body.items[0]!.id;
    await t.settle();
    const next = (workerId: string) => floor<{ id?: string; reference?: string }>('next', 'POST', '/api/v1/tasks/next', { workerId, siteId: site.siteId, types: ['COUNT'] });
    const task = await until('count task', async () => (await next('carla')).body, (x) => typeof x === 'object' && x?.id !== undefined);
    expect(task.reference).toBe(countId);
    expect((await floor('start', 'POST', `/api/v1/tasks/${task.id}/start`, { workerId: 'carla' })).status).toBe(200);
    const first = await floor<{ status: string }>('submit', 'POST', `/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 5, workerId: 'carla' });
    expect([first.status, first.body.status]).toEqual([200, 'RECOUNT']);
    await t.settle();

    // CARLA is carla: the recount task is not hers to take, and her recount is refused, changing nothing.
    const claimed = await next('CARLA');
    expect([claimed.status, claimed.body]).toEqual([204, undefined]);
    const same = await floor<{ code: string }>('recount', 'POST', `/api/v1/inventory/counts/${countId}/submit`, { attempt: 2, quantity: 5, workerId: 'CARLA' });
    expect([same.status, same.body.code]).toEqual([409, 'RECOUNT_BY_SAME_COUNTER']);
    expect((await call<{ status: string }>('count', 'GET', `/api/v1/inventory/counts/${countId}`)).body.status).toBe('RECOUNT');

    const other = await until('recount task', async () => (await next('dan')).body, (x) => typeof x === 'object' && x?.id !== undefined);
    expect(other.reference).toBe(`${countId}:recount`);
    const recount = await floor<{ status: string }>('recount', 'POST', `/api/v1/inventory/counts/${countId}/submit`, { attempt: 2, quantity: 5, workerId: 'dan' });
    expect([recount.status, recount.body.status]).toEqual([200, 'AWAITING_APPROVAL']);
  });
});
