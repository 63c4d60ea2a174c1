import { afterAll, beforeAll, expect, it } from 'vitest';
import { manualClock } from '../../platform/clock.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { newLocation, newProduct, newSite } from './test-fixtures.ts';

/**
 * A replenishment whose source lot expires before the worker brings it (ADR 0026 addendum of 2026-12-06): the request
 * never takes an expired source, and neither does its confirm — expired units are never put to a pick face.
 */
const clock = manualClock(new Date('2030-03-01T08:00:00Z'));
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => t.close());

it('a source lot that expired after the request is not brought to the face: refused, nothing moved; the replenishment is cancelled and a fresh source taken', async () => {
  const site = await newSite(t);
  const sku = await newProduct(t, { lotControlled: true, expiryControlled: true });
  const face = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 1 });
  const reserve = await newLocation(t, site, { type: 'RESERVE', pickSequence: 2 });
  const later = await newLocation(t, site, { type: 'RESERVE', pickSequence: 3 });
  const receive = async (locationId: string, lot: string, expiresOn: string, quantity: number) =>
    expect((await t.post('/api/v1/inventory/receipts', { siteId: site.id, sku, locationId, lot, expiresOn, quantity })).status).toBe(201);
  await receive(reserve.id, 'L-SOON', '2030-03-01', 10);
  await receive(later.id, 'L-LATE', '2030-09-01', 10);
  const asked = await t.post<{ id: string; fromLocationId: string; lot: string | null; quantity: number }>(
    '/api/v1/replenishments', { siteId: site.id, sku, locationId: face.id, quantity: 6 }, 'manager');
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  // First to expire first: the lot that is still good today.
  expect([asked.body.fromLocationId, asked.body.lot]).toEqual([reserve.id, 'L-SOON']);
  // The lot expires (its day passes) before the worker gets to the face.
  clock.set(new Date('2030-03-02T08:00:00Z'));
  const balances = async () => (await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}`)).body.items as { locationId: string; onHand: number }[];
  const before = await balances();
  const confirmed = await t.post<{ code?: string; detail?: string }>(`/api/v1/replenishments/${asked.body.id}/confirm`, { locationId: face.id, workerId: 'rx' }, 'operator');
  expect([confirmed.status, confirmed.body.code], JSON.stringify(confirmed.body)).toEqual([409, 'INSUFFICIENT_STOCK']);
  expect(confirmed.body.detail).toContain('expired');
  expect(await balances()).toEqual(before);
  // The way out: cancelled, and the face asked for again takes the good lot.
  expect((await t.post(`/api/v1/replenishments/${asked.body.id}/cancel`, { reason: 'source expired' }, 'manager')).status).toBe(200);
  const again = await t.post<{ fromLocationId: string; lot: string | null }>('/api/v1/replenishments', { siteId: site.id, sku, locationId: face.id, quantity: 6 }, 'manager');
  expect([again.status, again.body.fromLocationId, again.body.lot]).toEqual([201, later.id, 'L-LATE']);
});
