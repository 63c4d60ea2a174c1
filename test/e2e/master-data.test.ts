import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  injectClient, orderStatus, planAndRelease, receiveStock, setupWarehouse, shipOneOrder, until, workTasks, type Call, type Warehouse,
} from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 15, master-data maintenance (ADR 0045): products, sites and cartons are changed with PATCH, deactivated and
 * reactivated through HTTP; a deactivated one refuses new work with a code and changes nothing, while open work completes.
 */
let t: TestApp;
let call: Call;
let floor: Call;
let w: Warehouse;

const eventCount = async (type: string, subject?: string): Promise<number> => (await t.app.db.query<{ n: number }>(
  'SELECT count(*)::int AS n FROM platform.events WHERE type = $1 AND ($2::text IS NULL OR subject = $2)', [type, subject ?? null]))[0]!.n;
const orderCount = async (): Promise<number> => (await t.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders.orders'))[0]!.n;
const SHIP_TO = { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
const order = (externalId: string, sku: string, siteId = w.siteId) => ({ externalId, siteId, carrier: 'OWN_FLEET', shipTo: SHIP_TO, lines: [{ sku, quantity: 1 }] });

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  floor = injectClient(t.app, t.keys.operator);
  w = await setupWarehouse(call, { siteCode: 'MD', aisles: 2, bays: 4, levels: 2, skus: 2 });
  await receiveStock(call, w, 10, 1);
});
afterAll(async () => {
  await t.close();
});

describe('PATCH of master data', () => {
  it('changes a product, a site (by code or id) and a carton with an event each; a bad body is 400 and changes nothing; 404; operators and viewers are 403', async () => {
    const sku = w.products[0]!.sku;
    const before = (await t.get(`/api/v1/products/${sku}`)).body;
    const patched = await t.request('PATCH', `/api/v1/products/${sku}`, { body: { description: 'Renamed product', weightG: 999 }, role: 'manager' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ sku, description: 'Renamed product', weightG: 999, gtin: before.gtin, active: true });
    expect(await eventCount('catalog.product.updated.v1', before.id)).toBe(1);
    // Read back through the cache the PATCH dropped.
    expect((await t.get(`/api/v1/products/${sku}`, 'viewer')).body.description).toBe('Renamed product');

    for (const body of [{}, { sku: 'OTHER' }, { weightG: 0 }, { colour: 'red' }]) {
      const bad = await t.request('PATCH', `/api/v1/products/${sku}`, { body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    }
    const badGtin = await t.request('PATCH', `/api/v1/products/${sku}`, { body: { gtin: '4006381333932' } });
    expect(badGtin.status).toBe(422);
    expect(badGtin.body.errors).toEqual([expect.objectContaining({ field: '/gtin' })]);
    const taken = await t.request('PATCH', `/api/v1/products/${sku}`, { body: { gtin: w.products[1]!.gtin } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('DUPLICATE');
    expect((await t.get(`/api/v1/products/${sku}`)).body).toEqual(patched.body);
    expect(await eventCount('catalog.product.updated.v1', before.id)).toBe(1);
    expect((await t.request('PATCH', '/api/v1/products/NO-SUCH-SKU', { body: { weightG: 5 } })).status).toBe(404);
    for (const role of ['operator', 'viewer'] as const) {
      expect((await t.request('PATCH', `/api/v1/products/${sku}`, { body: { weightG: 5 }, role })).status).toBe(403);
    }

    const site = await t.request('PATCH', '/api/v1/sites/MD', { body: { name: 'Maintenance DC' }, role: 'manager' });
    expect(site.status).toBe(200);
    expect(site.body).toMatchObject({ id: w.siteId, code: 'MD', name: 'Maintenance DC', active: true });
    expect((await t.request('PATCH', `/api/v1/sites/${w.siteId}`, { body: { name: 'Maintenance DC 2' } })).body.name).toBe('Maintenance DC 2');
    expect(await eventCount('location-master.site.updated.v1', w.siteId)).toBe(2);
    for (const body of [{}, { code: 'XX' }, { name: '' }]) expect((await t.request('PATCH', '/api/v1/sites/MD', { body })).status, JSON.stringify(body)).toBe(400);
    expect((await t.get('/api/v1/sites/MD')).body.name).toBe('Maintenance DC 2');
    expect((await t.request('PATCH', '/api/v1/sites/NOPE', { body: { name: 'x' } })).status).toBe(404);
    expect((await t.request('PATCH', '/api/v1/sites/MD', { body: { name: 'x' }, role: 'operator' })).status).toBe(403);

    const carton = await t.request('PATCH', '/api/v1/cartons/M', { body: { cost: 0.95 }, role: 'manager' });
    expect(carton.status).toBe(200);
    expect(carton.body).toMatchObject({ code: 'M', cost: 0.95, innerLengthMm: 400, active: true });
    expect(await eventCount('pack-ship.carton.updated.v1', 'M')).toBe(1);
    for (const body of [{}, { code: 'M2' }, { tareG: -1 }]) expect((await t.request('PATCH', '/api/v1/cartons/M', { body })).status, JSON.stringify(body)).toBe(400);
    expect((await t.get('/api/v1/cartons')).body.items.find((c: { code: string }) => c.code === 'M').cost).toBe(0.95);
    expect((await t.request('PATCH', '/api/v1/cartons/NOPE', { body: { cost: 1 } })).status).toBe(404);
    for (const role of ['operator', 'viewer', 'integration'] as const) {
      expect((await t.request('PATCH', '/api/v1/cartons/M', { body: { cost: 1 }, role })).status).toBe(403);
    }
  });
});

describe('deactivation and reactivation', () => {
  it('refuses orders, ASNs and receipts of a deactivated product with PRODUCT_INACTIVE while an open order of it still ships; reactivated, it is accepted', async () => {
    const sku = w.products[0]!.sku;
    const open = await t.post('/api/v1/orders', order('MD-OPEN', sku), 'integration');
    expect(open.status).toBe(201);

    const off = await t.post(`/api/v1/products/${sku}/deactivate`, undefined, 'manager');
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await t.post(`/api/v1/products/${sku}/deactivate`)).body.active).toBe(false);
    expect(await eventCount('catalog.product.deactivated.v1', off.body.id)).toBe(1);
    expect((await t.post(`/api/v1/products/${sku}/deactivate`, undefined, 'operator')).status).toBe(403);
    expect((await t.post('/api/v1/products/NO-SUCH-SKU/deactivate')).status).toBe(404);
    expect((await t.get('/api/v1/products?active=false')).body.items.map((p: { sku: string }) => p.sku)).toEqual([sku]);
    expect((await t.get('/api/v1/products?active=true')).body.items.map((p: { sku: string }) => p.sku)).not.toContain(sku);

    const orders = await orderCount();
    const refused = await t.post('/api/v1/orders', order('MD-REFUSED', sku), 'integration');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('PRODUCT_INACTIVE');
    expect(refused.body.errors).toEqual([{ field: '/lines/0/sku', message: expect.stringContaining(sku) as unknown }]);
    expect(await orderCount()).toBe(orders);
    const receipt = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity: 1 });
    expect(receipt.status).toBe(422);
    expect(receipt.body.code).toBe('PRODUCT_INACTIVE');
    const asn = await t.post('/api/v1/inventory/asns', { siteId: 'MD', supplier: 'Acme', lines: [{ sku: w.products[1]!.sku, quantity: 1 }, { sku, quantity: 2 }] });
    expect(asn.status).toBe(422);
    expect(asn.body.code).toBe('PRODUCT_INACTIVE');
    expect(asn.body.errors).toEqual([expect.objectContaining({ field: '/lines/1/sku' })]);

    // The order received before the deactivation is not stranded: it is allocated, picked, packed and shipped.
    await shipOneOrder(call, floor, w.siteId, open.body.id, () => t.settle());
    expect(await orderStatus(call, open.body.id)).toBe('SHIPPED');

    const on = await t.post(`/api/v1/products/${sku}/reactivate`, undefined, 'integration');
    expect(on.status).toBe(200);
    expect(on.body.active).toBe(true);
    expect((await t.post('/api/v1/orders', order('MD-AFTER', sku), 'integration')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity: 1 })).status).toBe(201);
  });

  it('never suggests a deactivated carton and refuses one named at packing with CARTON_INACTIVE; reactivated, it packs', async () => {
    const picked = (await t.get('/api/v1/orders?externalId=MD-AFTER')).body.items[0] as { id: string };
    await until('allocated', () => orderStatus(call, picked.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndRelease(call, w.siteId, 10);
    await t.settle();
    await workTasks(floor, w.siteId, ['worker-1'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(call, picked.id), (s) => s === 'PICKED');

    // PICKED is the order's status; pack & ship learns of the picked units from their events, a moment later.
    const suggestion = await until('pack & ship knows the picked units', () => t.get(`/api/v1/packages/suggestion?orderId=${picked.id}`), (r) => r.status === 200);
    const suggested = suggestion.body.packages[0].cartonCode as string;
    expect((await t.post(`/api/v1/cartons/${suggested}/deactivate`, undefined, 'manager')).body.active).toBe(false);
    expect((await t.post(`/api/v1/cartons/${suggested}/deactivate`, undefined, 'operator')).status).toBe(403);
    expect((await t.get('/api/v1/cartons?active=false')).body.items.map((c: { code: string }) => c.code)).toEqual([suggested]);
    const now = (await t.get(`/api/v1/packages/suggestion?orderId=${picked.id}`)).body.packages as { cartonCode: string }[];
    expect(now.map((p) => p.cartonCode)).not.toContain(suggested);
    const refused = await t.post('/api/v1/packages', { orderId: picked.id, cartonCode: suggested }, 'operator');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('CARTON_INACTIVE');
    const opened = await t.post('/api/v1/pack-station/packages', { orderId: picked.id, cartonCode: suggested }, 'operator');
    expect(opened.status).toBe(422);
    expect(opened.body.code).toBe('CARTON_INACTIVE');
    expect((await t.get(`/api/v1/packages?orderId=${picked.id}`)).body.items).toEqual([]);

    expect((await t.post(`/api/v1/cartons/${suggested}/reactivate`, undefined, 'manager')).body.active).toBe(true);
    const packed = await t.post('/api/v1/packages', { orderId: picked.id, cartonCode: suggested }, 'operator');
    expect(packed.status).toBe(201);
    expect(packed.body.cartonCode).toBe(suggested);
  });

  it('refuses new orders, locations and storefront channels of a deactivated site (named by code) with SITE_INACTIVE; reactivated, it takes them', async () => {
    const sku = w.products[1]!.sku;
    const off = await t.post('/api/v1/sites/MD/deactivate', undefined, 'manager');
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: w.siteId, active: false });
    expect(await eventCount('location-master.site.deactivated.v1', w.siteId)).toBe(1);
    expect((await t.post('/api/v1/sites/MD/deactivate', undefined, 'viewer')).status).toBe(403);
    expect((await t.get('/api/v1/sites?active=false')).body.items.map((s: { code: string }) => s.code)).toEqual(['MD']);

    const orders = await orderCount();
    for (const siteId of ['MD', w.siteId]) {
      const refused = await t.post('/api/v1/orders', order(`MD-SITE-${siteId}`, sku, siteId), 'integration');
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('SITE_INACTIVE');
    }
    expect(await orderCount()).toBe(orders);
    const location = await t.post('/api/v1/sites/MD/locations', { code: 'MD-QC-01', type: 'QUARANTINE', x: 1, y: 1 });
    expect(location.status).toBe(422);
    expect(location.body.code).toBe('SITE_INACTIVE');
    expect((await t.get('/api/v1/sites/MD/locations?type=QUARANTINE')).body.items).toEqual([]);
    // A storefront channel would only bring orders the site refuses: not connected (found by the black-box hunt).
    const channel = await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'md-shop.myshopify.com', siteId: 'MD' });
    expect(channel.status).toBe(422);
    expect(channel.body).toMatchObject({ code: 'SITE_INACTIVE', errors: [{ field: '/siteId' }] });
    expect((await t.app.db.query('SELECT 1 FROM integrations.storefront_channels WHERE shop_domain = $1', ['md-shop.myshopify.com'])).length).toBe(0);
    // Stock there still moves: reads and the floor go on.
    expect((await t.get(`/api/v1/inventory/balances?siteId=MD&sku=${sku}`)).status).toBe(200);

    expect((await t.post(`/api/v1/sites/${w.siteId}/reactivate`, undefined, 'manager')).body.active).toBe(true);
    expect((await t.post('/api/v1/orders', order('MD-SITE-BACK', sku, 'MD'), 'integration')).status).toBe(201);
    expect((await t.post('/api/v1/sites/MD/locations', { code: 'MD-QC-01', type: 'QUARANTINE', x: 1, y: 1 })).status).toBe(201);
    expect((await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'md-shop.myshopify.com', siteId: 'MD' })).status).toBe(201);
  });
});
