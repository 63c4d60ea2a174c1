/**
 * Every state a user can reach has a way out, through the REST API only: an order cancelled while backordered, while
 * its pick task is paused or FAILED at the retry limit, once packed but not labelled, after its label was voided; a
 * label voided and booked anew; a wave whose every order was cancelled, before and after release; an ASN partly received (closed, not cancelled); a
 * cycle count abandoned while OPEN and during its recount; a replenishment cancelled while its task is queued,
 * assigned, in progress or paused; an RMA that never arrived; held, quarantined and damaged units released. Each case
 * ends in a final state, leaves nothing held, and the ledger equals the balances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { expectLedgerConserved } from '../support/conservation.ts';
import { startSiteApp } from '../support/site-app.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let seq = 0;

beforeAll(async () => {
  ({ t, call, w } = await startSiteApp({ siteCode: 'WO', aisles: 2, bays: 4, levels: 1, skus: 15 }, { stock: { quantity: 20, locationsPerSku: 1 } }));
});
afterAll(async () => {
  await t.close();
});

const QTY = 4;
interface PickLine { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number }
interface PickList { id: string; status: string; lines: PickLine[] }
interface Task { id: string; type: string; reference: string; status: string; workerId: string | null }

const status = async (orderId: string): Promise<string> => (await t.get(`/api/v1/orders/${orderId}`)).body.status;
const taskStatus = async (id: string): Promise<string> => (await t.get(`/api/v1/tasks/${id}`)).body.status;
const tasksOf = async (siteId: string, type: string, reference: string): Promise<Task[]> =>
  (await t.getAll<Task>(`/api/v1/tasks?siteId=${siteId}&type=${type}`)).filter((x) => x.reference === reference);
const atp = async (siteId: string, sku: string): Promise<number> => (await t.get(`/api/v1/inventory/atp?siteId=${siteId}&sku=${sku}`)).body.items[0].atp;
/** Where receiveStock put product i. */
const shelfOf = (i: number): { id: string; code: string } => w.storage[i % w.storage.length]!;
const code = (res: { status: number; body: { code?: string } }): [number, string | undefined] => [res.status, res.body.code];

async function newOrder(sku: string, quantity = QTY, expect: string = 'ALLOCATED'): Promise<string> {
  const o = await createOrder(call, w.siteId, { externalId: `WO-${++seq}`, lines: [{ sku, quantity }] });
  await until(expect, () => status(o.id), (s) => s === expect);
  return o.id;
}

async function planWave(orderIds: string[]): Promise<string> {
  await t.settle();
  const res = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 50 });
  expect(res.status).toBe(201);
  expect([...res.body.orderIds].sort()).toEqual([...orderIds].sort());
  await t.settle();
  return res.body.id as string;
}

/** Releases the order's wave; a picker takes and starts its task. */
async function releaseAndStart(orderId: string): Promise<{ list: PickList; task: Task; waveId: string }> {
  const waveId = await planWave([orderId]);
  expect((await t.post(`/api/v1/waves/${waveId}/release`)).status).toBe(200);
  await t.settle();
  const list = (await t.get(`/api/v1/pick-lists?orderId=${orderId}`)).body.items[0] as PickList;
  const worker = `picker-${orderId}`;
  const task = (await t.post('/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] }, 'operator')).body as Task;
  expect(task).toMatchObject({ reference: list.id, status: 'ASSIGNED' });
  expect((await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: worker }, 'operator')).status).toBe(200);
  return { list, task, waveId };
}

/** An order of `sku` released, its list picked in full: PICKED, every event of it handled. */
async function pickedOrder(sku: string): Promise<{ orderId: string; list: PickList }> {
  const orderId = await newOrder(sku);
  const { list } = await releaseAndStart(orderId);
  await pick(list, QTY);
  await until('picked', () => status(orderId), (s) => s === 'PICKED');
  await t.settle();
  return { orderId, list };
}

async function pick(list: PickList, quantity: number): Promise<void> {
  const line = list.lines[0]!;
  const res = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
    locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity, toteId: `TOTE-${list.id}`,
  }, 'operator');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await t.settle();
}

/** The order holds nothing: no allocation, no open reservation, no live package or shipment, no dead letter. */
async function expectNothingHeld(orderId: string): Promise<void> {
  const [row] = await t.app.db.query<Record<string, number>>(`
    SELECT (SELECT COALESCE(sum(allocated), 0) FROM inventory.allocations WHERE order_id = $1 AND status = 'ALLOCATED')::int AS allocated,
           (SELECT count(*) FROM inventory.reservations WHERE order_id = $1 AND status = 'OPEN')::int AS open_reservations,
           (SELECT count(*) FROM pack_ship.packages WHERE order_id = $1 AND status NOT IN ('CANCELLED', 'REPACKED'))::int AS packages,
           (SELECT count(*) FROM pack_ship.shipments WHERE order_id = $1 AND status NOT IN ('CANCELLED', 'VOIDED'))::int AS shipments,
           (SELECT count(*) FROM platform.dead_letters)::int AS dead_letters`, [orderId]);
  expect(row).toEqual({ allocated: 0, open_reservations: 0, packages: 0, shipments: 0, dead_letters: 0 });
}

async function cancel(orderId: string): Promise<void> {
  const res = await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.status).toBe('CANCELLED');
  await t.settle();
  expect(await status(orderId)).toBe('CANCELLED');
  await expectNothingHeld(orderId);
}

/** The units of a cancelled order in its tote go back by scan (its return's MOVE task is the way out of the tote). */
async function returnTote(orderId: string, inTote: number): Promise<void> {
  const returns = (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${orderId}`)).body.items as { id: string; open: number; suggestedLocationId: string }[];
  expect(returns.map((r) => r.open)).toEqual([inTote]);
  const target = w.storage.find((l) => l.id === returns[0]!.suggestedLocationId)!;
  const res = await t.post(`/api/v1/inventory/returns/${returns[0]!.id}/confirm`, { locationCode: target.code }, 'operator');
  expect(res.body).toMatchObject({ status: 'COMPLETED', open: 0 });
  await t.settle();
  expect((await tasksOf(w.siteId, 'MOVE', returns[0]!.id)).map((x) => x.status)).toEqual([expect.stringMatching(/^(COMPLETED|CANCELLED)$/)]);
}

describe('orders: cancel at the moments cancel-every-stage does not cover', () => {
  it('BACKORDERED: cancelled, nothing allocated stays behind', async () => {
    const sku = w.products[0]!.sku;
    const before = await atp(w.siteId, sku);
    const orderId = await newOrder(sku, before + 1, 'BACKORDERED');
    await cancel(orderId);
    expect(await atp(w.siteId, sku)).toBe(before);
    await expectLedgerConserved(t, w.siteId);
  });

  it('while its pick task is PAUSED mid-pick: the task and list are withdrawn, the picked units go back by scan', async () => {
    const sku = w.products[1]!.sku;
    const before = await atp(w.siteId, sku);
    const orderId = await newOrder(sku);
    const { list, task } = await releaseAndStart(orderId);
    await pick(list, 1);
    expect((await t.post(`/api/v1/tasks/${task.id}/pause`, { workerId: task.workerId }, 'operator')).body.status).toBe('PAUSED');
    await cancel(orderId);
    expect(await taskStatus(task.id)).toBe('CANCELLED');
    expect((await t.get(`/api/v1/pick-lists/${list.id}`)).body.status).toBe('CANCELLED');
    // The worker's handheld: resuming the withdrawn task is refused with a code, not a 500.
    expect(code(await t.post(`/api/v1/tasks/${task.id}/resume`, { workerId: task.workerId }, 'operator'))).toEqual([409, 'ILLEGAL_TRANSITION']);
    await returnTote(orderId, 1);
    expect(await atp(w.siteId, sku)).toBe(before);
    await expectLedgerConserved(t, w.siteId);
  });

  it('PACKED but not labelled: the package is voided, the units go back by scan', async () => {
    const sku = w.products[2]!.sku;
    const before = await atp(w.siteId, sku);
    const { orderId } = await pickedOrder(sku);
    expect((await t.post('/api/v1/packages', { orderId })).status).toBe(201);
    await until('packed', () => status(orderId), (s) => s === 'PACKED');
    await cancel(orderId);
    expect(((await t.get(`/api/v1/packages?orderId=${orderId}`)).body.items as { status: string }[]).map((p) => p.status)).toEqual(['CANCELLED']);
    expect(code(await t.post('/api/v1/shipments', { orderId }))[0]).toBe(409);
    await returnTote(orderId, QTY);
    expect(await atp(w.siteId, sku)).toBe(before);
    await expectLedgerConserved(t, w.siteId);
  });

  it('PACKED with its packing inspection OPEN: the inspection is withdrawn (CANCELLED) with the voided package, not left in the inspector\'s queue', async () => {
    const sku = w.products[14]!.sku;
    const plan = await t.post('/api/v1/inspection-plans', {
      siteId: w.siteId, name: 'Way-out pack audit', stage: 'PACKING', sku, sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: [{ code: 'SEAL', label: 'Carton sealed', kind: 'PASS_FAIL' }],
    }, 'manager');
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    try {
      const before = await atp(w.siteId, sku);
      const { orderId } = await pickedOrder(sku);
      const pkg = await t.post('/api/v1/packages', { orderId });
      expect(pkg.status).toBe(201);
      await t.settle();
      const ofPackage = async () => ((await t.get(`/api/v1/inspections?siteId=${w.siteId}&stage=PACKING`)).body.items as { id: string; status: string; target: { packageId: string } }[])
        .filter((i) => i.target.packageId === pkg.body.id);
      const [open] = await ofPackage();
      expect(open?.status).toBe('OPEN');
      await cancel(orderId);
      await t.settle();
      expect((await ofPackage()).map((i) => i.status)).toEqual(['CANCELLED']);
      expect(((await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items as { id: string }[]).map((i) => i.id)).not.toContain(open!.id);
      const late = await t.post(`/api/v1/inspections/${open!.id}/results`, { inspector: 'ines', items: [{ code: 'SEAL', passed: true }] }, 'operator');
      expect(code(late)).toEqual([409, 'ILLEGAL_TRANSITION']);
      expect((await t.get(`/api/v1/events?subject=${open!.id}`)).body.items.map((e: { type: string }) => e.type))
        .toEqual(['quality.inspection.required.v1', 'quality.inspection.cancelled.v1']);
      // Nothing was inspected: no KPI counts it.
      expect((await t.get(`/api/v1/quality-kpis?siteId=${w.siteId}&stage=PACKING`)).body.items).toEqual([]);
      await returnTote(orderId, QTY);
      expect(await atp(w.siteId, sku)).toBe(before);
    } finally {
      expect((await t.post(`/api/v1/inspection-plans/${plan.body.id}/deactivate`, undefined, 'manager')).status).toBe(200);
    }
    await expectLedgerConserved(t, w.siteId);
  });

  it('after its label was voided: the order is cancelled, the voided shipment stays VOIDED, the units go back', async () => {
    const sku = w.products[3]!.sku;
    const before = await atp(w.siteId, sku);
    const { orderId } = await pickedOrder(sku);
    expect((await t.post('/api/v1/packages', { orderId })).status).toBe(201);
    const shipment = await t.post('/api/v1/shipments', { orderId });
    expect(shipment.status).toBe(201);
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/void`, undefined, 'operator')).body.status).toBe('VOIDED');
    await t.settle();
    await cancel(orderId);
    expect((await t.get(`/api/v1/shipments/${shipment.body.id}`)).body.status).toBe('VOIDED');
    expect(code(await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`))[0]).toBe(409);
    await returnTote(orderId, QTY);
    expect(await atp(w.siteId, sku)).toBe(before);
    await expectLedgerConserved(t, w.siteId);
  });

  it('mid scan-pack (a carton OPEN, one unit scanned): the package is voided, the units go back by scan', async () => {
    const sku = w.products[12]!.sku;
    const before = await atp(w.siteId, sku);
    const { orderId, list } = await pickedOrder(sku);
    const opened = await t.post('/api/v1/pack-station/packages', { orderId, toteId: `TOTE-${list.id}` }, 'operator');
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.status).toBe('OPEN');
    expect((await t.post(`/api/v1/packages/${opened.body.id}/scans`, { barcode: w.products[12]!.gtin }, 'operator')).status).toBe(200);
    await cancel(orderId);
    expect((await t.get(`/api/v1/packages/${opened.body.id}`)).body.status).toBe('CANCELLED');
    expect(code(await t.post(`/api/v1/packages/${opened.body.id}/scans`, { barcode: w.products[12]!.gtin }, 'operator'))[0]).toBeGreaterThanOrEqual(400);
    await returnTote(orderId, QTY);
    expect(await atp(w.siteId, sku)).toBe(before);
    await expectLedgerConserved(t, w.siteId);
  });

  it('labelled and on the day\'s manifest (its label can no longer be voided): the order is still cancelled, nothing ships', async () => {
    const sku = w.products[13]!.sku;
    const before = await atp(w.siteId, sku);
    const { orderId } = await pickedOrder(sku);
    expect((await t.post('/api/v1/packages', { orderId })).status).toBe(201);
    const shipment = await t.post('/api/v1/shipments', { orderId });
    expect(shipment.status).toBe(201);
    expect((await t.post('/api/v1/manifests', { siteId: w.siteId, carrier: 'OWN_FLEET' }, 'operator')).status).toBe(201);
    expect(code(await t.post(`/api/v1/shipments/${shipment.body.id}/void`, undefined, 'operator'))).toEqual([409, 'ALREADY_MANIFESTED']);
    await cancel(orderId);
    expect((await t.get(`/api/v1/shipments/${shipment.body.id}`)).body.status).toBe('CANCELLED');
    expect(code(await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`))[0]).toBe(409);
    await returnTote(orderId, QTY);
    expect(await atp(w.siteId, sku)).toBe(before);
    await expectLedgerConserved(t, w.siteId);
  });

  it('a voided label is not a dead end: the package is booked anew and ships', async () => {
    const sku = w.products[4]!.sku;
    const { orderId } = await pickedOrder(sku);
    expect((await t.post('/api/v1/packages', { orderId })).status).toBe(201);
    const first = await t.post('/api/v1/shipments', { orderId });
    expect((await t.post(`/api/v1/shipments/${first.body.id}/void`)).body.status).toBe('VOIDED');
    expect(code(await t.post(`/api/v1/shipments/${first.body.id}/dispatch`))).toEqual([409, 'ILLEGAL_TRANSITION']);
    const second = await t.post('/api/v1/shipments', { orderId });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect((await t.post(`/api/v1/shipments/${second.body.id}/dispatch`)).status).toBe(200);
    await until('shipped', () => status(orderId), (s) => s === 'SHIPPED');
    await t.settle();
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('a pick task whose worker vanished mid-pick', () => {
  it('is not a dead end: a supervisor shorts the rest of its list (a manager key), the list and the task close, the order goes on', async () => {
    const sku = w.products[0]!.sku;
    const orderId = await newOrder(sku, 2);
    const { list, task } = await releaseAndStart(orderId);
    await pick(list, 1);
    expect((await t.post(`/api/v1/tasks/${task.id}/pause`, { workerId: task.workerId }, 'operator')).status).toBe(200);
    // Nobody else may claim the task, but its work can be finished without it.
    expect((await t.post('/api/v1/tasks/next', { workerId: 'someone-else', siteId: w.siteId, types: ['PICK'] }, 'operator')).status).toBe(204);
    const line = list.lines[0]!;
    const shorted = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, { reason: 'NOT_FOUND' }, 'manager');
    expect(shorted.status, JSON.stringify(shorted.body)).toBe(200);
    await t.settle();
    expect(['COMPLETED', 'PARTIAL']).toContain((await t.get(`/api/v1/pick-lists/${list.id}`)).body.status);
    expect(['COMPLETED', 'CANCELLED']).toContain(await taskStatus(task.id));
    // The short found no other location: short-pick recovery opened a count of the SKU at the shorted location, with
    // its COUNT task there (ADR 0024 addendum 2026-12-05). Its way out: a counter takes it, counts, and submits the
    // count, which completes the task.
    const check = (await t.post('/api/v1/tasks/next', { workerId: 'checker', siteId: w.siteId, types: ['COUNT'] }, 'operator')).body as Task;
    expect(check).toMatchObject({ type: 'COUNT', locationId: line.locationId });
    expect((await t.post(`/api/v1/tasks/${check.id}/start`, { workerId: 'checker' }, 'operator')).status).toBe(200);
    const onShelf = ((await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}&locationId=${line.locationId}`)).body.items as { onHand: number }[])
      .reduce((n, b) => n + b.onHand, 0);
    const counted = await t.post(`/api/v1/inventory/counts/${check.reference}/submit`, { attempt: 1, quantity: onShelf, workerId: 'checker' }, 'operator');
    expect([counted.status, counted.body.status]).toEqual([200, 'COMPLETED']);
    await t.settle();
    expect(await taskStatus(check.id)).toBe('COMPLETED');
    // The order is neither stuck in PICKING nor held by the task: it ships what was picked, waits for stock, or can be cancelled.
    const now = await until('order moved on', () => status(orderId), (s) => s !== 'PICKING' && s !== 'RELEASED');
    expect(['PICKED', 'BACKORDERED']).toContain(now);
    if (now === 'BACKORDERED') await cancel(orderId);
    else {
      await cancel(orderId);
      await returnTote(orderId, 1);
    }
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('a pick task that cannot be done', () => {
  it('fails back to the queue for other pickers; FAILED at the limit with a TASK_FAILED exception; cancelling its order withdraws it', async () => {
    const sku = w.products[1]!.sku;
    const before = await atp(w.siteId, sku);
    const orderId = await newOrder(sku);
    const { list, task } = await releaseAndStart(orderId);
    await pick(list, 1);
    const failedBy = (workerId: string) => t.post(`/api/v1/tasks/${task.id}/fail`, { workerId, reason: 'LOCATION_INACCESSIBLE', note: 'rack damaged' }, 'operator');
    expect((await failedBy(task.workerId!)).body).toMatchObject({ status: 'QUEUED', workerId: null, failures: 1 });
    // Two more pickers take it up and fail it (each is handed it: the one who failed it before is kept away from it).
    for (const [i, worker] of ['fixer-1', 'fixer-2'].entries()) {
      const claimed = (await t.post('/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] }, 'operator')).body as Task;
      expect(claimed).toMatchObject({ id: task.id, status: 'ASSIGNED' });
      expect((await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: worker }, 'operator')).status).toBe(200);
      expect((await failedBy(worker)).body).toMatchObject({ status: i === 0 ? 'QUEUED' : 'FAILED', failures: i + 2 });
    }
    // At the limit (PAKLOG_TASK_MAX_FAILURES, 3): nobody is handed it, and a supervisor sees it.
    expect((await t.post('/api/v1/tasks/next', { workerId: 'fixer-3', siteId: w.siteId, types: ['PICK'] }, 'operator')).status).toBe(204);
    const open = async () => (await t.getAll<{ kind: string; subject: string; status: string; actions: string[] }>('/api/v1/exceptions?kind=TASK_FAILED', 'viewer'))
      .filter((x) => x.subject === task.id);
    expect(await until('TASK_FAILED', open, (xs) => xs.some((x) => x.status === 'OPEN'))).toEqual([expect.objectContaining({ actions: ['requeue', 'acknowledge'] })]);
    // The way out taken here: the order is cancelled; the FAILED task is withdrawn with its list, the case clears.
    await cancel(orderId);
    expect(await taskStatus(task.id)).toBe('CANCELLED');
    expect((await t.get(`/api/v1/pick-lists/${list.id}`)).body.status).toBe('CANCELLED');
    expect((await open()).map((x) => x.status)).toEqual(['RESOLVED']);
    await returnTote(orderId, 1);
    expect(await atp(w.siteId, sku)).toBe(before);
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('waves whose every order was cancelled', () => {
  it('PLANNED: the wave is CANCELLED', async () => {
    const [a, b] = [await newOrder(w.products[5]!.sku, 1), await newOrder(w.products[5]!.sku, 1)];
    const waveId = await planWave([a, b]);
    await cancel(a);
    expect((await t.get(`/api/v1/waves/${waveId}`)).body.status).toBe('PLANNED');
    await cancel(b);
    expect((await t.get(`/api/v1/waves/${waveId}`)).body.status).toBe('CANCELLED');
  });

  it('RELEASED, one pick started: the wave COMPLETES, every task is withdrawn', async () => {
    const [a, b] = [await newOrder(w.products[6]!.sku, 1), await newOrder(w.products[7]!.sku, 1)];
    const waveId = await planWave([a, b]);
    expect((await t.post(`/api/v1/waves/${waveId}/release`)).status).toBe(200);
    await t.settle();
    const started = (await t.post('/api/v1/tasks/next', { workerId: 'wave-picker', siteId: w.siteId, types: ['PICK'] }, 'operator')).body as Task;
    expect((await t.post(`/api/v1/tasks/${started.id}/start`, { workerId: 'wave-picker' }, 'operator')).status).toBe(200);
    await cancel(a);
    await cancel(b);
    expect((await t.get(`/api/v1/waves/${waveId}`)).body.status).toBe('COMPLETED');
    const tasks = (await t.getAll<Task & { waveId: string | null }>(`/api/v1/tasks?siteId=${w.siteId}&type=PICK`)).filter((x) => x.waveId === waveId);
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.map((x) => x.status)).toEqual(tasks.map(() => 'CANCELLED'));
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('inbound: an ASN partly received', () => {
  it('is not cancelled (409 ILLEGAL_TRANSITION) but closed, with what never came recorded; its putaway still completes', async () => {
    const sku = w.products[8]!.sku;
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'Supplier', reference: 'WO-ASN-1', lines: [{ sku, quantity: 10 }] }, 'manager');
    expect(asn.status).toBe(201);
    const got = await t.post(`/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 4 }, 'operator');
    expect(got.status).toBe(201);
    expect(code(await t.post(`/api/v1/inventory/asns/${asn.body.id}/cancel`, { reason: 'supplier stopped' }, 'manager'))).toEqual([409, 'ILLEGAL_TRANSITION']);
    const closed = await t.post(`/api/v1/inventory/asns/${asn.body.id}/close`, {}, 'manager');
    expect(closed.body.status).toBe('CLOSED');
    expect(closed.body.discrepancies.map((d: { kind: string; quantity: number }) => [d.kind, d.quantity])).toEqual([['UNDER', 6]]);
    const target = w.storage[0]!;
    const put = await t.post(`/api/v1/inventory/putaways/${got.body.putaway.id}/confirm`, { locationCode: target.code }, 'operator');
    expect(put.body).toMatchObject({ status: 'COMPLETED', putAway: 4 });
    await t.settle();
    expect((await tasksOf(w.siteId, 'PUTAWAY', got.body.putaway.id)).map((x) => x.status)).toEqual(['CANCELLED']);
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('putaways withdrawn', () => {
  it('units moved off the dock by hand take their putaway with them (since dock5): it is cancelled in the move, its task withdrawn; a person cancelling it is 409', async () => {
    const sku = w.products[8]!.sku;
    const got = await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 3 }, 'operator');
    expect(got.status, JSON.stringify(got.body)).toBe(201);
    const putawayId = got.body.putaway.id as string;
    await t.settle();
    const target = shelfOf(8);
    const moved = await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: got.body.locationId, toLocationId: target.id, quantity: 3 }, 'operator');
    expect(moved.status, JSON.stringify(moved.body)).toBe(201);
    expect((await t.get(`/api/v1/inventory/putaways/${putawayId}`)).body).toMatchObject({ status: 'CANCELLED', putAway: 0 });
    await t.settle();
    expect((await tasksOf(w.siteId, 'PUTAWAY', putawayId)).map((x) => x.status)).toEqual(['CANCELLED']);
    expect((await t.post(`/api/v1/inventory/putaways/${putawayId}/cancel`, { reason: 'moved by hand' }, 'operator')).status).toBe(403);
    expect(code(await t.post(`/api/v1/inventory/putaways/${putawayId}/cancel`, {}, 'manager'))).toEqual([400, 'VALIDATION_FAILED']);
    expect(code(await t.post(`/api/v1/inventory/putaways/${putawayId}/confirm`, { locationCode: target.code }, 'operator'))).toEqual([409, 'ILLEGAL_TRANSITION']);
    expect(((await t.get(`/api/v1/inventory/putaways?siteId=${w.siteId}&status=CANCELLED`)).body.items as { id: string }[]).map((p) => p.id)).toContain(putawayId);
    await expectLedgerConserved(t, w.siteId);
  });

  it('cancelled while its task is IN_PROGRESS or PAUSED, part put away: the task is withdrawn under its worker, the rest stays at the dock and moves by hand', async () => {
    const sku = w.products[9]!.sku;
    for (const stage of ['IN_PROGRESS', 'PAUSED'] as const) {
      const got = await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 4 }, 'operator');
      const putawayId = got.body.putaway.id as string;
      await t.settle();
      const [task] = await tasksOf(w.siteId, 'PUTAWAY', putawayId);
      const worker = `stocker-${stage}`;
      // The worker may be handed an older putaway first; claim this one by rejecting the others would be the floor's way: here every
      // earlier putaway of the site is closed, so the next PUTAWAY task is this one.
      expect((await t.post('/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PUTAWAY'] }, 'operator')).body.id).toBe(task!.id);
      expect((await t.post(`/api/v1/tasks/${task!.id}/start`, { workerId: worker }, 'operator')).status).toBe(200);
      const target = shelfOf(9);
      expect((await t.post(`/api/v1/inventory/putaways/${putawayId}/confirm`, { locationCode: target.code, quantity: 1, workerId: worker }, 'operator')).body.status).toBe('OPEN');
      if (stage === 'PAUSED') expect((await t.post(`/api/v1/tasks/${task!.id}/pause`, { workerId: worker }, 'operator')).status).toBe(200);
      const res = await t.post(`/api/v1/inventory/putaways/${putawayId}/cancel`, { reason: `forklift broke (${stage})` }, 'manager');
      expect(res.body).toMatchObject({ status: 'CANCELLED', putAway: 1, open: 3 });
      await t.settle();
      expect({ stage, task: await taskStatus(task!.id) }).toEqual({ stage, task: 'CANCELLED' });
      const moved = await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: got.body.locationId, toLocationId: target.id, quantity: 3 }, 'operator');
      expect(moved.status, JSON.stringify(moved.body)).toBe(201);
    }
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('AVAILABLE units left at the dock by a cancelled putaway', () => {
  type Case = { id: string; subject: string; status: string; resolution: string | null; actions: string[]; details: Record<string, unknown> };
  const leftAtDock = async (putawayId: string) => {
    await t.settle();
    return ((await t.get(`/api/v1/exceptions?siteId=${w.siteId}&kind=UNITS_LEFT_AT_DOCK&limit=200`, 'manager')).body.items as Case[])
      .filter((x) => x.subject === putawayId);
  };
  const statusOf = async (id: string) => {
    await t.settle();
    return (await t.get(`/api/v1/exceptions/${id}`, 'manager')).body as Case;
  };

  it('are raised as UNITS_LEFT_AT_DOCK naming them (nobody else is told); the case resolves by itself once none are left at the dock beyond what open putaways cover (moved, held, adjusted out). Units that left the dock first raise nothing', async () => {
    const sku = w.products[14]!.sku;
    // Two receipts of the SKU at the dock: the second's putaway stays OPEN and covers its own units.
    const first = await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 5 }, 'operator');
    const second = await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 2 }, 'operator');
    expect([first.status, second.status]).toEqual([201, 201]);
    const dock = first.body.locationId as string;
    const target = shelfOf(14);
    expect((await t.post(`/api/v1/inventory/putaways/${first.body.putaway.id}/confirm`, { locationCode: target.code, quantity: 1 }, 'operator')).body.status).toBe('OPEN');
    expect((await t.post(`/api/v1/inventory/putaways/${first.body.putaway.id}/cancel`, { reason: 'forklift broke' }, 'manager')).body)
      .toMatchObject({ status: 'CANCELLED', putAway: 1, open: 4 });
    const [raised] = await leftAtDock(first.body.putaway.id as string);
    expect(raised).toMatchObject({
      status: 'OPEN', actions: ['acknowledge'],
      details: expect.objectContaining({ putawayId: first.body.putaway.id, sku, locationId: dock, status: 'AVAILABLE', leftAtDock: 4 }),
    });
    // Moved off by hand, part by part: 2 of the 4 moved, then 1 held there, still leave one with no putaway (the
    // second's 2 are covered by its OPEN putaway): the case stays open.
    expect((await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: dock, toLocationId: target.id, quantity: 2 }, 'operator')).status).toBe(201);
    expect((await statusOf(raised!.id)).status).toBe('OPEN');
    expect((await t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: dock, quantity: 1, status: 'DAMAGED', reason: 'crushed' }, 'manager')).status).toBe(201);
    expect((await statusOf(raised!.id)).status).toBe('OPEN');
    // The last one written off: only covered units are left at the dock; the case resolves by itself.
    expect((await t.post('/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: dock, delta: -1, reason: 'LOST' }, 'manager')).status).toBe(201);
    const cleared = await statusOf(raised!.id);
    expect(cleared.status).toBe('RESOLVED');
    expect(cleared.resolution).toMatch(/^auto: no AVAILABLE units left at the dock without a putaway \(adjusted out\)/);

    // The damaged unit released at the dock gets a putaway of its own (nothing held is left), and is put away.
    expect((await t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: dock, quantity: 1, fromStatus: 'DAMAGED', reason: 'fine after all' }, 'manager')).status).toBe(201);
    const reput = ((await t.get(`/api/v1/inventory/putaways?siteId=${w.siteId}&status=OPEN&limit=500`, 'manager')).body.items as { id: string; sku: string; quantity: number }[])
      .filter((p) => p.sku === sku && p.id !== second.body.putaway.id);
    expect(reput).toMatchObject([{ quantity: 1 }]);
    expect((await t.post(`/api/v1/inventory/putaways/${reput[0]!.id}/confirm`, { locationCode: target.code, quantity: 1 }, 'operator')).body.status).toBe('COMPLETED');
    // The second's units moved off by hand before its putaway is cancelled: nothing is left at the dock, nothing raised.
    // (Since dock5 the move itself cancels the putaway: a person's cancel is 409.)
    expect((await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: dock, toLocationId: target.id, quantity: 2 }, 'operator')).status).toBe(201);
    expect(code(await t.post(`/api/v1/inventory/putaways/${second.body.putaway.id}/cancel`, { reason: 'moved by hand' }, 'manager'))).toEqual([409, 'ILLEGAL_TRANSITION']);
    expect(await leftAtDock(second.body.putaway.id as string)).toEqual([]);
    await expectLedgerConserved(t, w.siteId);
  });

  it('a supervisor may still acknowledge the case while the units are at the dock; moved off afterwards, nothing reopens', async () => {
    const sku = w.products[14]!.sku;
    const receipt = await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 3 }, 'operator');
    expect(receipt.status).toBe(201);
    const dock = receipt.body.locationId as string;
    expect((await t.post(`/api/v1/inventory/putaways/${receipt.body.putaway.id}/cancel`, { reason: 'dock lead moves them' }, 'manager')).status).toBe(200);
    const [raised] = await leftAtDock(receipt.body.putaway.id as string);
    expect(raised).toMatchObject({ status: 'OPEN', details: expect.objectContaining({ leftAtDock: 3 }) });
    expect((await t.post(`/api/v1/exceptions/${raised!.id}/actions/acknowledge`, {}, 'manager')).body).toMatchObject({ status: 'RESOLVED', resolution: 'acknowledge' });
    expect((await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: dock, toLocationId: shelfOf(14).id, quantity: 3 }, 'operator')).status).toBe(201);
    expect(await statusOf(raised!.id)).toMatchObject({ status: 'RESOLVED', resolution: 'acknowledge' });
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('returns to stock withdrawn', () => {
  it('a return whose units left the tote another way: a planner cancels it once, the rest is written off the tote, its MOVE task withdrawn', async () => {
    const sku = w.products[11]!.sku;
    const { orderId, list } = await pickedOrder(sku);
    await cancel(orderId);
    const tote = async () => (await t.getAll<{ code: string; status: string; contents: { quantity: number }[] }>(`/api/v1/lpns?siteId=${w.siteId}`))
      .find((l) => l.code === `TOTE-${list.id}`);
    expect((await tote())!.contents.reduce((n, c) => n + c.quantity, 0)).toBe(QTY);
    const [ret] = (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${orderId}`)).body.items as { id: string; open: number }[];
    expect(ret).toMatchObject({ open: QTY });
    const [task] = await tasksOf(w.siteId, 'MOVE', ret!.id);
    expect(task!.status).toBe('QUEUED');
    const before = await expectLedgerConserved(t, w.siteId);
    const atpBefore = await atp(w.siteId, sku);
    const url = `/api/v1/inventory/returns/${ret!.id}/cancel`;
    // Refused, nothing changed: an operator, no reason, a manager of another site, an unknown return.
    expect((await t.post(url, { reason: 'tote lost' }, 'operator')).status).toBe(403);
    expect(code(await t.post(url, {}, 'manager'))).toEqual([400, 'VALIDATION_FAILED']);
    const elsewhere = await t.app.apiKeys.create('manager of another site', 'manager', undefined, ['site_elsewhere']);
    const foreign = await t.request('POST', url, { body: { reason: 'tote lost' }, role: null, headers: { 'x-api-key': elsewhere.key } });
    expect(code(foreign)).toEqual([403, 'FORBIDDEN_AT_SITE']);
    expect(code(await t.post('/api/v1/inventory/returns/rtn_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c/cancel', { reason: 'x' }, 'manager'))).toEqual([404, 'NOT_FOUND']);
    expect((await t.get(`/api/v1/inventory/returns/${ret!.id}`)).body).toMatchObject({ status: 'OPEN', open: QTY });

    const key = { 'idempotency-key': `cancel-${ret!.id}` };
    const res = await t.post(url, { reason: 'tote lost on the way back' }, 'manager', key);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'CANCELLED', returned: 0, open: 0, cancelReason: 'tote lost on the way back' });
    expect((await t.post(url, { reason: 'tote lost on the way back' }, 'manager', key)).body).toEqual(res.body);
    await t.settle();
    expect(await taskStatus(task!.id)).toBe('CANCELLED');
    // Physical tracking agrees: the units left the tote (emptied: CONSUMED).
    expect(await tote()).toMatchObject({ status: 'CONSUMED', contents: [] });
    const cancelled = (await t.getAll<{ subject: string; data: Record<string, unknown> }>('/api/v1/events?type=inventory.stock.return-cancelled.v1'))
      .filter((e) => e.subject === ret!.id);
    expect(cancelled.map((e) => e.data)).toEqual([expect.objectContaining({ orderId, sku, writtenOff: QTY, returned: 0, reason: 'tote lost on the way back' })]);
    // The tote's units were written off (ADJUST, reason LOST, reference = the return): on hand down, ATP as it was.
    const ledger = (await t.getAll<{ type: string; reference: string | null; reason: string | null; deltaOnHand: number; locationId: string }>(
      `/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}`)).filter((m) => m.reference === ret!.id);
    expect(ledger.map((m) => [m.type, m.locationId, m.deltaOnHand, m.reason])).toEqual([['ADJUST', `IN_PROCESS:${orderId}`, -QTY, 'LOST']]);
    const after = await expectLedgerConserved(t, w.siteId);
    expect(after.get(sku)!.onHand).toBe(before.get(sku)!.onHand - QTY);
    expect(after.get(sku)!.adjusted).toBe(before.get(sku)!.adjusted - QTY);
    expect(await atp(w.siteId, sku)).toBe(atpBefore);

    // Nothing more to do with it: a second cancel and a late confirm are refused, nothing changes.
    expect(code(await t.post(url, { reason: 'again' }, 'manager'))).toEqual([409, 'ILLEGAL_TRANSITION']);
    expect(code(await t.post(`/api/v1/inventory/returns/${ret!.id}/confirm`, { locationCode: shelfOf(11).code }, 'operator'))).toEqual([409, 'ILLEGAL_TRANSITION']);
    await t.settle();
    expect(((await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&status=CANCELLED`)).body.items as { id: string }[]).map((r) => r.id)).toEqual([ret!.id]);
    expect((await t.getAll('/api/v1/events?type=inventory.stock.return-cancelled.v1')).length).toBe(1);
    const last = await expectLedgerConserved(t, w.siteId);
    expect(last.get(sku)!.onHand).toBe(after.get(sku)!.onHand);
  });
});

describe('cycle counts abandoned', () => {
  async function openCount(sku: string, locationId: string): Promise<string> {
    const opened = await t.post('/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [locationId], sku }, 'manager');
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    await t.settle();
    return opened.body.items[0].id as string;
  }

  it('OPEN, its task queued: a manager rejects it with a reason; nothing adjusted, the location and its units come back, the task is withdrawn', async () => {
    const sku = w.products[9]!.sku;
    const shelf = shelfOf(9);
    const before = await atp(w.siteId, sku);
    const countId = await openCount(sku, shelf.id);
    expect(await atp(w.siteId, sku)).toBeLessThan(before);
    expect((await tasksOf(w.siteId, 'COUNT', countId)).map((x) => x.status)).toEqual(['QUEUED']);
    const res = await t.post(`/api/v1/inventory/counts/${countId}/reject`, { reason: 'counter sent home, count later' }, 'manager');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('REJECTED');
    await t.settle();
    expect(await atp(w.siteId, sku)).toBe(before);
    expect((await tasksOf(w.siteId, 'COUNT', countId)).map((x) => x.status)).toEqual(['CANCELLED']);
    expect(code(await t.post(`/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 20, workerId: 'late' }, 'operator'))).toEqual([409, 'ILLEGAL_TRANSITION']);
    expect((await t.get(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}&type=COUNT`)).body.items).toEqual([]);
    await expectLedgerConserved(t, w.siteId);
  });

  it('in RECOUNT, the recount task in progress: rejected, the task withdrawn under its worker, the location free for moves', async () => {
    const sku = w.products[10]!.sku;
    const shelf = shelfOf(10);
    await t.request('PUT', '/api/v1/inventory/count-settings', { body: { siteId: w.siteId, toleranceUnits: 0, tolerancePercent: null }, role: 'manager' });
    const countId = await openCount(sku, shelf.id);
    const take = async (worker: string): Promise<Task> => {
      const task = (await t.post('/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['COUNT'] }, 'operator')).body as Task;
      expect((await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: worker }, 'operator')).status).toBe(200);
      return task;
    };
    const first = await take('counter-1');
    expect(first.reference).toBe(countId);
    expect((await t.post(`/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 15, workerId: 'counter-1' }, 'operator')).body.status).toBe('RECOUNT');
    await t.settle();
    const second = await take('counter-2');
    expect(second.reference).toBe(`${countId}:recount`);
    expect(code(await t.post(`/api/v1/inventory/counts/${countId}/reject`, { reason: '' }, 'manager'))).toEqual([400, 'VALIDATION_FAILED']);
    expect((await t.post(`/api/v1/inventory/counts/${countId}/reject`, { reason: 'abandoned' }, 'viewer')).status).toBe(403);
    const res = await t.post(`/api/v1/inventory/counts/${countId}/reject`, { reason: 'abandoned: rack inspection first' }, 'manager');
    expect(res.body.status).toBe('REJECTED');
    await t.settle();
    expect(await taskStatus(second.id)).toBe('CANCELLED');
    expect(await taskStatus(first.id)).toBe('COMPLETED');
    // The location is no longer under count: a move out of it goes through.
    const moved = await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, fromLocationId: shelf.id, toLocationId: w.storage.find((l) => l.id !== shelf.id)!.id, quantity: 1 }, 'manager');
    expect(moved.status, JSON.stringify(moved.body)).toBe(201);
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('replenishment cancelled in every state of its task', () => {
  it('QUEUED, ASSIGNED, IN_PROGRESS and PAUSED: the replenishment and its task are CANCELLED, nothing moves, a new one can open', async () => {
    const site = await setupWarehouse(call, { siteCode: 'WRP', aisles: 1, bays: 2, levels: 2, skus: 1 });
    const sku = site.products[0]!.sku;
    const face = site.storage[0]!;
    const reserve = (await t.getAll<{ id: string; code: string }>(`/api/v1/sites/${site.siteId}/locations?type=RESERVE`))[0]!;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: site.siteId, sku, locationId: reserve.id, quantity: 50 })).status).toBe(201);
    expect((await t.request('PUT', '/api/v1/replenishment-settings', { body: { siteId: site.siteId, sku, locationCode: face.code, min: 2, max: 10 }, role: 'manager' })).status).toBe(200);
    await t.settle();
    for (const stage of ['QUEUED', 'ASSIGNED', 'IN_PROGRESS', 'PAUSED'] as const) {
      const req = await t.post('/api/v1/replenishments', { siteId: site.siteId, sku, locationCode: face.code }, 'manager');
      expect(req.status, JSON.stringify(req.body)).toBe(201);
      expect(req.body.status).toBe('OPEN');
      await t.settle();
      const [task] = await tasksOf(site.siteId, 'REPLENISH', req.body.id);
      expect(task?.status).toBe('QUEUED');
      const worker = `rep-${stage}`;
      if (stage !== 'QUEUED') {
        expect((await t.post('/api/v1/tasks/next', { workerId: worker, siteId: site.siteId, types: ['REPLENISH'] }, 'operator')).body.id).toBe(task!.id);
      }
      if (stage === 'IN_PROGRESS' || stage === 'PAUSED') expect((await t.post(`/api/v1/tasks/${task!.id}/start`, { workerId: worker }, 'operator')).status).toBe(200);
      if (stage === 'PAUSED') expect((await t.post(`/api/v1/tasks/${task!.id}/pause`, { workerId: worker }, 'operator')).status).toBe(200);
      expect(await taskStatus(task!.id)).toBe(stage);
      const cancelled = await t.post(`/api/v1/replenishments/${req.body.id}/cancel`, { reason: `not needed (${stage})` }, 'manager');
      expect(cancelled.body.status, JSON.stringify(cancelled.body)).toBe('CANCELLED');
      await t.settle();
      expect({ stage, task: await taskStatus(task!.id) }).toEqual({ stage, task: 'CANCELLED' });
      expect(code(await t.post(`/api/v1/replenishments/${req.body.id}/confirm`, { locationCode: face.code }, 'operator'))).toEqual([409, 'ILLEGAL_TRANSITION']);
    }
    const balances = await t.getAll<{ locationId: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${site.siteId}&sku=${sku}`);
    expect(balances.map((b) => [b.locationId, b.onHand])).toEqual([[reserve.id, 50]]);
    await expectLedgerConserved(t, site.siteId);
  });
});

describe('returns and holds', () => {
  it('an RMA that never arrived is cancelled; one received is not (409) and is closed after inspection instead', async () => {
    const sku = w.products[11]!.sku;
    const rma = await t.post('/api/v1/rmas', { siteId: w.siteId, customerRef: 'C-1', lines: [{ sku, quantity: 1, reason: 'wrong size' }] }, 'manager');
    expect(rma.status, JSON.stringify(rma.body)).toBe(201);
    const res = await t.post(`/api/v1/rmas/${rma.body.id}/cancel`, { reason: 'customer kept it' }, 'manager');
    expect(res.body.status).toBe('CANCELLED');
    expect(code(await t.post(`/api/v1/rmas/${rma.body.id}/receive`, { locationCode: 'WO-RCV-01', lines: [{ lineId: '1', quantity: 1 }] }, 'operator'))[0]).toBe(409);

    const other = await t.post('/api/v1/rmas', { siteId: w.siteId, customerRef: 'C-2', lines: [{ sku, quantity: 1, reason: 'broken' }] }, 'manager');
    expect((await t.post(`/api/v1/rmas/${other.body.id}/receive`, { locationCode: 'WO-RCV-01', lines: [{ lineId: '1', quantity: 1 }] }, 'operator')).body.status).toBe('RECEIVED');
    expect(code(await t.post(`/api/v1/rmas/${other.body.id}/cancel`, { reason: 'too late' }, 'manager'))).toEqual([409, 'ILLEGAL_TRANSITION']);
    expect((await t.post(`/api/v1/rmas/${other.body.id}/lines/1/inspect`, { disposition: 'SCRAP', condition: 'broken' }, 'operator')).body.status).toBe('INSPECTED');
    expect((await t.post(`/api/v1/rmas/${other.body.id}/close`, undefined, 'manager')).body.status).toBe('CLOSED');
    await expectLedgerConserved(t, w.siteId);
  });

  it('an RMA line restocked in place at the receiving dock gets a putaway and a PUTAWAY task, as units released there by hand do (they waited unpickable, unseen)', async () => {
    const sku = w.products[13]!.sku;
    const dock = (await t.getAll<{ id: string; code: string }>(`/api/v1/sites/${w.siteId}/locations?type=RECEIVING`))[0]!;
    const before = await atp(w.siteId, sku);
    const rma = await t.post('/api/v1/rmas', { siteId: w.siteId, customerRef: 'C-3', lines: [{ sku, quantity: 3, reason: 'unwanted' }] }, 'manager');
    expect((await t.post(`/api/v1/rmas/${rma.body.id}/receive`, { locationCode: dock.code, lines: [{ lineId: '1', quantity: 3 }] }, 'operator')).body.status).toBe('RECEIVED');
    const restocked = await t.post(`/api/v1/rmas/${rma.body.id}/lines/1/inspect`, { disposition: 'RESTOCK', locationCode: dock.code, quantity: 2, condition: 'as new' }, 'operator');
    expect(restocked.body.status, JSON.stringify(restocked.body)).toBe('RECEIVED');
    await t.settle();
    const open = (await t.getAll<{ id: string; sku: string; fromLocationId: string; open: number; stockStatus: string }>(`/api/v1/inventory/putaways?siteId=${w.siteId}&status=OPEN`))
      .filter((p) => p.sku === sku && p.fromLocationId === dock.id);
    expect(open.map((p) => [p.stockStatus, p.open])).toEqual([['AVAILABLE', 2]]);
    expect((await tasksOf(w.siteId, 'PUTAWAY', open[0]!.id)).map((x) => x.status)).toEqual(['QUEUED']);
    // The last unit restocked there too: a putaway of its own (the first still covers its two).
    expect((await t.post(`/api/v1/rmas/${rma.body.id}/lines/1/inspect`, { disposition: 'RESTOCK', locationCode: dock.code }, 'operator')).body.status).toBe('INSPECTED');
    await t.settle();
    const all = (await t.getAll<{ id: string; sku: string; fromLocationId: string; open: number }>(`/api/v1/inventory/putaways?siteId=${w.siteId}&status=OPEN`))
      .filter((p) => p.sku === sku && p.fromLocationId === dock.id);
    expect(all.map((p) => p.open).sort()).toEqual([1, 2]);
    for (const p of all) {
      expect((await t.post(`/api/v1/inventory/putaways/${p.id}/confirm`, { locationCode: shelfOf(13).code }, 'operator')).body.status).toBe('COMPLETED');
    }
    await t.settle();
    expect(await atp(w.siteId, sku)).toBe(before + 3);
    expect((await t.post(`/api/v1/rmas/${rma.body.id}/close`, undefined, 'manager')).body.status).toBe('CLOSED');
    await expectLedgerConserved(t, w.siteId);
  });

  it('HOLD, QUARANTINE and DAMAGED units are each released back to AVAILABLE', async () => {
    const sku = w.products[11]!.sku;
    const shelf = shelfOf(11);
    const before = await atp(w.siteId, sku);
    for (const held of ['HOLD', 'QUARANTINE', 'DAMAGED'] as const) {
      const hold = await t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationCode: shelf.code, quantity: 2, status: held, reason: 'check' }, 'manager');
      expect(hold.status, JSON.stringify(hold.body)).toBe(201);
      expect(await atp(w.siteId, sku)).toBe(before - 2);
      const release = await t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationCode: shelf.code, quantity: 2, fromStatus: held, reason: 'fine' }, 'manager');
      expect(release.status, JSON.stringify(release.body)).toBe(201);
      expect(await atp(w.siteId, sku)).toBe(before);
    }
    await expectLedgerConserved(t, w.siteId);
  });
  it('a LOST LPN is found by a MOVE scan where it is: OPEN again there, its units promised again', async () => {
    const sku = w.products[11]!.sku;
    const before = await atp(w.siteId, sku);
    const pallet = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: shelfOf(11).id, contents: [{ sku, quantity: 3 }] }, 'operator');
    expect((await t.post(`/api/v1/lpns/${pallet.body.id}/lost`, { reason: 'not where it should be' }, 'manager')).body.status).toBe('LOST');
    await t.settle();
    expect(await atp(w.siteId, sku)).toBe(before - 3);
    const scan = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: pallet.body.code, meaning: 'MOVE', locationId: shelfOf(12).code }, 'operator');
    expect([scan.status, scan.body.scan.meaning, scan.body.lpn.status, scan.body.lpn.locationId]).toEqual([201, 'FOUND', 'OPEN', shelfOf(12).id]);
    await t.settle();
    expect(await atp(w.siteId, sku)).toBe(before);
    await expectLedgerConserved(t, w.siteId);
  });
  it('a STAGED LPN that will not ship is not stuck at the dock: a CLOSE scan makes it CLOSED where scanned, to be staged again', async () => {
    const sku = w.products[13]!.sku;
    const pallet = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: shelfOf(13).id, contents: [{ sku, quantity: 2 }] }, 'operator');
    expect(pallet.status, JSON.stringify(pallet.body)).toBe(201);
    expect((await t.post(`/api/v1/lpns/${pallet.body.id}/close`, {}, 'operator')).body.status).toBe('CLOSED');
    const staged = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: pallet.body.code, meaning: 'STAGE', locationId: shelfOf(14).code }, 'operator');
    expect([staged.status, staged.body.lpn?.status]).toEqual([201, 'STAGED']);
    const back = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: pallet.body.code, meaning: 'CLOSE', locationId: shelfOf(13).code }, 'operator');
    expect([back.status, back.body.lpn?.status, back.body.lpn?.locationId]).toEqual([201, 'CLOSED', shelfOf(13).id]);
    expect((await t.post('/api/v1/scans', { siteId: w.siteId, barcode: pallet.body.code, meaning: 'STAGE', locationId: shelfOf(14).code }, 'operator')).body.lpn?.status).toBe('STAGED');
    await t.settle();
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('units returned to stock at the receiving dock', () => {
  it('are not left there unpickable with no task: the return gets them a putaway and its PUTAWAY task, then they are promised again', async () => {
    const dock = (await t.getAll<{ id: string; code: string }>(`/api/v1/sites/${w.siteId}/locations?type=RECEIVING`))[0]!;
    const sku = w.products[5]!.sku;
    const { orderId } = await pickedOrder(sku);
    await cancel(orderId);
    const before = await atp(w.siteId, sku);
    const [ret] = (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${orderId}`)).body.items as { id: string }[];
    const res = await t.post(`/api/v1/inventory/returns/${ret!.id}/confirm`, { locationCode: dock.code, quantity: 1 }, 'operator');
    expect(res.body).toMatchObject({ status: 'OPEN', returned: 1 });
    expect((await t.post(`/api/v1/inventory/returns/${ret!.id}/confirm`, { locationCode: dock.code }, 'operator')).body).toMatchObject({ status: 'COMPLETED', returned: QTY });
    await t.settle();
    const open = (await t.getAll<{ id: string; sku: string; fromLocationId: string; open: number; stockStatus: string }>(`/api/v1/inventory/putaways?siteId=${w.siteId}&status=OPEN`))
      .filter((p) => p.sku === sku && p.fromLocationId === dock.id);
    expect(open.map((p) => [p.stockStatus, p.open]).sort()).toEqual([['AVAILABLE', 1], ['AVAILABLE', QTY - 1]]);
    for (const p of open) {
      expect((await tasksOf(w.siteId, 'PUTAWAY', p.id)).map((x) => x.status)).toEqual(['QUEUED']);
      expect((await t.post(`/api/v1/inventory/putaways/${p.id}/confirm`, { locationCode: shelfOf(5).code }, 'operator')).body.status).toBe('COMPLETED');
    }
    await t.settle();
    expect(await atp(w.siteId, sku)).toBe(before + QTY);
    await expectLedgerConserved(t, w.siteId);
  });
});
