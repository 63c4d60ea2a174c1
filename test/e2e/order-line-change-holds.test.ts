import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, injectClient, orderStatus, receiveStock, setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import type { WavesApi } from '../../src/contracts/waves.ts';
import type { EventEnvelope } from '../../src/platform/bus/envelope.ts';

/**
 * ADR 0046 addendum: a pool row held for a line change that orders will never apply must not stay held, or the order
 * is never planned and nothing says why. Each test forces one interleaving by driving the services directly: the
 * pending change is written as the request's first transaction would have, and `WavesApi.holdForChange` is the gate.
 */
let t: TestApp;
let w: Warehouse;
let call: Call;
let waves: WavesApi;
const SHIP_TO = { name: 'Grace Hopper', line1: '1 Compiler Way', city: 'Arlington', postalCode: '22201', country: 'US' };
beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'LCD', aisles: 1, bays: 3, levels: 1, skus: 3 });
  // The last SKU has no stock until a test receives it: its orders wait BACKORDERED, not in the pool.
  await receiveStock(call, { ...w, products: w.products.slice(0, 2) }, 20, 1);
  waves = t.app.modules.find((m) => m.name === 'waves')?.api as WavesApi;
}, 60_000);
afterAll(async () => t.close());

/** The request's first transaction: the order's pending change, replacing any other. */
async function pending(orderId: string, changeId: string, sku: string, quantity: number): Promise<void> {
  await t.app.db.query(
    `INSERT INTO orders.pending_changes (order_id, change_id, lines, ship_to, requested_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (order_id) DO UPDATE SET change_id = EXCLUDED.change_id, lines = EXCLUDED.lines`,
    [orderId, changeId, JSON.stringify([{ sku, quantity }]), JSON.stringify(SHIP_TO)]);
}
const gate = (orderId: string, changeId: string) =>
  waves.holdForChange({ orderId, siteId: w.siteId, carrier: 'OWN_FLEET', priority: 5, changeId }, {});
const poolRow = async (orderId: string) =>
  t.app.db.query<{ held_for: string | null; lines: { sku: string; quantity: number }[] }>(
    'SELECT held_for, lines FROM waves.order_pool WHERE order_id = $1', [orderId]);
const pooled = async (): Promise<string[]> =>
  ((await call('pool', 'GET', `/api/v1/waves/pool?siteId=${w.siteId}`)).body as { items: { orderId: string }[] }).items.map((o) => o.orderId);

describe('a pool row held for a line change that will not be applied', () => {
  it('is released when a newer request replaced the change and died before its own gate', async () => {
    const o = await createOrder(call, w.siteId, { externalId: 'hold-replaced', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    // A's first transaction, then B's (it replaces A's pending change); then A's gate; B's request dies before its gate.
    await pending(o.id, 'chg_a', w.products[1]!.sku, 2);
    await pending(o.id, 'chg_b', w.products[1]!.sku, 3);
    expect(await gate(o.id, 'chg_a')).toEqual({ held: true });
    await t.settle();
    // A's apply (request and waves.order.held alike) finds B's change, not its own: the hold is A's and must end.
    const row = await poolRow(o.id);
    expect(row).toHaveLength(1);
    expect(row[0]!.held_for).toBeNull();
    expect(row[0]!.lines.map((l) => `${l.sku}×${l.quantity}`)).toEqual([`${w.products[0]!.sku}×1`]);
    expect(await pooled()).toContain(o.id);
    expect(await orderStatus(call, o.id)).toBe('ALLOCATED');
    const dropped = (await t.get(`/api/v1/events?type=orders.order.change-dropped.v1&limit=100`)).body.items as { data: { orderId: string; changeId: string } }[];
    expect(dropped.map((e) => e.data)).toContainEqual(expect.objectContaining({ orderId: o.id, changeId: 'chg_a' }));
  }, 60_000);

  it('is removed when the order was cancelled between the request and its gate (a placeholder row)', async () => {
    const o = await createOrder(call, w.siteId, { externalId: 'hold-cancelled', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await pending(o.id, 'chg_c', w.products[1]!.sku, 1);
    expect((await call('cancel', 'POST', `/api/v1/orders/${o.id}/cancel`, { reason: 'customer' })).status).toBe(200);
    await t.settle();
    expect(await poolRow(o.id)).toEqual([]);
    // The gate finds no row (the cancel removed it) and inserts a held placeholder; the apply refuses: CANCELLED.
    expect(await gate(o.id, 'chg_c')).toEqual({ held: true });
    await t.settle();
    expect(await poolRow(o.id)).toEqual([]);
    expect(await t.app.db.query('SELECT 1 FROM orders.pending_changes WHERE order_id = $1', [o.id])).toEqual([]);
  }, 60_000);

  it('keeps the lines of an allocation that reached waves while a placeholder was held, and waits with them once released', async () => {
    const o = await createOrder(call, w.siteId, { externalId: 'hold-placeholder', lines: [{ sku: w.products[2]!.sku, quantity: 2 }] });
    await until('backordered', () => orderStatus(call, o.id), (s) => s === 'BACKORDERED');
    await t.settle();
    // A's first transaction, then B's; A's gate holds the order before it is allocated (a placeholder, no lines).
    await pending(o.id, 'chg_d', w.products[0]!.sku, 1);
    await pending(o.id, 'chg_e', w.products[0]!.sku, 2);
    // The gate's commit, its waves.order.held not delivered yet: the placeholder as holdInPool writes it.
    await t.app.db.query(
      `INSERT INTO waves.order_pool (order_id, site_id, carrier, priority, lines, allocated_at, held_for) VALUES ($1, $2, 'OWN_FLEET', 5, '[]', now(), 'chg_d')`,
      [o.id, w.siteId]);
    // Stock arrives: the order is allocated with the lines it has, and waves hears it while the row is held.
    await receiveStock(call, { ...w, products: [w.products[2]!] }, 5, 1);
    await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    expect(await poolRow(o.id)).toEqual([{ held_for: 'chg_d', lines: [expect.objectContaining({ sku: w.products[2]!.sku, quantity: 2 })] }]);
    expect(await pooled()).not.toContain(o.id);
    // Now waves.order.held reaches orders (the gate is idempotent and announces it again): chg_d is not pending.
    expect(await gate(o.id, 'chg_d')).toEqual({ held: true });
    await t.settle();
    expect(await poolRow(o.id)).toEqual([{ held_for: null, lines: [expect.objectContaining({ sku: w.products[2]!.sku, quantity: 2 })] }]);
    expect(await pooled()).toContain(o.id);
  }, 60_000);

  it('is not lost when the lines-changed of an earlier change reaches waves after a newer change held the order', async () => {
    const o = await createOrder(call, w.siteId, { externalId: 'hold-newer', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    // Change F goes through (waves.order.held applies it) and the order is allocated and pooled with F's lines.
    await pending(o.id, 'chg_f', w.products[1]!.sku, 1);
    expect(await gate(o.id, 'chg_f')).toEqual({ held: true });
    await t.settle();
    await until('allocated anew', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    const envelope = async (type: string): Promise<EventEnvelope> => (await t.app.db.query<{ envelope: EventEnvelope }>(
      'SELECT envelope FROM platform.events WHERE subject = $1 AND type = $2 ORDER BY seq DESC LIMIT 1', [o.id, type]))[0]!.envelope;
    const linesChangedF = await envelope('orders.order.lines-changed.v1');
    const allocatedF = await envelope('orders.order.allocated.v1');
    expect(linesChangedF.data).toMatchObject({ changeId: 'chg_f' });
    // Change G's gate runs before waves has handled F's lines-changed: replayed here, with the allocation of F's lines
    // that follows it, while G's apply waits (the order's row is locked by another transaction).
    const blocker = new pg.Client({ connectionString: t.databaseUrl });
    await blocker.connect();
    try {
      await pending(o.id, 'chg_g', w.products[0]!.sku, 2);
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM orders.orders WHERE id = $1 FOR UPDATE', [o.id]);
      expect(await gate(o.id, 'chg_g')).toEqual({ held: true });
      const handlers = t.app.modules.find((m) => m.name === 'waves')?.subscriptions ?? [];
      const deliver = async (event: EventEnvelope) => t.app.db.tx(async (tx) => {
        for (const s of handlers) if (s.types.includes(event.type)) await s.handle(event, tx);
      });
      await deliver(linesChangedF);
      await deliver(allocatedF);
      // Still held for G: no plan may take the order with F's lines, which G is about to replace.
      expect((await poolRow(o.id)).map((r) => r.held_for)).toEqual(['chg_g']);
      expect(await pooled()).not.toContain(o.id);
    } finally {
      await blocker.query('COMMIT');
      await blocker.end();
    }
    await t.settle();
    await until('allocated with G', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    expect(await poolRow(o.id)).toEqual([{ held_for: null, lines: [expect.objectContaining({ sku: w.products[0]!.sku, quantity: 2 })] }]);
  }, 60_000);
});
