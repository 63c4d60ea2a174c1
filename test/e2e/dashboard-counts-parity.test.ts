/**
 * The dashboard's exact figures (`GET /{orders,waves,tasks,exceptions}/counts?siteId=`) were REST only: GraphQL had no
 * field and gRPC no method for them, so a console or handheld on those protocols counted by paging lists. They are now
 * `orderCounts`/`waveCounts`/`taskCounts`/`exceptionCounts` and `Integration.Count*`, each REST's operation: the same
 * figures, and the same refusals (a caller of another site, an unknown site, a site that is no site reference).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, injectClient, orderStatus, until, type Warehouse } from '../support/flow-driver.ts';
import { gqlClient } from '../support/graphql-client.ts';
import { credentialsMetadata, grpcRefusal, startGrpcTestApp, type GrpcTestApp } from '../support/grpc-floor.ts';
import { scopedSites } from '../support/site-app.ts';

let g: GrpcTestApp;
let a: Warehouse;
let b: Warehouse;
let scopedViewer: string;
const RESOURCES = [
  ['orders', 'orderCounts', 'countOrders'],
  ['waves', 'waveCounts', 'countWaves'],
  ['tasks', 'taskCounts', 'countTasks'],
  ['exceptions', 'exceptionCounts', 'countExceptions'],
] as const;

beforeAll(async () => {
  g = await startGrpcTestApp();
  const { t } = g;
  ({ a, b, key: scopedViewer } = await scopedSites(t, {
    a: { siteCode: 'DCPA', aisles: 1, bays: 2, levels: 1, skus: 1 },
    b: { siteCode: 'DCPBBB', aisles: 1, bays: 2, levels: 1, skus: 1 },
  }, { name: 'viewer of A', role: 'viewer' }));
  // One order allocated and one backordered at A: figures that are not all zero.
  const sku = a.products[0]!.sku;
  expect((await t.post('/api/v1/inventory/receipts', { siteId: a.siteId, sku, locationId: a.storage[0]!.id, quantity: 1 })).status).toBe(201);
  const manager = injectClient(t.app, t.keys.manager);
  const integration = injectClient(t.app, t.keys.integration);
  const first = await createOrder(integration, a.siteId, { externalId: 'DCP-1', lines: [{ sku, quantity: 1 }] });
  await until('allocated', () => orderStatus(manager, first.id), (s) => s === 'ALLOCATED');
  const second = await createOrder(integration, a.siteId, { externalId: 'DCP-2', lines: [{ sku, quantity: 1 }] });
  await until('backordered', () => orderStatus(manager, second.id), (s) => s === 'BACKORDERED');
  await t.settle();
}, 120_000);
afterAll(async () => {
  await g?.close();
});

const gqlCounts = (field: string) => `query($s: String!) { ${field}(siteId: $s) { siteId byStatus counts { status count } } }`;

describe('dashboard counts over GraphQL and gRPC', () => {
  it('answer REST\'s figures on all three protocols, by site id and by code', async () => {
    const { t } = g;
    for (const key of [t.keys.viewer, scopedViewer]) {
      const gql = gqlClient(t.app, key);
      const md = credentialsMetadata({ apiKey: key });
      for (const [path, field, method] of RESOURCES) {
        for (const site of [a.siteId, 'DCPA']) {
          const rest = await t.request('GET', `/api/v1/${path}/counts?siteId=${site}`, { role: null, headers: { 'x-api-key': key } });
          expect(rest.status, path).toBe(200);
          const q = await gql(gqlCounts(field), { s: site });
          expect(q.errors, path).toBeUndefined();
          expect(q.data[field], path).toEqual({
            siteId: rest.body.siteId, byStatus: rest.body.byStatus,
            counts: Object.entries(rest.body.byStatus).map(([status, count]) => ({ status, count })),
          });
          const rpc = await g.rpc[method]({ siteId: site }, md);
          expect({ siteId: rpc.siteId, byStatus: { ...rpc.byStatus } }, path).toEqual(rest.body);
        }
      }
    }
    const orders = (await t.get(`/api/v1/orders/counts?siteId=${a.siteId}`, 'viewer')).body.byStatus;
    expect([orders.ALLOCATED, orders.BACKORDERED]).toEqual([1, 1]);
  });

  it('refuse what REST refuses: another site FORBIDDEN_AT_SITE, an unknown site UNKNOWN_SITE, a blank one VALIDATION_FAILED; anonymous UNAUTHENTICATED', async () => {
    const { t } = g;
    for (const [path, field, method] of RESOURCES) {
      // A caller of some sites is told FORBIDDEN_AT_SITE for a site it does not have, known or not (REST tells it nothing more).
      for (const [key, site, status, code, grpcStatus] of [
        [scopedViewer, b.siteId, 403, 'FORBIDDEN_AT_SITE', 'PERMISSION_DENIED'],
        [scopedViewer, 'NOSUCHSITE', 403, 'FORBIDDEN_AT_SITE', 'PERMISSION_DENIED'],
        [t.keys.viewer, 'NOSUCHSITE', 422, 'UNKNOWN_SITE', 'INVALID_ARGUMENT'],
        [scopedViewer, '', 400, 'VALIDATION_FAILED', 'INVALID_ARGUMENT'],
        [t.keys.viewer, '', 400, 'VALIDATION_FAILED', 'INVALID_ARGUMENT'],
      ] as const) {
        const gql = gqlClient(t.app, key);
        const md = credentialsMetadata({ apiKey: key });
        const rest = await t.request('GET', `/api/v1/${path}/counts?siteId=${site}`, { role: null, headers: { 'x-api-key': key } });
        expect([rest.status, rest.body.code], `${path} ${site}`).toEqual([status, code]);
        const q = await gql(gqlCounts(field), { s: site });
        expect(q.data, `${path} ${site}`).toBeNull();
        expect(q.errors?.map((e) => [e.extensions?.code, e.extensions?.status]), `${path} ${site}`).toEqual([[code, status]]);
        const refusal = await grpcRefusal(g.rpc[method]({ siteId: site }, md));
        expect(refusal.code, `${path} ${site}`).toBe(code);
        expect(refusal.status, `${path} ${site}`).toBe(grpcStatus);
      }
      expect((await grpcRefusal(g.rpc[method]({ siteId: a.siteId }, credentialsMetadata({})))).status).toBe('UNAUTHENTICATED');
      expect((await gqlClient(t.app, null)(gqlCounts(field), { s: a.siteId })).status).toBe(401);
    }
  });
});
