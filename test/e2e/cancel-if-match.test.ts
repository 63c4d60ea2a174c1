/**
 * A cancel with If-Match is decided in two phases (ADR 0011, addendum 2026-12-07 quater). Before, `POST
 * /orders/{id}/cancel` compared If-Match with a read of the order taken before pack & ship was asked to stop shipping:
 * a change of the order between that read and the stop (here a reprioritise) still cancelled it — its package voided,
 * its shipping stopped, 200 for a version the client had not seen. Now pack & ship records the stop pending under its
 * order lock, orders checks the version again under its row lock, and the stop is decided or dropped: the stale cancel is
 * 412 with nothing voided or stopped. A pending stop is a lease: one a cancel left behind (its process stopped between
 * the phases) holds packs, bookings and dock scans back (409 ORDER_CANCELLING) for seconds only.
 *
 * The race is made deterministic as in order-line-cancel.test.ts: a session holds pack & ship's order row until the
 * cancel waits for it (after its first read), the order is changed meanwhile, then the session lets the cancel go.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PackShipApi } from '../../src/contracts/pack-ship.ts';
import { createOrder, orderStatus, planAndReleasePooled, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startSiteApp } from '../support/site-app.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  ({ t, call, w } = await startSiteApp({ siteCode: 'CIFMTCH', aisles: 2, bays: 3, levels: 1, skus: 3 }, { stock: { quantity: 100, locationsPerSku: 2 } }));
});
afterAll(async () => {
  await t.close();
});

interface Line { id: string; sku: string; locationId: string; locationCode?: string | null; expectedBarcode?: string | null }
interface OrderView { id: string; status: string; version: number; priority: number }

const order = async (id: string): Promise<OrderView> => (await t.get(`/api/v1/orders/${id}`)).body as OrderView;

/** An order of one unit, picked into a tote and packed into one sealed package: its id and the package's. */
async function packedOrder(externalId: string, sku: string): Promise<{ orderId: string; packageId: string }> {
  const orderId = (await createOrder(call, w.siteId, { externalId, lines: [{ sku, quantity: 1 }] })).id;
  await until('allocated', () => orderStatus(call, orderId), (s) => s === 'ALLOCATED');
  await t.settle();
  await planAndReleasePooled(call, w.siteId, [orderId], 1);
  await t.settle();
  const list = (await t.get(`/api/v1/pick-lists?orderId=${orderId}`)).body.items[0] as { id: string; lines: Line[] };
  const line = list.lines[0]!;
  const confirmed = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
    locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 1, toteId: `TOTE-${externalId}`,
  }, 'operator');
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  await until('picked', () => orderStatus(call, orderId), (s) => s === 'PICKED');
  await t.settle();
  const pkg = await t.post('/api/v1/packages', { orderId });
  expect(pkg.status, JSON.stringify(pkg.body)).toBe(201);
  await t.settle();
  return { orderId, packageId: pkg.body.id as string };
}

/** Pack & ship's record of the order: stopped or not, and its pending stop. */
async function packShipOrder(orderId: string): Promise<{ cancelled: boolean; pending: string[] | null }> {
  const rows = await t.app.db.query<{ cancelled: boolean; pending: string[] | null }>(
    'SELECT cancelled_at IS NOT NULL AS cancelled, stop_pending_ids AS pending FROM pack_ship.orders WHERE order_id = $1', [orderId],
  );
  return rows[0]!;
}

it('a cancel whose If-Match was current at its read but not once pack & ship is asked is 412: nothing voided, nothing stopped', async () => {
  const { orderId, packageId } = await packedOrder('CIFM-RACE', w.products[0]!.sku);
  const seen = await order(orderId);
  const blocker = new pg.Client({ connectionString: t.databaseUrl });
  await blocker.connect();
  let cancel: Promise<{ status: number; body: any }> | undefined;
  try {
    await blocker.query('BEGIN');
    await blocker.query('SELECT order_id FROM pack_ship.orders WHERE order_id = $1 FOR UPDATE', [orderId]);
    const [pid] = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows.map((r) => r.pid);
    cancel = t.request('POST', `/api/v1/orders/${orderId}/cancel`, { body: { reason: 'stale' }, headers: { 'if-match': `"${seen.version}"` } });
    // The cancel has read the order (its If-Match held then) and waits for pack & ship's order row.
    await until('the cancel waits at pack & ship', async () => Number((await t.app.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity a WHERE $1 = ANY(pg_blocking_pids(a.pid))', [pid]))[0]!.n), (n) => n >= 1, 10_000);
    // Meanwhile the order changes (its version moves on).
    const moved = await t.post(`/api/v1/orders/${orderId}/reprioritise`, { priority: seen.priority === 1 ? 2 : 1 });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.version).toBeGreaterThan(seen.version);
    await blocker.query('COMMIT');
  } finally {
    await blocker.end();
  }
  const answer = await cancel;
  expect(answer.status, JSON.stringify(answer.body)).toBe(412);
  expect(answer.body.code).toBe('VERSION_MISMATCH');
  await t.settle();
  // Nothing was stopped or voided, and nothing is left pending: the order packs, books and ships on.
  expect(await packShipOrder(orderId)).toEqual({ cancelled: false, pending: null });
  expect((await t.get(`/api/v1/packages/${packageId}`)).body.status).toBe('PACKED');
  const now = await order(orderId);
  expect(now.status).not.toBe('CANCELLED');
  expect(Number((await t.app.db.query<{ n: string }>(`SELECT count(*) AS n FROM platform.events WHERE type = 'pack-ship.order.shipping-stopped.v1' AND subject = $1`, [orderId]))[0]!.n)).toBe(0);
  const booked = await t.post('/api/v1/shipments', { orderId });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  // With the version it now has, the same cancel goes through (and voids the label).
  const again = await t.request('POST', `/api/v1/orders/${orderId}/cancel`, { body: { reason: 'current' }, headers: { 'if-match': `"${now.version}"` } });
  expect(again.status, JSON.stringify(again.body)).toBe(200);
  expect(again.body.status).toBe('CANCELLED');
  expect(await packShipOrder(orderId)).toEqual({ cancelled: true, pending: null });
});

it('a pending stop left between the phases holds the order back for its lease only; a cancel with a current If-Match and one without still go through', async () => {
  const { orderId } = await packedOrder('CIFM-LEASE', w.products[1]!.sku);
  const packShip = t.app.modules.find((m) => m.name === 'pack-ship')?.api as PackShipApi;
  // What a cancel that stopped after its first phase leaves (a crash, its process killed).
  expect(await packShip.reserveStop({ orderId, siteId: w.siteId, stopId: 'stp_lost' })).toEqual({ reserved: true });
  const held = await t.post('/api/v1/shipments', { orderId });
  expect(held.status, JSON.stringify(held.body)).toBe(409);
  expect(held.body.code).toBe('ORDER_CANCELLING');
  expect((await t.get(`/api/v1/shipments?orderIds=${orderId}`)).body.items).toEqual([]);
  // Its lease ends in seconds: the booking goes through (polled, not slept).
  const booked = await until('the lease is over', () => t.post('/api/v1/shipments', { orderId }), (r) => r.status !== 409, 15_000);
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  // A drop of the lost stop changes nothing now; another cancel's reserve and drop leave nothing pending.
  await packShip.dropStop({ orderId, stopId: 'stp_lost' });
  expect(await packShip.reserveStop({ orderId, siteId: w.siteId, stopId: 'stp_other' })).toEqual({ reserved: true });
  await packShip.dropStop({ orderId, stopId: 'stp_other' });
  expect(await packShipOrder(orderId)).toEqual({ cancelled: false, pending: null });
  const dispatched = await t.post(`/api/v1/shipments/${booked.body.id as string}/dispatch`, {});
  expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);

  // A fresh order: a current If-Match cancels it (two phases), a repeated one answers the cancelled order.
  const second = await packedOrder('CIFM-CURRENT', w.products[2]!.sku);
  const v = (await order(second.orderId)).version;
  const cancelled = await t.request('POST', `/api/v1/orders/${second.orderId}/cancel`, { body: {}, headers: { 'if-match': `"${v}"` } });
  expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
  expect(cancelled.body.status).toBe('CANCELLED');
  expect((await t.get(`/api/v1/packages/${second.packageId}`)).body.status).toBe('CANCELLED');
  expect(await packShipOrder(second.orderId)).toEqual({ cancelled: true, pending: null });
  const repeated = await t.request('POST', `/api/v1/orders/${second.orderId}/cancel`, { body: {}, headers: { 'if-match': `"${cancelled.body.version as number}"` } });
  expect(repeated.status, JSON.stringify(repeated.body)).toBe(200);
});

it('two cancels with the same current If-Match at once: the order is cancelled once, each answer 200 CANCELLED or 412, nothing left pending', async () => {
  const { orderId, packageId } = await packedOrder('CIFM-TWICE', w.products[0]!.sku);
  const v = (await order(orderId)).version;
  const send = () => t.request('POST', `/api/v1/orders/${orderId}/cancel`, { body: { reason: 'twice' }, headers: { 'if-match': `"${v}"` } });
  const answers = await Promise.all([send(), send()]);
  for (const a of answers) {
    expect([200, 412], JSON.stringify(a.body)).toContain(a.status);
    if (a.status === 200) expect(a.body.status).toBe('CANCELLED');
  }
  expect(answers.some((a) => a.status === 200)).toBe(true);
  await t.settle();
  expect(await packShipOrder(orderId)).toEqual({ cancelled: true, pending: null });
  expect((await t.get(`/api/v1/packages/${packageId}`)).body.status).toBe('CANCELLED');
  expect(Number((await t.app.db.query<{ n: string }>(`SELECT count(*) AS n FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1`, [orderId]))[0]!.n)).toBe(1);
});

it('a console cancel (Idempotency-Key, no If-Match) and a cancel with the current If-Match at once: both 200 CANCELLED, one cancellation, no deadlock (cancel10)', async () => {
  const deadlocksBefore = t.app.db.retried.deadlock;
  const answers: string[] = [];
  for (let round = 0; round < 10; round++) {
    const orderId = (await createOrder(call, w.siteId, { externalId: `CIFM-KEYED-${round}`, lines: [{ sku: w.products[2]!.sku, quantity: 1 }] })).id;
    await until('allocated', () => orderStatus(call, orderId), (s) => s === 'ALLOCATED');
    await t.settle();
    const v = (await order(orderId)).version;
    // Before: the keyed unit locked pack & ship's row, then orders'; the If-Match unit orders', then pack & ship's.
    const got = await Promise.all([
      t.request('POST', `/api/v1/orders/${orderId}/cancel`, { body: { reason: 'console' }, headers: { 'idempotency-key': `cifm-keyed-${round}` } }),
      t.request('POST', `/api/v1/orders/${orderId}/cancel`, { body: { reason: 'shop' }, headers: { 'if-match': `"${v}"` } }),
    ]);
    answers.push(got.map((a) => `${a.status} ${a.body.code ?? a.body.status}`).join(' | '));
    await t.settle();
    expect(Number((await t.app.db.query<{ n: string }>(`SELECT count(*) AS n FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1`, [orderId]))[0]!.n)).toBe(1);
  }
  expect({ answers: [...new Set(answers)], deadlocks: t.app.db.retried.deadlock - deadlocksBefore }).toEqual({ answers: ['200 CANCELLED | 200 CANCELLED'], deadlocks: 0 });
}, 60_000);

it('a stale cancel\'s dropped stop never lifts another cancel\'s pending stop: the order stays held back until that one is decided or its lease ends', async () => {
  const { orderId } = await packedOrder('CIFM-TWOSTOPS', w.products[1]!.sku);
  const packShip = t.app.modules.find((m) => m.name === 'pack-ship')?.api as PackShipApi;
  // Cancel A is between its phases (its version check passed); cancel B, stale, reserves after it and drops its own.
  expect(await packShip.reserveStop({ orderId, siteId: w.siteId, stopId: 'stp_a' })).toEqual({ reserved: true });
  expect(await packShip.reserveStop({ orderId, siteId: w.siteId, stopId: 'stp_b' })).toEqual({ reserved: true });
  await packShip.dropStop({ orderId, stopId: 'stp_b' });
  const held = await t.post('/api/v1/shipments', { orderId });
  expect(held.status, JSON.stringify(held.body)).toBe(409);
  expect(held.body.code).toBe('ORDER_CANCELLING');
  await packShip.dropStop({ orderId, stopId: 'stp_a' });
  expect(await packShipOrder(orderId)).toEqual({ cancelled: false, pending: null });
  expect((await t.post('/api/v1/shipments', { orderId })).status).toBe(201);
});
