/**
 * "Submit, then next": a worker finishes the work behind the task they hold (submits the count, confirms the putaway by
 * scan, confirms the list's last line) and asks for their next task at once. The task used to be completed only when
 * tasks heard the work's event, milliseconds later; a `POST /tasks/next` in between handed back the held task whose
 * work was done, and the handheld's next action on it got a 409. The relay is held here (bus stopped) so the event is
 * not heard before `next`: `next` must finish that task itself and answer the next one (or 204); the event, heard
 * afterwards, changes nothing and nothing is announced twice (ADR 0023 addendum 2026-12-04b).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, injectClient, orderStatus, planAndRelease, receiveStock, setupWarehouse, until, type Call, type PickListView, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'HWR', aisles: 1, bays: 4, levels: 1, skus: 3 });
  await receiveStock(call, w, 20, 1);
  await t.settle();
});
afterAll(async () => {
  await t?.close();
});

const next = (worker: string, types: string[]) => t.post('/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types }, 'operator');

/** `worker` claims the next task of `type` and starts it. */
async function startedTask(type: string, worker: string): Promise<{ id: string; reference: string }> {
  const claimed = await until(`a ${type} task`, () => next(worker, [type]), (r) => r.status === 200);
  expect((await t.post(`/api/v1/tasks/${claimed.body.id}/start`, { workerId: worker }, 'operator')).status).toBe(200);
  return claimed.body;
}

/**
 * Runs `finish` (the worker's last action on the work) with the relay held, then the worker's `next`: it must not be
 * the held task, which is COMPLETED already; once the event is heard, the task was completed (and announced) once.
 */
async function finishThenNext(task: { id: string }, worker: string, types: string[], finish: () => Promise<void>): Promise<void> {
  await t.app.bus.stop();
  try {
    await finish();
    const after = await next(worker, types);
    expect([200, 204]).toContain(after.status);
    if (after.status === 200) expect(after.body.id).not.toBe(task.id);
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body.status).toBe('COMPLETED');
  } finally {
    t.app.bus.start();
  }
  await t.settle();
  expect((await t.get(`/api/v1/tasks/${task.id}`)).body.status).toBe('COMPLETED');
  const completed = (await t.get(`/api/v1/events?subject=${task.id}&type=tasks.task.completed.v1`)).body.items;
  expect(completed).toHaveLength(1);
  // The handheld's complete of it, if it still sends one, is answered with the task as it is.
  const again = await t.post(`/api/v1/tasks/${task.id}/complete`, { workerId: worker }, 'operator');
  expect([again.status, again.body.status]).toEqual([200, 'COMPLETED']);
}

describe('next right after the held task\'s work is finished (event not heard yet)', () => {
  it('COUNT: the submitted count\'s task is not handed back', async () => {
    const opened = await t.post('/api/v1/inventory/counts', { siteId: w.siteId, sku: w.products[2]!.sku, locationIds: [w.storage[2]!.id] }, 'manager');
    expect(opened.status).toBe(201);
    const countId: string = opened.body.items[0].id;
    await t.settle();
    const task = await startedTask('COUNT', 'hwr-counter');
    expect(task.reference).toBe(countId);
    await finishThenNext(task, 'hwr-counter', ['COUNT'], async () => {
      const submitted = await t.post(`/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 20, workerId: 'hwr-counter' }, 'operator');
      expect(submitted.status).toBe(200);
    });
  });

  it('PUTAWAY: the putaway confirmed by scan is not handed back', async () => {
    const sku = w.products[1]!.sku;
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'Stoneware Ltd', reference: 'HWR-ASN', lines: [{ sku, quantity: 4 }] }, 'manager');
    expect(asn.status).toBe(201);
    const received = await t.post(`/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 4 }, 'operator');
    expect(received.status).toBe(201);
    await t.settle();
    const task = await startedTask('PUTAWAY', 'hwr-stocker');
    expect(task.reference).toBe(received.body.putaway.id);
    const putaway = (await t.get(`/api/v1/inventory/putaways/${task.reference}`)).body;
    const target = (await t.get(`/api/v1/locations/${putaway.suggestedLocationId}`)).body;
    await finishThenNext(task, 'hwr-stocker', ['PUTAWAY'], async () => {
      const confirmed = await t.post(`/api/v1/inventory/putaways/${task.reference}/confirm`, { locationCode: target.code, workerId: 'hwr-stocker' }, 'operator');
      expect(confirmed.body.status).toBe('COMPLETED');
    });
  });

  it('PICK: the list whose last line was confirmed is not handed back', async () => {
    const order = await createOrder(call, w.siteId, { externalId: 'HWR-1', lines: w.products.slice(0, 2).map((p) => ({ sku: p.sku, quantity: 2 })) });
    await until('allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndRelease(call, w.siteId, 10);
    await t.settle();
    const task = await startedTask('PICK', 'hwr-picker');
    const list = (await t.get(`/api/v1/pick-lists/${task.reference}`)).body as PickListView;
    await finishThenNext(task, 'hwr-picker', ['PICK'], async () => {
      for (const line of list.lines) {
        const confirmed = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
          locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity - line.picked, toteId: 'TOTE-hwr',
        }, 'operator');
        expect(confirmed.status).toBe(200);
      }
      expect((await t.get(`/api/v1/pick-lists/${list.id}`)).body.status).toBe('COMPLETED');
    });
  });
});
