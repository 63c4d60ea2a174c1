/**
 * "Submit, then next": a worker finishes the work behind the task they hold (submits the count, confirms the putaway by
 * scan, confirms the list's last line) and asks for their next task at once. The task used to be completed only when
 * tasks heard the work's event, milliseconds later; a `POST /tasks/next` in between handed back the held task whose
 * work was done, and the handheld's next action on it got a 409. The relay is held here (bus stopped) so the event is
 * not heard before `next`: `next` must finish that task itself and answer the next one (or 204); the event, heard
 * afterwards, changes nothing and nothing is announced twice (ADR 0023 addendum 2026-12-04b).
 * Work withdrawn under the worker (the putaway or return cancelled, the count abandoned, the list cancelled with its
 * order) is not work done: `next` ends that task CANCELLED, as the withdrawal's event would, never COMPLETED, and a
 * complete by hand is refused (409 TASK_WORK_WITHDRAWN).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/platform/bus/envelope.ts';
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

/** `worker` claims and starts the task of `type` for `reference`, turning down others first (a short's resolution queues COUNT tasks too). */
async function startedTaskFor(type: string, reference: string, worker: string): Promise<{ id: string; reference: string }> {
  for (;;) {
    const claimed = await until(`a ${type} task`, () => next(worker, [type]), (r) => r.status === 200);
    if (claimed.body.reference === reference) break;
    expect((await t.post(`/api/v1/tasks/${claimed.body.id}/reject`, { workerId: worker }, 'operator')).status).toBe(200);
  }
  return startedTask(type, worker);
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

/**
 * Runs `withdraw` (a manager cancels the work under the worker) with the relay held: the worker's complete is refused
 * (nothing changes), their `next` ends the held task CANCELLED — not COMPLETED — and hands it back no more; once the
 * withdrawal's event is heard, the task was cancelled (and announced) once and never completed.
 */
async function withdrawThenNext(task: { id: string }, worker: string, types: string[], withdraw: () => Promise<void>): Promise<void> {
  const status = async () => (await t.get(`/api/v1/tasks/${task.id}`)).body.status;
  await t.app.bus.stop();
  try {
    await withdraw();
    const complete = await t.post(`/api/v1/tasks/${task.id}/complete`, { workerId: worker }, 'operator');
    expect([complete.status, complete.body.code]).toEqual([409, 'TASK_WORK_WITHDRAWN']);
    expect(await status()).toBe('IN_PROGRESS');
    const after = await next(worker, types);
    expect([200, 204]).toContain(after.status);
    if (after.status === 200) expect(after.body.id).not.toBe(task.id);
    expect(await status()).toBe('CANCELLED');
  } finally {
    t.app.bus.start();
  }
  await t.settle();
  expect(await status()).toBe('CANCELLED');
  const events = async (type: string) => (await t.get(`/api/v1/events?subject=${task.id}&type=${type}`)).body.items;
  expect(await events('tasks.task.cancelled.v1')).toHaveLength(1);
  expect(await events('tasks.task.completed.v1')).toHaveLength(0);
  const again = await t.post(`/api/v1/tasks/${task.id}/complete`, { workerId: worker }, 'operator');
  expect([again.status, again.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
}

/** A released order's pick list for `worker`, started: the order of `sku` × `quantity`. */
async function startedPick(externalId: string, sku: string, quantity: number, worker: string): Promise<{ orderId: string; task: { id: string; reference: string }; list: PickListView }> {
  const order = await createOrder(call, w.siteId, { externalId, lines: [{ sku, quantity }] });
  await until('allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
  await t.settle();
  await planAndRelease(call, w.siteId, 10);
  await t.settle();
  const task = await startedTask('PICK', worker);
  const list = (await t.get(`/api/v1/pick-lists/${task.reference}`)).body as PickListView;
  expect(list.orderIds).toEqual([order.id]);
  return { orderId: order.id, task, list };
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

  it('PICK: the list whose last line was shorted (PARTIAL) is not handed back', async () => {
    const { task, list } = await startedPick('HWR-2', w.products[0]!.sku, 1, 'hwr-shorter');
    await finishThenNext(task, 'hwr-shorter', ['PICK'], async () => {
      for (const line of list.lines) {
        expect((await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, { reason: 'NOT_FOUND' }, 'operator')).status).toBe(200);
      }
      expect((await t.get(`/api/v1/pick-lists/${list.id}`)).body.status).toBe('PARTIAL');
    });
  });
});

describe('next right after the held task\'s work is withdrawn (event not heard yet)', () => {
  it('PUTAWAY: the putaway a manager cancelled ends its task CANCELLED, not COMPLETED', async () => {
    const sku = w.products[0]!.sku;
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'Stoneware Ltd', reference: 'HWR-ASN-2', lines: [{ sku, quantity: 3 }] }, 'manager');
    expect(asn.status).toBe(201);
    const received = await t.post(`/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 3 }, 'operator');
    expect(received.status).toBe(201);
    await t.settle();
    const task = await startedTask('PUTAWAY', 'hwr-stocker-2');
    expect(task.reference).toBe(received.body.putaway.id);
    await withdrawThenNext(task, 'hwr-stocker-2', ['PUTAWAY'], async () => {
      const cancelled = await t.post(`/api/v1/inventory/putaways/${task.reference}/cancel`, { reason: 'forklift broke' }, 'manager');
      expect(cancelled.body.status).toBe('CANCELLED');
    });
  });

  it('COUNT: the count a manager abandoned before it was submitted ends its task CANCELLED', async () => {
    const opened = await t.post('/api/v1/inventory/counts', { siteId: w.siteId, sku: w.products[1]!.sku, locationIds: [w.storage[1]!.id] }, 'manager');
    expect(opened.status).toBe(201);
    const countId: string = opened.body.items[0].id;
    await t.settle();
    const task = await startedTaskFor('COUNT', countId, 'hwr-counter-2');
    await withdrawThenNext(task, 'hwr-counter-2', ['COUNT'], async () => {
      const rejected = await t.post(`/api/v1/inventory/counts/${countId}/reject`, { reason: 'counter sent home' }, 'manager');
      expect(rejected.body.status).toBe('REJECTED');
    });
  });

  it('MOVE: the return to stock a manager cancelled ends its task CANCELLED', async () => {
    const { orderId, task: pick, list } = await startedPick('HWR-3', w.products[1]!.sku, 1, 'hwr-picker-3');
    const line = list.lines[0]!;
    expect((await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity, toteId: 'TOTE-hwr-3',
    }, 'operator')).status).toBe(200);
    await t.settle();
    expect((await t.get(`/api/v1/tasks/${pick.id}`)).body.status).toBe('COMPLETED');
    expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' }, 'manager')).body.status).toBe('CANCELLED');
    await t.settle();
    const [ret] = (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${orderId}`)).body.items as { id: string }[];
    const task = await startedTask('MOVE', 'hwr-mover');
    expect(task.reference).toBe(ret!.id);
    await withdrawThenNext(task, 'hwr-mover', ['MOVE'], async () => {
      const cancelled = await t.post(`/api/v1/inventory/returns/${ret!.id}/cancel`, { reason: 'tote lost' }, 'manager');
      expect(cancelled.body.status).toBe('CANCELLED');
    });
  });

  it('PACK: the order cancelled before it was packed (its shipping stopped) ends its task CANCELLED', async () => {
    const { orderId, list } = await startedPick('HWR-5', w.products[1]!.sku, 1, 'hwr-picker-5');
    const line = list.lines[0]!;
    expect((await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity, toteId: 'TOTE-hwr-5',
    }, 'operator')).status).toBe(200);
    await t.settle();
    const task = await startedTaskFor('PACK', orderId, 'hwr-packer');
    await withdrawThenNext(task, 'hwr-packer', ['PACK'], async () => {
      expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' }, 'manager')).body.status).toBe('CANCELLED');
    });
  });

  it('PICK: the list cancelled with its order ends its task CANCELLED', async () => {
    const { orderId, task, list } = await startedPick('HWR-4', w.products[0]!.sku, 1, 'hwr-picker-4');
    await withdrawThenNext(task, 'hwr-picker-4', ['PICK'], async () => {
      expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' }, 'manager')).body.status).toBe('CANCELLED');
      // Picking (only) hears the cancellation: its lines are cancelled, the list with them; tasks has not heard yet.
      const [cancelled] = await t.app.db.query<{ envelope: EventEnvelope }>(
        'SELECT envelope FROM platform.events WHERE subject = $1 AND type = $2', [orderId, 'orders.order.cancelled.v1']);
      const picking = t.app.modules.find((m) => m.name === 'picking')?.subscriptions ?? [];
      await t.app.db.tx(async (tx) => {
        for (const s of picking) if (s.types.includes(cancelled!.envelope.type)) await s.handle(cancelled!.envelope, tx);
      });
      expect((await t.get(`/api/v1/pick-lists/${list.id}`)).body.status).toBe('CANCELLED');
    });
  });
});
