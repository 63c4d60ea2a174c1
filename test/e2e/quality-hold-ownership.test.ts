import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { injectClient, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';

/**
 * A quality hold owns exactly its units (ADR 0031 addendum of 2026-12-05), on real PostgreSQL through HTTP only: HOLD
 * units have no identity, and units held by hand (`POST /inventory/holds`) share the HOLD balance with a failed
 * inspection's. The inspection's SCRAP takes only what it still owns, a hand release never reaches into it, and a move
 * of HOLD units takes the units held by hand first, then the inspection's (which then no longer owns them): units held
 * by hand later at the same place are never scrapped for the inspection's.
 */
let t: TestApp;
let w: Warehouse;

const CHECKLIST = [{ code: 'WEIGHT', label: 'Unit weight', kind: 'MEASURE', unit: 'g', min: 300, max: 340 }];

beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.manager), { siteCode: 'QHOWN', aisles: 1, bays: 4, levels: 1, skus: 3 });
});
afterAll(async () => {
  await t.close();
});

interface Balance { locationId: string; status: string; onHand: number }
const held = async (sku: string, locationId: string): Promise<number> => ((await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items as Balance[])
  .filter((b) => b.locationId === locationId && b.status === 'HOLD').reduce((n, b) => n + b.onHand, 0);
const holdByHand = (sku: string, locationId: string, quantity: number) =>
  t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId, quantity, status: 'HOLD', reason: 'dented' }, 'manager');
const releaseByHand = (sku: string, locationId: string, quantity: number) =>
  t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId, quantity, fromStatus: 'HOLD', reason: 'looks fine' }, 'manager');
const moveHeld = (sku: string, fromLocationId: string, toLocationId: string, quantity: number) =>
  t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, status: 'HOLD', quantity, fromLocationId, toLocationId }, 'operator');
const disposed = async (inspectionId: string) => ((await t.get('/api/v1/events?type=inventory.quality-hold.disposed.v1&limit=100')).body.items as { data: Record<string, unknown> }[])
  .filter((e) => e.data['inspectionId'] === inspectionId).map((e) => [e.data['held'], e.data['disposed'], e.data['shortfall']]);

/** `quantity` units received at the shelf and failed by their inspection (a hold of exactly them), then `more` AVAILABLE units there (adjusted in: no inspection). */
async function failedReceipt(sku: string, shelf: string, quantity: number, more: number): Promise<string> {
  expect((await t.post('/api/v1/inspection-plans', { siteId: w.siteId, name: `every ${sku}`, stage: 'RECEIVING', sku, sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: CHECKLIST }, 'manager')).status).toBe(201);
  expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelf, quantity }, 'manager')).status).toBe(201);
  await t.settle();
  const open = (await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items as { id: string; target: { sku: string } }[];
  const inspection = open.find((i) => i.target.sku === sku)!;
  expect((await t.post(`/api/v1/inspections/${inspection.id}/results`, { inspector: 'ines', items: [{ code: 'WEIGHT', value: 360 }] }, 'operator')).status).toBe(200);
  await t.settle();
  expect(await held(sku, shelf)).toBe(quantity);
  expect((await t.post('/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: shelf, delta: more, reason: 'FOUND' }, 'manager')).status).toBe(201);
  return inspection.id;
}

const dispose = async (inspectionId: string, disposition: string): Promise<void> => {
  expect((await t.post(`/api/v1/inspections/${inspectionId}/disposition`, { disposition }, 'manager')).status).toBe(200);
  await t.settle();
};

describe('a quality hold and units held by hand at the same place', () => {
  it('hand hold 3 + inspection hold 2: a hand release of 5 is 409 HELD_BY_INSPECTION; SCRAP takes its 2; the 3 stay on HOLD and are released by hand', async () => {
    const sku = w.products[0]!.sku;
    const shelf = w.storage[0]!.id;
    const inspection = await failedReceipt(sku, shelf, 2, 3);
    expect((await holdByHand(sku, shelf, 3)).status).toBe(201);
    const refused = await releaseByHand(sku, shelf, 5);
    expect([refused.status, refused.body.code]).toEqual([409, 'HELD_BY_INSPECTION']);
    expect(await held(sku, shelf)).toBe(5);

    await dispose(inspection, 'SCRAP');
    expect(await disposed(inspection)).toEqual([[2, 2, 0]]);
    expect(await held(sku, shelf)).toBe(3);
    expect((await releaseByHand(sku, shelf, 3)).status).toBe(201);
    expect(await held(sku, shelf)).toBe(0);
  });

  it('the inspection\'s 2 HOLD units moved away, then 3 held by hand there: SCRAP takes none of the hand\'s 3 (shortfall 2), which stay releasable by hand', async () => {
    const sku = w.products[1]!.sku;
    const shelf = w.storage[1]!.id;
    const elsewhere = w.storage[2]!.id;
    const inspection = await failedReceipt(sku, shelf, 2, 3);
    expect((await moveHeld(sku, shelf, elsewhere, 2)).status).toBe(201);
    expect((await holdByHand(sku, shelf, 3)).status).toBe(201);
    // The 3 on HOLD here are the hand's: released by hand, held again.
    expect((await releaseByHand(sku, shelf, 3)).status).toBe(201);
    expect((await holdByHand(sku, shelf, 3)).status).toBe(201);

    await dispose(inspection, 'SCRAP');
    expect(await disposed(inspection)).toEqual([[2, 0, 2]]);
    expect(await held(sku, shelf)).toBe(3);
    expect((await releaseByHand(sku, shelf, 3)).status).toBe(201);
    // The 2 moved away stay on HOLD where they went, for a person to deal with.
    expect(await held(sku, elsewhere)).toBe(2);
  });

  it('hand hold 3 + inspection hold 2, 3 HOLD units moved away: the hand\'s go first, the inspection still owns its 2 and RELEASE frees them', async () => {
    const sku = w.products[2]!.sku;
    const shelf = w.storage[3]!.id;
    const inspection = await failedReceipt(sku, shelf, 2, 3);
    expect((await holdByHand(sku, shelf, 3)).status).toBe(201);
    expect((await moveHeld(sku, shelf, w.storage[2]!.id, 3)).status).toBe(201);
    const refused = await releaseByHand(sku, shelf, 1);
    expect([refused.status, refused.body.code]).toEqual([409, 'HELD_BY_INSPECTION']);
    // 4 more held by hand, then 5 moved away: 4 of the hand's and 1 of the inspection's, which then owns 1.
    expect((await t.post('/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: shelf, delta: 4, reason: 'FOUND' }, 'manager')).status).toBe(201);
    expect((await holdByHand(sku, shelf, 4)).status).toBe(201);
    expect((await moveHeld(sku, shelf, w.storage[2]!.id, 5)).status).toBe(201);
    await dispose(inspection, 'RELEASE');
    expect(await disposed(inspection)).toEqual([[2, 1, 1]]);
    expect(await held(sku, shelf)).toBe(0);
  });
});
