/**
 * The `locationId` filters of inventory's lists name a location as commands do: by its id or by its code at the site
 * (`DEMO-A-03-05-1`, what is printed on the rack). A code matched against ids answered an empty list, as if nothing were
 * there; now it answers what the id answers, and a value that is neither an id nor a code of the site (an unknown id, an
 * unknown code, another site's location) is 422 UNKNOWN_LOCATION on `/querystring/locationId`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectClient, setupWarehouse, type Warehouse } from '../../../test/support/flow-driver.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

let t: TestApp;
let a: Warehouse;
let b: Warehouse;
let at: string;

beforeAll(async () => {
  t = await startTestApp();
  const admin = injectClient(t.app, t.keys.admin);
  a = await setupWarehouse(admin, { siteCode: 'LFA', aisles: 1, bays: 2, levels: 1, skus: 2 });
  b = await setupWarehouse(admin, { siteCode: 'LFBB', aisles: 1, bays: 2, levels: 1, skus: 1 });
  const [sku1, sku2] = [a.products[0]!.sku, a.products[1]!.sku];
  for (const [sku, where] of [[sku1, a.storage[0]!], [sku2, a.storage[0]!], [sku1, a.storage[1]!]] as const) {
    expect((await t.post('/api/v1/inventory/receipts', { siteId: a.siteId, sku, locationId: where.id, quantity: 10 })).status).toBe(201);
  }
  expect((await t.post('/api/v1/inventory/receipts', { siteId: b.siteId, sku: b.products[0]!.sku, locationId: b.storage[0]!.id, quantity: 5 })).status).toBe(201);
  for (const where of [a.storage[0]!, a.storage[1]!]) {
    expect((await t.post('/api/v1/inventory/holds', { siteId: a.siteId, sku: sku1, locationId: where.id, quantity: 2, status: 'HOLD', reason: 'dented' }, 'manager')).status).toBe(201);
    expect((await t.request('PUT', '/api/v1/replenishment-settings', { body: { siteId: a.siteId, sku: sku1, locationId: where.id, min: 2, max: 8 }, role: 'manager' })).status).toBe(200);
  }
  expect((await t.post('/api/v1/inventory/counts', { siteId: a.siteId, locationIds: [a.storage[0]!.id, a.storage[1]!.id] }, 'manager')).status).toBe(201);
  await t.settle();
  at = new Date().toISOString();
}, 60_000);
afterAll(async () => t?.close());

const ROUTES: [string, (q: string) => string][] = [
  ['GET /inventory/balances', (q) => `/api/v1/inventory/balances?siteId=LFA${q}`],
  ['GET /inventory/holds', (q) => `/api/v1/inventory/holds?siteId=LFA${q}`],
  ['GET /inventory/as-of', (q) => `/api/v1/inventory/as-of?siteId=LFA&at=${encodeURIComponent(at)}${q}`],
  ['GET /replenishment-settings', (q) => `/api/v1/replenishment-settings?siteId=LFA${q}`],
  ['GET /inventory/counts', (q) => `/api/v1/inventory/counts?siteId=LFA${q}`],
];

describe.each(ROUTES)('%s filtered by location', (_, url) => {
  it('takes the location by code as by id', async () => {
    const [here, there] = [a.storage[0]!, a.storage[1]!];
    const byId = await t.getAll<{ locationId: string }>(url(`&locationId=${here.id}`), 'viewer');
    expect(byId.length).toBeGreaterThan(0);
    expect(byId.every((r) => r.locationId === here.id)).toBe(true);
    expect(await t.getAll(url(`&locationId=${here.code}`), 'viewer')).toEqual(byId);
    // Not the whole site: the other location's rows are left out.
    expect((await t.getAll<{ locationId: string }>(url(`&locationId=${there.code}`), 'viewer')).every((r) => r.locationId === there.id)).toBe(true);
  });

  it('refuses a location of nothing at the site (an unknown id or code, another site\'s), not an empty list', async () => {
    for (const ref of ['loc_nope', 'LFA-NO-SUCH-PLACE', b.storage[0]!.id, b.storage[0]!.code]) {
      const res = await t.get(url(`&locationId=${encodeURIComponent(ref)}`), 'viewer');
      expect([res.status, res.body.code, res.body.errors], ref).toEqual([422, 'UNKNOWN_LOCATION', [{ field: '/querystring/locationId', message: expect.any(String) }]]);
    }
  });
});

describe('an order\'s in-process stock (IN_PROCESS:<orderId>)', () => {
  it('stays a filter of balances, holds and as-of, looked up nowhere: it is no location of location-master\'s', async () => {
    for (const [, url] of ROUTES.slice(0, 3)) {
      const res = await t.get(url('&locationId=IN_PROCESS:ord_none'), 'viewer');
      expect([res.status, res.body.items]).toEqual([200, []]);
    }
  });
});
