/**
 * The LPN tree stays one tree (lpn9, 2026-12-07), over REST on real PostgreSQL. After every step, for every LPN of the
 * site (`expectOneTree`): a container's `childIds` lists an LPN iff its `parentId` names the container — but an LPN
 * that shipped off a live container keeps its `parentId` for the record (ADR 0029 addendum 2026-12-06); a CONSUMED LPN
 * is in nothing and holds nothing; a live LPN inside a live one rests where it does; no LPN is inside itself.
 * Failed before (the repack case): a carton emptied by a repack (CONSUMED) still named the pallet it was loaded on as
 * its `parentId`, though the pallet's `childIds` no longer listed it. The same rules run after every e2e file on the
 * database (test/support/conservation.ts, "LPN tree" rules).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, injectClient, orderStatus, planAndReleasePooled, receiveStock, setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { badAnswers } from '../support/races.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.admin);
  w = await setupWarehouse(call, { siteCode: 'LPNTREE', aisles: 2, bays: 3, levels: 1, skus: 2 });
  await receiveStock(call, w, 50, 2);
}, 60_000);
afterAll(async () => {
  await t.close();
});

interface Lpn { id: string; code: string; type: string; status: string; parentId: string | null; childIds: string[]; locationId: string | null; units: number }
const LIVE = new Set(['OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT']);

/** Every tree rule broken by the site's LPNs, one line each (none: []). */
async function treeBreaks(): Promise<string[]> {
  await t.settle();
  const all = await t.getAll<Lpn>(`/api/v1/lpns?siteId=${w.siteId}`);
  const byId = new Map(all.map((l) => [l.id, l]));
  const out: string[] = [];
  for (const l of all) {
    const p = l.parentId === null ? undefined : byId.get(l.parentId);
    if (l.parentId !== null && p === undefined) out.push(`${l.code} (${l.status}) names an unknown parent ${l.parentId}`);
    if (p !== undefined && !p.childIds.includes(l.id) && !(l.status === 'SHIPPED' && LIVE.has(p.status))) out.push(`${l.code} (${l.status}) names ${p.code} (${p.status}) its parent, which does not list it`);
    for (const c of l.childIds) if (byId.get(c)?.parentId !== l.id) out.push(`${l.code} lists ${c}, whose parent is ${byId.get(c)?.parentId ?? 'unknown'}`);
    if (l.status === 'CONSUMED' && (l.parentId !== null || l.childIds.length > 0 || l.units !== 0)) out.push(`CONSUMED ${l.code} is in ${l.parentId ?? 'nothing'}, holds ${l.childIds.length} LPNs and ${l.units} units`);
    if (p !== undefined && LIVE.has(l.status) && LIVE.has(p.status) && p.locationId !== l.locationId) out.push(`${l.code} rests at ${l.locationId}, its parent ${p.code} at ${p.locationId}`);
    const seen = new Set([l.id]);
    for (let at = p; at !== undefined; at = at.parentId === null ? undefined : byId.get(at.parentId)) {
      if (seen.has(at.id)) { out.push(`${l.code} is in a cycle`); break; }
      seen.add(at.id);
    }
  }
  return out;
}
const expectOneTree = async (when: string): Promise<void> => expect({ when, breaks: await treeBreaks() }).toEqual({ when, breaks: [] });

const newLpn = async (type: string, locationId?: string): Promise<Lpn> => {
  const res = await t.post('/api/v1/lpns', { siteId: w.siteId, type, code: `LT-${type}-${++seq}`, ...(locationId === undefined ? {} : { locationId }) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Lpn;
};
const load = (child: string, into: string) => t.post('/api/v1/scans', { siteId: w.siteId, barcode: child, meaning: 'LOAD_ONTO_PALLET', into }, 'operator');
const lpn = async (id: string): Promise<Lpn> => (await t.get(`/api/v1/lpns/${id}`)).body as Lpn;

interface Line { id: string; locationId: string; locationCode?: string | null; expectedBarcode?: string | null; quantity: number }
async function pickedOrder(quantity: number): Promise<string> {
  const externalId = `LT-O-${++seq}`;
  const orderId = (await createOrder(call, w.siteId, { externalId, lines: [{ sku: w.products[0]!.sku, quantity }] })).id;
  await until('allocated', () => orderStatus(call, orderId), (s) => s === 'ALLOCATED');
  await t.settle();
  await planAndReleasePooled(call, w.siteId, [orderId], 1);
  await t.settle();
  const list = (await t.get(`/api/v1/pick-lists?orderId=${orderId}`)).body.items[0] as { id: string; lines: Line[] };
  for (const line of list.lines) {
    const confirmed = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? w.products[0]!.sku, quantity: line.quantity, toteId: `TOTE-${externalId}`,
    }, 'operator');
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  }
  await until('picked', () => orderStatus(call, orderId), (s) => s === 'PICKED');
  await t.settle();
  return orderId;
}

describe('a package re-packed off a pallet', () => {
  it('the emptied (CONSUMED) carton is in nothing: its parentId is null as the pallet no longer lists it', async () => {
    const orderId = await pickedOrder(2);
    const first = await t.post('/api/v1/packages', { orderId }, 'operator');
    expect(first.status).toBe(201);
    await t.settle();
    const pallet = await newLpn('PALLET');
    expect((await load(first.body.id, pallet.id)).status).toBe(201);
    await expectOneTree('loaded');
    expect((await t.post(`/api/v1/packages/${first.body.id}/repack`, undefined, 'operator')).status).toBe(200);
    await t.settle();
    const second = await t.post('/api/v1/packages', { orderId }, 'operator');
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    await t.settle();
    const [old] = await t.getAll<Lpn>(`/api/v1/lpns?siteId=${w.siteId}&code=${first.body.id}`);
    expect({ status: old!.status, parentId: old!.parentId, palletLists: (await lpn(pallet.id)).childIds }).toEqual({ status: 'CONSUMED', parentId: null, palletLists: [] });
    await expectOneTree('re-packed off the pallet');
  }, 60_000);
});

describe('nesting two LPNs into each other at once', () => {
  it('one nest wins, the other is refused NESTING_CYCLE: never A in B in A (6 rounds)', async () => {
    for (let round = 0; round < 6; round++) {
      const [a, b] = [await newLpn('PALLET', w.storage[0]!.id), await newLpn('PALLET', w.storage[1]!.id)];
      const answers = await Promise.all([load(a.code, b.id), load(b.code, a.id)]);
      expect(badAnswers(`round ${round}`, answers.map((r) => ({ status: r.status, body: r.body })))).toEqual([]);
      const codes = answers.map((r) => (r.status === 201 ? 'ok' : r.body.code as string)).sort();
      expect({ round, codes }).toEqual({ round, codes: ['NESTING_CYCLE', 'ok'] });
      await expectOneTree(`round ${round}`);
    }
  }, 60_000);
});

describe('a pallet with cases, through move, split, consolidate, lost and found, ship', () => {
  it('the tree holds after every step', async () => {
    const [shelfA, shelfB] = [w.storage[2]!, w.storage[3]!];
    const pallet = await newLpn('PALLET', shelfA.id);
    const caseA = await newLpn('CASE', shelfB.id);
    const caseB = await newLpn('CASE', shelfB.id);
    expect((await load(caseA.code, pallet.id)).status).toBe(201);
    expect((await load(caseB.code, pallet.id)).status).toBe(201);
    await expectOneTree('two cases on the pallet');
    expect((await t.post(`/api/v1/lpns/${pallet.id}/move`, { locationId: shelfB.code }, 'operator')).status).toBe(200);
    await expectOneTree('pallet moved');
    const other = await newLpn('PALLET', shelfA.id);
    const consolidated = await t.post(`/api/v1/lpns/${pallet.id}/consolidate`, { into: other.id }, 'operator');
    expect(consolidated.status, JSON.stringify(consolidated.body)).toBe(200);
    await expectOneTree('pallet consolidated into another');
    expect((await lpn(other.id)).childIds.sort()).toEqual([caseA.id, caseB.id].sort());
    expect((await t.post(`/api/v1/lpns/${other.id}/lost`, { reason: 'lpn9' }, 'manager')).status).toBe(200);
    await expectOneTree('pallet lost');
    expect((await t.post(`/api/v1/lpns/${other.id}/found`, { location: shelfB.code }, 'operator')).status).toBe(200);
    await expectOneTree('pallet found');
    expect((await t.post(`/api/v1/lpns/${caseA.id}/move`, { locationId: shelfA.code }, 'operator')).status).toBe(200);
    await expectOneTree('a case moved off the pallet');
    const shipPallet = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: other.code, meaning: 'SHIP' }, 'operator');
    expect(shipPallet.status, JSON.stringify(shipPallet.body)).toBe(201);
    expect({ pallet: (await lpn(other.id)).status, caseB: (await lpn(caseB.id)).status, lists: (await lpn(other.id)).childIds }).toEqual({ pallet: 'SHIPPED', caseB: 'SHIPPED', lists: [caseB.id] });
    await expectOneTree('the pallet shipped with a case');
    const ship = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: caseA.code, meaning: 'SHIP' }, 'operator');
    expect(ship.status, JSON.stringify(ship.body)).toBe(201);
    await expectOneTree('the other case shipped alone');
  }, 60_000);
});
