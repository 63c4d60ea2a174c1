import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConserved } from '../support/conservation.ts';
import { tableFingerprint } from '../support/fingerprint.ts';
import { createOrder, injectClient, orderStatus, planAndReleasePooled, receiveStock, setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A black-box hunt in physical tracking and pack & ship (2026-12-06), over REST on real PostgreSQL. Each case failed
 * before its fix:
 * - a package whose carton a SHIP scan had taken out of the dock (the order's cancel refused ORDER_SHIPPED for it) was
 *   still repacked: the order read PICKED again and was packed and shipped a second time from units that had left;
 * - a case shipped off a pallet kept its place in the pallet: moving the pallet gave the SHIPPED case a location again
 *   (listed at the pallet's new location), though an LPN that left rests nowhere;
 * - consolidating LPNs into one past 2,147,483,647 units was accepted: the LPN could then not be moved nor lost, and the
 *   site's physical vs logical reconciliation answered 400 for ever.
 */
let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.admin);
  w = await setupWarehouse(call, { siteCode: 'LPNSHIPEDGE', aisles: 2, bays: 3, levels: 1, skus: 2 });
  await receiveStock(call, w, 50, 2);
});
afterAll(async () => {
  await t.close();
});

interface Line { id: string; status: string; locationId: string; locationCode?: string | null; expectedBarcode?: string | null; sku: string; quantity: number }

/** An order of `quantity` units of the first SKU, picked whole into a tote of its own (orders says PICKED). */
async function pickedOrder(externalId: string, quantity: number): Promise<{ orderId: string; lineId: string }> {
  const orderId = (await createOrder(call, w.siteId, { externalId, lines: [{ sku: w.products[0]!.sku, quantity }] })).id;
  await until('allocated', () => orderStatus(call, orderId), (s) => s === 'ALLOCATED');
  await t.settle();
  await planAndReleasePooled(call, w.siteId, [orderId], 1);
  await t.settle();
  const list = (await t.get(`/api/v1/pick-lists?orderId=${orderId}`)).body.items[0] as { id: string; lines: Line[] };
  for (const line of list.lines) {
    const confirmed = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity, toteId: `TOTE-${externalId}`,
    }, 'operator');
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  }
  await until('picked', () => orderStatus(call, orderId), (s) => s === 'PICKED');
  await t.settle();
  const order = (await t.get(`/api/v1/orders/${orderId}`)).body as { lines: { id: string }[] };
  return { orderId, lineId: order.lines[0]!.id };
}

const fingerprint = async (...schemas: string[]): Promise<Record<string, number>> =>
  Object.fromEntries(Object.entries(await tableFingerprint(t.app.db)).filter(([k]) => schemas.some((s) => k.startsWith(`${s}.`))));

describe('a carton shipped at the dock', () => {
  it('its package is not repacked (409 ILLEGAL_TRANSITION, nothing changed); a package of the order still at the bench is', async () => {
    const { orderId, lineId } = await pickedOrder('LSE-1', 2);
    const first = await t.post('/api/v1/packages', { orderId, units: [{ lineId, quantity: 1 }] }, 'operator');
    const second = await t.post('/api/v1/packages', { orderId, units: [{ lineId, quantity: 1 }] }, 'operator');
    expect([first.status, second.status]).toEqual([201, 201]);
    await t.settle();
    expect(await orderStatus(call, orderId)).toBe('PACKED');
    // The first carton leaves by its label's SSCC; the order's cancel is refused for good from then on.
    const shipped = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: first.body.sscc, meaning: 'SHIP', workerId: 'dock-1' }, 'operator');
    expect([shipped.status, shipped.body.lpn?.status]).toEqual([201, 'SHIPPED']);
    await t.settle();
    expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'too late' })).body.code).toBe('ORDER_SHIPPED');
    await t.settle();

    const before = await fingerprint('pack_ship', 'orders', 'physical_tracking', 'tasks');
    const refused = await t.post(`/api/v1/packages/${first.body.id}/repack`, {}, 'operator');
    expect([refused.status, refused.body.code], JSON.stringify(refused.body)).toEqual([409, 'ILLEGAL_TRANSITION']);
    expect(refused.body.detail).toContain('dock');
    await t.settle();
    expect(await fingerprint('pack_ship', 'orders', 'physical_tracking', 'tasks')).toEqual(before);
    expect((await t.get(`/api/v1/packages/${first.body.id}`)).body.status).toBe('PACKED');
    expect(await orderStatus(call, orderId)).toBe('PACKED');

    // The second carton never left the bench: repacked as before, then sealed again, and the order ships.
    expect((await t.post(`/api/v1/packages/${second.body.id}/repack`, {}, 'operator')).body.status).toBe('REPACKED');
    await t.settle();
    expect((await t.post('/api/v1/packages', { orderId }, 'operator')).status).toBe(201);
    await t.settle();
    const booked = await t.post('/api/v1/shipments', { orderId });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect((await t.post(`/api/v1/shipments/${booked.body.id}/dispatch`, {})).status).toBe(200);
    await until('shipped', () => orderStatus(call, orderId), (s) => s === 'SHIPPED');
    await t.settle();
    // Two units left: the first carton's at the dock and the second's, once each (inventory books them with the dispatch).
    const shippedUnits = await t.app.db.query<{ n: string }>(`SELECT coalesce(sum(-delta_on_hand), 0)::int8 AS n FROM inventory.movements WHERE site_id = $1 AND type = 'SHIP'`, [w.siteId]);
    expect(Number(shippedUnits[0]!.n)).toBe(2);
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('a label voided after its carton was loaded on the truck (SHIP scan, not dispatched)', () => {
  it('takes the carton back off the truck with the pallet it left on: both CLOSED where they were scanned out; the order is booked and loaded again and ships once', async () => {
    const { orderId } = await pickedOrder('LSE-V1', 2);
    const door = w.storage[3]!;
    const pkg = await t.post('/api/v1/packages', { orderId }, 'operator');
    expect(pkg.status, JSON.stringify(pkg.body)).toBe(201);
    await t.settle();
    const booked = await t.post('/api/v1/shipments', { orderId });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    // Loaded onto a pallet at the door, the pallet scanned onto the truck: both SHIPPED, the order's cancel refused.
    const pallet = (await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: door.id }, 'operator')).body;
    expect((await t.post('/api/v1/scans', { siteId: w.siteId, barcode: pkg.body.sscc, meaning: 'LOAD_ONTO_PALLET', into: pallet.id, workerId: 'dock-1' }, 'operator')).status).toBe(201);
    const loaded = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: pallet.id, meaning: 'SHIP', workerId: 'dock-1' }, 'operator');
    expect([loaded.status, loaded.body.lpn?.status], JSON.stringify(loaded.body)).toEqual([201, 'SHIPPED']);
    await t.settle();
    const carton = (await t.get(`/api/v1/lpns?siteId=${w.siteId}&code=${pkg.body.id}`)).body.items[0] as { id: string };
    expect((await t.get(`/api/v1/lpns/${carton.id}`)).body.status).toBe('SHIPPED');

    const voided = await t.post(`/api/v1/shipments/${booked.body.id}/void`, {});
    expect([voided.status, voided.body.status], JSON.stringify(voided.body)).toEqual([200, 'VOIDED']);
    await t.settle();
    // Before: the carton stayed SHIPPED (on the truck with a dead label), its package could not be repacked and the
    // order's cancel was refused ORDER_SHIPPED for good. Then (until 2026-12-07) the carton came back off its pallet and
    // the pallet, holding nothing else, stayed SHIPPED: on a truck with nothing on it. The pallet comes back with it.
    const back = (await t.get(`/api/v1/lpns/${carton.id}`)).body;
    expect({ status: back.status, locationId: back.locationId, parentId: back.parentId, units: back.units })
      .toEqual({ status: 'CLOSED', locationId: door.id, parentId: pallet.id, units: 2 });
    const palletBack = (await t.get(`/api/v1/lpns/${pallet.id}`)).body;
    expect({ status: palletBack.status, locationId: palletBack.locationId, childIds: palletBack.childIds })
      .toEqual({ status: 'CLOSED', locationId: door.id, childIds: [carton.id] });
    expect((await t.get(`/api/v1/lpns?siteId=${w.siteId}&locationId=${door.id}`)).body.items.map((l: { id: string }) => l.id).sort())
      .toEqual([carton.id, pallet.id].sort());
    const timeline = (await t.get(`/api/v1/lpns/${carton.id}/timeline?limit=50`)).body.items.map((x: { meaning: string }) => x.meaning);
    expect(timeline.slice(-1)).toEqual(['MOVE']);
    expect((await t.get(`/api/v1/packages/${pkg.body.id}`)).body.status).toBe('PACKED');

    // Booked again and loaded again (its carton by its SSCC), then dispatched: two units leave, once.
    const again = await t.post('/api/v1/shipments', { orderId });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    const reloaded = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: pallet.id, meaning: 'SHIP', workerId: 'dock-1' }, 'operator');
    expect([reloaded.status, reloaded.body.lpn?.status], JSON.stringify(reloaded.body)).toEqual([201, 'SHIPPED']);
    expect((await t.get(`/api/v1/lpns/${carton.id}`)).body.status).toBe('SHIPPED');
    expect((await t.post(`/api/v1/shipments/${again.body.id}/dispatch`, {})).status).toBe(200);
    await until('shipped', () => orderStatus(call, orderId), (x) => x === 'SHIPPED');
    await t.settle();
    const units = await t.app.db.query<{ n: string }>(
      `SELECT coalesce(sum(-delta_on_hand), 0)::int8 AS n FROM inventory.movements WHERE site_id = $1 AND type = 'SHIP'
         AND reference IN (SELECT id FROM pack_ship.shipments WHERE order_id = $2)`, [w.siteId, orderId]);
    expect(Number(units[0]!.n)).toBe(2);
    await expectLedgerConserved(t, w.siteId);
  });

  it('lets its package be repacked and the order cancelled afterwards (its units go back by the return), its carton moved where it is put', async () => {
    const { orderId } = await pickedOrder('LSE-V2', 1);
    const pkg = await t.post('/api/v1/packages', { orderId }, 'operator');
    await t.settle();
    const booked = await t.post('/api/v1/shipments', { orderId });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const loaded = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: pkg.body.sscc, meaning: 'SHIP', workerId: 'dock-1' }, 'operator');
    expect(loaded.status, JSON.stringify(loaded.body)).toBe(201);
    await t.settle();
    expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' })).body.code).toBe('ORDER_SHIPPED');
    expect((await t.post(`/api/v1/shipments/${booked.body.id}/void`, {})).status).toBe(200);
    await t.settle();
    // Scanned out straight from the bench (resting nowhere): back, nowhere until it is moved where it is put.
    const carton = (await t.get(`/api/v1/lpns?siteId=${w.siteId}&code=${pkg.body.id}`)).body.items[0] as { id: string; status: string; locationId: string | null };
    expect([carton.status, carton.locationId]).toEqual(['CLOSED', null]);
    const door = w.storage[4]!;
    expect((await t.post(`/api/v1/lpns/${carton.id}/move`, { locationId: door.id }, 'operator')).body.locationId).toBe(door.id);
    // Its package is repacked again, as at the bench (409 ILLEGAL_TRANSITION "shipped at the dock" before).
    const repacked = await t.post(`/api/v1/packages/${pkg.body.id}/repack`, {}, 'operator');
    expect([repacked.status, repacked.body.status], JSON.stringify(repacked.body)).toEqual([200, 'REPACKED']);
    await t.settle();
    const cancelled = await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' });
    expect([cancelled.status, cancelled.body.status], JSON.stringify(cancelled.body)).toEqual([200, 'CANCELLED']);
    await t.settle();
    // Nothing left: the voided carton holds the order's units until its return is confirmed, as at the bench.
    expect((await t.get(`/api/v1/packages/${pkg.body.id}`)).body.status).toBe('REPACKED');
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('a label voided after its carton left on a pallet with another order\'s', () => {
  it('takes back only its own carton: its order is cancelled, the other order stays shipped at the dock and is dispatched', async () => {
    const a = await pickedOrder('LSE-M1', 1);
    const b = await pickedOrder('LSE-M2', 1);
    const [pa, pb] = [await t.post('/api/v1/packages', { orderId: a.orderId }, 'operator'), await t.post('/api/v1/packages', { orderId: b.orderId }, 'operator')];
    await t.settle();
    const [sa, sb] = [await t.post('/api/v1/shipments', { orderId: a.orderId }), await t.post('/api/v1/shipments', { orderId: b.orderId })];
    expect([sa.status, sb.status]).toEqual([201, 201]);
    const pallet = (await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: w.storage[5]!.id }, 'operator')).body;
    for (const p of [pa, pb]) expect((await t.post('/api/v1/scans', { siteId: w.siteId, barcode: p.body.sscc, meaning: 'LOAD_ONTO_PALLET', into: pallet.id }, 'operator')).status).toBe(201);
    expect((await t.post('/api/v1/scans', { siteId: w.siteId, barcode: pallet.id, meaning: 'SHIP' }, 'operator')).status).toBe(201);
    await t.settle();
    expect((await t.post(`/api/v1/shipments/${sa.body.id}/void`, {})).status).toBe(200);
    await t.settle();
    const lpnOf = async (packageId: string) => (await t.get(`/api/v1/lpns?siteId=${w.siteId}&code=${packageId}`)).body.items[0] as { status: string; locationId: string | null };
    expect([(await lpnOf(pa.body.id)).status, (await lpnOf(pb.body.id)).status]).toEqual(['CLOSED', 'SHIPPED']);
    // The pallet is still on the truck with the other order's carton; the voided one came off it.
    expect((await t.get(`/api/v1/lpns/${pallet.id}`)).body.status).toBe('SHIPPED');
    expect((await t.get(`/api/v1/lpns?siteId=${w.siteId}&code=${pa.body.id}`)).body.items[0].parentId).toBeNull();
    expect((await t.post(`/api/v1/orders/${b.orderId}/cancel`, { reason: 'x' })).body.code).toBe('ORDER_SHIPPED');
    expect((await t.post(`/api/v1/packages/${pb.body.id}/repack`, {}, 'operator')).status).toBe(409);
    expect((await t.post(`/api/v1/orders/${a.orderId}/cancel`, { reason: 'x' })).status).toBe(200);
    expect((await t.post(`/api/v1/shipments/${sb.body.id}/dispatch`, {})).status).toBe(200);
    await until('shipped', () => orderStatus(call, b.orderId), (x) => x === 'SHIPPED');
    await t.settle();
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('two labels voided one after the other, their cartons on one pallet on the truck', () => {
  it('the first carton comes off the pallet, which stays on the truck with the second; the second void brings the pallet back with it', async () => {
    const a = await pickedOrder('LSE-P1', 1);
    const b = await pickedOrder('LSE-P2', 1);
    const [pa, pb] = [await t.post('/api/v1/packages', { orderId: a.orderId }, 'operator'), await t.post('/api/v1/packages', { orderId: b.orderId }, 'operator')];
    await t.settle();
    const [sa, sb] = [await t.post('/api/v1/shipments', { orderId: a.orderId }), await t.post('/api/v1/shipments', { orderId: b.orderId })];
    expect([sa.status, sb.status]).toEqual([201, 201]);
    const door = w.storage[2]!;
    const pallet = (await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: door.id }, 'operator')).body;
    for (const p of [pa, pb]) expect((await t.post('/api/v1/scans', { siteId: w.siteId, barcode: p.body.sscc, meaning: 'LOAD_ONTO_PALLET', into: pallet.id }, 'operator')).status).toBe(201);
    expect((await t.post('/api/v1/scans', { siteId: w.siteId, barcode: pallet.id, meaning: 'SHIP' }, 'operator')).status).toBe(201);
    await t.settle();
    const lpnOf = async (packageId: string) => (await t.get(`/api/v1/lpns?siteId=${w.siteId}&code=${packageId}`)).body.items[0] as { id: string; status: string; locationId: string | null; parentId: string | null };
    expect((await t.post(`/api/v1/shipments/${sa.body.id}/void`, {})).status).toBe(200);
    await t.settle();
    expect(await lpnOf(pa.body.id)).toMatchObject({ status: 'CLOSED', locationId: door.id, parentId: null });
    expect((await t.get(`/api/v1/lpns/${pallet.id}`)).body.status).toBe('SHIPPED');
    expect((await t.post(`/api/v1/shipments/${sb.body.id}/void`, {})).status).toBe(200);
    await t.settle();
    // Before: the pallet stayed SHIPPED, empty, on a truck.
    const cb = await lpnOf(pb.body.id);
    expect(cb).toMatchObject({ status: 'CLOSED', locationId: door.id, parentId: pallet.id });
    expect((await t.get(`/api/v1/lpns/${pallet.id}`)).body).toMatchObject({ status: 'CLOSED', locationId: door.id, childIds: [cb.id] });
    // Both orders are free again: cancelled (their units go back by their returns).
    for (const o of [a, b]) expect((await t.post(`/api/v1/orders/${o.orderId}/cancel`, { reason: 'x' })).status).toBe(200);
    await t.settle();
    await expectLedgerConserved(t, w.siteId);
  });
});

describe('an LPN that shipped off a pallet', () => {
  it('rests nowhere when the pallet it left moves, is lost or found, and is not listed among what the pallet holds', async () => {
    const sku = w.products[1]!.sku;
    const [here, there, elsewhere] = [w.storage[0]!, w.storage[1]!, w.storage[2]!];
    const pallet = (await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: here.id }, 'operator')).body;
    const leaving = (await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'CASE', parentId: pallet.id, contents: [{ sku, quantity: 2 }] }, 'operator')).body;
    const staying = (await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'CASE', parentId: pallet.id, contents: [{ sku, quantity: 3 }] }, 'operator')).body;
    const ship = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: leaving.code, meaning: 'SHIP' }, 'operator');
    expect([ship.status, ship.body.lpn.status, ship.body.lpn.locationId]).toEqual([201, 'SHIPPED', null]);
    expect((await t.get(`/api/v1/lpns/${pallet.id}`)).body.childIds).toEqual([staying.id]);

    const moved = await t.post(`/api/v1/lpns/${pallet.id}/move`, { locationId: there.id }, 'operator');
    expect([moved.status, moved.body.childIds]).toEqual([200, [staying.id]]);
    const atThere = (await t.get(`/api/v1/lpns?siteId=${w.siteId}&locationId=${there.id}`)).body.items.map((l: { id: string }) => l.id);
    expect(atThere.sort()).toEqual([pallet.id, staying.id].sort());
    expect((await t.post(`/api/v1/lpns/${pallet.id}/lost`, { reason: 'not at its place' }, 'manager')).body.status).toBe('LOST');
    expect((await t.post(`/api/v1/lpns/${pallet.id}/found`, { location: elsewhere.id }, 'manager')).body.status).toBe('OPEN');
    const left = (await t.get(`/api/v1/lpns/${leaving.id}`)).body;
    expect({ status: left.status, locationId: left.locationId }).toEqual({ status: 'SHIPPED', locationId: null });
    expect((await t.get(`/api/v1/lpns/${staying.id}`)).body.locationId).toBe(elsewhere.id);
  });
});

describe('an LPN past 2,147,483,647 units', () => {
  it('a consolidate that would take one there is 400 VALIDATION_FAILED, nothing changed; the reconciliation still answers', async () => {
    const sku = w.products[1]!.sku;
    const place = w.storage[3]!;
    const big = async (): Promise<string> => {
      const built = await t.post('/api/v1/lpns', {
        siteId: w.siteId, type: 'PALLET', locationId: place.id, contents: Array.from({ length: 1000 }, () => ({ sku, quantity: 1_000_000 })),
      }, 'operator');
      expect([built.status, built.body.units]).toEqual([201, 1_000_000_000]);
      return built.body.id as string;
    };
    const [a, b, c] = [await big(), await big(), await big()];
    expect((await t.post(`/api/v1/lpns/${a}/consolidate`, { into: c }, 'operator')).body.units).toBe(2_000_000_000);
    const before = await fingerprint('physical_tracking');
    const refused = await t.post(`/api/v1/lpns/${b}/consolidate`, { into: c }, 'operator', { 'idempotency-key': 'lse-too-many' });
    expect([refused.status, refused.body.code], JSON.stringify(refused.body)).toEqual([400, 'VALIDATION_FAILED']);
    expect(await fingerprint('physical_tracking')).toEqual(before);
    const split = await t.post(`/api/v1/lpns/${b}/split`, { lines: [{ sku, quantity: 200_000_000 }], into: c }, 'operator');
    expect([split.status, split.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await fingerprint('physical_tracking')).toEqual(before);
    expect((await t.get(`/api/v1/lpns/${c}`)).body.units).toBe(2_000_000_000);
    expect((await t.get(`/api/v1/physical-tracking/reconciliation?siteId=${w.siteId}`)).status).toBe(200);
  });
});
