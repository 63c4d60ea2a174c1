/**
 * A cancel pack & ship refuses changes nothing (ADR 0011, addendum 2026-12-06 quater). Before, a cancel stopped picking
 * first (the order's open pick lines cancelled, their list and PICK task withdrawn) and only then asked pack & ship: a
 * refusal (409 ORDER_SHIPPING while a SHIP scan of the order's tote was in flight at the dock, 409 ORDER_SHIPPED once it
 * had shipped) left the order PICKING with no line to pick, no task on any handheld and a cancel refused — for good when
 * the tote had left. Pack & ship now decides first (its stop recorded, not yet announced), picking is stopped only once
 * the cancel is decided, and the stop is announced after it.
 *
 * A SHIP scan of a tote holding units of an order not packed yet is refused 409 UNITS_NOT_PACKED, nothing changed (ADR
 * 0011, addendum 2026-12-06 quinquies): before, it shipped the tote in physical tracking alone, the order went on being
 * picked and packed without its units, and its cancel was refused ORDER_SHIPPED for good. The refused cancels here are
 * therefore those of an order whose packed carton a SHIP scan claimed (in flight, or shipped).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mulberry32 } from '../../src/optimize/random.ts';
import type { PackShipApi } from '../../src/contracts/pack-ship.ts';
import { createOrder, orderStatus, planAndReleasePooled, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startSiteApp } from '../support/site-app.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  ({ t, call, w } = await startSiteApp({ siteCode: 'CRFSD', aisles: 2, bays: 3, levels: 1, skus: 3 }, { stock: { quantity: 100, locationsPerSku: 2 } }));
});
afterAll(async () => {
  await t.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Line { id: string; sku: string; status: string; locationId: string; locationCode?: string | null; expectedBarcode?: string | null }
interface List { id: string; status: string; lines: Line[] }

/** Orders of one line of 2 units, released; of each, 1 unit picked into a tote of its own (its line still open). */
async function partlyPicked(n: number, prefix: string): Promise<{ orderId: string; list: List; tote: string }[]> {
  const orderIds: string[] = [];
  for (let i = 0; i < n; i++) {
    orderIds.push((await createOrder(call, w.siteId, { externalId: `${prefix}-${i}`, lines: [{ sku: w.products[i % 3]!.sku, quantity: 2 }] })).id);
  }
  for (const id of orderIds) await until('allocated', () => orderStatus(call, id), (s) => s === 'ALLOCATED');
  await t.settle();
  await planAndReleasePooled(call, w.siteId, orderIds, n);
  await t.settle();
  const out: { orderId: string; list: List; tote: string }[] = [];
  for (const orderId of orderIds) {
    const list = (await t.get(`/api/v1/pick-lists?orderId=${orderId}`)).body.items[0] as List;
    const line = list.lines[0]!;
    const tote = `TOTE-${prefix}-${list.id}`;
    const confirmed = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 1, toteId: tote,
    }, 'operator');
    expect(confirmed.status).toBe(200);
    out.push({ orderId, list, tote });
  }
  await t.settle();
  return out;
}

/** The rest of each order picked into its tote (orders says PICKED), then packed into one sealed package: its carton's id. */
async function packed(orders: { orderId: string; list: List; tote: string }[]): Promise<{ orderId: string; list: List; tote: string; packageId: string }[]> {
  for (const { list, tote } of orders) {
    const line = list.lines[0]!;
    const rest = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 1, toteId: tote,
    }, 'operator');
    expect(rest.status).toBe(200);
  }
  const out: { orderId: string; list: List; tote: string; packageId: string }[] = [];
  for (const o of orders) {
    await until('picked', () => orderStatus(call, o.orderId), (s) => s === 'PICKED');
    await t.settle();
    const pkg = await t.post('/api/v1/packages', { orderId: o.orderId });
    expect(pkg.status).toBe(201);
    out.push({ ...o, packageId: pkg.body.id as string });
  }
  await t.settle();
  return out;
}

/** An LPN as physical tracking keeps it, by its label (a package's carton by its package id). */
async function lpnRow(code: string): Promise<{ id: string; status: string; contents: unknown; location_id: string | null; updated_at: Date } | undefined> {
  return (await t.app.db.query<{ id: string; status: string; contents: unknown; location_id: string | null; updated_at: Date }>(
    `SELECT id, status, contents, location_id, updated_at FROM physical_tracking.lpns WHERE site_id = $1 AND code = $2`, [w.siteId, code]))[0];
}

/** What a refused cancel must have left alone at pack & ship: the order not stopped, nothing owed, its packages and shipments as they were. */
async function packShipOf(orderId: string): Promise<unknown> {
  const order = await t.app.db.query(`SELECT cancelled_at, stop_owed FROM pack_ship.orders WHERE order_id = $1`, [orderId]);
  const packages = await t.app.db.query(`SELECT id, status FROM pack_ship.packages WHERE order_id = $1 ORDER BY id`, [orderId]);
  const shipments = await t.app.db.query(`SELECT id, status FROM pack_ship.shipments WHERE order_id = $1 ORDER BY id`, [orderId]);
  return { order, packages, shipments };
}

/** What a refused cancel must have left alone: the line open, its list and task live, no picking or orders event. */
async function floorOf(orderId: string, listId: string): Promise<{ line: string; list: string; task: string; events: string[] }> {
  const res = await t.get(`/api/v1/pick-lists?orderId=${orderId}`);
  const list = (res.body.items as List[]).find((l) => l.id === listId);
  if (list === undefined) throw new Error(`no pick list ${listId} for ${orderId}: ${JSON.stringify(res.body)}`);
  const tasks = ((await t.get(`/api/v1/tasks?siteId=${w.siteId}&limit=500`)).body.items as { reference: string; status: string }[]).filter((x) => x.reference === listId);
  const events = await t.app.db.query<{ type: string }>(
    `SELECT type FROM platform.events WHERE type = ANY($1::text[]) AND (subject = $2 OR envelope->'data'->>'orderId' = $2 OR envelope->'data'->>'pickListId' = $3) ORDER BY seq`,
    [['picking.line.cancelled.v1', 'picking.list.cancelled.v1', 'orders.order.cancelled.v1', 'pack-ship.order.shipping-stopped.v1'], orderId, listId],
  );
  return { line: list.lines[0]!.status, list: list.status, task: tasks[0]?.status ?? 'none', events: events.map((e) => e.type) };
}

it('a SHIP scan of the tote of an order not packed yet is refused UNITS_NOT_PACKED, nothing changed; once packed its carton ships and the cancel refused ORDER_SHIPPED changes nothing', async () => {
  const picked = (await partlyPicked(1, 'CRS'))[0]!;
  const { orderId, list, tote } = picked;
  const before = await floorOf(orderId, list.id);
  expect(before.line).toBe('PENDING');
  const toteBefore = await lpnRow(tote);
  expect(toteBefore?.status).toBe('OPEN');
  // The tote's scans and events, the order's events and pack & ship's claims on it.
  const count = async (): Promise<unknown> => (await t.app.db.query(
    `SELECT (SELECT count(*) FROM platform.events WHERE subject = ANY($2::text[]) OR envelope->'data'->>'orderId' = $1 OR envelope->'data'->>'lpnId' = $3)::int AS events,
            (SELECT count(*) FROM physical_tracking.scans WHERE lpn_id = $3)::int AS scans,
            (SELECT count(*) FROM pack_ship.dock_ship_claims WHERE order_id = $1)::int AS claims`, [orderId, [orderId, toteBefore!.id], toteBefore!.id]))[0];
  await t.settle();
  const counted = await count();

  // Before, the tote shipped (201) in physical tracking alone and the order went on without its units.
  const scan = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: tote, meaning: 'SHIP' }, 'operator');
  expect([scan.status, scan.body.code]).toEqual([409, 'UNITS_NOT_PACKED']);
  expect(scan.body.detail).toContain(orderId);
  await t.settle();
  expect(await count()).toEqual(counted);
  expect(await lpnRow(tote)).toEqual(toteBefore);
  expect(await floorOf(orderId, list.id)).toEqual(before);

  // The order moves on: the rest is picked into the tote and packed; the sealed carton ships.
  const { packageId } = (await packed([picked]))[0]!;
  const shipped = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: packageId, meaning: 'SHIP' }, 'operator');
  expect(shipped.status).toBe(201);
  await t.settle();

  // A cancel now is refused for good, and changes nothing anywhere.
  const floor = await floorOf(orderId, list.id);
  const packShip = await packShipOf(orderId);
  const cancel = await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' });
  expect([cancel.status, cancel.body.code]).toEqual([409, 'ORDER_SHIPPED']);
  await t.settle();
  expect(await floorOf(orderId, list.id)).toEqual(floor);
  expect(floor.events).toEqual([]);
  expect(await packShipOf(orderId)).toEqual(packShip);
  expect(await orderStatus(call, orderId)).toBe('PACKED');
}, 60_000);

it('a SHIP scan of the pick tote of an order packed but whose units are not moved into its carton yet is refused UNITS_NOT_PACKED, nothing changed; once moved, the carton ships', async () => {
  const picked = (await partlyPicked(1, 'CRW'))[0]!;
  const { orderId, tote } = picked;
  // Physical tracking has not moved the units into the carton yet (its handler of pack-ship.package.packed held back:
  // failing here, as a lagging or faulty consumer would leave it), while pack & ship has the order packed.
  await t.app.db.query(`CREATE FUNCTION physical_tracking.test_hold_pack() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'physical tracking is behind'; END $$`);
  await t.app.db.query(`CREATE TRIGGER test_hold_pack BEFORE INSERT ON physical_tracking.scans FOR EACH ROW WHEN (NEW.meaning = 'PACK_INTO_CARTON') EXECUTE FUNCTION physical_tracking.test_hold_pack()`);
  let packageId: string;
  try {
    packageId = (await packed([picked]))[0]!.packageId;
  } finally {
    await t.app.db.query(`DROP TRIGGER test_hold_pack ON physical_tracking.scans`);
    await t.app.db.query(`DROP FUNCTION physical_tracking.test_hold_pack()`);
  }
  expect(await orderStatus(call, orderId)).toBe('PACKED');
  const toteBefore = await lpnRow(tote);
  expect(toteBefore?.status).toBe('OPEN');
  expect(await lpnRow(packageId)).toBeUndefined();
  const scans = async (): Promise<number> => (await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM physical_tracking.scans WHERE lpn_id = $1`, [toteBefore!.id]))[0]!.n;
  const scanned = await scans();

  // Before, the tote shipped (201) with the order's units, and the carton then took them in all the same: twice.
  const scan = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: tote, meaning: 'SHIP' }, 'operator');
  expect([scan.status, scan.body.code]).toEqual([409, 'UNITS_NOT_PACKED']);
  expect(scan.body.detail).toContain(orderId);
  await t.settle();
  expect(await lpnRow(tote)).toEqual(toteBefore);
  expect(await scans()).toBe(scanned);

  // Physical tracking catches up (its dead letter replayed): the units move into the carton, the tote is consumed, the carton ships.
  const [letter] = await t.app.db.query<{ id: string }>(`SELECT id FROM platform.dead_letters WHERE type = 'pack-ship.package.packed.v1' AND envelope->'data'->>'orderId' = $1`, [orderId]);
  expect((await t.post(`/api/v1/dead-letters/${letter!.id}/replay`, undefined, 'admin')).status).toBeLessThan(300);
  await t.settle();
  expect((await lpnRow(tote))?.status).toBe('CONSUMED');
  expect(((await lpnRow(packageId))?.contents as { quantity: number }[]).reduce((n, c) => n + c.quantity, 0)).toBe(2);
  const shipped = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: packageId, meaning: 'SHIP' }, 'operator');
  expect(shipped.status).toBe(201);
}, 60_000);

it('a cancel refused while a SHIP scan of its tote is in flight (ORDER_SHIPPING) changes nothing; asked again once the scan is over, it cancels', async () => {
  const { orderId, list } = (await partlyPicked(1, 'CRI'))[0]!;
  const before = await floorOf(orderId, list.id);
  // A claim on the order as a SHIP scan's in flight would hold it (pack & ship grants none to an order not packed yet:
  // this stands for any refusal of the cancel at pack & ship, which must leave the open line, list and task alone).
  await t.app.db.query(`INSERT INTO pack_ship.dock_ship_claims (claim_id, order_id, claimed_at) VALUES ('dsc_inflight', $1, now())`, [orderId]);
  const refused = await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' });
  expect([refused.status, refused.body.code]).toEqual([409, 'ORDER_SHIPPING']);
  await t.settle();
  expect(await floorOf(orderId, list.id)).toEqual(before);
  expect((await t.app.db.query(`SELECT order_id FROM pack_ship.orders WHERE order_id = $1 AND cancelled_at IS NOT NULL`, [orderId]))).toEqual([]);

  // The scan was refused: its claim dropped. The cancel asked again is decided and the floor stops.
  await t.app.db.query(`DELETE FROM pack_ship.dock_ship_claims WHERE claim_id = 'dsc_inflight'`);
  const cancelled = await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' });
  expect([cancelled.status, cancelled.body.status]).toEqual([200, 'CANCELLED']);
  await t.settle();
  const after = await floorOf(orderId, list.id);
  expect([after.line, after.list, after.task]).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
  expect(after.events.filter((e) => e === 'pack-ship.order.shipping-stopped.v1' || e === 'orders.order.cancelled.v1')).toHaveLength(2);
}, 60_000);

it('a cancel decided at pack & ship whose request stopped before picking was stopped and the stop announced: the pack-ship.cancel-stops job announces it, the order ends CANCELLED', async () => {
  const { orderId, list } = (await partlyPicked(1, 'CRJ'))[0]!;
  const packShip = t.app.modules.find((m) => m.name === 'pack-ship')?.api as PackShipApi;
  // The request's first step alone: decided, its announcement owed.
  expect(await packShip.stopShipping({ orderId, siteId: w.siteId, reason: 'customer', announce: false }, { correlationId: 'test' })).toEqual({ stopped: true });
  await t.settle();
  expect(await orderStatus(call, orderId)).not.toBe('CANCELLED');
  // A confirm now is refused (pack & ship answers the order stopped): nothing is picked for a decided cancel.
  const line = list.lines[0]!;
  const confirm = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
    locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 1, toteId: 'TOTE-CRJ-2',
  }, 'operator');
  expect([confirm.status, confirm.body.code]).toEqual([409, 'ORDER_CANCELLED']);
  const job = t.app.modules.find((m) => m.name === 'pack-ship')?.jobs?.find((j) => j.name === 'pack-ship.cancel-stops');
  expect(job).toBeDefined();
  await t.app.db.query(`UPDATE pack_ship.orders SET cancelled_at = cancelled_at - interval '1 minute' WHERE order_id = $1`, [orderId]);
  await job!.run(new AbortController().signal);
  await t.settle();
  expect(await orderStatus(call, orderId)).toBe('CANCELLED');
  const after = await floorOf(orderId, list.id);
  expect([after.line, after.list, after.task]).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
}, 60_000);

const ROUNDS = 16;
it(`a cancel and the SHIP scan of the order's packed carton at the same moment (${ROUNDS} rounds): a refused cancel changed nothing, a cancel answered 200 stopped the carton`, async () => {
  // The order's tote cannot ship before it is packed (UNITS_NOT_PACKED): the SHIP scan racing the cancel is its carton's.
  const orders = await packed(await partlyPicked(ROUNDS, 'CRR'));
  const random = mulberry32(Number(process.env.PAKLOG_RACE_SEED ?? 20261208));
  const rounds: { orderId: string; listId: string; packageId: string; cancel: string; scan: string; floor: Awaited<ReturnType<typeof floorOf>>; packShip: unknown }[] = [];
  for (const { orderId, list, packageId } of orders) {
    const floor = await floorOf(orderId, list.id);
    const packShip = await packShipOf(orderId);
    const [cancelDelay, scanDelay] = [Math.floor(random() * 6), Math.floor(random() * 6)];
    const [cancelled, scanned] = await Promise.all([
      sleep(cancelDelay).then(() => t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' })),
      sleep(scanDelay).then(() => t.post('/api/v1/scans', { siteId: w.siteId, barcode: packageId, meaning: 'SHIP' }, 'operator')),
    ]);
    rounds.push({ orderId, listId: list.id, packageId, floor, packShip,
      cancel: `${cancelled.status} ${cancelled.body.code ?? cancelled.body.status}`, scan: `${scanned.status} ${scanned.body.code ?? 'SHIPPED'}` });
  }
  await t.settle();
  const broken: unknown[] = [];
  for (const r of rounds) {
    const floor = await floorOf(r.orderId, r.listId);
    const packShip = await packShipOf(r.orderId);
    const status = await orderStatus(call, r.orderId);
    const carton = (await lpnRow(r.packageId))?.status;
    const ok = r.cancel === '200 CANCELLED'
      ? r.scan === '409 LPN_HOLDS_CANCELLED_ORDER' && status === 'CANCELLED' && carton !== 'SHIPPED'
        && floor.events.includes('pack-ship.order.shipping-stopped.v1') && floor.events.includes('orders.order.cancelled.v1')
        && JSON.stringify(packShip).includes('"CANCELLED"')
      // Refused: nothing changed anywhere (the pick line, list and task, pack & ship's order, packages and shipments; no cancel event).
      : /^409 ORDER_SHIPP(ED|ING)$/.test(r.cancel) && r.scan === '201 SHIPPED' && carton === 'SHIPPED' && status !== 'CANCELLED'
        && JSON.stringify(floor) === JSON.stringify(r.floor) && floor.events.length === 0 && JSON.stringify(packShip) === JSON.stringify(r.packShip);
    if (!ok) broken.push({ ...r, status, carton, after: { floor, packShip } });
  }
  console.log(`cancel/carton SHIP race: ${rounds.filter((r) => r.cancel === '200 CANCELLED').length} cancelled, ${rounds.filter((r) => r.cancel !== '200 CANCELLED').length} refused`);
  expect(broken, `${broken.length} of ${ROUNDS} rounds left the order incoherent`).toEqual([]);
}, 180_000);
