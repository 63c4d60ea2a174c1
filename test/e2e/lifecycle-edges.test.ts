/**
 * Order, wave, task and shipment lifecycles one step off the happy path (the defect hunt of 2026-12-05): orders whose
 * lines end in different states, partial shipments over several packages, holds and ship-to changes, tasks that failed
 * before their order was cancelled, and the exception queue's actions. After each case: the order's status is the one
 * its own events announce last, nothing is left allocated or reserved for a final order, and stock is conserved.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConserved } from '../support/conservation.ts';
import { injectClient, receiveStock, setupWarehouse, until, untilPooled, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let seq = 0;
const SHOP = 'edges.myshopify.com';
const SECRET = 'shpss_lifecycle_edges_secret_01';

beforeAll(async () => {
  t = await startTestApp({ env: { PAKLOG_TASK_MAX_FAILURES: '1', PAKLOG_ORDER_STALL_S: '2', PAKLOG_SAGA_TICK_MS: '100' } });
  call = injectClient(t.app, t.keys.admin);
  w = await setupWarehouse(call, { siteCode: 'LIFE', aisles: 2, bays: 4, levels: 2, skus: 8 });
  // Products 0-3 plenty at one location each; 4-7 are received per test (scarce SKUs).
  await receiveStock(call, { ...w, products: w.products.slice(0, 4) }, 100, 1);
  expect((await t.post('/api/v1/integrations/storefront-channels', { shopDomain: SHOP, siteId: 'LIFE', secret: SECRET }, 'integration')).status).toBe(201);
}, 60_000);
afterAll(async () => t.close());

interface PickLine { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; picked: number; status: string }
interface PickList { id: string; status: string; orderIds: string[]; lines: PickLine[] }
interface OrderLine { id: string; sku: string; ordered: number; allocated: number; picked: number; shorted: number; packed: number; shipped: number }
interface OrderView { id: string; status: string; backorderReason: string | null; shipTo: Record<string, string>; lines: OrderLine[]; hold: { reason: string } | null }

const order = async (id: string): Promise<OrderView> => (await t.get(`/api/v1/orders/${id}`)).body as OrderView;
const status = async (id: string): Promise<string> => (await order(id)).status;
const receive = async (sku: string, quantity: number, at: number): Promise<void> => {
  expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[at]!.id, quantity })).status).toBe(201);
};

async function newOrder(lines: { sku: string; quantity: number }[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.post('/api/v1/orders', {
    externalId: `LIFE-${++seq}`, siteId: w.siteId, carrier: 'OWN_FLEET',
    shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' }, lines, ...extra,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Plans a wave of exactly these orders and releases it; the pick list of each order. */
async function release(orderIds: string[]): Promise<Map<string, PickList>> {
  await t.settle();
  // Waves hears of the allocations after orders says ALLOCATED: planned once its pool holds every one.
  await untilPooled(injectClient(t.app, t.keys.admin), w.siteId, orderIds);
  const plan = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 100 });
  expect(plan.status).toBe(201);
  expect([...plan.body.orderIds].sort()).toEqual([...orderIds].sort());
  expect((await t.post(`/api/v1/waves/${plan.body.id}/release`)).status).toBe(200);
  await t.settle();
  const lists = new Map<string, PickList>();
  for (const id of orderIds) {
    const items = (await t.get(`/api/v1/pick-lists?orderId=${id}`)).body.items as PickList[];
    expect(items).toHaveLength(1);
    lists.set(id, items[0]!);
  }
  return lists;
}

const confirm = (list: PickList, line: PickLine, quantity: number) => t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
  locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity, toteId: `TOTE-${list.id}`,
});
const short = (list: PickList, line: PickLine, reason = 'OTHER') => t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, { reason });
const lineOf = (list: PickList, sku: string): PickLine => list.lines.find((l) => l.sku === sku)!;

/** Once the order is allocated, a wave of it alone planned and released: its pick list. */
async function releasedAlone(id: string): Promise<PickList> {
  await until('allocated', () => status(id), (s) => s === 'ALLOCATED');
  return (await release([id])).get(id)!;
}

/** Every line of the order's list confirmed in full, the order PICKED, the app settled. */
async function pickAll(id: string, list: PickList): Promise<void> {
  for (const l of list.lines) expect((await confirm(list, l, l.quantity)).status).toBe(200);
  await until('picked', () => status(id), (s) => s === 'PICKED');
  await t.settle();
}

/**
 * A shipComplete order of 1 × `a` and 2 × `b` (2 units of `b` received at storage `at` first), released; `a` picked,
 * `b` shorted (reason OTHER): the order waits for stock (BACKORDERED, SHORT_PICK).
 */
async function waitingForStock(a: string, b: string, at: number): Promise<string> {
  await receive(b, 2, at);
  const id = await newOrder([{ sku: a, quantity: 1 }, { sku: b, quantity: 2 }], { shipComplete: true });
  const list = await releasedAlone(id);
  expect((await confirm(list, lineOf(list, a), 1)).status).toBe(200);
  expect((await short(list, lineOf(list, b))).status).toBe(200);
  await until('waiting for stock', () => order(id), (o) => o.status === 'BACKORDERED' && o.backorderReason === 'SHORT_PICK');
  return id;
}

/** Confirms every return of the (cancelled) order at its suggested location: the units returned. */
async function returnAll(orderId: string): Promise<number> {
  const returns = (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${orderId}`)).body.items as { id: string; quantity: number; suggestedLocationId: string }[];
  for (const r of returns) expect((await t.post(`/api/v1/inventory/returns/${r.id}/confirm`, { locationId: r.suggestedLocationId }, 'operator')).status).toBe(200);
  return returns.reduce((n, r) => n + r.quantity, 0);
}

/** The status an order's own events announce last (received, allocated, …, cancelled; held and its release). */
async function announcedStatus(orderId: string): Promise<string | undefined> {
  const rows = await t.app.db.query<{ type: string; data: { to?: string } }>(
    `SELECT type, envelope->'data' AS data FROM platform.events WHERE subject = $1 AND type LIKE 'orders.order.%' ORDER BY seq`, [orderId]);
  let s: string | undefined;
  for (const r of rows) {
    const name = r.type.replace(/^orders\.order\./, '').replace(/\.v1$/, '');
    switch (name) {
      case 'received': case 'lines-changed': s = 'RECEIVED'; break;
      case 'allocated': s = 'ALLOCATED'; break;
      case 'backordered': s = 'BACKORDERED'; break;
      case 'waved': s = 'WAVED'; break;
      case 'unwaved': s = 'ALLOCATED'; break;
      case 'released': s = 'RELEASED'; break;
      case 'picking-started': s = 'PICKING'; break;
      case 'picked': s = 'PICKED'; break;
      case 'packed': s = 'PACKED'; break;
      case 'shipped': s = 'SHIPPED'; break;
      case 'delivered': s = 'DELIVERED'; break;
      case 'cancelled': s = 'CANCELLED'; break;
      case 'held': s = 'ON_HOLD'; break;
      case 'hold-released': s = r.data.to; break;
      default: break; // reprioritised, updated, change-dropped: no status
    }
  }
  return s;
}

/** A final order holds nothing: no allocation, no open reservation, list or task; its status is its last announced one. */
async function expectSettled(orderId: string): Promise<void> {
  await t.settle();
  const o = await order(orderId);
  expect({ orderId, announced: await announcedStatus(orderId) }).toEqual({ orderId, announced: o.status });
  if (o.status !== 'CANCELLED' && o.status !== 'SHIPPED' && o.status !== 'DELIVERED') return;
  const [row] = await t.app.db.query<Record<string, number>>(`
    SELECT (SELECT COALESCE(sum(allocated), 0) FROM inventory.allocations WHERE order_id = $1 AND status = 'ALLOCATED')::int AS allocated,
           (SELECT count(*) FROM inventory.reservations WHERE order_id = $1 AND status = 'OPEN')::int AS reservations,
           (SELECT count(*) FROM picking.pick_lists WHERE $1 = ANY(order_ids) AND status IN ('CREATED', 'IN_PROGRESS'))::int AS open_lists,
           (SELECT count(*) FROM tasks.tasks WHERE status NOT IN ('COMPLETED', 'CANCELLED') AND type <> 'MOVE'
              AND (reference = $1 OR reference IN (SELECT id FROM picking.pick_lists WHERE $1 = ANY(order_ids))))::int AS open_tasks`, [orderId]);
  expect({ orderId, ...row }).toEqual({ orderId, allocated: 0, reservations: 0, open_lists: 0, open_tasks: 0 });
}

async function storefront(topic: string, id: number, lines: readonly [number, number][], address: { address1: string; city: string }, webhookId: string) {
  const raw = JSON.stringify({
    id, name: `#${id}`, email: 'grace@example.com',
    line_items: lines.map(([p, quantity]) => ({ sku: w.products[p]!.sku, quantity, requires_shipping: true })),
    shipping_address: { name: 'Grace Hopper', address1: address.address1, city: address.city, zip: '22201', country_code: 'US' },
  });
  const res = await t.app.http.inject({
    method: 'POST', url: '/api/v1/integrations/storefront/orders', payload: raw,
    headers: {
      'content-type': 'application/json', 'x-shopify-shop-domain': SHOP, 'x-shopify-topic': topic, 'x-shopify-webhook-id': webhookId,
      'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(raw).digest('base64'),
    },
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as { orderId: string; code?: string; status?: string } };
}

describe('holds and changes', () => {
  it('an order held to confirm its address takes the corrected ship-to while held, and keeps it when released', async () => {
    const created = await storefront('orders/create', 7001, [[0, 1]], { address1: '1 Wrong Street', city: 'Arlington' }, 'edges-c-1');
    expect(created.status).toBe(201);
    const id = created.body.orderId;
    await until('allocated', () => status(id), (s) => s === 'ALLOCATED');
    expect((await t.post(`/api/v1/orders/${id}/hold`, { reason: 'address to confirm' }, 'manager')).body.status).toBe('ON_HOLD');
    const fixed = await storefront('orders/updated', 7001, [[0, 1]], { address1: '2 Right Street', city: 'Arlington' }, 'edges-u-1');
    expect({ status: fixed.status, code: fixed.body.code }).toEqual({ status: 200, code: undefined });
    const held = await order(id);
    expect(held).toMatchObject({ status: 'ON_HOLD', shipTo: { line1: '2 Right Street' }, hold: { reason: 'address to confirm' } });
    await t.settle();
    const [ps] = await t.app.db.query<{ line1: string }>(`SELECT ship_to->>'line1' AS line1 FROM pack_ship.orders WHERE order_id = $1`, [id]);
    expect(ps?.line1).toBe('2 Right Street');
    expect((await t.post(`/api/v1/orders/${id}/release-hold`, undefined, 'manager')).body).toMatchObject({ status: 'ALLOCATED', shipTo: { line1: '2 Right Street' } });
    // Lines still cannot change while held (ADR 0052).
    expect((await t.post(`/api/v1/orders/${id}/hold`, { reason: 'again' }, 'manager')).status).toBe(200);
    const lines = await storefront('orders/updated', 7001, [[0, 2]], { address1: '2 Right Street', city: 'Arlington' }, 'edges-u-2');
    expect({ status: lines.status, code: lines.body.code }).toEqual({ status: 409, code: 'ORDER_ON_HOLD' });
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'done' }, 'manager')).status).toBe(200);
    await expectSettled(id);
  });
});

describe('a storefront change after the cancel', () => {
  it('orders/updated with changed lines after the order was cancelled: acknowledged 200 so the shop stops retrying, nothing changed, a STOREFRONT_CHANGE_REFUSED exception names why', async () => {
    const created = await storefront('orders/create', 7301, [[0, 1]], { address1: '1 Main Street', city: 'Arlington' }, 'edges-c-7301');
    expect(created.status).toBe(201);
    const id = created.body.orderId;
    await until('allocated', () => status(id), (x) => x === 'ALLOCATED');
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'customer' }, 'manager')).status).toBe(200);
    const before = await order(id);
    // Before, 409 ORDER_CANCELLED: the shop retries a non-2xx answer for ever.
    const late = await storefront('orders/updated', 7301, [[0, 3]], { address1: '1 Main Street', city: 'Arlington' }, 'edges-u-7301');
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ orderId: id, status: 'CANCELLED', duplicate: false, topic: 'orders/updated', refused: { code: 'ORDER_CANCELLED' } });
    const after = await order(id);
    expect({ status: after.status, lines: after.lines, version: (after as unknown as { version: number }).version })
      .toEqual({ status: before.status, lines: before.lines, version: (before as unknown as { version: number }).version });
    // The shop's retry of the same delivery is a redelivery: answered again, refused once.
    const again = await storefront('orders/updated', 7301, [[0, 3]], { address1: '1 Main Street', city: 'Arlington' }, 'edges-u-7301');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ orderId: id, duplicate: true });
    await t.settle();
    const cases = ((await t.get(`/api/v1/exceptions?kind=STOREFRONT_CHANGE_REFUSED&status=OPEN`)).body.items as { subject: string; reason: string; siteId: string | null; actions: string[] }[])
      .filter((x) => x.subject === `EDGES-7301`);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ siteId: w.siteId, actions: ['acknowledge'] });
    expect(cases[0]!.reason).toContain('ORDER_CANCELLED');
    await expectSettled(id);
  });

  it('orders/cancelled of an order already shipped: acknowledged 200 with refused ORDER_SHIPPED so the shop stops retrying, nothing changed, a STOREFRONT_CHANGE_REFUSED exception; a cancel of a cancelled order stays a plain success', async () => {
    const created = await storefront('orders/create', 7302, [[1, 1]], { address1: '2 Main Street', city: 'Arlington' }, 'edges-c-7302');
    expect(created.status).toBe(201);
    const id = created.body.orderId;
    const list = await releasedAlone(id);
    expect((await confirm(list, list.lines[0]!, 1)).status).toBe(200);
    await until('picked', () => status(id), (s) => s === 'PICKED');
    await t.settle();
    expect((await t.post('/api/v1/packages', { orderId: id }, 'operator')).status).toBe(201);
    const shipment = await t.post('/api/v1/shipments', { orderId: id }, 'operator');
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`, undefined, 'operator')).status).toBe(200);
    await until('shipped', () => status(id), (s) => s === 'SHIPPED');
    await t.settle();
    const before = await order(id);
    // Before, 409 ORDER_SHIPPED: the shop retries a non-2xx answer for ever, and no retry can cancel a shipped order.
    const late = await storefront('orders/cancelled', 7302, [[1, 1]], { address1: '2 Main Street', city: 'Arlington' }, 'edges-x-7302');
    expect({ status: late.status, code: late.body.code }).toEqual({ status: 200, code: undefined });
    expect(late.body).toMatchObject({ orderId: id, status: null, duplicate: false, topic: 'orders/cancelled', refused: { code: 'ORDER_SHIPPED' } });
    const after = await order(id);
    expect({ status: after.status, lines: after.lines, version: (after as unknown as { version: number }).version })
      .toEqual({ status: before.status, lines: before.lines, version: (before as unknown as { version: number }).version });
    // The shop's retry of the same delivery is a redelivery: answered again, refused once.
    const again = await storefront('orders/cancelled', 7302, [[1, 1]], { address1: '2 Main Street', city: 'Arlington' }, 'edges-x-7302');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ orderId: id, duplicate: true });
    await t.settle();
    const refusals = ((await t.get(`/api/v1/events?type=integrations.storefront-change.refused.v1&subject=${id}`)).body.items as { data: { orderId: string; topic: string; code: string; webhookId?: string } }[])
      .filter((e) => e.data.orderId === id);
    expect(refusals.map((e) => e.data)).toMatchObject([{ topic: 'orders/cancelled', code: 'ORDER_SHIPPED', webhookId: 'edges-x-7302' }]);
    const cases = ((await t.get(`/api/v1/exceptions?kind=STOREFRONT_CHANGE_REFUSED&status=OPEN`)).body.items as { subject: string; reason: string; siteId: string | null; actions: string[] }[])
      .filter((x) => x.subject === 'EDGES-7302');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ siteId: w.siteId, actions: ['acknowledge'] });
    expect(cases[0]!.reason).toContain('orders/cancelled');
    expect(cases[0]!.reason).toContain('ORDER_SHIPPED');
    await expectSettled(id);

    // A cancel of an order PakLog cancelled already stays idempotent success: no refusal, no exception.
    const other = await storefront('orders/create', 7303, [[1, 1]], { address1: '3 Main Street', city: 'Arlington' }, 'edges-c-7303');
    expect(other.status).toBe(201);
    const otherId = other.body.orderId;
    await until('allocated', () => status(otherId), (x) => x === 'ALLOCATED');
    expect((await t.post(`/api/v1/orders/${otherId}/cancel`, { reason: 'customer' }, 'manager')).status).toBe(200);
    const cancelAgain = await storefront('orders/cancelled', 7303, [[1, 1]], { address1: '3 Main Street', city: 'Arlington' }, 'edges-x-7303');
    expect(cancelAgain.status).toBe(200);
    expect(cancelAgain.body).toMatchObject({ orderId: otherId, status: 'CANCELLED', duplicate: false, topic: 'orders/cancelled' });
    expect((cancelAgain.body as { refused?: unknown }).refused).toBeUndefined();
    await t.settle();
    expect(((await t.get(`/api/v1/exceptions?kind=STOREFRONT_CHANGE_REFUSED`)).body.items as { subject: string }[]).filter((x) => x.subject === 'EDGES-7303')).toEqual([]);
    await expectSettled(otherId);
  });
});

describe('orders whose lines end in different states', () => {
  it('ship partial: one line picked, one shorted for good, one picked: two packages, shipped partial, the shorted line holds nothing', async () => {
    const [a, b, c] = [w.products[0]!.sku, w.products[4]!.sku, w.products[1]!.sku];
    await receive(b, 2, 4);
    const id = await newOrder([{ sku: a, quantity: 2 }, { sku: b, quantity: 2 }, { sku: c, quantity: 1 }]);
    const list = await releasedAlone(id);
    expect((await confirm(list, lineOf(list, a), 2)).status).toBe(200);
    expect((await short(list, lineOf(list, b))).status).toBe(200);
    expect((await confirm(list, lineOf(list, c), 1)).status).toBe(200);
    await until('picked', () => status(id), (s) => s === 'PICKED');
    await t.settle();
    const lines = (await order(id)).lines;
    const lineA = lines.find((l) => l.sku === a)!;
    const lineC = lines.find((l) => l.sku === c)!;
    expect((await t.post('/api/v1/packages', { orderId: id, units: [{ lineId: lineA.id, quantity: 2 }] }, 'operator')).status).toBe(201);
    expect((await t.post('/api/v1/shipments', { orderId: id }, 'operator')).body.code).toBe('UNITS_NOT_PACKED');
    expect((await t.post('/api/v1/packages', { orderId: id, units: [{ lineId: lineC.id, quantity: 1 }] }, 'operator')).status).toBe(201);
    const shipment = await t.post('/api/v1/shipments', { orderId: id }, 'operator');
    expect(shipment.status).toBe(201);
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`, undefined, 'operator')).status).toBe(200);
    await until('shipped', () => status(id), (s) => s === 'SHIPPED');
    await expectSettled(id);
    const after = await order(id);
    expect(after.lines.map((l) => [l.sku, l.shipped]).sort()).toEqual([[a, 2], [b, 0], [c, 1]].sort());
    const [ev] = await t.app.db.query<{ partial: boolean }>(
      `SELECT (envelope->'data'->>'partial')::boolean AS partial FROM platform.events WHERE type = 'orders.order.shipped.v1' AND subject = $1`, [id]);
    expect(ev?.partial).toBe(true);
    // The shorted line's two units are promised to nobody: another order gets them.
    const other = await newOrder([{ sku: b, quantity: 2 }]);
    await until('other allocated', () => status(other), (s) => s === 'ALLOCATED');
    expect((await t.post(`/api/v1/orders/${other}/cancel`, { reason: 'probe' }, 'manager')).status).toBe(200);
    await expectSettled(other);
  });

  it('ship complete: one line picked, the other waits for stock; cancelled then; the stock that arrives goes to nobody', async () => {
    const b = w.products[5]!.sku;
    const id = await waitingForStock(w.products[1]!.sku, b, 5);
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'customer gave up' }, 'manager')).status).toBe(200);
    await expectSettled(id);
    await receive(b, 2, 6);
    await t.settle();
    expect((await t.get(`/api/v1/pick-lists?orderId=${id}`)).body.items.filter((l: PickList) => l.status !== 'CANCELLED' && l.status !== 'COMPLETED' && l.status !== 'PARTIAL')).toEqual([]);
    await expectSettled(id);
    expect(await returnAll(id)).toBe(1);
  });
});

describe('tasks off the happy path, then the order cancelled', () => {
  it('a PICK task FAILED at the limit: the cancel withdraws it and its TASK_FAILED case resolves', async () => {
    const id = await newOrder([{ sku: w.products[2]!.sku, quantity: 1 }]);
    const list = await releasedAlone(id);
    const task = (await t.post('/api/v1/tasks/next', { workerId: 'edges-w1', siteId: w.siteId, types: ['PICK'] })).body as { id: string; reference: string };
    expect(task.reference).toBe(list.id);
    expect((await t.post(`/api/v1/tasks/${task.id}/start`, { workerId: 'edges-w1' })).status).toBe(200);
    const failed = await t.post(`/api/v1/tasks/${task.id}/fail`, { workerId: 'edges-w1', reason: 'EQUIPMENT' });
    expect(failed.body.status).toBe('FAILED');
    await t.settle();
    const open = (await t.get(`/api/v1/exceptions?kind=TASK_FAILED&status=OPEN`)).body.items as { id: string; subject: string }[];
    expect(open.map((x) => x.subject)).toContain(task.id);
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'probe' }, 'manager')).status).toBe(200);
    await t.settle();
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body.status).toBe('CANCELLED');
    const still = (await t.get(`/api/v1/exceptions?kind=TASK_FAILED&status=OPEN`)).body.items as { subject: string }[];
    expect(still.map((x) => x.subject)).not.toContain(task.id);
    await expectSettled(id);
  });
});

describe('an expedited order at the pack bench', () => {
  const packTask = async (orderId: string) => {
    const items = (await t.getAll<{ id: string; type: string; reference: string; status: string; priority: number }>(`/api/v1/tasks?siteId=${w.siteId}&type=PACK`));
    return items.filter((x) => x.reference === orderId && x.status !== 'COMPLETED' && x.status !== 'CANCELLED');
  };

  it('an order given priority 1 once picked: its PACK task not started yet becomes the most urgent', async () => {
    const id = await newOrder([{ sku: w.products[0]!.sku, quantity: 1 }]);
    const list = await releasedAlone(id);
    expect((await confirm(list, list.lines[0]!, 1)).status).toBe(200);
    await until('picked', () => status(id), (s) => s === 'PICKED');
    const [queued] = await until('PACK task', () => packTask(id), (l) => l.length === 1);
    expect(queued!.priority).toBe(5);
    expect((await t.post(`/api/v1/orders/${id}/reprioritise`, { priority: 1 }, 'manager')).status).toBe(200);
    await t.settle();
    expect((await packTask(id)).map((x) => x.priority)).toEqual([1]);
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'probe' }, 'manager')).status).toBe(200);
    await expectSettled(id);
  });

  it('an order received with priority 1, or expedited while picked: its PACK task is queued most urgent', async () => {
    const urgent = await newOrder([{ sku: w.products[1]!.sku, quantity: 1 }], { priority: 1 });
    const expedited = await newOrder([{ sku: w.products[2]!.sku, quantity: 1 }]);
    for (const id of [urgent, expedited]) await until('allocated', () => status(id), (s) => s === 'ALLOCATED');
    const lists = await release([urgent, expedited]);
    expect((await t.post(`/api/v1/orders/${expedited}/reprioritise`, { priority: 2 }, 'manager')).status).toBe(200);
    await t.settle();
    for (const id of [urgent, expedited]) {
      const list = lists.get(id)!;
      expect((await confirm(list, list.lines[0]!, 1)).status).toBe(200);
      await until('picked', () => status(id), (s) => s === 'PICKED');
    }
    await t.settle();
    expect((await packTask(urgent)).map((x) => x.priority)).toEqual([1]);
    expect((await packTask(expedited)).map((x) => x.priority)).toEqual([2]);
    for (const id of [urgent, expedited]) {
      expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'probe' }, 'manager')).status).toBe(200);
      await expectSettled(id);
    }
  });
});

describe('more moments off the happy path', () => {
  const returnsOf = async (orderId: string) =>
    (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${orderId}`)).body.items as { id: string; quantity: number; suggestedLocationId: string }[];
  const inTote = async (orderId: string): Promise<number> =>
    (await t.app.db.query<{ n: number }>(`SELECT COALESCE(sum(on_hand), 0)::int AS n FROM inventory.balances WHERE location_id = 'IN_PROCESS:' || $1`, [orderId]))[0]!.n;

  it('a pick task failed half-way, re-queued by a supervisor and finished by another picker; cancelled once packed: every unit returns once', async () => {
    const sku = w.products[3]!.sku;
    const id = await newOrder([{ sku, quantity: 4 }]);
    const list = await releasedAlone(id);
    const first = (await t.post('/api/v1/tasks/next', { workerId: 'edges-a', siteId: w.siteId, types: ['PICK'] })).body as { id: string; reference: string };
    expect((await t.post(`/api/v1/tasks/${first.id}/start`, { workerId: 'edges-a' })).status).toBe(200);
    const line = list.lines[0]!;
    expect((await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 1, toteId: 'TOTE-EDGES-A',
    })).status).toBe(200);
    expect((await t.post(`/api/v1/tasks/${first.id}/fail`, { workerId: 'edges-a', reason: 'EQUIPMENT' })).body.status).toBe('FAILED');
    expect((await t.post(`/api/v1/tasks/${first.id}/requeue`, { note: 'truck fixed' }, 'manager')).body.status).toBe('QUEUED');
    const again = (await t.post('/api/v1/tasks/next', { workerId: 'edges-b', siteId: w.siteId, types: ['PICK'] })).body as { id: string };
    expect(again.id).toBe(first.id);
    expect((await t.post(`/api/v1/tasks/${first.id}/start`, { workerId: 'edges-b' })).status).toBe(200);
    expect((await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 3, toteId: 'TOTE-EDGES-B',
    })).status).toBe(200);
    await until('picked', () => status(id), (s) => s === 'PICKED');
    await t.settle();
    expect((await t.post('/api/v1/packages', { orderId: id }, 'operator')).status).toBe(201);
    await until('packed', () => status(id), (s) => s === 'PACKED');
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'probe' }, 'manager')).status).toBe(200);
    await expectSettled(id);
    expect({ returned: (await returnsOf(id)).reduce((n, r) => n + r.quantity, 0), inTote: await inTote(id) }).toEqual({ returned: 4, inTote: 4 });
    for (const r of await returnsOf(id)) expect((await t.post(`/api/v1/inventory/returns/${r.id}/confirm`, { locationId: r.suggestedLocationId }, 'operator')).status).toBe(200);
    expect(await inTote(id)).toBe(0);
  });

  it('cancelled in its second packing round (a sealed package repacked): the round\'s PACK task is withdrawn, every unit returns once', async () => {
    const sku = w.products[0]!.sku;
    const id = await newOrder([{ sku, quantity: 2 }]);
    const list = await releasedAlone(id);
    expect((await confirm(list, list.lines[0]!, 2)).status).toBe(200);
    await until('picked', () => status(id), (s) => s === 'PICKED');
    await t.settle();
    const pkg = await t.post('/api/v1/packages', { orderId: id }, 'operator');
    await until('packed', () => status(id), (s) => s === 'PACKED');
    expect((await t.post(`/api/v1/packages/${pkg.body.id}/repack`, undefined, 'operator')).status).toBe(200);
    await until('picked again', () => status(id), (s) => s === 'PICKED');
    await t.settle();
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'probe' }, 'manager')).status).toBe(200);
    await expectSettled(id);
    const open = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks.tasks WHERE type = 'PACK' AND reference = $1 AND status NOT IN ('COMPLETED', 'CANCELLED')`, [id]);
    expect(open[0]!.n).toBe(0);
    expect({ returned: (await returnsOf(id)).reduce((n, r) => n + r.quantity, 0), inTote: await inTote(id) }).toEqual({ returned: 2, inTote: 2 });
    for (const r of await returnsOf(id)) expect((await t.post(`/api/v1/inventory/returns/${r.id}/confirm`, { locationId: r.suggestedLocationId }, 'operator')).status).toBe(200);
  });

  it('delivered: cancel, hold and a changed ship-to are refused as shipped; the same content again is a no-op', async () => {
    const created = await storefront('orders/create', 7201, [[1, 1]], { address1: '5 Main Street', city: 'Arlington' }, 'edges-c-5');
    const id = created.body.orderId;
    const list = await releasedAlone(id);
    expect((await confirm(list, list.lines[0]!, 1)).status).toBe(200);
    await until('picked', () => status(id), (s) => s === 'PICKED');
    await t.settle();
    expect((await t.post('/api/v1/packages', { orderId: id }, 'operator')).status).toBe(201);
    const shipment = await t.post('/api/v1/shipments', { orderId: id }, 'operator');
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`, undefined, 'operator')).status).toBe(200);
    expect((await t.post('/api/v1/carrier-events', { carrier: 'OWN_FLEET', trackingNumber: shipment.body.trackingNumber, status: 'DELIVERED', at: new Date().toISOString() }, 'integration')).status).toBe(200);
    await until('delivered', () => status(id), (s) => s === 'DELIVERED');
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'late' }, 'manager')).body.code).toBe('ORDER_SHIPPED');
    expect((await t.post(`/api/v1/orders/${id}/hold`, { reason: 'late' }, 'manager')).body.code).toBe('ORDER_SHIPPED');
    const same = await storefront('orders/updated', 7201, [[1, 1]], { address1: '5 Main Street', city: 'Arlington' }, 'edges-u-5');
    expect({ status: same.status, code: same.body.code }).toEqual({ status: 200, code: undefined });
    const moved = await storefront('orders/updated', 7201, [[1, 1]], { address1: '6 Main Street', city: 'Arlington' }, 'edges-u-6');
    // Acknowledged, not applied (no retry could apply it; ADR 0011 addendum 2026-12-07 bis): 409 before.
    expect({ status: moved.status, refused: (moved.body as { refused?: { code: string } }).refused?.code }).toEqual({ status: 200, refused: 'ORDER_SHIPPED' });
    const cancelled = await storefront('orders/cancelled', 7201, [[1, 1]], { address1: '5 Main Street', city: 'Arlington' }, 'edges-x-5');
    // Acknowledged, not applied, as the change above: 409 before.
    expect({ status: cancelled.status, refused: (cancelled.body as { refused?: { code: string } }).refused?.code }).toEqual({ status: 200, refused: 'ORDER_SHIPPED' });
    await expectSettled(id);
  });

  it('a wave planned with an order that must be held: the wave cancelled, the order held, released, planned again and shipped', async () => {
    const id = await newOrder([{ sku: w.products[2]!.sku, quantity: 1 }]);
    await until('allocated', () => status(id), (s) => s === 'ALLOCATED');
    await t.settle();
    const plan = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 100 });
    expect(plan.body.orderIds).toEqual([id]);
    await t.settle();
    expect((await t.post(`/api/v1/orders/${id}/hold`, { reason: 'credit' }, 'manager')).body.code).toBe('ORDER_IN_FULFILMENT');
    expect((await t.post(`/api/v1/waves/${plan.body.id}/cancel`, undefined, 'manager')).status).toBe(200);
    await until('unwaved', () => status(id), (s) => s === 'ALLOCATED');
    await t.settle();
    expect((await t.post(`/api/v1/orders/${id}/hold`, { reason: 'credit' }, 'manager')).body.status).toBe('ON_HOLD');
    await t.settle();
    expect((await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 100 })).body.code).toBe('NOTHING_TO_PLAN');
    expect((await t.post(`/api/v1/orders/${id}/release-hold`, undefined, 'manager')).body.status).toBe('ALLOCATED');
    const list = (await release([id])).get(id)!;
    expect((await confirm(list, list.lines[0]!, 1)).status).toBe(200);
    await until('picked', () => status(id), (s) => s === 'PICKED');
    await t.settle();
    expect((await t.post('/api/v1/packages', { orderId: id }, 'operator')).status).toBe(201);
    const shipment = await t.post('/api/v1/shipments', { orderId: id }, 'operator');
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`, undefined, 'operator')).status).toBe(200);
    await until('shipped', () => status(id), (s) => s === 'SHIPPED');
    await expectSettled(id);
    expect((await t.get(`/api/v1/waves/${plan.body.id}`)).body.status).toBe('CANCELLED');
  });
});

describe('several packages', () => {
  it('a shipment of two packages voided, one package repacked, booked again and dispatched: each unit ships once', async () => {
    const [a, c] = [w.products[3]!.sku, w.products[0]!.sku];
    const id = await newOrder([{ sku: a, quantity: 3 }, { sku: c, quantity: 1 }]);
    const list = await releasedAlone(id);
    await pickAll(id, list);
    const lines = (await order(id)).lines;
    const p1 = await t.post('/api/v1/packages', { orderId: id, units: [{ lineId: lines.find((l) => l.sku === a)!.id, quantity: 3 }] }, 'operator');
    const p2 = await t.post('/api/v1/packages', { orderId: id, units: [{ lineId: lines.find((l) => l.sku === c)!.id, quantity: 1 }] }, 'operator');
    expect([p1.status, p2.status]).toEqual([201, 201]);
    await until('packed', () => status(id), (s) => s === 'PACKED');
    const s1 = await t.post('/api/v1/shipments', { orderId: id }, 'operator');
    expect(s1.status).toBe(201);
    expect((await t.post(`/api/v1/shipments/${s1.body.id}/void`, undefined, 'operator')).status).toBe(200);
    const repack = await t.post(`/api/v1/packages/${p1.body.id}/repack`, undefined, 'operator');
    expect(repack.status).toBe(200);
    await until('picked again', () => status(id), (s) => s === 'PICKED');
    await t.settle();
    expect((await t.post('/api/v1/packages', { orderId: id }, 'operator')).status).toBe(201);
    await until('packed again', () => status(id), (s) => s === 'PACKED');
    const s2 = await t.post('/api/v1/shipments', { orderId: id }, 'operator');
    expect(s2.status).toBe(201);
    expect((await t.post(`/api/v1/shipments/${s2.body.id}/dispatch`, undefined, 'operator')).status).toBe(200);
    await until('shipped', () => status(id), (s) => s === 'SHIPPED');
    await expectSettled(id);
    const [row] = await t.app.db.query<{ shipped: number }>(
      `SELECT COALESCE(-sum(delta_on_hand), 0)::int AS shipped FROM inventory.movements WHERE type = 'SHIP' AND reference IN (SELECT id FROM pack_ship.shipments WHERE order_id = $1)`, [id]);
    expect(Math.abs(row!.shipped)).toBe(4);
    expect((await order(id)).lines.map((l) => l.shipped).sort()).toEqual([1, 3]);
  });

  it('cancelled after a two-package shipment was booked: both packages voided, every unit under a return once', async () => {
    const [a, c] = [w.products[2]!.sku, w.products[1]!.sku];
    const id = await newOrder([{ sku: a, quantity: 2 }, { sku: c, quantity: 2 }]);
    const list = await releasedAlone(id);
    await pickAll(id, list);
    const lines = (await order(id)).lines;
    for (const l of lines) expect((await t.post('/api/v1/packages', { orderId: id, units: [{ lineId: l.id, quantity: 2 }] }, 'operator')).status).toBe(201);
    const s1 = await t.post('/api/v1/shipments', { orderId: id }, 'operator');
    expect(s1.status).toBe(201);
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'probe' }, 'manager')).status).toBe(200);
    expect((await t.post(`/api/v1/shipments/${s1.body.id}/dispatch`, undefined, 'operator')).body.code).toBe('ORDER_CANCELLED');
    await expectSettled(id);
    const [row] = await t.app.db.query<Record<string, number>>(`
      SELECT (SELECT count(*) FROM pack_ship.packages WHERE order_id = $1 AND status <> 'CANCELLED')::int AS live_packages,
             (SELECT COALESCE(sum(quantity), 0) FROM inventory.returns WHERE order_id = $1)::int AS returned,
             (SELECT COALESCE(sum(on_hand), 0) FROM inventory.balances WHERE location_id = 'IN_PROCESS:' || $1)::int AS in_tote`, [id]);
    expect(row).toEqual({ live_packages: 0, returned: 4, in_tote: 4 });
    await returnAll(id);
  });
});

describe('the exception queue: each action leads somewhere', () => {
  const exceptionsOf = async (subject: string, kind: string) =>
    ((await t.get(`/api/v1/exceptions?kind=${kind}&status=OPEN`)).body.items as { id: string; subject: string; actions: string[] }[]).filter((x) => x.subject === subject);

  it('ORDER_NOT_MOVING on a held order: its release moves the order and the case clears', async () => {
    const id = await newOrder([{ sku: w.products[0]!.sku, quantity: 1 }]);
    await until('allocated', () => status(id), (s) => s === 'ALLOCATED');
    expect((await t.post(`/api/v1/orders/${id}/hold`, { reason: 'credit' }, 'manager')).status).toBe(200);
    const [x] = await until('ORDER_NOT_MOVING', () => exceptionsOf(id, 'ORDER_NOT_MOVING'), (l) => l.length > 0, 15_000);
    // A held order is not re-driven by a retry: the answer points at its release, its way on.
    const retry = await t.post(`/api/v1/exceptions/${x!.id}/actions/retry`, undefined, 'manager');
    expect({ status: retry.status, code: retry.body.code }).toEqual({ status: 409, code: 'ACTION_FAILED' });
    expect(retry.body.detail).toContain(`/orders/${id}/release-hold`);
    expect((await t.post(`/api/v1/orders/${id}/release-hold`, undefined, 'manager')).status).toBe(200);
    await until('case cleared', async () => (await t.get(`/api/v1/exceptions/${x!.id}`)).body.status, (s) => s === 'RESOLVED', 10_000);
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'probe' }, 'manager')).status).toBe(200);
    await expectSettled(id);
  });

  it('ORDER_NOT_MOVING on a shipComplete order waiting for stock: retry does not send the picker back to where the units were shorted; cancel ends it', async () => {
    const b = w.products[6]!.sku;
    const id = await waitingForStock(w.products[1]!.sku, b, 7);
    const [x] = await until('ORDER_NOT_MOVING', () => exceptionsOf(id, 'ORDER_NOT_MOVING'), (l) => l.length > 0, 15_000);
    const retry = await t.post(`/api/v1/exceptions/${x!.id}/actions/retry`, undefined, 'manager');
    // The units are still on the books where they were shorted (reason OTHER): a retry does not send the picker back there,
    // and says what the order waits for (not 'not enough stock to allocate': it is allocated).
    expect({ status: retry.status, code: retry.body.code }).toEqual({ status: 409, code: 'ACTION_FAILED' });
    expect(retry.body.detail).toContain('SHORT_PICK');
    expect(retry.body.detail).not.toContain('to allocate');
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'probe' }, 'manager')).status).toBe(200);
    await expectSettled(id);
    await returnAll(id);
  });

  it('ORDER_NOT_MOVING on an order whose lines changed to a SKU out of stock: retry retries the SKUs it has now', async () => {
    const created = await storefront('orders/create', 7101, [[0, 1]], { address1: '3 Main Street', city: 'Arlington' }, 'edges-c-3');
    expect(created.status).toBe(201);
    const id = created.body.orderId;
    await until('allocated', () => status(id), (s) => s === 'ALLOCATED');
    const changed = await storefront('orders/updated', 7101, [[7, 1]], { address1: '3 Main Street', city: 'Arlington' }, 'edges-u-3');
    expect({ status: changed.status, code: changed.body.code }).toEqual({ status: 200, code: undefined });
    await until('backordered', () => status(id), (s) => s === 'BACKORDERED');
    const stalled = async () => ((await t.get(`/api/v1/exceptions?kind=ORDER_NOT_MOVING&status=OPEN`)).body.items as { id: string; subject: string; reason: string }[])
      .filter((x) => x.subject === id && x.reason.includes('BACKORDERED'));
    const [x] = await until('ORDER_NOT_MOVING (BACKORDERED)', stalled, (l) => l.length > 0, 15_000);
    const retry = await t.post(`/api/v1/exceptions/${x!.id}/actions/retry`, undefined, 'manager');
    expect({ status: retry.status, code: retry.body.code }).toEqual({ status: 409, code: 'ACTION_FAILED' });
    expect(retry.body.detail).toContain(w.products[7]!.sku);
    expect(retry.body.detail).not.toContain(w.products[0]!.sku);
    expect((await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'probe' }, 'manager')).status).toBe(200);
    await expectSettled(id);
  });

  // race12: a supervisor cancels a stalled packed order from the queue while a SHIP scan of its carton is deciding at
  // the dock. The order's own cancel answers 409 ORDER_SHIPPING (ask again: the answer is then final); the queue's
  // cancel answered a generic 409 ACTION_FAILED ("the action could not resolve the exception"), which says nothing a
  // client can act on. Failed before: ACTION_FAILED.
  it('ORDER_NOT_MOVING on a packed order whose SHIP scan is deciding at the dock: the cancel action answers ORDER_SHIPPING, the case stays open; asked again once the scan is over, it cancels', async () => {
    const id = await newOrder([{ sku: w.products[2]!.sku, quantity: 1 }]);
    await pickAll(id, await releasedAlone(id));
    expect((await t.post('/api/v1/packages', { orderId: id })).status).toBe(201);
    expect((await t.post('/api/v1/shipments', { orderId: id })).status).toBe(201);
    await until('packed', () => status(id), (s) => s === 'PACKED');
    const [x] = await until('ORDER_NOT_MOVING', () => exceptionsOf(id, 'ORDER_NOT_MOVING'), (l) => l.length > 0, 15_000);
    expect(x!.actions).toContain('cancel');
    // A SHIP scan of the order's carton has claimed it at the dock and not committed yet (its process stopped there: the
    // dock-claims job ends such a claim within seconds).
    const packageIds = ((await t.get(`/api/v1/packages?orderId=${id}`)).body.items as { id: string }[]).map((p) => p.id);
    await t.app.db.query(`INSERT INTO physical_tracking.dock_claims (claim_id, state, claimed_at) VALUES ($1, 'PENDING', now())`, [`dsc_${id}`]);
    await t.app.db.query(`INSERT INTO pack_ship.dock_ship_claims (claim_id, order_id, claimed_at, package_ids) VALUES ($1, $2, now(), $3::text[])`, [`dsc_${id}`, id, packageIds]);
    const own = await t.post(`/api/v1/orders/${id}/cancel`, { reason: 'probe' }, 'manager');
    const queued = await t.post(`/api/v1/exceptions/${x!.id}/actions/cancel`, undefined, 'manager');
    expect({ own: [own.status, own.body.code], queued: [queued.status, queued.body.code] }).toEqual({ own: [409, 'ORDER_SHIPPING'], queued: [409, 'ORDER_SHIPPING'] });
    expect(queued.body.detail).toMatch(/SHIP scan .* under way at the dock: ask again/);
    expect((await t.get(`/api/v1/exceptions/${x!.id}`)).body.status).toBe('OPEN');
    // Asked again once the claim is over (nothing shipped): the order is cancelled and the case resolved by the action.
    const done = await until('the cancel answered for good', () => t.post(`/api/v1/exceptions/${x!.id}/actions/cancel`, undefined, 'manager'),
      (r) => r.status !== 409 || r.body.code !== 'ORDER_SHIPPING', 20_000);
    expect({ status: done.status, resolution: done.body.resolution }).toEqual({ status: 200, resolution: 'cancel' });
    expect(await status(id)).toBe('CANCELLED');
    await expectSettled(id);
    await returnAll(id);
  });

  it('stock is conserved and every order reads what its events announced', async () => {
    await t.settle();
    const ids = (await t.app.db.query<{ id: string }>('SELECT id FROM orders.orders ORDER BY id')).map((r) => r.id);
    for (const id of ids) expect({ id, announced: await announcedStatus(id) }).toEqual({ id, announced: await status(id) });
    // Every order here ended (shipped or cancelled): no wave of theirs is left on the floor.
    const open = await t.app.db.query<{ id: string; status: string }>(`SELECT id, status FROM waves.waves WHERE status NOT IN ('COMPLETED', 'CANCELLED') ORDER BY id`);
    const final = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders.orders WHERE status NOT IN ('SHIPPED', 'DELIVERED', 'CANCELLED')`);
    expect({ open, unfinishedOrders: final[0]!.n }).toEqual({ open: [], unfinishedOrders: 0 });
    await expectLedgerConserved(t, w.siteId);
  });
});
