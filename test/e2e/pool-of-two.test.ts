/**
 * Issue 8 acceptance (f), handler purity: no subscription handler asks for a second connection while its transaction
 * is open. Every test app runs with PAKLOG_DB_STRICT_NESTING on (such a request is an error, so the event would be
 * dead-lettered and the flow stall); here, in addition, the whole order-to-ship flow runs on a pool of TWO connections:
 * one handler holding its transaction while it waits for a second one would hang it for good.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, injectClient, orderStatus, packAndShip, planAndReleasePooled, receiveStock, setupWarehouse, until, workTasks } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PAKLOG_DB_POOL_SIZE: '2', PAKLOG_DB_STRICT_NESTING: 'true', PAKLOG_WORKER_THREADS: '0' } });
});
afterAll(async () => {
  await t.close();
});

describe('a pool of two connections', () => {
  it('runs the whole flow: intake, allocation, wave, reservation, pick lists, tasks, a short pick, pack, ship', async () => {
    expect(t.app.db.pool.options.max).toBe(2);
    const call = injectClient(t.app, t.keys.manager);
    const w = await setupWarehouse(call, { siteCode: 'P2', aisles: 2, bays: 4, levels: 1, skus: 3 });
    await receiveStock(call, w, 10, 2);
    const orders: string[] = [];
    for (let i = 0; i < 6; i++) {
      const lines = [{ sku: w.products[i % 3]!.sku, quantity: 1 + (i % 2) }];
      if (i % 2 === 0) lines.push({ sku: w.products[(i + 1) % 3]!.sku, quantity: 1 });
      orders.push((await createOrder(call, w.siteId, { externalId: `P2-${i}`, lines })).id);
    }
    for (const id of orders) await until(`order ${id} allocated`, () => orderStatus(call, id), (s) => s === 'ALLOCATED');
    await t.settle();
    const wave = await planAndReleasePooled(call, w.siteId, orders, 10);
    expect(wave.orderIds).toHaveLength(6);
    await t.settle();
    const lists = (await t.get(`/api/v1/pick-lists?waveId=${wave.waveId}&limit=100`)).body.items as unknown[];
    const picked = await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['w1'], { shortOne: true, shortRecovers: true, expectedTasks: lists.length });
    expect(picked.shorted).toHaveLength(1);
    for (const id of orders) await until(`order ${id} picked`, () => orderStatus(call, id), (s) => s === 'PICKED');
    await t.settle();
    for (const id of orders) await packAndShip(injectClient(t.app, t.keys.operator), id);
    await t.settle();
    for (const id of orders) expect(await orderStatus(call, id)).toBe('SHIPPED');
    expect((await t.get('/api/v1/dead-letters')).body.items).toHaveLength(0);
  }, 120_000);
});
