import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { DEFAULT_OWNER_ID } from '../../contracts/inventory.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { systemClock } from '../../platform/clock.ts';
import { stockHistory, type StockHistory } from './history.ts';
import { summary, summaryFromLedger, type SummaryRow } from './store.ts';
import { newLocation, newProduct, newSite, publish, unique } from './test-fixtures.ts';

/**
 * The stock summary from the per-SKU totals plus the tail (ADR 0041) on real PostgreSQL: at every step of a story
 * (receipts for two owners, an adjustment, a move, an allocation, a SKU whose sums return to zero), before and after the
 * tail is folded into the totals, the summary equals the whole ledger summed, for the whole site, one SKU and one owner;
 * a transaction still open when the totals fold holds the watermark back, so its movements are never missed. The pages
 * (ADR 0047), followed to the end, answer exactly the unpaged summary, SKUs of the tail alone included; a bad limit or
 * cursor is refused with a code.
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

/** summary() pages followed to the end (ADR 0047): each page at most `limit` rows, each full page but the last. */
async function allPages(siteId: string, sku: string | undefined, ownerId: string | undefined, limit: number): Promise<SummaryRow[]> {
  const rows: SummaryRow[] = [];
  for (let after: string | null = null; ;) {
    const page = await summary(t.app.db, { siteId, sku, ownerId, after, limit });
    expect(page.length).toBeLessThanOrEqual(limit);
    rows.push(...page);
    if (page.length < limit) return rows;
    after = page.at(-1)!.sku;
  }
}

/** summary() = summaryFromLedger() for every filter, in one page and page by page; returns the whole-site answer. */
async function expectSameAsLedger(): Promise<SummaryRow[]> {
  for (const siteId of [site.id, other.id]) {
    for (const sku of [undefined, skuA, skuB, 'NO-SUCH-SKU']) {
      for (const ownerId of [undefined, owner, 'own_default']) {
        const ledger = await summaryFromLedger(t.app.db, siteId, sku, ownerId);
        for (const limit of [5000, 1]) expect(await allPages(siteId, sku, ownerId, limit), `${siteId} ${sku} ${ownerId} ${limit}`).toEqual(ledger);
      }
    }
  }
  return allPages(site.id, undefined, undefined, 5000);
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
  // The sku-totals job (every 5 s) would fold between a test's own folds and its reads: the tests fold by hand.
  t = await startTestApp({ startJobs: false });
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
  it('pages by SKU: the pages, followed through the route, are exactly the one-page answer, SKUs only in the tail included', async () => {
    const paged = await newSite(t);
    const shelf = await newLocation(t, paged, { pickSequence: 1 });
    const skus = (await Promise.all(Array.from({ length: 7 }, () => newProduct(t)))).sort();
    const receive = (sku: string, quantity: number) =>
      post('/api/v1/inventory/receipts', { siteId: paged.id, sku, locationId: shelf.id, quantity });
    // Every other SKU folded into the totals, then the ones between them received after the fold (only in the tail),
    // and one folded SKU moved again in the tail.
    for (const [i, sku] of skus.entries()) if (i % 2 === 0) await receive(sku, 10 + i);
    // The receipts' events handled first: a consumer's open transaction would hold the fold's watermark back (by
    // design), and the last receipt would stay in the tail.
    await t.settle();
    await history.foldSkuTotals(0);
    for (const [i, sku] of skus.entries()) if (i % 2 === 1) await receive(sku, 20 + i);
    await receive(skus[0]!, 5);
    const onlyInTail = skus.filter((_, i) => i % 2 === 1);
    const tailSkus = await t.app.db.query<{ sku: string }>(
      `SELECT DISTINCT sku FROM inventory.movements WHERE site_id = $1 AND created_at >= (SELECT folded_before FROM inventory.sku_totals_watermark)
        AND NOT EXISTS (SELECT 1 FROM inventory.sku_totals s WHERE s.site_id = $1 AND s.sku = movements.sku) ORDER BY sku`, [paged.id]);
    expect(tailSkus.map((r) => r.sku), 'SKUs with movements only after the watermark').toEqual(onlyInTail);

    type Item = { sku: string; received: number; onHand: number; ledgerOnHand: number };
    const get = async (query: string) => t.get<{ items: Item[]; nextCursor: string | null }>(`/api/v1/inventory/summary?siteId=${paged.id}${query}`, 'viewer');
    const whole = await get('&limit=5000');
    expect(whole.status).toBe(200);
    expect(whole.body.nextCursor).toBeNull();
    expect(whole.body.items.map((i) => [i.sku, i.received, i.onHand])).toEqual(skus.map((sku, i) => [sku, (i % 2 === 0 ? 10 : 20) + i + (i === 0 ? 5 : 0), (i % 2 === 0 ? 10 : 20) + i + (i === 0 ? 5 : 0)]));
    expect((await get('')).body, 'the default page holds them all').toEqual(whole.body);
    const ledger = await summaryFromLedger(t.app.db, paged.id, undefined);
    expect(whole.body.items.map((i) => [i.sku, i.received, i.ledgerOnHand])).toEqual(ledger.map((r) => [r.sku, r.received, r.ledger_on_hand]));

    for (const limit of [1, 2, 3, 7]) {
      const items: Item[] = [];
      let pages = 0;
      for (let cursor: string | null = null; ;) {
        const res = await get(`&limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(limit);
        items.push(...res.body.items);
        pages++;
        if (res.body.nextCursor === null) break;
        cursor = res.body.nextCursor;
      }
      expect(items, `limit ${limit}`).toEqual(whole.body.items);
      // A full page carries a cursor (the next page may be empty); a short one ends the walk.
      expect(pages, `limit ${limit}`).toBe(Math.floor(skus.length / limit) + 1);
    }
    // A page of one SKU, and a cursor past the last SKU.
    expect((await get(`&sku=${onlyInTail[1]!}&limit=1`)).body.items).toEqual([whole.body.items[3]]);
    const last = (await get(`&limit=7`)).body.nextCursor;
    expect(await get(`&cursor=${last!}`)).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });

    // Refused at the edge, with a code: limits out of range or not a number, cursors this API did not return.
    for (const query of ['&limit=0', '&limit=5001', '&limit=ten', '&limit=-1', '&cursor=***', '&cursor=', `&cursor=${'A'.repeat(201)}`, '&cursor=U0tVLTE%3D']) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(res.body, query).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });
});
