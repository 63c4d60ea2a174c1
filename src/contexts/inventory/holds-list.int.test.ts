/**
 * `GET /inventory/holds`: holds placed by hand (POST /inventory/holds) left no record a manager could list: who put
 * which units on hold, when, why, where, and what is still held. The list answers the held stock of a site with the
 * movements that put it there; released units leave it; a caller of site A never sees site B's holds. GraphQL's
 * `holds` connection is the same list (the same roles and site scope), its products read in one batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectClient, setupWarehouse, type Warehouse } from '../../../test/support/flow-driver.ts';
import { gqlClient, must } from '../../../test/support/graphql-client.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

let t: TestApp;
let a: Warehouse;
let b: Warehouse;
let scopedKey: string;
/** The REST requests GraphQL makes while a test records them (to show the nested products read in one batch). */
let recording: string[] | undefined;

beforeAll(async () => {
  t = await startTestApp({
    configureHttp: (http) => http.addHook('onResponse', async (req) => {
      recording?.push(`${req.method} ${req.url}`);
    }),
  });
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

  it('GraphQL holds(siteId, sku, locationId, status, first, after): the same rows, paged as a connection, products in one batch; site-scoped', async () => {
    const [sku1, sku2] = [a.products[0]!.sku, a.products[1]!.sku];
    expect((await t.post('/api/v1/inventory/holds', { siteId: a.siteId, sku: sku1, locationId: a.storage[0]!.id, quantity: 2, status: 'DAMAGED', reason: 'forklift' }, 'manager')).status).toBe(201);
    const gql = gqlClient(t.app, t.keys.viewer);
    const query = `query($siteId: String!, $sku: String, $locationId: ID, $status: String, $first: Int, $after: String) {
      holds(siteId: $siteId, sku: $sku, locationId: $locationId, status: $status, first: $first, after: $after) {
        nodes { siteId sku locationId lot status quantity since holds { movementId type quantity reason at actor { kind role } } product { sku } }
        pageInfo { endCursor hasNextPage }
      }
    }`;
    recording = [];
    const all = (await must(gql, query, { siteId: 'HLA' })).holds;
    const rest = recording;
    recording = undefined;
    expect(all.nodes.map((h: { sku: string; status: string; quantity: number }) => [h.sku, h.status, h.quantity]).sort())
      .toEqual([[sku1, 'DAMAGED', 2], [sku2, 'QUARANTINE', 4]].sort());
    const damaged = all.nodes.find((h: { status: string }) => h.status === 'DAMAGED');
    expect(damaged).toMatchObject({ siteId: a.siteId, locationId: a.storage[0]!.id, lot: null, product: { sku: sku1 } });
    expect(damaged.holds).toEqual([{ movementId: expect.stringMatching(/^mov_/), type: 'HOLD', quantity: 2, reason: 'forklift', at: expect.any(String), actor: { kind: 'key', role: 'manager' } }]);
    expect(all.pageInfo).toEqual({ endCursor: null, hasNextPage: false });
    // One REST list and one batch read of the products, whatever the number of rows.
    expect(rest.filter((u) => u.startsWith('GET /api/v1/inventory/holds')).length).toBe(1);
    expect(rest.filter((u) => u.startsWith('GET /api/v1/products')).length).toBe(1);

    // Filters and paging, as REST.
    expect((await must(gql, query, { siteId: 'HLA', status: 'DAMAGED' })).holds.nodes.map((h: { sku: string }) => h.sku)).toEqual([sku1]);
    expect((await must(gql, query, { siteId: 'HLA', sku: sku2, status: 'HOLD' })).holds.nodes).toEqual([]);
    expect((await must(gql, query, { siteId: 'HLA', locationId: a.storage[1]!.id })).holds.nodes.map((h: { sku: string }) => h.sku)).toEqual([sku2]);
    const page1 = (await must(gql, query, { siteId: 'HLA', first: 1 })).holds;
    expect(page1.nodes).toHaveLength(1);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await must(gql, query, { siteId: 'HLA', first: 1, after: page1.pageInfo.endCursor })).holds;
    expect([...page1.nodes, ...page2.nodes].map((h: { status: string }) => h.status).sort()).toEqual(['DAMAGED', 'QUARANTINE']);

    // A viewer of site A only: B is FORBIDDEN_AT_SITE, as on REST.
    const scoped = gqlClient(t.app, scopedKey);
    expect((await must(scoped, query, { siteId: 'HLA' })).holds.nodes.every((h: { siteId: string }) => h.siteId === a.siteId)).toBe(true);
    const atB = await scoped(query, { siteId: 'HLBB' });
    expect(atB.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_AT_SITE');
    const badStatus = await gql(query, { siteId: 'HLA', status: 'AVAILABLE' });
    expect(badStatus.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });
});
