import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { createOrder, injectClient, orderStatus, planAndRelease, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../../../test/support/flow-driver.ts';

/**
 * A zone taken out of use for good (every location of it deactivated) is no zone any more: a roster or a what-if naming
 * it is 422 UNKNOWN_ZONE. The plan still sent a share of the forecast there, by the pick lines placed in it over the
 * last 28 days: hours of work in a zone nobody can be rostered in (required heads, short heads and work left at
 * midnight that no roster could ever fix), and that much less in the zones where the work will be done.
 */
let t: TestApp;
let call: Call;
let w: Warehouse;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

beforeAll(async () => {
  t = await startTestApp({ clock });
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'WKRETIRE', aisles: 1, bays: 2, levels: 1, skus: 2 });
}, 60_000);
afterAll(async () => t?.close());

describe('a retired zone in the staffing plan', () => {
  it('gets no forecast work once every location of it is deactivated; the zones in use get it all', async () => {
    const old = await t.post(`/api/v1/sites/${w.siteId}/locations`, { code: 'WKRETIRE-OLD-1', type: 'PICK_FACE', zone: 'OLD', x: 30, y: 4 }, 'manager');
    expect(old.status).toBe(201);
    const [inA, inOld] = [w.products[0]!.sku, w.products[1]!.sku];
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku: inA, locationId: w.storage[0]!.id, quantity: 3 }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku: inOld, locationId: old.body.id, quantity: 3 }, 'manager')).status).toBe(201);
    const orders = [
      await createOrder(call, w.siteId, { externalId: 'WKR-A', lines: [{ sku: inA, quantity: 3 }] }),
      await createOrder(call, w.siteId, { externalId: 'WKR-OLD', lines: [{ sku: inOld, quantity: 3 }] }),
    ];
    for (const o of orders) await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndRelease(call, w.siteId, 2);
    await t.settle();
    await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['ana'], { expectedTasks: 2 });
    for (const o of orders) await until('picked', () => orderStatus(call, o.id), (s) => s === 'PICKED');
    await t.settle();
    // The OLD zone is emptied and taken out of use for good.
    const off = await t.post(`/api/v1/locations/${old.body.id}/deactivate`, {}, 'manager');
    expect(off.status).toBe(200);
    await t.settle();
    // A day later: the day's pick lines are history (half in A, half in OLD); tomorrow's forecast follows them.
    offsetMs = 86_400_000 + 2 * 3_600_000;
    const day = new Date(clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
    const refused = await t.request('PUT', '/api/v1/workload/roster', { body: { siteId: w.siteId, day, shifts: [{ workerId: 'ana', zone: 'OLD', from: '06:00', to: '14:00' }] }, role: 'manager' });
    expect([refused.status, refused.body.code]).toEqual([422, 'UNKNOWN_ZONE']);
    const whatIf = await t.get(`/api/v1/workload/what-if?siteId=${w.siteId}&date=${day}&zone=OLD&add=1&fromHour=0`, 'viewer');
    expect([whatIf.status, whatIf.body.code]).toEqual([422, 'UNKNOWN_ZONE']);

    const forecast = (await t.get(`/api/v1/workload/forecast?siteId=${w.siteId}&date=${day}`, 'viewer')).body;
    expect(forecast.hours.length).toBeGreaterThan(0);
    expect(forecast.hours.filter((h: { zone: string }) => h.zone === 'OLD')).toEqual([]);
    const plan = (await t.get(`/api/v1/workload/plan?siteId=${w.siteId}&date=${day}`, 'viewer')).body;
    expect(plan.forecast.lines).toBeGreaterThan(0);
    expect(plan.hours.filter((h: { zone: string }) => h.zone === 'OLD')).toEqual([]);
    expect(plan.zones.map((z: { zone: string }) => z.zone)).toEqual(['A', 'PACK']);
  });
});
