/**
 * The PACK task's lifecycle through REST (ADR 0035 addenda 2026-12-04 and 2026-12-05): pack & ship announcing an order
 * ready to pack queues exactly one PACK task per packing round (announced again by the `pack-ship.ready-to-pack` job or
 * handed over again: still one; a short-pick recovery's re-pick is in the first round); a packed package repacked after
 * the order was packed starts the next round, a new task a packer gets on the handheld's Pack work; an untyped claim and
 * batch assignment never get it; packing through the REST pack endpoints (no task involved) completes it; a cancel at
 * any stage after ready to pack leaves none open; an order whose every line was shorted (nothing picked) leaves none
 * open either; a partial pick packs what was picked. Every order ships what it picked; stock is conserved throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, injectClient, orderStatus, planAndRelease, receiveStock, setupWarehouse, until, type Call, type PickListView, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import type { EventEnvelope } from '../../src/platform/bus/envelope.ts';

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

/** Every envelope the bus publishes from now on (to hand an old one to a consumer again). */
function recordEvents(): { events: EventEnvelope[]; stop: () => void } {
  const events: EventEnvelope[] = [];
  const stop = t.app.bus.observe((run) => events.push(...run));
  return { events, stop };
}
/** A copy of an old event delivered to tasks again under a new id (a replay or a second publication: no inbox catches it). */
let redelivered = 0;
async function redeliverToTasks(e: EventEnvelope): Promise<void> {
  expect(await t.app.bus.deliver('tasks', { ...e, id: `${e.id}-again-${++redelivered}` })).toBe('handled');
  await t.settle();
}
async function claimPack(workerId: string): Promise<Task> {
  const claim = await t.post('/api/v1/tasks/next', { workerId, siteId: w.siteId, types: ['PACK'] }, 'operator');
  expect(claim.status, JSON.stringify(claim.body)).toBe(200);
  expect((await t.post(`/api/v1/tasks/${claim.body.id}/start`, { workerId }, 'operator')).status).toBe(200);
  return claim.body as Task;
}
/** Books, labels and dispatches the order; it must end SHIPPED with every picked unit shipped (and packed once). */
async function shipAll(orderId: string, picked: number[]): Promise<void> {
  const shipment = await t.post('/api/v1/shipments', { orderId }, 'operator');
  expect(shipment.status, JSON.stringify(shipment.body)).toBe(201);
  expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`, undefined, 'operator')).status).toBe(200);
  await t.settle();
  await until('shipped', () => orderStatus(call, orderId), (s) => s === 'SHIPPED');
  const order = (await t.get(`/api/v1/orders/${orderId}`)).body as { lines: { picked: number; packed: number; shipped: number }[] };
  expect(order.lines.map((l) => [l.picked, l.packed, l.shipped])).toEqual(picked.map((n) => [n, n, n]));
}

describe('PACK tasks after the order was packed once (ADR 0035 addendum 2026-12-05)', () => {
  it('a repack of a packed order queues the next PACK task; a packer gets it and packs the rest; the order ships everything picked', async () => {
    const { orderId, task } = await picked('PKT-R1', [2, 1]);
    const first = await claimPack('pkt-packer-r1');
    expect(first.id).toBe(task.id);
    const pkg = await openWith(orderId, [w.products[0]!.gtin, w.products[0]!.gtin, w.products[1]!.gtin]);
    await seal(pkg);
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'COMPLETED', workerId: 'pkt-packer-r1' });
    expect(await orderStatus(call, orderId)).toBe('PACKED');

    // The sealed carton is opened again (a wrong item, a crushed box): its three units wait in the tote to be packed.
    const repacked = await t.post(`/api/v1/packages/${pkg}/repack`, undefined, 'operator');
    expect(repacked.status, JSON.stringify(repacked.body)).toBe(200);
    await t.settle();
    const open = await openPackTasks(orderId);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ type: 'PACK', reference: orderId, status: 'QUEUED', workerId: null });
    expect(open[0]!.id).not.toBe(task.id);
    // The first packer's work stays theirs, completed. The order is PICKED again (ADR 0049 addendum 2026-12-04), its
    // units no longer counted packed.
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'COMPLETED', workerId: 'pkt-packer-r1' });
    const order = (await t.get(`/api/v1/orders/${orderId}`)).body as { status: string; lines: { packed: number }[] };
    expect([order.status, order.lines.map((l) => l.packed)]).toEqual(['PICKED', [0, 0]]);

    // The handheld's Pack work offers it; Finish before the units are packed is refused, naming them.
    const second = await claimPack('pkt-packer-r2');
    expect(second.id).toBe(open[0]!.id);
    const early = await t.post(`/api/v1/tasks/${second.id}/complete`, { workerId: 'pkt-packer-r2' }, 'operator');
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/3 of 3 picked unit\(s\) to pack/);
    await seal(await openWith(orderId, [w.products[0]!.gtin, w.products[0]!.gtin, w.products[1]!.gtin]));
    expect((await t.get(`/api/v1/tasks/${second.id}`)).body).toMatchObject({ status: 'COMPLETED', workerId: 'pkt-packer-r2' });
    expect(await openPackTasks(orderId)).toEqual([]);

    await shipAll(orderId, [2, 1]);
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after the repack' });
  });

  it('a voided label, then a repack: the next PACK task; an old announcement handed to tasks again re-opens nothing', async () => {
    const recorded = recordEvents();
    try {
      const { orderId, task } = await picked('PKT-R2', [1, 1]);
      const packed = await t.post('/api/v1/packages', { orderId }, 'operator');
      expect(packed.status).toBe(201);
      await t.settle();
      // Packed through REST while nobody held the task: closed CANCELLED (the work was done without it).
      expect((await t.get(`/api/v1/tasks/${task.id}`)).body.status).toBe('CANCELLED');
      const booked = await t.post('/api/v1/shipments', { orderId }, 'operator');
      expect(booked.status).toBe(201);
      expect((await t.post(`/api/v1/shipments/${booked.body.id}/void`, undefined, 'operator')).status).toBe(200);
      expect((await t.post(`/api/v1/packages/${packed.body.id}/repack`, undefined, 'operator')).status).toBe(200);
      await t.settle();
      const open = await openPackTasks(orderId);
      expect(open).toHaveLength(1);
      expect(open[0]!.id).not.toBe(task.id);
      // Nothing ships while the units are out of their carton.
      expect((await t.post('/api/v1/shipments', { orderId }, 'operator')).status).toBe(409);

      // The first round's announcement and its end, handed to tasks again: the second round's task is untouched, and
      // no third one is queued.
      const ofOrder = (type: string) => recorded.events.filter((e) => e.subject === orderId && e.type === type);
      const announced = ofOrder('pack-ship.order.ready-to-pack.v1');
      expect(announced.map((e) => (e.data as { round?: number }).round ?? 1)).toEqual([1, 2]);
      const packedEvents = ofOrder('pack-ship.order.packed.v1');
      expect(packedEvents).toHaveLength(1);
      await redeliverToTasks(announced[0]!);
      await redeliverToTasks(packedEvents[0]!);
      await redeliverToTasks(announced[1]!);
      expect((await packTasksOf(orderId)).map((x) => [x.id, x.status])).toEqual([[task.id, 'CANCELLED'], [open[0]!.id, 'QUEUED']]);

      expect((await t.post('/api/v1/packages', { orderId }, 'operator')).status).toBe(201);
      await t.settle();
      expect((await t.get(`/api/v1/tasks/${open[0]!.id}`)).body.status).toBe('CANCELLED');
      // The second round's announcement again, after its packing: nothing re-opens.
      await redeliverToTasks(announced[1]!);
      expect(await openPackTasks(orderId)).toEqual([]);
      expect(await packTasksOf(orderId)).toHaveLength(2);

      await shipAll(orderId, [1, 1]);
      expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
      await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after the void and repack' });
    } finally {
      recorded.stop();
    }
  });

  it('a repack before the order was packed (its task still open) queues nothing more; a cancel after a repack withdraws the task', async () => {
    const { orderId, task } = await picked('PKT-R3', [2]);
    const pkg = await openWith(orderId, [w.products[0]!.gtin]);
    await seal(pkg);
    expect((await t.post(`/api/v1/packages/${pkg}/repack`, undefined, 'operator')).status).toBe(200);
    await t.settle();
    expect((await openPackTasks(orderId)).map((x) => x.id)).toEqual([task.id]);

    expect((await t.post('/api/v1/packages', { orderId }, 'operator')).status).toBe(201);
    await t.settle();
    const packages = (await t.get(`/api/v1/packages?orderId=${orderId}`)).body.items as { id: string; status: string }[];
    const sealed = packages.find((p) => p.status === 'PACKED');
    expect(sealed).toBeDefined();
    expect((await t.post(`/api/v1/packages/${sealed!.id}/repack`, undefined, 'operator')).status).toBe(200);
    await t.settle();
    expect(await openPackTasks(orderId)).toHaveLength(1);
    await cancel(orderId);
    expect(await openPackTasks(orderId)).toEqual([]);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after the cancel of a repacked order' });
  });
});

describe('PACK tasks and short-pick recovery (ADR 0024)', () => {
  it('a short re-reserved elsewhere: units packed before the re-pick are not a packing round; one PACK task after the re-pick packs the rest; everything picked ships', async () => {
    const s = await setupWarehouse(call, { siteCode: 'PKRS', aisles: 1, bays: 3, levels: 1, skus: 1 });
    const sku = s.products[0]!.sku;
    const [a, b] = [s.storage[0]!, s.storage[1]!];
    await t.post('/api/v1/inventory/receipts', { siteId: s.siteId, sku, locationId: a.id, quantity: 2 });
    await t.post('/api/v1/inventory/receipts', { siteId: s.siteId, sku, locationId: b.id, quantity: 1 });
    const order = await createOrder(call, s.siteId, { externalId: 'PKR-1', lines: [{ sku, quantity: 2 }] });
    await until('allocated', () => orderStatus(call, order.id), (x) => x === 'ALLOCATED');
    await t.settle();
    const wave = await planAndRelease(call, s.siteId, 1);
    await t.settle();
    const lists = async (): Promise<PickListView[]> => {
      const items = (await t.get(`/api/v1/pick-lists?waveId=${wave.waveId}`)).body.items as { id: string }[];
      return Promise.all(items.map(async (l) => (await t.get(`/api/v1/pick-lists/${l.id}`)).body as PickListView));
    };
    const [firstList] = await until('pick list', lists, (l) => l.length === 1);
    expect(firstList!.lines).toHaveLength(1);
    expect(firstList!.lines[0]!.locationId).toBe(a.id);
    // One unit picked, the other shorted: re-reserved at the other location, a new list; the order is still picking.
    await pick(firstList!, 'TOTE-PKR-1', [1]);
    const both = await until('re-pick list', lists, (l) => l.length === 2);
    const repick = both.find((l) => l.id !== firstList!.id)!;
    expect(repick.lines[0]!.locationId).toBe(b.id);
    expect(await orderStatus(call, order.id)).toBe('PICKING');
    const packTasks = async (): Promise<Task[]> => (await t.getAll<Task>(`/api/v1/tasks?siteId=${s.siteId}&type=PACK`)).filter((x) => x.reference === order.id);
    expect(await packTasks()).toEqual([]);

    // A packer packs the picked unit early (the REST pack endpoint allows it): the order is not packed, nothing announced.
    expect((await t.post('/api/v1/packages', { orderId: order.id }, 'operator')).status).toBe(201);
    await t.settle();
    expect(await orderStatus(call, order.id)).toBe('PICKING');
    expect(await packTasks()).toEqual([]);

    await pick(repick, 'TOTE-PKR-2');
    await until('picked', () => orderStatus(call, order.id), (x) => x === 'PICKED');
    await t.settle();
    const ready = (await t.get(`/api/v1/events?subject=${order.id}&type=pack-ship.order.ready-to-pack.v1`)).body.items as { data: { unitsPicked: number; status: string } }[];
    expect(ready.map((e) => [e.data.status, e.data.unitsPicked])).toEqual([['COMPLETED', 2]]);
    const tasks = await packTasks();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.status).toBe('QUEUED');
    const claim = await t.post('/api/v1/tasks/next', { workerId: 'pkr-packer', siteId: s.siteId, types: ['PACK'] }, 'operator');
    expect(claim.body).toMatchObject({ id: tasks[0]!.id, reference: order.id });
    expect((await t.post(`/api/v1/tasks/${claim.body.id}/start`, { workerId: 'pkr-packer' }, 'operator')).status).toBe(200);
    const early = await t.post(`/api/v1/tasks/${claim.body.id}/complete`, { workerId: 'pkr-packer' }, 'operator');
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/1 of 2 picked unit\(s\) to pack/);
    expect((await t.post('/api/v1/packages', { orderId: order.id }, 'operator')).status).toBe(201);
    await t.settle();
    expect((await t.get(`/api/v1/tasks/${claim.body.id}`)).body).toMatchObject({ status: 'COMPLETED', workerId: 'pkr-packer' });

    const shipment = await t.post('/api/v1/shipments', { orderId: order.id }, 'operator');
    expect(shipment.status, JSON.stringify(shipment.body)).toBe(201);
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`, undefined, 'operator')).status).toBe(200);
    await t.settle();
    await until('shipped', () => orderStatus(call, order.id), (x) => x === 'SHIPPED');
    const lines = ((await t.get(`/api/v1/orders/${order.id}`)).body as { lines: { picked: number; packed: number; shipped: number }[] }).lines;
    expect(lines.map((l) => [l.picked, l.packed, l.shipped])).toEqual([[2, 2, 2]]);
    await assertStockConserved(t.databaseUrl, { siteId: s.siteId, when: 'after the short-pick recovery' });
  });
});

/** A copy of an old event delivered to orders again under a new id (a replay or a second publication: no inbox catches it). */
async function redeliverToOrders(e: EventEnvelope): Promise<void> {
  expect(await t.app.bus.deliver('orders', { ...e, id: `${e.id}-again-${++redelivered}` })).toBe('handled');
  await t.settle();
}
interface OrderView {
  status: string;
  lines: { picked: number; packed: number; shipped: number }[];
  statusHistory: { from: string | null; to: string; cause: string | null }[];
}
const orderView = async (orderId: string): Promise<OrderView> => (await t.get(`/api/v1/orders/${orderId}`)).body as OrderView;
/** The order's status moves, oldest first, from PICKED on. */
const movesFromPicked = (o: OrderView): string[] => {
  const moves = o.statusHistory.filter((h) => h.from !== h.to).map((h) => `${h.from ?? ''}>${h.to}`);
  return moves.slice(moves.findIndex((m) => m.endsWith('>PICKED')));
};

describe("The order's status through a second packing round (ADR 0049 addendum 2026-12-04)", () => {
  it('a repack after packing: PICKED with the units packed no more (orders.order.picked from PACKED); packed again: PACKED; shipped: SHIPPED', async () => {
    const recorded = recordEvents();
    try {
      const { orderId } = await picked('PKT-RS1', [2, 1]);
      const pkg = await openWith(orderId, [w.products[0]!.gtin, w.products[0]!.gtin, w.products[1]!.gtin]);
      await seal(pkg);
      expect(await orderStatus(call, orderId)).toBe('PACKED');
      const readySince = async (): Promise<Date> =>
        (await t.app.db.query<{ ready_to_pack_at: Date }>(`SELECT ready_to_pack_at FROM pack_ship.orders WHERE order_id = $1`, [orderId]))[0]!.ready_to_pack_at;
      const firstReady = await readySince();

      expect((await t.post(`/api/v1/packages/${pkg}/repack`, undefined, 'operator')).status).toBe(200);
      await t.settle();
      // Ready to pack since this round began, not since the first.
      expect((await readySince()).getTime()).toBeGreaterThan(firstReady.getTime());
      const reopened = await orderView(orderId);
      expect(reopened.status).toBe('PICKED');
      expect(reopened.lines.map((l) => [l.picked, l.packed])).toEqual([[2, 0], [1, 0]]);
      expect(movesFromPicked(reopened)).toEqual(['PICKING>PICKED', 'PICKED>PACKED', 'PACKED>PICKED']);
      // The list filter agrees with the order.
      const pickedNow = (await t.get(`/api/v1/orders?ids=${orderId}&status=PICKED`)).body.items as { id: string }[];
      expect(pickedNow.map((o) => o.id)).toContain(orderId);
      // The move is announced as any arrival at PICKED, from PACKED.
      const announced = recorded.events.filter((e) => e.subject === orderId && e.type === 'orders.order.picked.v1').map((e) => e.data as { from: string; to: string });
      expect(announced.map((d) => `${d.from}>${d.to}`)).toEqual(['PICKING>PICKED', 'PACKED>PICKED']);
      // Nothing ships while the units are out of their carton, and the order says so.
      expect((await t.post('/api/v1/shipments', { orderId }, 'operator')).status).toBe(409);

      // Part of it packed: still PICKED; the rest packed: PACKED (round 2).
      await seal(await openWith(orderId, [w.products[1]!.gtin]));
      expect(await orderStatus(call, orderId)).toBe('PICKED');
      await seal(await openWith(orderId, [w.products[0]!.gtin, w.products[0]!.gtin]));
      const packedAgain = await orderView(orderId);
      expect(packedAgain.status).toBe('PACKED');
      expect(packedAgain.lines.map((l) => l.packed)).toEqual([2, 1]);
      expect(movesFromPicked(packedAgain)).toEqual(['PICKING>PICKED', 'PICKED>PACKED', 'PACKED>PICKED', 'PICKED>PACKED']);

      await shipAll(orderId, [2, 1]);
      expect(movesFromPicked(await orderView(orderId)).at(-1)).toBe('PACKED>SHIPPED');
      expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
      await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after the second packing round' });
    } finally {
      recorded.stop();
    }
  });

  it("old rounds' events handed to orders again move nothing: round 1's packed while round 2 runs, round 2's ready-to-pack after it packed", async () => {
    const recorded = recordEvents();
    try {
      const { orderId } = await picked('PKT-RS2', [1, 1]);
      const packed = await t.post('/api/v1/packages', { orderId }, 'operator');
      expect(packed.status).toBe(201);
      await t.settle();
      // A voided label, then the repack: round 2.
      const booked = await t.post('/api/v1/shipments', { orderId }, 'operator');
      expect(booked.status).toBe(201);
      expect((await t.post(`/api/v1/shipments/${booked.body.id}/void`, undefined, 'operator')).status).toBe(200);
      expect((await t.post(`/api/v1/packages/${packed.body.id}/repack`, undefined, 'operator')).status).toBe(200);
      await t.settle();
      expect(await orderStatus(call, orderId)).toBe('PICKED');

      const ofOrder = (type: string) => recorded.events.filter((e) => e.subject === orderId && e.type === type);
      const ready = ofOrder('pack-ship.order.ready-to-pack.v1');
      expect(ready.map((e) => (e.data as { round?: number }).round ?? 1)).toEqual([1, 2]);
      const [packed1] = ofOrder('pack-ship.order.packed.v1');
      // Round 1's end and announcement again, while round 2 runs: still PICKED.
      await redeliverToOrders(packed1!);
      await redeliverToOrders(ready[0]!);
      expect(await orderStatus(call, orderId)).toBe('PICKED');
      // Round 2's announcement again: no second move back.
      await redeliverToOrders(ready[1]!);
      const during = await orderView(orderId);
      expect(during.status).toBe('PICKED');
      expect(movesFromPicked(during)).toEqual(['PICKING>PICKED', 'PICKED>PACKED', 'PACKED>PICKED']);

      expect((await t.post('/api/v1/packages', { orderId }, 'operator')).status).toBe(201);
      await t.settle();
      expect(await orderStatus(call, orderId)).toBe('PACKED');
      const packedEvents = ofOrder('pack-ship.order.packed.v1');
      expect(packedEvents.map((e) => (e.data as { round?: number }).round ?? 1)).toEqual([1, 2]);
      // After round 2 packed: every announcement of either round again, and round 1's end: still PACKED.
      for (const e of [...ready, ...packedEvents]) await redeliverToOrders(e);
      const after = await orderView(orderId);
      expect(after.status).toBe('PACKED');
      expect(movesFromPicked(after)).toEqual(['PICKING>PICKED', 'PICKED>PACKED', 'PACKED>PICKED', 'PICKED>PACKED']);
      expect(recorded.events.filter((e) => e.subject === orderId && e.type === 'orders.order.picked.v1')).toHaveLength(2);

      await shipAll(orderId, [1, 1]);
      expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
      await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after the redeliveries' });
    } finally {
      recorded.stop();
    }
  });

  it('a cancel during the second round: PICKED → CANCELLED, nothing left open, stock conserved', async () => {
    const { orderId } = await picked('PKT-RS3', [2, 1]);
    const pkg = await openWith(orderId, [w.products[0]!.gtin, w.products[0]!.gtin, w.products[1]!.gtin]);
    await seal(pkg);
    expect((await t.post(`/api/v1/packages/${pkg}/repack`, undefined, 'operator')).status).toBe(200);
    await t.settle();
    expect(await orderStatus(call, orderId)).toBe('PICKED');
    // One carton of round 2 sealed, the other units still in the tote.
    await seal(await openWith(orderId, [w.products[1]!.gtin]));
    expect(await orderStatus(call, orderId)).toBe('PICKED');

    await cancel(orderId);
    const o = await orderView(orderId);
    expect(o.status).toBe('CANCELLED');
    expect(movesFromPicked(o)).toEqual(['PICKING>PICKED', 'PICKED>PACKED', 'PACKED>PICKED', 'PICKED>CANCELLED']);
    expect(await openPackTasks(orderId)).toEqual([]);
    expect((await t.post('/api/v1/shipments', { orderId }, 'operator')).status).toBe(409);
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after a cancel in the second packing round' });
  });
});
