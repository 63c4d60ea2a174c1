import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { LocationMasterEvents } from '../../contracts/location-master.ts';
import { tableFingerprint } from '../../../test/support/fingerprint.ts';
import { gqlClient, must } from '../../../test/support/graphql-client.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { eventsOf, movementCount, newLocation, newProduct, newSite, publish, summaryOf, unique } from './test-fixtures.ts';

/** Issue 11, holds and cycle counts through their routes on a real database. */

let t: TestApp;
let site: { id: string; code: string };

beforeAll(async () => {
  t = await startTestApp();
  site = await newSite(t);
});
afterAll(async () => {
  await t.close();
});

const receive = async (sku: string, location: { id: string }, quantity: number): Promise<void> => {
  const res = await t.post('/api/v1/inventory/receipts', { siteId: site.id, sku, locationId: location.id, quantity });
  expect(res.status).toBe(201);
};
const atp = async (sku: string): Promise<number> => (await t.get(`/api/v1/inventory/atp?siteId=${site.id}&sku=${sku}`)).body.items[0].atp;
const hold = (body: Record<string, unknown>, role?: 'manager' | 'operator') =>
  t.post('/api/v1/inventory/holds', { siteId: site.id, status: 'HOLD', reason: 'QA sample', ...body }, role);
const release = (body: Record<string, unknown>) => t.post('/api/v1/inventory/hold-releases', { siteId: site.id, fromStatus: 'HOLD', reason: 'QA passed', ...body });
const requestCounts = (body: Record<string, unknown>) => t.post('/api/v1/inventory/counts', { siteId: site.id, ...body }, 'manager');
const submit = (id: string, body: Record<string, unknown>, role: 'operator' | 'manager' = 'operator') =>
  t.post(`/api/v1/inventory/counts/${id}/submit`, body, role);
const onHand = async (sku: string, locationId: string, status = 'AVAILABLE'): Promise<number> => {
  const res = await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}&locationId=${locationId}`);
  return res.body.items.find((b: { status: string }) => b.status === status)?.onHand ?? 0;
};
async function createOrder(sku: string, quantity: number): Promise<string> {
  const res = await t.post('/api/v1/orders', {
    externalId: unique('EXT-'), siteId: site.id, carrier: 'OWN_FLEET',
    shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' }, lines: [{ sku, quantity }],
  }, 'integration');
  expect(res.status).toBe(201);
  await t.settle();
  return res.body.id;
}
const orderStatus = async (id: string): Promise<string> => (await t.get(`/api/v1/orders/${id}`)).body.status;
async function countTasks(): Promise<{ reference: string; status: string; locationId: string | null }[]> {
  const tasks = await t.getAll<{ type: string; reference: string; status: string; locationId: string | null }>(`/api/v1/tasks?siteId=${site.id}`);
  return tasks.filter((x) => x.type === 'COUNT');
}

describe('holds', () => {
  it('held stock leaves ATP at once, is never allocated, and a release makes it allocatable again (backorder retried)', async () => {
    const sku = await newProduct(t);
    const shelf = await newLocation(t, site);
    await receive(sku, shelf, 10);
    const res = await hold({ sku, locationCode: shelf.code, quantity: 4, status: 'QUARANTINE', reason: 'supplier recall R-7' }, 'manager');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ fromStatus: 'AVAILABLE', toStatus: 'QUARANTINE', quantity: 4, from: { onHand: 6 }, to: { onHand: 4, status: 'QUARANTINE' } });
    expect(await atp(sku)).toBe(6);
    // The ledger records both movements, the reason and the caller.
    const ledger = (await t.get(`/api/v1/inventory/ledger?siteId=${site.id}&sku=${sku}&type=HOLD`)).body.items;
    expect(ledger.map((m: { status: string; deltaOnHand: number; reason: string }) => [m.status, m.deltaOnHand, m.reason]))
      .toEqual([['AVAILABLE', -4, 'supplier recall R-7'], ['QUARANTINE', 4, 'supplier recall R-7']]);
    expect(ledger[0].actor).toMatchObject({ kind: 'key', role: 'manager' });
    expect((await eventsOf(t, InventoryEvents.held)).some((e) => e.data['movementId'] === res.body.movementId)).toBe(true);

    const order = await createOrder(sku, 8);
    expect(await orderStatus(order)).toBe('BACKORDERED');
    const back = await release({ sku, locationId: shelf.id, quantity: 4, fromStatus: 'QUARANTINE' });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ toStatus: 'AVAILABLE', to: { onHand: 10 } });
    await t.settle();
    expect(await orderStatus(order)).toBe('ALLOCATED');
    expect(await atp(sku)).toBe(2);
  });

  it('refuses units orders were promised, more than is there, and operators, with nothing written', async () => {
    const sku = await newProduct(t);
    const shelf = await newLocation(t, site);
    await receive(sku, shelf, 10);
    await createOrder(sku, 8);
    const before = await movementCount(t);
    const promised = await hold({ sku, locationId: shelf.id, quantity: 3 });
    expect([promised.status, promised.body.code]).toEqual([409, 'STOCK_ALLOCATED']);
    expect((await hold({ sku, locationId: shelf.id, quantity: 11 })).body.code).toBe('INSUFFICIENT_STOCK');
    expect((await hold({ sku, locationId: shelf.id, quantity: 1, reason: ' ' })).body.code).toBe('VALIDATION_FAILED');
    expect((await hold({ sku, locationId: shelf.id, quantity: 1 }, 'operator')).status).toBe(403);
    expect((await release({ sku, locationId: shelf.id, quantity: 1 })).body.code).toBe('INSUFFICIENT_STOCK');
    expect(await movementCount(t)).toBe(before);
    expect((await hold({ sku, locationId: shelf.id, quantity: 2 })).status).toBe(201);
    expect(await atp(sku)).toBe(0);
  });

  it('a blocked location\'s units leave ATP as well (pickability.int.test.ts covers the flip); held units there stay out when unblocked', async () => {
    const sku = await newProduct(t);
    const shelf = await newLocation(t, site);
    await receive(sku, shelf, 6);
    expect((await hold({ sku, locationId: shelf.id, quantity: 2 })).status).toBe(201);
    expect((await t.post(`/api/v1/locations/${shelf.id}/block`, { reason: 'rack damaged' })).status).toBe(200);
    await t.settle();
    expect(await atp(sku)).toBe(0);
    expect((await t.post(`/api/v1/locations/${shelf.id}/unblock`)).status).toBe(200);
    await t.settle();
    expect(await atp(sku)).toBe(4);
  });
});

describe('cycle counts', () => {
  it('a count is blind in the stock reads too: an operator at the site reads no balance, as-of row, ledger movement or SKU total of what is under count; a manager, a viewer and an integration read all (found by the input12 hunt)', async () => {
    // Before: GET /inventory/counts/{id} was blind to the operator, but GET /inventory/balances?locationId=<the shelf>
    // answered onHand 10 (and the as-of rows, the ledger's receipt, the SKU's summary and GraphQL's inventoryBalances).
    const sku = await newProduct(t);
    const other = await newProduct(t);
    const shelf = await newLocation(t, site);
    await receive(sku, shelf, 10);
    await receive(other, shelf, 3);
    // Held units beside the free ones are part of what the count expects.
    expect((await hold({ sku, locationId: shelf.id, quantity: 2 })).status).toBe(201);
    expect((await hold({ sku: other, locationId: shelf.id, quantity: 1 })).status).toBe(201);
    const res = await requestCounts({ locationIds: [shelf.id], sku });
    expect(res.status).toBe(201);
    const count = res.body.items[0] as { id: string };
    await t.settle();
    const at = encodeURIComponent(new Date().toISOString());
    const reads = async (role: 'operator' | 'manager' | 'viewer' | 'integration') => {
      const balances = (await t.get(`/api/v1/inventory/balances?siteId=${site.id}&locationId=${shelf.id}`, role)).body.items as { sku: string }[];
      const asOf = (await t.get(`/api/v1/inventory/as-of?siteId=${site.id}&locationId=${shelf.id}&at=${at}`, role)).body.items as { sku: string }[];
      const ledger = (await t.get(`/api/v1/inventory/ledger?siteId=${site.id}&sku=${sku}`, role)).body.items as unknown[];
      const summary = (await t.get(`/api/v1/inventory/summary?siteId=${site.id}&sku=${sku}`, role)).body.items as unknown[];
      const gql = (await must(gqlClient(t.app, t.keys[role]), 'query($s: String!, $l: ID) { inventoryBalances(siteId: $s, locationId: $l) { nodes { sku onHand } } }',
        { s: site.id, l: shelf.id })).inventoryBalances.nodes as { sku: string }[];
      const holds = (await t.get(`/api/v1/inventory/holds?siteId=${site.id}&locationId=${shelf.id}`, role)).body.items as { sku: string }[];
      return {
        balances: [...new Set(balances.map((b) => b.sku))].sort(), asOf: [...new Set(asOf.map((b) => b.sku))].sort(), ledger: ledger.length, summary: summary.length,
        gql: [...new Set(gql.map((b) => b.sku))].sort(), holds: holds.map((h) => h.sku).sort(),
      };
    };
    expect(await reads('operator')).toEqual({ balances: [other], asOf: [other], ledger: 0, summary: 0, gql: [other], holds: [other] });
    for (const role of ['manager', 'viewer', 'integration'] as const) {
      // The receipt and the HOLD movement's two rows (out of AVAILABLE, into HOLD).
      expect(await reads(role), role).toEqual({ balances: [sku, other].sort(), asOf: [sku, other].sort(), ledger: expect.any(Number) as number, summary: 1, gql: [sku, other].sort(), holds: [sku, other].sort() });
      expect((await reads(role)).ledger, role).toBeGreaterThanOrEqual(2);
    }
    // Once the count is closed, the operator reads the shelf whole again.
    expect((await t.post(`/api/v1/inventory/counts/${count.id}/reject`, { reason: 'not needed' }, 'manager')).status).toBe(200);
    await t.settle();
    expect((await reads('operator')).balances).toEqual([sku, other].sort());
  });

  it('a count within tolerance: the location leaves ATP and refuses moves while counted, a blind COUNT task, then the variance applied', async () => {
    const sku = await newProduct(t);
    const shelf = await newLocation(t, site);
    const other = await newLocation(t, site);
    await receive(sku, shelf, 10);
    const res = await requestCounts({ locationIds: [shelf.id], sku, toleranceUnits: 1 });
    expect(res.status).toBe(201);
    const [count] = res.body.items;
    expect(count).toMatchObject({ status: 'OPEN', attempt: 1, origin: 'ON_DEMAND', toleranceUnits: 1, locationId: shelf.id });
    await t.settle();
    expect(await atp(sku)).toBe(0);
    const move = await t.post('/api/v1/inventory/moves', { siteId: site.id, sku, quantity: 1, fromLocationId: shelf.id, toLocationId: other.id }, 'operator');
    expect([move.status, move.body.code]).toEqual([409, 'LOCATION_UNDER_COUNT']);
    const into = await t.post('/api/v1/inventory/moves', { siteId: site.id, sku, quantity: 1, fromLocationId: other.id, toLocationId: shelf.id }, 'operator');
    expect(into.body.code).toBe('LOCATION_UNDER_COUNT');
    // The same units are never counted twice.
    expect((await requestCounts({ locationIds: [shelf.id], sku })).body.items.map((c: { id: string }) => c.id)).toEqual([count.id]);
    expect(await countTasks()).toContainEqual(expect.objectContaining({ reference: count.id, status: 'QUEUED', locationId: shelf.id }));
    // The counter sees no expected quantity.
    const blind = (await t.get(`/api/v1/inventory/counts/${count.id}`, 'operator')).body;
    expect(blind).toMatchObject({ blind: true, submissions: [] });

    // Alice takes the COUNT task from the queue, counts 9 and submits.
    const task = await t.post('/api/v1/tasks/next', { workerId: 'alice', siteId: site.id, types: ['COUNT'] }, 'operator');
    expect(task.body).toMatchObject({ reference: count.id, type: 'COUNT', locationId: shelf.id });
    expect((await t.post(`/api/v1/tasks/${task.body.id}/start`, { workerId: 'alice' }, 'operator')).status).toBe(200);
    const done = await submit(count.id, { attempt: 1, quantity: 9, workerId: 'alice' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'COMPLETED', blind: true, applied: null });
    await t.settle();
    const seen = (await t.get(`/api/v1/inventory/counts/${count.id}`, 'manager')).body;
    expect(seen).toMatchObject({ status: 'COMPLETED', applied: -1, submissions: [{ attempt: 1, counted: 9, expected: 10, variance: -1, withinTolerance: true, workerId: 'alice' }] });
    expect(await onHand(sku, shelf.id)).toBe(9);
    expect(await atp(sku)).toBe(9);
    expect((await t.get(`/api/v1/inventory/movements/${seen.movementId}`)).body).toMatchObject({ type: 'COUNT', deltaOnHand: -1, reference: count.id });
    expect(await countTasks()).toContainEqual(expect.objectContaining({ reference: count.id, status: 'COMPLETED' }));
    expect((await t.post('/api/v1/inventory/moves', { siteId: site.id, sku, quantity: 1, fromLocationId: shelf.id, toLocationId: other.id }, 'operator')).status).toBe(201);
  });

  it('the expected quantity is the ledger\'s when the count is submitted, not when it was opened: stock changes the count allows meanwhile (an adjustment, a receipt) make no false variance', async () => {
    const sku = await newProduct(t);
    const shelf = await newLocation(t, site);
    await receive(sku, shelf, 10);
    const [count] = (await requestCounts({ sku, locationIds: [shelf.id], toleranceUnits: 0 })).body.items;
    // While the count is open: 2 written off as damaged, 3 received straight onto the shelf (both allowed under count).
    expect((await t.post('/api/v1/inventory/adjustments', { siteId: site.id, sku, locationId: shelf.id, delta: -2, reason: 'DAMAGED' }, 'manager')).status).toBe(201);
    await receive(sku, shelf, 3);
    // The counter finds the 11 on the shelf: no variance (against 10 as opened it would be +1, and 1 unit made up).
    expect((await submit(count.id, { attempt: 1, quantity: 11, workerId: 'alice' })).body.status).toBe('COMPLETED');
    const closed = (await t.get(`/api/v1/inventory/counts/${count.id}`, 'manager')).body;
    expect(closed).toMatchObject({ status: 'COMPLETED', applied: 0 });
    expect(closed.submissions.map((x: { expected: number; variance: number }) => [x.expected, x.variance])).toEqual([[11, 0]]);
    expect(await onHand(sku, shelf.id)).toBe(11);
  });

  it('beyond tolerance: a recount by another counter, then a manager rejects and nothing is adjusted', async () => {
    const sku = await newProduct(t);
    const shelf = await newLocation(t, site);
    await receive(sku, shelf, 10);
    const [count] = (await requestCounts({ sku })).body.items;
    expect((await submit(count.id, { attempt: 2, quantity: 5 })).body.code).toBe('COUNT_ATTEMPT_MISMATCH');
    expect((await submit(count.id, { attempt: 1, quantity: 5, workerId: 'alice' })).body).toMatchObject({ status: 'RECOUNT', attempt: 2, taskReference: `${count.id}:recount` });
    await t.settle();
    // The first task was never claimed (the count came in from elsewhere): its work is done, so it leaves the queue.
    expect(await countTasks()).toEqual(expect.arrayContaining([
      expect.objectContaining({ reference: count.id, status: 'CANCELLED' }), expect.objectContaining({ reference: `${count.id}:recount`, status: 'QUEUED' })]));
    expect(await onHand(sku, shelf.id)).toBe(10);
    expect((await submit(count.id, { attempt: 2, quantity: 5, workerId: 'alice' })).body.code).toBe('RECOUNT_BY_SAME_COUNTER');
    expect((await submit(count.id, { attempt: 2, quantity: 5, workerId: 'bob' })).body.status).toBe('AWAITING_APPROVAL');
    expect((await t.get(`/api/v1/inventory/counts?siteId=${site.id}&status=AWAITING_APPROVAL`, 'manager')).body.items.map((c: { id: string }) => c.id)).toContain(count.id);
    expect((await t.post(`/api/v1/inventory/counts/${count.id}/reject`, {}, 'manager')).status).toBe(400);
    expect((await t.post(`/api/v1/inventory/counts/${count.id}/approve`, {}, 'operator')).status).toBe(403);
    const rejected = await t.post(`/api/v1/inventory/counts/${count.id}/reject`, { reason: 'found the rest in the overflow bin' }, 'manager');
    expect(rejected.body).toMatchObject({ status: 'REJECTED', applied: 0, decisionReason: 'found the rest in the overflow bin' });
    expect(rejected.body.submissions.map((s: { variance: number }) => s.variance)).toEqual([-5, -5]);
    await t.settle();
    expect(await onHand(sku, shelf.id)).toBe(10);
    expect(await atp(sku)).toBe(10);
    expect((await t.post(`/api/v1/inventory/counts/${count.id}/approve`, {}, 'manager')).body.code).toBe('ILLEGAL_TRANSITION');
    const closed = await eventsOf(t, InventoryEvents.countClosed, count.id);
    expect(closed.map((e) => e.data['status'])).toEqual(['REJECTED']);
  });

  it('units on hold at the counted location are counted with the rest and stay held: the variance is what is missing or found, applied to AVAILABLE (found by the black-box hunt)', async () => {
    const sku = await newProduct(t);
    const shelf = await newLocation(t, site);
    await receive(sku, shelf, 10);
    expect((await hold({ sku, locationId: shelf.id, quantity: 4, status: 'HOLD' }, 'manager')).status).toBe(201);
    expect((await hold({ sku, locationId: shelf.id, quantity: 1, status: 'DAMAGED' }, 'manager')).status).toBe(201);
    // The counter finds the 10 units on the shelf, held or not: nothing differs, nothing is made up.
    const [exact] = (await requestCounts({ locationIds: [shelf.id], sku, toleranceUnits: 5 })).body.items;
    expect((await submit(exact.id, { attempt: 1, quantity: 10, workerId: 'alice' })).body.status).toBe('COMPLETED');
    expect((await t.get(`/api/v1/inventory/counts/${exact.id}`, 'manager')).body).toMatchObject({
      applied: 0, submissions: [{ counted: 10, expected: 10, variance: 0 }] });
    expect([await onHand(sku, shelf.id), await onHand(sku, shelf.id, 'HOLD'), await onHand(sku, shelf.id, 'DAMAGED')]).toEqual([5, 4, 1]);
    // One unit is missing: it comes out of AVAILABLE; the held ones stay held.
    const [short] = (await requestCounts({ locationIds: [shelf.id], sku, toleranceUnits: 5 })).body.items;
    expect((await submit(short.id, { attempt: 1, quantity: 9, workerId: 'alice' })).body.status).toBe('COMPLETED');
    expect([await onHand(sku, shelf.id), await onHand(sku, shelf.id, 'HOLD'), await onHand(sku, shelf.id, 'DAMAGED')]).toEqual([4, 4, 1]);
    await t.settle();
    const summary = await summaryOf(t, site.id, sku);
    expect([summary.onHand, summary.received! + summary.adjusted!, summary.ledgerOnHand]).toEqual([9, 9, 9]);
  });

  it('a count without a lot of a lot-controlled product never adds lot-less units: beyond tolerance, and its approval is 422 UNPROCESSABLE on the lot (found by the black-box hunt)', async () => {
    const sku = await newProduct(t, { lotControlled: true });
    const shelf = await newLocation(t, site);
    const [count] = (await requestCounts({ locationIds: [shelf.id], sku, toleranceUnits: 5 })).body.items;
    expect(count).toMatchObject({ lot: null });
    expect((await submit(count.id, { attempt: 1, quantity: 2, workerId: 'alice' })).body.status).toBe('RECOUNT');
    expect((await submit(count.id, { attempt: 2, quantity: 2, workerId: 'bob' })).body.status).toBe('AWAITING_APPROVAL');
    const approved = await t.post(`/api/v1/inventory/counts/${count.id}/approve`, {}, 'manager');
    expect([approved.status, approved.body.code, approved.body.errors]).toEqual([422, 'UNPROCESSABLE', [{ field: '/lot', message: 'required: the product is lot-controlled' }]]);
    expect((await t.post(`/api/v1/inventory/counts/${count.id}/reject`, { reason: 'two units of lot L4: adjusted in under it' }, 'manager')).body.status).toBe('REJECTED');
    expect((await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}`)).body.items).toEqual([]);
  });

  it('a location holding two owners\' units of a SKU gets a count for each, each naming its owner (blind views too): each counter counts those units', async () => {
    const sku = await newProduct(t);
    const loc = await newLocation(t, site, { type: 'STORAGE' });
    const owner = (await t.post('/api/v1/owners', { code: unique('CNT-'), name: 'A 3PL client' })).body.id as string;
    await receive(sku, loc, 5);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: site.id, ownerId: owner, sku, locationId: loc.id, quantity: 3 })).status).toBe(201);
    const opened = await requestCounts({ sku, locationIds: [loc.id], toleranceUnits: 0 });
    expect(opened.status).toBe(201);
    const items = opened.body.items as { id: string; ownerId: string }[];
    expect(items.map((c) => c.ownerId).sort()).toEqual(['own_default', owner].sort());
    for (const c of items) {
      // The counter's blind view says whose units to count; counting them exactly closes the count with nothing applied.
      const blind = await t.get(`/api/v1/inventory/counts/${c.id}`, 'operator');
      expect(blind.body).toMatchObject({ ownerId: c.ownerId, blind: true });
      const done = await submit(c.id, { attempt: 1, quantity: c.ownerId === owner ? 3 : 5, workerId: 'counter-1' });
      expect(done.body.status).toBe('COMPLETED');
      expect((await t.get(`/api/v1/inventory/counts/${c.id}`, 'manager')).body).toMatchObject({ ownerId: c.ownerId, applied: 0 });
    }
  });

  it('refuses a request that names nothing or an unknown location, and counts nothing twice', async () => {
    expect((await requestCounts({})).body.code).toBe('VALIDATION_FAILED');
    expect((await requestCounts({ locationIds: ['loc_nope'] })).body).toMatchObject({ code: 'UNKNOWN_LOCATION', detail: `No location loc_nope at site ${site.code}` });
    const empty = await newLocation(t, site);
    expect((await requestCounts({ locationIds: [empty.id] })).body.code).toBe('UNPROCESSABLE');
  });

  it('the scheduler opens counts of due SKUs (by ABC class) at every location holding them, once per interval', async () => {
    const sku = await newProduct(t);
    const a = await newLocation(t, site);
    const b = await newLocation(t, site);
    await receive(sku, a, 3);
    await receive(sku, b, 4);
    expect((await t.request('PUT', '/api/v1/inventory/count-policies', { body: { siteId: site.id, sku, abcClass: 'A' }, role: 'manager' })).status).toBe(200);
    expect((await t.request('PUT', '/api/v1/inventory/count-settings', { body: { siteId: site.id, toleranceUnits: 0, tolerancePercent: 10 }, role: 'manager' })).body)
      .toMatchObject({ toleranceUnits: 0, tolerancePercent: 10 });
    const scheduler = t.app.modules.flatMap((m) => m.jobs ?? []).find((j) => j.name === 'inventory.count-scheduler');
    await scheduler!.run();
    await scheduler!.run();
    await t.settle();
    const counts = (await t.get(`/api/v1/inventory/counts?siteId=${site.id}&sku=${sku}`, 'manager')).body.items;
    expect(counts.map((c: { locationId: string; origin: string; tolerancePercent: number }) => [c.locationId, c.origin, c.tolerancePercent]).sort())
      .toEqual([[a.id, 'SCHEDULED', 10], [b.id, 'SCHEDULED', 10]].sort());
    const policies = (await t.get(`/api/v1/inventory/count-policies?siteId=${site.id}`)).body.items;
    expect(policies.find((p: { sku: string }) => p.sku === sku).lastScheduledAt).not.toBeNull();
    expect(await atp(sku)).toBe(0);
  });
});

describe('blind counts per site (found by the black-box hunt)', () => {
  it('a person who manages another site but counts at this one sees this site\'s counts blind, as any counter here', async () => {
    const other = await newSite(t);
    const sku = await newProduct(t);
    const shelf = await newLocation(t, site);
    await receive(sku, shelf, 4);
    const [count] = (await requestCounts({ locationIds: [shelf.id], sku })).body.items;
    const password = 'correct horse battery staple';
    const user = await t.post('/api/v1/users', { username: 'mixed.roles', password, grants: [{ siteId: other.id, role: 'manager' }, { siteId: site.id, role: 'operator' }] });
    expect(user.status).toBe(201);
    const session = await t.request('POST', '/api/v1/auth/login', { role: null, body: { username: 'mixed.roles', password } });
    const bearer = { authorization: `Bearer ${session.body.accessToken as string}` };
    const one = await t.request('GET', `/api/v1/inventory/counts/${count.id as string}`, { role: null, headers: bearer });
    expect([one.status, one.body.blind, one.body.expected]).toEqual([200, true, undefined]);
    const list = await t.request('GET', `/api/v1/inventory/counts?siteId=${site.id}&sku=${sku}`, { role: null, headers: bearer });
    expect(list.body.items.map((c: { blind: boolean }) => c.blind)).toEqual([true]);
    // A manager here sees it whole.
    expect((await t.get(`/api/v1/inventory/counts/${count.id as string}`, 'manager')).body.blind).toBe(false);
    // Nothing left open for the tests after it (its COUNT task would age in the queue while they compare the database).
    expect((await t.post(`/api/v1/inventory/counts/${count.id as string}/reject`, { reason: 'test over' }, 'manager')).status).toBe(200);
    await t.settle();
  });
});

describe('count policies (found by the black-box hunt)', () => {
  it('a policy for a SKU the catalogue does not know is 422 UNKNOWN_SKU naming /sku, and nothing is written', async () => {
    const before = await tableFingerprint(t.app.db);
    const unknown = await t.request('PUT', '/api/v1/inventory/count-policies', { body: { siteId: site.id, sku: 'NO-SUCH-SKU', abcClass: 'A' }, role: 'manager' });
    expect([unknown.status, unknown.body.code, unknown.body.errors]).toEqual([422, 'UNKNOWN_SKU', [{ field: '/sku', message: 'unknown SKU' }]]);
    const after = await tableFingerprint(t.app.db);
    expect(after['inventory.count_policies']).toBe(before['inventory.count_policies']);
    expect((await t.get(`/api/v1/inventory/count-policies?siteId=${site.id}&limit=1000`)).body.items.map((p: { sku: string }) => p.sku)).not.toContain('NO-SUCH-SKU');
  });
});

describe('counts and deactivated locations (found by the black-box hunt)', () => {
  // Location-master's and inventory's tables only: other contexts write on their own clocks (the exception scan).
  const countTables = async () => Object.fromEntries(Object.entries(await tableFingerprint(t.app.db))
    .filter(([k]) => k.startsWith('inventory.') || k.startsWith('location_master.')));

  it('a location an open count holds is not deactivated (409 LOCATION_UNDER_COUNT naming the count, nothing changed); blocked it may be', async () => {
    const sku = await newProduct(t);
    const shelf = await newLocation(t, site);
    await receive(sku, shelf, 5);
    const opened = await requestCounts({ locationIds: [shelf.id], sku });
    expect(opened.status).toBe(201);
    const countId = opened.body.items[0].id as string;
    await t.settle();
    const before = await countTables();
    const refused = await t.post(`/api/v1/locations/${shelf.id}/deactivate`, { reason: 'rack removed' }, 'manager');
    expect([refused.status, refused.body.code]).toEqual([409, 'LOCATION_UNDER_COUNT']);
    expect(refused.body.detail ?? refused.body.message).toContain(countId);
    expect(refused.body.errors).toEqual([{ field: '/countId', message: `open count ${countId} holds this location` }]);
    await t.settle();
    expect(await countTables()).toEqual(before);
    expect((await t.get(`/api/v1/locations/${shelf.id}`)).body.status).toBe('ACTIVE');

    expect((await t.post(`/api/v1/locations/${shelf.id}/block`, { reason: 'spill' }, 'manager')).status).toBe(200);
    expect((await t.post(`/api/v1/locations/${shelf.id}/unblock`, {}, 'manager')).status).toBe(200);
    expect((await submit(countId, { attempt: 1, quantity: 5, workerId: 'alice' })).body.status).toBe('COMPLETED');
    await t.settle();
    const deactivated = await t.post(`/api/v1/locations/${shelf.id}/deactivate`, { reason: 'rack removed' }, 'manager');
    expect([deactivated.status, deactivated.body.status]).toEqual([200, 'INACTIVE']);
  });

  it('a deactivation inventory hears while a count holds the location (opened between location-master\'s check and its commit) abandons the count: REJECTED, its task withdrawn, the location out of ATP (found by the race test)', async () => {
    const sku = await newProduct(t);
    const shelf = await newLocation(t, site);
    const other = await newLocation(t, site);
    await receive(sku, shelf, 4);
    await receive(sku, other, 2);
    const [count] = (await requestCounts({ locationIds: [shelf.id], sku })).body.items;
    await t.settle();
    expect(await atp(sku)).toBe(2);
    // Location-master committed the deactivation after asking inventory (which had no count then): its event arrives now.
    await publish(t, 'location-master', LocationMasterEvents.locationStatusChanged, shelf.id, site.id,
      { locationId: shelf.id, siteId: site.id, from: 'ACTIVE', to: 'INACTIVE', reason: 'rack removed', type: 'STORAGE' });
    await t.settle();
    const closed = (await t.get(`/api/v1/inventory/counts/${count.id}`, 'manager')).body;
    expect(closed).toMatchObject({ status: 'REJECTED', applied: 0, decisionReason: `location ${shelf.id} was deactivated (rack removed): nothing is counted there` });
    expect(await countTasks()).toContainEqual(expect.objectContaining({ reference: count.id, status: 'CANCELLED' }));
    expect((await submit(count.id, { attempt: 1, quantity: 9, workerId: 'alice' })).body.code).toBe('ILLEGAL_TRANSITION');
    expect([await onHand(sku, shelf.id), await atp(sku)]).toEqual([4, 2]);
    expect((await eventsOf(t, InventoryEvents.countClosed, count.id)).map((e) => e.data['status'])).toEqual(['REJECTED']);
  });

  it('a deactivated location is not counted: named, 409 LOCATION_NOT_ACTIVE and nothing written; a SKU-wide count passes it over', async () => {
    const sku = await newProduct(t);
    const gone = await newLocation(t, site);
    const kept = await newLocation(t, site);
    await receive(sku, gone, 3);
    await receive(sku, kept, 2);
    expect((await t.post(`/api/v1/locations/${gone.id}/deactivate`, {}, 'manager')).status).toBe(200);
    await t.settle();
    const before = await countTables();
    const named = await requestCounts({ locationIds: [gone.id] });
    expect([named.status, named.body.code]).toEqual([409, 'LOCATION_NOT_ACTIVE']);
    expect(named.body.errors).toEqual([{ field: '/locationIds', message: `${gone.id} is INACTIVE` }]);
    await t.settle();
    expect(await countTables()).toEqual(before);
    const skuWide = await requestCounts({ sku });
    expect(skuWide.status).toBe(201);
    expect(skuWide.body.items.map((c: { locationId: string }) => c.locationId)).toEqual([kept.id]);
  });
});
