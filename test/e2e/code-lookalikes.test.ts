/**
 * Codes that look alike are one code (ADR 0007, addendum 2026-12-07): a site code, a location code at a site, a carton code and a live
 * LPN's label that differ from one already there only in letter case (`dc1` beside `DC1`) or, for LPN labels, in width
 * (full-width `ＡＢＣ-1` beside `ABC-1`, Unicode NFKC) are refused as taken, as the same code is, and nothing is written.
 * They were a second site, a second location and a second pallet beside the first: what a person reads off a screen or
 * types from a label named one of two, and a scan in the other case found the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectClient, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';
import { settledFingerprint } from '../support/fingerprint.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.admin), { siteCode: 'LKA', aisles: 1, bays: 2, levels: 1, skus: 1 });
}, 60_000);
afterAll(async () => {
  await t.close();
});

/** Sends each request and expects it refused with the status and code, nothing written by any of them. */
async function refusedAll(requests: readonly (readonly [string, string, unknown, Record<string, string>?])[], status: number, code: string): Promise<void> {
  const before = await settledFingerprint(t);
  for (const [method, url, body, headers] of requests) {
    const res = await t.request(method, url, { body, ...(headers === undefined ? {} : { headers }) });
    expect({ url, body, status: res.status, code: res.body.code }).toEqual({ url, body, status, code });
  }
  expect(await settledFingerprint(t)).toEqual(before);
}

describe('codes that differ only in letter case or width', () => {
  it('a site code taken in another letter case is 409 DUPLICATE, nothing written', async () => {
    expect((await t.post('/api/v1/sites', { code: 'Lk2', name: 'Second' })).status).toBe(201);
    await refusedAll([
      ['POST', '/api/v1/sites', { code: 'lka', name: 'Lower' }],
      ['POST', '/api/v1/sites', { code: 'LK2', name: 'Upper' }],
      ['POST', '/api/v1/sites', { code: 'lk2', name: 'Lower' }],
    ], 409, 'DUPLICATE');
    const res = await t.post('/api/v1/sites', { code: 'lka', name: 'Lower' });
    expect(res.body.detail).toContain('LKA');
    expect((await t.post('/api/v1/sites', { code: 'LK3', name: 'Third' })).status).toBe(201);
  });

  it('a location code taken at the site in another letter case is 409 DUPLICATE (and a CSV row naming it is refused), nothing written', async () => {
    const code = w.storage[0]!.code;
    expect(code).not.toBe(code.toLowerCase());
    await refusedAll([
      ['POST', `/api/v1/sites/${w.siteId}/locations`, { code: code.toLowerCase(), type: 'STORAGE', zone: 'A', x: 1, y: 2 }],
    ], 409, 'DUPLICATE');
    await refusedAll([
      ['POST', '/api/v1/imports/locations?site=LKA', `code,type,zone,aisle,bay,level,x,y,z,pickSequence,status\n${code.toLowerCase()},STORAGE,A,,,,1,1,0,,ACTIVE\n`, { 'content-type': 'text/csv' }],
      ['POST', '/api/v1/imports/locations?site=LKA', 'code,type,zone,aisle,bay,level,x,y,z,pickSequence,status\nLKA-NEW-1,STORAGE,A,,,,1,1,0,,ACTIVE\nlka-new-1,STORAGE,A,,,,1,1,0,,ACTIVE\n', { 'content-type': 'text/csv' }],
    ], 422, 'IMPORT_ROWS_INVALID');
    const csv = await t.request('POST', '/api/v1/imports/locations?site=LKA', {
      body: `code,type,zone,aisle,bay,level,x,y,z,pickSequence,status\n${code.toLowerCase()},STORAGE,A,,,,1,1,0,,ACTIVE\n`, headers: { 'content-type': 'text/csv' },
    });
    expect(JSON.stringify(csv.body)).toContain(code);
    // The same code at another site is another location, as before.
    expect((await t.post('/api/v1/sites/LK3/locations', { code: code.toLowerCase(), type: 'STORAGE', zone: 'A', x: 1, y: 2 })).status).toBe(201);
  });

  it('a carton code taken in another letter case is 409 DUPLICATE, nothing written', async () => {
    const codes = ((await t.get('/api/v1/cartons')).body.items as { code: string }[]).map((c) => c.code);
    const taken = codes.find((c) => c !== c.toLowerCase())!;
    const carton = { code: taken.toLowerCase(), description: 'Look-alike', innerLengthMm: 100, innerWidthMm: 100, innerHeightMm: 100, maxWeightG: 1000, tareG: 10, cost: 0.1 };
    await refusedAll([['POST', '/api/v1/cartons', carton]], 409, 'DUPLICATE');
    expect((await t.post('/api/v1/cartons', { ...carton, code: 'LK-NEW' })).status).toBe(201);
    await refusedAll([['POST', '/api/v1/cartons', { ...carton, code: 'lk-new' }]], 409, 'DUPLICATE');
  });

  it('a live LPN\'s label in another letter case or width is 409 LPN_CODE_TAKEN (built or split off), nothing written', async () => {
    const at = w.storage[0]!.id;
    const first = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', code: 'PLT-AB-1', locationId: at });
    expect(first.status).toBe(201);
    const other = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'CASE', code: 'CASE-9', locationId: at, contents: [{ sku: w.products[0]!.sku, quantity: 2 }] });
    expect(other.status).toBe(201);
    await refusedAll([
      ['POST', '/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', code: 'plt-ab-1', locationId: at }],
      ['POST', '/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', code: 'ＰＬＴ－ＡＢ－１', locationId: at }],
      ['POST', '/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', code: 'Plt-Ab-1' }],
      ['POST', `/api/v1/lpns/${other.body.id}/split`, { lines: [{ sku: w.products[0]!.sku, quantity: 1 }], newLpn: { type: 'CASE', code: 'plt-ab-1' } }],
    ], 409, 'LPN_CODE_TAKEN');
    // Once the first is no longer live its label, in any case, is free again (totes are reused).
    expect((await t.post(`/api/v1/lpns/${first.body.id}/consolidate`, { into: other.body.id })).status).toBe(200);
    expect((await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', code: 'plt-ab-1', locationId: at })).status).toBe(201);
  });
  it('a GTIN taken in another GS1 length (the UPC-A 012345678905 is the EAN-13 0012345678905 and the GTIN-14 00012345678905) is 409 DUPLICATE by POST or PATCH, a row error in a CSV import, nothing written (found by the bad-input hunt)', async () => {
    // Before: three products with one GTIN; a scanner reading the UPC-A label as 13 digits named the wrong one or none.
    const dims = { lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1 };
    expect((await t.post('/api/v1/products', { sku: 'LK-UPC', description: 'UPC-A', gtin: '012345678905', ...dims })).status).toBe(201);
    expect((await t.post('/api/v1/products', { sku: 'LK-OTHER', description: 'Other', ...dims })).status).toBe(201);
    await refusedAll([
      ['POST', '/api/v1/products', { sku: 'LK-EAN', description: 'EAN-13', gtin: '0012345678905', ...dims }],
      ['POST', '/api/v1/products', { sku: 'LK-G14', description: 'GTIN-14', gtin: '00012345678905', ...dims }],
      ['PATCH', '/api/v1/products/LK-OTHER', { gtin: '0012345678905' }],
    ], 409, 'DUPLICATE');
    const header = 'sku,description,uom,lengthMm,widthMm,heightMm,weightG,gtin';
    await refusedAll([
      ['POST', '/api/v1/imports/products', `${header}\nLK-CSV,CSV,EA,1,1,1,1,00012345678905\n`, { 'content-type': 'text/csv' }],
      ['POST', '/api/v1/imports/products', `${header}\nLK-CSV1,One,EA,1,1,1,1,4006381333931\nLK-CSV2,Two,EA,1,1,1,1,04006381333931\n`, { 'content-type': 'text/csv' }],
    ], 422, 'IMPORT_ROWS_INVALID');
    // A product's own GTIN written in another length is still its own.
    expect((await t.request('PATCH', '/api/v1/products/LK-UPC', { body: { gtin: '0012345678905' } })).status).toBe(200);
  });
});
