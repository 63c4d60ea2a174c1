import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { injectClient, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';

/**
 * Conservation under races on one SKU at one location (real PostgreSQL, the app's HTTP routes called at once with
 * Promise.all): a failed inspection's hold, units held and released by hand, moves of HOLD and AVAILABLE units away,
 * adjustments, a count opened and submitted, and the inspection's disposition, all on the same balances. After every
 * round: the ledger is conserved (on-hand never below 0, reserved and allocated never above what exists), and no open
 * inspection owns more HOLD units than are on HOLD there (units held by hand or by another hold are never counted as
 * its own, so nobody else's units are scrapped or released for it), and each disposition took no more than its hold
 * still owned.
 */
let t: TestApp;
let w: Warehouse;

const CHECKLIST = [{ code: 'WEIGHT', label: 'Unit weight', kind: 'MEASURE', unit: 'g', min: 300, max: 340 }];
const ROUNDS = 6;

beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.manager), { siteCode: 'HOLDRACE', aisles: 1, bays: 4 * ROUNDS, levels: 1, skus: 2 * ROUNDS });
  expect((await t.request('PUT', '/api/v1/inventory/count-settings', { body: { siteId: w.siteId, toleranceUnits: 100, tolerancePercent: null }, role: 'manager' })).status).toBe(200);
});
afterAll(async () => {
  await t.close();
});

/** Open inspections' owned units above what is on HOLD at their balance: must be none. */
async function overOwned(): Promise<unknown[]> {
  return t.app.db.query(
    `SELECT q.location_id, q.sku, q.owned, coalesce(b.on_hand, 0) AS on_hand
     FROM (SELECT site_id, owner_id, sku, location_id, lot, sum(held - taken)::int AS owned FROM inventory.quality_holds WHERE status = 'HELD'
           GROUP BY site_id, owner_id, sku, location_id, lot) q
     LEFT JOIN inventory.balances b ON b.site_id = q.site_id AND b.owner_id = q.owner_id AND b.sku = q.sku AND b.location_id = q.location_id
       AND b.lot = q.lot AND b.status = 'HOLD'
     WHERE q.owned > coalesce(b.on_hand, 0)`);
}

/** Dispositions that took more than their hold still owned (placed less taken). */
async function overDisposed(): Promise<unknown[]> {
  return t.app.db.query(
    `SELECT q.inspection_id, q.held, q.taken, -sum(m.delta_on_hand)::int AS scrapped FROM inventory.quality_holds q
     JOIN inventory.movements m ON m.reference = q.inspection_id AND m.type = 'ADJUST'
     GROUP BY q.inspection_id, q.held, q.taken HAVING -sum(m.delta_on_hand) > q.held - q.taken`);
}

describe('hold, release, scrap, count, adjust and move at once on one SKU and location', () => {
  it(`keeps the stock conserved and every hold's units its own (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const sku = w.products[round]!.sku;
      const shelf = w.storage[2 * round]!.id;
      const elsewhere = w.storage[2 * round + 1]!.id;
      // 4 units received and failed by their inspection (HOLD, the inspection's), 10 more AVAILABLE, 3 of them held by hand.
      expect((await t.post('/api/v1/inspection-plans', { siteId: w.siteId, name: `r${round}`, stage: 'RECEIVING', sku, sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: CHECKLIST }, 'manager')).status).toBe(201);
      expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelf, quantity: 4 }, 'manager')).status).toBe(201);
      await t.settle();
      const inspection = ((await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items as { id: string; target: { sku: string } }[])
        .find((i) => i.target.sku === sku)!;
      expect((await t.post(`/api/v1/inspections/${inspection.id}/results`, { inspector: 'ines', items: [{ code: 'WEIGHT', value: 360 }] }, 'operator')).status).toBe(200);
      await t.settle();
      expect((await t.post('/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: shelf, delta: 10, reason: 'FOUND' }, 'manager')).status).toBe(201);
      expect((await t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: shelf, quantity: 3, status: 'HOLD', reason: 'dented' }, 'manager')).status).toBe(201);

      const countAndSubmit = async (): Promise<number> => {
        const opened = await t.post('/api/v1/inventory/counts', { siteId: w.siteId, sku, locationIds: [shelf] }, 'manager');
        if (opened.status !== 201) return opened.status;
        const id = (opened.body.items as { id: string }[])[0]!.id;
        const onShelf = ((await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}&locationId=${shelf}`)).body.items as { onHand: number }[])
          .reduce((n, b) => n + b.onHand, 0);
        const submitted = await t.post(`/api/v1/inventory/counts/${id}/submit`, { attempt: 1, quantity: Math.max(0, onShelf - 1), workerId: `counter${round}` }, 'operator');
        if (submitted.status === 200 && submitted.body.status !== 'COMPLETED') await t.post(`/api/v1/inventory/counts/${id}/reject`, { reason: 'race' }, 'manager');
        return submitted.status;
      };
      // Dispositions vary by round: half scrap, half release; in odd rounds the disposition races, in even ones it comes after.
      const disposition = round % 2 === 0 ? 'SCRAP' : 'RELEASE';
      const dispose = () => t.post(`/api/v1/inspections/${inspection.id}/disposition`, { disposition }, 'manager').then((r) => r.status);
      const racers: Promise<number>[] = [
        t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: shelf, quantity: 3, fromStatus: 'HOLD', reason: 'looks fine' }, 'manager').then((r) => r.status),
        t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, status: 'HOLD', quantity: 2 + (round % 3), fromLocationId: shelf, toLocationId: elsewhere }, 'operator').then((r) => r.status),
        t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: shelf, quantity: 2, status: 'HOLD', reason: 'scratched' }, 'manager').then((r) => r.status),
        t.post('/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: shelf, delta: -2, reason: 'DAMAGED' }, 'manager').then((r) => r.status),
        t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 3, fromLocationId: shelf, toLocationId: elsewhere }, 'operator').then((r) => r.status),
        countAndSubmit(),
        ...(round % 2 === 1 ? [dispose()] : []),
      ];
      const statuses = await Promise.all(racers);
      // Every answer is a decision, never a fault.
      for (const s of statuses) expect([200, 201, 409, 422]).toContain(s);
      await t.settle();
      expect(await overOwned(), `round ${round}: an inspection owns more than is on HOLD`).toEqual([]);
      if (round % 2 === 0) {
        expect(await dispose()).toBe(200);
        await t.settle();
      }
      expect(await overOwned(), `round ${round}`).toEqual([]);
      expect(await overDisposed(), `round ${round}: a disposition took units its hold did not own`).toEqual([]);
      await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: `after round ${round}` });
      expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
    }
  });

  it(`two inspections' dispositions, a move and a hand release of the same HOLD units at once: each takes only its own (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const sku = w.products[ROUNDS + round]!.sku;
      const shelf = w.storage[2 * ROUNDS + 2 * round]!.id;
      const elsewhere = w.storage[2 * ROUNDS + 2 * round + 1]!.id;
      expect((await t.post('/api/v1/inspection-plans', { siteId: w.siteId, name: `two${round}`, stage: 'RECEIVING', sku, sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: CHECKLIST }, 'manager')).status).toBe(201);
      for (const quantity of [4, 5]) {
        expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelf, quantity }, 'manager')).status).toBe(201);
      }
      await t.settle();
      const inspections = ((await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items as { id: string; target: { sku: string } }[])
        .filter((i) => i.target.sku === sku);
      expect(inspections).toHaveLength(2);
      for (const i of inspections) {
        expect((await t.post(`/api/v1/inspections/${i.id}/results`, { inspector: 'ines', items: [{ code: 'WEIGHT', value: 360 }] }, 'operator')).status).toBe(200);
      }
      await t.settle();
      expect((await t.post('/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: shelf, delta: 3, reason: 'FOUND' }, 'manager')).status).toBe(201);
      expect((await t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: shelf, quantity: 3, status: 'HOLD', reason: 'dented' }, 'manager')).status).toBe(201);
      // 12 on HOLD there: 4 and 5 the inspections', 3 by hand.
      const statuses = await Promise.all([
        t.post(`/api/v1/inspections/${inspections[0]!.id}/disposition`, { disposition: 'SCRAP' }, 'manager').then((r) => r.status),
        t.post(`/api/v1/inspections/${inspections[1]!.id}/disposition`, { disposition: round % 2 === 0 ? 'RELEASE' : 'RETURN_TO_VENDOR' }, 'manager').then((r) => r.status),
        t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, status: 'HOLD', quantity: 2 + round, fromLocationId: shelf, toLocationId: elsewhere }, 'operator').then((r) => r.status),
        t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: shelf, quantity: 2, fromStatus: 'HOLD', reason: 'looks fine' }, 'manager').then((r) => r.status),
      ]);
      for (const st of statuses) expect([200, 201, 409]).toContain(st);
      await t.settle();
      expect(await overOwned(), `round ${round}`).toEqual([]);
      expect(await overDisposed(), `round ${round}: a disposition took units its hold did not own`).toEqual([]);
      // What the dispositions took and the units held by hand add up: nothing held by hand was disposed of.
      const disposed = ((await t.get('/api/v1/events?type=inventory.quality-hold.disposed.v1&limit=100')).body.items as { data: { inspectionId: string; disposed: number } }[])
        .filter((e) => inspections.some((i) => i.id === e.data.inspectionId)).reduce((n, e) => n + e.data.disposed, 0);
      const heldNow = ((await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items as { status: string; onHand: number }[])
        .filter((b) => b.status === 'HOLD').reduce((n, b) => n + b.onHand, 0);
      const releasedByHand = statuses[3] === 201 ? 2 : 0;
      // 12 on HOLD, less the hand release, less the dispositions' units: what stays on HOLD anywhere.
      expect(heldNow, `round ${round}`).toBe(12 - releasedByHand - disposed);
      // The hand's 3 units are all still on HOLD somewhere unless released by hand: the dispositions took at most 9.
      expect(disposed, `round ${round}`).toBeLessThanOrEqual(9);
      expect(heldNow, `round ${round}`).toBeGreaterThanOrEqual(3 - releasedByHand);
      await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: `after round ${round} of two inspections` });
      expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
    }
  });
});
