/**
 * Cancels at moments the other cancel suites leave out (hunt of 2026-12-07): a pick tote closed and carried away
 * before the cancel, a tote put into a cart before the cancel, an order delivered, an order packed after a unit was
 * shorted at the pack bench, and an order its release could not reserve. After each: the order holds nothing, its
 * units come back by the returns, the ledger is the balances and the LPNs agree with inventory. Then cancels racing the
 * claim of the PICK task, a hold's release, the wave's cancel, the manifest close and the tote close; and a cancel
 * landing between a hold's (or a storefront line change's) gate at waves and its apply: the hold or change must be
 * answered as it went (applied, or refused ORDER_CANCELLED), never 200 for one dropped (ADR 0052, 0046 addenda 2026-12-07).
 */
import { createHmac } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackShipApi } from '../../src/contracts/pack-ship.ts';
import type { WavesApi } from '../../src/contracts/waves.ts';
import { createOrder, receiveStock, setupWarehouse, until, type Call, type Warehouse, injectClient } from '../support/flow-driver.ts';
import { expectLedgerConserved } from '../support/conservation.ts';
import { gqlClient } from '../support/graphql-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let seq = 0;
const SHOP = 'cancel-moments.myshopify.com';
const SECRET = 'cancel-moments-secret';

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.admin);
  w = await setupWarehouse(call, { siteCode: 'CMMX', aisles: 2, bays: 4, levels: 2, skus: 6 });
  await receiveStock(call, w, 100, 1);
  expect((await t.post('/api/v1/integrations/storefront-channels', { shopDomain: SHOP, siteId: 'CMMX', secret: SECRET }, 'integration')).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await t.close();
});

interface PickLine { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; picked: number; status: string }
interface PickList { id: string; status: string; lines: PickLine[] }

const status = async (orderId: string): Promise<string> => (await t.get(`/api/v1/orders/${orderId}`)).body.status;

async function newOrder(lines: { sku: string; quantity: number }[]): Promise<string> {
  const o = await createOrder(call, w.siteId, { externalId: `CMM-${++seq}`, lines });
  await until('allocated', () => status(o.id), (s) => s === 'ALLOCATED');
  await t.settle();
  return o.id;
}

async function releaseAlone(orderId: string): Promise<PickList> {
  await t.settle();
  const wave = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 100 });
  expect(wave.status).toBe(201);
  expect(wave.body.orderIds).toEqual([orderId]);
  expect((await t.post(`/api/v1/waves/${wave.body.id}/release`)).status).toBe(200);
  await t.settle();
  const items = (await t.get(`/api/v1/pick-lists?orderId=${orderId}`)).body.items as PickList[];
  expect(items).toHaveLength(1);
  return items[0]!;
}

/** Claims the list's task as `worker`, starts it, picks every line into `tote`. */
async function pickAll(list: PickList, worker: string, tote: string): Promise<void> {
  const task = (await t.post('/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] })).body as { id: string; reference: string };
  expect(task.reference).toBe(list.id);
  expect((await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: worker })).status).toBe(200);
  for (const line of list.lines) {
    const res = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity, toteId: tote,
    });
    expect(res.status).toBe(200);
  }
  await t.settle();
}

const lpnByCode = async (code: string) =>
  (await t.getAll<{ id: string; code: string; status: string; locationId: string | null; parentId: string | null; contents: { sku: string; quantity: number }[] }>(
    `/api/v1/lpns?siteId=${w.siteId}`)).find((l) => l.code === code);

async function cancel(orderId: string): Promise<{ status: number; code?: string; orderStatus?: string }> {
  const res = await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'moment' }, 'manager');
  return { status: res.status, ...(res.status === 200 ? { orderStatus: res.body.status } : { code: res.body.code }) };
}

const openReturns = async (orderId: string) =>
  ((await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${orderId}`)).body.items as { id: string; status: string; sku: string; quantity: number; returned: number; suggestedLocationId: string }[])
    .filter((r) => r.status === 'OPEN');

async function holdsNothing(orderId: string): Promise<void> {
  await t.settle();
  const [row] = await t.app.db.query<Record<string, number>>(`
    SELECT (SELECT COALESCE(sum(allocated), 0) FROM inventory.allocations WHERE order_id = $1 AND status = 'ALLOCATED')::int AS allocated,
           (SELECT count(*) FROM inventory.reservations WHERE order_id = $1 AND status = 'OPEN')::int AS reservations,
           (SELECT count(*) FROM pack_ship.packages WHERE order_id = $1 AND status <> 'CANCELLED')::int AS packages,
           (SELECT count(*) FROM pack_ship.shipments WHERE order_id = $1 AND status <> 'CANCELLED')::int AS shipments,
           (SELECT count(*) FROM picking.pick_lists WHERE $1 = ANY(order_ids) AND status IN ('CREATED', 'IN_PROGRESS'))::int AS open_lists,
           (SELECT count(*) FROM tasks.tasks WHERE status NOT IN ('COMPLETED', 'CANCELLED') AND type <> 'MOVE'
              AND (reference = $1 OR reference IN (SELECT id FROM picking.pick_lists WHERE $1 = ANY(order_ids))))::int AS open_tasks,
           (SELECT count(*) FROM platform.dead_letters)::int AS dead_letters`, [orderId]);
  expect({ orderId, status: await status(orderId), ...row }).toEqual({
    orderId, status: 'CANCELLED', allocated: 0, reservations: 0, packages: 0, shipments: 0, open_lists: 0, open_tasks: 0, dead_letters: 0,
  });
}

/** Every open return put back where it suggests; the order's in-process stock is then 0, the ledger the balances, the LPNs inventory's. */
async function returnAllAndCheck(orderId: string, expectedUnits: number): Promise<void> {
  const rets = await openReturns(orderId);
  expect(rets.reduce((n, r) => n + r.quantity - r.returned, 0)).toBe(expectedUnits);
  for (const r of rets) {
    const res = await t.post(`/api/v1/inventory/returns/${r.id}/confirm`, { locationId: r.suggestedLocationId }, 'operator');
    expect({ id: r.id, status: res.status, body: res.body.status ?? res.body }).toEqual({ id: r.id, status: 200, body: 'COMPLETED' });
  }
  await t.settle();
  const [left] = await t.app.db.query<{ n: number }>(`SELECT COALESCE(sum(on_hand), 0)::int AS n FROM inventory.balances WHERE location_id = 'IN_PROCESS:' || $1`, [orderId]);
  expect(left!.n).toBe(0);
  await expectLedgerConserved(t, w.siteId);
  // Stock received loose (no LPN) differs everywhere by design: only the order's in-process stock and the LPNs that held it.
  const diffs = ((await t.get(`/api/v1/physical-tracking/reconciliation?siteId=${w.siteId}`)).body.differences as { locationId: string; kind: string; lpnIds: string[] }[])
    .filter((d) => d.locationId.startsWith('IN_PROCESS:') || d.kind !== 'LOGICAL_ONLY' || d.lpnIds.length > 0);
  expect(diffs).toEqual([]);
}

describe('a cancel at moments the other suites leave out', () => {
  it('PICKED, its tote closed and carried to a pack station: the return takes the units out of the tote, the LPNs agree', async () => {
    const sku = w.products[0]!.sku;
    const orderId = await newOrder([{ sku, quantity: 3 }]);
    const list = await releaseAlone(orderId);
    await pickAll(list, 'cmm-picker-1', 'TOTE-CMM-1');
    await until('picked', () => status(orderId), (s) => s === 'PICKED');
    const tote = (await lpnByCode('TOTE-CMM-1'))!;
    expect((await t.post(`/api/v1/lpns/${tote.id}/close`, { workerId: 'cmm-picker-1' })).status).toBe(200);
    const packStation = (await t.get(`/api/v1/sites/${w.siteId}/locations?type=PACK_STATION`)).body.items[0] as { id: string };
    expect((await t.post(`/api/v1/lpns/${tote.id}/move`, { locationId: packStation.id, workerId: 'cmm-picker-1' })).status).toBe(200);
    expect(await cancel(orderId)).toEqual({ status: 200, orderStatus: 'CANCELLED' });
    await holdsNothing(orderId);
    await returnAllAndCheck(orderId, 3);
    const after = (await lpnByCode('TOTE-CMM-1'))!;
    expect(after.contents.reduce((n, c) => n + c.quantity, 0)).toBe(0);
  });

  it('DELIVERED: cancel (REST, GraphQL), hold, line cancel and a line change are refused as shipped, and change nothing', async () => {
    const sku = w.products[1]!.sku;
    const orderId = await newOrder([{ sku, quantity: 1 }]);
    const list = await releaseAlone(orderId);
    await pickAll(list, 'cmm-picker-2', 'TOTE-CMM-2');
    await until('picked', () => status(orderId), (s) => s === 'PICKED');
    expect((await t.post('/api/v1/packages', { orderId })).status).toBe(201);
    const shipment = await t.post('/api/v1/shipments', { orderId });
    expect(shipment.status).toBe(201);
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`)).status).toBe(200);
    await until('shipped', () => status(orderId), (s) => s === 'SHIPPED');
    const delivered = await t.post('/api/v1/carrier-events', { carrier: 'OWN_FLEET', trackingNumber: shipment.body.trackingNumber, status: 'DELIVERED', at: new Date().toISOString() }, 'integration');
    expect(delivered.status).toBeLessThan(300);
    await until('delivered', () => status(orderId), (s) => s === 'DELIVERED');
    const before = (await t.get(`/api/v1/orders/${orderId}`)).body;
    expect(await cancel(orderId)).toEqual({ status: 409, code: 'ORDER_SHIPPED' });
    const gql = gqlClient(t.app, t.keys.manager);
    const answer = await gql('mutation($id: ID!) { cancelOrder(id: $id, reason: "late") { __typename ... on BusinessError { code } } }', { id: orderId });
    expect(answer.data.cancelOrder).toEqual({ __typename: 'Conflict', code: 'ORDER_SHIPPED' });
    const hold = await t.post(`/api/v1/orders/${orderId}/hold`, { reason: 'late' }, 'manager');
    expect([hold.status, hold.body.code]).toEqual([409, 'ORDER_SHIPPED']);
    const line = await t.post(`/api/v1/orders/${orderId}/lines/${before.lines[0].id}/cancel`, {}, 'manager');
    expect([line.status, line.body.code]).toEqual([409, 'ORDER_SHIPPED']);
    const change = await t.post('/api/v1/orders', {
      externalId: before.externalId, siteId: w.siteId, carrier: 'OWN_FLEET',
      shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' }, lines: [{ sku, quantity: 2 }],
    });
    expect(change.status).toBe(409);
    await t.settle();
    const after = (await t.get(`/api/v1/orders/${orderId}`)).body;
    expect({ status: after.status, version: after.version, lines: after.lines }).toEqual({ status: 'DELIVERED', version: before.version, lines: before.lines });
  });

  it('PACKED after a unit was shorted at the pack bench: the cancel returns the units packed, not the one written off', async () => {
    const sku = w.products[2]!.sku;
    const orderId = await newOrder([{ sku, quantity: 3 }]);
    const list = await releaseAlone(orderId);
    await pickAll(list, 'cmm-picker-3', 'TOTE-CMM-3');
    await until('picked', () => status(orderId), (s) => s === 'PICKED');
    const lineId = (await t.get(`/api/v1/orders/${orderId}`)).body.lines[0].id as string;
    const short = await t.post('/api/v1/pack-station/shorts', { orderId, lineId, quantity: 1, reason: 'MISSING', toteId: 'TOTE-CMM-3' }, 'operator');
    expect(short.status).toBeLessThan(300);
    await t.settle();
    expect((await t.post('/api/v1/packages', { orderId })).status).toBe(201);
    await until('packed', () => status(orderId), (s) => s === 'PACKED');
    expect(await cancel(orderId)).toEqual({ status: 200, orderStatus: 'CANCELLED' });
    await holdsNothing(orderId);
    await returnAllAndCheck(orderId, 2);
  });

  it('sent back from its wave (its release could not reserve it): held, released, a line cancelled, then cancelled, holding nothing', async () => {
    const [a, b] = [w.products[3]!.sku, w.products[4]!.sku];
    const orderId = await newOrder([{ sku: a, quantity: 1 }, { sku: b, quantity: 1 }]);
    // The location of a blocked after allocation: the release cannot reserve the order.
    const bal = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${a}`)).body.items as { locationId: string }[];
    const loc = bal[0]!.locationId;
    expect((await t.post(`/api/v1/locations/${loc}/block`, { reason: 'cmm' }, 'manager')).status).toBe(200);
    await t.settle();
    const wave = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 100 });
    expect(wave.status).toBe(201);
    expect((await t.post(`/api/v1/waves/${wave.body.id}/release`)).status).toBe(200);
    await until('backordered', () => status(orderId), (s) => s === 'BACKORDERED');
    await t.settle();
    const hold = await t.post(`/api/v1/orders/${orderId}/hold`, { reason: 'address check' }, 'manager');
    expect([hold.status, hold.body.status]).toEqual([200, 'ON_HOLD']);
    const rel = await t.post(`/api/v1/orders/${orderId}/release-hold`, {}, 'manager');
    expect(rel.status).toBe(200);
    await t.settle();
    const lines = (await t.get(`/api/v1/orders/${orderId}`)).body.lines as { id: string; sku: string }[];
    const lineB = lines.find((l) => l.sku === b)!.id;
    const lc = await t.post(`/api/v1/orders/${orderId}/lines/${lineB}/cancel`, {}, 'manager');
    expect(lc.status).toBe(200);
    await t.settle();
    expect(await cancel(orderId)).toEqual({ status: 200, orderStatus: 'CANCELLED' });
    await holdsNothing(orderId);
    expect((await t.post(`/api/v1/locations/${loc}/unblock`, {}, 'manager')).status).toBe(200);
    await t.settle();
    await expectLedgerConserved(t, w.siteId);
  });
});

const ROUNDS = 6;
const jitter = (k: number): Promise<void> => new Promise((r) => setTimeout(r, (k % 3) * 4));

describe('a cancel racing the steps the other race suites leave out', () => {
  it(`the claim of the order's PICK task (${ROUNDS} rounds): the claim answers a task or none, the cancelled order leaves no live task with anyone`, async () => {
    const sku = w.products[5]!.sku;
    for (let k = 0; k < ROUNDS; k++) {
      const orderId = await newOrder([{ sku, quantity: 1 }]);
      const list = await releaseAlone(orderId);
      const worker = `cmm-claim-${k}`;
      const [claim, cancelled] = await Promise.all([
        jitter(k).then(() => t.post('/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] })),
        jitter(k + 1).then(() => cancel(orderId)),
      ]);
      expect(cancelled).toEqual({ status: 200, orderStatus: 'CANCELLED' });
      expect([200, 204]).toContain(claim.status);
      if (claim.status === 200) {
        expect(claim.body.reference).toBe(list.id);
        // Started before tasks heard of the withdrawn list (the cancel answered first), or refused once it has.
        const start = await t.post(`/api/v1/tasks/${claim.body.id}/start`, { workerId: worker });
        expect([200, 409]).toContain(start.status);
      }
      await holdsNothing(orderId);
      const held = await t.app.db.query<{ id: string }>(`SELECT id FROM tasks.tasks WHERE worker_id = $1 AND status IN ('ASSIGNED', 'IN_PROGRESS', 'PAUSED')`, [worker]);
      expect(held).toEqual([]);
    }
  });

  it(`the release of its hold (${ROUNDS} rounds): the order ends CANCELLED, in no wave and no pool, holding nothing`, async () => {
    const sku = w.products[5]!.sku;
    for (let k = 0; k < ROUNDS; k++) {
      const orderId = await newOrder([{ sku, quantity: 1 }]);
      expect((await t.post(`/api/v1/orders/${orderId}/hold`, { reason: 'check' }, 'manager')).status).toBe(200);
      await t.settle();
      const [rel, cancelled] = await Promise.all([
        jitter(k).then(() => t.post(`/api/v1/orders/${orderId}/release-hold`, {}, 'manager')),
        jitter(k + 1).then(() => cancel(orderId)),
      ]);
      expect(cancelled).toEqual({ status: 200, orderStatus: 'CANCELLED' });
      expect(rel.status === 200 || (rel.status === 409 && ['ORDER_CANCELLED', 'ORDER_NOT_ON_HOLD'].includes(rel.body.code))).toBe(true);
      await holdsNothing(orderId);
      const pool = (await t.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`)).body.items as { orderId: string }[];
      expect(pool.map((p) => p.orderId)).not.toContain(orderId);
    }
  });

  it(`the cancel of its wave (${ROUNDS} rounds): the order ends CANCELLED and out of the pool, the wave CANCELLED`, async () => {
    const sku = w.products[5]!.sku;
    for (let k = 0; k < ROUNDS; k++) {
      const orderId = await newOrder([{ sku, quantity: 1 }]);
      const wave = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 100 });
      expect(wave.body.orderIds).toEqual([orderId]);
      await t.settle();
      const [wc, cancelled] = await Promise.all([
        jitter(k).then(() => t.post(`/api/v1/waves/${wave.body.id}/cancel`, {}, 'manager')),
        jitter(k + 1).then(() => cancel(orderId)),
      ]);
      expect(cancelled).toEqual({ status: 200, orderStatus: 'CANCELLED' });
      expect(wc.status === 200 || wc.status === 409).toBe(true);
      await holdsNothing(orderId);
      expect((await t.get(`/api/v1/waves/${wave.body.id}`)).body.status).toBe('CANCELLED');
      const pool = (await t.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`)).body.items as { orderId: string }[];
      expect(pool.map((p) => p.orderId)).not.toContain(orderId);
    }
  });

  it(`the close of the day's manifest (${ROUNDS} rounds): a shipment handed over is listed withdrawn, none is dispatched`, async () => {
    const sku = w.products[5]!.sku;
    for (let k = 0; k < ROUNDS; k++) {
      const orderId = await newOrder([{ sku, quantity: 1 }]);
      const list = await releaseAlone(orderId);
      await pickAll(list, `cmm-mf-${k}`, `TOTE-CMM-MF-${k}`);
      await until('picked', () => status(orderId), (s) => s === 'PICKED');
      expect((await t.post('/api/v1/packages', { orderId })).status).toBe(201);
      const shipment = await t.post('/api/v1/shipments', { orderId });
      expect(shipment.status).toBe(201);
      const [mf, cancelled] = await Promise.all([
        jitter(k).then(() => t.post('/api/v1/manifests', { siteId: w.siteId, carrier: 'OWN_FLEET' })),
        jitter(k + 1).then(() => cancel(orderId)),
      ]);
      expect(cancelled).toEqual({ status: 200, orderStatus: 'CANCELLED' });
      if (mf.status === 201) {
        const m = (await t.get(`/api/v1/manifests/${mf.body.id}`)).body;
        const listed = (m.data.shipments as { shipmentId: string }[]).map((x) => x.shipmentId);
        if (listed.includes(shipment.body.id)) expect((m.withdrawn as { shipmentId: string }[]).map((x) => x.shipmentId)).toContain(shipment.body.id);
      } else {
        expect([mf.status, mf.body.code]).toEqual([409, 'NOTHING_TO_MANIFEST']);
      }
      expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`)).status).toBe(409);
      await holdsNothing(orderId);
      await returnAllAndCheck(orderId, 1);
    }
  });

  it(`the close of its pick tote (${ROUNDS} rounds): the units go back by the return, the tote ends empty`, async () => {
    const sku = w.products[5]!.sku;
    for (let k = 0; k < ROUNDS; k++) {
      const orderId = await newOrder([{ sku, quantity: 2 }]);
      const list = await releaseAlone(orderId);
      const code = `TOTE-CMM-TC-${k}`;
      await pickAll(list, `cmm-tc-${k}`, code);
      const tote = (await lpnByCode(code))!;
      const [closed, cancelled] = await Promise.all([
        jitter(k).then(() => t.post(`/api/v1/lpns/${tote.id}/close`, { workerId: `cmm-tc-${k}` })),
        jitter(k + 1).then(() => cancel(orderId)),
      ]);
      expect(cancelled).toEqual({ status: 200, orderStatus: 'CANCELLED' });
      expect([200, 403, 409]).toContain(closed.status);
      await holdsNothing(orderId);
      await returnAllAndCheck(orderId, 2);
      expect((await lpnByCode(code))!.contents.reduce((n, c) => n + c.quantity, 0)).toBe(0);
    }
  });
});

/**
 * Runs `request` with its order cancelled between the request's decision and its waves gate: waves' holdForChange, when
 * the request asks it, sends the cancel first (waiting for it 1.5 s at most: it may have to wait for the request), then
 * answers, then waits until the request's pending row in `pending` is taken or invisible to others (5 s at most).
 */
async function cancelledAtTheGate<T>(orderId: string, pending: 'pending_holds' | 'pending_changes', request: () => Promise<T>): Promise<{
  answer: T; cancelled: { status: number; code?: string; orderStatus?: string } | undefined;
}> {
  const wavesApi = t.app.modules.find((m) => m.name === 'waves')?.api as WavesApi;
  const real = { ...wavesApi };
  const outside = new pg.Client({ connectionString: t.databaseUrl });
  await outside.connect();
  let cancelling: Promise<{ status: number; code?: string; orderStatus?: string }> | undefined;
  wavesApi.holdForChange = async (input, meta) => {
    cancelling = cancel(orderId);
    await until('cancelled', () => outside.query('SELECT status FROM orders.orders WHERE id = $1', [orderId]).then((r) => r.rows[0]?.status as string),
      (s) => s === 'CANCELLED', 1_500).catch(() => undefined);
    const answer = await real.holdForChange(input, meta);
    await until(`the ${pending} row taken or invisible`, async () => (await outside.query(`SELECT 1 FROM orders.${pending} WHERE order_id = $1`, [orderId])).rowCount,
      (n) => n === 0, 5_000);
    return answer;
  };
  try {
    const answer = await request();
    return { answer, cancelled: await cancelling };
  } finally {
    Object.assign(wavesApi, real);
    await outside.end();
  }
}

describe('a hold whose order is cancelled while waves holds it out of planning', () => {
  // The hold was recorded pending, then the order was cancelled, and orders heard waves.order.held before the request
  // applied its hold: the handler dropped the hold (the order is cancelled), and the request, finding no pending hold,
  // answered 200 for a hold that never was (no orders.order.held, the order CANCELLED). It failed before: 200.
  it('is answered 200 ON_HOLD only for a hold made (then cancelled), else 409 ORDER_CANCELLED', async () => {
    const orderId = await newOrder([{ sku: w.products[5]!.sku, quantity: 1 }]);
    await until('pooled', async () => ((await t.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`)).body.items as { orderId: string }[]).map((p) => p.orderId),
      (ids) => ids.includes(orderId));
    const { answer: hold, cancelled } = await cancelledAtTheGate(orderId, 'pending_holds',
      () => t.post(`/api/v1/orders/${orderId}/hold`, { reason: 'address check' }, 'manager'));
    expect(cancelled).toEqual({ status: 200, orderStatus: 'CANCELLED' });
    await t.settle();
    const [held] = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE type = 'orders.order.held.v1' AND subject = $1`, [orderId]);
    if (hold.status === 200) {
      expect({ status: hold.body.status, held: held!.n }).toEqual({ status: 'ON_HOLD', held: 1 });
    } else {
      expect({ status: hold.status, code: hold.body.code, held: held!.n }).toEqual({ status: 409, code: 'ORDER_CANCELLED', held: 0 });
    }
    await holdsNothing(orderId);
    const pool = (await t.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`)).body.items as { orderId: string }[];
    expect(pool.map((p) => p.orderId)).not.toContain(orderId);
  }, 60_000);
});

async function storefront(topic: string, id: number, quantity: number, webhookId: string) {
  const raw = JSON.stringify({
    id, name: `#${id}`, email: 'grace@example.com',
    line_items: [{ sku: w.products[5]!.sku, quantity, requires_shipping: true }],
    shipping_address: { name: 'Grace Hopper', address1: '1 Main Street', city: 'Arlington', zip: '22201', country_code: 'US' },
  });
  const res = await t.app.http.inject({
    method: 'POST', url: '/api/v1/integrations/storefront/orders', payload: raw,
    headers: {
      'content-type': 'application/json', 'x-shopify-shop-domain': SHOP, 'x-shopify-topic': topic, 'x-shopify-webhook-id': webhookId,
      'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(raw).digest('base64'),
    },
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as { orderId: string; code?: string; status?: string; refused?: { code: string } } };
}

describe('a line change whose order is cancelled while waves holds it out of planning', () => {
  // The storefront's orders/updated (new lines) was recorded pending, then the order was cancelled, and orders heard
  // waves.order.held before the request applied the change: the handler dropped it, and the request, finding no
  // pending change, answered the shop 200 as changed (no `refused`, no STOREFRONT_CHANGE_REFUSED): a change that never
  // was. It failed before: no `refused`.
  it('is acknowledged refused ORDER_CANCELLED, or applied before the cancel: never 200 as changed for a change dropped', async () => {
    const created = await storefront('orders/create', 9101, 1, 'cmm-c-9101');
    expect(created.status).toBe(201);
    const orderId = created.body.orderId;
    await until('allocated', () => status(orderId), (s) => s === 'ALLOCATED');
    await until('pooled', async () => ((await t.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`)).body.items as { orderId: string }[]).map((p) => p.orderId),
      (ids) => ids.includes(orderId));
    const { answer: updated, cancelled } = await cancelledAtTheGate(orderId, 'pending_changes', () => storefront('orders/updated', 9101, 3, 'cmm-u-9101'));
    expect(cancelled).toEqual({ status: 200, orderStatus: 'CANCELLED' });
    await t.settle();
    expect(updated.status).toBe(200);
    const [changed] = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE type = 'orders.order.lines-changed.v1' AND subject = $1`, [orderId]);
    if (updated.body.refused === undefined) {
      // Applied, then cancelled: the order's lines are the new ones.
      expect({ changed: changed!.n, ordered: (await t.get(`/api/v1/orders/${orderId}`)).body.lines[0].ordered }).toEqual({ changed: 1, ordered: 3 });
    } else {
      expect({ refused: updated.body.refused.code, changed: changed!.n }).toEqual({ refused: 'ORDER_CANCELLED', changed: 0 });
    }
    await holdsNothing(orderId);
  }, 60_000);
});

describe('holds and storefront line changes racing a cancel (no hook)', () => {
  it(`${ROUNDS * 2} rounds: a 200 hold or change was made (its event is there), a refusal says ORDER_CANCELLED and made nothing`, async () => {
    for (let k = 0; k < ROUNDS * 2; k++) {
      const byHold = k % 2 === 0;
      const created = await storefront('orders/create', 9200 + k, 1, `cmm-c-${9200 + k}`);
      expect(created.status).toBe(201);
      const orderId = created.body.orderId;
      await until('allocated', () => status(orderId), (s) => s === 'ALLOCATED');
      await t.settle();
      const [step, cancelled] = await Promise.all([
        jitter(k).then(async () => {
          if (byHold) {
            const res = await t.post(`/api/v1/orders/${orderId}/hold`, { reason: 'race' }, 'manager');
            return { made: res.status === 200, code: res.status === 200 ? undefined : res.body.code as string };
          }
          const res = await storefront('orders/updated', 9200 + k, 2, `cmm-u-${9200 + k}`);
          expect(res.status).toBe(200);
          return { made: res.body.refused === undefined, code: res.body.refused?.code };
        }),
        jitter(k + 1).then(() => cancel(orderId)),
      ]);
      expect(cancelled).toEqual({ status: 200, orderStatus: 'CANCELLED' });
      await t.settle();
      const type = byHold ? 'orders.order.held.v1' : 'orders.order.lines-changed.v1';
      const [events] = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE type = $2 AND subject = $1`, [orderId, type]);
      expect({ k, byHold, ...step, events: events!.n }).toEqual({ k, byHold, made: step.made, code: step.made ? undefined : 'ORDER_CANCELLED', events: step.made ? 1 : 0 });
      await holdsNothing(orderId);
    }
  }, 120_000);
});

describe('a cancel with If-Match (no Idempotency-Key) and a line change between its version check and its stop', () => {
  // The cancel checked the order's version under its row lock, let the lock go, then asked pack & ship to stop shipping:
  // a storefront line change committed in between, and the cancel still went through — 200 for a version the client
  // had not seen (with an Idempotency-Key the unit of work kept the lock, and the change waited). It failed before: 200.
  it('is 412 VERSION_MISMATCH when the change came first, else the change waits for the decided cancel', async () => {
    const created = await storefront('orders/create', 9301, 1, 'cmm-c-9301');
    expect(created.status).toBe(201);
    const orderId = created.body.orderId;
    await until('allocated', () => status(orderId), (s) => s === 'ALLOCATED');
    await until('pooled', async () => ((await t.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`)).body.items as { orderId: string }[]).map((p) => p.orderId),
      (ids) => ids.includes(orderId));
    await t.settle();
    const seen = await t.get(`/api/v1/orders/${orderId}`);
    const packShipApi = t.app.modules.find((m) => m.name === 'pack-ship')?.api as PackShipApi;
    const real = { ...packShipApi };
    // The change is a request of its own, sent by a timer of the test's (not in the cancel's async context and its
    // transaction), once the stop is asked.
    let asked = false;
    // Wrapped: a promise resolved with a promise would wait for it (the change, which may wait for the cancel).
    let resolveChanging = (_: { p: Promise<Awaited<ReturnType<typeof storefront>>> }): void => undefined;
    const changingSent = new Promise<{ p: Promise<Awaited<ReturnType<typeof storefront>>> }>((r) => { resolveChanging = r; });
    const timer = setInterval(() => {
      if (!asked) return;
      clearInterval(timer);
      resolveChanging({ p: storefront('orders/updated', 9301, 2, 'cmm-u-9301') });
    }, 2);
    let changedBeforeStop = false;
    packShipApi.stopShipping = async (input, meta) => {
      asked = true;
      const changing = (await changingSent).p;
      // The change runs now, unless it has to wait for the cancel (1.5 s at most).
      changedBeforeStop = await Promise.race([changing.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1_500))]);
      return real.stopShipping(input, meta);
    };
    let res: { status: number; body: { status?: string; code?: string } };
    try {
      res = await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'if-match' }, 'manager', { 'if-match': seen.headers.etag as string });
    } finally {
      Object.assign(packShipApi, real);
      clearInterval(timer);
    }
    const changed = await (await changingSent).p;
    expect(changed.status).toBe(200);
    await t.settle();
    const now = (await t.get(`/api/v1/orders/${orderId}`)).body as { status: string; lines: { ordered: number }[] };
    if (changedBeforeStop) {
      expect({ cancel: [res.status, res.body.code], status: now.status, ordered: now.lines[0]!.ordered, refused: changed.body.refused })
        .toEqual({ cancel: [412, 'VERSION_MISMATCH'], status: 'ALLOCATED', ordered: 2, refused: undefined });
      expect((await cancel(orderId)).status).toBe(200);
    } else {
      expect([res.status, res.body.status]).toEqual([200, 'CANCELLED']);
    }
    await holdsNothing(orderId);
  }, 60_000);
});

