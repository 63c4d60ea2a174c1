/**
 * Off the happy path (issue 6, items 1–3), over HTTP: an order cancelled at any moment before it ships never ships and
 * its units go back to stock (picked ones through a return confirmed by scan: see also cancel-every-stage.test.ts); an order whose every unit was shorted ends CANCELLED (SHORTED); an order its release
 * cannot reserve goes back to allocation and its wave completes without it. After each: the ledger matches the
 * balances, nothing is left reserved or allocated for a dead order, and nothing was dead-lettered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startSiteApp } from '../support/site-app.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let seq = 0;

beforeAll(async () => {
  ({ t, call, w } = await startSiteApp({ siteCode: 'CX', aisles: 2, bays: 4, levels: 1, skus: 4 }, { stock: { quantity: 20, locationsPerSku: 1 } }));
});
afterAll(async () => {
  await t.close();
});

interface PickLine { id: string; orderId: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; picked: number; status: string }
interface PickList { id: string; status: string; lines: PickLine[] }

const status = async (orderId: string): Promise<string> => (await t.get(`/api/v1/orders/${orderId}`)).body.status;
const settled = async (): Promise<void> => t.settle();

async function newOrder(lines: { sku: string; quantity: number }[]): Promise<string> {
  const o = await createOrder(call, w.siteId, { externalId: `CX-${++seq}`, lines });
  await until('allocated', () => status(o.id), (s) => s === 'ALLOCATED');
  return o.id;
}

async function planWave(orderIds: readonly string[]): Promise<string> {
  await settled();
  const res = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 50 });
  expect(res.status).toBe(201);
  expect([...res.body.orderIds].sort()).toEqual([...orderIds].sort());
  await settled();
  return res.body.id as string;
}

async function pickListOf(orderId: string): Promise<PickList> {
  const page = await until('a pick list', () => t.get(`/api/v1/pick-lists?orderId=${orderId}`), (r) => r.body.items.length > 0);
  return page.body.items[0] as PickList;
}

const confirm = (list: PickList, line: PickLine, quantity: number) => t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
  locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity, toteId: 'TOTE-1',
});

/** An order of one unit of `sku`, released, picked, packed and booked (labelled), not dispatched. */
async function packedAndLabelled(sku: string): Promise<{ orderId: string; shipmentId: string }> {
  const orderId = await newOrder([{ sku, quantity: 1 }]);
  const waveId = await planWave([orderId]);
  expect((await t.post(`/api/v1/waves/${waveId}/release`)).status).toBe(200);
  const list = await pickListOf(orderId);
  expect((await confirm(list, list.lines[0]!, 1)).status).toBe(200);
  await until('picked', () => status(orderId), (s) => s === 'PICKED');
  // Orders and pack-ship hear of the pick side by side: the pack may wait a moment for pack-ship's side.
  await t.settle();
  expect((await t.post('/api/v1/packages', { orderId })).status).toBe(201);
  const shipment = await t.post('/api/v1/shipments', { orderId });
  expect(shipment.status).toBe(201);
  return { orderId, shipmentId: shipment.body.id as string };
}

/** Conservation per SKU, and no stock held for orders that will never ship. */
async function expectLedgerTrue(): Promise<void> {
  await settled();
  const summary = await t.getAll<Record<string, number>>(`/api/v1/inventory/summary?siteId=${w.siteId}`);
  for (const s of summary) {
    expect(s.received! - s.shipped! + s.adjusted!).toBe(s.onHand);
    expect(s.ledgerOnHand).toBe(s.onHand);
    expect(s.ledgerReserved).toBe(s.reserved);
    expect(s.ledgerAllocated).toBe(s.allocated);
  }
  // Every allocated unit belongs to an order that is still going somewhere; every reserved unit to an open reservation.
  const [held] = await t.app.db.query<{ allocated: number; reserved: number; open: number; alloc_rows: number }>(`
    SELECT (SELECT COALESCE(sum(allocated), 0) FROM inventory.sku_stock)::int8 AS allocated,
           (SELECT COALESCE(sum(reserved), 0) FROM inventory.balances)::int8 AS reserved,
           (SELECT COALESCE(sum(quantity - picked - shorted), 0) FROM inventory.reservations WHERE status = 'OPEN')::int8 AS open,
           (SELECT COALESCE(sum(allocated), 0) FROM inventory.allocations WHERE status = 'ALLOCATED')::int8 AS alloc_rows`);
  expect(held!.reserved).toBe(held!.open);
  expect(held!.allocated).toBe(held!.alloc_rows);
  const [dead] = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.dead_letters`);
  expect(dead!.n).toBe(0);
}

/**
 * Units left in a cancelled order's tote wait for their return to stock (ADR 0011, addendum): a worker puts them back
 * and scans the location — here the one they were picked from. Returns how many units went back.
 */
async function returnTote(orderId: string): Promise<number> {
  await settled();
  const open = (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${orderId}&status=OPEN`)).body.items as { id: string; open: number; suggestedLocationId: string }[];
  for (const r of open) {
    const res = await t.post(`/api/v1/inventory/returns/${r.id}/confirm`, { locationId: r.suggestedLocationId }, 'operator');
    expect(res.body).toMatchObject({ status: 'COMPLETED', open: 0 });
  }
  await settled();
  return open.reduce((a, r) => a + r.open, 0);
}

/** A cancelled order holds nothing: no allocation, no reservation, nothing in its tote, no live package or shipment. */
async function expectNothingHeldFor(orderId: string): Promise<void> {
  await settled();
  const [row] = await t.app.db.query<{ allocated: number; open: number; tote: number; packages: number; shipments: number; shipped: number }>(`
    SELECT (SELECT COALESCE(sum(allocated), 0) FROM inventory.allocations WHERE order_id = $1 AND status = 'ALLOCATED')::int8 AS allocated,
           (SELECT count(*) FROM inventory.reservations WHERE order_id = $1 AND status = 'OPEN')::int8 AS open,
           (SELECT COALESCE(sum(on_hand), 0) FROM inventory.balances WHERE location_id = 'IN_PROCESS:' || $1)::int8 AS tote,
           (SELECT count(*) FROM pack_ship.packages WHERE order_id = $1 AND status <> 'CANCELLED')::int8 AS packages,
           (SELECT count(*) FROM pack_ship.shipments WHERE order_id = $1 AND status <> 'CANCELLED')::int8 AS shipments,
           (SELECT count(*) FROM platform.events WHERE type = 'inventory.stock.shipped.v1' AND subject = $1)::int8 AS shipped`, [orderId]);
  expect(row).toEqual({ allocated: 0, open: 0, tote: 0, packages: 0, shipments: 0, shipped: 0 });
}

describe('a cancelled order never ships, at whatever moment it is cancelled', () => {
  it('cancelled a moment after its wave is released (orders still says WAVED): no list is picked, nothing packs or ships', async () => {
    const orderId = await newOrder([{ sku: w.products[0]!.sku, quantity: 2 }]);
    const waveId = await planWave([orderId]);
    const [release, cancel] = await Promise.all([t.post(`/api/v1/waves/${waveId}/release`), t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'raced' })]);
    expect(release.status).toBe(200);
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('CANCELLED');
    await settled();
    // Whatever list was made for it is withdrawn: a confirm is refused, and nothing is packed or shipped.
    const lists = (await t.get(`/api/v1/pick-lists?orderId=${orderId}`)).body.items as PickList[];
    for (const list of lists) {
      expect(list.status).toBe('CANCELLED');
      const res = await confirm(list, list.lines[0]!, 1);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ORDER_CANCELLED');
    }
    expect((await t.post('/api/v1/packages', { orderId })).body.code).toBe('ORDER_CANCELLED');
    expect((await t.post('/api/v1/shipments', { orderId })).body.code).toBe('ORDER_CANCELLED');
    expect((await t.get(`/api/v1/waves/${waveId}`)).body.status).toBe('COMPLETED');
    const tasks = (await t.get(`/api/v1/tasks?siteId=${w.siteId}&limit=500`)).body.items as { reference: string; status: string }[];
    for (const list of lists) expect(tasks.find((x) => x.reference === list.id)?.status ?? 'CANCELLED').toBe('CANCELLED');
    await expectNothingHeldFor(orderId);
    await expectLedgerTrue();
  });

  it('cancelled mid-pick: the picked units go back to their location, the rest is refused, the task is withdrawn', async () => {
    const sku = w.products[1]!.sku;
    const before = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items as { locationId: string; onHand: number }[];
    const orderId = await newOrder([{ sku, quantity: 3 }]);
    const waveId = await planWave([orderId]);
    expect((await t.post(`/api/v1/waves/${waveId}/release`)).status).toBe(200);
    const list = await pickListOf(orderId);
    expect((await confirm(list, list.lines[0]!, 1)).status).toBe(200);
    expect((await t.post(`/api/v1/orders/${orderId}/cancel`, {})).body.status).toBe('CANCELLED');
    await settled();
    const refused = await confirm(list, list.lines[0]!, 1);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('ORDER_CANCELLED');
    expect((await t.post(`/api/v1/pick-lists/${list.id}/lines/${list.lines[0]!.id}/short`, { reason: 'OTHER' })).body.code).toBe('ORDER_CANCELLED');
    expect((await t.get(`/api/v1/pick-lists/${list.id}`)).body.status).toBe('CANCELLED');
    // The picked unit waits in the tote for its return to stock; once confirmed by scan, the shelf is as it was.
    const inTote = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&locationId=IN_PROCESS:${orderId}`)).body.items as { onHand: number }[];
    expect(inTote.map((b) => b.onHand)).toEqual([1]);
    await expectLedgerTrue();
    expect(await returnTote(orderId)).toBe(1);
    const after = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items as { locationId: string; onHand: number }[];
    expect(after.filter((b) => !b.locationId.startsWith('IN_PROCESS:'))).toEqual(before);
    const returned = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE type = 'inventory.stock.returned.v1' AND subject = $1`, [orderId]);
    expect(returned[0]!.n).toBe(1);
    expect((await t.get(`/api/v1/waves/${waveId}`)).body.status).toBe('COMPLETED');
    await expectNothingHeldFor(orderId);
    await expectLedgerTrue();
  });

  it('cancelled after packing and labelling: the package and the shipment are voided and the dispatch is refused', async () => {
    const { orderId, shipmentId } = await packedAndLabelled(w.products[2]!.sku);
    expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' })).body.status).toBe('CANCELLED');
    const dispatch = await t.post(`/api/v1/shipments/${shipmentId}/dispatch`);
    expect(dispatch.status).toBe(409);
    expect(dispatch.body.code).toBe('ORDER_CANCELLED');
    expect((await t.get(`/api/v1/shipments/${shipmentId}`)).body.status).toBe('CANCELLED');
    expect(((await t.get(`/api/v1/packages?orderId=${orderId}`)).body.items as { status: string }[]).map((p) => p.status)).toEqual(['CANCELLED']);
    // The packed unit goes back to stock once unpacked and put away by scan.
    expect(await returnTote(orderId)).toBe(1);
    await expectNothingHeldFor(orderId);
    await expectLedgerTrue();
  });

  it('refuses to cancel an order once it has been dispatched (409 ORDER_SHIPPED), and changes nothing', async () => {
    const { orderId, shipmentId } = await packedAndLabelled(w.products[3]!.sku);
    expect((await t.post(`/api/v1/shipments/${shipmentId}/dispatch`)).status).toBe(200);
    // Orders may not have heard of the dispatch yet: pack & ship decides.
    const cancel = await t.post(`/api/v1/orders/${orderId}/cancel`, {});
    expect(cancel.status).toBe(409);
    expect(cancel.body.code).toBe('ORDER_SHIPPED');
    await settled();
    expect(await status(orderId)).toBe('SHIPPED');
    await expectLedgerTrue();
  });
});

describe('every order reaches a final or actionable state', () => {
  it('an order whose every unit was shorted ends CANCELLED with reason SHORTED, and its wave completes', async () => {
    const orderId = await newOrder([{ sku: w.products[0]!.sku, quantity: 1 }, { sku: w.products[1]!.sku, quantity: 1 }]);
    const waveId = await planWave([orderId]);
    expect((await t.post(`/api/v1/waves/${waveId}/release`)).status).toBe(200);
    const list = await pickListOf(orderId);
    for (const line of list.lines) expect((await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, { reason: 'OTHER' })).status).toBe(200);
    await settled();
    const order = (await t.get(`/api/v1/orders/${orderId}`)).body;
    expect(order).toMatchObject({ status: 'CANCELLED', cancelReason: 'SHORTED' });
    const [event] = await t.app.db.query<{ envelope: { data: { previousStatus: string; reason: string } } }>(
      `SELECT envelope FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1`, [orderId]);
    expect(event!.envelope.data).toMatchObject({ reason: 'SHORTED' });
    expect((await t.get(`/api/v1/waves/${waveId}`)).body.status).toBe('COMPLETED');
    await expectNothingHeldFor(orderId);
    await expectLedgerTrue();
  });

  it('a cancelled order\'s lines add up: units shorted at picking count shorted, not cancelled too (all shorted, and shorted then cancelled)', async () => {
    type Line = { sku: string; ordered: number; picked: number; shorted: number; shortAtPack: number; cancelled: number; shipped: number };
    const lines = async (orderId: string) => ((await t.get(`/api/v1/orders/${orderId}`)).body.lines as Line[])
      .map((l) => ({ sku: l.sku, ordered: l.ordered, picked: l.picked, shorted: l.shorted, shortAtPack: l.shortAtPack, cancelled: l.cancelled, shipped: l.shipped }));
    // Every unit shorted: cancelled SHORTED by orders itself. Before, each line read shorted 1 and cancelled 1 of 1.
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const all = await newOrder([{ sku: a, quantity: 1 }, { sku: b, quantity: 1 }]);
    expect((await t.post(`/api/v1/waves/${await planWave([all])}/release`)).status).toBe(200);
    const allList = await pickListOf(all);
    for (const line of allList.lines) expect((await t.post(`/api/v1/pick-lists/${allList.id}/lines/${line.id}/short`, { reason: 'OTHER' })).status).toBe(200);
    await settled();
    expect(await status(all)).toBe('CANCELLED');
    expect(await lines(all)).toEqual([
      { sku: a, ordered: 1, picked: 0, shorted: 1, shortAtPack: 0, cancelled: 0, shipped: 0 },
      { sku: b, ordered: 1, picked: 0, shorted: 1, shortAtPack: 0, cancelled: 0, shipped: 0 },
    ]);
    // One of three picked, two shorted (no stock elsewhere: it would ship short), then cancelled at PICKED. Before, the
    // line read shorted 2 and cancelled 3 of 3.
    const c = w.products[2]!.sku;
    const some = await newOrder([{ sku: c, quantity: 3 }]);
    expect((await t.post(`/api/v1/waves/${await planWave([some])}/release`)).status).toBe(200);
    const list = await pickListOf(some);
    expect((await confirm(list, list.lines[0]!, 1)).status).toBe(200);
    expect((await t.post(`/api/v1/pick-lists/${list.id}/lines/${list.lines[0]!.id}/short`, { reason: 'OTHER' })).status).toBe(200);
    await until('picked', () => status(some), (x) => x === 'PICKED');
    expect((await t.post(`/api/v1/orders/${some}/cancel`, { reason: 'customer' })).status).toBe(200);
    await settled();
    expect(await lines(some)).toEqual([{ sku: c, ordered: 3, picked: 1, shorted: 2, shortAtPack: 0, cancelled: 1, shipped: 0 }]);
    const [ret] = (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${some}`)).body.items as { id: string; suggestedLocationId: string }[];
    expect((await t.post(`/api/v1/inventory/returns/${ret!.id}/confirm`, { locationId: ret!.suggestedLocationId }, 'operator')).status).toBe(200);
    await expectNothingHeldFor(some);
    await expectLedgerTrue();
  });

  it('a whole-order cancel leaves its lines allocated 0, as a line cancel does: inventory released the allocation', async () => {
    type Line = { ordered: number; allocated: number; cancelled: number };
    const lines = async (orderId: string) => ((await t.get(`/api/v1/orders/${orderId}`)).body.lines as Line[])
      .map((l) => ({ ordered: l.ordered, allocated: l.allocated, cancelled: l.cancelled }));
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    // ALLOCATED, cancelled whole. Before, the lines read allocated 2 and 1 while inventory held nothing for the order.
    const allocated = await newOrder([{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }]);
    expect(await lines(allocated)).toEqual([{ ordered: 2, allocated: 2, cancelled: 0 }, { ordered: 1, allocated: 1, cancelled: 0 }]);
    expect((await t.post(`/api/v1/orders/${allocated}/cancel`, { reason: 'customer' })).status).toBe(200);
    expect(await lines(allocated)).toEqual([{ ordered: 2, allocated: 0, cancelled: 2 }, { ordered: 1, allocated: 0, cancelled: 1 }]);
    await expectNothingHeldFor(allocated);
    // Released and partly picked, cancelled whole: the picked unit waits for its return, allocated to nothing.
    const released = await newOrder([{ sku: a, quantity: 2 }]);
    expect((await t.post(`/api/v1/waves/${await planWave([released])}/release`)).status).toBe(200);
    const list = await pickListOf(released);
    expect((await confirm(list, list.lines[0]!, 1)).status).toBe(200);
    expect((await t.post(`/api/v1/orders/${released}/cancel`, { reason: 'customer' })).status).toBe(200);
    await settled();
    expect(await lines(released)).toEqual([{ ordered: 2, allocated: 0, cancelled: 2 }]);
    expect(await returnTote(released)).toBe(1);
    await expectNothingHeldFor(released);
    await expectLedgerTrue();
  });

  it('an order its release cannot reserve (location blocked after allocation) goes back to BACKORDERED, the wave completes, and it ships once stock arrives', async () => {
    const sku = w.products[3]!.sku;
    const balances = (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`)).body.items as { locationId: string; available: number }[];
    const onShelf = balances.find((b) => !b.locationId.startsWith('IN_PROCESS:') && b.available > 0)!;
    const orderId = await newOrder([{ sku, quantity: 2 }]);
    const waveId = await planWave([orderId]);
    expect((await t.post(`/api/v1/locations/${onShelf.locationId}/block`, { reason: 'rack damaged' })).status).toBe(200);
    expect((await t.post(`/api/v1/waves/${waveId}/release`)).status).toBe(200);
    await settled();
    expect(await status(orderId)).toBe('BACKORDERED');
    const [event] = await t.app.db.query<{ envelope: { data: { from: string; reason: string } } }>(
      `SELECT envelope FROM platform.events WHERE type = 'orders.order.backordered.v1' AND subject = $1 ORDER BY seq DESC LIMIT 1`, [orderId]);
    expect(event!.envelope.data).toMatchObject({ from: 'RELEASED', reason: 'RESERVATION_SHORTAGE' });
    expect((await t.get(`/api/v1/waves/${waveId}`)).body.status).toBe('COMPLETED');
    expect((await t.get(`/api/v1/pick-lists?orderId=${orderId}`)).body.items).toEqual([]);
    await expectLedgerTrue();

    // Stock arrives at another pickable location: the backorder is allocated, waved again, picked and shipped.
    const elsewhere = w.storage.find((l) => l.id !== onShelf.locationId)!;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: elsewhere.id, quantity: 2 })).status).toBe(201);
    await until('allocated again', () => status(orderId), (s) => s === 'ALLOCATED');
    const again = await planWave([orderId]);
    expect((await t.post(`/api/v1/waves/${again}/release`)).status).toBe(200);
    const list = await pickListOf(orderId);
    expect(list.lines.every((l) => l.locationId !== onShelf.locationId)).toBe(true);
    expect((await confirm(list, list.lines[0]!, 2)).status).toBe(200);
    await until('picked', () => status(orderId), (s) => s === 'PICKED');
    expect((await t.post('/api/v1/packages', { orderId })).status).toBe(201);
    const shipment = await t.post('/api/v1/shipments', { orderId });
    expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`)).status).toBe(200);
    await until('shipped', () => status(orderId), (s) => s === 'SHIPPED');
    expect((await t.post(`/api/v1/locations/${onShelf.locationId}/unblock`)).status).toBe(200);
    await expectLedgerTrue();
  });
});
