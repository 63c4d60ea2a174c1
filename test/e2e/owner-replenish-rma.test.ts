/**
 * Owners (ADR 0028) in the stock flows owner-stock-races.test.ts does not drive: replenishments (asked by hand, and
 * confirmed while the other owner's units of the same SKU are moved, held and replenished at the same shelves), RMAs
 * restocked into a face the other owner's units share, and blind receipts put away beside them. Each owner keeps exactly
 * its own units; the stock rules hold. PAKLOG_RACE_SEED=<seed> replays the delays.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mulberry32 } from '../../src/optimize/random.ts';
import { assertStockConserved } from '../support/conservation.ts';
import type { Call, Warehouse } from '../support/flow-driver.ts';
import { badAnswers, createOwners, startRaceSite, type Answer } from '../support/races.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let dock: { id: string; code: string };
let reserves: { id: string; code: string }[] = [];
let owners: string[] = [];
let seq = 0;
const SEED = Number(process.env.PAKLOG_RACE_SEED ?? 20261207);
const random = mulberry32(SEED);
const pause = () => new Promise((r) => setTimeout(r, Math.floor(random() * 6)));
beforeAll(async () => {
  ({ t, call, w, dock } = await startRaceSite({ siteCode: 'OWNRPL', aisles: 2, bays: 4, levels: 2, skus: 0 }));
  reserves = (await t.get(`/api/v1/sites/${w.siteId}/locations?type=RESERVE&limit=500`)).body.items;
  expect(reserves.length).toBeGreaterThanOrEqual(3);
  owners = await createOwners(t, ['ORPA', 'ORPB']);
}, 60_000);
afterAll(async () => t.close());

async function newSku(): Promise<string> {
  const sku = `ORP-${++seq}`;
  expect((await t.post('/api/v1/products', { sku, description: sku, uom: 'EA', lengthMm: 100, widthMm: 80, heightMm: 50, weightG: 200 })).status).toBe(201);
  return sku;
}
const receive = async (sku: string, ownerId: string, locationId: string, quantity: number) => {
  const r = await call('receipt', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, ownerId, sku, locationId, quantity });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
};
/** owner → location → units on hand (every status). */
async function stockOf(sku: string): Promise<Map<string, Map<string, number>>> {
  const rows = await t.getAll<{ ownerId: string; locationId: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
  const m = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (r.onHand === 0) continue;
    const o = m.get(r.ownerId) ?? new Map<string, number>();
    o.set(r.locationId, (o.get(r.locationId) ?? 0) + r.onHand);
    m.set(r.ownerId, o);
  }
  return m;
}
const total = (m: Map<string, number> | undefined) => [...(m ?? new Map<string, number>()).values()].reduce((s, n) => s + n, 0);

it("a replenishment asked for one owner takes that owner's reserve units only, never the other owner's beside them", async () => {
  const [a, b] = owners as [string, string];
  const sku = await newSku();
  const face = w.storage[0]!;
  await receive(sku, b, reserves[0]!.id, 10);
  // Owner A has nothing in reserve: no source, whatever B holds.
  const none = await call('replenish', 'POST', '/api/v1/replenishments', { siteId: w.siteId, ownerId: a, sku, locationId: face.id, quantity: 3 });
  expect([none.status, none.body.code], JSON.stringify(none.body)).toEqual([409, 'NO_REPLENISHMENT_SOURCE']);
  await receive(sku, a, reserves[1]!.id, 4);
  const rpl = await call('replenish', 'POST', '/api/v1/replenishments', { siteId: w.siteId, ownerId: a, sku, locationId: face.id, quantity: 3 });
  expect(rpl.status, JSON.stringify(rpl.body)).toBe(201);
  expect(rpl.body.fromLocationId ?? rpl.body.sourceLocationId, JSON.stringify(rpl.body)).toBe(reserves[1]!.id);
  const done = await call('confirm', 'POST', `/api/v1/replenishments/${rpl.body.id}/confirm`, { locationId: face.id });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  await t.settle();
  const s = await stockOf(sku);
  expect(Object.fromEntries(s.get(a)!)).toEqual({ [reserves[1]!.id]: 1, [face.id]: 3 });
  expect(Object.fromEntries(s.get(b)!)).toEqual({ [reserves[0]!.id]: 10 });
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it(`two owners' replenishments of one face confirmed while each owner's reserve units are moved and held: each keeps its own (seed ${SEED})`, async () => {
  const [a, b] = owners as [string, string];
  const problems: string[] = [];
  for (let round = 0; round < 8; round++) {
    const sku = await newSku();
    const face = w.storage[(round % 6) + 1]!;
    // Both owners' units in the same two reserve locations.
    for (const o of [a, b]) { await receive(sku, o, reserves[0]!.id, 5); await receive(sku, o, reserves[1]!.id, 5); }
    const ra = await call('replenish', 'POST', '/api/v1/replenishments', { siteId: w.siteId, ownerId: a, sku, locationId: face.id, quantity: 4 });
    const rb = await call('replenish', 'POST', '/api/v1/replenishments', { siteId: w.siteId, ownerId: b, sku, locationId: face.id, quantity: 3 });
    expect([ra.status, rb.status], JSON.stringify([ra.body, rb.body])).toEqual([201, 201]);
    const srcB = (rb.body.fromLocationId ?? rb.body.sourceLocationId) as string;
    const ops: (() => Promise<Answer>)[] = [
      () => call('confirm A', 'POST', `/api/v1/replenishments/${ra.body.id}/confirm`, { locationId: face.id }),
      () => call('confirm B', 'POST', `/api/v1/replenishments/${rb.body.id}/confirm`, { locationId: face.id }),
      () => call('move B', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, ownerId: b, sku, quantity: 4, fromLocationId: srcB, toLocationId: reserves[2]!.id }),
      () => call('hold A', 'POST', '/api/v1/inventory/holds', { siteId: w.siteId, ownerId: a, sku, locationId: reserves[round % 2]!.id, quantity: 2, status: 'HOLD', reason: 'race' }),
    ];
    const answers = await Promise.all(ops.map(async (op) => { await pause(); return op(); }));
    problems.push(...badAnswers(`round ${round}`, answers));
    await t.settle();
    const s = await stockOf(sku);
    if (total(s.get(a)) !== 10 || total(s.get(b)) !== 10) problems.push(`round ${round}: A ${total(s.get(a))}, B ${total(s.get(b))} (each received 10)`);
    const atFaceA = s.get(a)?.get(face.id) ?? 0;
    const atFaceB = s.get(b)?.get(face.id) ?? 0;
    if (atFaceA !== (answers[0]!.status === 200 ? 4 : 0)) problems.push(`round ${round}: A's confirm ${answers[0]!.status}, ${atFaceA} of A's at the face`);
    if (atFaceB !== (answers[1]!.status === 200 ? 3 : 0)) problems.push(`round ${round}: B's confirm ${answers[1]!.status}, ${atFaceB} of B's at the face`);
    if ((s.get(a)?.get(reserves[2]!.id) ?? 0) !== 0) problems.push(`round ${round}: A's units at ${reserves[2]!.code}, only B's were moved there`);
  }
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it("an RMA of one owner restocked into a face the other owner's units share: the units are the RMA's owner's", async () => {
  const [a, b] = owners as [string, string];
  const sku = await newSku();
  const face = w.storage[7]!;
  await receive(sku, b, face.id, 5);
  const rma = await call('rma', 'POST', '/api/v1/rmas', { siteId: w.siteId, ownerId: a, customerRef: 'CUST-A', lines: [{ sku, quantity: 3, reason: 'unwanted' }] });
  expect(rma.status, JSON.stringify(rma.body)).toBe(201);
  const lineId = rma.body.lines[0].lineId as string;
  expect((await call('receive', 'POST', `/api/v1/rmas/${rma.body.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 3 }] })).status).toBe(200);
  const inspections = await Promise.all([
    call('inspect', 'POST', `/api/v1/rmas/${rma.body.id}/lines/${lineId}/inspect`, { disposition: 'RESTOCK', quantity: 2, locationId: face.id }),
    call('release', 'POST', '/api/v1/inventory/hold-releases', { siteId: w.siteId, ownerId: b, sku, locationId: dock.id, quantity: 1, fromStatus: 'QUARANTINE', reason: 'race' }),
    call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, ownerId: b, sku, quantity: 5, fromLocationId: face.id, toLocationId: reserves[2]!.id }),
  ]);
  expect(inspections[0].status, JSON.stringify(inspections[0].body)).toBe(200);
  expect(inspections[1].status).toBeGreaterThanOrEqual(400);
  expect(inspections[2].status, JSON.stringify(inspections[2].body)).toBe(201);
  await t.settle();
  const s = await stockOf(sku);
  expect(Object.fromEntries(s.get(a)!)).toEqual({ [dock.id]: 1, [face.id]: 2 });
  expect(Object.fromEntries(s.get(b)!)).toEqual({ [reserves[2]!.id]: 5 });
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});
