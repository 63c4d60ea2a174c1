import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { injectClient, orderStatus, packAndShip, receiveStock, setupWarehouse, until, workTasks, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import type { WavesApi } from '../../src/contracts/waves.ts';

/**
 * Issue 15, ADR 0046: a storefront changes an order's lines while waves plan it. Waves is the one decision point: for
 * each order either the change lands (the order is allocated anew and ships its new lines) or a wave had it first
 * (409 ORDER_IN_FULFILMENT, and it ships its old lines). Never a wave with the old lines of a changed order, never
 * stock left allocated to replaced lines, never an order held out of planning for good.
 */
let t: TestApp;
let w: Warehouse;
const SHOP = 'lines.myshopify.com';
const SECRET = 'shpss_line_change_secret_0001';
beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.manager), { siteCode: 'LCH', aisles: 1, bays: 3, levels: 1, skus: 3 });
  expect((await t.post('/api/v1/integrations/storefront-channels', { shopDomain: SHOP, siteId: 'LCH', secret: SECRET }, 'integration')).status).toBe(201);
  await receiveStock(injectClient(t.app, t.keys.manager), w, 40, 1);
}, 60_000);
afterAll(async () => t.close());

const payload = (id: number, lines: readonly [number, number][]) => JSON.stringify({
  id, name: `#${id}`, email: 'grace@example.com',
  line_items: lines.map(([p, quantity]) => ({ sku: w.products[p]!.sku, quantity, requires_shipping: true })),
  shipping_address: { name: 'Grace Hopper', address1: '1 Compiler Way', city: 'Arlington', zip: '22201', country_code: 'US' },
});
async function post(raw: string, topic: string, webhookId: string) {
  const res = await t.app.http.inject({
    method: 'POST', url: '/api/v1/integrations/storefront/orders', payload: raw,
    headers: {
      'content-type': 'application/json', 'x-shopify-shop-domain': SHOP, 'x-shopify-topic': topic, 'x-shopify-webhook-id': webhookId,
      'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(raw).digest('base64'),
    },
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as { orderId: string; code?: string } };
}
interface OrderView { status: string; lines: { sku: string; ordered: number; shipped: number }[] }
const order = async (id: string): Promise<OrderView> => (await t.get(`/api/v1/orders/${id}`)).body as OrderView;
const shape = (lines: readonly { sku: string; ordered: number }[]): string[] => lines.map((l) => `${l.sku}×${l.ordered}`).sort();

describe('order line changes racing wave planning', () => {
  it('each order ships either its new lines (change accepted) or its old ones (409), stock conserved, nothing held', async () => {
    const call = injectClient(t.app, t.keys.manager);
    const N = 8;
    const before: [number, number][] = [[0, 1]];
    const after: [number, number][] = [[1, 2], [2, 1]];
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const created = await post(payload(900 + i, before), 'orders/create', `c-${i}`);
      expect(created.status).toBe(201);
      ids.push(created.body.orderId);
    }
    for (const id of ids) await until('allocated', () => orderStatus(call, id), (s) => s === 'ALLOCATED');
    await t.settle();

    // Three changes land before any plan; the other five race a plan-and-release that starts among them.
    const send = (i: number) => post(payload(900 + i, after), 'orders/updated', `u-${i}`);
    const early = [await send(0), await send(1), await send(2)];
    const delayed = async <T>(ms: number, f: () => Promise<T>): Promise<T> => { await new Promise((r) => setTimeout(r, ms)); return f(); };
    const planAndReleaseAll = async (): Promise<string[]> => {
      const planned = await call('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: N });
      if (planned.status !== 201) return [];
      const wave = planned.body as { id: string; orderIds: string[] };
      expect((await call('release', 'POST', `/api/v1/waves/${wave.id}/release`)).status).toBe(200);
      return wave.orderIds;
    };
    const [racing, firstWave] = await Promise.all([
      Promise.all([3, 4, 5, 6, 7].map((i) => delayed((i - 3) * 4, () => send(i)))),
      delayed(6, planAndReleaseAll),
    ]);
    await t.settle();
    const changed = new Set<string>();
    for (const [i, u] of [...early, ...racing].entries()) {
      if (u.status === 200) changed.add(ids[i]!);
      else expect(u.body.code).toBe('ORDER_IN_FULFILMENT');
    }
    console.log(`line changes: ${changed.size} of ${N} accepted, ${N - changed.size} refused (a wave had them first)`);
    expect([0, 1, 2].every((i) => changed.has(ids[i]!))).toBe(true);
    // A refused change is an order the racing plan took.
    for (const id of ids) if (!changed.has(id)) expect(firstWave).toContain(id);

    // The rest are allocated anew and planned in further waves.
    for (const id of ids) await until('allocated or further', () => orderStatus(call, id), (s) => s !== 'RECEIVED' && s !== 'BACKORDERED');
    await t.settle();
    let waves = firstWave.length > 0 ? 1 : 0;
    for (;;) {
      const more = await planAndReleaseAll();
      if (more.length === 0) break;
      waves++;
      await t.settle();
    }
    await t.settle();
    // Every released wave carries each order's current lines, and every order went out in exactly one.
    const released = (await t.get('/api/v1/events?type=waves.wave.released.v1&limit=100')).body.items as { data: { orders: { orderId: string; lines: { sku: string; quantity: number }[] }[] } }[];
    expect(released).toHaveLength(waves);
    const inWaves = released.flatMap((e) => e.data.orders);
    expect(inWaves.map((o) => o.orderId).sort()).toEqual([...ids].sort());
    for (const o of inWaves) {
      expect(shape(o.lines.map((l) => ({ sku: l.sku, ordered: l.quantity })))).toEqual(shape((await order(o.orderId)).lines));
    }

    await workTasks(call, w.siteId, ['worker-1', 'worker-2'], { expectedTasks: N });
    for (const id of ids) {
      await until('picked', () => orderStatus(call, id), (s) => s === 'PICKED');
      await packAndShip(call, id);
    }
    for (const id of ids) {
      await until('shipped', () => orderStatus(call, id), (s) => s === 'SHIPPED');
      const o = await order(id);
      const expected = (changed.has(id) ? after : before).map(([p, q]) => `${w.products[p]!.sku}×${q}`).sort();
      expect(shape(o.lines)).toEqual(expected);
      expect(o.lines.every((l) => l.shipped === l.ordered)).toBe(true);
    }
    await t.settle();
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after line changes raced a wave' });
    const left = await t.app.db.query<{ allocated: number }>('SELECT allocated FROM inventory.sku_stock WHERE site_id = $1 AND allocated <> 0', [w.siteId]);
    expect(left).toEqual([]);
    expect(await t.app.db.query('SELECT order_id FROM waves.order_pool WHERE held_for IS NOT NULL')).toEqual([]);
    expect(await t.app.db.query('SELECT order_id FROM orders.pending_changes')).toEqual([]);
  }, 120_000);

  it('a change whose request died after waves held the order is completed when orders hears waves.order.held', async () => {
    const call = injectClient(t.app, t.keys.manager);
    const created = await post(payload(950, [[0, 2]]), 'orders/create', 'crash-1');
    const orderId = created.body.orderId;
    await until('allocated', () => orderStatus(call, orderId), (s) => s === 'ALLOCATED');
    await t.settle();
    // The request's first transaction (the pending change) committed, and the gate held the order; then it died.
    const shipTo = { name: 'Grace Hopper', line1: '1 Compiler Way', city: 'Arlington', postalCode: '22201', country: 'US' };
    await t.app.db.query(
      `INSERT INTO orders.pending_changes (order_id, change_id, lines, ship_to, requested_at) VALUES ($1, 'chg_crashed', $2, $3, now())`,
      [orderId, JSON.stringify([{ sku: w.products[2]!.sku, quantity: 3 }]), JSON.stringify(shipTo)]);
    const waves = t.app.modules.find((m) => m.name === 'waves')?.api as WavesApi;
    expect(await waves.holdForChange({ orderId, siteId: w.siteId, carrier: 'OWN_FLEET', priority: 5, changeId: 'chg_crashed' }, {})).toEqual({ held: true });
    // Held: no plan takes it meanwhile.
    expect(((await call('pool', 'GET', `/api/v1/waves/pool?siteId=${w.siteId}`)).body as { items: { orderId: string }[] }).items.map((o) => o.orderId)).not.toContain(orderId);
    await t.settle();
    await until('allocated anew', () => order(orderId), (o) => o.status === 'ALLOCATED' && shape(o.lines)[0] === `${w.products[2]!.sku}×3`);
    await t.settle();
    expect(await t.app.db.query('SELECT 1 FROM orders.pending_changes WHERE order_id = $1', [orderId])).toEqual([]);
    expect(await t.app.db.query('SELECT held_for FROM waves.order_pool WHERE order_id = $1', [orderId])).toEqual([{ held_for: null }]);
    const allocations = await t.app.db.query<{ sku: string; requested: number }>('SELECT sku, requested FROM inventory.allocations WHERE order_id = $1', [orderId]);
    expect(allocations).toEqual([{ sku: w.products[2]!.sku, requested: 3 }]);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after a recovered line change' });
  }, 60_000);
});

describe('an order of a product deactivated since (ADR 0045: open work completes)', () => {
  it('still takes a change keeping or lowering that product\'s units; only more of it is 422 PRODUCT_INACTIVE, the order unchanged', async () => {
    const call = injectClient(t.app, t.keys.manager);
    const retired = w.products[2]!.sku;
    const created = await post(payload(970, [[0, 1], [2, 2]]), 'orders/create', 'retired-c');
    expect(created.status).toBe(201);
    const orderId = created.body.orderId;
    await until('allocated', () => orderStatus(call, orderId), (s) => s === 'ALLOCATED');
    await t.settle();
    expect((await t.post(`/api/v1/products/${retired}/deactivate`, undefined, 'manager')).status).toBe(200);
    try {
      // The shop adds a unit of the active product; the retired one's line is sent as it was.
      const kept = await post(payload(970, [[0, 2], [2, 2]]), 'orders/updated', 'retired-u1');
      expect(kept.status, JSON.stringify(kept.body)).toBe(200);
      await t.settle();
      await until('changed', () => order(orderId), (o) => shape(o.lines).join() === [`${w.products[0]!.sku}×2`, `${retired}×2`].sort().join());
      // Fewer units of the retired product: a way out of it, not new demand.
      const fewer = await post(payload(970, [[0, 2], [2, 1]]), 'orders/updated', 'retired-u2');
      expect(fewer.status, JSON.stringify(fewer.body)).toBe(200);
      await t.settle();
      await until('lowered', () => order(orderId), (o) => shape(o.lines).join() === [`${w.products[0]!.sku}×2`, `${retired}×1`].sort().join());
      // More units of it are new demand for a retired product: refused, naming its line (the shop's field), nothing changed.
      const more = await post(payload(970, [[0, 2], [2, 3]]), 'orders/updated', 'retired-u3');
      expect(more.status).toBe(422);
      expect(more.body.code).toBe('PRODUCT_INACTIVE');
      expect((more.body as unknown as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['/line_items/1/sku']);
      await t.settle();
      expect(shape((await order(orderId)).lines)).toEqual([`${w.products[0]!.sku}×2`, `${retired}×1`].sort());
      expect(await t.app.db.query('SELECT order_id FROM orders.pending_changes WHERE order_id = $1', [orderId])).toEqual([]);
    } finally {
      expect((await t.post(`/api/v1/products/${retired}/reactivate`, undefined, 'manager')).status).toBe(200);
    }
    expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'test done' }, 'manager')).status).toBe(200);
    await t.settle();
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after changes of an order of a retired product' });
  }, 60_000);
});
