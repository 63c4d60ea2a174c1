import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOrder, injectClient, orderStatus, packAndShip, setupWarehouse, until, workTasks, type Call } from '../support/flow-driver.ts';

/** BACKORDERED → ALLOCATED when stock arrives. Through HTTP only. */
let t: TestApp;
let call: Call;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
});
afterAll(async () => {
  await t.close();
});

describe('backorders recover when stock arrives', () => {
  it('an order for 5 with 2 in stock is BACKORDERED; receiving 3 allocates it, and it is waved, picked and shipped', async () => {
    const w = await setupWarehouse(call, { siteCode: 'BO', aisles: 1, bays: 2, levels: 1, skus: 1 });
    const sku = w.products[0]!.sku;
    const location = w.storage[0]!;
    const receive = (quantity: number) => call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: location.id, quantity });

    expect((await receive(2)).status).toBe(201);
    const order = await createOrder(call, w.siteId, { externalId: 'BO-1', lines: [{ sku, quantity: 5 }] });
    await until('order backordered', () => orderStatus(call, order.id), (s) => s === 'BACKORDERED');
    await t.settle();
    const nothing = await call<{ code: string }>('plan wave', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(nothing.body.code).toBe('NOTHING_TO_PLAN');

    expect((await receive(3)).status).toBe(201);
    await until('order allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    const got = await call<{ lines: { allocated: number; ordered: number }[] }>('get order', 'GET', `/api/v1/orders/${order.id}`);
    expect(got.body.lines).toEqual([expect.objectContaining({ ordered: 5, allocated: 5 })]);
    const atp = await call<{ items: { atp: number; allocated: number }[] }>('atp', 'GET', `/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`);
    expect(atp.body.items[0]).toMatchObject({ allocated: 5, atp: 0 });

    const wave = await call<{ id: string; orderIds: string[] }>('plan wave', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(wave.status).toBe(201);
    expect(wave.body.orderIds).toEqual([order.id]);
    await until('order waved', () => orderStatus(call, order.id), (s) => s === 'WAVED');
    expect((await call('release wave', 'POST', `/api/v1/waves/${wave.body.id}/release`)).status).toBe(200);
    await t.settle();
    await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['worker-1'], { expectedTasks: 1 });
    await until('order picked', () => orderStatus(call, order.id), (s) => s === 'PICKED');
    await t.settle();
    await packAndShip(call, order.id);
    await until('order shipped', () => orderStatus(call, order.id), (s) => s === 'SHIPPED');
    await t.settle();
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
  });
});
