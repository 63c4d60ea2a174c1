import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectClient, setupWarehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Quantities are 32-bit in the store (balances, SKU stock, the ledger's deltas): units added past 2,147,483,647 at one
 * place are refused as bad input (4xx problem naming the reason), with nothing written and the Idempotency-Key free,
 * never a 500 (found by the stock hunt). One request carries at most 1,000,000 units, so the balance is raised by SQL.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ skipConservationCheck: 'the test raises a balance near the 32-bit limit by SQL, with no movement for it' });
});
afterAll(async () => {
  await t.close();
});

describe('quantities past the 32-bit limit', () => {
  it('a receipt that would take a balance past 2,147,483,647 is a 4xx problem, writes nothing, and leaves its Idempotency-Key free', async () => {
    const w = await setupWarehouse(injectClient(t.app, t.keys.admin), { siteCode: 'OVERFLOW7', aisles: 1, bays: 1, levels: 1, skus: 1 });
    const sku = w.products[0]!.sku;
    const loc = w.storage[0]!;
    const first = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 1_000_000 });
    expect(first.status).toBe(201);
    await t.settle();
    // As if 2,000,000,000 units had come in by 2,000 receipts.
    await t.app.db.query(`UPDATE inventory.balances SET on_hand = 2000000000 WHERE site_id = $1 AND sku = $2 AND location_id = $3`, [w.siteId, sku, loc.id]);
    await t.app.db.query(`UPDATE inventory.sku_stock SET on_hand_available = 2000000000 WHERE site_id = $1 AND sku = $2`, [w.siteId, sku]);
    const ledger = async () => (await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inventory.movements WHERE site_id = $1`, [w.siteId]))[0]!.n;
    const key = { 'idempotency-key': 'overflow-receipt-1' };
    for (const [url, body] of [
      ['/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: loc.id, quantity: 1_000_000 }],
      ['/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: loc.id, delta: 1_000_000, reason: 'FOUND' }],
    ] as const) {
      // 147,483,647 units of room: 148 receipts of a million fill it, the 148th must be refused.
      await t.app.db.query(`UPDATE inventory.balances SET on_hand = 2147000000 WHERE site_id = $1 AND sku = $2 AND location_id = $3`, [w.siteId, sku, loc.id]);
      await t.app.db.query(`UPDATE inventory.sku_stock SET on_hand_available = 2147000000 WHERE site_id = $1 AND sku = $2`, [w.siteId, sku]);
      const movements = await ledger();
      const refused = await t.request('POST', url, { body, headers: key });
      expect([refused.status, refused.body.code], url).toEqual([400, 'VALIDATION_FAILED']);
      expect(refused.headers['content-type'], url).toContain('application/problem+json');
      expect(refused.body.detail, url).toMatch(/2,147,483,647/);
      expect(await ledger(), url).toBe(movements);
      const bal = await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
      expect(bal.body.items.map((b: { onHand: number }) => b.onHand), url).toEqual([2_147_000_000]);
      // The key was not spent on the refusal: once there is room, the same key and body are carried out.
      await t.app.db.query(`UPDATE inventory.balances SET on_hand = 1000000 WHERE site_id = $1 AND sku = $2 AND location_id = $3`, [w.siteId, sku, loc.id]);
      await t.app.db.query(`UPDATE inventory.sku_stock SET on_hand_available = 1000000 WHERE site_id = $1 AND sku = $2`, [w.siteId, sku]);
      const again = await t.request('POST', url, { body, headers: key });
      expect(again.status, url).toBe(201);
      await t.settle();
      key['idempotency-key'] += 'x';
    }
  });
});
