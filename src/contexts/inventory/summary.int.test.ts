import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { DEFAULT_OWNER_ID } from '../../contracts/inventory.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { systemClock } from '../../platform/clock.ts';
import { stockHistory, type StockHistory } from './history.ts';
import { summary, summaryFromLedger } from './store.ts';
import { newLocation, newProduct, newSite, publish, unique } from './test-fixtures.ts';

/**
 * The stock summary from the per-SKU totals plus the tail (ADR 0041) on real PostgreSQL: at every step of a story
 * (receipts for two owners, an adjustment, a move, an allocation, a SKU whose sums return to zero), before and after the
 * tail is folded into the totals, the summary equals the whole ledger summed, for the whole site, one SKU and one owner;
 * a transaction still open when the totals fold holds the watermark back, so its movements are never missed.
 */
let t: TestApp;
let history: StockHistory;
let site: { id: string; code: string };
let other: { id: string; code: string };
let a: { id: string; code: string };
let b: { id: string; code: string };
let skuA: string;
let skuB: string;
let owner: string;

/** summary() = summaryFromLedger() for every filter; returns the whole-site answer. */
async function expectSameAsLedger(): Promise<Awaited<ReturnType<typeof summary>>> {
  const db = t.app.db;
  for (const siteId of [site.id, other.id]) {
    for (const sku of [undefined, skuA, skuB, 'NO-SUCH-SKU']) {
      for (const ownerId of [undefined, owner, 'own_default']) {
        expect(await summary(db, siteId, sku, ownerId), `${siteId} ${sku} ${ownerId}`).toEqual(await summaryFromLedger(db, siteId, sku, ownerId));
      }
    }
  }
  return summary(db, site.id, undefined);
}

/** The folded totals of a SKU at the site: [owner, received, adjusted, on-hand] per owner. */
async function totalsOf(sku: string): Promise<unknown[][]> {
  const rows = await t.app.db.query<{ owner_id: string; received: number; adjusted: number; on_hand: number }>(
    `SELECT owner_id, received, adjusted, on_hand FROM inventory.sku_totals WHERE site_id = $1 AND sku = $2 ORDER BY owner_id`, [site.id, sku]);
  return rows.map((r) => [r.owner_id, r.received, r.adjusted, r.on_hand]).sort();
}

const post = async (path: string, body: unknown): Promise<void> => {
  const res = await t.post(path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
};

beforeAll(async () => {
  t = await startTestApp();
  history = stockHistory({ db: t.app.db, clock: systemClock });
  site = await newSite(t);
  other = await newSite(t);
  a = await newLocation(t, site, { pickSequence: 1 });
  b = await newLocation(t, site, { pickSequence: 2 });
  skuA = await newProduct(t);
  skuB = await newProduct(t);
  const created = await t.post('/api/v1/owners', { code: unique('OWN'), name: 'summary test owner' });
  expect(created.status).toBe(201);
  owner = created.body.id as string;
}, 60_000);
afterAll(async () => {
  await t.close();
});

describe('inventory summary from the per-SKU totals plus the tail', () => {
  it('equals the ledger summed before any fold, after one, and with movements after it', async () => {
    expect(await expectSameAsLedger()).toEqual([]);
    await post('/api/v1/inventory/receipts', { siteId: site.id, sku: skuA, locationId: a.id, quantity: 10 });
    await post('/api/v1/inventory/receipts', { siteId: site.id, sku: skuA, locationId: b.id, quantity: 4, ownerId: owner });
    await post('/api/v1/inventory/adjustments', { siteId: site.id, sku: skuA, locationId: a.id, delta: -3, reason: 'DAMAGED' });
    await expectSameAsLedger();

    await history.foldSkuTotals(0);
    expect(await history.foldSkuTotals(0), 'nothing new to fold').toBeUndefined();
    expect(await totalsOf(skuA)).toEqual([[DEFAULT_OWNER_ID, 10, -3, 7], [owner, 4, 0, 4]].sort());
    const snapped = await expectSameAsLedger();
    expect(snapped).toEqual([expect.objectContaining({ sku: skuA, received: 14, shipped: 0, adjusted: -3, ledger_on_hand: 11, on_hand: 11 })]);

    // After the fold: a move, a SKU that comes and goes back to zero, an allocation (a movement without a location).
    await post('/api/v1/inventory/moves', { siteId: site.id, sku: skuA, quantity: 2, fromLocationId: a.id, toLocationId: b.id });
    await post('/api/v1/inventory/receipts', { siteId: site.id, sku: skuB, locationId: a.id, quantity: 5 });
    await post('/api/v1/inventory/adjustments', { siteId: site.id, sku: skuB, locationId: a.id, delta: -5, reason: 'DAMAGED' });
    const orderId = unique('ord_');
    await publish(t, 'orders', OrderEvents.received, orderId, site.id, {
      orderId, externalId: orderId, siteId: site.id, carrier: 'DHL', priority: 5, lines: [{ lineId: unique('oln_'), lineNo: 1, sku: skuA, quantity: 3 }],
    });
    await t.settle();
    const tail = await expectSameAsLedger();
    expect(tail.map((r) => [r.sku, r.received, r.adjusted, r.ledger_on_hand, r.ledger_allocated, r.allocated])).toEqual(
      [[skuA, 14, -3, 11, 3, 3], [skuB, 5, -5, 0, 0, 0]].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );

    // A second fold adds to the first one's totals; the route answers the same.
    await history.foldSkuTotals(0);
    expect(await totalsOf(skuB)).toEqual([[DEFAULT_OWNER_ID, 5, -5, 0]]);
    const second = await expectSameAsLedger();
    expect(second).toEqual(tail);
    const res = await t.get(`/api/v1/inventory/summary?siteId=${site.id}`, 'viewer');
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { sku: string; ledgerAllocated: number }) => [i.sku, i.ledgerAllocated])).toEqual(tail.map((r) => [r.sku, r.ledger_allocated]));
  });

  it('never misses the movements of a transaction open while the totals fold: the watermark stays before its start', async () => {
    const skuC = await newProduct(t);
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT 1');
      // Folds what came before (if anything); the open transaction started before the new watermark would be.
      await history.foldSkuTotals(0);
      const watermark = (await t.app.db.query<{ folded_before: Date }>(`SELECT folded_before FROM inventory.sku_totals_watermark`))[0]!.folded_before;
      const started = (await client.query<{ now: Date }>('SELECT now()')).rows[0]!.now;
      expect(watermark.getTime()).toBeLessThanOrEqual(started.getTime());
      // A movement that changes no quantity (conservation holds) but lists the SKU; created_at is the transaction's start.
      await client.query(
        `INSERT INTO inventory.movements (id, type, site_id, owner_id, sku, location_id, lot, status, delta_on_hand)
         VALUES ($1, 'ADJUST', $2, 'own_default', $3, $4, '', 'AVAILABLE', 0)`, [unique('mov_'), site.id, skuC, a.id]);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    expect((await expectSameAsLedger()).map((r) => r.sku)).toContain(skuC);
    await history.foldSkuTotals(0);
    expect(await totalsOf(skuC)).toEqual([[DEFAULT_OWNER_ID, 0, 0, 0]]);
    expect((await expectSameAsLedger()).map((r) => r.sku)).toContain(skuC);
  });
});
