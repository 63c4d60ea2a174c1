/**
 * `GET /shipments` of a site, paged: a warehouse's shipments could be listed only by their orders' ids (at most 500
 * orders a request), so a site's shipments had no list, and the console's shipping screen stopped at 200 orders. A
 * caller of site A lists A's shipments only: naming B is 403 FORBIDDEN_AT_SITE, naming no site 403 SITE_REQUIRED.
 * Shipments are seeded straight into the test database (inert rows of orders pack & ship does not know otherwise).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlClient, must } from '../support/graphql-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let a: string;
let b: string;
let scopedKey: string;

const seed = async (siteId: string, prefix: string, n: number, status: string): Promise<void> => {
  await t.app.db.query(
    `INSERT INTO pack_ship.shipments (id, order_id, site_id, carrier, status, tracking_number, created_at)
     SELECT 'shp_' || $2 || lpad(i::text, 3, '0'), 'ord_' || $2 || lpad(i::text, 3, '0'), $1, 'OWN_FLEET', $4, 'TRK-' || $2 || i, now() FROM generate_series(1, $3) AS i`,
    [siteId, prefix, n, status]);
};

beforeAll(async () => {
  t = await startTestApp();
  a = (await t.post('/api/v1/sites', { code: 'SHA', name: 'Shipments A' })).body.id;
  b = (await t.post('/api/v1/sites', { code: 'SHB', name: 'Shipments B' })).body.id;
  await t.settle();
  await seed(a, 'a', 5, 'LABELLED');
  await seed(a, 'ad', 2, 'DISPATCHED');
  await seed(b, 'b', 3, 'LABELLED');
  const key = await t.post('/api/v1/api-keys', { name: 'viewer of A', role: 'viewer', siteIds: [a] });
  expect(key.status).toBe(201);
  scopedKey = key.body.key;
});
afterAll(async () => t?.close());

describe('GET /shipments of a site', () => {
  it('lists the site\'s shipments oldest first, paged by limit and cursor, filtered by status; never another site\'s', async () => {
    const first = await t.get('/api/v1/shipments?siteId=SHA&limit=4');
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: { id: string }) => s.id)).toEqual(['shp_a001', 'shp_a002', 'shp_a003', 'shp_a004']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.get(`/api/v1/shipments?siteId=SHA&limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((s: { id: string }) => s.id)).toEqual(['shp_a005', 'shp_ad001', 'shp_ad002']);
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.items.every((s: { siteId: string }) => s.siteId === a)).toBe(true);
    expect((await t.getAll(`/api/v1/shipments?siteId=${a}&status=DISPATCHED`)).map((s: { id: string }) => s.id)).toEqual(['shp_ad001', 'shp_ad002']);
    expect((await t.getAll('/api/v1/shipments?siteId=SHB')).map((s: { id: string }) => s.id)).toEqual(['shp_b001', 'shp_b002', 'shp_b003']);
    // 50 by default; every shipment of the named orders without a limit, as before.
    expect((await t.get('/api/v1/shipments')).body.items.length).toBe(10);
    expect((await t.get('/api/v1/shipments?orderIds=ord_a001,ord_b002')).body).toMatchObject({ items: [{ id: 'shp_a001' }, { id: 'shp_b002' }], nextCursor: null });
  });

  it('refuses an unknown site (422), a made-up cursor or status (400)', async () => {
    const unknown = await t.get('/api/v1/shipments?siteId=NOPE');
    expect([unknown.status, unknown.body.code, unknown.body.errors]).toEqual([422, 'UNKNOWN_SITE', [{ field: '/querystring/siteId', message: 'is not the id or code of a site' }]]);
    expect((await t.get('/api/v1/shipments?siteId=SHA&cursor=nope!')).body.code).toBe('VALIDATION_FAILED');
    expect((await t.get('/api/v1/shipments?siteId=SHA&status=LOST')).status).toBe(400);
  });

  it('a caller of site A lists A\'s shipments only: B is 403 FORBIDDEN_AT_SITE, no site 403 SITE_REQUIRED (REST and GraphQL)', async () => {
    const req = (url: string) => t.request('GET', url, { role: null, headers: { 'x-api-key': scopedKey } });
    expect((await req('/api/v1/shipments?siteId=SHA&limit=500')).body.items).toHaveLength(7);
    const atB = await req('/api/v1/shipments?siteId=SHB');
    expect([atB.status, atB.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const none = await req('/api/v1/shipments');
    expect([none.status, none.body.code]).toEqual([403, 'SITE_REQUIRED']);
    const gql = gqlClient(t.app, scopedKey);
    const query = 'query($siteId: String, $after: String) { shipments(siteId: $siteId, first: 5, after: $after) { nodes { id siteId } pageInfo { endCursor hasNextPage } } }';
    const page1 = await must(gql, query, { siteId: 'SHA' });
    expect(page1.shipments.nodes.map((s: { id: string }) => s.id)).toEqual(['shp_a001', 'shp_a002', 'shp_a003', 'shp_a004', 'shp_a005']);
    expect(page1.shipments.pageInfo.hasNextPage).toBe(true);
    const page2 = await must(gql, query, { siteId: 'SHA', after: page1.shipments.pageInfo.endCursor });
    expect(page2.shipments.nodes.map((s: { id: string }) => s.id)).toEqual(['shp_ad001', 'shp_ad002']);
    expect((await gql(query, { siteId: 'SHB' })).errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN_AT_SITE']);
    expect((await gql(query)).errors?.map((e) => e.extensions?.code)).toEqual(['SITE_REQUIRED']);
  });
});
