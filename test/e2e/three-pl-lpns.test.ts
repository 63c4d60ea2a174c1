import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { injectClient, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';

/**
 * A 3PL site's LPNs (ADR 0028, ADR 0029 addendum): the pallet an owner's ASN announces is that owner's, received by its
 * label at the dock; reported lost, the units held are that owner's (never the default owner's units standing beside
 * them), and found, that owner's units follow it and are released. Over the REST API only.
 */
let t: TestApp;
let w: Warehouse;
let dock: { id: string; code: string };
let client: string;

beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.admin), { siteCode: 'TPLLPN', aisles: 1, bays: 3, levels: 1, skus: 1 });
  dock = (await t.get(`/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0];
  const owner = await t.post('/api/v1/owners', { code: 'PALCO', name: 'Pallet Co' });
  expect(owner.status, JSON.stringify(owner.body)).toBe(201);
  client = owner.body.id as string;
});
afterAll(async () => {
  await t.close();
});

/** Units of the SKU per owner, location and status (non-zero balances only). */
async function balances(sku: string): Promise<Record<string, number>> {
  await t.settle();
  const rows = await t.getAll<{ ownerId: string; locationId: string; status: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
  const name = (id: string) => (id === dock.id ? 'dock' : id === w.storage[0]!.id ? 'shelf' : id);
  return Object.fromEntries(rows.filter((r) => r.onHand !== 0)
    .map((r) => [`${r.ownerId === client ? 'client' : 'default'} ${name(r.locationId)} ${r.status}`, r.onHand]));
}

describe("an owner's ASN pallet", () => {
  it("is that owner's: received by its label, lost and found, it holds and releases the owner's units, never the default owner's beside them", async () => {
    const sku = w.products[0]!.sku;
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, ownerId: client, supplier: 'Pallet Co', lines: [{ sku, quantity: 5, expectedLpn: 'PALCO-PAL-1' }] });
    expect(asn.status, JSON.stringify(asn.body)).toBe(201);
    expect((await t.post(`/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 5, locationId: dock.id })).status).toBe(201);
    // The default owner's units of the same SKU at the same dock.
    expect((await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 5, locationId: dock.id })).status).toBe(201);
    await t.settle();
    const scan = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: 'PALCO-PAL-1', meaning: 'RECEIVE_LPN', locationId: dock.id }, 'operator');
    expect(scan.status, JSON.stringify(scan.body)).toBe(201);
    const lpnId = scan.body.lpn.id as string;
    expect(scan.body.lpn.contents).toEqual([expect.objectContaining({ sku, owner: client, quantity: 5 })]);
    expect(await balances(sku)).toEqual({ 'client dock AVAILABLE': 5, 'default dock AVAILABLE': 5 });

    expect((await t.post(`/api/v1/lpns/${lpnId}/lost`, { reason: 'not on the dock' }, 'manager')).status).toBe(200);
    expect(await balances(sku)).toEqual({ 'client dock HOLD': 5, 'default dock AVAILABLE': 5 });

    expect((await t.post(`/api/v1/lpns/${lpnId}/found`, { location: w.storage[0]!.code }, 'operator')).status).toBe(200);
    expect(await balances(sku)).toEqual({ 'client shelf AVAILABLE': 5, 'default dock AVAILABLE': 5 });
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
  });

  it("stays where it is when another owner's units of the same SKU and quantity move away from beside it: lost, it holds its own owner's units there", async () => {
    const sku = w.products[0]!.sku;
    const [shelf, other] = [w.storage[1]!, w.storage[2]!];
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId: client, sku, locationId: shelf.id, quantity: 4 })).status).toBe(201);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelf.id, quantity: 4 })).status).toBe(201);
    const built = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: shelf.id, contents: [{ sku, quantity: 4, owner: client }] }, 'operator');
    expect(built.status, JSON.stringify(built.body)).toBe(201);
    // The default owner's four units move to another shelf: the client's pallet is not what moved.
    expect((await t.post('/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 4, fromLocationId: shelf.id, toLocationId: other.id })).status).toBe(201);
    await t.settle();
    expect((await t.get(`/api/v1/lpns/${built.body.id}`)).body.locationId).toBe(shelf.id);
    expect((await t.post(`/api/v1/lpns/${built.body.id}/lost`, { reason: 'not on the shelf' }, 'manager')).status).toBe(200);
    await t.settle();
    const at = await t.getAll<{ ownerId: string; locationId: string; status: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
    const units = (owner: string, locationId: string, status: string) => at.filter((b) => b.ownerId === owner && b.locationId === locationId && b.status === status)
      .reduce((n, b) => n + b.onHand, 0);
    expect({ clientHeld: units(client, shelf.id, 'HOLD'), clientFree: units(client, shelf.id, 'AVAILABLE') }).toEqual({ clientHeld: 4, clientFree: 0 });
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
  });

  it('lost pallets of two owners raced by hand holds, releases and moves of HOLD units and their finds: each find releases every unit its loss held (rounds)', async () => {
    const sku = w.products[0]!.sku;
    const problems: string[] = [];
    for (let round = 0; round < 6; round++) {
      const shelf = w.storage[round % 2]!;
      const [elsewhere, foundAt] = [w.storage[(round + 1) % 3]!, w.storage[2]!];
      const owners = [client, 'own_default'];
      const lpns: { id: string; owner: string }[] = [];
      for (const owner of owners) {
        expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId: owner, sku, locationId: shelf.id, quantity: 6 })).status).toBe(201);
        const built = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: shelf.id, contents: [{ sku, quantity: 3, owner }] }, 'operator');
        expect(built.status, JSON.stringify(built.body)).toBe(201);
        expect((await t.post(`/api/v1/lpns/${built.body.id}/lost`, { reason: 'race' }, 'manager')).status).toBe(200);
        lpns.push({ id: built.body.id as string, owner });
      }
      await t.settle();
      const answers = await Promise.all(owners.flatMap((owner, i) => [
        t.post('/api/v1/inventory/holds', { siteId: w.siteId, ownerId: owner, sku, locationId: shelf.id, quantity: 2, status: 'HOLD', reason: 'race' }, 'manager'),
        t.post('/api/v1/inventory/moves', { siteId: w.siteId, ownerId: owner, sku, status: 'HOLD', quantity: 2, fromLocationId: shelf.id, toLocationId: elsewhere.id }),
        t.post('/api/v1/inventory/moves', { siteId: w.siteId, ownerId: owner, sku, status: 'HOLD', quantity: 4, fromLocationId: shelf.id, toLocationId: elsewhere.id }),
        t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, ownerId: owner, sku, locationId: shelf.id, quantity: 1, fromStatus: 'HOLD', reason: 'race' }, 'manager'),
        t.post(`/api/v1/lpns/${lpns[i]!.id}/found`, { location: foundAt.code }, 'operator'),
      ]));
      problems.push(...answers.filter((a) => a.status >= 500 || (a.status >= 400 && typeof a.body?.code !== 'string')).map((a) => `${a.status} ${JSON.stringify(a.body)}`));
      await t.settle();
      for (const l of lpns) {
        const rows = await t.app.db.query<{ held: number; released: number | null; status: string }>(
          'SELECT held, released, status FROM inventory.lpn_holds WHERE lpn_id = $1', [l.id]);
        for (const r of rows) if (r.status !== 'RELEASED' || r.released !== r.held) problems.push(`round ${round} ${l.owner}: ${JSON.stringify(r)}`);
      }
      await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: `after round ${round}` });
    }
    expect(problems).toEqual([]);
  });
});
