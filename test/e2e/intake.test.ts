import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Order intake (issue 6): unknown sites and carriers are refused, sites are taken by code too, re-sent orders conflict. */
let t: TestApp;
let siteId: string;
beforeAll(async () => {
  t = await startTestApp();
  const site = await t.post('/api/v1/sites', { code: 'INTK', name: 'Intake' });
  expect(site.status).toBe(201);
  siteId = site.body.id;
  expect((await t.post('/api/v1/products', { sku: 'MUG', description: 'Mug', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300 })).status).toBe(201);
  expect((await t.post('/api/v1/products', { sku: 'TEA', description: 'Tea', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300 })).status).toBe(201);
});
afterAll(async () => {
  await t.close();
});

const shipTo = { name: 'Ada', line1: 'Main St 1', city: 'Berlin', postalCode: '10115', country: 'DE' };
const newOrder = (over: Record<string, unknown> = {}) => ({ externalId: 'X', siteId: 'INTK', shipTo, lines: [{ sku: 'MUG', quantity: 2 }, { sku: 'TEA', quantity: 1 }], ...over });
const orderCount = async (): Promise<number> => (await t.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders.orders'))[0]!.n;

describe('sites (item 5)', () => {
  it('an unknown site is 422 UNKNOWN_SITE naming /siteId for orders, tasks/next, waves, receipts and adjustments; nothing written', async () => {
    const before = await orderCount();
    for (const [url, body] of [
      ['/api/v1/orders', newOrder({ externalId: 'NOSITE-1', siteId: 'NOPE' })],
      ['/api/v1/tasks/next', { workerId: 'w1', siteId: 'sit_nope' }],
      ['/api/v1/waves', { siteId: 'NOPE' }],
      ['/api/v1/inventory/receipts', { siteId: 'NOPE', sku: 'MUG', locationCode: 'A', quantity: 1 }],
      ['/api/v1/inventory/adjustments', { siteId: 'NOPE', sku: 'MUG', locationCode: 'A', delta: 1, reason: 'FOUND' }],
    ] as const) {
      const res = await t.post(url, body);
      expect(res.status, url).toBe(422);
      expect(res.body.code, url).toBe('UNKNOWN_SITE');
      expect(res.body.errors, url).toContainEqual(expect.objectContaining({ field: '/siteId' }));
    }
    for (const url of ['/api/v1/inventory/atp?siteId=NOPE', '/api/v1/inventory/balances?siteId=NOPE', '/api/v1/orders?siteId=NOPE', '/api/v1/tasks?siteId=NOPE', '/api/v1/waves/pool?siteId=NOPE']) {
      const res = await t.get(url);
      expect(res.status, url).toBe(422);
      expect(res.body.errors, url).toContainEqual(expect.objectContaining({ field: '/querystring/siteId' }));
    }
    expect(await orderCount()).toBe(before);
  });

  it('a site is taken by its code as well as its id, and stored by id', async () => {
    const byCode = await t.post('/api/v1/orders', newOrder({ externalId: 'CODE-1' }));
    expect(byCode.status).toBe(201);
    expect(byCode.body.siteId).toBe(siteId);
    const listed = await t.get('/api/v1/orders?siteId=INTK');
    expect(listed.body.items.map((o: { id: string }) => o.id)).toContain(byCode.body.id);
    expect((await t.post('/api/v1/tasks/next', { workerId: 'w1', siteId: 'INTK' })).status).toBe(204);
    expect((await t.get('/api/v1/inventory/atp?siteId=INTK&sku=MUG')).status).toBe(200);
    expect((await t.get('/api/v1/sites/INTK')).body.id).toBe(siteId);
  });
});

describe('carriers (item 6)', () => {
  it('an order naming a carrier PakLog cannot book is 422 UNKNOWN_CARRIER naming /carrier, and nothing is written', async () => {
    const before = await orderCount();
    const res = await t.post('/api/v1/orders', newOrder({ externalId: 'UPS-1', carrier: 'UPS' }));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('UNKNOWN_CARRIER');
    expect(res.body.errors).toContainEqual(expect.objectContaining({ field: '/carrier' }));
    expect(await orderCount()).toBe(before);
    expect((await t.post('/api/v1/orders', newOrder({ externalId: 'OWN-1', carrier: 'OWN_FLEET' }))).status).toBe(201);
  });

  it('a shipment override must name a bookable carrier (422 UNKNOWN_CARRIER), checked before anything else', async () => {
    const res = await t.post('/api/v1/shipments', { orderId: 'ord_any', carrier: 'UPS' }, 'operator');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'UNKNOWN_CARRIER', errors: [{ field: '/carrier' }] });
  });
});

describe('re-sent orders (item 7)', () => {
  it('the same externalId with the same content is the same order (200); with other content 409 ORDER_CONFLICT naming what differs', async () => {
    const first = await t.post('/api/v1/orders', newOrder({ externalId: 'RESEND-1', shipBy: '2030-01-02T10:00:00Z' }));
    expect(first.status).toBe(201);
    // Same order: site by id instead of code, lines in another order, the same instant written otherwise, defaults spelled out.
    const same = await t.post('/api/v1/orders', newOrder({
      externalId: 'RESEND-1', siteId, shipBy: '2030-01-02T11:00:00+01:00', carrier: 'OWN_FLEET', priority: 5,
      lines: [{ sku: 'TEA', quantity: 1 }, { sku: 'MUG', quantity: 2 }],
    }));
    expect(same.status).toBe(200);
    expect(same.body.id).toBe(first.body.id);

    const before = await orderCount();
    const other = await t.post('/api/v1/orders', newOrder({ externalId: 'RESEND-1', shipBy: '2030-01-02T10:00:00Z', lines: [{ sku: 'MUG', quantity: 3 }] }));
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('ORDER_CONFLICT');
    expect(other.body.errors).toEqual([{ field: '/lines', message: expect.any(String) }]);
    const priority = await t.post('/api/v1/orders', newOrder({ externalId: 'RESEND-1', shipBy: '2030-01-02T10:00:00Z', priority: 1 }));
    expect(priority.status).toBe(409);
    expect(priority.body.errors.map((e: { field: string }) => e.field)).toEqual(['/priority']);
    expect(await orderCount()).toBe(before);
    expect((await t.get(`/api/v1/orders/${first.body.id}`)).body.lines.map((l: { ordered: number }) => l.ordered)).toEqual([2, 1]);
  });

  it('a retry of the create after a supervisor reprioritised, held or cancelled a line of the order is the order it created (200, nothing changed); other content than the create\'s stays 409 (integ4)', async () => {
    const create = newOrder({ externalId: 'RETRY-AFTER-CHANGE', priority: 5 });
    const first = await t.post('/api/v1/orders', create);
    expect(first.status).toBe(201);
    const id = first.body.id as string;
    expect((await t.post(`/api/v1/orders/${id}/reprioritise`, { priority: 1 })).status).toBe(200);
    const tea = (first.body.lines as { id: string; sku: string }[]).find((l) => l.sku === 'TEA')!;
    expect((await t.post(`/api/v1/orders/${id}/lines/${tea.id}/cancel`, { quantity: 1 })).status).toBe(200);
    await t.settle();
    expect((await t.post(`/api/v1/orders/${id}/hold`, { reason: 'Credit check' })).status).toBe(200);
    const before = (await t.get(`/api/v1/orders/${id}`)).body as { version: number; priority: number; status: string };
    expect([before.priority, before.status]).toEqual([1, 'ON_HOLD']);
    const orders = await orderCount();

    // The client's retry of its create (its first answer lost): the same order, as the supervisor left it. Before: 409 on /priority.
    const retry = await t.post('/api/v1/orders', create);
    expect([retry.status, retry.body.code, retry.body.errors]).toEqual([200, undefined, undefined]);
    expect(retry.body).toMatchObject({ id, priority: 1, status: 'ON_HOLD', version: before.version });
    const keyed = await t.post('/api/v1/orders', create, undefined, { 'idempotency-key': 'retry-after-change-2' });
    expect([keyed.status, keyed.body.id]).toEqual([200, id]);
    // The order as it is now is answered the same (as before).
    expect((await t.post('/api/v1/orders', { ...create, priority: 1 })).status).toBe(200);

    // Another create under that reference is still refused, naming what differs from the create that made the order.
    const other = await t.post('/api/v1/orders', { ...create, lines: [{ sku: 'MUG', quantity: 3 }, { sku: 'TEA', quantity: 1 }] });
    expect([other.status, other.body.code, other.body.errors.map((e: { field: string }) => e.field)]).toEqual([409, 'ORDER_CONFLICT', ['/lines']]);
    const elsewhere = await t.post('/api/v1/orders', { ...create, priority: 3, shipTo: { ...shipTo, city: 'Bonn' } });
    expect([elsewhere.status, elsewhere.body.errors.map((e: { field: string }) => e.field)]).toEqual([409, ['/priority', '/shipTo']]);
    expect(await orderCount()).toBe(orders);
    const after = (await t.get(`/api/v1/orders/${id}`)).body as { version: number; priority: number; status: string };
    expect([after.version, after.priority, after.status]).toEqual([before.version, 1, 'ON_HOLD']);
    await t.settle();
  }, 30_000);

  it('concurrent duplicates: one 201, identical ones 200 with that order, different ones 409', async () => {
    const same = newOrder({ externalId: 'RACE-RESEND' });
    const differs = newOrder({ externalId: 'RACE-RESEND', lines: [{ sku: 'MUG', quantity: 9 }] });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => t.post('/api/v1/orders', i % 2 === 0 ? same : differs)));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    const winner = created[0]!.body as { id: string; lines: { ordered: number }[] };
    const winnerIsSame = winner.lines.length === 2;
    for (const [i, r] of results.entries()) {
      if (r.status === 201) continue;
      const isSame = i % 2 === 0;
      expect(r.status, `request ${i}`).toBe(isSame === winnerIsSame ? 200 : 409);
      if (r.status === 200) expect(r.body.id).toBe(winner.id);
      else expect(r.body.code).toBe('ORDER_CONFLICT');
    }
  });
});
