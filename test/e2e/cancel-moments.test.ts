/**
 * A cancel at every moment an order can be in, and cancels racing every floor step (the black-box brief of 2026-12-05).
 * cancel-every-stage.test.ts walks the returns by scan of the main stages; this suite covers the moments it leaves
 * out — backordered, a task assigned but not started, a carton open at the pack station, a label booked with a remote
 * carrier, manifested, dispatched — then races a cancel against confirm pick, complete task, pack, book label, create
 * shipment and dispatch (orders of one wave each, with random delays on both sides), two cancels at once (REST and
 * GraphQL), one cancel sent twice under one Idempotency-Key, and a backordered order's cancel while its stock arrives.
 * Also (cancel6) a cancel while its label booking, or its label void, is at the remote carrier (the carrier holds it).
 * After each, one check of every invariant: a cancelled order holds nothing (allocation, reservation, live package,
 * shipment, label at the carrier, open pick list or task), has no SHIP movement, every unit in its tote is under an
 * open return with a queued MOVE task; a shipped order never reads cancelled nor has a return; the ledger is the
 * balances. Then the returns are confirmed by scan and the totes are empty.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/optimize/random.ts';
import { createOrder, gtin13, injectClient, receiveStock, setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { expectLedgerConserved } from '../support/conservation.ts';
import { startFakeCarrier } from '../support/fake-carrier.ts';
import { gqlClient } from '../support/graphql-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let fake: Awaited<ReturnType<typeof startFakeCarrier>>;
let seq = 0;
const SEED = Number(process.env.PAKLOG_RACE_SEED ?? 20261205);
const random = mulberry32(SEED);

beforeAll(async () => {
  fake = await startFakeCarrier({ prefix: 'CM' });
  const dir = mkdtempSync(join(tmpdir(), 'paklog-cancel-moments-'));
  const file = join(dir, 'carriers.json');
  writeFileSync(file, JSON.stringify({
    carriers: [{ kind: 'rest', code: 'RESTCO', baseUrl: fake.url, timeoutMs: 5000, services: [{ code: 'NEXTDAY', name: 'Next day', transitDays: 1 }] }],
  }));
  t = await startTestApp({ env: { PAKLOG_CARRIERS_FILE: file } });
  call = injectClient(t.app, t.keys.admin);
  w = await setupWarehouse(call, { siteCode: 'CM', aisles: 2, bays: 4, levels: 2, skus: 6 });
  await receiveStock(call, w, 200, 1);
  // A second location of the racing SKU: a short pick there is re-reserved here, a new list for the order (ADR 0024).
  expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku: w.products[5]!.sku, locationId: w.storage.at(-2)!.id, quantity: 200 })).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await t.close();
  await fake.close();
});

interface PickLine { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; picked: number; status: string; orderId?: string }
interface PickList { id: string; status: string; orderIds: string[]; lines: PickLine[] }
interface Task { id: string; type: string; reference: string; status: string; workerId: string | null }
interface Answer { status: number; code: string | undefined; orderStatus: string | undefined }

const pause = (maxMs: number): Promise<void> => new Promise((r) => setTimeout(r, Math.floor(random() * maxMs)));
const status = async (orderId: string): Promise<string> => (await t.get(`/api/v1/orders/${orderId}`)).body.status;

async function newOrders(n: number, sku: string, quantity = 2): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = await createOrder(call, w.siteId, { externalId: `CM-${SEED}-${++seq}`, lines: [{ sku, quantity }] });
    ids.push(o.id);
  }
  for (const id of ids) await until('allocated', () => status(id), (s) => s === 'ALLOCATED');
  await t.settle();
  return ids;
}

async function planWave(orderIds: string[]): Promise<string> {
  await t.settle();
  const res = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 100 });
  expect(res.status).toBe(201);
  expect([...res.body.orderIds].sort()).toEqual([...orderIds].sort());
  await t.settle();
  return res.body.id as string;
}

async function release(orderIds: string[]): Promise<Map<string, PickList>> {
  const waveId = await planWave(orderIds);
  expect((await t.post(`/api/v1/waves/${waveId}/release`)).status).toBe(200);
  await t.settle();
  const lists = new Map<string, PickList>();
  for (const id of orderIds) {
    const items = (await t.get(`/api/v1/pick-lists?orderId=${id}`)).body.items as PickList[];
    expect(items).toHaveLength(1);
    lists.set(id, items[0]!);
  }
  return lists;
}

/** The PICK task of each list, claimed by its own picker (and started unless `start` is false). */
async function claimTasks(lists: Map<string, PickList>, start = true): Promise<Map<string, Task>> {
  const byList = new Map<string, Task>();
  for (let k = 0; k < lists.size; k++) {
    const worker = `cm-picker-${SEED}-${++seq}`;
    const task = (await t.post('/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] })).body as Task;
    expect(task).toMatchObject({ type: 'PICK', status: 'ASSIGNED' });
    if (start) expect((await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: worker })).status).toBe(200);
    byList.set(task.reference, { ...task, status: start ? 'IN_PROGRESS' : 'ASSIGNED' });
  }
  const tasks = new Map<string, Task>();
  for (const [orderId, list] of lists) tasks.set(orderId, byList.get(list.id)!);
  return tasks;
}

const confirmLine = (list: PickList, line: PickLine, quantity: number) => t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
  locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity, toteId: `TOTE-${list.id}`,
});

async function pickAll(list: PickList): Promise<void> {
  for (const line of list.lines) expect((await confirmLine(list, line, line.quantity)).status).toBe(200);
}

async function cancel(orderId: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'moment' }, 'manager', headers);
  return { status: res.status, code: res.body.code, orderStatus: res.status === 200 ? res.body.status : undefined };
}

/** A floor step that may lose to a cancel: its answer is 2xx or one of the refusals a cancelled order gets. */
function expectStepAnswer(what: string, res: { status: number; body: { code?: string } }, ok: number): 'done' | 'refused' {
  if (res.status === ok) return 'done';
  expect({ what, status: res.status, code: res.body.code }).toMatchObject({ what, status: 409, code: expect.stringMatching(/^(ORDER_CANCELLED|ILLEGAL_TRANSITION|TASK_WORK_WITHDRAWN|NOTHING_TO_PACK|NOTHING_TO_SHIP)$/) });
  return 'refused';
}

const openReturns = async (orderId: string) =>
  ((await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${orderId}`)).body.items as { id: string; status: string; open: number; suggestedLocationId: string }[]);

/**
 * Every invariant of a cancelled order, once the bus is quiet: it reads CANCELLED and was never announced shipped; it
 * holds nothing; none of its shipments was dispatched or manifested live, and no label of it is still booked with the
 * carrier; no SHIP movement; its pick lists and tasks are closed; the units in its tote are exactly its open returns,
 * each with a queued MOVE task. Returns the open returns' units.
 */
async function expectCancelled(orderId: string): Promise<number> {
  await t.settle();
  expect({ orderId, status: await status(orderId) }).toEqual({ orderId, status: 'CANCELLED' });
  const [row] = await t.app.db.query<Record<string, number>>(`
    SELECT (SELECT COALESCE(sum(allocated), 0) FROM inventory.allocations WHERE order_id = $1 AND status = 'ALLOCATED')::int AS allocated,
           (SELECT count(*) FROM inventory.reservations WHERE order_id = $1 AND status = 'OPEN')::int AS reservations,
           (SELECT count(*) FROM pack_ship.packages WHERE order_id = $1 AND status <> 'CANCELLED')::int AS packages,
           (SELECT count(*) FROM pack_ship.shipments WHERE order_id = $1 AND (status <> 'CANCELLED' OR dispatched_at IS NOT NULL))::int AS shipments,
           (SELECT count(*) FROM inventory.movements WHERE type = 'SHIP' AND reference IN (SELECT id FROM pack_ship.shipments WHERE order_id = $1))::int AS ship_movements,
           (SELECT count(*) FROM platform.events WHERE type IN ('orders.order.shipped.v1', 'pack-ship.shipment.dispatched.v1') AND (subject = $1 OR envelope->'data'->>'orderId' = $1))::int AS shipped_events,
           (SELECT count(*) FROM picking.pick_lists WHERE $1 = ANY(order_ids) AND status IN ('CREATED', 'IN_PROGRESS'))::int AS open_lists,
           (SELECT count(*) FROM tasks.tasks WHERE status NOT IN ('COMPLETED', 'CANCELLED') AND type <> 'MOVE'
              AND (reference = $1 OR reference IN (SELECT id FROM picking.pick_lists WHERE $1 = ANY(order_ids))))::int AS open_tasks,
           (SELECT COALESCE(sum(on_hand), 0) FROM inventory.balances WHERE location_id = 'IN_PROCESS:' || $1)::int AS in_tote,
           (SELECT COALESCE(sum(quantity - returned), 0) FROM inventory.returns WHERE order_id = $1 AND status = 'OPEN')::int AS open_returns,
           (SELECT count(*) FROM inventory.returns r WHERE r.order_id = $1 AND r.status = 'OPEN' AND NOT EXISTS (
              SELECT 1 FROM tasks.tasks k WHERE k.type = 'MOVE' AND k.reference = r.id AND k.status IN ('QUEUED', 'ASSIGNED', 'IN_PROGRESS')))::int AS returns_without_task,
           (SELECT count(*) FROM platform.dead_letters)::int AS dead_letters`, [orderId]);
  const inTote = row!.in_tote!;
  expect({ orderId, ...row, open_returns: row!.open_returns! - inTote }).toEqual({
    orderId, allocated: 0, reservations: 0, packages: 0, shipments: 0, ship_movements: 0, shipped_events: 0, open_lists: 0, open_tasks: 0,
    in_tote: inTote, open_returns: 0, returns_without_task: 0, dead_letters: 0,
  });
  const labels = await t.app.db.query<{ tracking_number: string }>(
    `SELECT tracking_number FROM pack_ship.shipments WHERE order_id = $1 AND carrier = 'RESTCO' AND tracking_number IS NOT NULL`, [orderId]);
  // The carrier is told after the cancel commits: its void may still be on its way.
  await until('labels voided at the carrier', async () => labels.filter((l) => fake.booked.has(l.tracking_number)), (live) => live.length === 0, 10_000);
  return inTote;
}

/** Every invariant of a shipped order: it never reads cancelled, was never announced cancelled, has no return. */
async function expectShipped(orderId: string): Promise<void> {
  await t.settle();
  expect({ orderId, status: await status(orderId) }).toEqual({ orderId, status: 'SHIPPED' });
  const [row] = await t.app.db.query<Record<string, number>>(`
    SELECT (SELECT count(*) FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1)::int AS cancelled_events,
           (SELECT count(*) FROM inventory.returns WHERE order_id = $1)::int AS returns,
           (SELECT count(*) FROM pack_ship.shipments WHERE order_id = $1 AND dispatched_at IS NOT NULL AND status = 'CANCELLED')::int AS cancelled_dispatched`, [orderId]);
  expect({ orderId, ...row }).toEqual({ orderId, cancelled_events: 0, returns: 0, cancelled_dispatched: 0 });
}

/** Workers put every open return of the orders back by scan; the totes are empty and the ledger is the balances. */
async function returnAll(orderIds: string[]): Promise<void> {
  for (const orderId of orderIds) {
    for (const r of (await openReturns(orderId)).filter((x) => x.status === 'OPEN')) {
      const res = await t.post(`/api/v1/inventory/returns/${r.id}/confirm`, { locationId: r.suggestedLocationId }, 'operator');
      expect({ id: r.id, status: res.status, body: res.body.status }).toEqual({ id: r.id, status: 200, body: 'COMPLETED' });
    }
  }
  await t.settle();
  const [left] = await t.app.db.query<{ n: number }>(`SELECT COALESCE(sum(on_hand), 0)::int AS n FROM inventory.balances WHERE location_id = ANY(SELECT 'IN_PROCESS:' || x FROM unnest($1::text[]) x)`, [orderIds]);
  expect(left!.n).toBe(0);
  const summary = await expectLedgerConserved(t, w.siteId);
  for (const [, s] of summary) expect(s.onHand).toBeGreaterThanOrEqual(0);
}

/** One order of `quantity` units of `sku` released alone, its task claimed and started, its list picked: its id. */
async function pickedAlone(sku: string, quantity = 2): Promise<string> {
  const [orderId] = await newOrders(1, sku, quantity);
  const lists = await release([orderId!]);
  await claimTasks(lists);
  await pickAll(lists.get(orderId!)!);
  return orderId!;
}

async function packAll(orderId: string): Promise<void> {
  await until('picked', () => status(orderId), (s) => s === 'PICKED');
  await t.settle();
  expect((await t.post('/api/v1/packages', { orderId }, 'operator')).status).toBe(201);
}

describe('a cancel at every moment the others leave out', () => {
  it('BACKORDERED: cancelled, and the stock that arrives afterwards does not go to it', async () => {
    const sku = w.products[0]!.sku;
    const o = await createOrder(call, w.siteId, { externalId: `CM-BO-${++seq}`, lines: [{ sku, quantity: 100_000 }] });
    await until('backordered', () => status(o.id), (s) => s === 'BACKORDERED');
    expect(await cancel(o.id)).toEqual({ status: 200, code: undefined, orderStatus: 'CANCELLED' });
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity: 1 })).status).toBe(201);
    expect(await expectCancelled(o.id)).toBe(0);
  });

  it('task ASSIGNED, not started: the list and the task are withdrawn; the picker\'s start is refused', async () => {
    const [orderId] = await newOrders(1, w.products[1]!.sku);
    const lists = await release([orderId!]);
    const task = (await claimTasks(lists, false)).get(orderId!)!;
    expect(await cancel(orderId!)).toMatchObject({ status: 200, orderStatus: 'CANCELLED' });
    await t.settle();
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body.status).toBe('CANCELLED');
    expect((await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: task.workerId })).body.code).toBe('ILLEGAL_TRANSITION');
    expect(await expectCancelled(orderId!)).toBe(0);
  });

  it('packing (a carton open at the pack station, units scanned in): the carton is voided, scans and seal refused, the units go back', async () => {
    const sku = w.products[2]!.sku;
    const orderId = await pickedAlone(sku, 3);
    await until('picked', () => status(orderId), (s) => s === 'PICKED');
    await t.settle();
    const open = await t.post('/api/v1/pack-station/packages', { orderId }, 'operator');
    expect(open.status).toBe(201);
    const gtin = w.products[2]!.gtin;
    expect((await t.post(`/api/v1/packages/${open.body.id}/scans`, { barcode: gtin }, 'operator')).status).toBe(200);
    expect(await cancel(orderId)).toMatchObject({ status: 200, orderStatus: 'CANCELLED' });
    expect((await t.post(`/api/v1/packages/${open.body.id}/scans`, { barcode: gtin }, 'operator')).body.code).toBe('ORDER_CANCELLED');
    expect((await t.post(`/api/v1/packages/${open.body.id}/seal`, undefined, 'operator')).body.code).toBe('ORDER_CANCELLED');
    expect(await expectCancelled(orderId)).toBe(3);
    await returnAll([orderId]);
  });

  it('label booked with a remote carrier, then manifested: the label is voided at the carrier, the dispatch refused', async () => {
    const orderId = await pickedAlone(w.products[3]!.sku);
    await packAll(orderId);
    const shipment = await t.post('/api/v1/shipments', { orderId, carrier: 'RESTCO' }, 'operator');
    expect(shipment.status).toBe(201);
    expect(fake.booked.has(shipment.body.trackingNumber)).toBe(true);
    expect((await t.post('/api/v1/manifests', { siteId: w.siteId, carrier: 'RESTCO' }, 'operator')).status).toBe(201);
    expect(await cancel(orderId)).toMatchObject({ status: 200, orderStatus: 'CANCELLED' });
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`, undefined, 'operator')).body.code).toBe('ORDER_CANCELLED');
    expect(await expectCancelled(orderId)).toBe(2);
    await returnAll([orderId]);
  });

  it('its label booking at the remote carrier (the carrier holds the request): the cancel is 200, the booking refused, the label the carrier made voided; nothing ships (cancel6)', async () => {
    const orderId = await pickedAlone(w.products[3]!.sku);
    await packAll(orderId);
    const asked = fake.calls.length;
    const release = fake.holdNext('/shipments');
    const booking = t.post('/api/v1/shipments', { orderId, carrier: 'RESTCO' }, 'operator', { 'idempotency-key': `cm-inflight-${orderId}` });
    await until('asked at the carrier', async () => fake.calls.slice(asked).some((c) => c.method === 'POST' && c.path === '/shipments'), (x) => x);
    expect(await cancel(orderId)).toMatchObject({ status: 200, orderStatus: 'CANCELLED' });
    release();
    const answered = await booking;
    expect({ status: answered.status, code: answered.body.code }).toEqual({ status: 409, code: 'ORDER_CANCELLED' });
    // The same request again answers the same, and books nothing.
    const again = await t.post('/api/v1/shipments', { orderId, carrier: 'RESTCO' }, 'operator', { 'idempotency-key': `cm-inflight-${orderId}` });
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'ORDER_CANCELLED' });
    expect(await expectCancelled(orderId)).toBe(2);
    const [owed] = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pack_ship.carrier_calls WHERE order_id = $1 AND state = 'OWED'`, [orderId]);
    expect(owed!.n).toBe(0);
    await returnAll([orderId]);
  });

  it('its label void at the remote carrier (the carrier holds the request): the cancel is 200, the void ends, nothing ships (cancel6)', async () => {
    const orderId = await pickedAlone(w.products[3]!.sku);
    await packAll(orderId);
    const shipment = await t.post('/api/v1/shipments', { orderId, carrier: 'RESTCO' }, 'operator');
    expect(shipment.status).toBe(201);
    const asked = fake.calls.length;
    const release = fake.holdNext('/shipments/');
    const voiding = t.post(`/api/v1/shipments/${shipment.body.id}/void`, undefined, 'operator');
    await until('void asked at the carrier', async () => fake.calls.slice(asked).some((c) => c.path.startsWith('/shipments/')), (x) => x);
    const cancelled = cancel(orderId);
    await new Promise((r) => setTimeout(r, 300));
    release();
    const [c, v] = await Promise.all([cancelled, voiding]);
    expect(c).toMatchObject({ status: 200, orderStatus: 'CANCELLED' });
    // The void is carried out (the label is dead either way): answered with the shipment, CANCELLED with its order.
    expect({ status: v.status, shipment: v.body.status }).toEqual({ status: 200, shipment: 'CANCELLED' });
    expect(fake.booked.has(shipment.body.trackingNumber)).toBe(false);
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`, undefined, 'operator')).status).toBe(409);
    expect(await expectCancelled(orderId)).toBe(2);
    await returnAll([orderId]);
  });

  it('dispatched: REST and GraphQL both answer 409 ORDER_SHIPPED; the order reads SHIPPED', async () => {
    const orderId = await pickedAlone(w.products[3]!.sku);
    await packAll(orderId);
    const shipment = await t.post('/api/v1/shipments', { orderId, carrier: 'RESTCO' }, 'operator');
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`, undefined, 'operator')).status).toBe(200);
    // The cancel right after the dispatch, before orders has heard of it.
    expect(await cancel(orderId)).toMatchObject({ status: 409, code: 'ORDER_SHIPPED' });
    const gql = gqlClient(t.app, t.keys.manager);
    const answer = await gql('mutation($id: ID!) { cancelOrder(id: $id, reason: "late") { __typename ... on BusinessError { code } } }', { id: orderId });
    expect(answer.data.cancelOrder).toEqual({ __typename: 'Conflict', code: 'ORDER_SHIPPED' });
    await expectShipped(orderId);
    expect(fake.booked.has(shipment.body.trackingNumber)).toBe(true);
  });
});

describe('cancels at the same time as each other, and as stock arriving', () => {
  it('two cancels at once (REST and GraphQL), then one sent twice at once under one Idempotency-Key: one cancellation, every answer CANCELLED', async () => {
    const orderIds = await newOrders(2, w.products[4]!.sku);
    const lists = await release(orderIds);
    await claimTasks(lists);
    for (const id of orderIds) await confirmLine(lists.get(id)!, lists.get(id)!.lines[0]!, 1);
    await t.settle();
    const gql = gqlClient(t.app, t.keys.manager);
    const [a, b] = await Promise.all([
      cancel(orderIds[0]!),
      gql('mutation($id: ID!) { cancelOrder(id: $id, reason: "twice") { __typename ... on Order { status } } }', { id: orderIds[0] }),
    ]);
    expect(a).toMatchObject({ status: 200, orderStatus: 'CANCELLED' });
    expect(b.data.cancelOrder).toEqual({ __typename: 'Order', status: 'CANCELLED' });
    const key = { 'idempotency-key': `cm-cancel-${orderIds[1]}` };
    const same = await Promise.all([cancel(orderIds[1]!, key), cancel(orderIds[1]!, key), cancel(orderIds[1]!, key)]);
    for (const x of same) expect(x).toMatchObject({ status: 200, orderStatus: 'CANCELLED' });
    for (const id of orderIds) {
      expect(await expectCancelled(id)).toBe(1);
      const [n] = await t.app.db.query<{ cancelled: number; returns: number }>(`
        SELECT (SELECT count(*) FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1)::int AS cancelled,
               (SELECT count(*) FROM inventory.returns WHERE order_id = $1)::int AS returns`, [id]);
      expect({ id, ...n }).toEqual({ id, cancelled: 1, returns: 1 });
    }
    await returnAll(orderIds);
  });

  it('backordered orders cancelled while their stock arrives: each ends CANCELLED holding nothing, the stock stays free', async () => {
    // A SKU of its own, with no stock: every order for it waits.
    const sku = `CM-BO-${SEED}`;
    expect((await t.post('/api/v1/products', { sku, description: 'Backordered', gtin: gtin13(990_000 + (SEED % 1000)), uom: 'EA', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 100 })).status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await createOrder(call, w.siteId, { externalId: `CM-BOR-${++seq}`, lines: [{ sku, quantity: 2 }] })).id);
    for (const id of ids) await until('backordered', () => status(id), (s) => s === 'BACKORDERED');
    const answers = await Promise.all([
      ...ids.map(async (id) => { await pause(15); return cancel(id); }),
      (async () => {
        await pause(15);
        expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[1]!.id, quantity: 12 })).status).toBe(201);
        return undefined;
      })(),
    ]);
    for (const a of answers.slice(0, ids.length)) expect(a).toMatchObject({ status: 200, orderStatus: 'CANCELLED' });
    for (const id of ids) expect(await expectCancelled(id)).toBe(0);
    const atp = (await t.get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`)).body.items[0].atp;
    expect(atp).toBe(12);
  });
});

/**
 * One wave of `n` orders brought to just before `step`; then for each order its step and its cancel are sent at once,
 * each after a random pause. Whatever wins, the invariants hold.
 */
type Step = 'confirm pick' | 'short pick' | 'complete task' | 'pack' | 'book label' | 'create shipment' | 'dispatch';

async function race(step: Step, n: number): Promise<{ cancelled: string[]; shipped: string[]; stepWon: number }> {
  const sku = w.products[5]!.sku;
  const orderIds = await newOrders(n, sku, 2);
  const lists = await release(orderIds);
  const tasks = await claimTasks(lists);
  const shipments = new Map<string, string>();
  for (const id of orderIds) {
    const list = lists.get(id)!;
    if (step === 'confirm pick') {
      await confirmLine(list, list.lines[0]!, 1);
      continue;
    }
    if (step === 'short pick') continue;
    await pickAll(list);
  }
  await t.settle();
  if (step === 'book label' || step === 'create shipment' || step === 'dispatch') for (const id of orderIds) await packAll(id);
  if (step === 'dispatch') {
    for (const id of orderIds) {
      const s = await t.post('/api/v1/shipments', { orderId: id, carrier: 'RESTCO' }, 'operator');
      expect(s.status).toBe(201);
      shipments.set(id, s.body.id);
    }
  }
  if (step === 'pack') for (const id of orderIds) await until('picked', () => status(id), (s) => s === 'PICKED');
  await t.settle();

  const doStep = async (id: string): Promise<'done' | 'refused'> => {
    const list = lists.get(id)!;
    switch (step) {
      case 'confirm pick': return expectStepAnswer(step, await confirmLine(list, list.lines[0]!, 1), 200);
      case 'short pick': {
        const res = await t.post(`/api/v1/pick-lists/${list.id}/lines/${list.lines[0]!.id}/short`, { reason: 'NOT_FOUND' });
        return expectStepAnswer(step, res, 200);
      }
      case 'complete task': {
        // The list's last line completed the task already; the picker's complete answers it unchanged (or withdrawn).
        const task = tasks.get(id)!;
        const res = await t.post(`/api/v1/tasks/${task.id}/complete`, { workerId: task.workerId });
        return expectStepAnswer(step, res, 200);
      }
      case 'pack': return expectStepAnswer(step, await t.post('/api/v1/packages', { orderId: id }, 'operator'), 201);
      case 'book label': return expectStepAnswer(step, await t.post('/api/v1/shipments', { orderId: id, carrier: 'RESTCO' }, 'operator'), 201);
      case 'create shipment': return expectStepAnswer(step, await t.post('/api/v1/shipments', { orderId: id }, 'operator'), 201);
      case 'dispatch': return expectStepAnswer(step, await t.post(`/api/v1/shipments/${shipments.get(id)!}/dispatch`, undefined, 'operator'), 200);
      default: { const never: never = step; throw new Error(`no step ${String(never)}`); }
    }
  };
  const results = await Promise.all(orderIds.map(async (id) => {
    const [stepAnswer, cancelAnswer] = await Promise.all([
      // Up to 250 ms apart either way: a cancel (it asks pack & ship first, then the floor reacts to its event) takes
      // tens to hundreds of ms under this load, a floor step a few tens, so either lands first.
      pause(250).then(() => doStep(id)),
      pause(250).then(() => cancel(id)),
    ]);
    return { id, stepAnswer, cancelAnswer };
  }));
  await t.settle();
  const cancelled: string[] = [];
  const shipped: string[] = [];
  for (const r of results) {
    if (r.cancelAnswer.status === 200) {
      expect(r.cancelAnswer.orderStatus).toBe('CANCELLED');
      await expectCancelled(r.id);
      cancelled.push(r.id);
    } else {
      // Only a dispatch can win against a cancel.
      expect({ step, answer: r.cancelAnswer }).toMatchObject({ step: 'dispatch', answer: { status: 409, code: 'ORDER_SHIPPED' } });
      expect(r.stepAnswer).toBe('done');
      await expectShipped(r.id);
      shipped.push(r.id);
    }
  }
  // The floor tried every order: the step of an order whose cancel won dispatches nothing.
  if (step === 'dispatch') for (const id of cancelled) expect(results.find((r) => r.id === id)!.stepAnswer).toBe('refused');
  await returnAll(cancelled);
  return { cancelled, shipped, stepWon: results.filter((r) => r.stepAnswer === 'done').length };
}

describe('a cancel racing each floor step (random delays on both sides)', () => {
  const N = Number(process.env.PAKLOG_CANCEL_RACE_ORDERS ?? 8);
  for (const step of ['confirm pick', 'short pick', 'complete task', 'pack', 'book label', 'create shipment', 'dispatch'] as const) {
    it(`${step}: ${N} orders, each step against its cancel`, async () => {
      const { cancelled, shipped, stepWon } = await race(step, N);
      console.log(`cancel vs ${step}: ${cancelled.length} cancelled, ${shipped.length} shipped; the step went through first ${stepWon} times`);
      expect(cancelled.length + shipped.length).toBe(N);
    }, 60_000);
  }
});
