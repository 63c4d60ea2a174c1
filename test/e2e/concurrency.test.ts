import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOrder, injectClient, orderStatus, setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';

/** Acceptance (c) and (d) over HTTP: no oversell, no double claim, no duplicate orders. */
let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.integration);
  w = await setupWarehouse(injectClient(t.app, t.keys.admin), { siteCode: 'RACE', aisles: 2, bays: 4, levels: 1, skus: 2 });
  const receipt = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku: w.products[0]!.sku, locationId: w.storage[0]!.id, quantity: 10 });
  expect(receipt.status).toBe(201);
});
afterAll(async () => {
  await t.close();
});

describe('concurrency', () => {
  it('50 concurrent orders for a SKU with 10 units: exactly 10 allocated, 40 backordered, never negative', async () => {
    const sku = w.products[0]!.sku;
    const created = await Promise.all(Array.from({ length: 50 }, (_, i) => createOrder(call, w.siteId, { externalId: `RACE-${i}`, lines: [{ sku, quantity: 1 }] })));
    expect(new Set(created.map((o) => o.id)).size).toBe(50);
    await t.settle();
    const statuses = await Promise.all(created.map((o) => until(`order ${o.id} decided`, () => orderStatus(call, o.id), (s) => s === 'ALLOCATED' || s === 'BACKORDERED')));
    expect(statuses.filter((s) => s === 'ALLOCATED')).toHaveLength(10);
    expect(statuses.filter((s) => s === 'BACKORDERED')).toHaveLength(40);
    const atp = await t.get(`/api/v1/inventory/summary?siteId=${w.siteId}&sku=${sku}`);
    expect(atp.body.items[0]).toMatchObject({ onHand: 10, allocated: 10, ledgerAllocated: 10 });
  });

  it('the same order posted twice, or ten times at once, is one order', async () => {
    const spec = { externalId: 'DUP-1', lines: [{ sku: w.products[1]!.sku, quantity: 1 }] };
    const first = await createOrder(call, w.siteId, spec);
    const again = await createOrder(call, w.siteId, spec);
    expect(again.id).toBe(first.id);
    const burst = await Promise.all(Array.from({ length: 10 }, () => createOrder(call, w.siteId, { ...spec, externalId: 'DUP-2' })));
    expect(new Set(burst.map((o) => o.id)).size).toBe(1);
    const listed = await t.get('/api/v1/orders?externalId=DUP-2');
    expect(listed.body.items).toHaveLength(1);
    const received = await t.get(`/api/v1/events?type=orders.order.received.v1&subject=${burst[0]!.id}`);
    expect(received.body.items).toHaveLength(1);
  });

  it('the same Idempotency-Key replays the first answer', async () => {
    const body = { externalId: 'IDEM-1', siteId: w.siteId, shipTo: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'US' }, lines: [{ sku: w.products[1]!.sku, quantity: 1 }] };
    const a = await t.post('/api/v1/orders', body, 'integration', { 'idempotency-key': 'k-1' });
    const b = await t.post('/api/v1/orders', body, 'integration', { 'idempotency-key': 'k-1' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    const other = await t.post('/api/v1/orders', { ...body, externalId: 'IDEM-2' }, 'integration', { 'idempotency-key': 'k-1' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('20 workers racing for 5 tasks: each task is claimed exactly once', async () => {
    // Five pick lists' worth of tasks, created by the real flow upstream of tasks.
    const sku = w.products[1]!.sku;
    await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[1]!.id, quantity: 100 });
    const orders = await Promise.all(Array.from({ length: 5 }, (_, i) => createOrder(call, w.siteId, { externalId: `TASK-${i}`, lines: [{ sku, quantity: 1 }] })));
    for (const o of orders) await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    const wave = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 5 }, 'manager');
    expect(wave.status).toBe(201);
    expect(wave.body.orderIds).toHaveLength(5);
    expect((await t.post(`/api/v1/waves/${wave.body.id}/release`, undefined, 'manager')).status).toBe(200);
    await t.settle();
    const queued = await t.get(`/api/v1/tasks?siteId=${w.siteId}&status=QUEUED`);
    expect(queued.body.items).toHaveLength(5);

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => t.post('/api/v1/tasks/next', { workerId: `racer-${i}`, siteId: w.siteId }, 'operator')));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(5);
    expect(results.filter((r) => r.status === 204)).toHaveLength(15);
    expect(new Set(winners.map((r) => r.body.id)).size).toBe(5);
    const assigned = await t.get(`/api/v1/tasks?siteId=${w.siteId}&status=ASSIGNED`);
    expect(new Set(assigned.body.items.map((x: { workerId: string }) => x.workerId)).size).toBe(5);
  });
});
