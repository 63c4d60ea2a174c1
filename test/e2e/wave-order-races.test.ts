/**
 * Waves and their orders changed at the same moment (the defect hunt of 2026-12-06): a PLANNED wave cancelled while
 * one of its orders is cancelled, re-planned afterwards. Each interleaving is forced with a session holding a row lock
 * until both sides wait, so it fails the same way every run. After each case: a cancelled order is in no pool and no
 * wave, nothing is allocated or reserved for it, its lines are never on the floor, and stock is conserved.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConserved } from '../support/conservation.ts';
import { createOrder, packAndShip, until, untilPooled, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startSiteApp } from '../support/site-app.ts';
import type { TestApp } from '../support/test-app.ts';
import type { OrderCommands } from '../../src/contracts/orders.ts';
import type { WavesApi } from '../../src/contracts/waves.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let seq = 0;

beforeAll(async () => {
  ({ t, call, w } = await startSiteApp({ siteCode: 'WVRACE', aisles: 1, bays: 2, levels: 1, skus: 2 }, { stock: { quantity: 40, locationsPerSku: 1 } }));
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
    // Out of its wave, but not let go by a wave's cancel: orders never unwaves it on waves' word (ADR 0052 addendum 2026-12-06).
    const wavesApi = t.app.modules.find((m) => m.name === 'waves')?.api as WavesApi;
    expect(await wavesApi.cancelledWith({ waveId: plan.body.id as string, orderId: o.id })).toBe(false);

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

describe('a hold, a line change or a line cancel sent right after its wave was cancelled, before orders heard the cancel', () => {
  interface OrderView { status: string; waveId: string | null; lines: { id: string; sku: string; ordered: number; cancelled: number; allocated: number }[] }
  const view = async (id: string): Promise<OrderView> => (await t.get(`/api/v1/orders/${id}`)).body as OrderView;
  const SHIP_TO = { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
  // A case that fails leaves its order behind: cancelled after each, so the next case plans its own order alone.
  const made: string[] = [];
  afterEach(async () => {
    await t.settle();
    for (const id of made.splice(0)) await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'clean-up' });
    await t.settle();
  });

  /**
   * An order (a×1, b×2) WAVED as orders heard it; then, orders' consumers held back (a session locks their inbox), its
   * wave is cancelled and `act` runs at once: orders still reads the order WAVED. The consumers go on after it.
   */
  async function rightAfterWaveCancel<T>(externalId: string, act: (o: OrderView & { id: string }) => Promise<T>): Promise<{ id: string; waveId: string; result: T }> {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const o = await createOrder(call, w.siteId, { externalId, lines: [{ sku: a, quantity: 1 }, { sku: b, quantity: 2 }] });
    made.push(o.id);
    await until('allocated', () => status(o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await untilPooled(call, w.siteId, [o.id]);
    const plan = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(plan.body.orderIds).toEqual([o.id]);
    const waved = await until('waved', () => view(o.id), (x) => x.status === 'WAVED');
    const blocker = new pg.Client({ connectionString: t.databaseUrl });
    await blocker.connect();
    let result: T;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE orders.inbox IN EXCLUSIVE MODE');
      expect((await t.post(`/api/v1/waves/${plan.body.id}/cancel`)).status).toBe(200);
      expect((await view(o.id)).status).toBe('WAVED');
      result = await act({ ...waved, id: o.id });
      await blocker.query('COMMIT');
    } finally {
      await blocker.end();
    }
    await t.settle();
    return { id: o.id, waveId: plan.body.id as string, result };
  }

  /** The order waits in the pool, allocated as its open units say, in no wave; then it is cancelled (clean-up). */
  async function expectPooledAllocated(id: string, allocated: readonly [string, number][]): Promise<void> {
    const now = await until('allocated anew', () => view(id),
      (x) => x.status === 'ALLOCATED' && x.lines.every((l) => l.allocated === l.ordered - l.cancelled), 10_000);
    expect(now.waveId).toBeNull();
    expect(now.lines.map((l) => [l.sku, l.allocated])).toEqual(allocated);
    await untilPooled(call, w.siteId, [id], 10_000);
    const row = await t.app.db.query<{ held_for: string | null; wave_id: string | null }>('SELECT held_for, wave_id FROM waves.order_pool WHERE order_id = $1', [id]);
    expect(row).toEqual([{ held_for: null, wave_id: null }]);
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'done' })).body.status).toBe('CANCELLED');
  }

  it('a hold: 200 ON_HOLD at once; once the events are heard it stays held out of planning, and released it is planned again', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const { id, waveId, result: held } = await rightAfterWaveCancel(`WVR-${++seq}`, async (o) => t.post(`/api/v1/orders/${o.id}/hold`, { reason: 'credit check' }, 'manager'));
    expect(await (t.app.modules.find((m) => m.name === 'waves')?.api as WavesApi).cancelledWith({ waveId, orderId: id })).toBe(true);
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body.status).toBe('ON_HOLD');
    const after = await view(id);
    expect([after.status, after.waveId]).toEqual(['ON_HOLD', null]);
    expect(after.lines.map((l) => [l.sku, l.allocated])).toEqual([[a, 1], [b, 2]]);
    expect((await t.app.db.query('SELECT 1 FROM waves.order_pool WHERE order_id = $1 AND held_for IS NOT NULL AND wave_id IS NULL', [id]))).toHaveLength(1);
    // Exactly one WAVED → ALLOCATED step, whoever took it first (the request or the wave's cancel event).
    const unwaved = await t.app.db.query(`SELECT 1 FROM platform.events WHERE type = 'orders.order.unwaved.v1' AND subject = $1`, [id]);
    expect(unwaved).toHaveLength(1);
    const released = await t.post(`/api/v1/orders/${id}/release-hold`, {}, 'manager');
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body.status).toBe('ALLOCATED');
    await t.settle();
    await expectPooledAllocated(id, [[a, 1], [b, 2]]);
    await expectLedgerConserved(t, w.siteId);
  }, 60_000);

  it('a line cancel: 200 at once; once the events are heard the order is allocated for what is left and pooled', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const { id, result: cancelled } = await rightAfterWaveCancel(`WVR-${++seq}`, async (o) =>
      t.post(`/api/v1/orders/${o.id}/lines/${o.lines.find((l) => l.sku === b)!.id}/cancel`, { quantity: 1, reason: 'customer' }, 'manager'));
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await expectPooledAllocated(id, [[a, 1], [b, 1]]);
    await expectLedgerConserved(t, w.siteId);
  }, 60_000);

  it('a line change (the order sent again with other lines): applied at once; once the events are heard the new lines are allocated and pooled', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const orders = (t.app.modules.find((m) => m.name === 'orders') as unknown as { commands: OrderCommands }).commands;
    const externalId = `WVR-${++seq}`;
    const { id, result: changed } = await rightAfterWaveCancel(externalId, async () =>
      orders.update({ externalId, siteId: w.siteId, carrier: 'OWN_FLEET', shipTo: SHIP_TO, lines: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }] }, {}));
    expect(changed).toMatchObject({ ok: true, value: { changed: true } });
    await expectPooledAllocated(id, [[a, 2], [b, 1]]);
    await expectLedgerConserved(t, w.siteId);
  }, 60_000);
});
