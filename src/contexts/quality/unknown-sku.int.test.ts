import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

/**
 * GET /quality-kpis answered a `sku` the catalogue does not know with an empty list, while inventory's reads refuse it
 * (422 UNKNOWN_SKU on /querystring/sku, src/contexts/inventory/unknown-sku.int.test.ts): a mistyped SKU read as "no
 * inspections". Now it is refused alike; a product with no inspections there still answers no items.
 */
let t: TestApp;
let site: string;

beforeAll(async () => {
  t = await startTestApp();
  site = (await t.post('/api/v1/sites', { code: 'QSKUX', name: 'Quality SKU filter' })).body.id as string;
  expect((await t.post('/api/v1/products', { sku: 'QSKU-1', description: 'Mug', uom: 'EA', lengthMm: 100, widthMm: 80, heightMm: 50, weightG: 300 })).status)
    .toBe(201);
}, 60_000);
afterAll(async () => t?.close());

it('GET /quality-kpis refuses a SKU the catalogue does not know, not an empty list', async () => {
  const res = await t.get(`/api/v1/quality-kpis?siteId=${site}&sku=NOPE-NO-SUCH-SKU`, 'viewer');
  expect([res.status, res.body.code, res.body.errors]).toEqual([422, 'UNKNOWN_SKU', [{ field: '/querystring/sku', message: expect.any(String) }]]);
});

it('GET /quality-kpis answers a known SKU with no inspections, and no SKU filter, with no items', async () => {
  for (const q of ['&sku=QSKU-1', '&stage=RECEIVING&sku=QSKU-1', '']) {
    const res = await t.get(`/api/v1/quality-kpis?siteId=${site}${q}`, 'viewer');
    expect([res.status, res.body.items], q).toEqual([200, []]);
  }
});
