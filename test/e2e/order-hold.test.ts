import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WavesApi } from '../../src/contracts/waves.ts';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, injectClient, orderStatus, packAndShip, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * ADR 0052: an order can be put on hold before a wave takes it (credit check, address check, a customer's call) and
 * released later, or cancelled while held. No wave plans a held order; it keeps its allocation and is allocated while
 * held; releasing it takes it where the allocation left it. Through HTTP, with stock conserved after each case.
 */
let t: TestApp;
let w: Warehouse;
let call: Call;
beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'HLD', aisles: 1, bays: 3, levels: 1, skus: 3 });
}, 60_000);
afterAll(async () => t.close());

interface Hold { holdId: string; reason: string; from: string; resumeTo: string }
interface OrderView { id: string; status: string; hold: Hold | null; lines: { allocated: number; ordered: number }[]; statusHistory: { from: string | null; to: string }[] }
const order = async (id: string): Promise<OrderView> => (await call<OrderView>('get', 'GET', `/api/v1/orders/${id}`)).body;
const hold = (id: string, reason = 'Credit check') => call<OrderView & { code?: string }>('hold', 'POST', `/api/v1/orders/${id}/hold`, { reason });
const releaseHold = (id: string) => call<OrderView & { code?: string }>('release hold', 'POST', `/api/v1/orders/${id}/release-hold`);
const receive = (sku: string, quantity: number, at = 0) =>
  call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[at]!.id, quantity });
const pooled = async (): Promise<string[]> =>
  ((await call<{ items: { orderId: string }[] }>('pool', 'GET', `/api/v1/waves/pool?siteId=${w.siteId}`)).body.items).map((o) => o.orderId);
const conserved = (when: string) => assertStockConserved(t.databaseUrl, { siteId: w.siteId, when });

describe('orders on hold', () => {
  it('an allocated order on hold is in no wave until released, then ships; holding it again answers it unchanged', async () => {
    const sku = w.products[0]!.sku;
    expect((await receive(sku, 10)).status).toBe(201);
    const held = await createOrder(call, w.siteId, { externalId: 'HLD-1', lines: [{ sku, quantity: 2 }] });
    const other = await createOrder(call, w.siteId, { externalId: 'HLD-2', lines: [{ sku, quantity: 1 }] });
    for (const id of [held.id, other.id]) await until('allocated', () => orderStatus(call, id), (s) => s === 'ALLOCATED');
    await t.settle();

    const h = await hold(held.id);
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'ON_HOLD', hold: { reason: 'Credit check', from: 'ALLOCATED', resumeTo: 'ALLOCATED' } });
    const again = await hold(held.id, 'Another reason');
    expect(again.status).toBe(200);
    expect(again.body.hold).toEqual(h.body.hold);
    await t.settle();
    // It keeps its units: ATP still counts them allocated.
    expect((await order(held.id)).lines).toEqual([expect.objectContaining({ ordered: 2, allocated: 2 })]);
    expect(await pooled()).not.toContain(held.id);

    const wave = await call<{ id: string; orderIds: string[] }>('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(wave.status).toBe(201);
    expect(wave.body.orderIds).toEqual([other.id]);
    // Only a held order's hold can be released.
    expect((await releaseHold(other.id)).body.code).toBe('ORDER_NOT_ON_HOLD');

    const released = await releaseHold(held.id);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'ALLOCATED', hold: null });
    expect(released.body.statusHistory.slice(-2).map((s) => `${s.from}→${s.to}`)).toEqual(['ALLOCATED→ON_HOLD', 'ON_HOLD→ALLOCATED']);
    await t.settle();
    expect(await pooled()).toContain(held.id);
    const second = await call<{ id: string; orderIds: string[] }>('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(second.body.orderIds).toEqual([held.id]);
    for (const id of [wave.body.id, second.body.id]) expect((await call('release', 'POST', `/api/v1/waves/${id}/release`)).status).toBe(200);
    await t.settle();
    await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['worker-1'], { expectedTasks: 2 });
    for (const id of [held.id, other.id]) {
      await until('picked', () => orderStatus(call, id), (s) => s === 'PICKED');
      await packAndShip(call, id);
      await until('shipped', () => orderStatus(call, id), (s) => s === 'SHIPPED');
    }
    await t.settle();
    expect((await hold(held.id)).body.code).toBe('ORDER_SHIPPED');
    await conserved('after a held order was released and shipped');
  }, 90_000);

  it('a backordered order held is allocated while held, stays ON_HOLD, and is announced allocated on release', async () => {
    const sku = w.products[1]!.sku;
    const o = await createOrder(call, w.siteId, { externalId: 'HLD-3', lines: [{ sku, quantity: 4 }] });
    await until('backordered', () => orderStatus(call, o.id), (s) => s === 'BACKORDERED');
    await t.settle();
    expect((await hold(o.id, 'Address check')).body).toMatchObject({ status: 'ON_HOLD', hold: { from: 'BACKORDERED', resumeTo: 'BACKORDERED' } });

    expect((await receive(sku, 6, 1)).status).toBe(201);
    await until('allocated while held', () => order(o.id), (v) => v.hold?.resumeTo === 'ALLOCATED');
    await t.settle();
    const view = await order(o.id);
    expect(view.status).toBe('ON_HOLD');
    expect(view.lines).toEqual([expect.objectContaining({ ordered: 4, allocated: 4 })]);
    const nothing = await call<{ code: string }>('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(nothing.body.code).toBe('NOTHING_TO_PLAN');

    expect((await releaseHold(o.id)).body).toMatchObject({ status: 'ALLOCATED', hold: null });
    await t.settle();
    const events = (await t.get(`/api/v1/events?subject=${o.id}&limit=50`)).body.items as { type: string }[];
    expect(events.map((e) => e.type).filter((type) => type.startsWith('orders.')).slice(-3))
      .toEqual(['orders.order.held.v1', 'orders.order.hold-released.v1', 'orders.order.allocated.v1']);
    const wave = await call<{ id: string; orderIds: string[] }>('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(wave.body.orderIds).toEqual([o.id]);
    // Waved: too late to hold; cancelling the wave (before release) gives the order back, and then it can be held.
    const inWave = await hold(o.id);
    expect(inWave.status).toBe(409);
    expect(inWave.body.code).toBe('ORDER_IN_FULFILMENT');
    expect((await call('cancel wave', 'POST', `/api/v1/waves/${wave.body.id}/cancel`)).status).toBe(200);
    await until('unwaved', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    expect((await hold(o.id)).body.status).toBe('ON_HOLD');
    await conserved('after a backordered order was allocated while held');
  }, 90_000);

  it('a held order is cancelled: its units are free again and nothing is left in the pool or pending', async () => {
    const sku = w.products[2]!.sku;
    expect((await receive(sku, 3, 2)).status).toBe(201);
    const o = await createOrder(call, w.siteId, { externalId: 'HLD-4', lines: [{ sku, quantity: 3 }] });
    await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    expect((await hold(o.id)).body.status).toBe('ON_HOLD');
    const cancelled = await call<OrderView>('cancel', 'POST', `/api/v1/orders/${o.id}/cancel`, { reason: 'Payment failed' });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', hold: null });
    await t.settle();
    const atp = await call<{ items: { atp: number; allocated: number }[] }>('atp', 'GET', `/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`);
    expect(atp.body.items[0]).toMatchObject({ allocated: 0, atp: 3 });
    expect(await t.app.db.query('SELECT order_id FROM waves.order_pool WHERE order_id = $1', [o.id])).toEqual([]);
    expect((await releaseHold(o.id)).body.code).toBe('ORDER_NOT_ON_HOLD');
    expect((await hold(o.id)).body.code).toBe('ORDER_CANCELLED');
    await conserved('after a held order was cancelled');
  }, 60_000);

  it('a hold whose request died after waves held the order is completed when orders hears waves.order.held', async () => {
    const sku = w.products[0]!.sku;
    const o = await createOrder(call, w.siteId, { externalId: 'HLD-5', lines: [{ sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    // The request's first transaction (the pending hold) committed and the gate held the order; then it died.
    await t.app.db.query(`INSERT INTO orders.pending_holds (order_id, hold_id, reason, requested_at) VALUES ($1, 'hld_crashed', 'Fraud review', now())`, [o.id]);
    const waves = t.app.modules.find((m) => m.name === 'waves')?.api as WavesApi;
    expect(await waves.holdForChange({ orderId: o.id, siteId: w.siteId, carrier: 'OWN_FLEET', priority: 5, changeId: 'hld_crashed' }, {})).toEqual({ held: true });
    await until('on hold', () => order(o.id), (v) => v.status === 'ON_HOLD');
    expect((await order(o.id)).hold).toMatchObject({ holdId: 'hld_crashed', reason: 'Fraud review', from: 'ALLOCATED' });
    expect(await t.app.db.query('SELECT 1 FROM orders.pending_holds WHERE order_id = $1', [o.id])).toEqual([]);
    expect(await pooled()).not.toContain(o.id);
    expect((await releaseHold(o.id)).body.status).toBe('ALLOCATED');
    await t.settle();
    expect(await pooled()).toContain(o.id);
    expect(await t.app.db.query('SELECT held_for FROM waves.order_pool WHERE order_id = $1', [o.id])).toEqual([{ held_for: null }]);
  }, 60_000);

  it('holds racing a plan and release: each order is either held and in no wave, or in the wave and refused (409)', async () => {
    const sku = w.products[0]!.sku;
    expect((await receive(sku, 20, 1)).status).toBe(201);
    const N = 8;
    const ids: string[] = [];
    for (let i = 0; i < N; i++) ids.push((await createOrder(call, w.siteId, { externalId: `HLD-R${i}`, lines: [{ sku, quantity: 1 }] })).id);
    for (const id of ids) await until('allocated', () => orderStatus(call, id), (s) => s === 'ALLOCATED');
    await t.settle();
    const delayed = async <T>(ms: number, f: () => Promise<T>): Promise<T> => { await new Promise((r) => setTimeout(r, ms)); return f(); };
    const planAndRelease = async (): Promise<string[]> => {
      const planned = await call<{ id: string; orderIds: string[] }>('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 20 });
      if (planned.status !== 201) return [];
      expect((await call('release', 'POST', `/api/v1/waves/${planned.body.id}/release`)).status).toBe(200);
      return planned.body.orderIds;
    };
    const [answers, waved] = await Promise.all([
      Promise.all(ids.map((id, i) => delayed(i * 3, () => hold(id, `race ${i}`)))),
      delayed(8, planAndRelease),
    ]);
    await t.settle();
    const held = ids.filter((_, i) => answers[i]!.status === 200);
    console.log(`holds racing a plan: ${held.length} of ${N} held, ${N - held.length} refused (the wave had them first)`);
    for (const [i, a] of answers.entries()) {
      if (a.status === 200) {
        expect(a.body.status).toBe('ON_HOLD');
        expect(waved).not.toContain(ids[i]);
      } else {
        expect(a.body.code).toBe('ORDER_IN_FULFILMENT');
        expect(waved).toContain(ids[i]);
      }
    }
    for (const id of held) expect(await orderStatus(call, id)).toBe('ON_HOLD');
    // Released, each held order is planned in exactly one later wave.
    for (const id of held) expect((await releaseHold(id)).status).toBe(200);
    await t.settle();
    const later = held.length === 0 ? [] : await planAndRelease();
    expect([...later].sort()).toEqual([...held].sort());
    await t.settle();
    const pool = await t.app.db.query('SELECT order_id FROM waves.order_pool WHERE order_id = ANY($1::text[])', [ids]);
    expect(pool).toEqual([]);
    await conserved('after holds raced a plan and release');
  }, 90_000);

  it('a hold gated after its order was cancelled leaves no held pool row; a line change gated while held does not free the order', async () => {
    const sku = w.products[0]!.sku;
    const waves = t.app.modules.find((m) => m.name === 'waves')?.api as WavesApi;
    const cancelledOne = await createOrder(call, w.siteId, { externalId: 'HLD-7', lines: [{ sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, cancelledOne.id), (s) => s === 'ALLOCATED');
    // The request recorded its hold, then a cancel committed and waves removed the order before the request's gate.
    await t.app.db.query(`INSERT INTO orders.pending_holds (order_id, hold_id, reason, requested_at) VALUES ($1, 'hld_late', 'Fraud review', now())`, [cancelledOne.id]);
    expect((await call('cancel', 'POST', `/api/v1/orders/${cancelledOne.id}/cancel`, { reason: 'customer' })).status).toBe(200);
    await t.settle();
    expect(await waves.holdForChange({ orderId: cancelledOne.id, siteId: w.siteId, carrier: 'OWN_FLEET', priority: 5, changeId: 'hld_late' }, {})).toEqual({ held: true });
    await t.settle();
    expect(await t.app.db.query('SELECT order_id FROM waves.order_pool WHERE order_id = $1', [cancelledOne.id])).toEqual([]);
    expect(await orderStatus(call, cancelledOne.id)).toBe('CANCELLED');

    const held = await createOrder(call, w.siteId, { externalId: 'HLD-8', lines: [{ sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, held.id), (s) => s === 'ALLOCATED');
    await t.settle();
    expect((await hold(held.id)).body.status).toBe('ON_HOLD');
    // A line change decided before the hold reaches its gate after it: waves now holds the row for the change, and
    // orders refuses the change (the order is held). The order must stay out of planning until its hold is released.
    const shipTo = { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
    await t.app.db.query(`INSERT INTO orders.pending_changes (order_id, change_id, lines, ship_to, requested_at) VALUES ($1, 'chg_late', $2, $3, now())`,
      [held.id, JSON.stringify([{ sku, quantity: 2 }]), JSON.stringify(shipTo)]);
    expect(await waves.holdForChange({ orderId: held.id, siteId: w.siteId, carrier: 'OWN_FLEET', priority: 5, changeId: 'chg_late' }, {})).toEqual({ held: true });
    await t.settle();
    expect(await orderStatus(call, held.id)).toBe('ON_HOLD');
    expect(await pooled()).not.toContain(held.id);
    expect((await releaseHold(held.id)).body.status).toBe('ALLOCATED');
    await t.settle();
    expect(await pooled()).toContain(held.id);
    expect((await order(held.id)).lines).toEqual([expect.objectContaining({ ordered: 1, allocated: 1 })]);
    expect((await call('cancel', 'POST', `/api/v1/orders/${held.id}/cancel`, { reason: 'test done' })).status).toBe(200);
    await t.settle();
    await conserved('after late gates of a hold and a line change');
  }, 60_000);

  it('refuses bad input and the wrong roles, changing nothing', async () => {
    const sku = w.products[0]!.sku;
    const o = await createOrder(call, w.siteId, { externalId: 'HLD-6', lines: [{ sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    const blank = await call<{ code: string }>('hold', 'POST', `/api/v1/orders/${o.id}/hold`, { reason: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body.code).toBe('VALIDATION_FAILED');
    expect((await call<{ code: string }>('hold', 'POST', `/api/v1/orders/${o.id}/hold`, {})).status).toBe(400);
    expect((await call<{ code: string }>('hold', 'POST', '/api/v1/orders/ord_nope/hold', { reason: 'x' })).body.code).toBe('NOT_FOUND');
    const operator = injectClient(t.app, t.keys.operator);
    expect((await operator('hold', 'POST', `/api/v1/orders/${o.id}/hold`, { reason: 'x' })).status).toBe(403);
    expect((await order(o.id)).status).toBe('ALLOCATED');
    expect(await t.app.db.query('SELECT 1 FROM orders.pending_holds WHERE order_id = $1', [o.id])).toEqual([]);
  }, 60_000);
});
