/**
 * `GET /inventory/holds`: holds placed by hand (POST /inventory/holds) left no record a manager could list: who put
 * which units on hold, when, why, where, and what is still held. The list answers the held stock of a site with the
 * movements that put it there; released units leave it; a caller of site A never sees site B's holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectClient, setupWarehouse, type Warehouse } from '../../../test/support/flow-driver.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

let t: TestApp;
let a: Warehouse;
let b: Warehouse;
let scopedKey: string;

beforeAll(async () => {
  t = await startTestApp();
  const admin = injectClient(t.app, t.keys.admin);
  a = await setupWarehouse(admin, { siteCode: 'HLA', aisles: 1, bays: 2, levels: 1, skus: 2 });
  b = await setupWarehouse(admin, { siteCode: 'HLBB', aisles: 1, bays: 3, levels: 1, skus: 1 });
  for (const [w, sku, at] of [[a, a.products[0]!.sku, a.storage[0]!], [a, a.products[1]!.sku, a.storage[1]!], [b, b.products[0]!.sku, b.storage[0]!]] as const) {
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: at.id, quantity: 10 })).status).toBe(201);
  }
  await t.settle();
  const key = await t.post('/api/v1/api-keys', { name: 'viewer of A', role: 'viewer', siteIds: [a.siteId] });
  scopedKey = key.body.key;
}, 60_000);
afterAll(async () => t?.close());

describe('GET /inventory/holds', () => {
  it('lists what is still held with the reason, actor and time of the holds that put it there; a release takes units off', async () => {
    const [sku1, sku2] = [a.products[0]!.sku, a.products[1]!.sku];
    const hold = (sku: string, locationId: string, quantity: number, status: string, reason: string) =>
      t.post('/api/v1/inventory/holds', { siteId: a.siteId, sku, locationId, quantity, status, reason }, 'manager');
    const first = await hold(sku1, a.storage[0]!.id, 3, 'HOLD', 'carton crushed');
    expect(first.status).toBe(201);
    expect((await hold(sku1, a.storage[0]!.id, 2, 'HOLD', 'label unreadable')).status).toBe(201);
    expect((await hold(sku2, a.storage[1]!.id, 4, 'QUARANTINE', 'awaiting QA')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/holds', { siteId: b.siteId, sku: b.products[0]!.sku, locationId: b.storage[0]!.id, quantity: 1, status: 'HOLD', reason: 'B only' }, 'manager')).status).toBe(201);

    const all = await t.get(`/api/v1/inventory/holds?siteId=HLA`, 'viewer');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    const held = all.body.items.find((h: { sku: string }) => h.sku === sku1);
    expect(held).toMatchObject({ siteId: a.siteId, locationId: a.storage[0]!.id, lot: null, status: 'HOLD', quantity: 5 });
    expect(held.holds.map((h: { reason: string; quantity: number; type: string }) => [h.type, h.quantity, h.reason])).toEqual([['HOLD', 2, 'label unreadable'], ['HOLD', 3, 'carton crushed']]);
    expect(held.holds[0]).toMatchObject({ movementId: expect.stringMatching(/^mov_/), actor: { kind: 'key', role: 'manager' }, at: expect.any(String) });

    // Filters: SKU, location, status; paged.
    expect((await t.get(`/api/v1/inventory/holds?siteId=HLA&status=QUARANTINE`)).body.items.map((h: { sku: string }) => h.sku)).toEqual([sku2]);
    expect((await t.get(`/api/v1/inventory/holds?siteId=HLA&sku=${sku2}&status=HOLD`)).body.items).toEqual([]);
    expect((await t.get(`/api/v1/inventory/holds?siteId=HLA&locationId=${a.storage[0]!.id}`)).body.items.map((h: { sku: string }) => h.sku)).toEqual([sku1]);
    const page1 = await t.get('/api/v1/inventory/holds?siteId=HLA&limit=1');
    expect(page1.body.items).toHaveLength(1);
    const page2 = await t.get(`/api/v1/inventory/holds?siteId=HLA&limit=1&cursor=${page1.body.nextCursor}`);
    expect([...page1.body.items, ...page2.body.items].map((h: { sku: string }) => h.sku).sort()).toEqual([sku1, sku2].sort());

    // Released units are no longer held; released all, the row leaves the list.
    expect((await t.post('/api/v1/inventory/hold-releases', { siteId: a.siteId, sku: sku1, locationId: a.storage[0]!.id, quantity: 4, fromStatus: 'HOLD', reason: 'checked' }, 'manager')).status).toBe(201);
    expect((await t.get(`/api/v1/inventory/holds?siteId=HLA&sku=${sku1}`)).body.items[0]).toMatchObject({ quantity: 1 });
    expect((await t.post('/api/v1/inventory/hold-releases', { siteId: a.siteId, sku: sku1, locationId: a.storage[0]!.id, quantity: 1, fromStatus: 'HOLD', reason: 'checked' }, 'manager')).status).toBe(201);
    expect((await t.get(`/api/v1/inventory/holds?siteId=HLA&sku=${sku1}`)).body.items).toEqual([]);
  });

  it('a caller of site A sees A\'s holds only: B is 403 FORBIDDEN_AT_SITE; an unknown site 422, a bad status 400', async () => {
    const req = (url: string) => t.request('GET', url, { role: null, headers: { 'x-api-key': scopedKey } });
    const mine = await req('/api/v1/inventory/holds?siteId=HLA');
    expect(mine.status).toBe(200);
    expect(mine.body.items.every((h: { siteId: string }) => h.siteId === a.siteId)).toBe(true);
    const theirs = await req('/api/v1/inventory/holds?siteId=HLBB');
    expect([theirs.status, theirs.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const unknown = await t.get('/api/v1/inventory/holds?siteId=NOPE');
    expect([unknown.status, unknown.body.code]).toEqual([422, 'UNKNOWN_SITE']);
    expect((await t.get('/api/v1/inventory/holds?siteId=HLA&status=AVAILABLE')).status).toBe(400);
    expect((await t.get('/api/v1/inventory/holds')).status).toBe(400);
  });
});
