import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFingerprint } from '../support/fingerprint.ts';
import { createOrder, injectClient, orderStatus, planAndRelease, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A black-box hunt one step off the happy path of physical tracking, quality holds and pack & ship (2026-12-04), on real
 * PostgreSQL through HTTP only. Each case failed before its fix:
 * - a packer's repack took a package out of a failed inspection's hold (a manager's decision) and its units shipped.
 */
let t: TestApp;
let manager: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  manager = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(manager, { siteCode: 'HLE', aisles: 1, bays: 4, levels: 1, skus: 2 });
});
afterAll(async () => {
  await t.close();
});

/** Row counts of the named contexts' tables (others write on their own clocks meanwhile: the exception scan's events). */
const fingerprint = async (...schemas: string[]): Promise<Record<string, number>> =>
  Object.fromEntries(Object.entries(await tableFingerprint(t.app.db)).filter(([k]) => schemas.some((s) => k.startsWith(`${s}.`))));

describe('a repack and a quality hold', () => {
  it('a package a failed inspection holds is not repacked (409 PACKAGE_ON_QUALITY_HOLD, nothing changed) until a manager disposes of it; after SCRAP the order is repacked and ships', async () => {
    const sku = w.products[0]!.sku;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity: 5 })).status).toBe(201);
    expect((await t.post('/api/v1/inspection-plans', {
      siteId: w.siteId, name: 'Every package', stage: 'PACKING', sku, sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: [{ code: 'SEAL', label: 'Carton sealed', kind: 'PASS_FAIL' }],
    }, 'manager')).status).toBe(201);
    const order = await createOrder(manager, w.siteId, { externalId: 'HLE-1', lines: [{ sku, quantity: 2 }] });
    await until('allocated', () => orderStatus(manager, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndRelease(manager, w.siteId, 10);
    await t.settle();
    await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['picker-1'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(manager, order.id), (s) => s === 'PICKED');
    await t.settle();

    const pkg = (await t.post('/api/v1/packages', { orderId: order.id }, 'operator')).body;
    await t.settle();
    const inspections = async () => (await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items as { id: string; target: { packageId: string | null } }[];
    const inspection = (await inspections()).find((i) => i.target.packageId === pkg.id)!;
    expect((await t.post(`/api/v1/inspections/${inspection.id}/results`, { inspector: 'ines', items: [{ code: 'SEAL', passed: false }] }, 'operator')).body.status).toBe('FAILED');
    await t.settle();

    // The packer cannot take the units out of the held package (the disposition is a manager's: 403 for the operator).
    const before = await fingerprint('pack_ship', 'quality', 'physical_tracking');
    const refused = await t.post(`/api/v1/packages/${pkg.id}/repack`, {}, 'operator');
    expect([refused.status, refused.body.code]).toEqual([409, 'PACKAGE_ON_QUALITY_HOLD']);
    expect(refused.body.detail).toContain(inspection.id);
    expect((await t.post(`/api/v1/inspections/${inspection.id}/disposition`, { disposition: 'RELEASE' }, 'operator')).status).toBe(403);
    await t.settle();
    expect(await fingerprint('pack_ship', 'quality', 'physical_tracking')).toEqual(before);
    expect((await t.get(`/api/v1/packages/${pkg.id}`)).body.status).toBe('PACKED');

    // SCRAP: the package never ships; the documented way out is to repack the order.
    expect((await t.post(`/api/v1/inspections/${inspection.id}/disposition`, { disposition: 'SCRAP' }, 'manager')).body.holdStatus).toBe('SCRAPPED');
    await t.settle();
    expect((await t.post(`/api/v1/packages/${pkg.id}/repack`, {}, 'operator')).body.status).toBe('REPACKED');
    await t.settle();
    const again = (await t.post('/api/v1/packages', { orderId: order.id }, 'operator')).body;
    await t.settle();
    const second = (await inspections()).find((i) => i.target.packageId === again.id)!;
    expect((await t.post(`/api/v1/inspections/${second.id}/results`, { inspector: 'ines', items: [{ code: 'SEAL', passed: true }] }, 'operator')).body.status).toBe('PASSED');
    await t.settle();
    const shipment = await t.post('/api/v1/shipments', { orderId: order.id }, 'operator');
    expect(shipment.status).toBe(201);
    expect(shipment.body.packageIds).toEqual([again.id]);
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`, {}, 'operator')).status).toBe(200);
    await until('shipped', () => orderStatus(manager, order.id), (s) => s === 'SHIPPED');
    await t.settle();
  });
});
