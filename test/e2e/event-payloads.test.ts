/**
 * The schemas in src/contracts are the truth about payloads: a flow that makes every kind of event (intake, allocation,
 * backorder, waves, picks and a short pick, packing, dispatch, cancel, block) leaves only events that conform.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishedEvents } from '../../src/contracts/events.ts';
import { createOrder, injectClient, orderStatus, packAndShip, planAndRelease, receiveStock, setupWarehouse, until, workTasks, type Call } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.admin);
});
afterAll(async () => {
  await t.close();
});

describe('event payloads', () => {
  it('every event a whole flow appends matches its published schema', async () => {
    const w = await setupWarehouse(call, { siteCode: 'EVT', aisles: 2, bays: 4, levels: 1, skus: 3 });
    await receiveStock(call, w, 10, 1);
    const orders = [];
    for (let i = 0; i < 4; i++) orders.push(await createOrder(call, w.siteId, { externalId: `EVT-${i}`, lines: [{ sku: w.products[i % 3]!.sku, quantity: 1 + (i % 2) }] }));
    // One more than the stock: backordered.
    const back = await createOrder(call, w.siteId, { externalId: 'EVT-BACK', lines: [{ sku: w.products[0]!.sku, quantity: 50 }] });
    const cancelled = await createOrder(call, w.siteId, { externalId: 'EVT-CANCEL', lines: [{ sku: w.products[1]!.sku, quantity: 1 }] });
    for (const o of orders) await until(`order ${o.id} allocated`, () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await until('cancellable', () => orderStatus(call, cancelled.id), (s) => s === 'ALLOCATED');
    expect((await call('cancel', 'POST', `/api/v1/orders/${cancelled.id}/cancel`, { reason: 'customer' })).status).toBe(200);
    await t.settle();
    await planAndRelease(call, w.siteId, 50);
    await t.settle();
    await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['worker-1'], { shortOne: true, expectedTasks: orders.length });
    for (const o of orders) await until(`order ${o.id} picked`, () => orderStatus(call, o.id), (s) => s === 'PICKED' || s === 'CANCELLED');
    for (const o of orders) if ((await orderStatus(call, o.id)) === 'PICKED') await packAndShip(injectClient(t.app, t.keys.operator), o.id);
    expect((await call('block', 'POST', `/api/v1/locations/${w.storage[0]!.id}/block`, { reason: 'audit' })).status).toBe(200);
    await t.settle();
    expect(await orderStatus(call, back.id)).toBe('BACKORDERED');

    const events = await t.app.db.query<{ type: string; envelope: { data: unknown } }>(`SELECT type, envelope FROM platform.events ORDER BY type`);
    const problems = events.flatMap((e) => PublishedEvents.problems({ type: e.type, data: e.envelope.data }));
    expect(problems).toEqual([]);
    const types = new Set(events.map((e) => e.type));
    for (const type of ['orders.order.received.v1', 'inventory.stock.allocated.v1', 'inventory.stock.reserved.v1', 'picking.line.shorted.v1', 'pack-ship.shipment.dispatched.v1', 'orders.order.cancelled.v1', 'location-master.location.status-changed.v1']) {
      expect(types, type).toContain(type);
    }
  });
});
