/**
 * Waves and their orders changed at the same moment (the defect hunt of 2026-12-06): a PLANNED wave cancelled while
 * one of its orders is cancelled, re-planned afterwards. Each interleaving is forced with a session holding a row lock
 * until both sides wait, so it fails the same way every run. After each case: a cancelled order is in no pool and no
 * wave, nothing is allocated or reserved for it, its lines are never on the floor, and stock is conserved.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConserved } from '../support/conservation.ts';
import { createOrder, injectClient, packAndShip, receiveStock, setupWarehouse, until, untilPooled, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.admin);
  w = await setupWarehouse(call, { siteCode: 'WVRACE', aisles: 1, bays: 2, levels: 1, skus: 2 });
  await receiveStock(call, w, 40, 1);
}, 60_000);
afterAll(async () => t.close());

const status = async (id: string): Promise<string> => (await t.get(`/api/v1/orders/${id}`)).body.status as string;

async function allocatedOrder(quantity: number): Promise<string> {
  const o = await createOrder(call, w.siteId, { externalId: `WVR-${++seq}`, lines: [{ sku: w.products[0]!.sku, quantity }] });
  await until('allocated', () => status(o.id), (s) => s === 'ALLOCATED');
  return o.id;
}

/** How many sessions wait, directly or through another waiter, for the blocker `pid`. */
const waitersOf = async (pid: number): Promise<number> => Number((await t.app.db.query<{ n: string }>(
  `SELECT count(*) AS n FROM pg_stat_activity a WHERE $1 = ANY(pg_blocking_pids(a.pid)) OR EXISTS (
     SELECT 1 FROM pg_stat_activity b WHERE $1 = ANY(pg_blocking_pids(b.pid)) AND b.pid = ANY(pg_blocking_pids(a.pid)))`, [pid]))[0]!.n);

describe('a planned wave cancelled while one of its orders is cancelled', () => {
  it('the cancelled order does not go back to the pool with the wave\'s others: the next plan takes only them', async () => {
    const a = await allocatedOrder(2);
    const b = await allocatedOrder(3);
    await t.settle();
    await untilPooled(call, w.siteId, [a, b]);
    const plan = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(plan.status).toBe(201);
    expect([...plan.body.orderIds].sort()).toEqual([a, b].sort());
    const waveId = plan.body.id as string;
    await t.settle();

    // A session holds A's pool row: the wave's cancel waits for it with the wave's row locked (its orders let go).
    const blocker = new pg.Client({ connectionString: t.databaseUrl });
    await blocker.connect();
    let waveCancel: Promise<{ status: number; body: { status: string } }>;
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT order_id FROM waves.order_pool WHERE order_id = $1 FOR UPDATE', [a]);
      const [pid] = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows.map((r) => r.pid);
      waveCancel = t.post(`/api/v1/waves/${waveId}/cancel`);
      await until('the wave cancel waits', () => waitersOf(pid!), (n) => n >= 1, 10_000);
      // A is cancelled meanwhile: waves hears it while A is still in the (locked) wave.
      const cancelled = await t.post(`/api/v1/orders/${a}/cancel`, { reason: 'customer' });
      expect(cancelled.body.status).toBe('CANCELLED');
      await until('waves\' handler of the cancel waits for the wave', () => waitersOf(pid!), (n) => n >= 2, 10_000);
      await blocker.query('COMMIT');
    } finally {
      await blocker.end();
    }
    expect((await waveCancel).body.status).toBe('CANCELLED');
    await t.settle();

    expect(await t.app.db.query('SELECT order_id FROM waves.order_pool WHERE order_id = $1', [a])).toEqual([]);
    const pool = (await t.get(`/api/v1/waves/pool?siteId=${w.siteId}`)).body.items as { orderId: string }[];
    expect(pool.map((p) => p.orderId)).not.toContain(a);
    await until('B allocated again', () => status(b), (s) => s === 'ALLOCATED');
    await untilPooled(call, w.siteId, [b]);
    const again = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(again.status).toBe(201);
    expect(again.body.orderIds).toEqual([b]);
    expect((await t.post(`/api/v1/waves/${again.body.id}/release`)).status).toBe(200);
    await t.settle();
    expect((await t.get(`/api/v1/pick-lists?orderId=${a}`)).body.items).toEqual([]);
    expect(await status(a)).toBe('CANCELLED');
    const summary = await expectLedgerConserved(t, w.siteId);
    expect(summary.get(w.products[0]!.sku)).toMatchObject({ onHand: 40, reserved: 3 });
  }, 60_000);

  it('random: a planned wave cancelled while some of its orders are cancelled; none of those is pooled again, the others are', async () => {
    let seed = Number(process.env.PAKLOG_RACE_SEED ?? 20261206);
    const rng = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const later = <T>(ms: number, f: () => Promise<T>): Promise<T> => new Promise((resolve, fail) => { setTimeout(() => { f().then(resolve, fail); }, ms); });
    const before = (await expectLedgerConserved(t, w.siteId)).get(w.products[0]!.sku);
    for (let round = 0; round < 8; round++) {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push(await allocatedOrder(1));
      await t.settle();
      await untilPooled(call, w.siteId, ids);
      const plan = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
      expect([...plan.body.orderIds].sort()).toEqual([...ids].sort());
      const doomed = ids.filter(() => rng() < 0.5);
      const [waveCancel] = await Promise.all([
        later(Math.floor(rng() * 4), () => t.post(`/api/v1/waves/${plan.body.id}/cancel`)),
        ...doomed.map((id) => later(Math.floor(rng() * 4), async () => expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'race' })).body.status).toBe('CANCELLED'))),
      ]);
      // A wave whose every order was cancelled first is cancelled by itself: the planner's cancel then finds it so.
      expect([200, 409], JSON.stringify(waveCancel.body)).toContain(waveCancel.status);
      await t.settle();
      const what = `round ${round}, cancelled ${doomed.length} of 4`;
      expect((await t.get(`/api/v1/waves/${plan.body.id}`)).body.status, what).toBe('CANCELLED');
      const kept = ids.filter((id) => !doomed.includes(id));
      for (const id of kept) await until(`${what}: ${id} back in the pool`, () => status(id), (s) => s === 'ALLOCATED');
      for (const id of doomed) expect(await status(id), what).toBe('CANCELLED');
      const pool = (await t.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`)).body.items as { orderId: string }[];
      expect(pool.map((p) => p.orderId).sort(), what).toEqual([...kept].sort());
      expect(await t.app.db.query('SELECT order_id FROM waves.order_pool WHERE order_id = ANY($1::text[])', [doomed]), what).toEqual([]);
      // Clean for the next round: the kept orders cancelled too.
      for (const id of kept) expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'done' })).body.status).toBe('CANCELLED');
      await t.settle();
    }
    // Every order of the rounds ended cancelled: nothing more allocated or reserved than before them.
    const after = (await expectLedgerConserved(t, w.siteId)).get(w.products[0]!.sku);
    expect({ allocated: after?.allocated, reserved: after?.reserved }).toEqual({ allocated: before?.allocated, reserved: before?.reserved });
  }, 120_000);
});

describe('an order its release could not reserve (BACKORDERED, RESERVATION_SHORTAGE)', () => {
  it('is out of every wave, waiting for allocation: it can be held, released, and have a line cancelled, then ships the rest', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const balances = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${b}`)).body.items as { locationId: string; available: number }[];
    const shelf = balances.find((x) => !x.locationId.startsWith('IN_PROCESS:') && x.available > 0)!;
    const o = await createOrder(call, w.siteId, { externalId: `WVR-${++seq}`, lines: [{ sku: a, quantity: 1 }, { sku: b, quantity: 2 }] });
    await until('allocated', () => status(o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await untilPooled(call, w.siteId, [o.id]);
    const plan = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(plan.body.orderIds).toEqual([o.id]);
    expect((await t.post(`/api/v1/locations/${shelf.locationId}/block`, { reason: 'rack damaged' })).status).toBe(200);
    expect((await t.post(`/api/v1/waves/${plan.body.id}/release`)).status).toBe(200);
    await t.settle();
    const back = (await t.get(`/api/v1/orders/${o.id}`)).body as { status: string; lines: { id: string; sku: string }[] };
    expect(back.status).toBe('BACKORDERED');
    const [sentBack] = await t.app.db.query<{ reason: string }>(
      `SELECT envelope->'data'->>'reason' AS reason FROM platform.events WHERE type = 'orders.order.backordered.v1' AND subject = $1 ORDER BY seq DESC LIMIT 1`, [o.id]);
    expect(sentBack!.reason).toBe('RESERVATION_SHORTAGE');
    expect((await t.get(`/api/v1/waves/${plan.body.id}`)).body.status).toBe('COMPLETED');

    // A credit check holds it while it waits; released, it waits for allocation again.
    const held = await t.post(`/api/v1/orders/${o.id}/hold`, { reason: 'credit check' }, 'manager');
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body.status).toBe('ON_HOLD');
    await t.settle();
    const released = await t.post(`/api/v1/orders/${o.id}/release-hold`, {}, 'manager');
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body.status).toBe('BACKORDERED');
    await t.settle();
    // The customer drops the line the blocked rack holds: the rest is allocated, planned, picked and shipped.
    const lineB = back.lines.find((l) => l.sku === b)!;
    const cancelled = await t.post(`/api/v1/orders/${o.id}/lines/${lineB.id}/cancel`, { reason: 'customer' }, 'manager');
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await until('allocated without the line', () => status(o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await untilPooled(call, w.siteId, [o.id]);
    const again = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(again.body.orderIds).toEqual([o.id]);
    expect((await t.post(`/api/v1/waves/${again.body.id}/release`)).status).toBe(200);
    await t.settle();
    const [list] = (await t.get(`/api/v1/pick-lists?orderId=${o.id}`)).body.items as { id: string; lines: { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number }[] }[];
    expect(list!.lines.map((l) => [l.sku, l.quantity])).toEqual([[a, 1]]);
    const l = list!.lines[0]!;
    expect((await t.post(`/api/v1/pick-lists/${list!.id}/lines/${l.id}/confirm`, {
      locationCode: l.locationCode ?? l.locationId, barcode: l.expectedBarcode ?? l.sku, quantity: 1, toteId: `TOTE-${list!.id}`,
    }, 'operator')).status).toBe(200);
    await until('picked', () => status(o.id), (s) => s === 'PICKED');
    await packAndShip(call, o.id);
    await until('shipped', () => status(o.id), (s) => s === 'SHIPPED');
    expect((await t.post(`/api/v1/locations/${shelf.locationId}/unblock`)).status).toBe(200);
    const summary = await expectLedgerConserved(t, w.siteId);
    expect(summary.get(b)).toMatchObject({ allocated: 0, reserved: 0 });
  }, 60_000);
});

describe('news of a wave heard after the order left it and its lines changed', () => {
  it('a wave planned and cancelled before a line cancel, heard by orders only after it: the order is allocated anew and pooled, never ALLOCATED with nothing', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const o = await createOrder(call, w.siteId, { externalId: `WVR-${++seq}`, lines: [{ sku: a, quantity: 1 }, { sku: b, quantity: 2 }] });
    await until('allocated', () => status(o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await untilPooled(call, w.siteId, [o.id]);
    const lines = (await t.get(`/api/v1/orders/${o.id}`)).body.lines as { id: string; sku: string }[];
    // Orders' consumers wait (a session locks their inbox) while waves plans the order and cancels the wave, and the
    // customer cancels a line: the request decides on the order as orders last heard it (ALLOCATED) at waves' gate.
    const blocker = new pg.Client({ connectionString: t.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE orders.inbox IN EXCLUSIVE MODE');
      const plan = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
      expect(plan.body.orderIds).toEqual([o.id]);
      expect((await t.post(`/api/v1/waves/${plan.body.id}/cancel`)).status).toBe(200);
      const cancelled = await t.post(`/api/v1/orders/${o.id}/lines/${lines.find((l) => l.sku === b)!.id}/cancel`, { quantity: 1, reason: 'customer' }, 'manager');
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      await blocker.query('COMMIT');
    } finally {
      await blocker.end();
    }
    await t.settle();
    const now = await until('allocated anew', () => t.get(`/api/v1/orders/${o.id}`).then((r) => r.body as { status: string; lines: { sku: string; ordered: number; cancelled: number; allocated: number }[] }),
      (x) => x.status === 'ALLOCATED' && x.lines.every((l) => l.allocated === l.ordered - l.cancelled), 10_000);
    expect(now.lines.map((l) => [l.sku, l.allocated])).toEqual([[a, 1], [b, 1]]);
    await untilPooled(call, w.siteId, [o.id], 10_000);
    const again = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(again.body.orderIds).toEqual([o.id]);
    expect((await t.post(`/api/v1/waves/${again.body.id}/cancel`)).status).toBe(200);
    expect((await t.post(`/api/v1/orders/${o.id}/cancel`, { reason: 'done' })).body.status).toBe('CANCELLED');
    await expectLedgerConserved(t, w.siteId);
  }, 60_000);
});

describe('a cancel waves hears late', () => {
  it('an order cancelled, then planned and released with another before waves heard the cancel: nothing of it is picked, the wave completes', async () => {
    const gone = await allocatedOrder(1);
    const kept = await allocatedOrder(2);
    await t.settle();
    await untilPooled(call, w.siteId, [gone, kept]);
    const blocker = new pg.Client({ connectionString: t.databaseUrl });
    await blocker.connect();
    let waveId: string;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE waves.inbox IN EXCLUSIVE MODE');
      expect((await t.post(`/api/v1/orders/${gone}/cancel`, { reason: 'customer' })).body.status).toBe('CANCELLED');
      const plan = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
      expect([...plan.body.orderIds].sort()).toEqual([gone, kept].sort());
      waveId = plan.body.id as string;
      expect((await t.post(`/api/v1/waves/${waveId}/release`)).status).toBe(200);
      await blocker.query('COMMIT');
    } finally {
      await blocker.end();
    }
    await t.settle();
    for (const l of (await t.get(`/api/v1/pick-lists?orderId=${gone}`)).body.items as { status: string }[]) expect(l.status).toBe('CANCELLED');
    const [list] = (await t.get(`/api/v1/pick-lists?orderId=${kept}`)).body.items as { id: string; lines: { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; orderId: string }[] }[];
    for (const l of list!.lines.filter((x) => x.orderId === kept)) {
      expect((await t.post(`/api/v1/pick-lists/${list!.id}/lines/${l.id}/confirm`, {
        locationCode: l.locationCode ?? l.locationId, barcode: l.expectedBarcode ?? l.sku, quantity: l.quantity, toteId: `TOTE-${list!.id}`,
      }, 'operator')).status).toBe(200);
    }
    await until('kept picked', () => status(kept), (s) => s === 'PICKED');
    await until('wave completed', async () => (await t.get(`/api/v1/waves/${waveId}`)).body.status as string, (s) => s === 'COMPLETED');
    expect(await status(gone)).toBe('CANCELLED');
    await packAndShip(call, kept);
    await until('kept shipped', () => status(kept), (s) => s === 'SHIPPED');
    await expectLedgerConserved(t, w.siteId);
  }, 60_000);
});
