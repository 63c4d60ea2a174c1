import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { WaveEvents } from '../../contracts/waves.ts';
import { tableFingerprint } from '../../../test/support/fingerprint.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { envelope, eventsOf, movementCount, newLocation, newProduct, newSite, publish, summaryOf, unique } from './test-fixtures.ts';

let t: TestApp;
let site: { id: string; code: string };
let storage: { id: string; code: string };
let storage2: { id: string; code: string };
let blocked: { id: string; code: string };

beforeAll(async () => {
  t = await startTestApp();
  site = await newSite(t);
  storage = await newLocation(t, site, { pickSequence: 1 });
  storage2 = await newLocation(t, site, { pickSequence: 2 });
  blocked = await newLocation(t, site, { status: 'BLOCKED' });
});
afterAll(async () => {
  await t.close();
});

const receive = (body: Record<string, unknown>, role?: 'operator' | 'viewer' | null, headers?: Record<string, string>) =>
  t.post('/api/v1/inventory/receipts', body, role, headers);
const adjust = (body: Record<string, unknown>, role?: 'operator' | 'manager' | null) => t.post('/api/v1/inventory/adjustments', body, role);

function orderReceived(orderId: string, lines: { lineId: string; sku: string; quantity: number }[]) {
  return { orderId, externalId: orderId, siteId: site.id, carrier: 'DHL', priority: 5, lines: lines.map((l, i) => ({ ...l, lineNo: i + 1 })) };
}
async function placeOrder(lines: { sku: string; quantity: number }[]): Promise<{ orderId: string; lines: { lineId: string; sku: string; quantity: number }[] }> {
  const orderId = unique('ord_');
  const withIds = lines.map((l) => ({ lineId: unique('oln_'), ...l }));
  await publish(t, 'orders', OrderEvents.received, orderId, site.id, orderReceived(orderId, withIds));
  return { orderId, lines: withIds };
}
async function releaseWave(orders: { orderId: string; lines: { lineId: string; sku: string; quantity: number }[] }[]): Promise<any> {
  const waveId = unique('wav_');
  await publish(t, 'waves', WaveEvents.released, waveId, site.id, { waveId, siteId: site.id, pickStrategy: 'discrete', orders });
  const [reserved] = await eventsOf(t, InventoryEvents.reserved, waveId);
  return reserved!.data;
}
async function expectConserved(sku: string): Promise<Record<string, number>> {
  const s = await summaryOf(t, site.id, sku);
  expect(s.received! - s.shipped! + s.adjusted!).toBe(s.onHand);
  expect(s.ledgerOnHand).toBe(s.onHand);
  expect(s.ledgerReserved).toBe(s.reserved);
  expect(s.ledgerAllocated).toBe(s.allocated);
  expect(s.allocated).toBeLessThanOrEqual(s.onHandAvailable!);
  expect(s.reserved).toBeLessThanOrEqual(s.onHand!);
  return s;
}

describe('receipts', () => {
  it('receives stock: RECEIPT movement, balance, event, and an Idempotency-Key replay has one effect', async () => {
    const sku = await newProduct(t);
    const body = { siteId: site.id, sku, locationCode: storage.code, quantity: 7 };
    const first = await receive(body, 'operator', { 'idempotency-key': `rcv-${sku}` });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ sku, locationId: storage.id, lot: null, quantity: 7, balance: { onHand: 7, reserved: 0, available: 7 } });
    const again = await receive(body, 'operator', { 'idempotency-key': `rcv-${sku}` });
    expect(again.status).toBe(201);
    expect(again.body.movementId).toBe(first.body.movementId);
    await t.settle();

    const ledger = await t.get(`/api/v1/inventory/ledger?siteId=${site.id}&sku=${sku}`, 'viewer');
    expect(ledger.status).toBe(200);
    expect(ledger.body.items).toHaveLength(1);
    expect(ledger.body.items[0]).toMatchObject({ id: first.body.movementId, type: 'RECEIPT', deltaOnHand: 7, locationId: storage.id });
    const events = await eventsOf(t, InventoryEvents.received, sku);
    expect(events.map((e) => e.data)).toEqual([{ siteId: site.id, sku, locationId: storage.id, lot: null, expiresOn: null, quantity: 7, movementId: first.body.movementId }]);
    const atp = await t.get(`/api/v1/inventory/atp?siteId=${site.id}&sku=${sku}`, 'viewer');
    expect(atp.body.items[0]).toMatchObject({ sku, onHandAvailable: 7, allocated: 0, atp: 7 });
    const balances = await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}`);
    expect(balances.body).toMatchObject({ items: [{ locationId: storage.id, onHand: 7, reserved: 0 }], nextCursor: null });
    await expectConserved(sku);
  });

  it('refuses bad input with errors naming the fields, and writes nothing', async () => {
    const sku = await newProduct(t);
    const lotSku = await newProduct(t, { lotControlled: true, expiryControlled: true });
    const before = await movementCount(t);

    const schema = await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 0, colour: 'red' });
    expect(schema.status).toBe(400);
    expect(JSON.stringify(schema.body)).toContain('/quantity');

    const both = await receive({ siteId: site.id, sku, locationId: storage.id, locationCode: storage.code, quantity: 1 });
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([expect.objectContaining({ field: '/locationId' })]);

    const unknownSku = await receive({ siteId: site.id, sku: 'NO-SUCH-SKU', locationId: storage.id, quantity: 1 });
    expect(unknownSku.status).toBe(422);
    expect(unknownSku.body).toMatchObject({ code: 'UNKNOWN_SKU', errors: [{ field: '/sku' }] });

    const unknownLocation = await receive({ siteId: site.id, sku, locationId: 'loc_nope', quantity: 1 });
    expect(unknownLocation.status).toBe(422);
    expect(unknownLocation.body).toMatchObject({ code: 'UNKNOWN_LOCATION', errors: [{ field: '/locationId' }] });

    const notActive = await receive({ siteId: site.id, sku, locationId: blocked.id, quantity: 1 });
    expect(notActive.status).toBe(409);
    expect(notActive.body.code).toBe('LOCATION_NOT_ACTIVE');

    const noLot = await receive({ siteId: site.id, sku: lotSku, locationId: storage.id, quantity: 1 });
    expect(noLot.status).toBe(422);
    expect(noLot.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['/expiresOn', '/lot']);

    // Dates and cursors PostgreSQL cannot hold are refused at the edge or in the service, never a 500.
    const yearZero = await receive({ siteId: site.id, sku: lotSku, locationId: storage.id, quantity: 1, lot: 'L1', expiresOn: '0000-01-01' });
    expect(yearZero.status).toBe(400);
    expect(yearZero.body.errors).toEqual([expect.objectContaining({ field: '/expiresOn' })]);
    const hugeCursor = await t.get(`/api/v1/inventory/balances?siteId=${site.id}&cursor=99999999999999999999`);
    expect(hugeCursor.status).toBe(400);
    expect((await t.get(`/api/v1/inventory/ledger?siteId=${site.id}&cursor=99999999999999999999`)).status).toBe(400);

    expect(await movementCount(t)).toBe(before);
    const balances = await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}`);
    expect(balances.body.items).toEqual([]);
  });

  it('refuses a lot for a product that is not lot-controlled wherever new stock enters (422 UNPROCESSABLE on the lot), writing nothing; lots on hand stay addressable (found by the black-box hunt)', async () => {
    const sku = await newProduct(t);
    await t.settle();
    const before = await tableFingerprint(t.app.db);
    const receipt = await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 3, lot: 'L1' });
    expect([receipt.status, receipt.body.code, receipt.body.errors]).toEqual([422, 'UNPROCESSABLE', [{ field: '/lot', message: 'not lot-controlled: give no lot' }]]);
    const asn = await t.post('/api/v1/inventory/asns', { siteId: site.id, supplier: 'ACME', lines: [{ sku, quantity: 3, lot: 'L1' }] }, 'manager');
    expect([asn.status, asn.body.code, asn.body.errors]).toEqual([422, 'UNPROCESSABLE', [{ field: '/lines/0/lot', message: 'not lot-controlled: give no lot' }]]);
    const found = await adjust({ siteId: site.id, sku, locationId: storage.id, lot: 'L1', delta: 2, reason: 'FOUND' }, 'manager');
    expect([found.status, found.body.code, found.body.errors]).toEqual([422, 'UNPROCESSABLE', [{ field: '/lot', message: 'not lot-controlled: give no lot' }]]);
    expect(await tableFingerprint(t.app.db)).toEqual(before);
    expect((await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}`)).body.items).toEqual([]);

    // Received while the product was lot-controlled, its lot stays on the books and is moved, adjusted and found more of by it.
    const was = await newProduct(t, { lotControlled: true });
    expect((await receive({ siteId: site.id, sku: was, locationId: storage.id, quantity: 5, lot: 'OLD' })).status).toBe(201);
    expect((await t.request('PATCH', `/api/v1/products/${was}`, { body: { lotControlled: false } })).status).toBe(200);
    await t.settle();
    const moved = await t.post('/api/v1/inventory/moves', { siteId: site.id, sku: was, lot: 'OLD', quantity: 2, fromLocationId: storage.id, toLocationId: storage2.id });
    expect(moved.status).toBe(201);
    expect((await adjust({ siteId: site.id, sku: was, locationId: storage.id, lot: 'OLD', delta: -1, reason: 'DAMAGED' }, 'manager')).status).toBe(201);
    expect((await adjust({ siteId: site.id, sku: was, locationId: storage2.id, lot: 'OLD', delta: 1, reason: 'FOUND' }, 'manager')).status).toBe(201);
    const newLot = await receive({ siteId: site.id, sku: was, locationId: storage.id, quantity: 1, lot: 'NEW' });
    expect([newLot.status, newLot.body.errors]).toEqual([422, [expect.objectContaining({ field: '/lot' })]]);
    expect((await receive({ siteId: site.id, sku: was, locationId: storage.id, quantity: 1 })).status).toBe(201);
    const balances = (await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${was}`)).body.items as { locationId: string; lot: string | null; onHand: number }[];
    expect(balances.map((b) => [b.locationId, b.lot, b.onHand]).sort()).toEqual([[storage.id, 'OLD', 2], [storage.id, null, 1], [storage2.id, 'OLD', 3]].sort());
  });

  it('refuses units added without a lot of a lot-controlled product (422 UNPROCESSABLE on the lot), writing nothing; lot-less units from before the product was made lot-controlled can only be taken out (found by the black-box hunt)', async () => {
    const inventoryTables = async () => Object.fromEntries(Object.entries(await tableFingerprint(t.app.db)).filter(([k]) => k.startsWith('inventory.')));
    const lotted = await newProduct(t, { lotControlled: true });
    await t.settle();
    const before = await inventoryTables();
    const found = await adjust({ siteId: site.id, sku: lotted, locationId: storage.id, delta: 2, reason: 'FOUND' }, 'manager');
    expect([found.status, found.body.code, found.body.errors]).toEqual([422, 'UNPROCESSABLE', [{ field: '/lot', message: 'required: the product is lot-controlled' }]]);
    expect(await inventoryTables()).toEqual(before);
    expect((await adjust({ siteId: site.id, sku: lotted, locationId: storage.id, lot: 'L7', delta: 2, reason: 'FOUND' }, 'manager')).status).toBe(201);

    // Lot-less units received before the product was made lot-controlled: never added to, taken out by an adjustment.
    const was = await newProduct(t);
    expect((await receive({ siteId: site.id, sku: was, locationId: storage.id, quantity: 5 })).status).toBe(201);
    expect((await t.request('PATCH', `/api/v1/products/${was}`, { body: { lotControlled: true } })).status).toBe(200);
    await t.settle();
    const more = await adjust({ siteId: site.id, sku: was, locationId: storage.id, delta: 1, reason: 'FOUND' }, 'manager');
    expect([more.status, more.body.code, more.body.errors]).toEqual([422, 'UNPROCESSABLE', [{ field: '/lot', message: 'required: the product is lot-controlled' }]]);
    expect((await adjust({ siteId: site.id, sku: was, locationId: storage.id, delta: -5, reason: 'DAMAGED' }, 'manager')).status).toBe(201);
    const balances = (await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${was}`)).body.items as { onHand: number }[];
    expect(balances.map((b) => b.onHand)).toEqual([0]);
    await expectConserved(was);
  });

  it('requires a key (401), refuses viewers (403) and operators on adjustments (403); 404 for an unknown movement', async () => {
    const sku = await newProduct(t);
    expect((await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 1 }, null)).status).toBe(401);
    expect((await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 1 }, 'viewer')).status).toBe(403);
    expect((await adjust({ siteId: site.id, sku, locationId: storage.id, delta: 1, reason: 'FOUND' }, 'operator')).status).toBe(403);
    expect((await t.get(`/api/v1/inventory/balances?siteId=${site.id}`, null)).status).toBe(401);
    const missing = await t.get('/api/v1/inventory/movements/mov_nope', 'viewer');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });
});

describe('adjustments', () => {
  it('never take on-hand below reserved (409 INSUFFICIENT_STOCK), nor below allocated', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 5 });
    const order = await placeOrder([{ sku, quantity: 4 }]);
    const reserved = await releaseWave([order]);
    expect(reserved.reservations).toEqual([expect.objectContaining({ locationId: storage.id, quantity: 4 })]);

    const before = await movementCount(t);
    const tooMuch = await adjust({ siteId: site.id, sku, locationId: storage.id, delta: -2, reason: 'LOST' }, 'manager');
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('INSUFFICIENT_STOCK');
    expect(await movementCount(t)).toBe(before);

    const zero = await adjust({ siteId: site.id, sku, locationId: storage.id, delta: 0, reason: 'LOST' }, 'manager');
    expect(zero.status).toBe(400);
    expect(JSON.stringify(zero.body)).toContain('/delta');

    const fine = await adjust({ siteId: site.id, sku, locationId: storage.id, delta: -1, reason: 'DAMAGED' }, 'manager');
    expect(fine.status).toBe(201);
    expect(fine.body.balance).toMatchObject({ onHand: 4, reserved: 4 });
    await t.settle();
    const adjusted = await eventsOf(t, InventoryEvents.adjusted, sku);
    expect(adjusted.map((e) => e.data)).toEqual([expect.objectContaining({ delta: -1, reason: 'DAMAGED', locationId: storage.id })]);

    // Unreserved stock elsewhere that is allocated at SKU level cannot be adjusted away either.
    await receive({ siteId: site.id, sku, locationId: storage2.id, quantity: 2 });
    await placeOrder([{ sku, quantity: 2 }]);
    const belowAllocated = await adjust({ siteId: site.id, sku, locationId: storage2.id, delta: -1, reason: 'LOST' }, 'manager');
    expect(belowAllocated.status).toBe(409);
    expect(belowAllocated.body.code).toBe('INSUFFICIENT_STOCK');
    await expectConserved(sku);
  });
});

describe('allocation', () => {
  it('allocates all-or-nothing per line and reports backorders', async () => {
    const sku = await newProduct(t);
    const other = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 3 });
    const order = await placeOrder([{ sku, quantity: 2 }, { sku: other, quantity: 1 }, { sku, quantity: 2 }]);
    const [allocated] = await eventsOf(t, InventoryEvents.allocated, order.orderId);
    expect(allocated!.data).toEqual({
      orderId: order.orderId, siteId: site.id, complete: false,
      lines: [
        { lineId: order.lines[0]!.lineId, sku, requested: 2, allocated: 2 },
        { lineId: order.lines[1]!.lineId, sku: other, requested: 1, allocated: 0 },
        { lineId: order.lines[2]!.lineId, sku, requested: 2, allocated: 0 },
      ],
    });
    const atp = await t.get(`/api/v1/inventory/atp?siteId=${site.id}&sku=${sku}`);
    expect(atp.body.items[0]).toMatchObject({ onHandAvailable: 3, allocated: 2, atp: 1 });
    await expectConserved(sku);
  });

  it('50 concurrent allocations of 1 unit against 10 units: exactly 10 win, 40 are backordered', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 10 });
    const envelopes = Array.from({ length: 50 }, () => {
      const orderId = unique('ord_');
      return envelope(OrderEvents.received, 'orders', orderId, orderReceived(orderId, [{ lineId: unique('oln_'), sku, quantity: 1 }]));
    });
    const outcomes = await Promise.all(envelopes.map((e) => t.app.bus.deliver('inventory', e)));
    expect(outcomes.every((o) => o === 'handled')).toBe(true);
    await t.settle();
    const rows = await t.app.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int8 AS n FROM inventory.allocations WHERE sku = $1 GROUP BY status ORDER BY status`, [sku],
    );
    expect(rows).toEqual([{ status: 'ALLOCATED', n: 10 }, { status: 'BACKORDERED', n: 40 }]);
    const s = await expectConserved(sku);
    expect(s.allocated).toBe(10);
    const events = await eventsOf(t, InventoryEvents.allocated);
    const mine = events.filter((e) => (e.data.lines as { sku: string }[])[0]?.sku === sku);
    expect(mine).toHaveLength(50);
    expect(mine.filter((e) => e.data.complete === true)).toHaveLength(10);
  });

  it('a duplicate delivery of one event has one effect', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 5 });
    const orderId = unique('ord_');
    const e = envelope(OrderEvents.received, 'orders', orderId, orderReceived(orderId, [{ lineId: unique('oln_'), sku, quantity: 2 }]));
    const outcomes = await Promise.all([t.app.bus.deliver('inventory', e), t.app.bus.deliver('inventory', e)]);
    expect(outcomes.sort()).toEqual(['duplicate', 'handled']);
    expect(await t.app.bus.deliver('inventory', e)).toBe('duplicate');
    // The same order under a new event id does not allocate twice either.
    expect(await t.app.bus.deliver('inventory', { ...e, id: unique('evt_test_') })).toBe('handled');
    await t.settle();
    const s = await expectConserved(sku);
    expect(s.allocated).toBe(2);
    expect(await eventsOf(t, InventoryEvents.allocated, orderId)).toHaveLength(1);
  });

  it('a run of received orders delivered together allocates them in the run\'s order, once each, with a cancel in the run applied in turn', async () => {
    const sku = await newProduct(t);
    const other = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 5 });
    await receive({ siteId: site.id, sku: other, locationId: storage.id, quantity: 1 });
    const orders = [3, 2, 2, 1].map((quantity) => {
      const orderId = unique('ord_');
      return { orderId, lines: [{ lineId: unique('oln_'), sku, quantity }, { lineId: unique('oln_'), sku: other, quantity: 1 }] };
    });
    const received = orders.map((o) => envelope(OrderEvents.received, 'orders', o.orderId, orderReceived(o.orderId, o.lines)));
    const cancel = envelope(OrderEvents.cancelled, 'orders', orders[0]!.orderId, {
      orderId: orders[0]!.orderId, siteId: site.id, previousStatus: 'ALLOCATED', lines: orders[0]!.lines.map((l, i) => ({ ...l, lineNo: i + 1 })), reason: null,
    });
    // Order 1 takes 3 and the one unit of `other`; order 2 takes 2; the same event twice and order 2 under a new event id
    // change nothing; the cancel frees order 1's units, so order 4 (after it in the run) gets one of them and `other`.
    await t.app.bus.deliverMany('inventory', [received[0]!, received[1]!, received[1]!, { ...received[1]!, id: unique('evt_test_') }, received[2]!, cancel, received[3]!]);
    await t.settle();
    const lines = async (orderId: string) => (await eventsOf(t, InventoryEvents.allocated, orderId)).map((e) => (e.data.lines as { sku: string; allocated: number }[])
      .map((l) => [l.sku === sku ? 'sku' : 'other', l.allocated]));
    expect(await lines(orders[0]!.orderId)).toEqual([[['sku', 3], ['other', 1]]]);
    expect(await lines(orders[1]!.orderId)).toEqual([[['sku', 2], ['other', 0]]]);
    // Order 3 found nothing left in the run (a backorder retry may allocate it later: that is a second event).
    expect((await lines(orders[2]!.orderId))[0]).toEqual([['sku', 0], ['other', 0]]);
    const s = await expectConserved(sku);
    expect(s.allocated).toBeLessThanOrEqual(5);
    // Order 4 came after the cancel: allocated from what order 1 freed (directly, or by the backorder retry the cancel ran).
    const rows = await t.app.db.query<{ order_id: string; sku: string; status: string }>(
      `SELECT order_id, sku, status FROM inventory.allocations WHERE order_id = ANY($1::text[]) ORDER BY order_id, sku`, [orders.map((o) => o.orderId)]);
    const status = (o: number, which: string) => rows.find((r) => r.order_id === orders[o]!.orderId && r.sku === which)?.status;
    expect([status(0, sku), status(0, other)]).toEqual(['CANCELLED', 'CANCELLED']);
    expect([status(1, sku), status(3, sku), status(3, other)]).toEqual(['ALLOCATED', 'ALLOCATED', 'ALLOCATED']);
    expect((await expectConserved(other)).allocated).toBe(1);
  });

  it('concurrent runs of received orders never allocate more than the stock', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 10 });
    const runs = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => {
      const orderId = unique('ord_');
      return envelope(OrderEvents.received, 'orders', orderId, orderReceived(orderId, [{ lineId: unique('oln_'), sku, quantity: 1 }]));
    }));
    await Promise.all(runs.map((run) => t.app.bus.deliverMany('inventory', run)));
    await t.settle();
    const s = await expectConserved(sku);
    expect(s.allocated).toBe(10);
    expect((await eventsOf(t, InventoryEvents.allocated)).filter((e) => (e.data.lines as { sku: string }[])[0]?.sku === sku)).toHaveLength(30);
  });

  it('allocates a run of received orders in five statements, BEGIN and COMMIT included, whatever the number of orders and lines', async () => {
    const skus = [await newProduct(t), await newProduct(t)];
    for (const sku of skus) await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 10 });
    await t.settle();
    const run = [1, 2, 3].map(() => {
      const orderId = unique('ord_');
      return envelope(OrderEvents.received, 'orders', orderId, orderReceived(orderId, skus.map((sku) => ({ lineId: unique('oln_'), sku, quantity: 2 }))));
    });
    const { statements } = await t.app.db.countStatements(() => t.app.bus.deliverMany('inventory', run));
    await t.settle();
    // BEGIN, the inbox, the allocation-row locks with the claims, the SKU locks and the expired units, the SKU rows,
    // allocation rows, ledger and events written together, COMMIT: no statement of its own for the outbox.
    // (The relay's pass that its COMMIT wakes runs in the same async context and follows.)
    expect(statements.slice(0, statements.indexOf('COMMIT') + 1).map((q) => q.replace(/\s+/g, ' ').trim().slice(0, 30))).toEqual([
      'BEGIN', expect.stringMatching(/^INSERT INTO "inventory"\.inbox/), expect.stringMatching(/^WITH e AS \( SELECT order_id/), expect.stringMatching(/^WITH f AS \( SELECT v\.site_id/), 'COMMIT',
    ]);
    expect(statements[3]).toMatch(/INSERT INTO platform\.outbox/);
    for (const sku of skus) expect((await expectConserved(sku)).allocated).toBe(6);
    expect(await eventsOf(t, InventoryEvents.allocated, run[0]!.subject)).toHaveLength(1);
  });

  it('a run whose orders inventory has seen before claims on their allocation rows (two claim statements), once per line', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 10 });
    await t.settle();
    const seen = unique('ord_');
    const lines = [{ lineId: unique('oln_'), sku, quantity: 2 }];
    await publish(t, 'orders', OrderEvents.received, seen, site.id, orderReceived(seen, lines));
    // The same order again (another event: a redelivery the inbox cannot tell apart) with a new order in one run.
    const fresh = unique('ord_');
    const run = [envelope(OrderEvents.received, 'orders', seen, orderReceived(seen, lines)),
      envelope(OrderEvents.received, 'orders', fresh, orderReceived(fresh, [{ lineId: unique('oln_'), sku, quantity: 3 }]))];
    const { statements } = await t.app.db.countStatements(() => t.app.bus.deliverMany('inventory', run));
    await t.settle();
    expect(statements.filter((q) => q.includes('WITH e AS'))).toHaveLength(2);
    expect((await expectConserved(sku)).allocated).toBe(5);
    // The second copy of the seen order claims nothing, so it decides and announces nothing; the new one is allocated.
    expect(await eventsOf(t, InventoryEvents.allocated, seen)).toHaveLength(1);
    expect((await eventsOf(t, InventoryEvents.allocated, fresh)).map((e) => e.data.lines)).toEqual([[expect.objectContaining({ requested: 3, allocated: 3 })]]);
  });

  it('an expired lot that changed between the claim and the write is seen before anything is written: the run is decided again', async () => {
    const sku = await newProduct(t, { lotControlled: true, expiryControlled: true });
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 5, lot: 'OK', expiresOn: '2099-01-01' });
    await receive({ siteId: site.id, sku, locationId: storage2.id, quantity: 4, lot: 'OLD', expiresOn: '2001-01-01' });
    await t.settle();
    const orderId = unique('ord_');
    const event = envelope(OrderEvents.received, 'orders', orderId, orderReceived(orderId, [{ lineId: unique('oln_'), sku, quantity: 6 }]));
    // Another transaction holds the SKU row while the expired lot grows by 2 (as a receipt would, under the SKU lock);
    // the run's claim statement waits on that lock and reads the expired units in its older snapshot.
    const holder = await t.app.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM inventory.sku_stock WHERE site_id = $1 AND sku = $2 FOR UPDATE`, [site.id, sku]);
      const delivered = t.app.db.countStatements(() => t.app.bus.deliverMany('inventory', [event]));
      await new Promise((r) => setTimeout(r, 300));
      await holder.query(`UPDATE inventory.balances SET on_hand = on_hand + 2 WHERE site_id = $1 AND sku = $2 AND lot = 'OLD'`, [site.id, sku]);
      await holder.query(`INSERT INTO inventory.movements (id, type, site_id, owner_id, sku, location_id, lot, status, delta_on_hand)
        SELECT $3, 'RECEIPT', site_id, owner_id, sku, location_id, lot, status, 2 FROM inventory.balances WHERE site_id = $1 AND sku = $2 AND lot = 'OLD'`,
      [site.id, sku, unique('mov_')]);
      await holder.query(`UPDATE inventory.sku_stock SET on_hand_available = on_hand_available + 2 WHERE site_id = $1 AND sku = $2`, [site.id, sku]);
      await holder.query('COMMIT');
      const { statements } = await delivered;
      expect(statements.filter((q) => q.startsWith('WITH f AS'))).toHaveLength(2);
    } finally {
      holder.release();
    }
    await t.settle();
    // 11 on hand, 6 of them expired (4 as the claim read them): 5 free, so the 6-unit line is backordered, on figures
    // read after the lock; decided on the claim's figures it would have taken an expired unit.
    const [allocated] = await eventsOf(t, InventoryEvents.allocated, orderId);
    expect(allocated!.data.lines).toEqual([expect.objectContaining({ requested: 6, allocated: 0 })]);
    expect(await expectConserved(sku)).toMatchObject({ onHand: 11, allocated: 0 });
  });

  it('the claim locks its SKU rows one by one in the global order: waiting on one, it holds those before it and none after', async () => {
    // Three SKUs a < b < c in the database's order of SKUs; the order lists them c, a, b.
    const made = [await newProduct(t), await newProduct(t), await newProduct(t)];
    for (const sku of made) await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 5 });
    const [a, b, c] = (await t.app.db.query<{ sku: string }>(`SELECT sku FROM unnest($1::text[]) AS u(sku) ORDER BY sku`, [made])).map((r) => r.sku);
    await t.settle();
    const orderId = unique('ord_');
    const event = envelope(OrderEvents.received, 'orders', orderId,
      orderReceived(orderId, [c!, a!, b!].map((sku) => ({ lineId: unique('oln_'), sku, quantity: 1 }))));
    const holder = await t.app.db.pool.connect();
    const probe = await t.app.db.pool.connect();
    /** Whether another transaction holds the SKU's row (NOWAIT fails at once instead of queueing). */
    const held = async (sku: string): Promise<boolean> => {
      await probe.query('BEGIN');
      try {
        await probe.query(`SELECT 1 FROM inventory.sku_stock WHERE site_id = $1 AND sku = $2 FOR UPDATE NOWAIT`, [site.id, sku]);
        return false;
      } catch (e) {
        if ((e as { code?: string }).code !== '55P03') throw e;
        return true;
      } finally {
        await probe.query('ROLLBACK');
      }
    };
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM inventory.sku_stock WHERE site_id = $1 AND sku = $2 FOR UPDATE`, [site.id, b]);
      const delivered = t.app.bus.deliverMany('inventory', [event]);
      // The claim has taken a and now waits on b (held here); c, after b in the order, is not taken yet.
      for (let i = 0; i < 100 && !(await held(a!)); i++) await new Promise((r) => setTimeout(r, 20));
      expect(await held(a!)).toBe(true);
      expect(await held(c!)).toBe(false);
      await holder.query('COMMIT');
      await delivered;
    } finally {
      holder.release();
      probe.release();
    }
    await t.settle();
    const [allocated] = await eventsOf(t, InventoryEvents.allocated, orderId);
    expect(allocated!.data.complete).toBe(true);
    for (const sku of [a!, b!, c!]) expect((await expectConserved(sku)).allocated).toBe(1);
  });

  it('cancellation deallocates exactly what the order holds, idempotently, even if never allocated', async () => {
    const sku = await newProduct(t);
    const missing = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 4 });
    const order = await placeOrder([{ sku, quantity: 3 }, { sku: missing, quantity: 1 }]);
    const cancel = (o: { orderId: string; lines: { lineId: string; sku: string; quantity: number }[] }) =>
      ({ orderId: o.orderId, siteId: site.id, previousStatus: 'BACKORDERED', lines: o.lines.map((l, i) => ({ ...l, lineNo: i + 1 })), reason: null });
    await publish(t, 'orders', OrderEvents.cancelled, order.orderId, site.id, cancel(order));
    await publish(t, 'orders', OrderEvents.cancelled, order.orderId, site.id, cancel(order));
    const dealloc = await eventsOf(t, InventoryEvents.deallocated, order.orderId);
    expect(dealloc.map((e) => e.data.lines)).toEqual([[{ lineId: order.lines[0]!.lineId, sku, quantity: 3 }], []]);
    expect((await summaryOf(t, site.id, sku)).allocated).toBe(0);

    // A cancel for an order inventory never saw: nothing to release, and a late order-received allocates nothing.
    const ghost = { orderId: unique('ord_'), lines: [{ lineId: unique('oln_'), sku, quantity: 1 }] };
    await publish(t, 'orders', OrderEvents.cancelled, ghost.orderId, site.id, cancel(ghost));
    await publish(t, 'orders', OrderEvents.received, ghost.orderId, site.id, orderReceived(ghost.orderId, ghost.lines));
    expect(await eventsOf(t, InventoryEvents.allocated, ghost.orderId)).toHaveLength(0);
    const s = await expectConserved(sku);
    expect(s.allocated).toBe(0);
  });
});

describe('backorder retry', () => {
  const cancelOf = (o: { orderId: string; lines: { lineId: string; sku: string; quantity: number }[] }, previousStatus: string) =>
    ({ orderId: o.orderId, siteId: site.id, previousStatus, lines: o.lines.map((l, i) => ({ ...l, lineNo: i + 1 })), reason: null });
  const allocations = async (orderId: string) => (await eventsOf(t, InventoryEvents.allocated, orderId)).map((e) => e.data);

  it('a receipt allocates the oldest backordered order first, and a cancel freeing units allocates the next', async () => {
    const sku = await newProduct(t);
    const other = await newProduct(t);
    await receive({ siteId: site.id, sku: other, locationId: storage.id, quantity: 1 });
    const oldest = await placeOrder([{ sku, quantity: 3 }, { sku: other, quantity: 1 }]);
    const younger = await placeOrder([{ sku, quantity: 3 }]);
    expect((await allocations(oldest.orderId)).map((d) => d.complete)).toEqual([false]);

    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 3 });
    await t.settle();
    // Every line of the order with its state now: the one allocated before and the one allocated by the retry.
    const retried = (await allocations(oldest.orderId))[1]!;
    expect(retried).toMatchObject({ orderId: oldest.orderId, siteId: site.id, complete: true });
    expect(retried.lines).toHaveLength(2);
    expect(retried.lines).toEqual(expect.arrayContaining([
      { lineId: oldest.lines[0]!.lineId, sku, requested: 3, allocated: 3 },
      { lineId: oldest.lines[1]!.lineId, sku: other, requested: 1, allocated: 1 },
    ]));
    expect(await allocations(younger.orderId)).toHaveLength(1);
    let s = await expectConserved(sku);
    expect(s.allocated).toBe(3);

    // The oldest order is cancelled: its 3 units go to the order that waited.
    await publish(t, 'orders', OrderEvents.cancelled, oldest.orderId, site.id, cancelOf(oldest, 'ALLOCATED'));
    await t.settle();
    expect((await allocations(younger.orderId)).map((d) => d.complete)).toEqual([false, true]);
    s = await expectConserved(sku);
    expect(s.allocated).toBe(3);
    const rows = await t.app.db.query<{ order_id: string; status: string }>(`SELECT order_id, status FROM inventory.allocations WHERE sku = $1 ORDER BY order_id`, [sku]);
    expect(new Map(rows.map((r) => [r.order_id, r.status]))).toEqual(new Map([[oldest.orderId, 'CANCELLED'], [younger.orderId, 'ALLOCATED']]));
  });

  it('partial availability allocates whole lines only (a positive adjustment retries too)', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 1 });
    const big = await placeOrder([{ sku, quantity: 5 }]);
    const small = await placeOrder([{ sku, quantity: 2 }]);
    expect((await allocations(big.orderId)).map((d) => d.complete)).toEqual([false]);
    expect((await allocations(small.orderId)).map((d) => d.complete)).toEqual([false]);

    // 3 free units: never 3 of the 5 for the oldest line; the younger line of 2 fits whole.
    await adjust({ siteId: site.id, sku, locationId: storage.id, delta: 2, reason: 'FOUND' }, 'manager');
    await t.settle();
    expect(await allocations(big.orderId)).toHaveLength(1);
    expect((await allocations(small.orderId)).map((d) => d.complete)).toEqual([false, true]);
    const [row] = await t.app.db.query<{ allocated: number; status: string }>(`SELECT allocated, status FROM inventory.allocations WHERE order_id = $1`, [big.orderId]);
    expect(row).toEqual({ allocated: 0, status: 'BACKORDERED' });
    let s = await expectConserved(sku);
    expect(s.allocated).toBe(2);

    await receive({ siteId: site.id, sku, locationId: storage2.id, quantity: 4 });
    await t.settle();
    expect((await allocations(big.orderId)).map((d) => d.complete)).toEqual([false, true]);
    s = await expectConserved(sku);
    expect(s.allocated).toBe(7);
    const ledger = await t.getAll<{ type: string; deltaAllocated: number; reference: string }>(`/api/v1/inventory/ledger?siteId=${site.id}&sku=${sku}&type=ALLOCATE`);
    expect(ledger.map((m) => [m.reference, m.deltaAllocated])).toEqual([[small.orderId, 2], [big.orderId, 5]]);
  });

  it('never retries a cancelled order', async () => {
    const sku = await newProduct(t);
    const cancelled = await placeOrder([{ sku, quantity: 2 }]);
    await publish(t, 'orders', OrderEvents.cancelled, cancelled.orderId, site.id, cancelOf(cancelled, 'BACKORDERED'));
    const waiting = await placeOrder([{ sku, quantity: 2 }]);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 2 });
    await t.settle();
    expect(await allocations(cancelled.orderId)).toHaveLength(1);
    expect((await allocations(waiting.orderId)).map((d) => d.complete)).toEqual([false, true]);
    const s = await expectConserved(sku);
    expect(s.allocated).toBe(2);
    expect(await t.app.db.query(`SELECT 1 FROM platform.dead_letters`)).toEqual([]);
  });
});

describe('reservations, picks, shorts and shipments', () => {
  it('FEFO reserves the earliest expiry; expired lots are neither allocated nor reserved', async () => {
    const sku = await newProduct(t, { lotControlled: true, expiryControlled: true });
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 10, lot: 'LATE', expiresOn: '2099-06-01' });
    await receive({ siteId: site.id, sku, locationId: storage2.id, quantity: 10, lot: 'EARLY', expiresOn: '2098-01-01' });
    await receive({ siteId: site.id, sku, locationId: storage2.id, quantity: 10, lot: 'GONE', expiresOn: '2001-01-01' });
    const atp = await t.get(`/api/v1/inventory/atp?siteId=${site.id}&sku=${sku}`);
    expect(atp.body.items[0]).toMatchObject({ onHandAvailable: 30, expired: 10, atp: 20 });
    // The site-wide ATP (one query for every SKU's expired units) says the same.
    const all = await t.get(`/api/v1/inventory/atp?siteId=${site.id}`);
    expect(all.body.items.find((i: { sku: string }) => i.sku === sku)).toMatchObject({ onHandAvailable: 30, expired: 10, atp: 20 });
    const order = await placeOrder([{ sku, quantity: 3 }]);
    const reserved = await releaseWave([order]);
    expect(reserved.shortages).toEqual([]);
    expect(reserved.reservations).toEqual([expect.objectContaining({ locationId: storage2.id, lot: 'EARLY', quantity: 3 })]);
    const tooMuch = await placeOrder([{ sku, quantity: 18 }]);
    const [alloc] = await eventsOf(t, InventoryEvents.allocated, tooMuch.orderId);
    expect(alloc!.data.complete).toBe(false);
    await expectConserved(sku);
  });

  it('a wave released after the order was cancelled reserves nothing for it (the cancel overtook the release)', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 5 });
    const cancelled = await placeOrder([{ sku, quantity: 2 }]);
    const kept = await placeOrder([{ sku, quantity: 1 }]);
    await publish(t, 'orders', OrderEvents.cancelled, cancelled.orderId, site.id, {
      orderId: cancelled.orderId, siteId: site.id, previousStatus: 'WAVED', lines: cancelled.lines.map((l, i) => ({ ...l, lineNo: i + 1 })), reason: null,
    });
    const reserved = await releaseWave([cancelled, kept]);
    expect(reserved.reservations).toEqual([expect.objectContaining({ orderId: kept.orderId, quantity: 1 })]);
    expect(reserved.shortages).toEqual([]);
    const s = await expectConserved(sku);
    expect(s.reserved).toBe(1);
    expect(s.allocated).toBe(1);
  });

  it('never reserves at blocked or non-pickable locations', async () => {
    const sku = await newProduct(t);
    const dock = await newLocation(t, site, { type: 'RECEIVING' });
    const slot = await newLocation(t, site);
    await receive({ siteId: site.id, sku, locationId: dock.id, quantity: 5 });
    await receive({ siteId: site.id, sku, locationId: slot.id, quantity: 2 });
    const order = await placeOrder([{ sku, quantity: 2 }]);
    expect((await t.post(`/api/v1/locations/${slot.id}/block`, { reason: 'rack damaged' })).status).toBe(200);
    await t.settle();
    const reserved = await releaseWave([order]);
    expect(reserved.reservations).toEqual([]);
    expect(reserved.shortages).toEqual([{ orderId: order.orderId, lineId: order.lines[0]!.lineId, sku, quantity: 2 }]);
    // The order goes back to allocation whole: its short line is BACKORDERED again.
    expect(reserved.backordered).toEqual([{ orderId: order.orderId, lines: [{ lineId: order.lines[0]!.lineId, sku, requested: 2, allocated: 0 }] }]);
    // The shortage released the allocation, so ATP stays truthful (and stock at the dock does not allocate it again).
    const s = await expectConserved(sku);
    expect(s.allocated).toBe(0);
  });

  it('concurrent reservations on the last units never over-reserve', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 3 });
    await receive({ siteId: site.id, sku, locationId: storage2.id, quantity: 2 });
    // Eight waves of one line of 2 units each race for 5 units (not allocated first, to contest the balances only).
    // Orders are reserved all-or-nothing: two get 2 units each, the others go back to allocation.
    const waves = Array.from({ length: 8 }, () => {
      const waveId = unique('wav_');
      const orderId = unique('ord_');
      return envelope(WaveEvents.released, 'waves', waveId, { waveId, siteId: site.id, pickStrategy: 'discrete', orders: [{ orderId, lines: [{ lineId: unique('oln_'), sku, quantity: 2 }] }] });
    });
    const outcomes = await Promise.all(waves.map((w) => t.app.bus.deliver('inventory', w)));
    expect(outcomes.every((o) => o === 'handled')).toBe(true);
    await t.settle();
    const balances = await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}`);
    for (const b of balances.body.items) expect(b.reserved).toBeLessThanOrEqual(b.onHand);
    const s = await expectConserved(sku);
    expect(s.reserved).toBe(4);
    const rows = await t.app.db.query<{ n: number }>(`SELECT COALESCE(sum(quantity), 0)::int8 AS n FROM inventory.reservations WHERE sku = $1`, [sku]);
    expect(rows[0]!.n).toBe(4);
  });

  it('a run of picks delivered together moves each pick once, two picks of one reservation in turn, and keeps a refused one apart', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 6 });
    await receive({ siteId: site.id, sku, locationId: storage2.id, quantity: 4 });
    const order = await placeOrder([{ sku, quantity: 5 }, { sku, quantity: 3 }]);
    const reserved = await releaseWave([order]);
    type Rsv = { reservationId: string; lineId: string; locationId: string; lot: string | null; quantity: number };
    const rs = reserved.reservations as Rsv[];
    const picked = (r: Rsv, quantity: number) => envelope(PickingEvents.linePicked, 'picking', 'pkl_run', {
      pickListId: 'pkl_run', pickLineId: unique('pln_'), orderId: order.orderId, lineId: r.lineId, reservationId: r.reservationId,
      siteId: site.id, sku, locationId: r.locationId, lot: r.lot, quantity, toteId: 'TOTE-R',
    });
    const [first, ...rest] = rs;
    const twice = picked(first!, 1);
    // The first reservation in two picks (one delivered twice in the run), every other one whole.
    await t.app.bus.deliverMany('inventory', [twice, ...rest.map((r) => picked(r, r.quantity)), twice, picked(first!, first!.quantity - 1)]);
    await t.settle();
    let s = await expectConserved(sku);
    expect(s).toMatchObject({ onHand: 10, reserved: 0, allocated: 8 });
    const inProcess = await t.get(`/api/v1/inventory/balances?siteId=${site.id}&locationId=IN_PROCESS:${order.orderId}`);
    expect(inProcess.body.items).toEqual([expect.objectContaining({ sku, onHand: 8, reserved: 0 })]);
    const rows = await t.app.db.query<{ status: string; picked: number; quantity: number }>(
      `SELECT status, picked, quantity FROM inventory.reservations WHERE order_id = $1`, [order.orderId]);
    expect(rows.every((r) => r.status === 'PICKED' && r.picked === r.quantity)).toBe(true);
    expect(await t.app.db.query(`SELECT count(*)::int AS n FROM inventory.movements WHERE type = 'PICK' AND reference = $1`, [order.orderId]))
      .toEqual([{ n: 2 * (rs.length + 1) }]);

    // A pick beyond what is open fails the run: the bus delivers it event by event, the good one applies, the bad one is refused.
    const fresh = await placeOrder([{ sku, quantity: 1 }]);
    const [r] = (await releaseWave([fresh])).reservations as Rsv[];
    const good = envelope(PickingEvents.linePicked, 'picking', 'pkl_run2', {
      pickListId: 'pkl_run2', pickLineId: unique('pln_'), orderId: fresh.orderId, lineId: r!.lineId, reservationId: r!.reservationId,
      siteId: site.id, sku, locationId: r!.locationId, lot: r!.lot, quantity: 1, toteId: 'TOTE-R',
    });
    const over = picked(first!, 1);
    await t.app.bus.deliverMany('inventory', [good, over]);
    await t.settle();
    s = await expectConserved(sku);
    expect(s).toMatchObject({ onHand: 10, reserved: 0, allocated: 9 });
    expect(await t.app.db.query(`SELECT event_id FROM platform.dead_letters WHERE consumer = 'inventory' AND event_id = $1`, [over.id])).toEqual([{ event_id: over.id }]);
    expect(await t.app.db.query(`SELECT status FROM inventory.reservations WHERE id = $1`, [r!.reservationId])).toEqual([{ status: 'PICKED' }]);
  });

  it('concurrent runs of picks on one balance never take more than was reserved', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 12 });
    const orders = await Promise.all(Array.from({ length: 4 }, () => placeOrder([{ sku, quantity: 3 }])));
    const reserved = await releaseWave(orders);
    type Rsv = { reservationId: string; orderId: string; lineId: string; locationId: string; lot: string | null; quantity: number };
    const runs = (reserved.reservations as Rsv[]).map((r) => Array.from({ length: 3 }, () => envelope(PickingEvents.linePicked, 'picking', 'pkl_c', {
      pickListId: 'pkl_c', pickLineId: unique('pln_'), orderId: r.orderId, lineId: r.lineId, reservationId: r.reservationId,
      siteId: site.id, sku, locationId: r.locationId, lot: r.lot, quantity: 1, toteId: 'TOTE-C',
    })));
    await Promise.all(runs.map((run) => t.app.bus.deliverMany('inventory', run)));
    await t.settle();
    const s = await expectConserved(sku);
    expect(s).toMatchObject({ onHand: 12, reserved: 0, allocated: 12 });
    const left = await t.get(`/api/v1/inventory/balances?siteId=${site.id}&locationId=${storage.id}&sku=${sku}`);
    expect(left.body.items).toEqual([expect.objectContaining({ onHand: 0, reserved: 0 })]);
  });

  it('a mixed sequence keeps ledger sums equal to balances: receive, allocate, reserve, pick, short, ship, adjust', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 6 });
    await receive({ siteId: site.id, sku, locationId: storage2.id, quantity: 4 });
    const order = await placeOrder([{ sku, quantity: 5 }, { sku, quantity: 3 }]);
    const reserved = await releaseWave([order]);
    expect(reserved.shortages).toEqual([]);
    type Rsv = { reservationId: string; lineId: string; locationId: string; lot: string | null; quantity: number };
    const byLine = (lineId: string): Rsv[] => (reserved.reservations as Rsv[]).filter((r) => r.lineId === lineId);
    const r1 = byLine(order.lines[0]!.lineId)[0]!;
    expect(r1).toMatchObject({ quantity: 5 });

    const pick = (r: Rsv, quantity: number) => publish(t, 'picking', PickingEvents.linePicked, 'pkl_1', site.id, {
      pickListId: 'pkl_1', pickLineId: unique('pln_'), orderId: order.orderId, lineId: r.lineId, reservationId: r.reservationId,
      siteId: site.id, sku, locationId: r.locationId, lot: r.lot, quantity, toteId: 'TOTE-1',
    });
    await pick(r1, 5);
    let s = await expectConserved(sku);
    expect(s).toMatchObject({ onHand: 10, allocated: 8 });
    const inProcess = await t.get(`/api/v1/inventory/balances?siteId=${site.id}&locationId=IN_PROCESS:${order.orderId}`);
    expect(inProcess.body.items).toEqual([expect.objectContaining({ sku, onHand: 5, reserved: 0 })]);

    // Line 2: one unit picked, two not found.
    const line2 = byLine(order.lines[1]!.lineId);
    const r2 = line2[0]!;
    await pick(r2, 1);
    await publish(t, 'picking', PickingEvents.lineShorted, 'pkl_1', site.id, {
      pickListId: 'pkl_1', pickLineId: unique('pln_'), orderId: order.orderId, lineId: r2.lineId, reservationId: r2.reservationId,
      siteId: site.id, sku, locationId: r2.locationId, lot: r2.lot, shortQuantity: 2, reason: 'NOT_FOUND',
    });
    s = await expectConserved(sku);
    expect(s).toMatchObject({ onHand: 8, adjusted: -2, allocated: 6, reserved: 0 });
    const shortAdjust = (await eventsOf(t, InventoryEvents.adjusted, sku)).map((e) => e.data);
    expect(shortAdjust).toEqual([expect.objectContaining({ delta: -2, reason: 'SHORT_PICK', locationId: r2.locationId })]);

    // A pick beyond what is open is refused (dead-lettered), never applied.
    const over = envelope(PickingEvents.linePicked, 'picking', 'pkl_1', {
      pickListId: 'pkl_1', pickLineId: unique('pln_'), orderId: order.orderId, lineId: r1.lineId, reservationId: r1.reservationId,
      siteId: site.id, sku, locationId: r1.locationId, lot: r1.lot, quantity: 1, toteId: 'TOTE-1',
    });
    expect(await t.app.bus.deliver('inventory', over)).toBe('dead-lettered');

    const shipmentId = unique('shp_');
    const dispatched = envelope(PackShipEvents.shipmentDispatched, 'pack-ship', shipmentId, {
      shipmentId, orderId: order.orderId, siteId: site.id, carrier: 'DHL', trackingNumber: 'T1', packageIds: ['pkg_1'],
      lines: [{ lineId: order.lines[0]!.lineId, sku, quantity: 5 }, { lineId: order.lines[1]!.lineId, sku, quantity: 1 }],
    });
    // Set-based whatever the lines: the allocation rows' lock, the tote's lock, one statement for balances, allocations
    // and SKU stock, the ledger (the event's append and the bus's bookkeeping are the platform's), and the serial
    // registry's one statement marking the order's PICKED units SHIPPED (ADR 0058 serialpick: by the order's index,
    // nothing to do for an order without serials).
    const { value: outcome, statements } = await t.app.db.countStatements(() => t.app.bus.deliver('inventory', dispatched));
    expect(outcome).toBe('handled');
    expect(statements.filter((q) => /inventory\./.test(q)).map((q) => q.replace(/\s+/g, ' ').trim().slice(0, 40))).toEqual([
      expect.stringMatching(/^SELECT order_id, line_id/), expect.stringMatching(/^SELECT seq, site_id/), expect.stringMatching(/^WITH b AS \( UPDATE inventory\.balances/),
      expect.stringMatching(/^INSERT INTO inventory\.movements/), expect.stringMatching(/^WITH shipped AS \( SELECT u\.id FROM/),
    ]);
    await t.settle();
    s = await expectConserved(sku);
    expect(s).toMatchObject({ received: 10, shipped: 6, adjusted: -2, onHand: 2, reserved: 0, allocated: 0 });
    const [shipped] = await eventsOf(t, InventoryEvents.shipped, order.orderId);
    expect(shipped!.data).toEqual({ orderId: order.orderId, siteId: site.id, shipmentId, lines: [{ sku, quantity: 6 }] });
    const after = await t.get(`/api/v1/inventory/balances?siteId=${site.id}&locationId=IN_PROCESS:${order.orderId}`);
    expect(after.body.items).toEqual([expect.objectContaining({ onHand: 0 })]);

    await adjust({ siteId: site.id, sku, locationId: storage2.id, delta: 3, reason: 'FOUND' });
    s = await expectConserved(sku);
    expect(s).toMatchObject({ onHand: 5, adjusted: 1 });
    const ledger = await t.get(`/api/v1/inventory/ledger?siteId=${site.id}&sku=${sku}&limit=3`);
    expect(ledger.body.items.map((m: { type: string }) => m.type)).toEqual(['RECEIPT', 'RECEIPT', 'ALLOCATE']);
    expect(ledger.body.nextCursor).not.toBeNull();
    const next = await t.get(`/api/v1/inventory/ledger?siteId=${site.id}&sku=${sku}&type=SHIP&cursor=${ledger.body.nextCursor}`);
    expect(next.body.items.every((m: { type: string }) => m.type === 'SHIP')).toBe(true);
  });
});

describe('returns to stock (ADR 0011 addendum)', () => {
  it('a cancel leaves picked units in the tote under a return (asked once however often the cancel arrives); a late pick adds one; a scan puts them where it says', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 5 });
    const order = await placeOrder([{ sku, quantity: 3 }]);
    const reserved = await releaseWave([order]);
    const r = reserved.reservations[0] as { reservationId: string; lineId: string; locationId: string; lot: string | null };
    const pick = (quantity: number) => publish(t, 'picking', PickingEvents.linePicked, 'pkl_r', site.id, {
      pickListId: 'pkl_r', pickLineId: unique('pln_'), orderId: order.orderId, lineId: r.lineId, reservationId: r.reservationId,
      siteId: site.id, sku, locationId: r.locationId, lot: r.lot, quantity, toteId: 'TOTE-R',
    });
    await pick(2);
    const cancel = { orderId: order.orderId, siteId: site.id, previousStatus: 'PICKING', lines: order.lines.map((l, i) => ({ ...l, lineNo: i + 1 })), reason: null };
    await publish(t, 'orders', OrderEvents.cancelled, order.orderId, site.id, cancel);
    await publish(t, 'orders', OrderEvents.cancelled, order.orderId, site.id, cancel);
    const tote = `IN_PROCESS:${order.orderId}`;
    const returns = async () => (await t.get(`/api/v1/inventory/returns?siteId=${site.id}&orderId=${order.orderId}`)).body.items as { id: string; quantity: number; status: string; suggestedLocationId: string }[];
    expect((await returns()).map((x) => [x.quantity, x.status, x.suggestedLocationId])).toEqual([[2, 'OPEN', storage.id]]);
    expect((await t.get(`/api/v1/inventory/balances?siteId=${site.id}&locationId=${tote}`)).body.items).toEqual([expect.objectContaining({ onHand: 2 })]);
    let s = await expectConserved(sku);
    expect(s).toMatchObject({ onHand: 5, allocated: 0, reserved: 0 });
    const atp = async () => (await t.get(`/api/v1/inventory/atp?siteId=${site.id}&sku=${sku}`)).body.items[0];
    // The tote's units are no one's any more, and not on a shelf: on hand, not promisable.
    expect(await atp()).toMatchObject({ onHandAvailable: 5, unpickable: 2, allocated: 0, atp: 3 });

    // The picker confirms the last unit before picking heard of the cancel: it lands in the tote, with its own return.
    await pick(1);
    expect((await returns()).map((x) => x.quantity)).toEqual([2, 1]);
    s = await expectConserved(sku);
    expect(s.onHand).toBe(5);
    expect(await atp()).toMatchObject({ unpickable: 3, atp: 2 });
    expect(await eventsOf(t, InventoryEvents.returnRequested, (await returns())[1]!.id)).toHaveLength(1);
    // An order for more than can be promised waits: the tote's units are not promised to it.
    const waiting = await placeOrder([{ sku, quantity: 4 }]);
    expect((await eventsOf(t, InventoryEvents.allocated, waiting.orderId)).map((e) => e.data.complete)).toEqual([false]);

    // Both returns put back at the other location by scan (neither where picked): the tote is empty, ATP whole again.
    for (const x of await returns()) {
      const res = await t.post(`/api/v1/inventory/returns/${x.id}/confirm`, { locationCode: storage2.code }, 'operator');
      expect(res.body).toMatchObject({ status: 'COMPLETED', confirmedLocationId: storage2.id });
    }
    await t.settle();
    const balances = (await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}`)).body.items as { locationId: string; onHand: number }[];
    expect(Object.fromEntries(balances.map((b) => [b.locationId, b.onHand]))).toEqual({ [storage.id]: 2, [tote]: 0, [storage2.id]: 3 });
    s = await expectConserved(sku);
    expect(s.onHand).toBe(5);
    // Back on a shelf, they are promised again: the waiting order is allocated.
    expect((await eventsOf(t, InventoryEvents.allocated, waiting.orderId)).map((e) => e.data.complete)).toEqual([false, true]);
    expect(await atp()).toMatchObject({ unpickable: 0, allocated: 4, atp: 1 });
  });

  it('a late pick of a cancelled order keeps in the tote only units no other order was promised since; the rest are put straight back', async () => {
    const sku = await newProduct(t);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 6 });
    const a = await placeOrder([{ sku, quantity: 3 }]);
    const c = await placeOrder([{ sku, quantity: 2 }]);
    const reserved = await releaseWave([a, c]);
    const reservationOf = (o: { orderId: string }) =>
      (reserved.reservations as { reservationId: string; orderId: string; lineId: string; locationId: string; lot: string | null }[]).find((r) => r.orderId === o.orderId)!;
    for (const o of [a, c]) {
      await publish(t, 'orders', OrderEvents.cancelled, o.orderId, site.id, { orderId: o.orderId, siteId: site.id, previousStatus: 'PICKING',
        lines: o.lines.map((l, i) => ({ ...l, lineNo: i + 1 })), reason: null });
    }
    // The cancels freed 5 units at the location; a backorder-free order is promised 5 of the 6 on the shelf.
    const b = await placeOrder([{ sku, quantity: 5 }]);
    expect((await eventsOf(t, InventoryEvents.allocated, b.orderId)).map((e) => e.data.complete)).toEqual([true]);
    const atp = async () => (await t.get(`/api/v1/inventory/atp?siteId=${site.id}&sku=${sku}`)).body.items[0];
    expect(await atp()).toMatchObject({ unpickable: 0, allocated: 5, atp: 1 });

    // Both pickers confirm before picking heard of the cancels, delivered as one run: 1 unit may stay in a tote (the
    // first pick's), the other 4 are recorded as put straight back, so B's 5 stay covered by the shelf.
    const late = (o: { orderId: string }, quantity: number) => {
      const r = reservationOf(o);
      return envelope(PickingEvents.linePicked, 'picking', 'pkl_late', {
        pickListId: 'pkl_late', pickLineId: unique('pln_'), orderId: o.orderId, lineId: r.lineId, reservationId: r.reservationId,
        siteId: site.id, sku, locationId: r.locationId, lot: r.lot, quantity, toteId: 'TOTE-L',
      });
    };
    await t.app.bus.deliverMany('inventory', [late(a, 3), late(c, 2)]);
    await t.settle();
    expect(await atp()).toMatchObject({ onHandAvailable: 6, unpickable: 1, allocated: 5, atp: 0 });
    const returns = async (o: { orderId: string }) =>
      (await t.get(`/api/v1/inventory/returns?siteId=${site.id}&orderId=${o.orderId}`)).body.items.map((x: { quantity: number }) => x.quantity);
    expect([await returns(a), await returns(c)]).toEqual([[1], []]);
    expect((await eventsOf(t, InventoryEvents.returned, c.orderId)).map((e) => e.data.lines)).toEqual([[expect.objectContaining({ quantity: 2 })]]);
    await expectConserved(sku);

    // One event at a time (the path a failed run falls back to): nothing unpromised is left, so all of it goes back.
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 2 });
    const d = await placeOrder([{ sku, quantity: 1 }]);
    const dReserved = await releaseWave([d]);
    const dr = (dReserved.reservations as { reservationId: string; lineId: string; locationId: string; lot: string | null }[])[0]!;
    await publish(t, 'orders', OrderEvents.cancelled, d.orderId, site.id, { orderId: d.orderId, siteId: site.id, previousStatus: 'PICKING',
      lines: d.lines.map((l, i) => ({ ...l, lineNo: i + 1 })), reason: null });
    const e = await placeOrder([{ sku, quantity: 2 }]);
    expect((await eventsOf(t, InventoryEvents.allocated, e.orderId)).map((x) => x.data.complete)).toEqual([true]);
    expect(await t.app.bus.deliver('inventory', envelope(PickingEvents.linePicked, 'picking', 'pkl_late2', {
      pickListId: 'pkl_late2', pickLineId: unique('pln_'), orderId: d.orderId, lineId: dr.lineId, reservationId: dr.reservationId,
      siteId: site.id, sku, locationId: dr.locationId, lot: dr.lot, quantity: 1, toteId: 'TOTE-L2',
    }))).toBe('handled');
    await t.settle();
    expect(await atp()).toMatchObject({ onHandAvailable: 8, unpickable: 1, allocated: 7, atp: 0 });
    expect(await returns(d)).toEqual([]);
    await expectConserved(sku);
  });
});

describe('a location under count takes no units from a return or an RMA restock (counting.md: nothing moves from or to it)', () => {
  // A count's expected quantity is read when it is submitted: units put to (or taken from) its location after the counter
  // counted would be taken for a variance and adjusted away (or made up) by the count.
  const openCount = async (locationId: string, sku: string): Promise<string> => {
    const res = await t.post('/api/v1/inventory/counts', { siteId: site.id, locationIds: [locationId], sku }, 'manager');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await t.settle();
    return res.body.items[0].id as string;
  };

  it('a return confirmed into a location under count is refused (409 LOCATION_UNDER_COUNT), nothing moved; accepted once the count closes', async () => {
    const sku = await newProduct(t);
    const shelf = await newLocation(t, site);
    await receive({ siteId: site.id, sku, locationId: storage.id, quantity: 5 });
    await receive({ siteId: site.id, sku, locationId: shelf.id, quantity: 4 });
    const order = await placeOrder([{ sku, quantity: 2 }]);
    const r = (await releaseWave([order])).reservations[0] as { reservationId: string; lineId: string; locationId: string; lot: string | null };
    await publish(t, 'picking', PickingEvents.linePicked, 'pkl_uc', site.id, {
      pickListId: 'pkl_uc', pickLineId: unique('pln_'), orderId: order.orderId, lineId: r.lineId, reservationId: r.reservationId,
      siteId: site.id, sku, locationId: r.locationId, lot: r.lot, quantity: 2, toteId: 'TOTE-UC',
    });
    await publish(t, 'orders', OrderEvents.cancelled, order.orderId, site.id, { orderId: order.orderId, siteId: site.id, previousStatus: 'PICKING',
      lines: order.lines.map((l, i) => ({ ...l, lineNo: i + 1 })), reason: null });
    const [ret] = (await t.get(`/api/v1/inventory/returns?siteId=${site.id}&orderId=${order.orderId}`)).body.items as { id: string }[];
    const countId = await openCount(shelf.id, sku);

    const before = await movementCount(t);
    const refused = await t.post(`/api/v1/inventory/returns/${ret!.id}/confirm`, { locationCode: shelf.code }, 'operator');
    expect([refused.status, refused.body.code, refused.body.errors]).toEqual([409, 'LOCATION_UNDER_COUNT',
      [{ field: '/locationCode', message: 'location is under count' }]]);
    expect(await movementCount(t)).toBe(before);
    expect((await t.get(`/api/v1/inventory/returns/${ret!.id}`)).body).toMatchObject({ status: 'OPEN', returned: 0 });
    // The counter finds the 4 units the shelf held: nothing is adjusted, no unit of the return is written off.
    expect((await t.post(`/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 4, workerId: 'counter' }, 'operator')).body)
      .toMatchObject({ status: 'COMPLETED' });
    await t.settle();
    expect((await t.post(`/api/v1/inventory/returns/${ret!.id}/confirm`, { locationCode: shelf.code }, 'operator')).body).toMatchObject({ status: 'COMPLETED' });
    const balances = (await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}&locationId=${shelf.id}`)).body.items as { onHand: number }[];
    expect(balances.map((b) => b.onHand)).toEqual([6]);
    expect(await expectConserved(sku)).toMatchObject({ onHand: 9, adjusted: 0 });
  });

  it('an RMA restock to, or from, a location under count is refused (409 LOCATION_UNDER_COUNT), nothing moved; a restock in place is not', async () => {
    const sku = await newProduct(t);
    const dock = await newLocation(t, site, { type: 'RECEIVING' });
    const shelf = await newLocation(t, site);
    await receive({ siteId: site.id, sku, locationId: shelf.id, quantity: 3 });
    const rma = await t.post('/api/v1/rmas', { siteId: site.id, customerRef: 'C-UC', lines: [{ sku, quantity: 3, reason: 'wrong size' }] }, 'manager');
    expect((await t.post(`/api/v1/rmas/${rma.body.id}/receive`, { locationCode: dock.code, lines: [{ lineId: '1', quantity: 3 }] }, 'operator')).body.status)
      .toBe('RECEIVED');
    const inspect = (body: Record<string, unknown>) => t.post(`/api/v1/rmas/${rma.body.id}/lines/1/inspect`, { condition: 'as new', ...body }, 'operator');

    const toShelf = await openCount(shelf.id, sku);
    let before = await movementCount(t);
    const to = await inspect({ disposition: 'RESTOCK', locationCode: shelf.code, quantity: 1 });
    expect([to.status, to.body.code, to.body.errors]).toEqual([409, 'LOCATION_UNDER_COUNT', [{ field: '/locationCode', message: 'location is under count' }]]);
    expect(await movementCount(t)).toBe(before);
    expect((await t.post(`/api/v1/inventory/counts/${toShelf}/submit`, { attempt: 1, quantity: 3, workerId: 'counter' }, 'operator')).body.status).toBe('COMPLETED');
    await t.settle();

    const atDock = await openCount(dock.id, sku);
    before = await movementCount(t);
    const from = await inspect({ disposition: 'RESTOCK', locationCode: shelf.code, quantity: 1 });
    expect([from.status, from.body.code]).toEqual([409, 'LOCATION_UNDER_COUNT']);
    expect(await movementCount(t)).toBe(before);
    // Released where they lie, the units stay on the counted shelf: allowed (the counter finds them either way).
    expect((await inspect({ disposition: 'RESTOCK', locationCode: dock.code, quantity: 1 })).status).toBe(200);
    expect((await t.post(`/api/v1/inventory/counts/${atDock}/submit`, { attempt: 1, quantity: 3, workerId: 'counter' }, 'operator')).body.status).toBe('COMPLETED');
    await t.settle();
    expect((await inspect({ disposition: 'RESTOCK', locationCode: shelf.code })).body).toMatchObject({ status: 'INSPECTED' });
    const balances = (await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}`)).body.items as { locationId: string; status: string; onHand: number }[];
    expect(balances.filter((b) => b.onHand > 0).map((b) => [b.locationId, b.status, b.onHand]).sort()).toEqual([
      [dock.id, 'AVAILABLE', 1], [shelf.id, 'AVAILABLE', 5]].sort());
    expect(await expectConserved(sku)).toMatchObject({ onHand: 6, adjusted: 0 });
  });
});

describe('a count at a pick face picked meanwhile', () => {
  /** A reservation of a released wave, as the tests below deliver its pick. */
  type Rsv = { reservationId: string; orderId: string; lineId: string; locationId: string; lot: string | null; quantity: number };
  /** AVAILABLE units on hand of `sku` at `locationId`. */
  const availableOnHand = async (sku: string, locationId: string): Promise<number> => (await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}&locationId=${locationId}`))
    .body.items.find((b: { status: string }) => b.status === 'AVAILABLE')?.onHand ?? 0;

  it('a pick confirmed after the counter looked never turns into found stock: the count is recounted, the recount picked under goes to a manager (found by the race hunt)', async () => {
    const sku = await newProduct(t);
    const face = await newLocation(t, site, { pickSequence: 3 });
    expect((await receive({ siteId: site.id, sku, locationId: face.id, quantity: 6 })).status).toBe(201);
    const orders = [await placeOrder([{ sku, quantity: 2 }]), await placeOrder([{ sku, quantity: 2 }])];
    const rs = (await releaseWave(orders)).reservations as Rsv[];
    expect(rs.map((r) => [r.locationId, r.quantity])).toEqual([[face.id, 2], [face.id, 2]]);
    const pick = (r: Rsv) => t.app.bus.deliver('inventory', envelope(PickingEvents.linePicked, 'picking', 'pkl_cnt', {
      pickListId: 'pkl_cnt', pickLineId: unique('pln_'), orderId: r.orderId, lineId: r.lineId, reservationId: r.reservationId,
      siteId: site.id, sku, locationId: r.locationId, lot: r.lot, quantity: r.quantity, toteId: 'TOTE-CNT',
    }));
    const shelf = (): Promise<number> => availableOnHand(sku, face.id);
    const opened = await t.post('/api/v1/inventory/counts', { siteId: site.id, sku, locationIds: [face.id], toleranceUnits: 5 }, 'manager');
    expect(opened.status).toBe(201);
    const [count] = opened.body.items;
    // Alice counts 6 on the shelf; a picker then confirms a pick reserved before the count (picks are never stopped).
    expect(await pick(rs[0]!)).toBe('handled');
    await t.settle();
    expect(await shelf()).toBe(4);
    // She submits the 6 she saw: +2 is within tolerance, but 2 of them went into a tote. Not applied: a recount.
    const first = await t.post(`/api/v1/inventory/counts/${count.id}/submit`, { attempt: 1, quantity: 6, workerId: 'alice' }, 'operator');
    expect(first.body).toMatchObject({ status: 'RECOUNT', attempt: 2 });
    expect(await shelf()).toBe(4);
    // Bob recounts 4, and the other pick is confirmed before he submits: a manager's, never applied by itself.
    expect(await pick(rs[1]!)).toBe('handled');
    await t.settle();
    const second = await t.post(`/api/v1/inventory/counts/${count.id}/submit`, { attempt: 2, quantity: 4, workerId: 'bob' }, 'operator');
    expect(second.body.status).toBe('AWAITING_APPROVAL');
    expect(await shelf()).toBe(2);
    const seen = (await t.get(`/api/v1/inventory/counts/${count.id}`, 'manager')).body;
    expect(seen.submissions.map((x: { expected: number; variance: number; withinTolerance: boolean }) => [x.expected, x.variance, x.withinTolerance]))
      .toEqual([[4, 2, false], [2, 2, false]]);
    expect((await t.post(`/api/v1/inventory/counts/${count.id}/reject`, { reason: 'picked while counted' }, 'manager')).body.status).toBe('REJECTED');
    expect(await shelf()).toBe(2);
    await expectConserved(sku);
  });

  it('a pick whose transaction began before the count opened but landed after it is still a pick meanwhile (ledger position, not clocks)', async () => {
    const sku = await newProduct(t);
    const face = await newLocation(t, site, { pickSequence: 5 });
    expect((await receive({ siteId: site.id, sku, locationId: face.id, quantity: 6 })).status).toBe(201);
    const order = await placeOrder([{ sku, quantity: 2 }]);
    const [r] = (await releaseWave([order])).reservations as Rsv[];
    const shelf = (): Promise<number> => availableOnHand(sku, face.id);
    // The pick's transaction starts and waits on its reservation (held by another transaction) before it reaches the
    // location: the count opens meanwhile, and the pick's PICK movement lands after it with an older database time.
    const holder = await t.app.db.pool.connect();
    let count: { id: string };
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM inventory.reservations WHERE id = $1 FOR UPDATE`, [r!.reservationId]);
      const picked = t.app.bus.deliver('inventory', envelope(PickingEvents.linePicked, 'picking', 'pkl_cnt3', {
        pickListId: 'pkl_cnt3', pickLineId: unique('pln_'), orderId: r!.orderId, lineId: r!.lineId, reservationId: r!.reservationId,
        siteId: site.id, sku, locationId: r!.locationId, lot: r!.lot, quantity: 2, toteId: 'TOTE-CNT3',
      }));
      await new Promise((res) => setTimeout(res, 200));
      const opened = await t.post('/api/v1/inventory/counts', { siteId: site.id, sku, locationIds: [face.id], toleranceUnits: 5 }, 'manager');
      expect(opened.status).toBe(201);
      count = opened.body.items[0];
      // Alice counts the 6 on the shelf before the picker takes 2.
      await holder.query('COMMIT');
      expect(await picked).toBe('handled');
    } finally {
      holder.release();
    }
    await t.settle();
    expect(await shelf()).toBe(4);
    const first = await t.post(`/api/v1/inventory/counts/${count.id}/submit`, { attempt: 1, quantity: 6, workerId: 'alice' }, 'operator');
    expect(first.body).toMatchObject({ status: 'RECOUNT', attempt: 2 });
    expect(await shelf()).toBe(4);
    await expectConserved(sku);
  });

  it('a receipt after the counter looked is never written off: the count is recounted, a recount received under goes to a manager (found by the stock hunt)', async () => {
    const sku = await newProduct(t);
    const face = await newLocation(t, site, { pickSequence: 6 });
    expect((await receive({ siteId: site.id, sku, locationId: face.id, quantity: 6 })).status).toBe(201);
    const shelf = (): Promise<number> => availableOnHand(sku, face.id);
    const [count] = (await t.post('/api/v1/inventory/counts', { siteId: site.id, sku, locationIds: [face.id], toleranceUnits: 5 }, 'manager')).body.items;
    // Alice counts the 6 on the shelf; then 2 more are received there (receipts are not stopped by a count).
    expect((await receive({ siteId: site.id, sku, locationId: face.id, quantity: 2 })).status).toBe(201);
    expect(await shelf()).toBe(8);
    // She submits the 6 she saw: −2 is within tolerance, but the 2 stand on the shelf. Not written off: a recount.
    const first = await t.post(`/api/v1/inventory/counts/${count.id}/submit`, { attempt: 1, quantity: 6, workerId: 'alice' }, 'operator');
    expect(first.body).toMatchObject({ status: 'RECOUNT', attempt: 2 });
    expect(await shelf()).toBe(8);
    // Bob counts the 8; one more is received before he submits: a manager's, never applied by itself.
    expect((await receive({ siteId: site.id, sku, locationId: face.id, quantity: 1 })).status).toBe(201);
    const second = await t.post(`/api/v1/inventory/counts/${count.id}/submit`, { attempt: 2, quantity: 8, workerId: 'bob' }, 'operator');
    expect(second.body.status).toBe('AWAITING_APPROVAL');
    expect(await shelf()).toBe(9);
    expect((await t.post(`/api/v1/inventory/counts/${count.id}/reject`, { reason: 'received while counted' }, 'manager')).body.status).toBe('REJECTED');
    expect(await shelf()).toBe(9);
    await expectConserved(sku);
  });

  it('an adjustment after the counter looked is not taken back by their count: recounted (found by the stock hunt)', async () => {
    for (const [delta, reason, after] of [[-2, 'DAMAGED', 4], [2, 'FOUND', 8]] as const) {
      const sku = await newProduct(t);
      const face = await newLocation(t, site, { pickSequence: 7 });
      expect((await receive({ siteId: site.id, sku, locationId: face.id, quantity: 6 })).status).toBe(201);
      const [count] = (await t.post('/api/v1/inventory/counts', { siteId: site.id, sku, locationIds: [face.id], toleranceUnits: 5 }, 'manager')).body.items;
      // Alice counts 6; a planner then takes 2 damaged units off the shelf (or puts 2 found ones on it) and says so.
      expect((await t.post('/api/v1/inventory/adjustments', { siteId: site.id, sku, locationId: face.id, delta, reason }, 'manager')).status).toBe(201);
      const first = await t.post(`/api/v1/inventory/counts/${count.id}/submit`, { attempt: 1, quantity: 6, workerId: 'alice' }, 'operator');
      expect(first.body, reason).toMatchObject({ status: 'RECOUNT', attempt: 2 });
      expect(await availableOnHand(sku, face.id)).toBe(after);
      expect((await t.post(`/api/v1/inventory/counts/${count.id}/submit`, { attempt: 2, quantity: after, workerId: 'bob' }, 'operator')).body.status).toBe('COMPLETED');
      expect(await availableOnHand(sku, face.id)).toBe(after);
      await expectConserved(sku);
    }
  });

  it('picks before the counter submits an exact count make no variance: applied at once', async () => {
    const sku = await newProduct(t);
    const face = await newLocation(t, site, { pickSequence: 4 });
    expect((await receive({ siteId: site.id, sku, locationId: face.id, quantity: 6 })).status).toBe(201);
    const order = await placeOrder([{ sku, quantity: 4 }]);
    const [r] = (await releaseWave([order])).reservations as Rsv[];
    const [count] = (await t.post('/api/v1/inventory/counts', { siteId: site.id, sku, locationIds: [face.id], toleranceUnits: 5 }, 'manager')).body.items;
    expect(await t.app.bus.deliver('inventory', envelope(PickingEvents.linePicked, 'picking', 'pkl_cnt2', {
      pickListId: 'pkl_cnt2', pickLineId: unique('pln_'), orderId: r!.orderId, lineId: r!.lineId, reservationId: r!.reservationId,
      siteId: site.id, sku, locationId: r!.locationId, lot: r!.lot, quantity: 4, toteId: 'TOTE-CNT2',
    }))).toBe('handled');
    await t.settle();
    expect((await t.post(`/api/v1/inventory/counts/${count.id}/submit`, { attempt: 1, quantity: 2, workerId: 'alice' }, 'operator')).body.status).toBe('COMPLETED');
    expect((await t.get(`/api/v1/inventory/counts/${count.id}`, 'manager')).body).toMatchObject({ status: 'COMPLETED', applied: 0 });
  });
});
