import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runPakLog } from '../../../test/support/paklog-process.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { DEFAULT_OWNER_ID, InventoryEvents } from '../../contracts/inventory.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { WaveEvents } from '../../contracts/waves.ts';
import { systemClock } from '../../platform/clock.ts';
import { stockHistory, type StockHistory } from './history.ts';
import { eventsOf, newLocation, newProduct, newSite, publish, unique } from './test-fixtures.ts';

/**
 * Point-in-time stock and reconciliation (issue 11) on real PostgreSQL: the as-of answer at known moments equals the
 * live balances read at those moments, with and without a snapshot in between; reconcile finds nothing on a clean
 * database and every difference seeded by hand.
 */
let t: TestApp;
let history: StockHistory;
let site: { id: string; code: string };
let a: { id: string; code: string };
let b: { id: string; code: string };
let skuA: string;
let skuB: string;

interface Key { sku: string; locationId: string; lot: string | null; status: string; ownerId: string; onHand: number; reserved: number }
/** Moments of the story below: the instant, and the site's live balances read right then. */
const moments: { at: Date; live: Key[] }[] = [];

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const byKey = (x: Key, y: Key) => `${x.sku}|${x.locationId}|${x.lot ?? ''}|${x.status}`.localeCompare(`${y.sku}|${y.locationId}|${y.lot ?? ''}|${y.status}`);

async function liveBalances(): Promise<Key[]> {
  const rows = await t.getAll<Key>(`/api/v1/inventory/balances?siteId=${site.id}`);
  return rows.filter((r) => r.onHand !== 0 || r.reserved !== 0)
    .map((r) => ({ sku: r.sku, locationId: r.locationId, lot: r.lot, status: r.status, ownerId: r.ownerId, onHand: r.onHand, reserved: r.reserved })).sort(byKey);
}
/** Notes the instant after every effect of the last step committed, and before the next one starts (ms clock vs µs). */
async function mark(): Promise<void> {
  await t.settle();
  await pause(5);
  moments.push({ at: new Date(), live: await liveBalances() });
  await pause(5);
}
async function asOf(at: Date | string, extra = ''): Promise<{ status: number; body: any }> {
  return t.get(`/api/v1/inventory/as-of?siteId=${site.id}&at=${encodeURIComponent(typeof at === 'string' ? at : at.toISOString())}${extra}`, 'viewer');
}
async function asOfItems(at: Date, extra = ''): Promise<Key[]> {
  const res = await asOf(at, extra);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as Key[]).sort(byKey);
}

beforeAll(async () => {
  t = await startTestApp({ skipConservationCheck: 'the reconcile tests corrupt balances on purpose to see them reported' });
  history = stockHistory({ db: t.app.db, clock: systemClock });
  site = await newSite(t);
  a = await newLocation(t, site, { pickSequence: 1 });
  b = await newLocation(t, site, { pickSequence: 2 });
  skuA = await newProduct(t);
  skuB = await newProduct(t, { lotControlled: true });

  // The story: nothing; receipts; an adjustment and a move; an order allocated and a wave reserving it.
  await mark();
  expect((await t.post('/api/v1/inventory/receipts', { siteId: site.id, sku: skuA, locationId: a.id, quantity: 10 })).status).toBe(201);
  expect((await t.post('/api/v1/inventory/receipts', { siteId: site.id, sku: skuB, locationId: b.id, quantity: 5, lot: 'L1' })).status).toBe(201);
  expect((await t.post('/api/v1/inventory/receipts', { siteId: site.id, sku: skuB, locationId: b.id, quantity: 4, lot: 'L2' })).status).toBe(201);
  await mark();
  expect((await t.post('/api/v1/inventory/adjustments', { siteId: site.id, sku: skuA, locationId: a.id, delta: -3, reason: 'DAMAGED' })).status).toBe(201);
  expect((await t.post('/api/v1/inventory/moves', { siteId: site.id, sku: skuA, quantity: 2, fromLocationId: a.id, toLocationId: b.id })).status).toBe(201);
  await mark();
  const orderId = unique('ord_');
  const lines = [{ lineId: unique('oln_'), lineNo: 1, sku: skuA, quantity: 6 }];
  await publish(t, 'orders', OrderEvents.received, orderId, site.id, { orderId, externalId: orderId, siteId: site.id, carrier: 'DHL', priority: 5, lines });
  const waveId = unique('wav_');
  await publish(t, 'waves', WaveEvents.released, waveId, site.id, { waveId, siteId: site.id, pickStrategy: 'discrete', orders: [{ orderId, lines }] });
  expect(await eventsOf(t, InventoryEvents.reserved, waveId)).toHaveLength(1);
  await mark();
}, 60_000);
afterAll(async () => {
  await t.close();
});

describe('GET /inventory/as-of', () => {
  it('answers, at every moment of the story, what the live balances were then (the whole ledger summed)', async () => {
    expect(moments.map((m) => m.live.length)).toEqual([0, 3, 4, 4]);
    // The wave reserved at the last moment: the answer carries reserved units too.
    expect(moments[3]!.live.some((k) => k.reserved > 0)).toBe(true);
    for (const m of moments) {
      const res = await asOf(m.at);
      expect(res.body.snapshotAsOf).toBeNull();
      expect((res.body.items as Key[]).sort(byKey), m.at.toISOString()).toEqual(m.live);
    }
  });

  it('answers the same from a snapshot plus the movements after it, before and after the snapshot\'s instant', async () => {
    const taken = await history.snapshot(moments[2]!.at);
    expect(taken?.keys).toBe(4);
    expect(await history.snapshot(moments[1]!.at)).toBeUndefined();
    for (const [i, m] of moments.entries()) {
      const res = await asOf(m.at);
      expect(res.body.snapshotAsOf, `moment ${i}`).toBe(i >= 2 ? moments[2]!.at.toISOString() : null);
      expect((res.body.items as Key[]).sort(byKey), `moment ${i}`).toEqual(m.live);
    }
  });

  it('narrows by SKU, location and lot, and pages in key order', async () => {
    const last = moments[3]!;
    expect(await asOfItems(last.at, `&sku=${skuB}&lot=L2`)).toEqual(last.live.filter((k) => k.sku === skuB && k.lot === 'L2'));
    expect(await asOfItems(last.at, `&locationId=${b.id}`)).toEqual(last.live.filter((k) => k.locationId === b.id));
    expect(await asOfItems(moments[1]!.at, `&sku=${skuA}`)).toEqual([{ sku: skuA, locationId: a.id, lot: null, status: 'AVAILABLE', ownerId: DEFAULT_OWNER_ID, onHand: 10, reserved: 0 }]);
    const pages: Key[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: any } = await asOf(last.at, `&limit=1${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(res.status).toBe(200);
      pages.push(...(res.body.items as Key[]));
      cursor = res.body.nextCursor as string | null;
    } while (cursor !== null);
    expect(pages.sort(byKey)).toEqual(last.live);
  });

  it('refuses a future instant (422), a malformed one or cursor (400), an unknown site (422) and a caller without a key (401)', async () => {
    const future = await asOf(new Date(Date.now() + 60_000));
    expect([future.status, future.body.code]).toEqual([422, 'AS_OF_IN_FUTURE']);
    const malformed = await asOf('yesterday');
    expect([malformed.status, malformed.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const cursor = await asOf(moments[3]!.at, '&cursor=bm90LWEta2V5');
    expect([cursor.status, cursor.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknown = await t.get(`/api/v1/inventory/as-of?siteId=NOPE&at=${moments[3]!.at.toISOString()}`);
    expect([unknown.status, unknown.body.code]).toEqual([422, 'UNKNOWN_SITE']);
    expect((await t.get(`/api/v1/inventory/as-of?siteId=${site.id}&at=${moments[3]!.at.toISOString()}`, null)).status).toBe(401);
  });

  it('counts a movement as of the instant the ledger shows for it: `at` = its createdAt includes it (found by the time hunt)', async () => {
    // createdAt is shown to the millisecond, the column keeps microseconds: as of 13:50:11.959Z left out the movement
    // the ledger dates 13:50:11.959Z (written at .959512), though "as of T" is every movement created at or before T.
    const own = await newSite(t);
    const at = await newLocation(t, own);
    const sku = await newProduct(t);
    for (let i = 0; i < 4; i++) {
      expect((await t.post('/api/v1/inventory/receipts', { siteId: own.id, sku, locationId: at.id, quantity: 1 + i })).status).toBe(201);
    }
    const ledger = await t.getAll<{ createdAt: string; deltaOnHand: number }>(`/api/v1/inventory/ledger?siteId=${own.id}`);
    expect(ledger).toHaveLength(4);
    for (const m of ledger) {
      const expected = ledger.filter((x) => x.createdAt <= m.createdAt).reduce((n, x) => n + x.deltaOnHand, 0);
      const res = await t.get(`/api/v1/inventory/as-of?siteId=${own.id}&at=${encodeURIComponent(m.createdAt)}`, 'viewer');
      expect([res.status, (res.body.items as Key[]).map((k) => k.onHand)], m.createdAt).toEqual([200, [expected]]);
    }
  });
});

describe('reconcile', () => {
  it('finds nothing on a clean database, then every difference seeded by hand, per site', async () => {
    expect(await history.reconcile()).toEqual([]);
    const db = t.app.db;
    // Balances are not append-only: a direct UPDATE is the kind of drift reconcile exists to catch.
    await db.query(`UPDATE inventory.balances SET on_hand = on_hand + 2 WHERE site_id = $1 AND sku = $2 AND location_id = $3`, [site.id, skuA, a.id]);
    await db.query(`UPDATE inventory.sku_stock SET allocated = allocated - 1 WHERE site_id = $1 AND sku = $2`, [site.id, skuA]);
    const found = await history.reconcile(site.id);
    expect(found.map((d) => [d.check, d.sku, d.location_id, d.field, d.stored, d.expected])).toEqual([
      ['BALANCE_LEDGER', skuA, a.id, 'on_hand', 7, 5],
      ['SKU_ALLOCATED', skuA, null, 'allocated', 5, 6],
      ['SKU_ALLOCATED_LEDGER', skuA, null, 'allocated', 5, 6],
      // The balance's two extra units are also missing from the SKU's on-hand.
      ['SKU_ON_HAND', skuA, null, 'on_hand_available', 7, 9],
    ]);
    expect(await history.reconcile('sit_other')).toEqual([]);

    // The CLI prints them and exits 1; repaired, it says so and exits 0.
    const env = cleanEnv({ DATABASE_URL: t.databaseUrl, PAKLOG_SEED_DEMO: 'false', LOG_LEVEL: 'warn' });
    const dirty = await runPakLog(['inventory', 'reconcile'], env);
    expect(dirty.code, dirty.stderr).toBe(1);
    expect(dirty.stdout).toContain('4 difference(s)');
    expect(dirty.stdout).toContain(`BALANCE_LEDGER       ${site.id} ${skuA} ${a.id} lot '' AVAILABLE: on_hand is 7, expected 5 (+2)`);
    await db.query(`UPDATE inventory.balances SET on_hand = on_hand - 2 WHERE site_id = $1 AND sku = $2 AND location_id = $3`, [site.id, skuA, a.id]);
    await db.query(`UPDATE inventory.sku_stock SET allocated = allocated + 1 WHERE site_id = $1 AND sku = $2`, [site.id, skuA]);
    const clean = await runPakLog(['inventory', 'reconcile', '--site', site.code], env);
    expect(clean.code, clean.stderr + clean.stdout).toBe(0);
    // Named as the operator named it (its code), its id after.
    expect(clean.stdout).toContain(`reconciled: the stock tables equal the ledger at site ${site.code} (${site.id})`);
  }, 120_000);

  it('finds a snapshot that misses a movement (a transaction that outlived the snapshot lag)', async () => {
    // A movement dated before the latest snapshot's instant that the snapshot does not hold: written by hand here.
    const snap = (await t.app.db.query<{ as_of: Date }>(`SELECT as_of FROM inventory.snapshots ORDER BY as_of DESC LIMIT 1`))[0]!;
    await t.app.db.query(
      `INSERT INTO inventory.movements (id, type, site_id, owner_id, sku, location_id, lot, status, delta_on_hand, created_at)
       VALUES ($1, 'ADJUST', $2, 'own_default', $3, $4, '', 'AVAILABLE', 1, $5)`, [unique('mov_'), site.id, skuA, a.id, new Date(snap.as_of.getTime() - 1)]);
    const found = await history.reconcile(site.id);
    expect(found.map((d) => [d.check, d.field, d.stored, d.expected])).toEqual([
      ['BALANCE_LEDGER', 'on_hand', 5, 6],
      ['SNAPSHOT_LEDGER', 'on_hand', 5, 6],
    ]);
  });
});
