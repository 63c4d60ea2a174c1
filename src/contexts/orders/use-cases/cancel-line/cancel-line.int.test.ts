import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../../test/support/test-app.ts';

/**
 * A line cancel against real PostgreSQL (ADR 0046 addendum 2026-12-05), orders with waves and pack & ship (inventory's
 * allocation is appended by the test): the pending change, waves' gate, the line kept with its `cancelled`, the event.
 */
let t: TestApp;
let siteId: string;
beforeAll(async () => {
  t = await startTestApp({ env: { PAKLOG_CONTEXTS: 'catalog,location-master,orders,waves,pack-ship' }, contextsTemplate: true });
  const site = await t.post('/api/v1/sites', { code: 'LCI', name: 'LCI' });
  expect(site.status).toBe(201);
  siteId = site.body.id;
  for (const sku of ['MUG', 'TEA']) {
    expect((await t.post('/api/v1/products', { sku, description: sku, lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 200 })).status).toBe(201);
  }
});
afterAll(async () => t.close());

interface Line { id: string; sku: string; ordered: number; allocated: number; cancelled: number }
interface OrderBody { id: string; siteId: string; status: string; version: number; waveId: string | null; lines: Line[]; statusHistory: { from: string | null; to: string; cause: string | null }[] }
let seq = 0;
/** A new order of 2 MUG and 3 TEA, RECEIVED (no inventory here: nothing allocates it until the test says so). */
async function receivedOrder(): Promise<OrderBody> {
  const res = await t.post<OrderBody>('/api/v1/orders', {
    externalId: `LCI-${++seq}`, siteId, shipTo: { name: 'Ada', line1: 'Main St 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
    lines: [{ sku: 'MUG', quantity: 2 }, { sku: 'TEA', quantity: 3 }],
  }, 'integration');
  expect(res.status).toBe(201);
  await t.settle();
  return res.body;
}
async function allocatedOrder(): Promise<OrderBody> {
  const received = await receivedOrder();
  await allocate(received, (l) => l.ordered - l.cancelled);
  const o = await getOrder(received.id);
  expect(o.status).toBe('ALLOCATED');
  return o;
}
async function allocate(o: OrderBody, units: (l: Line) => number): Promise<void> {
  const lines = o.lines.filter((l) => l.ordered - l.cancelled > 0);
  await t.app.db.tx((tx) => t.app.bus.append(tx, 'inventory', [{
    type: 'inventory.stock.allocated.v1', subject: o.id,
    data: { orderId: o.id, siteId: o.siteId, lines: lines.map((l) => ({ lineId: l.id, sku: l.sku, requested: units(l), allocated: units(l) })), complete: true },
  }]));
  await t.settle();
}
const getOrder = async (id: string): Promise<OrderBody> => (await t.get<OrderBody>(`/api/v1/orders/${id}`)).body;
const cancelLine = (id: string, lineId: string, body: Record<string, unknown> = {}) =>
  t.post<OrderBody & { code?: string; detail?: string }>(`/api/v1/orders/${id}/lines/${lineId}/cancel`, body, 'manager');
const events = async (type: string, subject: string) =>
  t.app.db.query<{ data: Record<string, unknown> }>("SELECT envelope->'data' AS data FROM platform.events WHERE type = $1 AND subject = $2 ORDER BY seq", [type, subject]);
const pending = async (orderId: string): Promise<number> =>
  (await t.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders.pending_changes WHERE order_id = $1', [orderId]))[0]!.n;

describe('cancelling units of an order line', () => {
  it('keeps the line id, counts the units cancelled, goes RECEIVED and announces lines-changed with lineCancelled; the open units allocated make it ALLOCATED', async () => {
    const o = await allocatedOrder();
    const [mug, tea] = o.lines as [Line, Line];
    const res = await cancelLine(o.id, tea.id, { quantity: 2, reason: 'Customer call' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('RECEIVED');
    expect(res.body.version).toBeGreaterThan(o.version);
    expect(res.body.lines.map((l) => [l.id, l.ordered, l.cancelled, l.allocated])).toEqual([[mug.id, 2, 0, 0], [tea.id, 3, 2, 0]]);
    expect(res.body.statusHistory.at(-1)).toMatchObject({ from: 'ALLOCATED', to: 'RECEIVED', cause: 'line 2 (TEA): 2 cancelled: Customer call' });
    expect(await pending(o.id)).toBe(0);
    const changed = await events('orders.order.lines-changed.v1', o.id);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.data).toMatchObject({
      previousStatus: 'ALLOCATED',
      previousLines: [{ lineId: mug.id, sku: 'MUG', quantity: 2 }, { lineId: tea.id, sku: 'TEA', quantity: 3 }],
      lines: [{ lineId: mug.id, sku: 'MUG', quantity: 2 }, { lineId: tea.id, sku: 'TEA', quantity: 1 }],
      lineCancelled: { lineId: tea.id, sku: 'TEA', quantity: 2, reason: 'Customer call' },
    });
    // Waves held the order for the change and let it go with the event: the hold is over.
    await t.settle();
    expect(await events('waves.order.held.v1', o.id)).toHaveLength(1);
    const held = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM waves.order_pool WHERE order_id = $1 AND held_for IS NOT NULL`, [o.id]);
    expect(held[0]!.n).toBe(0);

    // The open units allocated: complete, and the allocated event lists open units only.
    await allocate(res.body, (l) => l.ordered - l.cancelled);
    const after = await getOrder(o.id);
    expect(after.status).toBe('ALLOCATED');
    expect(after.lines.map((l) => l.allocated)).toEqual([2, 1]);
    const allocatedEvents = await events('orders.order.allocated.v1', o.id);
    expect(allocatedEvents.at(-1)!.data.lines).toEqual([
      { lineId: mug.id, lineNo: 1, sku: 'MUG', quantity: 2 }, { lineId: tea.id, lineNo: 2, sku: 'TEA', quantity: 1 },
    ]);
  });

  it('ignores an allocation of the units before the cancel heard after it (same line ids): the order waits RECEIVED for the new one', async () => {
    // The order is received; before orders hears inventory's allocation of its 2 + 3 units, a line is cancelled.
    const o = await receivedOrder();
    const tea = o.lines[1]!;
    const cancelled = await cancelLine(o.id, tea.id, { quantity: 2 });
    expect([cancelled.status, cancelled.body.status, cancelled.body.detail]).toEqual([200, "RECEIVED", undefined]);
    // The stale allocation (requested 3 TEA, the line has 1 open unit now): left alone, not ALLOCATED with 3 TEA.
    await allocate(o, (l) => l.ordered);
    const stale = await getOrder(o.id);
    expect([stale.status, stale.lines.map((l) => l.allocated)]).toEqual(['RECEIVED', [0, 0]]);
    expect(await events('orders.order.allocated.v1', o.id)).toHaveLength(0);
    // The allocation of the open units (inventory's answer to lines-changed) makes it ALLOCATED.
    await allocate(cancelled.body, (l) => l.ordered - l.cancelled);
    const after = await getOrder(o.id);
    expect([after.status, after.lines.map((l) => l.allocated)]).toEqual(['ALLOCATED', [2, 1]]);
  });

  it('loses to a planner that has the order (waves is the one decision point): 409 naming the wave, nothing recorded', async () => {
    const o = await allocatedOrder();
    const planned = await t.post<{ id: string; orderIds: string[] }>('/api/v1/waves', { siteId, maxOrders: 50 }, 'manager');
    expect(planned.status).toBe(201);
    expect(planned.body.orderIds).toContain(o.id);
    await t.settle();
    // Orders has not heard of the wave yet (its event in flight): its own row still says ALLOCATED.
    await t.app.db.query(`UPDATE orders.orders SET status = 'ALLOCATED', wave_id = NULL WHERE id = $1`, [o.id]);
    const before = await getOrder(o.id);
    const res = await cancelLine(o.id, before.lines[0]!.id);
    expect([res.status, res.body.code]).toEqual([409, 'ORDER_IN_FULFILMENT']);
    expect(res.body.detail).toContain(`in wave ${planned.body.id}`);
    expect(await pending(o.id)).toBe(0);
    const now = await getOrder(o.id);
    expect(now.version).toBe(before.version);
    expect(now.lines.map((l) => l.cancelled)).toEqual([0, 0]);
    expect(await events('orders.order.lines-changed.v1', o.id)).toHaveLength(0);
  });
});
