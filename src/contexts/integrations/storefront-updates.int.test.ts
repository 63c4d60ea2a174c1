import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { injectClient, orderStatus, planAndRelease, receiveStock, setupWarehouse, until, type Warehouse } from '../../../test/support/flow-driver.ts';

/**
 * Issue 15: storefront updates and cancellations before release (ADR 0040). `orders/updated` replaces the ship-to of an
 * order not yet waved, and its lines (ADR 0046: allocated anew), and is refused (409, machine code) after; `orders/cancelled` cancels;
 * each is signed like `orders/create` and idempotent on redelivery.
 */
let t: TestApp;
let w: Warehouse;
const SHOP = 'upd.myshopify.com';
const SECRET = 'shpss_update_test_secret_0001';
beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.manager), { siteCode: 'SFU', aisles: 1, bays: 2, levels: 1, skus: 2 });
  expect((await t.post('/api/v1/integrations/storefront-channels', { shopDomain: SHOP, siteId: 'SFU', secret: SECRET }, 'integration')).status).toBe(201);
});
afterAll(async () => t.close());

const payload = (id: number, o: { city?: string; quantity?: number } = {}) => JSON.stringify({
  id, name: `#${id}`, email: 'ada@example.com',
  line_items: [{ sku: w.products[0]!.sku, quantity: o.quantity ?? 1, requires_shipping: true }],
  shipping_address: { name: 'Ada Lovelace', address1: '12 Analytical Row', city: o.city ?? 'London', zip: 'N1 7AA', country_code: 'GB' },
});
async function post(raw: string, topic: string, webhookId: string, secret = SECRET) {
  const res = await t.app.http.inject({
    method: 'POST', url: '/api/v1/integrations/storefront/orders', payload: raw,
    headers: {
      'content-type': 'application/json', 'x-shopify-shop-domain': SHOP, 'x-shopify-topic': topic, 'x-shopify-webhook-id': webhookId,
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(raw).digest('base64'),
    },
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as { orderId: string; duplicate: boolean; status: string | null; code?: string; errors?: { field: string }[] } };
}
const shipTo = async (orderId: string): Promise<{ city: string }> => (await t.get(`/api/v1/orders/${orderId}`)).body.shipTo;

describe('storefront orders/updated and orders/cancelled', () => {
  it('an update before the wave changes the ship-to, then the lines, once each; a forged update and an update after the wave are refused', async () => {
    const created = await post(payload(501), 'orders/create', 'u-1');
    expect(created.status).toBe(201);
    const orderId = created.body.orderId;

    const updated = await post(payload(501, { city: 'Cambridge' }), 'orders/updated', 'u-2');
    expect(updated).toMatchObject({ status: 200, body: { orderId, duplicate: false } });
    expect(await shipTo(orderId)).toMatchObject({ city: 'Cambridge' });
    // Redelivered: answered as before, nothing happens again; the same content under a new webhook id changes nothing either.
    expect((await post(payload(501, { city: 'Cambridge' }), 'orders/updated', 'u-2')).body).toMatchObject({ orderId, duplicate: true });
    expect((await post(payload(501, { city: 'Cambridge' }), 'orders/updated', 'u-2b')).body).toMatchObject({ orderId, duplicate: true });
    await t.settle();
    const events = (await t.get(`/api/v1/events?type=orders.order.updated.v1`)).body.items as { data: { orderId: string; shipTo: { city: string } } }[];
    expect(events.map((e) => [e.data.orderId, e.data.shipTo.city])).toEqual([[orderId, 'Cambridge']]);
    // Pack & ship follows it: labels print the new address.
    const packCopy = await t.app.db.query<{ ship_to: { city: string } }>('SELECT ship_to FROM pack_ship.orders WHERE order_id = $1', [orderId]);
    expect(packCopy[0]?.ship_to.city).toBe('Cambridge');

    // A line change before the wave (ADR 0046): new lines (new ids), the order RECEIVED again and allocated anew.
    const before = (await t.get(`/api/v1/orders/${orderId}`)).body as { lines: { id: string }[] };
    const lines = await post(payload(501, { city: 'Cambridge', quantity: 3 }), 'orders/updated', 'u-3');
    expect(lines).toMatchObject({ status: 200, body: { orderId, duplicate: false } });
    await t.settle();
    const changed = (await t.get(`/api/v1/orders/${orderId}`)).body as { status: string; lines: { id: string; sku: string; ordered: number }[] };
    expect(changed.lines.map((l) => [l.sku, l.ordered])).toEqual([[w.products[0]!.sku, 3]]);
    expect(changed.lines[0]!.id).not.toBe(before.lines[0]!.id);
    expect(changed.status).toBe('BACKORDERED'); // no stock yet
    const lineEvents = (await t.get(`/api/v1/events?type=orders.order.lines-changed.v1`)).body.items as { data: { orderId: string; previousLines: { quantity: number }[]; lines: { quantity: number }[] } }[];
    expect(lineEvents.map((e) => [e.data.orderId, e.data.previousLines[0]!.quantity, e.data.lines[0]!.quantity])).toEqual([[orderId, 1, 3]]);
    const packLines = await t.app.db.query<{ ordered: number }>('SELECT ordered FROM pack_ship.order_lines WHERE order_id = $1', [orderId]);
    expect(packLines.map((l) => l.ordered)).toEqual([3]);
    const allocations = await t.app.db.query<{ requested: number }>('SELECT requested FROM inventory.allocations WHERE order_id = $1', [orderId]);
    expect(allocations.map((a) => a.requested)).toEqual([3]);
    // Redelivered: nothing happens again.
    expect((await post(payload(501, { city: 'Cambridge', quantity: 3 }), 'orders/updated', 'u-3b')).body).toMatchObject({ orderId, duplicate: true });
    expect((await post(payload(501, { city: 'Oxford' }), 'orders/updated', 'u-4', 'shpss_forged_secret_000000')).status).toBe(401);
    expect(await shipTo(orderId)).toMatchObject({ city: 'Cambridge' });

    // Waved and released: the update is refused with a machine code, the order is unchanged.
    const call = injectClient(t.app, t.keys.manager);
    await receiveStock(call, w, 5, 1);
    await until('allocated', () => orderStatus(call, orderId), (s) => s === 'ALLOCATED');
    await t.settle(); // the wave pool hears of the allocation
    await planAndRelease(call, w.siteId, 10);
    await until('released', () => orderStatus(call, orderId), (s) => s === 'RELEASED');
    const released = (await t.get(`/api/v1/events?type=waves.wave.released.v1`)).body.items as { data: { orders: { orderId: string; lines: { quantity: number }[] }[] } }[];
    expect(released.flatMap((e) => e.data.orders).find((o) => o.orderId === orderId)?.lines.map((l) => l.quantity)).toEqual([3]);
    const late = await post(payload(501, { city: 'Oxford' }), 'orders/updated', 'u-5');
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('ORDER_IN_FULFILMENT');
    expect(await shipTo(orderId)).toMatchObject({ city: 'Cambridge' });
    // Cancelled at any stage before dispatch, once.
    const cancelled = await post(payload(501), 'orders/cancelled', 'u-6');
    expect(cancelled).toMatchObject({ status: 200, body: { orderId, status: 'CANCELLED', duplicate: false } });
    expect((await post(payload(501), 'orders/cancelled', 'u-6')).body).toMatchObject({ orderId, duplicate: true });
    expect(await orderStatus(call, orderId)).toBe('CANCELLED');
    await t.settle();
  }, 60_000);

  it('an update of an order never received receives it; a cancel of an unknown order is 404; an unknown topic is refused', async () => {
    const upd = await post(payload(777, { city: 'Bath' }), 'orders/updated', 'n-1');
    expect(upd.status).toBe(200);
    expect(await shipTo(upd.body.orderId)).toMatchObject({ city: 'Bath' });
    expect((await post(payload(778), 'orders/cancelled', 'n-2')).status).toBe(404);
    expect((await post(payload(779), 'orders/paid', 'n-3')).body.code).toBe('STOREFRONT_PAYLOAD_INVALID');
    await t.settle();
  }, 30_000);
});

describe('storefront webhooks out of order', () => {
  it('an orders/create that arrives after an orders/updated changed the order is the same order (200 duplicate), not 409 for ever', async () => {
    // The shop's create failed (PakLog restarting) and its update came first: received as it is now, with 2 units.
    const upd = await post(payload(901, { quantity: 2, city: 'Bath' }), 'orders/updated', 'o-1');
    expect(upd.status).toBe(200);
    const orderId = upd.body.orderId;
    // The create's retry carries the order as it was created (1 unit, London).
    const late = await post(payload(901), 'orders/create', 'o-0');
    expect(late).toMatchObject({ status: 200, body: { orderId, duplicate: true } });
    const order = (await t.get(`/api/v1/orders/${orderId}`)).body as { lines: { ordered: number }[]; shipTo: { city: string } };
    expect(order.lines.map((l) => l.ordered)).toEqual([2]);
    expect(order.shipTo.city).toBe('Bath');
    await t.settle();
  }, 30_000);
});

describe('storefront create and update racing', () => {
  it('an orders/create and an orders/updated of a new shop order sent at once: both answered 2xx, the order as updated', async () => {
    for (let i = 0; i < 6; i++) {
      const id = 910 + i;
      const [created, updated] = await Promise.all([
        post(payload(id), 'orders/create', `r-${id}-c`),
        post(payload(id, { city: 'Bath', quantity: 2 }), 'orders/updated', `r-${id}-u`),
      ]);
      expect([created.status, updated.status, created.body.code, updated.body.code]).toEqual([created.body.duplicate ? 200 : 201, 200, undefined, undefined]);
      expect(updated.body.orderId).toBe(created.body.orderId);
      const order = (await t.get(`/api/v1/orders/${created.body.orderId}`)).body as { lines: { ordered: number }[]; shipTo: { city: string } };
      expect([order.lines.map((l) => l.ordered), order.shipTo.city]).toEqual([[2], 'Bath']);
    }
    await t.settle();
  }, 60_000);
});

describe('storefront updates out of order', () => {
  const at = (id: number, city: string, quantity: number, updatedAt: string) => {
    const o = JSON.parse(payload(id, { city, quantity })) as Record<string, unknown>;
    return JSON.stringify({ ...o, updated_at: updatedAt });
  };
  it('an orders/updated older than one applied already (its updated_at) changes nothing: 200 duplicate, the newer ship-to and lines stay', async () => {
    const created = await post(at(930, 'London', 1, '2026-12-07T10:00:00-05:00'), 'orders/create', 'v-0');
    expect(created.status).toBe(201);
    const orderId = created.body.orderId;
    // The shop's second edit is delivered first; its first edit's delivery failed once and comes later.
    expect(await post(at(930, 'Bath', 3, '2026-12-07T10:05:00-05:00'), 'orders/updated', 'v-2')).toMatchObject({ status: 200, body: { orderId, duplicate: false } });
    const stale = await post(at(930, 'Oxford', 2, '2026-12-07T15:01:00Z'), 'orders/updated', 'v-1');
    expect(stale).toMatchObject({ status: 200, body: { orderId, duplicate: true } });
    const order = (await t.get(`/api/v1/orders/${orderId}`)).body as { lines: { ordered: number }[]; shipTo: { city: string } };
    expect([order.lines.map((l) => l.ordered), order.shipTo.city]).toEqual([[3], 'Bath']);
    // A later edit still applies, and one of the same instant as the last applied too (the shop's clock says seconds).
    expect((await post(at(930, 'Cambridge', 3, '2026-12-07T15:06:00Z'), 'orders/updated', 'v-3')).body).toMatchObject({ orderId, duplicate: false });
    expect((await post(at(930, 'Ely', 3, '2026-12-07T15:06:00Z'), 'orders/updated', 'v-4')).body).toMatchObject({ orderId, duplicate: false });
    expect(await shipTo(orderId)).toMatchObject({ city: 'Ely' });
    await t.settle();
  }, 30_000);

  it('orders/updated of one order sent at once in any order: the latest updated_at is what stays', async () => {
    const created = await post(at(931, 'London', 1, '2026-12-07T10:00:00Z'), 'orders/create', 'w-0');
    const orderId = created.body.orderId;
    const cities = ['Bath', 'Oxford', 'Cambridge', 'Ely', 'York'];
    // Sent in another order than the shop made them: York (the latest) third.
    const answers = await Promise.all([3, 0, 4, 1, 2].map((i) => post(at(931, cities[i]!, 1, `2026-12-07T10:0${i + 1}:00Z`), 'orders/updated', `w-${i + 1}`)));
    expect(answers.map((a) => a.status)).toEqual(cities.map(() => 200));
    expect(await shipTo(orderId)).toMatchObject({ city: 'York' });
    await t.settle();
  }, 30_000);
});
