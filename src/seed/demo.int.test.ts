import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { DEMO_SITE, hasDemoData, seedDemo } from './demo.ts';

/**
 * The demo seed runs on the first start. A start killed part-way through it (a new user's Ctrl-C, a crash) left a
 * DEMO site with no stock or no orders, and every later start said the demo was there: a demo warehouse that could
 * never be finished. Here the seed is "killed" after its first two steps (the very calls it makes, under its own
 * principal and Idempotency-Keys), and the next seed finishes it with nothing done twice.
 */
describe('the demo seed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('stopped after its first steps is not taken for done, and the next run finishes it once', async () => {
    const partial = await t.app.apiKeys.withInternalKey('demo seed', 'admin', async (key) => {
      const post = (url: string, payload: object, idempotencyKey: string) =>
        t.app.http.inject({ method: 'POST', url, payload, headers: { 'x-api-key': key, 'idempotency-key': idempotencyKey } });
      const site = await post('/api/v1/sites', { code: DEMO_SITE, name: 'Demo distribution centre' }, 'demo-seed:site');
      expect(site.statusCode).toBe(201);
      const siteId = (JSON.parse(site.body) as { id: string }).id;
      expect((await post(`/api/v1/sites/${siteId}/layout`, { aisles: 6, bays: 10, levels: 2, packStations: 2 }, 'demo-seed:layout')).statusCode).toBeLessThan(300);
      return siteId;
    });
    expect(await hasDemoData(t.app)).toBe(false);
    const locationsBefore = (await t.getAll<{ id: string }>(`/api/v1/sites/${partial}/locations`)).length;

    const summary = await seedDemo(t.app);
    await t.settle();
    expect(summary.site).toBe(partial);
    expect(await hasDemoData(t.app)).toBe(true);
    const sites = (await t.get('/api/v1/sites?limit=1000')).body.items as { code: string }[];
    expect(sites.filter((s) => s.code === DEMO_SITE)).toHaveLength(1);
    expect((await t.getAll<{ id: string }>(`/api/v1/sites/${partial}/locations`)).length).toBe(locationsBefore);
    const orders = await t.getAll<{ externalId: string }>(`/api/v1/orders?siteId=${partial}`);
    expect(orders.map((o) => o.externalId).sort()).toEqual(Array.from({ length: summary.orders }, (_, i) => `DEMO-${1001 + i}`));
    const receipts = await t.getAll<{ deltaOnHand: number }>(`/api/v1/inventory/ledger?siteId=${partial}&type=RECEIPT`);
    expect(receipts).toHaveLength(summary.receipts);
    // Its labels name where they ship from: a label of the README's walkthrough printed the site's id and how to set
    // a ship-from in its FROM block, as the pack station guide says of a site without one.
    expect((await t.get(`/api/v1/pack-station/settings/${DEMO_SITE}`)).body.shipFrom).toMatchObject({ name: 'Demo distribution centre', country: 'US' });

    // A second finished seed changes nothing.
    await seedDemo(t.app);
    await t.settle();
    expect(await t.getAll(`/api/v1/orders?siteId=${partial}`)).toHaveLength(summary.orders);
    expect(await t.getAll(`/api/v1/inventory/ledger?siteId=${partial}&type=RECEIPT`)).toHaveLength(summary.receipts);
  });
});
