import { afterAll, beforeAll, expect, it } from 'vitest';
import { tableFingerprint } from '../../../test/support/fingerprint.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

/**
 * Quality over HTTP on real PostgreSQL: an inspection of a 3PL client's receipt names the units' owner in its target
 * (the response schema once lacked `target.ownerId`: the serializer dropped it, and the response contract check
 * failed on GET /inspections; found by the property test, test/e2e/inventory-properties.test.ts).
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

it('an inspection of an owner\'s receipt answers the owner in its target; the default owner\'s has none', async () => {
  const site = (await t.post('/api/v1/sites', { code: 'QOWN', name: 'Quality owners' })).body.id as string;
  expect((await t.post(`/api/v1/sites/${site}/layout`, { aisles: 1, bays: 1, levels: 1, packStations: 1 })).status).toBe(201);
  const [face] = (await t.get(`/api/v1/sites/${site}/locations?type=PICK_FACE`)).body.items as { id: string }[];
  expect((await t.post('/api/v1/products', { sku: 'QOWN-1', description: 'Mug', gtin: '4006381333931', uom: 'EA', lengthMm: 100, widthMm: 80, heightMm: 50, weightG: 300 })).status)
    .toBe(201);
  const owner = (await t.post('/api/v1/owners', { code: 'QOWNER', name: 'A 3PL client' })).body.id as string;
  expect((await t.post('/api/v1/inspection-plans', {
    siteId: site, name: 'Every receipt', stage: 'RECEIVING', sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: [{ code: 'LABEL', label: 'Label', kind: 'PASS_FAIL' }],
  }, 'manager')).status).toBe(201);
  for (const ownerId of [owner, undefined]) {
    expect((await t.post('/api/v1/inventory/receipts', { siteId: site, ...(ownerId === undefined ? {} : { ownerId }), sku: 'QOWN-1', locationId: face!.id, quantity: 4 })).status)
      .toBe(201);
    await t.settle();
  }
  const listed = await t.get(`/api/v1/inspections?siteId=${site}&status=OPEN`, 'viewer');
  expect(listed.status).toBe(200);
  expect(listed.body.items.map((i: { target: { ownerId?: string } }) => i.target.ownerId)).toEqual([owner, undefined]);
  const one = await t.get(`/api/v1/inspections/${listed.body.items[0].id}`, 'viewer');
  expect(one.body.target).toMatchObject({ kind: 'STOCK', sku: 'QOWN-1', ownerId: owner, quantity: 4 });
});

it('a plan for an owner nobody has is refused (422 UNKNOWN_OWNER naming /ownerId) and writes nothing; a known owner is kept (found by the black-box hunt)', async () => {
  const site = (await t.post('/api/v1/sites', { code: 'QUNK', name: 'Quality unknown owner' })).body.id as string;
  const plan = (ownerId: string) => t.post('/api/v1/inspection-plans', {
    siteId: site, name: 'One client', stage: 'RECEIVING', ownerId, sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: [{ code: 'LABEL', label: 'Label', kind: 'PASS_FAIL' }],
  }, 'manager');
  const before = await tableFingerprint(t.app.db);
  const refused = await plan('own_nobody');
  expect([refused.status, refused.body.code, refused.body.errors]).toEqual([422, 'UNKNOWN_OWNER', [{ field: '/ownerId', message: 'is not the id of an owner' }]]);
  expect(await tableFingerprint(t.app.db)).toEqual(before);
  const owner = (await t.post('/api/v1/owners', { code: 'QUNKOWNER', name: 'A 3PL client' })).body.id as string;
  const made = await plan(owner);
  expect([made.status, made.body.ownerId]).toEqual([201, owner]);
});

it('retiring a plan twice answers the plan unchanged: the second is no change, its version stays', async () => {
  const site = (await t.post('/api/v1/sites', { code: 'QRET', name: 'Quality retire' })).body.id as string;
  const plan = await t.post('/api/v1/inspection-plans', {
    siteId: site, name: 'Retired', stage: 'RECEIVING', sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: [{ code: 'LABEL', label: 'Label', kind: 'PASS_FAIL' }],
  }, 'manager');
  expect(plan.status).toBe(201);
  const first = await t.post(`/api/v1/inspection-plans/${plan.body.id}/deactivate`, undefined, 'manager');
  expect(first.body).toMatchObject({ active: false, version: plan.body.version + 1 });
  const again = await t.post(`/api/v1/inspection-plans/${plan.body.id}/deactivate`, undefined, 'manager');
  expect(again.status).toBe(200);
  expect(again.body).toEqual(first.body);
});

it('a packing inspection of a package quality hears of after its order\'s cancel is not left OPEN: nothing is opened for the voided package (pack3)', async () => {
  // Quality hears orders and pack & ship apart: the cancel of an order may come before the packed package it voided. The
  // cancel withdrew the OPEN inspections it found (ADR 0031 addendum 2026-12-07); one opened after it stayed OPEN for good.
  const site = (await t.post('/api/v1/sites', { code: 'QCANC', name: 'Quality cancel order' })).body.id as string;
  expect((await t.post('/api/v1/inspection-plans', {
    siteId: site, name: 'Every package', stage: 'PACKING', sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: [{ code: 'SEAL', label: 'Sealed', kind: 'PASS_FAIL' }],
  }, 'manager')).status).toBe(201);
  const publish = async (source: string, type: string, subject: string, data: unknown): Promise<void> => {
    await t.app.db.tx((tx) => t.app.bus.append(tx, source, [{ type, subject, siteId: site, data }]));
    await t.settle();
  };
  const packed = (orderId: string, packageId: string) => ({
    packageId, orderId, siteId: site, cartonCode: 'BOX-S', weightG: 400, lines: [{ lineId: `oln_${orderId}`, sku: 'QCANC-1', quantity: 1 }], orderComplete: true,
  });
  const cancelled = (orderId: string) => ({ orderId, siteId: site, previousStatus: 'PACKED', reason: 'customer', lines: [{ lineId: `oln_${orderId}`, lineNo: 1, sku: 'QCANC-1', quantity: 1 }] });
  const ofPackage = async (packageId: string): Promise<string[]> =>
    ((await t.get(`/api/v1/inspections?siteId=${site}&stage=PACKING`)).body.items as { status: string; target: { packageId: string } }[])
      .filter((i) => i.target.packageId === packageId).map((i) => i.status);
  // In order: opened, then withdrawn by the cancel.
  await publish('pack-ship', 'pack-ship.package.packed.v1', 'pkg_qcanc_1', packed('ord_qcanc_1', 'pkg_qcanc_1'));
  expect(await ofPackage('pkg_qcanc_1')).toEqual(['OPEN']);
  await publish('orders', 'orders.order.cancelled.v1', 'ord_qcanc_1', cancelled('ord_qcanc_1'));
  expect(await ofPackage('pkg_qcanc_1')).toEqual(['CANCELLED']);
  // The cancel heard first: nothing is opened for the package it voided (it was left OPEN in the inspector's queue).
  await publish('orders', 'orders.order.cancelled.v1', 'ord_qcanc_2', cancelled('ord_qcanc_2'));
  await publish('pack-ship', 'pack-ship.package.packed.v1', 'pkg_qcanc_2', packed('ord_qcanc_2', 'pkg_qcanc_2'));
  expect(await ofPackage('pkg_qcanc_2')).toEqual([]);
  expect(((await t.get(`/api/v1/inspections?siteId=${site}&status=OPEN`)).body.items as unknown[])).toEqual([]);
  // Another order's package is still sampled as ever.
  await publish('pack-ship', 'pack-ship.package.packed.v1', 'pkg_qcanc_3', packed('ord_qcanc_3', 'pkg_qcanc_3'));
  expect(await ofPackage('pkg_qcanc_3')).toEqual(['OPEN']);
});
