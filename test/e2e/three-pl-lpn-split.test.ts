import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { injectClient, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';

/**
 * Splitting a 3PL pallet by hand (ADR 0028, ADR 0029): a pallet holding two owners' units of one SKU gives a split the
 * units of the owner the split names. A split naming no owner took the first line's units, whoever owned them, so the
 * case split off "for" one owner held the other's and their inventory move left it behind. Over the REST API only.
 */
let t: TestApp;
let w: Warehouse;
let client: string;

beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.admin), { siteCode: 'TPLSPLITLPN', aisles: 1, bays: 4, levels: 1, skus: 1 });
  const owner = await t.post('/api/v1/owners', { code: 'SPLITCO', name: 'Split Co' });
  expect(owner.status, JSON.stringify(owner.body)).toBe(201);
  client = owner.body.id as string;
});
afterAll(async () => {
  await t.close();
});

interface Line { sku: string; owner: string | null; quantity: number }
const owned = (lines: Line[]) => Object.fromEntries(lines.map((l) => [l.owner === client ? 'client' : 'default', l.quantity]));

/** A pallet at the shelf holding 4 of the client's and 4 of the default owner's units of the SKU (both received). */
async function mixedPallet(shelf: { id: string }): Promise<{ id: string; sku: string }> {
  const sku = w.products[0]!.sku;
  expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId: client, sku, locationId: shelf.id, quantity: 4 })).status).toBe(201);
  expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelf.id, quantity: 4 })).status).toBe(201);
  const built = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: shelf.id,
    contents: [{ sku, quantity: 4, owner: client }, { sku, quantity: 4 }] }, 'operator');
  expect(built.status, JSON.stringify(built.body)).toBe(201);
  return { id: built.body.id as string, sku };
}

describe("a split of a pallet holding two owners' units of one SKU", () => {
  it('naming no owner is refused 422 naming /lines/0/owner, and changes nothing', async () => {
    const pallet = await mixedPallet(w.storage[0]!);
    const split = await t.post(`/api/v1/lpns/${pallet.id}/split`, { lines: [{ sku: pallet.sku, quantity: 4 }], newLpn: { type: 'CASE' } }, 'operator');
    expect({ status: split.status, fields: (split.body.errors ?? []).map((e: { field: string }) => e.field) }).toEqual({ status: 422, fields: ['/lines/0/owner'] });
    expect(owned((await t.get(`/api/v1/lpns/${pallet.id}`)).body.contents)).toEqual({ client: 4, default: 4 });
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
  });

  it("naming the default owner takes the default owner's units; their inventory move then carries the case, the client's units stay on the pallet", async () => {
    const [shelf, other] = [w.storage[1]!, w.storage[2]!];
    const pallet = await mixedPallet(shelf);
    const split = await t.post(`/api/v1/lpns/${pallet.id}/split`, { lines: [{ sku: pallet.sku, quantity: 4, owner: 'own_default' }], newLpn: { type: 'CASE' } }, 'operator');
    expect(split.status, JSON.stringify(split.body)).toBe(201);
    expect({ source: owned(split.body.source.contents), target: owned(split.body.target.contents) }).toEqual({ source: { client: 4 }, target: { default: 4 } });
    expect((await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku: pallet.sku, quantity: 4, fromLocationId: shelf.id, toLocationId: other.id })).status).toBe(201);
    await t.settle();
    expect({ case: (await t.get(`/api/v1/lpns/${split.body.target.id}`)).body.locationId, pallet: (await t.get(`/api/v1/lpns/${pallet.id}`)).body.locationId })
      .toEqual({ case: other.id, pallet: shelf.id });
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
  });

  it("of one owner's units only needs no owner named (as before)", async () => {
    const sku = w.products[0]!.sku;
    const shelf = w.storage[2]!;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId: client, sku, locationId: shelf.id, quantity: 3 })).status).toBe(201);
    const built = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: shelf.id, contents: [{ sku, quantity: 3, owner: client }] }, 'operator');
    const split = await t.post(`/api/v1/lpns/${built.body.id}/split`, { lines: [{ sku, quantity: 1 }] }, 'operator');
    expect(split.status, JSON.stringify(split.body)).toBe(201);
    expect(owned(split.body.target.contents)).toEqual({ client: 1 });
  });
});

describe('the physical vs logical reconciliation of a location holding units of two owners', () => {
  it("tells a client's pallet from the default owner's units of the same SKU and quantity (it found no difference before)", async () => {
    const sku = w.products[0]!.sku;
    // A fresh shelf: the default owner's 5 units on the books, a pallet of the client's 5 on the floor.
    const shelf = w.storage[3]!;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelf.id, quantity: 5 })).status).toBe(201);
    const built = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: shelf.id, contents: [{ sku, quantity: 5, owner: client }] }, 'operator');
    expect(built.status, JSON.stringify(built.body)).toBe(201);
    await t.settle();
    const report = (await t.get(`/api/v1/physical-tracking/reconciliation?siteId=${w.siteId}`)).body as { differences: { locationId: string; ownerId?: string; physical: number; logical: number; kind: string }[] };
    expect(report.differences.filter((d) => d.locationId === shelf.id).map((d) => [d.ownerId === client ? 'client' : 'default', d.kind, d.physical, d.logical]).sort())
      .toEqual([['client', 'PHYSICAL_ONLY', 5, 0], ['default', 'LOGICAL_ONLY', 0, 5]]);
  });
});

describe("an LPN's contents name an owner there is", () => {
  it('POST /lpns with contents of an unknown owner is 422 UNKNOWN_OWNER naming /contents/<i>/owner and builds nothing (201 before)', async () => {
    const sku = w.products[0]!.sku;
    const before = (await t.getAll<{ id: string }>(`/api/v1/lpns?siteId=${w.siteId}`)).length;
    const built = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: w.storage[0]!.id,
      contents: [{ sku, quantity: 1, owner: client }, { sku, quantity: 2, owner: 'SPLITCO' }] }, 'operator');
    expect({ status: built.status, code: built.body.code, fields: (built.body.errors ?? []).map((e: { field: string }) => e.field) })
      .toEqual({ status: 422, code: 'UNKNOWN_OWNER', fields: ['/contents/1/owner'] });
    expect((await t.getAll<{ id: string }>(`/api/v1/lpns?siteId=${w.siteId}`)).length).toBe(before);
  });
});

describe("a pallet holding two owners' units at the dock (an LPN may hold several owners' units, ADR 0029 addendum 2026-12-05)", () => {
  it("stays at the dock when one owner's units are put away: a putaway carries only an LPN all of whose units are its owner's (it carried the other owner's units before)", async () => {
    const sku = w.products[0]!.sku;
    const dock = (await t.get(`/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0] as { id: string; code: string };
    const receipts = [];
    for (const ownerId of [client, 'own_default']) {
      const r = await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, ownerId, sku, quantity: 3, locationId: dock.id });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      receipts.push(r.body as { putaway: { id: string } });
    }
    const built = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: dock.id,
      contents: [{ sku, quantity: 3, owner: client }, { sku, quantity: 3 }] }, 'operator');
    expect(built.status, JSON.stringify(built.body)).toBe(201);
    await t.settle();
    const target = w.storage[1]!;
    const put = await t.post(`/api/v1/inventory/putaways/${receipts[0]!.putaway.id}/confirm`, { locationCode: target.code, workerId: 'stocker-1' }, 'operator');
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await t.settle();
    const pallet = (await t.get(`/api/v1/lpns/${built.body.id}`)).body as { locationId: string; contents: Line[] };
    // The default owner's three units are on the books at the dock still: the pallet holding them did not go.
    expect({ at: pallet.locationId === dock.id ? 'dock' : pallet.locationId === target.id ? 'target' : pallet.locationId, owned: owned(pallet.contents) })
      .toEqual({ at: 'dock', owned: { client: 3, default: 3 } });
    const scans = (await t.getAll<{ meaning: string; lpnId: string | null; locationId: string }>(`/api/v1/scans?siteId=${w.siteId}&location=${target.id}`))
      .filter((s) => s.meaning === 'PUTAWAY_TARGET');
    expect(scans.map((s) => s.lpnId)).toEqual([null]);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
  });

  it("stays too when its own units are one owner's but a case on it holds another owner's", async () => {
    const sku = w.products[0]!.sku;
    const dock = (await t.get(`/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0] as { id: string; code: string };
    const r = await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, ownerId: client, sku, quantity: 2, locationId: dock.id });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 1, locationId: dock.id })).status).toBe(201);
    // Another pallet of the client's two units, built before: the oldest LPN holding them, and a default owner's case on it.
    const pallet = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: dock.id, contents: [{ sku, quantity: 2, owner: client }] }, 'operator');
    expect(pallet.status, JSON.stringify(pallet.body)).toBe(201);
    const inner = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'CASE', parentId: pallet.body.id, contents: [{ sku, quantity: 1 }] }, 'operator');
    expect(inner.status, JSON.stringify(inner.body)).toBe(201);
    await t.settle();
    const target = w.storage[2]!;
    const put = await t.post(`/api/v1/inventory/putaways/${(r.body as { putaway: { id: string } }).putaway.id}/confirm`, { locationCode: target.code, workerId: 'stocker-1' }, 'operator');
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await t.settle();
    const at = async (id: string) => ((await t.get(`/api/v1/lpns/${id}`)).body.locationId === dock.id ? 'dock' : 'elsewhere');
    expect({ pallet: await at(pallet.body.id), case: await at(inner.body.id) }).toEqual({ pallet: 'dock', case: 'dock' });
  });
});
