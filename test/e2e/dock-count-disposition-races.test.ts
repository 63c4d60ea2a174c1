import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { badAnswers, startRaceSite, type RaceSite } from '../support/races.ts';

/**
 * A black-box race at a receiving dock (2026-12-06): units a failed receiving inspection holds there, QUARANTINE units
 * held by hand beside them, and AVAILABLE ones, counted by a counter who looked before a manager's disposition of the
 * inspection (SCRAP takes units off the dock, RELEASE frees them) and submitted after it, or at the same moment. A count
 * never finds the scrapped units again, never writes off units standing there, and the ledger stays conserved.
 */
let s: RaceSite;
const CHECKLIST = [{ code: 'WEIGHT', label: 'Unit weight', kind: 'MEASURE', unit: 'g', min: 300, max: 340 }];
const ROUNDS = 6;

beforeAll(async () => {
  s = await startRaceSite({ siteCode: 'DOCKCOUNTRACE', aisles: 1, bays: 2, levels: 1, skus: ROUNDS });
  expect((await s.t.request('PUT', '/api/v1/inventory/count-settings', { body: { siteId: s.w.siteId, toleranceUnits: 100, tolerancePercent: null }, role: 'manager' })).status).toBe(200);
});
afterAll(async () => {
  await s.t.close();
});

const onDock = async (sku: string): Promise<Record<string, number>> => {
  const items = (await s.t.get(`/api/v1/inventory/balances?siteId=${s.w.siteId}&sku=${sku}&locationId=${s.dock.id}`)).body.items as { status: string; onHand: number }[];
  return Object.fromEntries(items.filter((b) => b.onHand !== 0).map((b) => [b.status, b.onHand]));
};
const total = (b: Record<string, number>): number => Object.values(b).reduce((a, n) => a + n, 0);

describe('a count of held units at the dock while their inspection is disposed of', () => {
  it(`never finds scrapped units again nor writes off units on the dock (${ROUNDS} rounds)`, async () => {
    const { t, w, dock } = s;
    const problems: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sku = w.products[round]!.sku;
      expect((await t.post('/api/v1/inspection-plans', { siteId: w.siteId, name: `d${round}`, stage: 'RECEIVING', sku, sampling: { kind: 'EVERY_NTH', n: 1 }, checklist: CHECKLIST }, 'manager')).status).toBe(201);
      expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: dock.id, quantity: 4 }, 'manager')).status).toBe(201);
      await t.settle();
      const inspection = ((await t.get(`/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items as { id: string; target: { sku: string } }[]).find((i) => i.target.sku === sku)!;
      expect((await t.post(`/api/v1/inspections/${inspection.id}/results`, { inspector: 'ines', items: [{ code: 'WEIGHT', value: 360 }] }, 'operator')).status).toBe(200);
      await t.settle();
      expect((await t.post('/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: dock.id, delta: 6, reason: 'FOUND' }, 'manager')).status).toBe(201);
      expect((await t.post('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: dock.id, quantity: 2, status: 'QUARANTINE', reason: 'crushed' }, 'manager')).status).toBe(201);
      const before = await onDock(sku);
      expect(total(before)).toBe(10);

      const opened = await t.post('/api/v1/inventory/counts', { siteId: w.siteId, sku, locationIds: [dock.id] }, 'manager');
      expect(opened.status, JSON.stringify(opened.body)).toBe(201);
      const countId = (opened.body.items as { id: string }[])[0]!.id;
      // The counter looks: 10 on the dock. Then the disposition and the submission (raced in odd rounds).
      const disposition = round % 4 < 2 ? 'SCRAP' : 'RELEASE';
      const dispose = () => t.post(`/api/v1/inspections/${inspection.id}/disposition`, { disposition }, 'manager');
      const submit = () => t.post(`/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 10, workerId: `c${round}` }, 'operator');
      const answers = round % 2 === 1 ? await Promise.all([dispose(), submit()]) : [await dispose(), await submit()];
      problems.push(...badAnswers(`round ${round}`, answers));
      await t.settle();
      const after = await onDock(sku);
      const expected = disposition === 'SCRAP' ? 6 : 10;
      if (total(after) !== expected) problems.push(`round ${round} ${disposition} ${answers.map((a) => `${a.status}${a.body?.status ?? a.body?.code ?? ''}`).join('/')}: on the dock ${JSON.stringify(after)} (before ${JSON.stringify(before)}), expected ${expected}`);
      if ((after.QUARANTINE ?? 0) !== 2) problems.push(`round ${round}: QUARANTINE ${JSON.stringify(after)}`);
      await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: `after round ${round}` });
    }
    expect(problems).toEqual([]);
  }, 240_000);
});
