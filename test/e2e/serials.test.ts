import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { injectClient, setupWarehouse, type Call, type Warehouse } from '../support/flow-driver.ts';

/**
 * Serial-controlled products (ADR 0058): receipts carry one serial per unit, registered IN_STOCK in the same
 * transaction; refusals (missing, wrong count, duplicate, already in stock) change nothing; a serial is traced per site.
 */
let t: TestApp;
let call: Call;
let w: Warehouse;
let other: Warehouse;

const product = (sku: string, serialControlled: boolean) => t.post('/api/v1/products', {
  sku, description: 'serial traced', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 300, serialControlled,
}, 'manager');
const onHand = async (siteId: string, sku: string): Promise<number> =>
  ((await t.get(`/api/v1/inventory/balances?siteId=${siteId}&sku=${sku}`)).body.items as { onHand: number }[]).reduce((s, b) => s + b.onHand, 0);
const registry = async (siteId: string, sku: string) =>
  (await t.get(`/api/v1/inventory/serials?siteId=${siteId}&sku=${sku}`)).body.items as { serial: string; status: string }[];

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'SERI', aisles: 2, bays: 4, levels: 1, skus: 0 });
  other = await setupWarehouse(call, { siteCode: 'SERIAL2', aisles: 1, bays: 2, levels: 1, skus: 0 });
});
afterAll(async () => {
  await t.close();
});

describe('serial-controlled products', () => {
  it('the flag is set on create, read back, changed by PATCH and answered by GraphQL', async () => {
    const created = await product('SER-FLAG', true);
    expect(created.status).toBe(201);
    expect(created.body.serialControlled).toBe(true);
    expect((await product('SER-PLAIN', false)).body.serialControlled).toBe(false);
    expect((await t.get('/api/v1/products/SER-FLAG')).body.serialControlled).toBe(true);
    const patched = await t.request('PATCH', '/api/v1/products/SER-PLAIN', { role: 'manager', body: { serialControlled: true } });
    expect(patched.status).toBe(200);
    expect(patched.body.serialControlled).toBe(true);
    const gql = await t.post('/graphql', { query: '{ product(sku: "SER-FLAG") { sku serialControlled } }' }, 'manager');
    expect(gql.body).toEqual({ data: { product: { sku: 'SER-FLAG', serialControlled: true } } });
  });

  it('receipts carry one serial per unit; refusals change nothing; each serial is traced to its receipt', async () => {
    const sku = 'SER-RCV';
    expect((await product(sku, true)).status).toBe(201);
    const loc = w.storage[0]!;
    const receipt = (body: Record<string, unknown>) => t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 3, ...body }, 'manager');
    // Missing, too few, twice the same: 400 naming /serials, nothing received.
    const missing = await receipt({});
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: '/serials' })]);
    expect((await receipt({ serials: ['A-1', 'A-2'] })).body.errors).toEqual([expect.objectContaining({ field: '/serials' })]);
    const twice = await receipt({ serials: ['A-1', 'A-2', 'A-1'] });
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual([expect.objectContaining({ field: '/serials/2' })]);
    expect(await onHand(w.siteId, sku)).toBe(0);
    expect(await registry(w.siteId, sku)).toEqual([]);

    const ok = await receipt({ serials: ['A-1', 'A-2', 'A-3'] });
    expect(ok.status).toBe(201);
    expect(await onHand(w.siteId, sku)).toBe(3);
    // One of them again: 409 SERIAL_IN_STOCK naming it, nothing received.
    const again = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 2, serials: ['A-4', 'A-2'] }, 'manager');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SERIAL_IN_STOCK');
    expect(again.body.errors).toEqual([expect.objectContaining({ field: '/serials/1' })]);
    expect(await onHand(w.siteId, sku)).toBe(3);
    expect((await registry(w.siteId, sku)).map((s) => [s.serial, s.status])).toEqual([['A-1', 'IN_STOCK'], ['A-2', 'IN_STOCK'], ['A-3', 'IN_STOCK']]);
    // The same serial at another site is another unit.
    expect((await t.post('/api/v1/inventory/receipts', { siteId: other.siteId, sku, locationId: other.storage[0]!.id, quantity: 1, serials: ['A-2'] }, 'manager')).status).toBe(201);

    const trace = await t.get(`/api/v1/inventory/serials/A-2?siteId=${w.siteId}&sku=${sku}`);
    expect(trace.status).toBe(200);
    expect(trace.body.items).toEqual([expect.objectContaining({
      serial: 'A-2', sku, status: 'IN_STOCK', where: loc.id, receivedAtLocationId: loc.id, receiptMovementId: ok.body.movementId, orderId: null, shipmentId: null,
    })]);
    expect((await t.get(`/api/v1/inventory/serials/A-9?siteId=${w.siteId}`)).status).toBe(404);
    const gql = await t.post('/graphql', { query: `{ serialTrace(serial: "A-2", siteId: "${w.siteId}") { items { status where sku } }
      serials(siteId: "${w.siteId}", sku: "${sku}") { nodes { serial } } }` }, 'manager');
    expect(gql.body).toEqual({ data: {
      serialTrace: { items: [{ status: 'IN_STOCK', where: loc.id, sku }] }, serials: { nodes: [{ serial: 'A-1' }, { serial: 'A-2' }, { serial: 'A-3' }] },
    } });
  });

  it('two receipts of one serial at once: one registers it, the other is 409 SERIAL_IN_STOCK and changes nothing', async () => {
    const sku = 'SER-RACE';
    expect((await product(sku, true)).status).toBe(201);
    const loc = w.storage[2]!;
    const answers = await Promise.all([['R-1', 'R-2'], ['R-3', 'R-2']].map((serials) =>
      t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 2, serials }, 'manager')));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('SERIAL_IN_STOCK');
    expect(await onHand(w.siteId, sku)).toBe(2);
    expect((await registry(w.siteId, sku)).filter((s) => s.serial === 'R-2')).toHaveLength(1);
  });

  it('a product without the flag takes no serials and is received as ever', async () => {
    const sku = 'SER-NONE';
    expect((await product(sku, false)).status).toBe(201);
    const given = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[1]!.id, quantity: 1, serials: ['X-1'] }, 'manager');
    expect(given.status).toBe(400);
    expect(given.body.errors).toEqual([expect.objectContaining({ field: '/serials' })]);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[1]!.id, quantity: 2 }, 'manager')).status).toBe(201);
    expect(await onHand(w.siteId, sku)).toBe(2);
    expect(await registry(w.siteId, sku)).toEqual([]);
  });

  it('an ASN line that lists serials takes only those; the receipt registers them with the ASN', async () => {
    const sku = 'SER-ASN';
    expect((await product(sku, true)).status).toBe(201);
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'S', lines: [{ sku, quantity: 2, serials: ['B-1', 'B-2'] }] }, 'manager');
    expect(asn.status).toBe(201);
    const asnId = asn.body.id as string;
    const stranger = await t.post(`/api/v1/inventory/asns/${asnId}/receipts`, { sku, quantity: 2, serials: ['B-1', 'B-7'] }, 'manager');
    expect(stranger.status).toBe(422);
    expect(stranger.body.code).toBe('NOT_ON_ASN');
    expect(stranger.body.errors).toEqual([expect.objectContaining({ field: '/serials/1' })]);
    expect(await onHand(w.siteId, sku)).toBe(0);
    const ok = await t.post(`/api/v1/inventory/asns/${asnId}/receipts`, { sku, quantity: 2, serials: ['B-2', 'B-1'] }, 'manager');
    expect(ok.status).toBe(201);
    const trace = await t.get(`/api/v1/inventory/serials/B-1?siteId=${w.siteId}`);
    expect(trace.body.items).toEqual([expect.objectContaining({ status: 'IN_STOCK', asnId, receiptMovementId: ok.body.movementId })]);
    // A blind receipt of a serial-controlled product needs its serials too.
    const blind = await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 1 }, 'manager');
    expect(blind.status).toBe(400);
    expect(blind.body.errors).toEqual([expect.objectContaining({ field: '/serials' })]);
    expect(await onHand(w.siteId, sku)).toBe(2);
  });
});
