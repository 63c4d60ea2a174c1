/**
 * Safety stock (ADR 0057): a manager keeps units of a SKU at a site back from orders. Allocation (order intake, runs of
 * orders, backorder retries) promises only what is above it, under the same row lock and conditional UPDATE as the
 * allocation race; ATP is net of it; lowering or clearing it retries the SKU's backorders; refused requests change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { tableFingerprint } from '../../../test/support/fingerprint.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { envelope, eventsOf, newLocation, newProduct, newSite, publish, summaryOf, unique } from './test-fixtures.ts';

let t: TestApp;
let site: { id: string; code: string };
let other: { id: string; code: string };
let storage: { id: string; code: string };
let managerOfSite: string;

beforeAll(async () => {
  t = await startTestApp();
  site = await newSite(t);
  other = await newSite(t);
  storage = await newLocation(t, site, { pickSequence: 1 });
  managerOfSite = (await t.post('/api/v1/api-keys', { name: 'manager of one site', role: 'manager', siteIds: [site.id] })).body.key;
});
afterAll(async () => {
  await t.close();
});

const url = (sku: string, siteRef = site.id) => `/api/v1/inventory/safety-stock/${siteRef}/${sku}`;
const put = (sku: string, body: unknown, role: 'manager' | 'operator' | 'viewer' | 'admin' = 'manager', siteRef = site.id) =>
  t.request('PUT', url(sku, siteRef), { body, role });
const receive = (sku: string, quantity: number) => t.post('/api/v1/inventory/receipts', { siteId: site.id, sku, locationId: storage.id, quantity });

function orderReceived(orderId: string, sku: string, quantity: number) {
  return { orderId, externalId: orderId, siteId: site.id, carrier: 'DHL', priority: 5, lines: [{ lineId: unique('oln_'), lineNo: 1, sku, quantity }] };
}
async function placeOrder(sku: string, quantity: number): Promise<string> {
  const orderId = unique('ord_');
  await publish(t, 'orders', OrderEvents.received, orderId, site.id, orderReceived(orderId, sku, quantity));
  return orderId;
}
const statusOf = async (orderId: string): Promise<string | undefined> =>
  (await t.app.db.query<{ status: string }>('SELECT status FROM inventory.allocations WHERE order_id = $1', [orderId]))[0]?.status;
const atpOf = async (sku: string) => (await t.get(`/api/v1/inventory/atp?siteId=${site.id}&sku=${sku}`, 'viewer')).body.items[0];
async function allocatedOf(sku: string): Promise<number> {
  const s = await summaryOf(t, site.id, sku);
  expect(s.ledgerAllocated).toBe(s.allocated);
  return s.allocated!;
}

describe('safety stock', () => {
  it('is set by a manager, read by a viewer, shown in ATP, and allocation never promises it', async () => {
    const sku = await newProduct(t);
    await receive(sku, 10);
    await t.settle();
    const set = await put(sku, { quantity: 4 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ siteId: site.id, ownerId: 'own_default', sku, quantity: 4, updatedAt: expect.any(String) });
    expect((await t.get(url(sku), 'viewer')).body).toMatchObject({ sku, quantity: 4 });
    // By site code too; the list answers the SKUs with one.
    expect((await t.get(url(sku, site.code), 'viewer')).body.quantity).toBe(4);
    expect((await t.get(`/api/v1/inventory/safety-stock?siteId=${site.code}&sku=${sku}`, 'viewer')).body.items).toEqual([set.body]);
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 10, allocated: 0, safetyStock: 4, atp: 6 });
    const [event] = await eventsOf(t, InventoryEvents.safetyStockSet, sku);
    expect(event!.data).toEqual({ siteId: site.id, sku, quantity: 4, previousQuantity: 0 });

    // 7 would dip into it: backordered; 6 fits above it.
    const big = await placeOrder(sku, 7);
    expect(await statusOf(big)).toBe('BACKORDERED');
    const fits = await placeOrder(sku, 6);
    expect(await statusOf(fits)).toBe('ALLOCATED');
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 10, allocated: 6, safetyStock: 4, atp: 0 });
    const small = await placeOrder(sku, 1);
    expect(await statusOf(small)).toBe('BACKORDERED');
    expect(await allocatedOf(sku)).toBe(6);

    // The same figure again says nothing more.
    expect((await put(sku, { quantity: 4 })).status).toBe(200);
    await t.settle();
    expect(await eventsOf(t, InventoryEvents.safetyStockSet, sku)).toHaveLength(1);
  });

  it('concurrent orders and runs of orders never dip into it, nor do changes of it racing them', async () => {
    const sku = await newProduct(t);
    await receive(sku, 12);
    await t.settle();
    expect((await put(sku, { quantity: 3 })).status).toBe(200);
    await t.settle();
    const singles = Array.from({ length: 20 }, () => {
      const orderId = unique('ord_');
      return envelope(OrderEvents.received, 'orders', orderId, orderReceived(orderId, sku, 1));
    });
    const runs = Array.from({ length: 4 }, () => Array.from({ length: 3 }, () => {
      const orderId = unique('ord_');
      return envelope(OrderEvents.received, 'orders', orderId, orderReceived(orderId, sku, 1));
    }));
    await Promise.all([...singles.map((e) => t.app.bus.deliver('inventory', e)), ...runs.map((run) => t.app.bus.deliverMany('inventory', run))]);
    await t.settle();
    expect(await allocatedOf(sku)).toBe(9);

    // Lowered to 1 while more orders arrive: whichever commits first, exactly the 2 units freed are allocated (to new
    // orders or by the retry of backorders), never one of the safety stock, and none is lost to the race.
    const more = Array.from({ length: 10 }, () => {
      const orderId = unique('ord_');
      return envelope(OrderEvents.received, 'orders', orderId, orderReceived(orderId, sku, 1));
    });
    const [lowered] = await Promise.all([put(sku, { quantity: 1 }), ...more.map((e) => t.app.bus.deliver('inventory', e))]);
    expect(lowered.status).toBe(200);
    await t.settle();
    expect(await allocatedOf(sku)).toBe(11);
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 12, allocated: 11, safetyStock: 1, atp: 0 });

    // Raised above what is free: nothing allocated is taken back, and nothing more is promised.
    expect((await put(sku, { quantity: 5 })).status).toBe(200);
    await placeOrder(sku, 1);
    expect(await allocatedOf(sku)).toBe(11);
    expect(await atpOf(sku)).toMatchObject({ safetyStock: 5, atp: 0 });
  });

  it('lowering it allocates backordered orders at once (oldest first); clearing it (DELETE, or 0) releases the rest', async () => {
    const sku = await newProduct(t);
    await receive(sku, 10);
    await t.settle();
    expect((await put(sku, { quantity: 6 })).status).toBe(200);
    await t.settle();
    const first = await placeOrder(sku, 4);
    const second = await placeOrder(sku, 3);
    const third = await placeOrder(sku, 2);
    expect([await statusOf(first), await statusOf(second), await statusOf(third)]).toEqual(['ALLOCATED', 'BACKORDERED', 'BACKORDERED']);

    // 10 − 4 − 3 = 3 above it: the second order (older) fits, the third waits.
    expect((await put(sku, { quantity: 3 })).status).toBe(200);
    await t.settle();
    expect([await statusOf(second), await statusOf(third)]).toEqual(['ALLOCATED', 'BACKORDERED']);
    const retried = await t.get(`/api/v1/inventory/ledger?siteId=${site.id}&sku=${sku}&type=ALLOCATE`);
    expect(retried.body.items.map((m: { reference: string; reason: string | null }) => [m.reference, m.reason])).toEqual([[first, null], [second, 'BACKORDER_RETRY']]);

    const cleared = await t.request('DELETE', url(sku), { role: 'manager' });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ quantity: 0 });
    await t.settle();
    expect(await statusOf(third)).toBe('ALLOCATED');
    expect(await atpOf(sku)).toMatchObject({ allocated: 9, safetyStock: 0, atp: 1 });
    expect((await eventsOf(t, InventoryEvents.safetyStockSet, sku)).map((e) => [e.data.previousQuantity, e.data.quantity])).toEqual([[0, 6], [6, 3], [3, 0]]);
    // Cleared, it leaves the list; a GET answers 0.
    expect((await t.get(`/api/v1/inventory/safety-stock?siteId=${site.id}&sku=${sku}`)).body.items).toEqual([]);
    expect((await t.get(url(sku))).body).toMatchObject({ quantity: 0 });

    // PUT 0 clears too.
    const sku2 = await newProduct(t);
    await receive(sku2, 2);
    await t.settle();
    expect((await put(sku2, { quantity: 2 })).status).toBe(200);
    const waiting = await placeOrder(sku2, 2);
    expect(await statusOf(waiting)).toBe('BACKORDERED');
    expect((await put(sku2, { quantity: 0 })).status).toBe(200);
    await t.settle();
    expect(await statusOf(waiting)).toBe('ALLOCATED');
  });

  it('lists a site\'s safety stocks by SKU, paged; a SKU never set answers 0; an unknown SKU is 422', async () => {
    const site2 = await newSite(t);
    const skus = [await newProduct(t), await newProduct(t), await newProduct(t)].sort();
    for (const [i, sku] of skus.entries()) expect((await put(sku, { quantity: i + 1 }, 'admin', site2.id)).status).toBe(200);
    const page1 = await t.get(`/api/v1/inventory/safety-stock?siteId=${site2.id}&limit=2`, 'viewer');
    expect(page1.body.items.map((x: { sku: string; quantity: number }) => [x.sku, x.quantity])).toEqual([[skus[0], 1], [skus[1], 2]]);
    const page2 = await t.get(`/api/v1/inventory/safety-stock?siteId=${site2.id}&limit=2&cursor=${page1.body.nextCursor}`, 'viewer');
    expect(page2.body).toEqual({ items: [expect.objectContaining({ sku: skus[2], quantity: 3 })], nextCursor: null });
    expect((await t.get(`/api/v1/inventory/safety-stock?siteId=${site2.id}&owner=own_default`)).body.items).toHaveLength(3);

    const never = await newProduct(t);
    expect((await t.get(url(never, site2.id))).body).toEqual({ siteId: site2.id, ownerId: 'own_default', sku: never, quantity: 0, updatedAt: null });
    const unknown = await t.get(url('NO-SUCH-SKU', site2.id));
    expect([unknown.status, unknown.body.code, unknown.body.errors?.[0]?.field]).toEqual([422, 'UNKNOWN_SKU', '/sku']);
    const unknownInList = await t.get(`/api/v1/inventory/safety-stock?siteId=${site2.id}&sku=NO-SUCH-SKU`);
    expect([unknownInList.status, unknownInList.body.code]).toEqual([422, 'UNKNOWN_SKU']);
    expect((await t.get(`/api/v1/inventory/safety-stock?siteId=${site2.id}&cursor=bm9wZQ`)).status).toBe(400);
  });

  it('refuses operators, viewers, a manager of another site, bad input, unknown SKUs and sites, changing nothing', async () => {
    const sku = await newProduct(t);
    await receive(sku, 5);
    await t.settle();
    expect((await put(sku, { quantity: 2 })).status).toBe(200);
    await t.settle();
    const row = () => t.app.db.query('SELECT site_id, owner_id, sku, safety_stock, safety_stock_updated_at FROM inventory.sku_stock WHERE sku = $1 ORDER BY site_id', [sku]);
    const rowBefore = await row();
    const before = await tableFingerprint(t.app.db);

    for (const role of ['operator', 'viewer'] as const) {
      const r = await put(sku, { quantity: 9 }, role);
      expect([role, r.status, r.body.code]).toEqual([role, 403, 'FORBIDDEN']);
      expect((await t.request('DELETE', url(sku), { role })).status).toBe(403);
    }
    // A manager of one site sets it there, not at another site.
    const scoped = (method: string, target: string, body?: unknown) => t.request(method, target, { role: null, headers: { 'x-api-key': managerOfSite }, body });
    const elsewhere = await scoped('PUT', url(sku, other.id), { quantity: 9 });
    expect([elsewhere.status, elsewhere.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    expect((await scoped('DELETE', url(sku, other.id))).status).toBe(403);
    expect((await scoped('GET', url(sku, site.id))).status).toBe(200);

    for (const [body, field] of [
      [{ quantity: -1 }, '/quantity'], [{ quantity: 1.5 }, '/quantity'], [{ quantity: 1_000_001 }, '/quantity'], [{ quantity: '3' }, '/quantity'],
      [{}, '/quantity'], [{ quantity: 3, colour: 'red' }, '/colour'],
    ] as const) {
      const r = await put(sku, body);
      expect([JSON.stringify(body), r.status, r.body.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED']);
      expect(JSON.stringify(r.body.errors)).toContain(field);
    }
    const unknownSku = await put('NO-SUCH-SKU', { quantity: 3 });
    expect([unknownSku.status, unknownSku.body.code, unknownSku.body.errors?.[0]?.field]).toEqual([422, 'UNKNOWN_SKU', '/sku']);
    const unknownSite = await put(sku, { quantity: 3 }, 'admin', 'NOPE');
    expect([unknownSite.status, unknownSite.body.code]).toEqual([422, 'UNKNOWN_SITE']);
    const unknownOwner = await put(sku, { quantity: 3, ownerId: 'own_nobody' });
    expect([unknownOwner.status, unknownOwner.body.code]).toEqual([422, 'UNKNOWN_OWNER']);

    await t.settle();
    expect(await tableFingerprint(t.app.db)).toEqual(before);
    expect(await row()).toEqual(rowBefore);
    expect((await t.get(url(sku))).body.quantity).toBe(2);

    // The scoped manager at its own site: allowed.
    expect((await scoped('PUT', url(sku, site.id), { quantity: 1 })).status).toBe(200);
    expect((await t.get(url(sku))).body.quantity).toBe(1);
  });

  it('an owner-scoped key (ADR 0028) reads its own owner\'s safety stock only, and sets none', async () => {
    const sku = await newProduct(t);
    expect((await put(sku, { quantity: 3 })).status).toBe(200);
    const owner = await t.post('/api/v1/owners', { code: unique('SSO').slice(0, 20), name: 'Safety owner' });
    expect(owner.status).toBe(201);
    const key = (await t.post('/api/v1/api-keys', { name: 'owner key', role: 'integration', ownerId: owner.body.id })).body.key as string;
    const asOwner = async (method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown) => {
      const r = await t.app.http.inject({ method, url: path, headers: { 'x-api-key': key }, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
      return { status: r.statusCode, body: r.json() };
    };
    const before = await tableFingerprint(t.app.db);
    // Another owner's figure: refused, by name or through the list.
    expect((await asOwner('GET', `${url(sku)}?owner=own_default`)).body.code).toBe('OWNER_NOT_ALLOWED');
    expect((await asOwner('GET', `/api/v1/inventory/safety-stock?siteId=${site.id}&owner=own_default`)).status).toBe(403);
    // Its own (none set): 0; the list holds none of the default owner's.
    expect((await asOwner('GET', url(sku))).body).toMatchObject({ ownerId: owner.body.id, quantity: 0 });
    expect((await asOwner('GET', `/api/v1/inventory/safety-stock?siteId=${site.id}&sku=${sku}`)).body.items).toEqual([]);
    // Setting or clearing is a planner's: not for an integration key, of any owner.
    for (const [method, body] of [['PUT', { quantity: 0 }], ['PUT', { quantity: 9, ownerId: 'own_default' }], ['DELETE', undefined]] as const) {
      expect((await asOwner(method, url(sku), body)).status).toBe(403);
    }
    await t.settle();
    expect(await tableFingerprint(t.app.db)).toEqual(before);
    expect((await t.get(url(sku))).body.quantity).toBe(3);
  });
});
