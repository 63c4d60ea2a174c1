/**
 * `paklog start` killed (SIGKILL) in the middle of floor commands the other crash files do not cover: an LPN received
 * by a RECEIVE_LPN scan against its ASN, a putaway confirmed by a scan that carries a scanId (retried by that scanId
 * alone, no Idempotency-Key), a count submission killed before its commit, a quality disposition (SCRAP and RELEASE),
 * and the packs, booking and dispatch of a two-parcel shipment. After each restart the client sends the same request
 * again (same Idempotency-Key, or same scanId) until it gets a definitive answer: each command took effect once, its
 * events were published once, no key is left claimed, and the ledger is conserved.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, orderStatus, planAndRelease, setupWarehouse, until, untilPooled, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type Answer, type CrashServer } from '../support/crash-server.ts';

let server: CrashServer;
let probe: pg.Client;
let base = '';
let adminKey = '';
let call: Call;
let w: Warehouse;
let dock: { id: string; code: string };
let kills = 0;
/** How each kill landed: 'seen' when its moment was seen before the answer, 'answered' when the answer came first. */
const landed: string[] = [];

const n = async (sql: string, params: unknown[] = []): Promise<number> => Number((await probe.query<{ n: string }>(sql, params)).rows[0]!.n);

const attempt = (url: string, body: unknown, key: string | undefined): Promise<Answer | undefined> => server.attempt(url, body, key);

/** The shared kill-and-retry (crash-server.ts), its kills counted and how each landed noted. */
async function killedDuring(url: string, body: unknown, when: number | ((key: string) => Promise<boolean>), o: { keyless?: boolean } = {}): Promise<Answer> {
  const res = await server.killedDuring(url, body, when, o);
  kills++;
  if (res.landed !== undefined) landed.push(res.landed);
  return res;
}

/**
 * A transaction of the server is open and its last statement matched `pattern`: the command is in flight, between its
 * first statement and its commit (its claim of the Idempotency-Key, or its own lock on the row it changes).
 */
const inTx = (pattern = '%platform.idempotency_keys%') => async (): Promise<boolean> => await n(
  `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND xact_start IS NOT NULL AND state IN ('active', 'idle in transaction') AND query ILIKE $1`, [pattern]) > 0;

/** The request's Idempotency-Key is stored: its work committed. */
const keyCommitted = async (key: string): Promise<boolean> => await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE key = $1`, [key]) > 0;

const eventCount = (type: string, subject?: string): Promise<number> => (subject === undefined
  ? n(`SELECT count(*) AS n FROM platform.events WHERE type = $1`, [type])
  : n(`SELECT count(*) AS n FROM platform.events WHERE type = $1 AND subject = $2`, [type, subject]));

beforeAll(async () => {
  server = await crashServer();
  ({ base, adminKey, call } = server);
  probe = new pg.Client({ connectionString: server.db.url });
  await probe.connect();
  w = await setupWarehouse(call, { siteCode: 'CRFLOOR', aisles: 1, bays: 8, levels: 1, skus: 4 });
  dock = (await call<{ items: { id: string; code: string }[] }>('docks', 'GET', `/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0]!;
  const settings = await fetch(`${base}/api/v1/inventory/count-settings`, {
    method: 'PUT', headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
    body: JSON.stringify({ siteId: w.siteId, toleranceUnits: 10, tolerancePercent: null }),
  });
  expect(settings.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await server?.close();
});

describe('paklog start killed during floor scans, dispositions and a two-parcel shipment, each retried', () => {
  it('receives an ASN LPN once per label, whether the kill came before or after the commit; another key is LPN_CODE_TAKEN', async () => {
    const sku = w.products[0]!.sku;
    const asn = await call<{ id: string }>('asn', 'POST', '/api/v1/inventory/asns', {
      siteId: w.siteId, supplier: 'Crash Ltd', lines: [{ sku, quantity: 6, expectedLpn: 'CRASH-LPN-1' }, { sku, quantity: 4, expectedLpn: 'CRASH-LPN-2' }],
    });
    expect(asn.status, JSON.stringify(asn.body)).toBe(201);
    for (const [label, when] of [['CRASH-LPN-1', keyCommitted], ['CRASH-LPN-2', inTx()]] as const) {
      const scan = { siteId: w.siteId, barcode: label, meaning: 'RECEIVE_LPN', locationId: dock.id, workerId: 'receiver', deviceId: 'HH-1' };
      const res = await killedDuring('/api/v1/scans', scan, when);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.lpn).toMatchObject({ code: label, status: 'OPEN' });
      // The same scan under another key (the handheld lost its key) receives nothing more.
      const other = await attempt('/api/v1/scans', scan, randomUUID());
      expect([other?.status, other?.body?.code]).toEqual([409, 'LPN_CODE_TAKEN']);
      expect(await n(`SELECT count(*) AS n FROM physical_tracking.lpns WHERE code = $1`, [label])).toBe(1);
    }
    expect(await n(`SELECT count(*) AS n FROM physical_tracking.scans WHERE meaning = 'RECEIVE_LPN'`)).toBe(2);
  }, 120_000);

  it('confirms a putaway by its scanId once: the retry replays, another scanId moves nothing more than is open', async () => {
    const sku = w.products[0]!.sku;
    const putaways: string[] = [];
    for (const q of [5, 6]) {
      const r = await call<{ putaway: { id: string } }>('receive', 'POST', '/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: q, locationId: dock.id });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      putaways.push(r.body.putaway.id);
    }
    const confirmedBy = (putawayId: string, scanId: string) => async (): Promise<boolean> =>
      await n(`SELECT count(*) AS n FROM inventory.putaway_confirmations WHERE putaway_id = $1 AND scan_id = $2`, [putawayId, scanId]) > 0;
    // Every open unit, killed once the confirm committed, retried by its scanId alone.
    const url0 = `/api/v1/inventory/putaways/${putaways[0]!}/confirm`;
    const full = await killedDuring(url0, { locationId: w.storage[0]!.id, scanId: 'scan-full-1' }, confirmedBy(putaways[0]!, 'scan-full-1'), { keyless: true });
    expect(full.status, JSON.stringify(full.body)).toBe(200);
    expect(full.body).toMatchObject({ status: 'COMPLETED', putAway: 5, open: 0 });
    // Another scanId for the same units (a second worker's scan, a handheld that made a new id): nothing is left to move.
    const second = await attempt(url0, { locationId: w.storage[0]!.id, scanId: 'scan-full-2' }, undefined);
    expect([second?.status, second?.body?.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    // Part of the units, killed before the commit, retried by its scanId; another scan then puts away the rest once.
    const url1 = `/api/v1/inventory/putaways/${putaways[1]!}/confirm`;
    const part = await killedDuring(url1, { locationId: w.storage[1]!.id, quantity: 4, scanId: 'scan-part-1' }, inTx('%inventory.putaway%'), { keyless: true });
    expect(part.status, JSON.stringify(part.body)).toBe(200);
    expect(part.body).toMatchObject({ status: 'OPEN', putAway: 4, open: 2 });
    const reused = await attempt(url1, { locationId: w.storage[1]!.id, quantity: 2, scanId: 'scan-part-1' }, undefined);
    expect([reused?.status, reused?.body?.code]).toEqual([422, 'SCAN_ID_REUSED']);
    const tooMany = await attempt(url1, { locationId: w.storage[1]!.id, quantity: 4, scanId: 'scan-part-2' }, undefined);
    expect([tooMany?.status, tooMany?.body?.code]).toEqual([422, 'QUANTITY_EXCEEDS_OPEN']);
    const rest = await attempt(url1, { locationId: w.storage[1]!.id, scanId: 'scan-part-3' }, undefined);
    expect(rest?.status, JSON.stringify(rest?.body)).toBe(200);
    expect(rest?.body).toMatchObject({ status: 'COMPLETED', putAway: 6, open: 0 });

    expect(await n(`SELECT count(*) AS n FROM inventory.putaway_confirmations WHERE putaway_id = ANY($1)`, [putaways])).toBe(3);
    expect(await n(`SELECT coalesce(sum(delta_on_hand), 0) AS n FROM inventory.movements WHERE type = 'PUTAWAY' AND location_id = ANY($1)`,
      [[w.storage[0]!.id, w.storage[1]!.id]])).toBe(11);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1`, [dock.id])).toBe(0);
    await until('events published', () => eventCount('inventory.stock.putaway-confirmed.v1'), (x) => x >= 3);
    expect(await eventCount('inventory.stock.putaway-confirmed.v1', putaways[0])).toBe(1);
    expect(await eventCount('inventory.stock.putaway-confirmed.v1', putaways[1])).toBe(2);
  }, 120_000);

  it('applies a count submission killed before its commit once', async () => {
    const sku = w.products[0]!.sku;
    const opened = await call<{ items: { id: string }[] }>('count', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [w.storage[0]!.id], sku });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const countId = opened.body.items[0]!.id;
    const task = await until('count task', async () => (await call('next', 'POST', '/api/v1/tasks/next', { workerId: 'counter', siteId: w.siteId, types: ['COUNT'] })).body as { id?: string } | undefined,
      (x) => typeof x === 'object' && x?.id !== undefined);
    expect((await call('start', 'POST', `/api/v1/tasks/${task!.id}/start`, { workerId: 'counter' })).status).toBe(200);
    // 5 on the books, 7 counted: +2, within tolerance, applied at once.
    const res = await killedDuring(`/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 7, workerId: 'counter' }, inTx());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'COMPLETED' });
    expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'COUNT' AND reference = $1`, [countId])).toBe(1);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1`, [w.storage[0]!.id])).toBe(7);
    await until('count closed published', () => eventCount('inventory.count.closed.v1', countId), (x) => x >= 1);
    expect(await eventCount('inventory.count.closed.v1', countId)).toBe(1);
  }, 120_000);

  it('disposes of a failed inspection once: SCRAP killed after its commit, RELEASE before it', async () => {
    const sku = w.products[1]!.sku;
    const plan = await call('plan', 'POST', '/api/v1/inspection-plans', {
      siteId: w.siteId, name: 'Crash inbound', stage: 'RECEIVING', sku, sampling: { kind: 'EVERY_NTH', n: 1 },
      checklist: [{ code: 'LABEL', label: 'Label readable', kind: 'PASS_FAIL' }],
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    const held: { id: string; shelf: string }[] = [];
    for (const i of [2, 3]) {
      const shelf = w.storage[i]!.id;
      expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelf, quantity: 10 })).status).toBe(201);
      const inspection = await until('inspection', async () => (await call<{ items: { id: string }[] }>('open', 'GET', `/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items,
        (x) => x.length === 1);
      const failed = await call('results', 'POST', `/api/v1/inspections/${inspection[0]!.id}/results`, { inspector: 'ines', items: [{ code: 'LABEL', passed: false }] });
      expect(failed.body).toMatchObject({ status: 'FAILED', holdStatus: 'HELD' });
      await until('held in stock', () => n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1 AND status = 'HOLD'`, [shelf]), (x) => x === 10);
      held.push({ id: inspection[0]!.id, shelf });
    }
    const scrap = await killedDuring(`/api/v1/inspections/${held[0]!.id}/disposition`, { disposition: 'SCRAP', note: 'crushed' }, keyCommitted);
    expect(scrap.status, JSON.stringify(scrap.body)).toBe(200);
    expect(scrap.body).toMatchObject({ holdStatus: 'SCRAPPED', disposition: 'SCRAP' });
    const release = await killedDuring(`/api/v1/inspections/${held[1]!.id}/disposition`, { disposition: 'RELEASE' }, inTx());
    expect(release.status, JSON.stringify(release.body)).toBe(200);
    expect(release.body).toMatchObject({ holdStatus: 'RELEASED', disposition: 'RELEASE' });
    // Another key for either: nothing is held any more.
    for (const h of held) {
      const again = await attempt(`/api/v1/inspections/${h.id}/disposition`, { disposition: 'SCRAP' }, randomUUID());
      expect([again?.status, again?.body?.code]).toEqual([409, 'INSPECTION_NOT_HELD']);
    }
    // The scrapped shelf is empty (one ADJUST of -10), the released one holds its 10 AVAILABLE again.
    await until('scrapped', () => n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1`, [held[0]!.shelf]), (x) => x === 0);
    await until('released', () => n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1 AND status = 'AVAILABLE'`, [held[1]!.shelf]), (x) => x === 10);
    expect(await n(`SELECT coalesce(sum(delta_on_hand), 0) AS n FROM inventory.movements WHERE type = 'ADJUST' AND location_id = $1`, [held[0]!.shelf])).toBe(-10);
    expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'ADJUST' AND location_id = $1`, [held[1]!.shelf])).toBe(0);
    for (const h of held) expect(await eventCount('quality.hold.disposed.v1', h.id)).toBeLessThanOrEqual(1);
  }, 120_000);

  it('packs two parcels, books and dispatches their shipment once each across four kills', async () => {
    const [a, b] = [w.products[2]!.sku, w.products[3]!.sku];
    for (const [i, sku] of [[4, a], [5, b]] as const) {
      expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[i]!.id, quantity: 10 })).status).toBe(201);
    }
    const order = await createOrder(call, w.siteId, { externalId: 'CRASH-PARCELS-1', lines: [{ sku: a, quantity: 3 }, { sku: b, quantity: 2 }] });
    await until('allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
    await untilPooled(call, w.siteId, [order.id]);
    await planAndRelease(call, w.siteId, 10);
    await workTasks(call, w.siteId, ['picker'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(call, order.id), (s) => s === 'PICKED');
    const lines = (await call<{ lines: { id: string; sku: string }[] }>('order', 'GET', `/api/v1/orders/${order.id}`)).body.lines;
    const lineOf = (sku: string): string => lines.find((l) => l.sku === sku)!.id;
    // Pack & ship hears of the end of picking on its own: it then answers "packed units missing", not "being picked".
    await until('pack-ship knows the order is picked', async () => (await call('probe', 'POST', '/api/v1/shipments', { orderId: order.id })).body as { code?: string },
      (x) => x.code === 'NOTHING_TO_SHIP');

    const first = await killedDuring('/api/v1/packages', { orderId: order.id, units: [{ lineId: lineOf(a), quantity: 3 }] }, inTx());
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const second = await killedDuring('/api/v1/packages', { orderId: order.id, units: [{ lineId: lineOf(b), quantity: 2 }] }, keyCommitted);
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    const shipment = await killedDuring('/api/v1/shipments', { orderId: order.id }, keyCommitted);
    expect(shipment.status, JSON.stringify(shipment.body)).toBe(201);
    const dispatched = await killedDuring(`/api/v1/shipments/${shipment.body.id}/dispatch`, {}, inTx());
    expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
    expect(dispatched.body).toMatchObject({ status: 'DISPATCHED' });
    await until('shipped', () => orderStatus(call, order.id), (s) => s === 'SHIPPED');

    expect(await n(`SELECT count(*) AS n FROM pack_ship.packages WHERE order_id = $1`, [order.id])).toBe(2);
    expect(await n(`SELECT count(*) AS n FROM pack_ship.shipments WHERE order_id = $1`, [order.id])).toBe(1);
    expect(await n(`SELECT count(*) AS n FROM pack_ship.packages WHERE order_id = $1 AND shipment_id = $2`, [order.id, shipment.body.id])).toBe(2);
    // The units left the ledger once: 5 SHIP units, 15 left on the two shelves.
    await until('shipped out of stock', () => n(`SELECT coalesce(-sum(delta_on_hand), 0) AS n FROM inventory.movements WHERE type = 'SHIP'`), (x) => x >= 5);
    expect(await n(`SELECT coalesce(-sum(delta_on_hand), 0) AS n FROM inventory.movements WHERE type = 'SHIP'`)).toBe(5);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE sku = ANY($1)`, [[a, b]])).toBe(15);
    expect(await eventCount('orders.order.shipped.v1', order.id)).toBe(1);
  }, 180_000);

  it('after every kill: every event once, nothing stuck, the ledger conserved', async () => {
    expect(kills).toBe(11);
    console.log(`crash-floor-scans: ${kills} kills (${landed.filter((x) => x === 'seen').length} of ${landed.length} at their moment)`);
    await until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0);
    expect(await n(`SELECT count(*) - count(DISTINCT event_id) AS n FROM platform.events`)).toBe(0);
    // One event per command and subject where a command happens once: a doubled effect would publish twice.
    const doubled = await probe.query(
      `SELECT type, subject, count(*) AS n FROM platform.events
        WHERE type IN ('inventory.count.closed.v1', 'inventory.count.submitted.v1', 'quality.hold.disposed.v1',
                       'pack-ship.package.packed.v1', 'pack-ship.shipment.created.v1', 'pack-ship.shipment.dispatched.v1', 'orders.order.shipped.v1',
                       'inventory.asn.created.v1')
        GROUP BY type, subject HAVING count(*) > 1`);
    expect(doubled.rows).toEqual([]);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'physical-tracking.scan.recorded.v1' AND envelope->'data'->>'meaning' = 'RECEIVE_LPN'`)).toBe(2);
    expect((await call<{ items: unknown[] }>('dead letters', 'GET', '/api/v1/dead-letters')).body.items).toEqual([]);
    expect(await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE status_code IS NULL`)).toBe(0);
    await assertStockConserved(server.db.url, { when: 'after the kills during floor scans, dispositions and a two-parcel shipment' });
  }, 60_000);
});
