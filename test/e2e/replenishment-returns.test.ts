/**
 * Replenishment and customer returns (issue 11), through HTTP only. A wave whose demand takes a pick face below its
 * min asks for a replenishment from reserve (a REPLENISH task, one per face and SKU); the worker confirms it by
 * scanning the face (an ordinary move), the wave is picked and shipped, and the next order is picked from the refilled
 * face. A customer return is authorised, received into QUARANTINE (over-receipt refused), one line restocked into a
 * pick face (ATP grows), the other scrapped (adjusted out), and closed. The ledger is conserved after each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConserved, expectSkusConserved } from '../support/conservation.ts';
import { orderStatus, packAndShip, setupWarehouse, until, type Call, type PickListView, type Warehouse } from '../support/flow-driver.ts';
import { startWithClients } from '../support/site-app.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let floor: Call;

beforeAll(async () => { ({ t, manager: call, operator: floor } = await startWithClients('manager', 'operator')); });
afterAll(async () => t.close());

interface Replenishment {
  id: string; sku: string; fromLocationId: string; toLocationId: string; quantity: number; moved: number; status: string; trigger: string;
  triggerReference: string | null;
}
interface Task { id: string; type: string; reference: string; status: string }
interface Rma {
  id: string; status: string;
  lines: { lineId: string; sku: string; authorised: number; received: number; awaitingInspection: number; restocked: number; scrapped: number }[];
}

async function locationsOf(siteId: string, type: string): Promise<{ id: string; code: string }[]> {
  return t.getAll<{ id: string; code: string }>(`/api/v1/sites/${siteId}/locations?type=${type}`);
}

async function receive(w: Warehouse, sku: string, locationId: string, quantity: number): Promise<void> {
  expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId, quantity })).status).toBe(201);
}

async function onHandAt(siteId: string, locationId: string, sku: string): Promise<number> {
  const rows = await t.getAll<{ sku: string; onHand: number; status: string }>(`/api/v1/inventory/balances?siteId=${siteId}&locationId=${locationId}`);
  return rows.filter((b) => b.sku === sku && b.status === 'AVAILABLE').reduce((n, b) => n + b.onHand, 0);
}

async function atp(siteId: string, sku: string): Promise<number> {
  return (await call<{ items: { atp: number }[] }>('atp', 'GET', `/api/v1/inventory/atp?siteId=${siteId}&sku=${sku}`)).body.items[0]!.atp;
}

async function orderAndRelease(w: Warehouse, externalId: string, sku: string, quantity: number, shipComplete = false): Promise<{ orderId: string; waveId: string }> {
  const order = await call<{ id: string }>('order', 'POST', '/api/v1/orders', {
    externalId, siteId: w.siteId, carrier: 'OWN_FLEET', lines: [{ sku, quantity }], shipComplete,
    shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
  });
  expect(order.status).toBe(201);
  await until('order allocated', () => orderStatus(call, order.body.id), (s) => s === 'ALLOCATED');
  await t.settle();
  const wave = await call<{ id: string; orderIds: string[] }>('plan wave', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
  expect(wave.body.orderIds).toEqual([order.body.id]);
  await until('order waved', () => orderStatus(call, order.body.id), (s) => s === 'WAVED');
  expect((await call('release', 'POST', `/api/v1/waves/${wave.body.id}/release`)).status).toBe(200);
  await t.settle();
  return { orderId: order.body.id, waveId: wave.body.id };
}

/** The worker takes the next task of a type and starts it. */
async function takeTask(siteId: string, type: string): Promise<Task> {
  const next = await floor<Task>('next task', 'POST', '/api/v1/tasks/next', { workerId: 'w1', siteId, types: [type] });
  expect(next.status, JSON.stringify(next.body)).toBe(200);
  expect(next.body.type).toBe(type);
  expect((await floor('start', 'POST', `/api/v1/tasks/${next.body.id}/start`, { workerId: 'w1' })).status).toBe(200);
  return next.body;
}

/** Picks every line of the next PICK task's list in full; answers the list as read. */
async function pickAll(siteId: string): Promise<PickListView> {
  const task = await takeTask(siteId, 'PICK');
  const list = (await floor<PickListView>('pick list', 'GET', `/api/v1/pick-lists/${task.reference}`)).body;
  for (const line of list.lines) {
    const res = await floor('confirm', 'POST', `/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity, toteId: 'TOTE-R',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  await floor('complete', 'POST', `/api/v1/tasks/${task.id}/complete`, { workerId: 'w1' });
  await t.settle();
  return list;
}

async function ship(orderId: string): Promise<void> {
  await until('order picked', () => orderStatus(call, orderId), (s) => s === 'PICKED');
  await t.settle();
  await packAndShip(call, orderId);
  await until('order shipped', () => orderStatus(call, orderId), (s) => s === 'SHIPPED');
  await t.settle();
}

describe('replenishment triggered by a wave', () => {
  it('a wave takes the face below min: a REPLENISH task from reserve, confirmed by scanning the face, then the picks succeed', async () => {
    const w = await setupWarehouse(call, { siteCode: 'RP1', aisles: 1, bays: 2, levels: 2, skus: 1 });
    const sku = w.products[0]!.sku;
    const face = w.storage[0]!;
    const reserve = (await locationsOf(w.siteId, 'RESERVE'))[0]!;
    const setting = await t.request('PUT', '/api/v1/replenishment-settings', { body: { siteId: w.siteId, sku, locationId: face.id, min: 4, max: 10 }, role: 'manager' });
    expect(setting.status, JSON.stringify(setting.body)).toBe(200);
    expect(setting.body).toMatchObject({ locationId: face.id, sku, min: 4, max: 10 });
    await receive(w, sku, face.id, 3);
    await receive(w, sku, reserve.id, 20);

    // (Site codes differ in length: setupWarehouse derives GTINs from it.) The wave needs 5: the face's 3 cannot cover the line, so reserve's 20 does (one stop), and the face holds 3 free
    // < min 4: the wave's demand, not met from the face, asks for 10 − 3 = 7 from reserve.
    const { orderId, waveId } = await orderAndRelease(w, 'RP-1', sku, 5);
    const opened = await t.getAll<Replenishment>(`/api/v1/replenishments?siteId=${w.siteId}`);
    expect(opened).toEqual([expect.objectContaining({
      sku, fromLocationId: reserve.id, toLocationId: face.id, quantity: 7, moved: 0, status: 'OPEN', trigger: 'WAVE_DEMAND', triggerReference: waveId,
    })]);
    const rpl = opened[0]!;
    const tasks = (await t.getAll<Task>(`/api/v1/tasks?siteId=${w.siteId}`)).filter((x) => x.type === 'REPLENISH');
    expect(tasks).toEqual([expect.objectContaining({ reference: rpl.id, status: 'QUEUED' })]);

    // Another trigger for the same face and SKU finds the open one: one at a time.
    const again = await call<Replenishment>('ask again', 'POST', '/api/v1/replenishments', { siteId: w.siteId, sku, locationId: face.id });
    expect([again.status, again.body.id]).toEqual([201, rpl.id]);

    // The worker walks the units over; scanning the reserve is refused, scanning the face moves them.
    const task = await takeTask(w.siteId, 'REPLENISH');
    expect(task.reference).toBe(rpl.id);
    const wrong = await floor<{ code: string }>('confirm at reserve', 'POST', `/api/v1/replenishments/${rpl.id}/confirm`, { locationCode: reserve.code });
    expect([wrong.status, wrong.body.code]).toEqual([422, 'WRONG_LOCATION']);
    const done = await floor<Replenishment>('confirm at face', 'POST', `/api/v1/replenishments/${rpl.id}/confirm`, { locationCode: face.code });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'COMPLETED', moved: 7 });
    await t.settle();
    expect((await call<Task>('task', 'GET', `/api/v1/tasks/${task.id}`)).body.status).toBe('COMPLETED');
    expect(await onHandAt(w.siteId, face.id, sku)).toBe(10);
    const moves = (await t.getAll<{ type: string; reason: string | null; reference: string | null; locationId: string; deltaOnHand: number }>(
      `/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}&type=MOVE`)).filter((m) => m.reference === rpl.id);
    expect(moves.map((m) => [m.locationId, m.deltaOnHand, m.reason])).toEqual([[reserve.id, -7, 'REPLENISH'], [face.id, 7, 'REPLENISH']]);

    // The wave's pick (reserved units were never moved) succeeds and the order ships.
    const list = await pickAll(w.siteId);
    expect(list.lines.map((l) => [l.locationId, l.quantity])).toEqual([[reserve.id, 5]]);
    await ship(orderId);
    expect(await onHandAt(w.siteId, face.id, sku)).toBe(10);
    expect(await onHandAt(w.siteId, reserve.id, sku)).toBe(8);
    await expectSkusConserved(t, w.siteId, [{ sku, received: 23, shipped: 5, adjusted: 0 }]);

    // The next order is picked whole from the refilled face (its units were received first).
    const second = await orderAndRelease(w, 'RP-2', sku, 7);
    // Reserved there, the face has 3 free < min, but 10 on hand = max: nothing to bring yet.
    expect((await t.getAll<Replenishment>(`/api/v1/replenishments?siteId=${w.siteId}&status=OPEN`))).toEqual([]);
    const next = await pickAll(w.siteId);
    expect(next.lines.map((l) => [l.locationId, l.quantity])).toEqual([[face.id, 7]]);
    await ship(second.orderId);
    // The pick took the face to 3 on hand, below min: low stock asks for 10 − 3 = 7 from reserve.
    const all = await t.getAll<Replenishment>(`/api/v1/replenishments?siteId=${w.siteId}`);
    expect(all.map((r) => [r.status, r.trigger, r.quantity, r.toLocationId])).toEqual([
      ['COMPLETED', 'WAVE_DEMAND', 7, face.id], ['OPEN', 'LOW_STOCK', 7, face.id],
    ]);
    await expectSkusConserved(t, w.siteId, [{ sku, received: 23, shipped: 12, adjusted: 0 }]);
    await expectLedgerConserved(t, w.siteId);
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
  });
});

describe('replenishment triggered by a short pick', () => {
  it('a short at the face with units only in a blocked reserve: a real replenishment; once it lands, the waiting order is re-reserved there and ships complete', async () => {
    const w = await setupWarehouse(call, { siteCode: 'RPS33', aisles: 1, bays: 2, levels: 2, skus: 1 });
    const sku = w.products[0]!.sku;
    const face = w.storage[0]!;
    const reserve = (await locationsOf(w.siteId, 'RESERVE'))[0]!;
    await receive(w, sku, face.id, 2);
    const { orderId } = await orderAndRelease(w, 'RP-3', sku, 2, true);
    // Reserve holds units nobody may pick (blocked): the short cannot be re-reserved there.
    await receive(w, sku, reserve.id, 10);
    expect((await call('block', 'POST', `/api/v1/locations/${reserve.id}/block`, { reason: 'racking inspection' })).status).toBe(200);
    await t.settle();

    const task = await takeTask(w.siteId, 'PICK');
    const list = (await floor<PickListView>('pick list', 'GET', `/api/v1/pick-lists/${task.reference}`)).body;
    const line = list.lines[0]!;
    expect((await floor('confirm', 'POST', `/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 1, toteId: 'TOTE-S',
    })).status).toBe(200);
    expect((await floor('short', 'POST', `/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, { reason: 'NOT_FOUND' })).status).toBe(200);
    await floor('complete', 'POST', `/api/v1/tasks/${task.id}/complete`, { workerId: 'w1' });
    await t.settle();

    const [rpl] = await t.getAll<Replenishment>(`/api/v1/replenishments?siteId=${w.siteId}`);
    expect(rpl).toMatchObject({ trigger: 'SHORT_PICK', fromLocationId: reserve.id, toLocationId: face.id, quantity: 1, status: 'OPEN', triggerReference: line.id });
    const resolved = (await t.getAll<{ subject: string; data: { outcome: string; task: { type: string; reference: string } | null } }>(
      '/api/v1/events?type=inventory.short.resolved.v1')).filter((e) => e.subject === orderId);
    expect(resolved.map((e) => [e.data.outcome, e.data.task?.type, e.data.task?.reference])).toEqual([['AWAITING_STOCK', 'REPLENISH', rpl!.id]]);
    await until('order held', () => orderStatus(call, orderId), (s) => s === 'BACKORDERED');

    const replenish = await takeTask(w.siteId, 'REPLENISH');
    expect(replenish.reference).toBe(rpl!.id);
    expect((await floor('confirm', 'POST', `/api/v1/replenishments/${rpl!.id}/confirm`, { locationCode: face.code })).status).toBe(200);
    await t.settle();
    await until('order picking again', () => orderStatus(call, orderId), (s) => s === 'PICKING');
    const rest = await pickAll(w.siteId);
    expect(rest.lines.map((l) => [l.locationId, l.quantity])).toEqual([[face.id, 1]]);
    await ship(orderId);
    await expectSkusConserved(t, w.siteId, [{ sku, received: 12, shipped: 2, adjusted: -1 }]);
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
  });
});

describe('customer returns (RMA)', () => {
  it('received into QUARANTINE, one line restocked into a pick face (ATP grows), the other scrapped; over-receipt refused', async () => {
    const w = await setupWarehouse(call, { siteCode: 'RMA1', aisles: 1, bays: 2, levels: 1, skus: 2 });
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const face = w.storage[0]!;
    const dock = (await locationsOf(w.siteId, 'RECEIVING'))[0]!;
    await receive(w, a, face.id, 4);
    const atpBefore = await atp(w.siteId, a);

    const created = await call<Rma>('authorise', 'POST', '/api/v1/rmas', {
      siteId: w.siteId, customerRef: 'CUST-42', orderRef: 'SO-1001',
      lines: [{ sku: a, quantity: 2, reason: 'wrong size' }, { sku: b, quantity: 1, reason: 'arrived broken' }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const rma = created.body;
    expect(rma).toMatchObject({ status: 'AUTHORISED', lines: [{ lineId: '1', sku: a, authorised: 2 }, { lineId: '2', sku: b, authorised: 1 }] });

    const over = await call<{ code: string }>('over-receive', 'POST', `/api/v1/rmas/${rma.id}/receive`, {
      locationId: dock.id, lines: [{ lineId: '1', quantity: 3 }],
    });
    expect([over.status, over.body.code]).toEqual([409, 'OVER_RECEIPT']);
    expect(await t.getAll(`/api/v1/inventory/balances?siteId=${w.siteId}&locationId=${dock.id}`)).toEqual([]);

    const received = await floor<Rma>('receive', 'POST', `/api/v1/rmas/${rma.id}/receive`, {
      locationCode: dock.code, lines: [{ lineId: '1', quantity: 2 }, { lineId: '2', quantity: 1 }],
    });
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    expect(received.body.status).toBe('RECEIVED');
    const held = await t.getAll<{ sku: string; status: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&locationId=${dock.id}`);
    expect(held.map((x) => [x.sku, x.status, x.onHand]).sort()).toEqual([[a, 'QUARANTINE', 2], [b, 'QUARANTINE', 1]].sort());
    // Held units are on hand, never promised.
    expect(await atp(w.siteId, a)).toBe(atpBefore);

    const restocked = await floor<Rma>('restock', 'POST', `/api/v1/rmas/${rma.id}/lines/1/inspect`, {
      disposition: 'RESTOCK', locationCode: face.code, condition: 'as new',
    });
    expect(restocked.status, JSON.stringify(restocked.body)).toBe(200);
    expect(restocked.body).toMatchObject({ status: 'RECEIVED', lines: [{ restocked: 2, awaitingInspection: 0 }, { awaitingInspection: 1 }] });
    await t.settle();
    expect(await atp(w.siteId, a)).toBe(atpBefore + 2);
    expect(await onHandAt(w.siteId, face.id, a)).toBe(6);

    const early = await call<{ code: string }>('close too early', 'POST', `/api/v1/rmas/${rma.id}/close`);
    expect([early.status, early.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);

    const scrapped = await floor<Rma>('scrap', 'POST', `/api/v1/rmas/${rma.id}/lines/2/inspect`, { disposition: 'SCRAP', condition: 'broken' });
    expect(scrapped.status, JSON.stringify(scrapped.body)).toBe(200);
    expect(scrapped.body).toMatchObject({ status: 'INSPECTED', lines: [{ restocked: 2 }, { scrapped: 1, awaitingInspection: 0 }] });
    const closed = await call<Rma>('close', 'POST', `/api/v1/rmas/${rma.id}/close`);
    expect(closed.body.status).toBe('CLOSED');
    await t.settle();

    // The ledger: a RECEIPT in QUARANTINE per line (reason RMA), RELEASE out of QUARANTINE into AVAILABLE, ADJUST reason SCRAP.
    const ledger = await t.getAll<{ type: string; sku: string; status: string; deltaOnHand: number; reason: string | null; reference: string | null }>(
      `/api/v1/inventory/ledger?siteId=${w.siteId}`);
    expect(ledger.filter((m) => m.reference === rma.id).map((m) => [m.type, m.sku, m.status, m.deltaOnHand, m.reason])).toEqual([
      ['RECEIPT', a, 'QUARANTINE', 2, 'RMA'], ['RECEIPT', b, 'QUARANTINE', 1, 'RMA'],
      ['RELEASE', a, 'QUARANTINE', -2, 'RMA'], ['RELEASE', a, 'AVAILABLE', 2, 'RMA'],
      ['ADJUST', b, 'QUARANTINE', -1, 'SCRAP'],
    ]);
    const left = await t.getAll<{ onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&locationId=${dock.id}`);
    expect(left.reduce((n, x) => n + x.onHand, 0)).toBe(0);
    await expectSkusConserved(t, w.siteId, [{ sku: a, received: 6, shipped: 0, adjusted: 0 }, { sku: b, received: 1, shipped: 0, adjusted: -1 }]);
    await expectLedgerConserved(t, w.siteId);
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
  });
});
