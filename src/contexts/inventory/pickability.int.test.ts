import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { WaveEvents } from '../../contracts/waves.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { learnBackfilledLocations } from './pickability.ts';
import { eventsOf, movementCount, newLocation, newProduct, newSite, publish, summaryOf, unique } from './test-fixtures.ts';

/** Issue 6: ATP must not promise what cannot be picked (docks, pack stations, the depot, blocked locations). */

let t: TestApp;
let site: { id: string; code: string };
let dock: { id: string; code: string };

beforeAll(async () => {
  t = await startTestApp();
  site = await newSite(t);
  dock = await newLocation(t, site, { type: 'RECEIVING' });
});
afterAll(async () => {
  await t.close();
});

const receive = (sku: string, location: { id: string }, quantity: number, extra: Record<string, unknown> = {}) =>
  t.post('/api/v1/inventory/receipts', { siteId: site.id, sku, locationId: location.id, quantity, ...extra });
const move = (body: Record<string, unknown>, role?: 'operator' | 'viewer' | 'integration', headers?: Record<string, string>) =>
  t.post('/api/v1/inventory/moves', { siteId: site.id, ...body }, role, headers);
const block = (location: { id: string }) => t.post(`/api/v1/locations/${location.id}/block`, { reason: 'rack inspection' });
const unblock = (location: { id: string }) => t.post(`/api/v1/locations/${location.id}/unblock`);

async function atpOf(sku: string): Promise<{ onHandAvailable: number; unpickable: number; allocated: number; expired: number; atp: number }> {
  const res = await t.get(`/api/v1/inventory/atp?siteId=${site.id}&sku=${sku}`, 'viewer');
  expect(res.status).toBe(200);
  return res.body.items[0];
}

async function createOrder(sku: string, quantity: number): Promise<string> {
  const res = await t.post('/api/v1/orders', {
    externalId: unique('EXT-'), siteId: site.id, carrier: 'OWN_FLEET',
    shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
    lines: [{ sku, quantity }],
  }, 'integration');
  expect(res.status).toBe(201);
  return res.body.id;
}
const orderStatus = async (id: string): Promise<string> => (await t.get(`/api/v1/orders/${id}`)).body.status;

/**
 * sku_stock.unpickable next to Σ AVAILABLE on-hand at locations whose projection row is not pickable, plus the units of
 * open returns to stock (in a cancelled order's tote: no allocation covers them, nobody may promise them).
 */
async function unpickableDrift(sku: string): Promise<{ unpickable: number; recomputed: number }> {
  const rows = await t.app.db.query<{ unpickable: number; recomputed: number }>(
    `SELECT s.unpickable, (COALESCE((SELECT sum(b.on_hand) FROM inventory.balances b JOIN inventory.locations l ON l.location_id = b.location_id
                                     WHERE b.site_id = s.site_id AND b.sku = s.sku AND b.status = 'AVAILABLE' AND NOT l.pickable), 0)
                          + COALESCE((SELECT sum(r.quantity - r.returned) FROM inventory.returns r
                                      WHERE r.site_id = s.site_id AND r.sku = s.sku AND r.status = 'OPEN'), 0))::int8 AS recomputed
     FROM inventory.sku_stock s WHERE s.site_id = $1 AND s.sku = $2`,
    [site.id, sku],
  );
  return rows[0] ?? { unpickable: 0, recomputed: 0 };
}

async function expectConsistent(sku: string): Promise<Record<string, number>> {
  const drift = await unpickableDrift(sku);
  expect(drift.unpickable).toBe(drift.recomputed);
  const s = await summaryOf(t, site.id, sku);
  expect(s.received! - s.shipped! + s.adjusted!).toBe(s.onHand);
  expect(s.ledgerOnHand).toBe(s.onHand);
  expect(s.ledgerReserved).toBe(s.reserved);
  expect(s.ledgerAllocated).toBe(s.allocated);
  return s;
}

describe('stock at non-pickable locations', () => {
  it('a receipt at RECEIVING is on hand but not promised: ATP 0, and an order for it is BACKORDERED', async () => {
    const sku = await newProduct(t);
    expect((await receive(sku, dock, 5)).status).toBe(201);
    expect(await atpOf(sku)).toEqual({ sku, onHandAvailable: 5, unpickable: 5, allocated: 0, expired: 0, safetyStock: 0, atp: 0 });
    const order = await createOrder(sku, 2);
    await t.settle();
    expect(await orderStatus(order)).toBe('BACKORDERED');
    await expectConsistent(sku);
  });

  it('moving it to a STORAGE location makes it promisable and allocates the backordered order', async () => {
    const sku = await newProduct(t);
    const slot = await newLocation(t, site);
    await receive(sku, dock, 5);
    const order = await createOrder(sku, 3);
    await t.settle();
    expect(await orderStatus(order)).toBe('BACKORDERED');

    const moved = await move({ sku, quantity: 4, fromLocationCode: dock.code, toLocationId: slot.id }, 'operator');
    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({ sku, quantity: 4, status: 'AVAILABLE', fromLocationId: dock.id, toLocationId: slot.id, from: { onHand: 1 }, to: { onHand: 4 } });
    await t.settle();
    expect(await orderStatus(order)).toBe('ALLOCATED');
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 5, unpickable: 1, allocated: 3, atp: 1 });
    const [event] = await eventsOf(t, InventoryEvents.moved, sku);
    expect(event?.data).toEqual({
      siteId: site.id, sku, lot: null, status: 'AVAILABLE', quantity: 4, fromLocationId: dock.id, toLocationId: slot.id,
      fromPickable: false, toPickable: true, movementId: moved.body.movementId, purpose: 'MOVE',
      // A move off a receiving dock says how many AVAILABLE units no putaway covers are left there (UNITS_LEFT_AT_DOCK).
      uncoveredAtDock: 1,
      // What stays at the source, every status (physical tracking takes the rest out of the LPNs there).
      sourceOnHand: 1,
      // The units of the SKU the books had picked out of the source (physical tracking's picks heard beyond them were not booked yet).
      sourcePicked: 0, sourcePickedOwnerLot: 0,
    });
    const ledger = await t.get(`/api/v1/inventory/ledger?siteId=${site.id}&sku=${sku}&type=MOVE`);
    expect(ledger.body.items.map((m: { locationId: string; deltaOnHand: number }) => [m.locationId, m.deltaOnHand])).toEqual([[dock.id, -4], [slot.id, 4]]);
    await expectConsistent(sku);
  });

  it('expired units at a non-pickable location are subtracted once (as unpickable), not twice', async () => {
    const sku = await newProduct(t, { lotControlled: true, expiryControlled: true });
    const slot = await newLocation(t, site);
    await receive(sku, slot, 5, { lot: 'FRESH', expiresOn: '2099-12-31' });
    await receive(sku, dock, 3, { lot: 'OLD', expiresOn: '2001-01-01' });
    expect(await atpOf(sku)).toEqual({ sku, onHandAvailable: 8, unpickable: 3, allocated: 0, expired: 0, safetyStock: 0, atp: 5 });
    const order = await createOrder(sku, 5);
    await t.settle();
    expect(await orderStatus(order)).toBe('ALLOCATED');
    // Moved to a pick face, the expired lot is pickable but still not promisable.
    expect((await move({ sku, lot: 'OLD', quantity: 3, fromLocationId: dock.id, toLocationId: slot.id })).status).toBe(201);
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 8, unpickable: 0, allocated: 5, expired: 3, atp: 0 });
    await expectConsistent(sku);
  });

  it('a move keeps lot, expiry and first receipt, and an Idempotency-Key replay moves once', async () => {
    const sku = await newProduct(t, { lotControlled: true, expiryControlled: true });
    const slot = await newLocation(t, site);
    await receive(sku, dock, 6, { lot: 'L1', expiresOn: '2099-01-31' });
    const before = (await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}`)).body.items[0];
    const body = { sku, lot: 'L1', quantity: 6, fromLocationId: dock.id, toLocationId: slot.id };
    const first = await move(body, 'operator', { 'idempotency-key': `mv-${sku}` });
    const again = await move(body, 'operator', { 'idempotency-key': `mv-${sku}` });
    expect(first.status).toBe(201);
    expect(again.body.movementId).toBe(first.body.movementId);
    expect(first.body.to).toMatchObject({ locationId: slot.id, lot: 'L1', onHand: 6, expiresOn: '2099-01-31', firstReceivedAt: before.firstReceivedAt });
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 6, unpickable: 0, atp: 6 });
    await expectConsistent(sku);
  });

  it('bad moves change nothing: 400, 403, 422, 409 INSUFFICIENT_STOCK for reserved or missing units, 409 LOCATION_NOT_ACTIVE', async () => {
    const sku = await newProduct(t);
    const slot = await newLocation(t, site);
    const closed = await newLocation(t, site, { status: 'BLOCKED' });
    await receive(sku, slot, 3);
    await t.settle();
    const n = await movementCount(t);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ sku, quantity: 1, fromLocationId: slot.id, fromLocationCode: slot.code, toLocationId: dock.id }, 400, 'VALIDATION_FAILED'],
      [{ sku, quantity: 1, toLocationId: dock.id }, 400, 'VALIDATION_FAILED'],
      [{ sku, quantity: 0, fromLocationId: slot.id, toLocationId: dock.id }, 400, 'VALIDATION_FAILED'],
      [{ sku: 'NO-SUCH-SKU', quantity: 1, fromLocationId: slot.id, toLocationId: dock.id }, 422, 'UNKNOWN_SKU'],
      [{ sku, quantity: 1, fromLocationId: slot.id, toLocationCode: 'NOWHERE' }, 422, 'UNKNOWN_LOCATION'],
      [{ sku, quantity: 1, fromLocationId: slot.id, toLocationId: slot.id }, 422, 'UNPROCESSABLE'],
      [{ sku, quantity: 1, fromLocationId: slot.id, toLocationId: closed.id }, 409, 'LOCATION_NOT_ACTIVE'],
      [{ sku, quantity: 4, fromLocationId: slot.id, toLocationId: dock.id }, 409, 'INSUFFICIENT_STOCK'],
      [{ sku, lot: 'NOPE', quantity: 1, fromLocationId: slot.id, toLocationId: dock.id }, 409, 'INSUFFICIENT_STOCK'],
    ];
    for (const [body, status, code] of cases) {
      const res = await move(body, 'operator');
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([status, code]);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await move({ sku, quantity: 1, fromLocationId: slot.id, toLocationId: dock.id }, 'viewer')).status).toBe(403);
    expect((await move({ sku, quantity: 1, fromLocationId: slot.id, toLocationId: dock.id }, 'integration')).status).toBe(403);

    // Reserved units stay where the picker expects them.
    const orderId = unique('ord_');
    const lineId = unique('oln_');
    await publish(t, 'orders', OrderEvents.received, orderId, site.id, { orderId, externalId: orderId, siteId: site.id, carrier: 'DHL', priority: 5, lines: [{ lineId, lineNo: 1, sku, quantity: 2 }] });
    const waveId = unique('wav_');
    await publish(t, 'waves', WaveEvents.released, waveId, site.id, { waveId, siteId: site.id, pickStrategy: 'discrete', orders: [{ orderId, lines: [{ lineId, sku, quantity: 2 }] }] });
    const m = await movementCount(t);
    const reserved = await move({ sku, quantity: 2, fromLocationId: slot.id, toLocationId: dock.id }, 'operator');
    expect([reserved.status, reserved.body.code]).toEqual([409, 'INSUFFICIENT_STOCK']);
    expect(await movementCount(t)).toBe(m);
    expect(m - n).toBeGreaterThan(0);
    const balances = await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}`);
    expect(balances.body.items).toEqual([expect.objectContaining({ locationId: slot.id, onHand: 3, reserved: 2 })]);
    await expectConsistent(sku);
  });
});

describe('blocked locations', () => {
  it('blocking a location takes its stock out of ATP at once; unblocking brings it back', async () => {
    const sku = await newProduct(t);
    const slot = await newLocation(t, site);
    await receive(sku, slot, 4);
    expect(await atpOf(sku)).toMatchObject({ unpickable: 0, atp: 4 });

    expect((await block(slot)).status).toBe(200);
    await t.settle();
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 4, unpickable: 4, atp: 0 });
    const order = await createOrder(sku, 1);
    await t.settle();
    expect(await orderStatus(order)).toBe('BACKORDERED');
    await expectConsistent(sku);

    expect((await unblock(slot)).status).toBe(200);
    await t.settle();
    // The units came back, and the backordered order got them.
    expect(await orderStatus(order)).toBe('ALLOCATED');
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 4, unpickable: 0, allocated: 1, atp: 3 });
    const [flip] = await eventsOf(t, InventoryEvents.pickabilityChanged, slot.id);
    expect(flip?.data).toEqual({ siteId: site.id, locationId: slot.id, pickable: false, lines: [{ sku, quantity: 4 }] });
    await expectConsistent(sku);
  });

  it('a location blocked after allocation leaves the allocation unbacked (no constraint trips) and picks from it keep the count', async () => {
    const sku = await newProduct(t);
    const slot = await newLocation(t, site);
    await receive(sku, slot, 3);
    const orderId = unique('ord_');
    const lineId = unique('oln_');
    await publish(t, 'orders', OrderEvents.received, orderId, site.id, { orderId, externalId: orderId, siteId: site.id, carrier: 'DHL', priority: 5, lines: [{ lineId, lineNo: 1, sku, quantity: 2 }] });
    const waveId = unique('wav_');
    await publish(t, 'waves', WaveEvents.released, waveId, site.id, { waveId, siteId: site.id, pickStrategy: 'discrete', orders: [{ orderId, lines: [{ lineId, sku, quantity: 2 }] }] });
    const [reserved] = await eventsOf(t, InventoryEvents.reserved, waveId);
    const reservation = (reserved!.data as { reservations: { reservationId: string }[] }).reservations[0]!;

    await block(slot);
    await t.settle();
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 3, unpickable: 3, allocated: 2, atp: 0 });

    // The picker already held the units: the pick leaves the blocked location, so they leave `unpickable` too.
    await publish(t, 'picking', PickingEvents.linePicked, reservation.reservationId, site.id, {
      pickListId: unique('pkl_'), pickLineId: unique('pkln_'), orderId, lineId, reservationId: reservation.reservationId, siteId: site.id,
      sku, locationId: slot.id, lot: null, quantity: 1, toteId: 'T1',
    });
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 3, unpickable: 2, allocated: 2, atp: 0 });
    await publish(t, 'picking', PickingEvents.lineShorted, reservation.reservationId, site.id, {
      pickListId: unique('pkl_'), pickLineId: unique('pkln_'), orderId, lineId, reservationId: reservation.reservationId, siteId: site.id,
      sku, locationId: slot.id, lot: null, shortQuantity: 1, reason: 'NOT_FOUND',
    });
    const s = await expectConsistent(sku);
    expect(s.onHand).toBe(2);
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 2, unpickable: 1, allocated: 1, atp: 0 });
  });
});

describe('blocked locations cover what was allocated before the block', () => {
  it('a move of their units where nobody picks, a hold or a removal that would leave those orders uncovered once unblocked is refused and changes nothing', async () => {
    const sku = await newProduct(t);
    const slot = await newLocation(t, site);
    const other = await newLocation(t, site);
    await receive(sku, slot, 2);
    await receive(sku, dock, 2);
    const orders = [await createOrder(sku, 1), await createOrder(sku, 1)];
    await t.settle();
    for (const id of orders) expect(await orderStatus(id)).toBe('ALLOCATED');
    expect((await block(slot)).status).toBe(200);
    await t.settle();
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 4, unpickable: 4, allocated: 2, atp: 0 });
    const before = await summaryOf(t, site.id, sku);

    const toDock = await move({ sku, quantity: 1, fromLocationId: slot.id, toLocationId: dock.id });
    expect(toDock).toMatchObject({ status: 409, body: { code: 'INSUFFICIENT_STOCK' } });
    expect(toDock.body.detail).toContain('unblocked');
    const removal = await t.post('/api/v1/inventory/adjustments', { siteId: site.id, sku, locationId: slot.id, delta: -1, reason: 'DAMAGED' }, 'manager');
    expect(removal).toMatchObject({ status: 409, body: { code: 'INSUFFICIENT_STOCK' } });
    const hold = await t.post('/api/v1/inventory/holds', { siteId: site.id, sku, locationId: slot.id, quantity: 1, status: 'HOLD', reason: 'rack' }, 'manager');
    expect(hold).toMatchObject({ status: 409, body: { code: 'STOCK_ALLOCATED' } });
    expect(await summaryOf(t, site.id, sku)).toEqual(before);

    // Emptying the blocked slot into one that is picked from keeps the cover: allowed, as is the dock's units' move.
    expect((await move({ sku, quantity: 2, fromLocationId: slot.id, toLocationId: other.id })).status).toBe(201);
    expect((await unblock(slot)).status).toBe(200);
    await t.settle();
    const atp = await atpOf(sku);
    expect(atp).toMatchObject({ onHandAvailable: 4, unpickable: 2, allocated: 2, atp: 0 });
    expect(atp.allocated).toBeLessThanOrEqual(atp.onHandAvailable - atp.unpickable);
    await expectConsistent(sku);
  });
});


describe('expired units cover no allocation', () => {
  it('a hold, a removal or a move to the dock of the good units that would leave orders covered only by an expired lot is refused and changes nothing; the expired lot itself may go', async () => {
    const sku = await newProduct(t, { lotControlled: true, expiryControlled: true });
    const slot = await newLocation(t, site);
    await receive(sku, slot, 3, { lot: 'GOOD', expiresOn: '2099-12-31' });
    await receive(sku, slot, 3, { lot: 'GONE', expiresOn: '2001-01-01' });
    const order = await createOrder(sku, 3);
    await t.settle();
    expect(await orderStatus(order)).toBe('ALLOCATED');
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 6, unpickable: 0, allocated: 3, expired: 3, atp: 0 });
    const before = await summaryOf(t, site.id, sku);

    // The 3 GOOD units are all that can be picked for the order (a pick of GONE is 409 LOT_EXPIRED, ADR 0024).
    const hold = await t.post('/api/v1/inventory/holds', { siteId: site.id, sku, lot: 'GOOD', locationId: slot.id, quantity: 1, status: 'QUARANTINE', reason: 'dented' }, 'manager');
    expect(hold).toMatchObject({ status: 409, body: { code: 'STOCK_ALLOCATED' } });
    const removal = await t.post('/api/v1/inventory/adjustments', { siteId: site.id, sku, lot: 'GOOD', locationId: slot.id, delta: -1, reason: 'DAMAGED' }, 'manager');
    expect(removal).toMatchObject({ status: 409, body: { code: 'INSUFFICIENT_STOCK' } });
    const toDock = await move({ sku, lot: 'GOOD', quantity: 1, fromLocationId: slot.id, toLocationId: dock.id });
    expect(toDock).toMatchObject({ status: 409, body: { code: 'INSUFFICIENT_STOCK' } });
    expect(await summaryOf(t, site.id, sku)).toEqual(before);
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 6, allocated: 3, expired: 3 });

    // The expired lot covers nothing: it may be quarantined, written off or taken to the dock.
    expect((await t.post('/api/v1/inventory/holds', { siteId: site.id, sku, lot: 'GONE', locationId: slot.id, quantity: 1, status: 'QUARANTINE', reason: 'expired' }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/adjustments', { siteId: site.id, sku, lot: 'GONE', locationId: slot.id, delta: -1, reason: 'EXPIRED' }, 'manager')).status).toBe(201);
    expect((await move({ sku, lot: 'GONE', quantity: 1, fromLocationId: slot.id, toLocationId: dock.id })).status).toBe(201);
    await t.settle();
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 4, unpickable: 1, allocated: 3, expired: 0, atp: 0 });
    await expectConsistent(sku);
  });
});
describe('locations inventory has not learned yet', () => {
  it('rows backfilled by migration 003 (type unknown, counted pickable) are learned from location-master; a dock\'s units then leave ATP', async () => {
    const sku = await newProduct(t);
    const otherDock = await newLocation(t, site, { type: 'RECEIVING' });
    await receive(sku, otherDock, 3);
    // Let location-master's created event land first: handled after the update below, it would teach the type itself.
    await t.settle();
    // What migration 003 leaves for stock received before it: a row of unknown type, counted pickable.
    await t.app.db.query(`UPDATE inventory.locations SET type = NULL, status = NULL, pickable = true WHERE location_id = $1`, [otherDock.id]);
    await t.app.db.query(`UPDATE inventory.sku_stock SET unpickable = 0 WHERE site_id = $1 AND sku = $2`, [site.id, sku]);
    expect(await atpOf(sku)).toMatchObject({ unpickable: 0, atp: 3 });

    const locations = t.app.modules.find((m) => m.name === 'location-master')!.api as LocationMasterApi;
    expect(await learnBackfilledLocations(t.app, locations)).toBeGreaterThanOrEqual(1);
    await t.settle();
    expect(await atpOf(sku)).toMatchObject({ onHandAvailable: 3, unpickable: 3, atp: 0 });
    const [flip] = await eventsOf(t, InventoryEvents.pickabilityChanged, otherDock.id);
    expect(flip?.data).toEqual({ siteId: site.id, locationId: otherDock.id, pickable: false, lines: [{ sku, quantity: 3 }] });
    await expectConsistent(sku);
  });

  it('a generated location (no created event) is learned from the first receipt, and its block from the API type', async () => {
    const layoutSite = await newSite(t);
    expect((await t.post(`/api/v1/sites/${layoutSite.id}/layout`, { aisles: 1, bays: 2, levels: 1, packStations: 1 })).status).toBe(201);
    const face = (await t.get(`/api/v1/sites/${layoutSite.id}/locations?type=PICK_FACE&limit=1`)).body.items[0];
    const rcv = (await t.get(`/api/v1/sites/${layoutSite.id}/locations?type=RECEIVING&limit=1`)).body.items[0];
    const sku = await newProduct(t);
    const at = (location: { id: string }, quantity: number) => t.post('/api/v1/inventory/receipts', { siteId: layoutSite.id, sku, locationId: location.id, quantity });
    expect((await at(rcv, 2)).status).toBe(201);
    expect((await at(face, 5)).status).toBe(201);
    const atp = async () => (await t.get(`/api/v1/inventory/atp?siteId=${layoutSite.id}&sku=${sku}`)).body.items[0];
    expect(await atp()).toMatchObject({ onHandAvailable: 7, unpickable: 2, atp: 5 });
    expect((await block(face)).status).toBe(200);
    await t.settle();
    expect(await atp()).toMatchObject({ unpickable: 7, atp: 0 });
    // A block of a location inventory never saw (no stock, no event) is learned too, with its type from location-master.
    const other = (await t.get(`/api/v1/sites/${layoutSite.id}/locations?type=PICK_FACE&limit=2`)).body.items[1];
    expect((await block(other)).status).toBe(200);
    await t.settle();
    const [row] = await t.app.db.query<{ type: string; status: string; pickable: boolean }>(`SELECT type, status, pickable FROM inventory.locations WHERE location_id = $1`, [other.id]);
    expect(row).toEqual({ type: 'PICK_FACE', status: 'BLOCKED', pickable: false });
  });

  it('a count at a generated location no command touched learns its type: units found at the dock stay out of ATP once it closes', async () => {
    // The property test of issue 11 (seed 6008) found a counted location left of unknown type: its units counted as
    // pickable when the count let it go, and the ones a second count paused there were paused at no known kind of place.
    const layoutSite = await newSite(t);
    expect((await t.post(`/api/v1/sites/${layoutSite.id}/layout`, { aisles: 1, bays: 2, levels: 1, packStations: 1 })).status).toBe(201);
    const rcv = (await t.get(`/api/v1/sites/${layoutSite.id}/locations?type=RECEIVING&limit=1`)).body.items[0];
    const face = (await t.get(`/api/v1/sites/${layoutSite.id}/locations?type=PICK_FACE&limit=1`)).body.items[0];
    const sku = await newProduct(t);
    const row = async (id: string) => (await t.app.db.query<{ type: string | null; status: string | null; pickable: boolean; count_locks: number }>(
      `SELECT type, status, pickable, count_locks FROM inventory.locations WHERE location_id = $1`, [id]))[0];
    const atp = async () => (await t.get(`/api/v1/inventory/atp?siteId=${layoutSite.id}&sku=${sku}`)).body.items[0];

    // A pick face under count is paused at a known pickable place (what the rule `allocated ≤ pickable + paused` reads).
    const atFace = await t.post('/api/v1/inventory/counts', { siteId: layoutSite.id, sku, locationIds: [face.id] }, 'manager');
    expect(atFace.status).toBe(201);
    expect(await row(face.id)).toEqual({ type: 'PICK_FACE', status: 'ACTIVE', pickable: false, count_locks: 1 });

    // Three units found at the receiving dock: on hand there, never promised, before and after the count closes.
    const atDock = await t.post('/api/v1/inventory/counts', { siteId: layoutSite.id, sku, locationIds: [rcv.id], toleranceUnits: 5 }, 'manager');
    expect(atDock.status).toBe(201);
    const done = await t.post(`/api/v1/inventory/counts/${atDock.body.items[0].id}/submit`, { attempt: 1, quantity: 3, workerId: 'alice' }, 'operator');
    expect(done.body).toMatchObject({ status: 'COMPLETED' });
    await t.settle();
    expect(await row(rcv.id)).toEqual({ type: 'RECEIVING', status: 'ACTIVE', pickable: false, count_locks: 0 });
    expect(await atp()).toMatchObject({ onHandAvailable: 3, unpickable: 3, atp: 0 });
    const order = await t.post('/api/v1/orders', {
      externalId: unique('EXT-'), siteId: layoutSite.id, carrier: 'OWN_FLEET',
      shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' }, lines: [{ sku, quantity: 3 }],
    }, 'integration');
    expect(order.status).toBe(201);
    await t.settle();
    expect((await t.get(`/api/v1/orders/${order.body.id}`)).body.status).toBe('BACKORDERED');
  });
});

describe('concurrency', () => {
  it('concurrent receipts, moves, blocks, unblocks and orders keep unpickable equal to its definition and the ledger to the balances', async () => {
    const sku = await newProduct(t);
    const slotA = await newLocation(t, site);
    const slotB = await newLocation(t, site);
    await receive(sku, slotA, 4);
    await receive(sku, dock, 4);

    let receivedUnits = 8;
    const ok = (r: { status: number; body: { code?: string } }) => {
      // Moves may lose the race for units, receipts and moves may meet a blocked slot (409); nothing else may fail.
      if (r.status !== 201 && r.status !== 200 && !(r.status === 409 && ['INSUFFICIENT_STOCK', 'LOCATION_NOT_ACTIVE'].includes(r.body.code ?? ''))) {
        throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
      }
      return r;
    };
    const toggles = async (slot: { id: string }, times: number) => {
      for (let i = 0; i < times; i++) {
        ok(await block(slot));
        ok(await unblock(slot));
      }
    };
    const work: Promise<unknown>[] = [
      toggles(slotA, 4),
      toggles(slotB, 3),
      ...Array.from({ length: 8 }, (_, i) => receive(sku, i % 2 === 0 ? dock : slotB, 2).then((r) => {
        if (ok(r).status === 201) receivedUnits += 2;
      })),
      ...Array.from({ length: 8 }, (_, i) => move({ sku, quantity: 2, fromLocationId: dock.id, toLocationId: i % 2 === 0 ? slotA.id : slotB.id }).then(ok)),
      ...Array.from({ length: 4 }, (_, i) => move({ sku, quantity: 1, fromLocationId: i % 2 === 0 ? slotA.id : slotB.id, toLocationId: dock.id }).then(ok)),
      ...Array.from({ length: 4 }, () => move({ sku, quantity: 1, fromLocationId: slotA.id, toLocationId: slotB.id }).then(ok)),
      ...Array.from({ length: 12 }, () => createOrder(sku, 1)),
    ];
    const results = await Promise.allSettled(work);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await t.settle();

    const s = await expectConsistent(sku);
    expect(s.received).toBe(receivedUnits);
    expect(s.onHand).toBe(receivedUnits);
    expect(receivedUnits).toBeGreaterThanOrEqual(16);
    const atp = await atpOf(sku);
    expect(atp.allocated).toBeLessThanOrEqual(atp.onHandAvailable - atp.unpickable);
    // Free pickable units and backordered one-unit orders never coexist once everything settled.
    const orders = await t.app.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int8 AS n FROM inventory.allocations WHERE site_id = $1 AND sku = $2 GROUP BY status`, [site.id, sku],
    );
    const backordered = orders.find((o) => o.status === 'BACKORDERED')?.n ?? 0;
    const allocated = orders.find((o) => o.status === 'ALLOCATED')?.n ?? 0;
    expect(allocated + backordered).toBe(12);
    expect(atp.allocated).toBe(allocated);
    if (backordered > 0) expect(atp.atp).toBe(0);
    // Both slots ended ACTIVE: only the dock's units are unpickable.
    const dockUnits = (await t.get(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}&locationId=${dock.id}`)).body.items[0]?.onHand ?? 0;
    expect(atp.unpickable).toBe(dockUnits);
  });
});
