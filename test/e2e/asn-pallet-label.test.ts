import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { injectClient, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';

/**
 * One pallet label, one open ASN (ADR 0025 addendum asn10): an ASN expecting a pallet label (expected LPN / SSCC)
 * another open ASN of the site still expects is refused, 409 LPN_ALREADY_EXPECTED, naming nothing of that ASN; the
 * RECEIVE_LPN scan of the label then builds the pallet of the one ASN that expects it. Over the REST API only.
 */
let t: TestApp;
let w: Warehouse;
let dock: { id: string; code: string };
let keyA: string;
let keyB: string;

beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.admin), { siteCode: 'ASNLBL', aisles: 1, bays: 2, levels: 1, skus: 2 });
  dock = (await t.get(`/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0];
  const ownerKey = async (code: string) => {
    const owner = await t.post('/api/v1/owners', { code, name: `${code} Ltd` });
    expect(owner.status, JSON.stringify(owner.body)).toBe(201);
    const key = await t.post('/api/v1/api-keys', { name: `${code} intake`, role: 'integration', ownerId: owner.body.id });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    return { id: owner.body.id as string, key: key.body.key as string };
  };
  keyA = (await ownerKey('LBLA')).key;
  keyB = (await ownerKey('LBLB')).key;
});
afterAll(async () => {
  await t.close();
});

const asnAs = (key: string | null, lines: readonly Record<string, unknown>[], supplier = 'Label Supplier') => t.request<Record<string, unknown>>('POST', '/api/v1/inventory/asns', {
  body: { siteId: w.siteId, supplier, lines }, ...(key === null ? {} : { role: null, headers: { 'x-api-key': key } }),
});

async function asnCount(): Promise<number> {
  return (await t.getAll(`/api/v1/inventory/asns?siteId=${w.siteId}`)).length;
}

describe('a pallet label expected by two ASNs', () => {
  it("is refused for another owner's ASN (409 LPN_ALREADY_EXPECTED, naming nothing of the first), and the scan builds the first owner's pallet alone", async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const first = await asnAs(keyA, [{ sku: a, quantity: 5, expectedLpn: 'SHARED-PAL-1' }]);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const before = await asnCount();
    const second = await asnAs(keyB, [{ sku: b, quantity: 7, expectedLpn: 'SHARED-PAL-1' }], 'Other Supplier');
    expect([second.status, second.body.code], JSON.stringify(second.body)).toEqual([409, 'LPN_ALREADY_EXPECTED']);
    expect(second.body.errors).toEqual([{ field: '/lines/0/expectedLpn', message: expect.stringContaining('another open ASN') }]);
    const said = JSON.stringify(second.body);
    for (const secret of [first.body.id as string, 'Label Supplier', 'LBLA']) expect(said).not.toContain(secret);
    expect(await asnCount()).toBe(before);

    await t.settle();
    const scan = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: 'SHARED-PAL-1', meaning: 'RECEIVE_LPN', locationId: dock.id }, 'operator');
    expect(scan.status, JSON.stringify(scan.body)).toBe(201);
    expect(scan.body.lpn.contents).toEqual([expect.objectContaining({ sku: a, quantity: 5 })]);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
  });

  it('is refused for the same owner twice, an SSCC written with or without (00), and a label on a second line of the refused ASN (field named)', async () => {
    const a = w.products[0]!.sku;
    expect((await asnAs(keyA, [{ sku: a, quantity: 1, expectedLpn: '(00)106141411234567897' }])).status).toBe(201);
    const again = await asnAs(keyA, [{ sku: a, quantity: 1, expectedLpn: 'OTHER-PAL-9' }, { sku: a, quantity: 2, expectedLpn: '106141411234567897' }]);
    expect([again.status, again.body.code, again.body.errors], JSON.stringify(again.body))
      .toEqual([409, 'LPN_ALREADY_EXPECTED', [{ field: '/lines/1/expectedLpn', message: expect.any(String) }]]);
    // The refused ASN's other label is expected by no ASN: it may be announced now.
    expect((await asnAs(null, [{ sku: a, quantity: 1, expectedLpn: 'OTHER-PAL-9' }])).status).toBe(201);
  });

  it('is taken when the label is on two lines of one ASN (one pallet), and again once the first ASN ended', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const one = await asnAs(null, [{ sku: a, quantity: 2, expectedLpn: 'MIXED-PAL-2' }, { sku: b, quantity: 3, expectedLpn: 'MIXED-PAL-2' }]);
    expect(one.status, JSON.stringify(one.body)).toBe(201);
    expect((await asnAs(keyB, [{ sku: b, quantity: 1, expectedLpn: 'MIXED-PAL-2' }])).status).toBe(409);
    expect((await t.post(`/api/v1/inventory/asns/${one.body.id as string}/cancel`, { reason: 'not coming' })).status).toBe(200);
    expect((await asnAs(keyB, [{ sku: b, quantity: 1, expectedLpn: 'MIXED-PAL-2' }])).status).toBe(201);
  });

  it("is taken for a new delivery once the first ASN's pallet of that label was scanned in (a later scan receives the new ASN's lines only)", async () => {
    const a = w.products[0]!.sku;
    const first = await asnAs(null, [{ sku: a, quantity: 4, expectedLpn: 'REUSED-PAL-3' }]);
    expect(first.status).toBe(201);
    await t.settle();
    const scan = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: 'REUSED-PAL-3', meaning: 'RECEIVE_LPN', locationId: dock.id }, 'operator');
    expect(scan.status, JSON.stringify(scan.body)).toBe(201);
    await t.settle();
    const second = await asnAs(null, [{ sku: a, quantity: 6, expectedLpn: 'REUSED-PAL-3' }]);
    expect(second.status, JSON.stringify(second.body)).toBe(201);
  });
});

describe('two ASNs expecting one label at once', () => {
  it('one is taken, the other 409 LPN_ALREADY_EXPECTED (rounds)', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    for (let round = 0; round < 5; round++) {
      const label = `RACE-PAL-${round}`;
      const both = await Promise.all([asnAs(keyA, [{ sku: a, quantity: 1, expectedLpn: label }]), asnAs(keyB, [{ sku: b, quantity: 1, expectedLpn: label }])]);
      expect(both.map((r) => r.status).sort(), JSON.stringify(both.map((r) => r.body))).toEqual([201, 409]);
    }
  });
});
