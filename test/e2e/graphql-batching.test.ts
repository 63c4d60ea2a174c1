import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOrder, injectClient, receiveStock, setupWarehouse, type Call } from '../support/flow-driver.ts';

/** Acceptance (c): a GraphQL query for a wave of 100 orders, their lines and products runs a bounded number of SQL statements. */
let t: TestApp;
let call: Call;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
});
afterAll(async () => {
  await t.close();
});

const WAVE_QUERY = `query Wave($id: ID!) {
  wave(id: $id) { id status orderCount orders { id externalId status lines { lineNo sku ordered product { sku description gtin } } } }
}`;

describe('GraphQL batching', () => {
  it('reads a wave with 100 orders, their lines and products in at most 10 SQL statements', async () => {
    const w = await setupWarehouse(call, { siteCode: 'GQB', aisles: 2, bays: 5, levels: 1, skus: 12 });
    await receiveStock(call, w, 100, 1);
    const lines = new Map<string, { sku: string; quantity: number }[]>();
    for (let i = 0; i < 100; i++) {
      const spec = [{ sku: w.products[i % 12]!.sku, quantity: 1 }, { sku: w.products[(i + 5) % 12]!.sku, quantity: 2 }];
      const order = await createOrder(call, w.siteId, { externalId: `GQB-${i}`, lines: spec });
      lines.set(order.id, spec);
    }
    await t.settle();
    const allocated = await t.getAll<{ id: string }>(`/api/v1/orders?siteId=${w.siteId}&status=ALLOCATED`);
    expect(allocated).toHaveLength(100);
    const wave = await t.post<{ id: string; orderIds: string[] }>('/api/v1/waves', { siteId: w.siteId, maxOrders: 100 }, 'manager');
    expect(wave.status).toBe(201);
    expect(wave.body.orderIds).toHaveLength(100);
    await t.settle();

    const ask = () => t.app.http.inject({
      method: 'POST', url: '/graphql', headers: { 'x-api-key': t.keys.viewer, 'content-type': 'application/json' },
      payload: { query: WAVE_QUERY, variables: { id: wave.body.id } },
    });
    await ask(); // the API key's lookup is cached from here on, as it is for any caller after its first request
    const { value: res, statements } = await t.app.db.countStatements(ask);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ data: { wave: { orderCount: number; orders: { id: string; lines: { sku: string; ordered: number; product: { sku: string } }[] }[] } }; errors?: unknown }>();
    expect(body.errors).toBeUndefined();
    expect(body.data.wave.orderCount).toBe(100);
    expect(body.data.wave.orders).toHaveLength(100);
    for (const o of body.data.wave.orders) {
      expect(o.lines.map((l) => ({ sku: l.sku, quantity: l.ordered }))).toEqual(lines.get(o.id));
      for (const l of o.lines) expect(l.product.sku).toBe(l.sku);
    }
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(10);
    // Counting works: the same data read order by order over REST costs far more (one statement per order since an
    // order is read with its lines and history in one: ADR 0043 addendum).
    const { statements: oneByOne } = await t.app.db.countStatements(async () => {
      for (const id of wave.body.orderIds) await t.get(`/api/v1/orders/${id}`, 'viewer');
    });
    expect(oneByOne.length).toBeGreaterThanOrEqual(100);
  }, 120_000);
});
