/**
 * The `sku` filters of inventory's reads (ATP, balances, holds, ledger, summary, as-of, counts, replenishment lists)
 * answered a SKU the catalogue does not know as if it had no stock (ATP 0, empty lists), while an unknown location is
 * 422 UNKNOWN_LOCATION: a user who mistyped a SKU was told "none in stock" instead of "no such product". Now an
 * unknown SKU is 422 UNKNOWN_SKU on `/querystring/sku`; a product with nothing at the site, a deactivated one too
 * (reads take any entity, ADR 0045), still answers empty (ATP: one row of zeros). GraphQL runs the same REST reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectClient, setupWarehouse, type Warehouse } from '../../../test/support/flow-driver.ts';
import { gqlClient } from '../../../test/support/graphql-client.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

let t: TestApp;
let w: Warehouse;
let at: string;
let stocked: string;
let empty: string;
let retired: string;

beforeAll(async () => {
  t = await startTestApp();
  const admin = injectClient(t.app, t.keys.admin);
  w = await setupWarehouse(admin, { siteCode: 'USKU', aisles: 1, bays: 2, levels: 1, skus: 3 });
  [stocked, empty, retired] = w.products.map((p) => p.sku) as [string, string, string];
  const where = w.storage[0]!;
  expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku: stocked, locationId: where.id, quantity: 10 })).status).toBe(201);
  expect((await t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku: stocked, locationId: where.id, quantity: 2, status: 'HOLD', reason: 'dented' }, 'manager')).status).toBe(201);
  expect((await t.request('PUT', '/api/v1/replenishment-settings', { body: { siteId: w.siteId, sku: stocked, locationId: where.id, min: 2, max: 8 }, role: 'manager' })).status).toBe(200);
  expect((await t.post('/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [where.id] }, 'manager')).status).toBe(201);
  expect((await t.post(`/api/v1/products/${retired}/deactivate`, {}, 'admin')).status).toBe(200);
  await t.settle();
  at = new Date().toISOString();
}, 60_000);
afterAll(async () => t?.close());

const ROUTES: [string, (q: string) => string][] = [
  ['GET /inventory/balances', (q) => `/api/v1/inventory/balances?siteId=USKU${q}`],
  ['GET /inventory/holds', (q) => `/api/v1/inventory/holds?siteId=USKU${q}`],
  ['GET /inventory/ledger', (q) => `/api/v1/inventory/ledger?siteId=USKU${q}`],
  ['GET /inventory/summary', (q) => `/api/v1/inventory/summary?siteId=USKU${q}`],
  ['GET /inventory/as-of', (q) => `/api/v1/inventory/as-of?siteId=USKU&at=${encodeURIComponent(at)}${q}`],
  ['GET /inventory/counts', (q) => `/api/v1/inventory/counts?siteId=USKU${q}`],
  ['GET /replenishment-settings', (q) => `/api/v1/replenishment-settings?siteId=USKU${q}`],
  ['GET /replenishments', (q) => `/api/v1/replenishments?siteId=USKU${q}`],
];

const refused = [422, 'UNKNOWN_SKU', [{ field: '/querystring/sku', message: expect.any(String) }]];

describe.each(ROUTES)('%s filtered by SKU', (_, url) => {
  it('refuses a SKU the catalogue does not know, not an empty list', async () => {
    const res = await t.get(url('&sku=NOPE-NO-SUCH-SKU'), 'viewer');
    expect([res.status, res.body.code, res.body.errors]).toEqual(refused);
  });

  it('answers a known SKU with nothing here, and a deactivated one, with an empty list', async () => {
    for (const sku of [empty, retired]) {
      const res = await t.get(url(`&sku=${sku}`), 'viewer');
      expect([res.status, res.body.items], sku).toEqual([200, []]);
    }
  });
});

describe('GET /inventory/atp', () => {
  it('refuses an unknown SKU, answers zeros for a product with no stock (deactivated too) and the stock of a stocked one', async () => {
    const nope = await t.get('/api/v1/inventory/atp?siteId=USKU&sku=NOPE-NO-SUCH-SKU', 'viewer');
    expect([nope.status, nope.body.code, nope.body.errors]).toEqual(refused);
    for (const sku of [empty, retired]) {
      const res = await t.get(`/api/v1/inventory/atp?siteId=USKU&sku=${sku}`, 'viewer');
      expect([res.status, res.body.items], sku).toEqual([200, [{ sku, onHandAvailable: 0, unpickable: 0, allocated: 0, expired: 0, safetyStock: 0, atp: 0 }]]);
    }
    const some = await t.get(`/api/v1/inventory/atp?siteId=USKU&sku=${stocked}`, 'viewer');
    expect([some.status, some.body.items[0]?.onHandAvailable]).toEqual([200, 8]);
  });
});

describe('GraphQL (runs the REST reads)', () => {
  it('answers an unknown SKU with UNKNOWN_SKU in errors[] for atp, ledger and balances', async () => {
    const gql = gqlClient(t.app, t.keys.viewer);
    for (const query of [
      '{ atp(siteId: "USKU", sku: "NOPE-NO-SUCH-SKU") { sku atp } }',
      '{ ledger(siteId: "USKU", sku: "NOPE-NO-SUCH-SKU") { nodes { id } } }',
      '{ inventoryBalances(siteId: "USKU", sku: "NOPE-NO-SUCH-SKU") { nodes { sku } } }',
    ]) {
      const res = await gql(query);
      expect(res.errors?.map((e) => e.extensions?.code), query).toEqual(['UNKNOWN_SKU']);
    }
    const known = await gql(`{ atp(siteId: "USKU", sku: "${empty}") { sku atp } }`);
    expect([known.errors, known.data.atp]).toEqual([undefined, [{ sku: empty, atp: 0 }]]);
  });
});

describe('POST /inventory/counts of a SKU', () => {
  it('refuses a SKU the catalogue does not know with 422 UNKNOWN_SKU, not "nothing to count", and opens no count at the locations named', async () => {
    // The console's "Count it everywhere" with a typo said "Nothing to count: no AVAILABLE units of MUG-CER anywhere";
    // with locations named, a count of the unknown SKU (expected 0) was opened there.
    const where = w.storage[1]!;
    for (const body of [{ siteId: 'USKU', sku: 'NOPE-NO-SUCH-SKU' }, { siteId: 'USKU', sku: 'NOPE-NO-SUCH-SKU', locationIds: [where.id] }]) {
      const res = await t.post('/api/v1/inventory/counts', body, 'manager');
      expect([res.status, res.body.code, res.body.errors], JSON.stringify(body)).toEqual([422, 'UNKNOWN_SKU', [{ field: '/sku', message: expect.any(String) }]]);
    }
    expect((await t.get(`/api/v1/inventory/counts?siteId=USKU&locationId=${where.id}`, 'manager')).body.items).toEqual([]);
    // A product with nothing at the site is still "nothing to count".
    const none = await t.post('/api/v1/inventory/counts', { siteId: 'USKU', sku: empty }, 'manager');
    expect([none.status, none.body.code]).toEqual([422, 'UNPROCESSABLE']);
  });
});
