/**
 * The conservation check every test database gets before it is dropped (test/support/test-database.ts) must be able to
 * fail: a balance changed without its movement, an allocation the SKU row does not count, and reserved held stock
 * are each named with their rows; put back, the stock is conserved again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { conservationDifferences, describeDifferences } from './support/conservation.ts';
import { gtin13 } from './support/flow-driver.ts';
import { startTestApp, type TestApp } from './support/test-app.ts';

let t: TestApp;
let siteId: string;
let locationId: string;
const sku = 'CONS-1';

beforeAll(async () => {
  // The test breaks the stock tables on purpose and puts them back; if an assertion fails midway they stay broken.
  t = await startTestApp({ skipConservationCheck: 'breaks the stock tables on purpose (and checks them itself)' });
  siteId = (await t.post('/api/v1/sites', { code: 'CONS', name: 'Conservation' })).body.id;
  const location = await t.post(`/api/v1/sites/${siteId}/locations`, { code: 'CONS-A-01', type: 'PICK_FACE', zone: 'A', x: 1, y: 1 });
  expect(location.status, JSON.stringify(location.body)).toBe(201);
  locationId = location.body.id;
  expect((await t.post('/api/v1/products', { sku, description: 'Conserved', gtin: gtin13(424_242), uom: 'EA', lengthMm: 10, widthMm: 10, heightMm: 10, weightG: 10 })).status).toBe(201);
  expect((await t.post('/api/v1/inventory/receipts', { siteId, sku, locationId, quantity: 5 })).status).toBe(201);
  await t.settle();
});
afterAll(async () => {
  await t?.close();
});

const rulesBroken = async (): Promise<string[]> => (await conservationDifferences(t.databaseUrl, { siteId, strictAtp: true })).map((d) => d.rule);

it('holds after a receipt', async () => {
  const differences = await conservationDifferences(t.databaseUrl);
  expect(differences, describeDifferences(differences)).toEqual([]);
});

it('names a balance changed without a movement, then holds again once it is put back', async () => {
  await t.app.db.query(`UPDATE inventory.balances SET on_hand = on_hand + 2 WHERE site_id = $1 AND sku = $2`, [siteId, sku]);
  const broken = await rulesBroken();
  expect(broken).toEqual(expect.arrayContaining([expect.stringMatching(/^the ledger adds up to every balance/), expect.stringMatching(/^sku_stock.on_hand_available/),
    expect.stringMatching(/^received − shipped/)]));
  const [ledger] = await conservationDifferences(t.databaseUrl, { siteId });
  expect(ledger?.rows).toEqual([expect.objectContaining({ sku, location_id: locationId, ledger_on_hand: 5, on_hand: 7 })]);
  await t.app.db.query(`UPDATE inventory.balances SET on_hand = on_hand - 2 WHERE site_id = $1 AND sku = $2`, [siteId, sku]);
  expect(await rulesBroken()).toEqual([]);
});

it('names an allocation the ledger and the order lines do not hold, and one beyond the pickable units', async () => {
  await t.app.db.query(`UPDATE inventory.sku_stock SET allocated = 5, unpickable = 1 WHERE site_id = $1 AND sku = $2`, [siteId, sku]);
  expect(await rulesBroken()).toEqual(expect.arrayContaining([expect.stringMatching(/^sku_stock.allocated = Σ delta_allocated/),
    expect.stringMatching(/^sku_stock.unpickable/), expect.stringMatching(/^allocated ≤ pickable/)]));
  await t.app.db.query(`UPDATE inventory.sku_stock SET allocated = 0, unpickable = 0 WHERE site_id = $1 AND sku = $2`, [siteId, sku]);
  expect(await rulesBroken()).toEqual([]);
});

it('names held stock that is reserved', async () => {
  await t.app.db.query(`UPDATE inventory.balances SET status = 'HOLD', reserved = 1 WHERE site_id = $1 AND sku = $2`, [siteId, sku]);
  expect(await rulesBroken()).toEqual(expect.arrayContaining([expect.stringMatching(/^stock that is not AVAILABLE/)]));
  await t.app.db.query(`UPDATE inventory.balances SET status = 'AVAILABLE', reserved = 0 WHERE site_id = $1 AND sku = $2`, [siteId, sku]);
  expect(await rulesBroken()).toEqual([]);
});

it('names an LPN tree that is not one tree: a CONSUMED LPN still in a pallet, a case away from its pallet, A in B in A (lpn9)', async () => {
  const lpn = async (type: string, code: string): Promise<string> => {
    const res = await t.post('/api/v1/lpns', { siteId, type, code, locationId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const [a, b, c] = [await lpn('PALLET', 'CONS-P1'), await lpn('PALLET', 'CONS-P2'), await lpn('CASE', 'CONS-C1')];
  expect(await rulesBroken()).toEqual([]);
  await t.app.db.query(`UPDATE physical_tracking.lpns SET status = 'CONSUMED', location_id = NULL, parent_id = $2 WHERE id = $1`, [c, a]);
  await t.app.db.query(`UPDATE physical_tracking.lpns SET parent_id = $2 WHERE id = $1`, [a, b]);
  await t.app.db.query(`UPDATE physical_tracking.lpns SET parent_id = $2, location_id = NULL WHERE id = $1`, [b, a]);
  expect(await rulesBroken()).toEqual(expect.arrayContaining([expect.stringMatching(/^LPN tree: a CONSUMED LPN is in nothing/),
    expect.stringMatching(/^LPN tree: a live LPN inside a live one rests where it does/), expect.stringMatching(/^LPN tree: no LPN is inside itself/)]));
  await t.app.db.query(`UPDATE physical_tracking.lpns SET parent_id = NULL, location_id = $2 WHERE id = ANY($1::text[])`, [[a, b], locationId]);
  await t.app.db.query(`UPDATE physical_tracking.lpns SET parent_id = NULL WHERE id = $1`, [c]);
  expect(await rulesBroken()).toEqual([]);
});
