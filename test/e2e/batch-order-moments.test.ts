/**
 * One batch pick list shared by two orders (one tote), and one of them cancelled, shorted or both at the moments
 * cancel-batch-list.test.ts leaves out: before the task is started, once its own units are all in the shared tote, its
 * every unit shorted, and the other order's units shorted after it was cancelled. After each: the order's status
 * agrees with its lines, its list and its task; nothing stays reserved or allocated for a cancelled order; the other
 * order ships what was picked for it and no more; the cancelled order's units go back once; stock is conserved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConserved } from '../support/conservation.ts';
import { createOrder, injectClient, packAndShip, setupWarehouse, until, untilPooled, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let op: Call;
let w: Warehouse;
let seq = 0;
let sku: string;
const STOCK = 60;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.admin);
  op = injectClient(t.app, t.keys.operator);
  w = await setupWarehouse(call, { siteCode: 'BMOMNT', aisles: 1, bays: 2, levels: 1, skus: 1 });
  sku = w.products[0]!.sku;
  expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity: STOCK })).status).toBe(201);
}, 60_000);
afterAll(async () => t.close());

interface Line { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; picked: number; status: string; orderId: string }
interface List { id: string; status: string; orderIds: string[]; lines: Line[] }
interface OrderView { id: string; status: string; cancelReason?: string | null; lines: { ordered: number; allocated: number; picked: number; shorted: number; shipped: number }[] }

const order = async (id: string): Promise<OrderView> => (await t.get(`/api/v1/orders/${id}`)).body as OrderView;
const status = async (id: string): Promise<string> => (await order(id)).status;

/** Two allocated orders (2 and 3 units of the one SKU) released in one batch list; its task claimed by `w1`. */
async function batch(start: boolean): Promise<{ a: string; b: string; list: List; taskId: string; waveId: string }> {
  const a = (await createOrder(call, w.siteId, { externalId: `BM-${++seq}`, lines: [{ sku, quantity: 2 }] })).id;
  const b = (await createOrder(call, w.siteId, { externalId: `BM-${++seq}`, lines: [{ sku, quantity: 3 }] })).id;
  for (const id of [a, b]) await until('allocated', () => status(id), (s) => s === 'ALLOCATED');
  await t.settle();
  await untilPooled(call, w.siteId, [a, b]);
  const wave = (await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 })).body as { id: string; orderIds: string[] };
  expect([...wave.orderIds].sort()).toEqual([a, b].sort());
  expect((await t.post(`/api/v1/waves/${wave.id}/release`, { pickStrategy: 'batch' })).status).toBe(200);
  await t.settle();
  const lists = (await t.get(`/api/v1/pick-lists?orderId=${a}`)).body.items as List[];
  expect(lists).toHaveLength(1);
  const list = (await t.get(`/api/v1/pick-lists/${lists[0]!.id}`)).body as List;
  expect([...list.orderIds].sort()).toEqual([a, b].sort());
  const task = await until('task', () => op('s', 'POST', '/api/v1/tasks/next', { workerId: 'w1', siteId: w.siteId, types: ['PICK'] }), (r) => r.status === 200);
  expect(task.body.reference).toBe(list.id);
  if (start) expect((await op('s', 'POST', `/api/v1/tasks/${task.body.id}/start`, { workerId: 'w1' })).status).toBe(200);
  return { a, b, list, taskId: task.body.id as string, waveId: wave.id };
}

const confirm = (list: List, l: Line, quantity: number) => op('s', 'POST', `/api/v1/pick-lists/${list.id}/lines/${l.id}/confirm`, {
  locationCode: l.locationCode ?? l.locationId, barcode: l.expectedBarcode ?? l.sku, quantity, toteId: `TOTE-${list.id}`,
});
const short = (list: List, l: Line, reason = 'OTHER') => op('s', 'POST', `/api/v1/pick-lists/${list.id}/lines/${l.id}/short`, { reason });
const linesOf = async (list: List, orderId: string): Promise<Line[]> =>
  ((await t.get(`/api/v1/pick-lists/${list.id}`)).body as List).lines.filter((l) => l.orderId === orderId);

/** Every line of the order in the list confirmed in full into the shared tote. */
async function pickAll(list: List, orderId: string): Promise<void> {
  for (const l of await linesOf(list, orderId)) expect((await confirm(list, l, l.quantity)).status).toBe(200);
}

/** Every line of the order in the list shorted. */
async function shortAll(list: List, orderId: string): Promise<void> {
  for (const l of await linesOf(list, orderId)) expect((await short(list, l)).status).toBe(200);
}

/** The order cancelled by a person, then the app settled. */
async function cancel(id: string): Promise<void> {
  expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'test' })).body.status).toBe('CANCELLED');
  await t.settle();
}

/** The app settled, then the shared task completed by `w1` (or already completed by its last line: 409). */
async function completeTask(taskId: string): Promise<void> {
  await t.settle();
  const done = await op('s', 'POST', `/api/v1/tasks/${taskId}/complete`, { workerId: 'w1' });
  expect([200, 409], JSON.stringify(done.body)).toContain(done.status);
}

/** The order picked, then packed and shipped. */
async function ships(id: string): Promise<void> {
  await until('B picked', () => status(id), (x) => x === 'PICKED');
  await packAndShip(call, id);
  await until('B shipped', () => status(id), (x) => x === 'SHIPPED');
}

/** Every return of the order confirmed at its suggested location: how many units went back. */
async function returnAll(orderId: string): Promise<number> {
  const returns = (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${orderId}`)).body.items as { id: string; quantity: number; suggestedLocationId: string }[];
  for (const r of returns) expect((await t.post(`/api/v1/inventory/returns/${r.id}/confirm`, { locationId: r.suggestedLocationId }, 'operator')).status).toBe(200);
  return returns.reduce((n, r) => n + r.quantity, 0);
}

/** A cancelled order cannot be packed, booked or dispatched. */
async function neverShips(id: string): Promise<void> {
  const pack = await t.post('/api/v1/packages', { orderId: id });
  expect(pack.status, JSON.stringify(pack.body)).toBe(409);
  const book = await t.post('/api/v1/shipments', { orderId: id });
  expect(book.status, JSON.stringify(book.body)).toBe(409);
}

/** After the case: the task done, the wave completed, nothing left to claim, stock conserved and none reserved. */
async function settled(s: { taskId: string; waveId: string }): Promise<void> {
  await t.settle();
  const task = (await op('s', 'GET', `/api/v1/tasks/${s.taskId}`)).body;
  expect(['COMPLETED', 'CANCELLED'], JSON.stringify(task)).toContain(task.status);
  await until('wave done', async () => (await t.get(`/api/v1/waves/${s.waveId}`)).body.status, (x) => x === 'COMPLETED');
  // A short with no other location asks for a COUNT there (ADR 0024): the only work left.
  const left = await op('s', 'POST', '/api/v1/tasks/next', { workerId: 'w9', siteId: w.siteId, types: ['PICK', 'PACK', 'MOVE'] });
  expect(left.status, JSON.stringify(left.body)).toBe(204);
  const summary = await expectLedgerConserved(t, w.siteId);
  expect(summary.get(sku)).toMatchObject({ reserved: 0, allocated: 0 });
}

describe('one order of a batch list cancelled or shorted', () => {
  it('cancelled before its task is started: the other order is picked alone and ships', async () => {
    const s = await batch(false);
    await cancel(s.a);
    expect((await op('s', 'POST', `/api/v1/tasks/${s.taskId}/start`, { workerId: 'w1' })).status).toBe(200);
    for (const l of await linesOf(s.list, s.a)) expect(l.status).not.toBe('PENDING');
    await pickAll(s.list, s.b);
    await completeTask(s.taskId);
    await ships(s.b);
    await neverShips(s.a);
    expect(await returnAll(s.a)).toBe(0);
    await settled(s);
  }, 60_000);

  it('cancelled once its own units are all in the shared tote: they go back, the other order ships its own only', async () => {
    const s = await batch(true);
    await pickAll(s.list, s.a);
    await t.settle();
    await cancel(s.a);
    await pickAll(s.list, s.b);
    await completeTask(s.taskId);
    await until('B picked', () => status(s.b), (x) => x === 'PICKED');
    await neverShips(s.a);
    await packAndShip(call, s.b);
    await until('B shipped', () => order(s.b), (o) => o.status === 'SHIPPED' && o.lines[0]!.shipped === 3);
    expect(await returnAll(s.a)).toBe(2);
    await settled(s);
  }, 60_000);

  it('every unit of one order shorted: it is cancelled SHORTED, the other ships, nothing stays reserved for it', async () => {
    const s = await batch(true);
    await shortAll(s.list, s.a);
    await pickAll(s.list, s.b);
    await completeTask(s.taskId);
    await ships(s.b);
    const a = await until('A ends', () => order(s.a), (o) => o.status === 'CANCELLED' || o.status === 'PICKED');
    expect(a.status, JSON.stringify(a)).toBe('CANCELLED');
    await neverShips(s.a);
    expect(await returnAll(s.a)).toBe(0);
    await settled(s);
  }, 60_000);

  it('one order cancelled with its units in the tote, then the other shorted whole: both end CANCELLED, the tote empties back', async () => {
    const s = await batch(true);
    await pickAll(s.list, s.a);
    await t.settle();
    await cancel(s.a);
    await shortAll(s.list, s.b);
    await completeTask(s.taskId);
    const b = await until('B ends', () => order(s.b), (o) => o.status === 'CANCELLED' || o.status === 'PICKED');
    expect(b.status, JSON.stringify(b)).toBe('CANCELLED');
    await neverShips(s.a);
    await neverShips(s.b);
    expect(await returnAll(s.a)).toBe(2);
    expect(await returnAll(s.b)).toBe(0);
    await settled(s);
  }, 60_000);

  it('its short re-reserved elsewhere (a list of its own), then cancelled: that list and its task are withdrawn, the other ships', async () => {
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[1]!.id, quantity: 10 })).status).toBe(201);
    const s = await batch(true);
    const [aLine] = await linesOf(s.list, s.a);
    expect((await short(s.list, aLine!, 'OTHER')).status).toBe(200);
    await pickAll(s.list, s.b);
    await completeTask(s.taskId);
    const lists = await until('a list of its own', async () => (await t.get(`/api/v1/pick-lists?orderId=${s.a}`)).body.items as List[], (ls) => ls.length === 2);
    const own = lists.find((l) => l.id !== s.list.id)!;
    expect(own.orderIds).toEqual([s.a]);
    expect(await status(s.a)).toBe('PICKING');
    await cancel(s.a);
    expect(((await t.get(`/api/v1/pick-lists/${own.id}`)).body as List).status).toBe('CANCELLED');
    await ships(s.b);
    await neverShips(s.a);
    expect(await returnAll(s.a)).toBe(0);
    await settled(s);
  }, 60_000);

  it('its short (re-reservable elsewhere) racing its cancel: no list or task is left open for it, nothing stays reserved', async () => {
    for (let round = 0; round < 6; round++) {
      const s = await batch(true);
      const [aLine] = await linesOf(s.list, s.a);
      const lag = round % 3;
      const [shorted, cancelled] = await Promise.all([
        short(s.list, aLine!, 'OTHER'),
        new Promise<{ status: number; body: { status: string } }>((resolve, fail) => {
          setTimeout(() => { t.post(`/api/v1/orders/${s.a}/cancel`, { reason: 'race' }).then(resolve, fail); }, lag);
        }),
      ]);
      expect([200, 409], JSON.stringify(shorted.body)).toContain(shorted.status);
      expect(cancelled.body.status).toBe('CANCELLED');
      await pickAll(s.list, s.b);
      await completeTask(s.taskId);
      await t.settle();
      for (const l of (await t.get(`/api/v1/pick-lists?orderId=${s.a}`)).body.items as List[]) {
        expect(['COMPLETED', 'PARTIAL', 'CANCELLED'], `round ${round}: ${JSON.stringify(l)}`).toContain(l.status);
      }
      await ships(s.b);
      await neverShips(s.a);
      expect(await returnAll(s.a)).toBe(0);
      await settled(s);
    }
  }, 120_000);
});
