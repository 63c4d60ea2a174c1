/**
 * The PACK task's lifecycle through REST (ADR 0035 addendum 2026-12-04): pack & ship announcing an order ready to pack
 * queues exactly one PACK task per order (announced again by the `pack-ship.ready-to-pack` job, a re-pick, a repack: still
 * one); an untyped claim and batch assignment never get it; packing through the REST pack endpoints (no task involved)
 * completes it; a cancel at any stage after ready to pack leaves none open; an order whose every line was shorted
 * (nothing picked) leaves none open either; a partial pick packs what was picked. Stock is conserved throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, injectClient, orderStatus, planAndRelease, receiveStock, setupWarehouse, until, type Call, type PickListView, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

interface Task { id: string; type: string; reference: string; status: string; workerId: string | null }

let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'PKT', aisles: 1, bays: 6, levels: 1, skus: 4 });
  await receiveStock(call, w, 40, 1);
});
afterAll(async () => {
  await t?.close();
});

const packTasksOf = async (orderId: string): Promise<Task[]> =>
  (await t.getAll<Task>(`/api/v1/tasks?siteId=${w.siteId}&type=PACK`)).filter((x) => x.reference === orderId);
const OPEN = ['CREATED', 'QUEUED', 'ASSIGNED', 'IN_PROGRESS', 'PAUSED'];
const openPackTasks = async (orderId: string): Promise<Task[]> => (await packTasksOf(orderId)).filter((x) => OPEN.includes(x.status));

/** An order of `quantities` (one line per SKU) released alone: its id and pick list. */
async function released(externalId: string, quantities: number[]): Promise<{ orderId: string; list: PickListView }> {
  const order = await createOrder(call, w.siteId, { externalId, lines: quantities.map((quantity, i) => ({ sku: w.products[i]!.sku, quantity })) });
  await until('allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
  await t.settle();
  const wave = await planAndRelease(call, w.siteId, 1);
  expect(wave.orderIds).toEqual([order.id]);
  await t.settle();
  const lists = await until('pick list', async () => (await t.get(`/api/v1/pick-lists?waveId=${wave.waveId}`)).body.items as PickListView[], (l) => l.length === 1);
  return { orderId: order.id, list: (await t.get(`/api/v1/pick-lists/${lists[0]!.id}`)).body };
}

/** Picks each line of the list into `tote`: `short[i]` units of line i are shorted (NOT_FOUND) instead. */
async function pick(list: PickListView, tote: string, short: number[] = []): Promise<void> {
  for (const [i, line] of list.lines.entries()) {
    const take = line.quantity - line.picked - (short[i] ?? 0);
    if (take > 0) {
      const res = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`,
        { locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: take, toteId: tote }, 'operator');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    if ((short[i] ?? 0) > 0) {
      const res = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, { reason: 'NOT_FOUND' }, 'operator');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }
  await t.settle();
}

/** An order picked in full: PICKED, with its PACK task. */
async function picked(externalId: string, quantities: number[]): Promise<{ orderId: string; task: Task }> {
  const { orderId, list } = await released(externalId, quantities);
  await pick(list, `TOTE-${externalId}`);
  await until('picked', () => orderStatus(call, orderId), (s) => s === 'PICKED');
  await t.settle();
  const tasks = await packTasksOf(orderId);
  expect(tasks).toHaveLength(1);
  expect(tasks[0]).toMatchObject({ type: 'PACK', status: 'QUEUED', workerId: null });
  return { orderId, task: tasks[0]! };
}

const cancel = async (orderId: string): Promise<void> => {
  const res = await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'pack-tasks test' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await t.settle();
};

/** Opens a carton at the pack station and scans `units` of the order's SKUs into it. */
async function openWith(orderId: string, barcodes: string[]): Promise<string> {
  const pkg = await t.post('/api/v1/pack-station/packages', { orderId }, 'operator');
  expect(pkg.status, JSON.stringify(pkg.body)).toBe(201);
  for (const barcode of barcodes) {
    const res = await t.post(`/api/v1/packages/${pkg.body.id}/scans`, { barcode }, 'operator');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  return pkg.body.id;
}
async function seal(packageId: string): Promise<void> {
  // A first weighing says what the package should weigh; the scale then reads exactly that.
  const first = await t.post(`/api/v1/packages/${packageId}/weight`, { weightG: 1 }, 'operator');
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  const weighed = await t.post(`/api/v1/packages/${packageId}/weight`, { weightG: Math.round(first.body.check.expectedG as number) }, 'operator');
  expect(weighed.body.check?.status, JSON.stringify(weighed.body)).not.toBe('OUT');
  const res = await t.post(`/api/v1/packages/${packageId}/seal`, undefined, 'operator');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await t.settle();
}

describe('PACK tasks', () => {
  it('one per order, never to an untyped claim nor batch assignment; packing through REST (nobody holding it) closes it; ready-to-pack again changes nothing', async () => {
    const { orderId, task } = await picked('PKT-1', [2, 1]);
    // An untyped claim (a picker's) and batch assignment are not sent to the pack bench.
    const untyped = await t.post('/api/v1/tasks/next', { workerId: 'pkt-picker', siteId: w.siteId }, 'operator');
    expect(untyped.status === 204 || untyped.body.type !== 'PACK', JSON.stringify(untyped.body)).toBe(true);
    const batch = await t.post('/api/v1/tasks/assign-batch', { siteId: w.siteId, workerIds: ['pkt-batch-1', 'pkt-batch-2'] });
    expect(batch.status).toBe(200);
    for (const item of batch.body.items as { task: Task | null }[]) expect(item.task?.type).not.toBe('PACK');
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'QUEUED', workerId: null });

    // Announced again (the job re-announces what it finds unannounced; a status change re-announces): still one task.
    const job = t.app.modules.find((m) => m.name === 'pack-ship')?.jobs?.find((j) => j.name === 'pack-ship.ready-to-pack');
    expect(job).toBeDefined();
    await job!.run();
    await t.settle();
    expect(await packTasksOf(orderId)).toHaveLength(1);

    // Packed through the REST endpoints while nobody claimed the task: it is closed (CANCELLED: the work was done
    // without it, as for any task nobody claimed, domain/task-lifecycle.ts finishPath).
    expect((await t.post('/api/v1/packages', { orderId }, 'operator')).status).toBe(201);
    await t.settle();
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'CANCELLED' });
    expect(await packTasksOf(orderId)).toHaveLength(1);
  });

  it('a PACK task a packer holds completes when the order is packed through the REST pack endpoints', async () => {
    const { orderId, task } = await picked('PKT-1B', [1, 2]);
    const claim = await t.post('/api/v1/tasks/next', { workerId: 'pkt-packer-1b', siteId: w.siteId, types: ['PACK'] }, 'operator');
    expect(claim.body).toMatchObject({ id: task.id, type: 'PACK' });
    expect((await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: 'pkt-packer-1b' }, 'operator')).status).toBe(200);
    await seal(await openWith(orderId, [w.products[0]!.gtin]));
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body.status).toBe('IN_PROGRESS');
    await seal(await openWith(orderId, [w.products[1]!.gtin, w.products[1]!.gtin]));
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'COMPLETED', workerId: 'pkt-packer-1b' });
  });

  it('completing a PACK task by hand while its order is not packed: 409 TASK_WORK_OPEN naming what is left, nothing changed; after the last seal it completes', async () => {
    const { orderId, task } = await picked('PKT-H1', [2, 1]);
    const claim = await t.post('/api/v1/tasks/next', { workerId: 'pkt-packer-h', siteId: w.siteId, types: ['PACK'] }, 'operator');
    expect(claim.body).toMatchObject({ id: task.id, type: 'PACK' });
    expect((await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: 'pkt-packer-h' }, 'operator')).status).toBe(200);
    const before = (await t.get(`/api/v1/tasks/${task.id}`)).body;

    const early = await t.post(`/api/v1/tasks/${task.id}/complete`, { workerId: 'pkt-packer-h' }, 'operator');
    expect(early.status, JSON.stringify(early.body)).toBe(409);
    expect(early.body.code).toBe('TASK_WORK_OPEN');
    expect(early.body.detail).toMatch(new RegExp(`order ${orderId} still has 3 of 3 picked unit\\(s\\) to pack`));
    expect(early.body.detail).toMatch(/seal/);
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toEqual(before);

    // A carton open with one unit scanned: still refused, naming the open carton.
    const pkg = await openWith(orderId, [w.products[0]!.gtin]);
    const middle = await t.post(`/api/v1/tasks/${task.id}/complete`, { workerId: 'pkt-packer-h' }, 'operator');
    expect(middle.status).toBe(409);
    expect(middle.body.detail).toMatch(new RegExp(`3 of 3 picked unit\\(s\\) to pack \\(open carton ${pkg}\\)`));
    await t.post(`/api/v1/packages/${pkg}/scans`, { barcode: w.products[0]!.gtin }, 'operator');
    await seal(pkg);
    const still = await t.post(`/api/v1/tasks/${task.id}/complete`, { workerId: 'pkt-packer-h' }, 'operator');
    expect(still.status).toBe(409);
    expect(still.body.detail).toMatch(/1 of 3 picked unit\(s\) to pack/);

    // The last seal packs the order: the task completes by itself, and the handheld's Finish after it is fine.
    await seal(await openWith(orderId, [w.products[1]!.gtin]));
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body.status).toBe('COMPLETED');
    const finish = await t.post(`/api/v1/tasks/${task.id}/complete`, { workerId: 'pkt-packer-h' }, 'operator');
    expect(finish.status, JSON.stringify(finish.body)).toBe(200);
  });

  it('a repack after packing queues no second PACK task', async () => {
    const { orderId, task } = await picked('PKT-2', [1, 1]);
    const first = await t.post('/api/v1/packages', { orderId }, 'operator');
    expect(first.status).toBe(201);
    await t.settle();
    expect((await t.post(`/api/v1/packages/${first.body.id}/repack`, undefined, 'operator')).status).toBe(200);
    await t.settle();
    expect((await t.post('/api/v1/packages', { orderId }, 'operator')).status).toBe(201);
    await t.settle();
    const tasks = await packTasksOf(orderId);
    expect(tasks.map((x) => x.id)).toEqual([task.id]);
    expect(OPEN).not.toContain(tasks[0]!.status);
  });

  it('a cancel at every stage after ready to pack leaves no PACK task open', async () => {
    // Before packing (the task claimed and started by a packer).
    const a = await picked('PKT-C1', [1]);
    const claim = await t.post('/api/v1/tasks/next', { workerId: 'pkt-packer', siteId: w.siteId, types: ['PACK'] }, 'operator');
    expect(claim.body).toMatchObject({ id: a.task.id, type: 'PACK' });
    expect((await t.post(`/api/v1/tasks/${a.task.id}/start`, { workerId: 'pkt-packer' }, 'operator')).status).toBe(200);
    await cancel(a.orderId);
    expect(await openPackTasks(a.orderId)).toEqual([]);
    expect((await t.get(`/api/v1/tasks/${a.task.id}`)).body.status).toBe('CANCELLED');

    // With a package open.
    const b = await picked('PKT-C2', [2]);
    await openWith(b.orderId, [w.products[0]!.gtin]);
    await cancel(b.orderId);
    expect(await openPackTasks(b.orderId)).toEqual([]);

    // After some cartons sealed (one of two lines packed).
    const c = await picked('PKT-C3', [1, 1]);
    await seal(await openWith(c.orderId, [w.products[0]!.gtin]));
    expect(await openPackTasks(c.orderId)).toHaveLength(1);
    await cancel(c.orderId);
    expect(await openPackTasks(c.orderId)).toEqual([]);

    // Packed, not shipped.
    const d = await picked('PKT-C4', [1]);
    expect((await t.post('/api/v1/packages', { orderId: d.orderId }, 'operator')).status).toBe(201);
    await t.settle();
    await cancel(d.orderId);
    expect(await openPackTasks(d.orderId)).toEqual([]);
    expect(await packTasksOf(d.orderId)).toHaveLength(1);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after the cancels' });
  });

  it('an order whose every line was shorted (nothing picked) gets no PACK task', async () => {
    const { orderId, list } = await released('PKT-S1', [2, 1]);
    await pick(list, 'TOTE-PKT-S1', [2, 1]);
    await until('picking done', () => orderStatus(call, orderId), (s) => s !== 'ALLOCATED' && s !== 'RELEASED' && s !== 'PICKING');
    await t.settle();
    // Pack & ship announces it ready to pack with nothing picked (PARTIAL, unitsPicked 0); orders cancels it. No PACK
    // task is queued for it at all: none a packer could claim in between and find nothing to pack (NOTHING_TO_PACK).
    const ready = (await t.get(`/api/v1/events?subject=${orderId}&type=pack-ship.order.ready-to-pack.v1`)).body.items as { data: { unitsPicked: number } }[];
    expect(ready.map((e) => e.data.unitsPicked)).toEqual([0]);
    expect(await packTasksOf(orderId)).toEqual([]);
    // No packer is ever offered it.
    const claim = await t.post('/api/v1/tasks/next', { workerId: 'pkt-packer-s', siteId: w.siteId, types: ['PACK'] }, 'operator');
    expect(claim.status === 204 || claim.body.reference !== orderId).toBe(true);
    if (claim.status === 200) expect((await t.post(`/api/v1/tasks/${claim.body.id}/reject`, { workerId: 'pkt-packer-s', reason: 'test' }, 'operator')).status).toBe(200);
  });

  it('a partial pick: one PACK task, closed when what was picked is packed; stock conserved', async () => {
    const { orderId, list } = await released('PKT-P1', [3, 2]);
    await pick(list, 'TOTE-PKT-P1', [1, 0]);
    await until('picked', () => orderStatus(call, orderId), (s) => s === 'PICKED');
    await t.settle();
    const tasks = await packTasksOf(orderId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.status).toBe('QUEUED');
    const pkg = await t.post('/api/v1/packages', { orderId }, 'operator');
    expect(pkg.status).toBe(201);
    expect((pkg.body.lines as { quantity: number }[]).reduce((n, l) => n + l.quantity, 0)).toBe(4);
    await t.settle();
    expect(OPEN).not.toContain((await t.get(`/api/v1/tasks/${tasks[0]!.id}`)).body.status);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after the partial pick' });
  });
});
