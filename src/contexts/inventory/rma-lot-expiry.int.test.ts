import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../platform/clock.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { gtin13, injectClient, setupWarehouse, type Call, type Warehouse } from '../../../test/support/flow-driver.ts';

/** A customer return of a dated lot: its units keep the lot's expiry when they go back to stock. */
const clock = manualClock(new Date('2030-01-01T08:00:00Z'));
let t: TestApp;
let call: Call;
let w: Warehouse;
const SKU = 'RMAX-TEA';

interface Balance { locationId: string; lot: string | null; onHand: number; status: string; expiresOn: string | null }

beforeAll(async () => {
  t = await startTestApp({ clock });
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'RMAEXP', aisles: 1, bays: 4, levels: 1, skus: 1 });
  expect((await call('product', 'POST', '/api/v1/products', {
    sku: SKU, description: 'Tea, dated', gtin: gtin13(999_001), uom: 'EA', lengthMm: 100, widthMm: 80, heightMm: 60, weightG: 120,
    lotControlled: true, expiryControlled: true,
  })).status).toBe(201);
});
afterAll(async () => t.close());

describe('a dated lot returned by a customer', () => {
  // Failed before: the returned units were restocked undated (expiresOn null), so they never expired: promised in ATP
  // and reserved (last, as undated stock) long after the lot's expiry.
  it('is restocked with the expiry the lot was received with (as units of it found elsewhere), and leaves ATP when that day has passed', async () => {
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', {
      siteId: w.siteId, sku: SKU, locationId: w.storage[0]!.id, lot: 'L-OLD', expiresOn: '2030-01-02', quantity: 1,
    })).status).toBe(201);
    const dock = (await call<{ items: { id: string }[] }>('docks', 'GET', `/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0]!;
    const rma = await call<{ id: string; lines: { lineId: string }[] }>('rma', 'POST', '/api/v1/rmas', {
      siteId: w.siteId, customerRef: 'CUST-9', lines: [{ sku: SKU, quantity: 2, reason: 'not wanted' }],
    });
    expect(rma.status).toBe(201);
    const lineId = rma.body.lines[0]!.lineId;
    expect((await call('rma receive', 'POST', `/api/v1/rmas/${rma.body.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 2, lot: 'L-OLD' }] })).status).toBe(200);
    const restock = await call('inspect', 'POST', `/api/v1/rmas/${rma.body.id}/lines/${lineId}/inspect`, { disposition: 'RESTOCK', quantity: 2, locationId: w.storage[2]!.id });
    expect(restock.status).toBe(200);
    const balances = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${SKU}`, 'viewer')).body.items as Balance[];
    expect(balances.filter((b) => b.onHand > 0).map((b) => [b.locationId, b.lot, b.status, b.onHand, b.expiresOn]).sort()).toEqual([
      [w.storage[0]!.id, 'L-OLD', 'AVAILABLE', 1, '2030-01-02'],
      [w.storage[2]!.id, 'L-OLD', 'AVAILABLE', 2, '2030-01-02'],
    ].sort());
    // Units of the lot found where it has no balance (a positive adjustment) carry its expiry too (failed before: null).
    const found = await call('found', 'POST', '/api/v1/inventory/adjustments', { siteId: w.siteId, sku: SKU, locationId: w.storage[3]!.id, lot: 'L-OLD', delta: 1, reason: 'FOUND' });
    expect(found.status).toBe(201);
    expect((found.body as { balance: Balance }).balance).toMatchObject({ lot: 'L-OLD', onHand: 1, expiresOn: '2030-01-02' });
    clock.set(new Date('2030-01-03T08:00:00Z'));
    const atp = await t.get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${SKU}`, 'viewer');
    expect(atp.body.items[0]).toMatchObject({ sku: SKU, onHandAvailable: 4, expired: 4, atp: 0 });
  });

  // Failed before (2026-12-06): a stock count imported for a lot at a location with no balance of it (COUNT movements,
  // as a cycle count's) added the units undated, so they never expired.
  it('counted in by a stock import where the lot has no balance carries the expiry the lot is known by', async () => {
    const jam = 'RMAX-JAM';
    expect((await call('product', 'POST', '/api/v1/products', {
      sku: jam, description: 'Jam, lots dated at receipt', gtin: gtin13(999_002), uom: 'EA', lengthMm: 100, widthMm: 80, heightMm: 60, weightG: 120,
      lotControlled: true, expiryControlled: false,
    })).status).toBe(201);
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', {
      siteId: w.siteId, sku: jam, locationId: w.storage[0]!.id, lot: 'J1', expiresOn: '2030-02-01', quantity: 1,
    })).status).toBe(201);
    const csv = `sku,location,lot,quantity\n${jam},${w.storage[1]!.code},J1,3\n`;
    const imported = await t.request('POST', `/api/v1/imports/stock?site=${w.siteId}`, { body: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const balances = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${jam}`, 'viewer')).body.items as Balance[];
    expect(balances.filter((b) => b.onHand > 0).map((b) => [b.locationId, b.lot, b.onHand, b.expiresOn]).sort()).toEqual([
      [w.storage[0]!.id, 'J1', 1, '2030-02-01'],
      [w.storage[1]!.id, 'J1', 3, '2030-02-01'],
    ].sort());
  });
});
