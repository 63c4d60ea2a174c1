/**
 * An order expedited after release (issue 10, the `expedite` exception action; `POST /orders/{id}/reprioritise`): its
 * open pick list and that list's task not started yet become the most urgent, so the next worker to ask gets it; a
 * task under way keeps its place; a final order refuses, bad input changes nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOrder, packAndShip, planAndRelease, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startSiteApp } from '../support/site-app.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  ({ t, call, w } = await startSiteApp({ siteCode: 'EXP', aisles: 2, bays: 4, levels: 1, skus: 4 }, { stock: { quantity: 50, locationsPerSku: 1 } }));
});
afterAll(async () => {
  await t.close();
});

interface Task { id: string; reference: string; priority: number; status: string }
const pickTasks = async (): Promise<Task[]> => (await t.get(`/api/v1/tasks?siteId=${w.siteId}&type=PICK&limit=500`, 'viewer')).body.items as Task[];
const listOf = async (orderId: string): Promise<{ id: string; priority: number }> => (await t.get(`/api/v1/pick-lists?orderId=${orderId}`, 'viewer')).body.items[0];

it('puts an expedited order\'s pick list and task first in the queue; refuses a final order; bad input changes nothing', async () => {
  const orders = [];
  for (let i = 0; i < 3; i++) {
    orders.push(await createOrder(call, w.siteId, { externalId: `EXP-${i}`, priority: 5, lines: [{ sku: w.products[i]!.sku, quantity: 1 }] }));
  }
  await t.settle();
  await planAndRelease(call, w.siteId, 10);
  await t.settle();
  const late = orders[2]!;
  const before = await listOf(late.id);
  expect(before.priority).toBe(5);

  const bad = await t.post(`/api/v1/orders/${late.id}/reprioritise`, { priority: 0 }, 'manager');
  expect(bad.status).toBe(400);
  expect(bad.body.errors[0].field).toBe('/priority');
  expect((await t.post(`/api/v1/orders/${late.id}/reprioritise`, { priority: 1 }, 'operator')).status).toBe(403);
  expect((await t.post('/api/v1/orders/ord_nope/reprioritise', { priority: 1 }, 'manager')).body.code).toBe('NOT_FOUND');
  await t.settle();
  expect((await pickTasks()).every((x) => x.priority === 5)).toBe(true);

  const expedited = await t.post(`/api/v1/orders/${late.id}/reprioritise`, { priority: 1 }, 'manager');
  expect(expedited.status).toBe(200);
  expect(expedited.body.priority).toBe(1);
  await t.settle();
  expect((await listOf(late.id)).priority).toBe(1);
  const tasks = await pickTasks();
  expect(tasks.find((x) => x.reference === before.id)).toMatchObject({ priority: 1, status: 'QUEUED' });
  expect(tasks.filter((x) => x.reference !== before.id).every((x) => x.priority === 5)).toBe(true);
  const events = (await t.get(`/api/v1/events?type=tasks.task.reprioritised.v1`, 'admin')).body.items as { data: { priority: number; previousPriority: number } }[];
  expect(events.map((e) => [e.data.previousPriority, e.data.priority])).toEqual([[5, 1]]);
  // The same priority again: nothing changes, nothing is announced.
  expect((await t.post(`/api/v1/orders/${late.id}/reprioritise`, { priority: 1 }, 'manager')).status).toBe(200);
  await t.settle();
  expect((await t.get(`/api/v1/events?type=picking.list.reprioritised.v1`, 'admin')).body.items).toHaveLength(1);

  // The next worker to ask gets the expedited list.
  const next = await t.post('/api/v1/tasks/next', { workerId: 'exp-1', siteId: w.siteId }, 'operator');
  expect(next.body.reference).toBe(before.id);

  // An order still in the wave pool moves up in it.
  const waiting = await createOrder(call, w.siteId, { externalId: 'EXP-pool', priority: 5, lines: [{ sku: w.products[3]!.sku, quantity: 1 }] });
  await t.settle();
  expect((await t.post(`/api/v1/orders/${waiting.id}/reprioritise`, { priority: 2 }, 'manager')).status).toBe(200);
  await t.settle();
  const pool = (await t.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=100`, 'viewer')).body.items as { orderId: string; priority: number }[];
  expect(pool.find((p) => p.orderId === waiting.id)?.priority).toBe(2);

  // Shipped, it refuses.
  const first = orders[0]!;
  const list = (await t.get(`/api/v1/pick-lists?orderId=${first.id}`, 'viewer')).body.items[0] as { id: string; lines: { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number }[] };
  for (const line of list.lines) {
    const res = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity, toteId: 'T-EXP',
    }, 'operator');
    expect(res.status).toBe(200);
  }
  await t.settle();
  await packAndShip(call, first.id);
  await until('shipped', async () => (await t.get(`/api/v1/orders/${first.id}`, 'viewer')).body.status, (s) => s === 'SHIPPED');
  const shipped = await t.post(`/api/v1/orders/${first.id}/reprioritise`, { priority: 1 }, 'manager');
  expect(shipped).toMatchObject({ status: 409, body: { code: 'ORDER_SHIPPED' } });
});
