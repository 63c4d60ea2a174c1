import { PublishedEvents } from '../../src/contracts/events.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PakLogApp } from '../../src/app.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  createOrder, injectClient, orderStatus, packAndShip, planAndRelease, receiveStock, setupWarehouse, until, workTasks, type Call, type Warehouse,
} from '../support/flow-driver.ts';

/** People, per-site roles, the acting worker and the audit trail, through HTTP only (ADR 0019). */
let t: TestApp;
let admin: Call;
let siteA: Warehouse;
let siteB: Warehouse;
const password = 'correct horse battery staple';
const tokens = new Map<string, string>();

/** A client signed in as a person: `Authorization: Bearer <access token>`. */
function bearerClient(app: PakLogApp, token: string): Call {
  return async (_step, method, url, body) => {
    const res = await app.http.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.body === '' ? undefined : JSON.parse(res.body) };
  };
}

async function person(username: string, grants: { siteId: string; role: string }[]): Promise<{ id: string; call: Call; workerId: string }> {
  const created = await t.post('/api/v1/users', { username, password, grants });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const session = await t.request('POST', '/api/v1/auth/login', { role: null, body: { username, password } });
  expect(session.status).toBe(200);
  tokens.set(username, session.body.accessToken);
  return { id: created.body.id, call: bearerClient(t.app, session.body.accessToken), workerId: created.body.workerId };
}

const order = (w: Warehouse, i: number, prefix = 'ID') => ({
  externalId: `${prefix}-${w.siteId}-${i}`, siteId: w.siteId, carrier: 'OWN_FLEET',
  shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
  lines: [{ sku: w.products[0]!.sku, quantity: 1 }],
});

beforeAll(async () => {
  t = await startTestApp();
  admin = injectClient(t.app, t.keys.admin);
  siteA = await setupWarehouse(admin, { siteCode: 'SA', aisles: 1, bays: 4, levels: 1, skus: 2 });
  siteB = await setupWarehouse(admin, { siteCode: 'SBB', aisles: 1, bays: 4, levels: 1, skus: 2 });
  await receiveStock(admin, siteA, 20, 1);
  await receiveStock(admin, siteB, 20, 1);
});
afterAll(async () => {
  await t.close();
});

describe('roles per site', () => {
  it('a manager of site A who is a viewer at site B plans at A, only reads at B', async () => {
    // Grants name sites by code or id; they are kept by id.
    const ana = await person('ana', [{ siteId: 'SA', role: 'manager' }, { siteId: siteB.siteId, role: 'viewer' }]);
    const me = await ana.call('me', 'GET', '/api/v1/auth/me');
    expect(me.body.sites).toEqual({ [siteA.siteId]: 'manager', [siteB.siteId]: 'viewer' });

    expect((await ana.call('order A', 'POST', '/api/v1/orders', order(siteA, 1))).status).toBe(201);
    const atB = await ana.call('order B', 'POST', '/api/v1/orders', order(siteB, 1));
    expect(atB.status).toBe(403);
    expect(atB.body.code).toBe('FORBIDDEN_AT_SITE');
    // By code too: the site guard resolves it.
    expect((await ana.call('order B by code', 'POST', '/api/v1/orders', { ...order(siteB, 2), siteId: 'SBB' })).body.code).toBe('FORBIDDEN_AT_SITE');
    expect((await ana.call('read B', 'GET', `/api/v1/orders?siteId=${siteB.siteId}`)).status).toBe(200);

    // Commands on an existing resource are checked at the resource's site.
    const orderB = await createOrder(admin, siteB.siteId, { externalId: 'B-CANCEL', lines: [{ sku: siteB.products[0]!.sku, quantity: 1 }] });
    const orderA = await createOrder(admin, siteA.siteId, { externalId: 'A-CANCEL', lines: [{ sku: siteA.products[0]!.sku, quantity: 1 }] });
    const cancelB = await ana.call('cancel B', 'POST', `/api/v1/orders/${orderB.id}/cancel`, { reason: 'test' });
    expect(cancelB.status).toBe(403);
    expect(cancelB.body.code).toBe('FORBIDDEN_AT_SITE');
    expect(await orderStatus(admin, orderB.id)).not.toBe('CANCELLED');
    expect((await ana.call('cancel A', 'POST', `/api/v1/orders/${orderA.id}/cancel`, { reason: 'test' })).status).toBe(200);
  });

  it('a manager of site A alone is nothing at site B, and must name its site in lists', async () => {
    const carl = await person('carl', [{ siteId: siteA.siteId, role: 'manager' }]);
    const readB = await carl.call('read B', 'GET', `/api/v1/orders?siteId=${siteB.siteId}`);
    expect(readB.status).toBe(403);
    expect(readB.body.code).toBe('FORBIDDEN_AT_SITE');
    const unnamed = await carl.call('read all', 'GET', '/api/v1/orders');
    expect(unnamed.status).toBe(403);
    expect(unnamed.body.code).toBe('SITE_REQUIRED');
    expect((await carl.call('read A', 'GET', `/api/v1/orders?siteId=${siteA.siteId}`)).status).toBe(200);
    const orderB = await createOrder(admin, siteB.siteId, { externalId: 'B-READ', lines: [{ sku: siteB.products[0]!.sku, quantity: 1 }] });
    expect((await carl.call('get B', 'GET', `/api/v1/orders/${orderB.id}`)).status).toBe(403);
    // The event store too: only the events of a site the caller has a role at.
    await t.settle();
    expect((await carl.call('all events', 'GET', '/api/v1/events?limit=10')).body.code).toBe('SITE_REQUIRED');
    expect((await carl.call('B events', 'GET', `/api/v1/events?siteId=${siteB.siteId}`)).body.code).toBe('FORBIDDEN_AT_SITE');
    const eventsA = await carl.call('A events', 'GET', `/api/v1/events?siteId=SA&limit=1000`);
    expect(eventsA.status).toBe(200);
    expect(eventsA.body.items.length).toBeGreaterThan(0);
    expect(new Set(eventsA.body.items.map((e: { siteid?: string }) => e.siteid))).toEqual(new Set([siteA.siteId]));
  });

  it('an API key scoped to site A acts there only; unscoped keys act everywhere as before', async () => {
    const created = await t.post('/api/v1/api-keys', { name: 'shop A', role: 'integration', siteIds: ['SA'] });
    expect(created.status).toBe(201);
    expect(created.body.siteIds).toEqual([siteA.siteId]);
    const shop = injectClient(t.app, created.body.key);
    expect((await shop('A', 'POST', '/api/v1/orders', order(siteA, 10, 'KEY'))).status).toBe(201);
    expect((await shop('B', 'POST', '/api/v1/orders', order(siteB, 10, 'KEY'))).body.code).toBe('FORBIDDEN_AT_SITE');
    const integration = injectClient(t.app, t.keys.integration);
    expect((await integration('B', 'POST', '/api/v1/orders', order(siteB, 11, 'KEY'))).status).toBe(201);
  });
});

describe('worker profiles are their site\'s', () => {
  it('a manager of site A neither reads nor takes over the profile of a worker of site B', async () => {
    expect((await t.request('PUT', '/api/v1/workers/wb-1/profile', { body: { siteId: siteB.siteId, skills: ['hazmat'] } })).status).toBe(200);
    const gil = await person('gil', [{ siteId: siteA.siteId, role: 'manager' }]);
    const read = await gil.call('read B worker', 'GET', '/api/v1/workers/wb-1/profile');
    expect({ status: read.status, code: read.body.code }).toEqual({ status: 403, code: 'FORBIDDEN_AT_SITE' });
    const asGil = { role: null, headers: { authorization: `Bearer ${tokens.get('gil')!}` } } as const;
    const taken = await t.request('PUT', '/api/v1/workers/wb-1/profile', { ...asGil, body: { siteId: siteA.siteId } });
    expect({ status: taken.status, code: taken.body.code }).toEqual({ status: 403, code: 'FORBIDDEN_AT_SITE' });
    // In any letter case (ux6): WB-1 is wb-1, B's worker, read or moved (the PUT's 409 DUPLICATE would have named B's
    // worker to a caller of A only).
    for (const id of ['WB-1', 'Wb-1']) {
      const readAs = await gil.call(`read B worker as ${id}`, 'GET', `/api/v1/workers/${id}/profile`);
      expect({ status: readAs.status, code: readAs.body.code }).toEqual({ status: 403, code: 'FORBIDDEN_AT_SITE' });
      const takenAs = await t.request('PUT', `/api/v1/workers/${id}/profile`, { ...asGil, body: { siteId: siteA.siteId } });
      expect({ status: takenAs.status, code: takenAs.body.code }).toEqual({ status: 403, code: 'FORBIDDEN_AT_SITE' });
    }
    expect((await t.get('/api/v1/workers/wb-1/profile')).body).toMatchObject({ siteId: siteB.siteId, skills: ['hazmat'] });
    // Nor dispatches them to A's work (asn10): an assignment to A's task is taking B's worker over as the PUT would,
    // refused whole before anything is assigned (to anyone of the list) — as the PUT.
    // A's work: a blind receipt at A's dock queues a PUTAWAY task there.
    const dockA = (await t.get(`/api/v1/sites/${siteA.siteId}/locations?type=RECEIVING`)).body.items[0];
    const blind = await t.post('/api/v1/inventory/inbound-receipts', { siteId: siteA.siteId, sku: siteA.products[0]!.sku, quantity: 1, locationId: dockA.id });
    expect(blind.status, JSON.stringify(blind.body)).toBe(201);
    await until('a queued task at A', () => t.getAll(`/api/v1/tasks?siteId=${siteA.siteId}&status=QUEUED`), (q) => q.length > 0);
    for (const workerIds of [['wb-1'], ['WB-1'], ['wa-2', 'wb-1']]) {
      const batch = await t.request<{ code?: string }>('POST', '/api/v1/tasks/assign-batch', { ...asGil, body: { siteId: siteA.siteId, workerIds } });
      expect({ workerIds, status: batch.status, code: batch.body.code }).toEqual({ workerIds, status: 403, code: 'FORBIDDEN_AT_SITE' });
    }
    for (const w of ['wb-1', 'wa-2']) expect(await t.getAll(`/api/v1/tasks?siteId=${siteA.siteId}&workerId=${w}`)).toEqual([]);
    // The putaway withdrawn (its task with it): the tests below take A's pick work.
    const putaways = await t.getAll<{ id: string }>(`/api/v1/inventory/putaways?siteId=${siteA.siteId}&status=OPEN`);
    for (const p of putaways) expect((await t.post(`/api/v1/inventory/putaways/${p.id}/cancel`, { reason: 'test work only' })).status).toBe(200);
    await until('no queued putaway at A', () => t.getAll<{ type: string }>(`/api/v1/tasks?siteId=${siteA.siteId}&status=QUEUED`), (q) => q.every((k) => k.type !== 'PUTAWAY'));
    // Its own site's workers, and new ones, as before.
    expect((await t.request('PUT', '/api/v1/workers/wa-1/profile', { ...asGil, body: { siteId: siteA.siteId } })).status).toBe(200);
    expect((await gil.call('read A worker', 'GET', '/api/v1/workers/wa-1/profile')).status).toBe(200);
    // A manager elsewhere who is an operator at A reads only their own profile at A.
    const hal = await person('hal', [{ siteId: siteB.siteId, role: 'manager' }, { siteId: siteA.siteId, role: 'operator' }]);
    const coworker = await hal.call('read A coworker', 'GET', '/api/v1/workers/wa-1/profile');
    expect({ status: coworker.status, code: coworker.body.code }).toEqual({ status: 403, code: 'ACTING_AS_ANOTHER_WORKER' });
  });
});

describe('platform administration is for admins of every site', () => {
  it('an admin of one site (a user or a site-scoped key) may not make users or keys, nor read dead letters: no escalation to every site', async () => {
    const ida = await person('ida', [{ siteId: siteA.siteId, role: 'admin' }]);
    const scoped = await t.post('/api/v1/api-keys', { name: 'admin of A', role: 'admin', siteIds: [siteA.siteId] });
    expect(scoped.status).toBe(201);
    const keyOfA = injectClient(t.app, scoped.body.key);
    const victim = await t.post('/api/v1/users', { username: 'victim', password, grants: [{ siteId: '*', role: 'operator' }] });
    for (const [who, call] of [['user', ida.call], ['key', keyOfA]] as const) {
      const attempts = [
        await call('admin user', 'POST', '/api/v1/users', { username: `boss-${who}`, password, grants: [{ siteId: '*', role: 'admin' }] }),
        await call('admin key', 'POST', '/api/v1/api-keys', { name: `everywhere-${who}`, role: 'admin' }),
        await call('users', 'GET', '/api/v1/users'),
        await call('keys', 'GET', '/api/v1/api-keys'),
        await call('dead letters', 'GET', '/api/v1/dead-letters'),
        await call('disable', 'POST', `/api/v1/users/${victim.body.id}/disable`, {}),
        await call('grant everywhere', 'POST', `/api/v1/users/${ida.id}/grants`, { siteId: '*', role: 'admin' }),
      ];
      expect({ who, statuses: attempts.map((r) => r.status) }).toEqual({ who, statuses: attempts.map(() => 403) });
    }
    const users: { username: string }[] = (await t.get('/api/v1/users')).body.items;
    expect(users.map((u) => u.username)).not.toContain('boss-user');
    expect((await t.get(`/api/v1/users/${victim.body.id}`)).body.disabledAt).toBeNull();
    expect((await t.get(`/api/v1/users/${ida.id}`)).body.grants).toEqual([{ siteId: siteA.siteId, role: 'admin' }]);
    // At its own site it is still an admin.
    expect((await ida.call('order A', 'POST', '/api/v1/orders', order(siteA, 40, 'IDA'))).status).toBe(201);
    expect((await keyOfA('order A', 'POST', '/api/v1/orders', order(siteA, 41, 'IDA'))).status).toBe(201);
  });
});

describe('the acting worker is the person signed in', () => {
  it('a worker may not take, start, complete or scan on tasks of someone else; an absent workerId is the caller', async () => {
    const bo = await person('bo', [{ siteId: '*', role: 'operator' }]);
    const other = await bo.call('next as eve', 'POST', '/api/v1/tasks/next', { workerId: 'eve', siteId: siteA.siteId });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('ACTING_AS_ANOTHER_WORKER');

    const o = await createOrder(admin, siteA.siteId, { externalId: 'BO-1', lines: [{ sku: siteA.products[1]!.sku, quantity: 2 }] });
    await until('allocated', () => orderStatus(admin, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndRelease(admin, siteA.siteId, 50);
    await t.settle();
    const next = await until('a task for bo', () => bo.call('next', 'POST', '/api/v1/tasks/next', { siteId: siteA.siteId }), (r) => r.status === 200);
    expect(next.body.assignedTo ?? next.body.workerId).toBe(bo.workerId);
    const start = await bo.call('start as eve', 'POST', `/api/v1/tasks/${next.body.id}/start`, { workerId: 'eve' });
    expect(start.body.code).toBe('ACTING_AS_ANOTHER_WORKER');
    expect((await bo.call('start', 'POST', `/api/v1/tasks/${next.body.id}/start`, {})).status).toBe(200);
    // On the floor a person scans only on the pick list its own task holds: not confirm, not short on another's.
    await t.settle();
    const cy = await person('cy', [{ siteId: '*', role: 'operator' }]);
    const list = (await bo.call('list', 'GET', `/api/v1/pick-lists/${next.body.reference}`)).body;
    const line = list.lines[0];
    const lineUrl = `/api/v1/pick-lists/${list.id}/lines/${line.id}`;
    const scan = { locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 1, toteId: 'TOTE-CY' };
    for (const [action, body] of [['confirm', scan], ['short', { reason: 'NOT_FOUND' }]] as const) {
      const taken = await cy.call(`${action} on bo's list`, 'POST', `${lineUrl}/${action}`, body);
      expect({ action, status: taken.status, code: taken.body.code }).toEqual({ action, status: 403, code: 'ACTING_AS_ANOTHER_WORKER' });
    }
    expect((await bo.call('pick list after', 'GET', `/api/v1/pick-lists/${list.id}`)).body.lines[0].picked).toBe(0);
    // Keys name the worker, as integrations and shared handhelds always did.
    const operatorKey = injectClient(t.app, t.keys.operator);
    expect((await operatorKey('next', 'POST', '/api/v1/tasks/next', { workerId: 'handheld-7', siteId: siteA.siteId })).status).not.toBe(403);
  });
});

describe('audit', () => {
  it('a person\'s commands, the events they cause and the ledger movements carry the person as actor', async () => {
    const dee = await person('dee', [{ siteId: siteA.siteId, role: 'operator' }]);
    const from = new Date().toISOString();
    const o = await createOrder(admin, siteA.siteId, { externalId: 'DEE-1', lines: [{ sku: siteA.products[0]!.sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(admin, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    // Drain the tasks other tests left at site A, then release a wave with dee's order only.
    const wave = await planAndRelease(admin, siteA.siteId, 50);
    expect(wave.orderIds).toContain(o.id);
    await t.settle();
    const expected = (await t.getAll(`/api/v1/tasks?siteId=${siteA.siteId}&status=QUEUED`)).length;
    const worked = await workTasks(dee.call, siteA.siteId, [dee.workerId], { expectedTasks: expected });
    expect(worked.tasks.size).toBeGreaterThan(0);
    await until('picked', () => orderStatus(admin, o.id), (s) => s === 'PICKED');
    await packAndShip(admin, o.id);
    await t.settle();

    const actor = { kind: 'user', id: dee.id, role: 'operator' };
    const mine: { type: string; actor: unknown; time: string }[] = await t.getAll(`/api/v1/audit?actor=${dee.id}`);
    const types = new Set(mine.map((e) => e.type));
    // Dee's own commands, and events other contexts emitted because of them.
    expect(types).toContain('tasks.task.started.v1');
    expect(types).toContain('picking.line.picked.v1');
    expect(types).toContain('orders.order.picked.v1'); // emitted by orders, caused by dee's last confirm
    for (const e of mine) expect(e.actor).toEqual(actor);

    const picks: { actor: unknown; reference: string | null }[] = await t.getAll(`/api/v1/inventory/ledger?siteId=${siteA.siteId}&type=PICK`);
    expect(picks.length).toBeGreaterThan(0);
    for (const m of picks) expect(m.actor).toEqual(actor);
    const receipts: { actor: { kind: string; id: string } | null }[] = await t.getAll(`/api/v1/inventory/ledger?siteId=${siteA.siteId}&type=RECEIPT`);
    expect(receipts.every((m) => m.actor?.kind === 'key')).toBe(true);
    const ships: { actor: { kind: string } | null }[] = await t.getAll(`/api/v1/inventory/ledger?siteId=${siteA.siteId}&type=SHIP`);
    expect(ships.some((m) => m.actor?.kind === 'key')).toBe(true);

    // Time filter: nothing of dee's before the test started, all of it after.
    expect(await t.getAll(`/api/v1/audit?actor=${dee.id}&to=${encodeURIComponent(from)}`)).toHaveLength(0);
    expect((await t.getAll(`/api/v1/audit?actor=${dee.id}&from=${encodeURIComponent(from)}`)).length).toBe(mine.length);
    // Only admins and managers read the trail.
    expect((await t.get('/api/v1/audit', 'operator')).status).toBe(403);
    expect((await t.get('/api/v1/audit', 'viewer')).status).toBe(403);
  });

  it('shows who made, re-granted, reset and disabled a user and made and revoked a key (found by the roles hunt: admin actions left no trail)', async () => {
    const from = new Date().toISOString();
    const adminKeyId = (await t.get('/api/v1/api-keys')).body.items.find((k: { name: string }) => k.name === 'test admin').id as string;
    const made = await t.post('/api/v1/users', { username: 'audited.erin', password, grants: [{ siteId: siteA.siteId, role: 'viewer' }] });
    expect(made.status).toBe(201);
    const userId = made.body.id as string;
    expect((await t.post(`/api/v1/users/${userId}/grants`, { siteId: siteB.siteId, role: 'operator' })).status).toBe(200);
    expect((await t.request('DELETE', `/api/v1/users/${userId}/grants/${siteB.siteId}`, {})).status).toBeLessThan(300);
    expect((await t.post(`/api/v1/users/${userId}/password`, { password: 'another long password here' })).status).toBe(200);
    expect((await t.post(`/api/v1/users/${userId}/disable`)).status).toBe(200);
    const key = await t.post('/api/v1/api-keys', { name: 'audited key', role: 'viewer', siteIds: [siteA.siteId] });
    expect(key.status).toBe(201);
    expect((await t.post(`/api/v1/api-keys/${key.body.id as string}/revoke`)).status).toBe(200);
    // Refused ones record nothing: an unknown user, a key revoked already.
    expect((await t.post('/api/v1/users/usr_nobody/disable')).status).toBe(404);
    expect((await t.post(`/api/v1/api-keys/${key.body.id as string}/revoke`)).status).toBe(404);
    await t.settle();
    const trail: { type: string; subject: string; siteId: string | null; actor: unknown; data: Record<string, unknown> }[] =
      (await t.getAll(`/api/v1/audit?actor=${adminKeyId}&from=${encodeURIComponent(from)}`)).filter((e: { type: string }) => e.type.startsWith('platform.'));
    // Before: none of these was recorded.
    expect(trail.map((e) => [e.type, e.subject, e.siteId])).toEqual([
      ['platform.user.created.v1', userId, null],
      ['platform.user.grant-changed.v1', userId, siteB.siteId],
      ['platform.user.grant-changed.v1', userId, siteB.siteId],
      ['platform.user.password-reset.v1', userId, null],
      ['platform.user.disabled.v1', userId, null],
      ['platform.api-key.created.v1', key.body.id, null],
      ['platform.api-key.revoked.v1', key.body.id, null],
    ]);
    for (const e of trail) expect(e.actor).toEqual({ kind: 'key', id: adminKeyId, role: 'admin' });
    for (const e of trail) expect(PublishedEvents.problems({ type: e.type, data: e.data }), e.type).toEqual([]);
    expect(trail[0]!.data).toEqual({ userId, username: 'audited.erin', workerId: 'audited.erin', grants: [{ siteId: siteA.siteId, role: 'viewer' }] });
    expect(trail.slice(1, 3).map((e) => e.data.role)).toEqual(['operator', null]);
    expect(trail[5]!.data).toEqual({ keyId: key.body.id, name: 'audited key', role: 'viewer', siteIds: [siteA.siteId], ownerId: null });
    // No secret in the trail.
    expect(JSON.stringify(trail)).not.toMatch(/long password|pk_|password_hash/);
  });

  it('an actor cannot be forged through the body: the key that called is the actor', async () => {
    const forged = await t.post('/api/v1/orders', { ...order(siteA, 99, 'FORGE'), actorid: 'usr_someone', actor: { id: 'usr_someone' } }, 'integration');
    expect(forged.status).toBe(400);
    const operatorKey = injectClient(t.app, t.keys.operator);
    const res = await operatorKey('next', 'POST', '/api/v1/tasks/next', { workerId: 'usr_boss', siteId: siteB.siteId });
    expect([200, 204]).toContain(res.status);
    const keyId = (await t.get('/api/v1/api-keys')).body.items.find((k: { name: string }) => k.name === 'test operator').id as string;
    expect(await t.getAll('/api/v1/audit?actor=usr_boss')).toHaveLength(0);
    if (res.status === 200) {
      const events: { subject: string; actor: { id: string } }[] = await t.getAll(`/api/v1/audit?actor=${keyId}`);
      expect(events.some((e) => e.subject === res.body.id)).toBe(true);
    }
  });
});
