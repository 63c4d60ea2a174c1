import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCarrier } from '../../../test/support/fake-carrier.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { OrderEvents, type OrderCancelled, type OrderReceived } from '../../contracts/orders.ts';
import { PickingEvents, type LinePicked, type PickListCompleted } from '../../contracts/picking.ts';

/** The pack station's refusals write nothing; repack, void, tracking and carrier refusals (issue 13). */
let t: TestApp;
let fake: Awaited<ReturnType<typeof startFakeCarrier>>;
let siteId = '';
const SHIP_TO = { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'Hamburg', postalCode: '20095', country: 'DE' };

beforeAll(async () => {
  fake = await startFakeCarrier();
  const dir = mkdtempSync(join(tmpdir(), 'paklog-carriers-'));
  const file = join(dir, 'carriers.json');
  writeFileSync(file, JSON.stringify({ carriers: [
    { kind: 'rate-table', code: 'PARCELCO', trackingPrefix: 'PC', table: {
      currency: 'EUR', dimDivisor: 5000, zones: [{ zone: 'Z1', country: 'DE' }],
      services: [{ code: 'ECONOMY', name: 'Economy', transitDays: 3, weightBreaks: [{ upToKg: 30, prices: { Z1: 5 } }] }],
    } },
    // Nothing listens there: every call fails.
    { kind: 'rest', code: 'DOWNCO', baseUrl: 'http://127.0.0.1:9', timeoutMs: 500, services: [{ code: 'NEXTDAY', name: 'Next day', transitDays: 1 }] },
    { kind: 'rest', code: 'RESTCO', baseUrl: fake.url, services: [{ code: 'NEXTDAY', name: 'Next day', transitDays: 1 }, { code: 'SAVER', name: 'Saver', transitDays: 3 }] },
  ] }));
  t = await startTestApp({ env: { PAKLOG_CARRIERS_FILE: file } });
  siteId = (await t.post('/api/v1/sites', { code: 'PS2', name: 'Pack station site' })).body.id;
  await t.post('/api/v1/products', { sku: 'BOOK', description: 'Paperback', gtin: '4006381333931', lengthMm: 200, widthMm: 150, heightMm: 30, weightG: 300 });
  await t.post('/api/v1/products', { sku: 'PEN', description: 'Pen', lengthMm: 150, widthMm: 15, heightMm: 15, weightG: 20 });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

async function publish(source: string, type: string, subject: string, data: unknown): Promise<void> {
  await t.app.db.tx((tx) => t.app.bus.append(tx, source, [{ type, subject, siteId, data }]));
  await t.settle();
}
/** An order received, picked into a tote and done picking. `shipTo: false` is an order received before addresses were carried. */
async function pickedOrder(orderId: string, lines: { sku: string; quantity: number }[], o: { tote?: string; carrier?: string; shipTo?: boolean } = {}): Promise<void> {
  const data: OrderReceived = {
    orderId, externalId: `EXT-${orderId}`, siteId, carrier: o.carrier ?? 'OWN_FLEET', priority: 5,
    lines: lines.map((l, i) => ({ lineId: `oln_${orderId}_${i + 1}`, lineNo: i + 1, sku: l.sku, quantity: l.quantity })),
    ...(o.shipTo === false ? {} : { shipTo: SHIP_TO }),
  };
  await publish('orders', OrderEvents.received, orderId, data);
  for (const [i, l] of lines.entries()) {
    const pick: LinePicked = {
      pickListId: `pkl_${orderId}`, pickLineId: `pln_${orderId}_${i + 1}`, orderId, lineId: `oln_${orderId}_${i + 1}`, reservationId: `rsv_${orderId}_${i + 1}`,
      siteId, sku: l.sku, locationId: 'loc_1', lot: null, quantity: l.quantity, toteId: o.tote ?? `TOTE-${orderId}`,
    };
    await publish('picking', PickingEvents.linePicked, `pkl_${orderId}`, pick);
  }
  const done: PickListCompleted = { pickListId: `pkl_${orderId}`, waveId: 'wav_1', siteId, orderIds: [orderId], status: 'COMPLETED' };
  await publish('picking', PickingEvents.listCompleted, `pkl_${orderId}`, done);
}
const linesOf = async (packageId: string) => (await t.get(`/api/v1/packages/${packageId}`)).body.lines as { sku: string; quantity: number }[];

describe('pack station', () => {
  it('refuses a wrong item, a misread and an extra unit, writing nothing; a mixed tote needs its order named', async () => {
    await pickedOrder('ord_a', [{ sku: 'BOOK', quantity: 1 }], { tote: 'T-MIX' });
    await pickedOrder('ord_b', [{ sku: 'PEN', quantity: 2 }], { tote: 'T-MIX' });
    const mixed = await t.get('/api/v1/pack-station/totes/T-MIX', 'operator');
    expect(mixed).toMatchObject({ status: 409, body: { code: 'TOTE_HOLDS_SEVERAL_ORDERS' } });
    expect((await t.get('/api/v1/pack-station/totes/T-MIX?orderId=ord_a', 'operator')).body).toMatchObject({ orderId: 'ord_a', units: [{ sku: 'BOOK', quantity: 1, gtin: '4006381333931' }] });
    expect((await t.get('/api/v1/pack-station/totes/T-NONE', 'operator'))).toMatchObject({ status: 404, body: { code: 'TOTE_EMPTY' } });

    // A tote that holds nothing of the order is a misscan: no carton is opened for it.
    const misscan = await t.post('/api/v1/pack-station/packages', { orderId: 'ord_a', toteId: 'T-NONE' }, 'operator');
    expect([misscan.status, misscan.body.code, misscan.body.errors?.[0]?.field]).toEqual([404, 'TOTE_EMPTY', '/toteId']);
    expect((await t.get('/api/v1/packages?orderId=ord_a')).body.items).toEqual([]);
    const pkg = (await t.post('/api/v1/pack-station/packages', { orderId: 'ord_a', toteId: 'T-MIX' }, 'operator')).body;
    expect(pkg).toMatchObject({ status: 'OPEN', lines: [], toteId: 'T-MIX' });
    for (const [barcode, code] of [['PEN', 'WRONG_ITEM'], ['4006381333932', 'BAD_BARCODE'], ['NOT-A-THING', 'WRONG_ITEM']] as const) {
      expect((await t.post(`/api/v1/packages/${pkg.id}/scans`, { barcode }, 'operator')).body.code).toBe(code);
    }
    expect(await linesOf(pkg.id)).toEqual([]);
    expect((await t.post(`/api/v1/packages/${pkg.id}/scans`, { barcode: '4006381333931' }, 'operator')).status).toBe(200);
    expect((await t.post(`/api/v1/packages/${pkg.id}/scans`, { barcode: 'BOOK' }, 'operator')).body.code).toBe('ITEM_ALREADY_PACKED');
    expect(await linesOf(pkg.id)).toEqual([expect.objectContaining({ sku: 'BOOK', quantity: 1 })]);
    // The units scanned into the open carton are no longer offered to POST /packages.
    expect((await t.post('/api/v1/packages', { orderId: 'ord_a' }, 'operator')).body.code).toBe('NOTHING_TO_PACK');
    // Every unit is in the open carton: the tote scan still finds the order and that carton, to weigh and seal it.
    expect((await t.get('/api/v1/pack-station/totes/T-MIX?orderId=ord_a', 'operator'))).toMatchObject({
      status: 200, body: { orderId: 'ord_a', units: [], openPackageIds: [pkg.id] },
    });
  });

  it('blocks sealing out of tolerance (the site may widen it), then seals with an SSCC; an empty carton cannot be weighed', async () => {
    await pickedOrder('ord_w', [{ sku: 'BOOK', quantity: 2 }]);
    const pkg = (await t.post('/api/v1/pack-station/packages', { orderId: 'ord_w', cartonCode: 'S' }, 'operator')).body;
    expect((await t.post(`/api/v1/packages/${pkg.id}/weight`, { weightG: 700 }, 'operator')).body.code).toBe('PACKAGE_EMPTY');
    for (let i = 0; i < 2; i++) await t.post(`/api/v1/packages/${pkg.id}/scans`, { barcode: 'BOOK' }, 'operator');
    // 2 × 300 g + the S carton's 150 g tare = 750 g; 5 % over is out of the default ±2 %.
    const weighed = await t.post(`/api/v1/packages/${pkg.id}/weight`, { weightG: 788 }, 'operator');
    expect(weighed.body.check).toEqual({ status: 'OUT', weighedG: 788, expectedG: 750, tolerancePct: 2, deviationPct: 5.07 });
    expect((await t.post(`/api/v1/packages/${pkg.id}/seal`, undefined, 'operator')).body.code).toBe('WEIGHT_OUT_OF_TOLERANCE');
    expect((await t.get(`/api/v1/packages/${pkg.id}`)).body).toMatchObject({ status: 'OPEN', sscc: null });
    expect((await t.request('PUT', '/api/v1/pack-station/settings/PS2', { body: { weightTolerancePct: 6, shipFrom: null }, role: 'operator' })).status).toBe(403);
    expect((await t.request('PUT', '/api/v1/pack-station/settings/PS2', { body: { weightTolerancePct: 6, shipFrom: null }, role: 'manager' })).body)
      .toEqual({ siteId, weightTolerancePct: 6, shipFrom: null });
    const sealed = await t.post(`/api/v1/packages/${pkg.id}/seal`, undefined, 'operator');
    expect(sealed.body).toMatchObject({ status: 'PACKED', weightG: 788, weighedG: 788, expectedWeightG: 750, sscc: expect.stringMatching(/^0061414\d{11}$/) });
    expect((await t.post(`/api/v1/packages/${pkg.id}/scans`, { barcode: 'BOOK' }, 'operator')).body.code).toBe('ILLEGAL_TRANSITION');
    await t.request('PUT', '/api/v1/pack-station/settings/PS2', { body: { weightTolerancePct: 2, shipFrom: null }, role: 'manager' });
  });

  it('contents right but a product\'s catalogue weight wrong (walk10): the refusal names the way out, a manager corrects the weight, the carton is weighed again and sealed', async () => {
    await t.post('/api/v1/products', { sku: 'JUG', description: 'Jug', lengthMm: 150, widthMm: 100, heightMm: 100, weightG: 400 });
    await pickedOrder('ord_jug', [{ sku: 'JUG', quantity: 1 }]);
    const pkg = (await t.post('/api/v1/pack-station/packages', { orderId: 'ord_jug', cartonCode: 'S' }, 'operator')).body;
    await t.post(`/api/v1/packages/${pkg.id}/scans`, { barcode: 'JUG' }, 'operator');
    // The jug really weighs 650 g, not the 400 g the catalogue says: 650 + the S carton's 150 g tare on the scale.
    expect((await t.post(`/api/v1/packages/${pkg.id}/weight`, { weightG: 800 }, 'operator')).body.check).toMatchObject({ status: 'OUT', expectedG: 550 });
    const refused = await t.post(`/api/v1/packages/${pkg.id}/seal`, undefined, 'operator');
    expect(refused.body.code).toBe('WEIGHT_OUT_OF_TOLERANCE');
    // The packer who checked the contents is told what else it can be, and who corrects it.
    expect(refused.body.detail).toContain('contents right, a manager corrects the weight of the product (PATCH /api/v1/products/{sku}) or of carton S (PATCH /api/v1/cartons/S), then weigh again');
    expect((await t.request('PATCH', '/api/v1/products/JUG', { body: { weightG: 650 }, role: 'manager' })).status).toBe(200);
    await t.settle();
    expect((await t.post(`/api/v1/packages/${pkg.id}/weight`, { weightG: 800 }, 'operator')).body.check).toMatchObject({ status: 'WITHIN', expectedG: 800 });
    expect((await t.post(`/api/v1/packages/${pkg.id}/seal`, undefined, 'operator')).body).toMatchObject({ status: 'PACKED', expectedWeightG: 800 });
  });

  it('repacks a sealed package (its units packed again), not a labelled one; voids a label, not a dispatched one', async () => {
    await pickedOrder('ord_r', [{ sku: 'BOOK', quantity: 1 }]);
    const first = (await t.post('/api/v1/packages', { orderId: 'ord_r' }, 'operator')).body;
    expect((await t.post(`/api/v1/packages/${first.id}/repack`, undefined, 'operator')).body.status).toBe('REPACKED');
    const second = (await t.post('/api/v1/packages', { orderId: 'ord_r' }, 'operator')).body;
    expect(second.lines).toEqual([expect.objectContaining({ sku: 'BOOK', quantity: 1 })]);
    const shipment = (await t.post('/api/v1/shipments', { orderId: 'ord_r' }, 'operator')).body;
    expect(shipment).toMatchObject({ status: 'LABELLED', packageIds: [second.id], service: 'STANDARD' });
    expect((await t.post(`/api/v1/packages/${second.id}/repack`, undefined, 'operator')).body.code).toBe('ILLEGAL_TRANSITION');
    // Tracking before dispatch is refused; an unknown number is 404.
    expect((await t.post('/api/v1/carrier-events', { carrier: 'OWN_FLEET', trackingNumber: shipment.trackingNumber, status: 'DELIVERED', at: '2026-12-01T10:00:00Z' }, 'integration')).body.code).toBe('ILLEGAL_TRANSITION');
    expect((await t.post('/api/v1/carrier-events', { carrier: 'OWN_FLEET', trackingNumber: 'NOPE', status: 'DELIVERED', at: '2026-12-01T10:00:00Z' }, 'integration')).status).toBe(404);
    expect((await t.post(`/api/v1/shipments/${shipment.id}/void`, undefined, 'operator')).body.status).toBe('VOIDED');
    expect((await t.get(`/api/v1/packages/${second.id}`)).body).toMatchObject({ status: 'PACKED', shipmentId: null });
    const again = (await t.post('/api/v1/shipments', { orderId: 'ord_r' }, 'operator')).body;
    expect((await t.post(`/api/v1/shipments/${again.id}/dispatch`, undefined, 'operator')).body.status).toBe('DISPATCHED');
    expect((await t.post(`/api/v1/shipments/${again.id}/void`, undefined, 'operator')).body.code).toBe('ILLEGAL_TRANSITION');
    const deliveredAt = new Date().toISOString();
    const delivered = await t.post('/api/v1/carrier-events', { carrier: 'OWN_FLEET', trackingNumber: again.trackingNumber, status: 'DELIVERED', at: deliveredAt }, 'integration');
    expect(delivered.body).toMatchObject({ status: 'DELIVERED', deliveredAt });
    const events = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE type = 'pack-ship.shipment.tracked.v1' AND subject = $1`, [again.id]);
    expect(events[0]?.n).toBe(1);
    // The same event again: stored once, no second event.
    await t.post('/api/v1/carrier-events', { carrier: 'OWN_FLEET', trackingNumber: again.trackingNumber, status: 'DELIVERED', at: deliveredAt }, 'integration');
    expect((await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE type = 'pack-ship.shipment.tracked.v1' AND subject = $1`, [again.id]))[0]?.n).toBe(1);
  });

  it('refuses carriers that cannot book it, writing nothing: down (503), no address, no service in the promise', async () => {
    await pickedOrder('ord_c', [{ sku: 'BOOK', quantity: 1 }]);
    const packed = (await t.post('/api/v1/packages', { orderId: 'ord_c' }, 'operator')).body as { weightG: number };
    const down = await t.post('/api/v1/shipments', { orderId: 'ord_c', carrier: 'DOWNCO' }, 'operator');
    expect(down).toMatchObject({ status: 503, body: { code: 'CARRIER_UNAVAILABLE' } });
    expect((await t.post('/api/v1/shipments', { orderId: 'ord_c', rateShop: true, maxTransitDays: 0 }, 'operator')).body.code).toBe('NO_SERVICE_MEETS_PROMISE');
    expect((await t.post('/api/v1/shipments', { orderId: 'ord_c', rateShop: true, carrier: 'PARCELCO' }, 'operator')).status).toBe(422);
    expect((await t.get('/api/v1/shipments?orderIds=ord_c')).body.items).toEqual([]);
    // Rate shopping skips the carrier that is down and books the cheapest quote: RESTCO SAVER (3 + 0.8/kg) under PARCELCO's 5.
    const shopped = (await t.post('/api/v1/shipments', { orderId: 'ord_c', rateShop: true }, 'operator')).body;
    expect(shopped).toMatchObject({ carrier: 'RESTCO', service: 'SAVER', price: Math.round((3 + (packed.weightG / 1000) * 0.8) * 100) / 100, currency: 'EUR' });
    await t.post(`/api/v1/shipments/${shopped.id}/void`, undefined, 'operator');
    const named = (await t.post('/api/v1/shipments', { orderId: 'ord_c', carrier: 'PARCELCO' }, 'operator')).body;
    expect(named).toMatchObject({ carrier: 'PARCELCO', service: 'ECONOMY', price: 5, currency: 'EUR' });
    expect(named.trackingNumber).toMatch(/^PCEC\d{10}$/);

    await pickedOrder('ord_old', [{ sku: 'BOOK', quantity: 1 }], { shipTo: false });
    await t.post('/api/v1/packages', { orderId: 'ord_old' }, 'operator');
    expect((await t.post('/api/v1/shipments', { orderId: 'ord_old', carrier: 'PARCELCO' }, 'operator')).body.code).toBe('SHIP_TO_MISSING');
    // The own fleet takes it; its label says the carrier holds the address.
    const own = (await t.post('/api/v1/shipments', { orderId: 'ord_old' }, 'operator')).body;
    expect(own.labelZpl).toContain('(address held by the carrier)');
  });

  it('rate shopping with every carrier that could keep the promise down is 503 CARRIER_UNAVAILABLE naming them (try again), not 409 NO_SERVICE_MEETS_PROMISE; nothing written', async () => {
    await pickedOrder('ord_rs', [{ sku: 'BOOK', quantity: 1 }]);
    await t.post('/api/v1/packages', { orderId: 'ord_rs' }, 'operator');
    // DOWNCO never answers and RESTCO fails this once: PARCELCO (3 days) quotes, but only their NEXTDAY (1 day) keeps the promise.
    fake.failNext('/rates');
    const down = await t.post('/api/v1/shipments', { orderId: 'ord_rs', rateShop: true, maxTransitDays: 1 }, 'operator');
    expect([down.status, down.body.code]).toEqual([503, 'CARRIER_UNAVAILABLE']);
    expect(down.body.detail).toContain('DOWNCO');
    expect(down.body.detail).toContain('RESTCO');
    expect((await t.get('/api/v1/shipments?orderIds=ord_rs')).body.items).toEqual([]);
    // A promise no service of the carriers down could keep either is answered as before: no carrier can.
    expect((await t.post('/api/v1/shipments', { orderId: 'ord_rs', rateShop: true, maxTransitDays: 0 }, 'operator')).body.code).toBe('NO_SERVICE_MEETS_PROMISE');
    // RESTCO back: the same request books its NEXTDAY.
    const shopped = await t.post('/api/v1/shipments', { orderId: 'ord_rs', rateShop: true, maxTransitDays: 1 }, 'operator');
    expect([shopped.status, shopped.body.carrier, shopped.body.service]).toEqual([201, 'RESTCO', 'NEXTDAY']);
  });

  it('the tracking poll skips a carrier\'s event whose `at` is no instant, or whose detail is no text (logged with its shipment and why, counted in paklog_tracking_events_skipped_total, nothing recorded of it): the job no longer fails every run on it, and the good events of the same answer are applied', async () => {
    await pickedOrder('ord_tp', [{ sku: 'PEN', quantity: 1 }]);
    await t.post('/api/v1/packages', { orderId: 'ord_tp' }, 'operator');
    const shipment = (await t.post('/api/v1/shipments', { orderId: 'ord_tp', carrier: 'RESTCO', service: 'SAVER' }, 'operator')).body;
    expect((await t.post(`/api/v1/shipments/${shipment.id}/dispatch`, undefined, 'operator')).body.status).toBe('DISPATCHED');
    const poll = t.app.modules.find((m) => m.name === 'pack-ship')?.jobs?.find((j) => j.name === 'pack-ship.tracking-poll');
    if (poll === undefined) throw new Error('no tracking poll job');
    const recorded = async (): Promise<number> => (await t.app.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pack_ship.tracking_events WHERE shipment_id = $1', [shipment.id]))[0]?.n ?? -1;
    for (const event of [
      { trackingNumber: shipment.trackingNumber, status: 'IN_TRANSIT', at: 'soon' },
      { trackingNumber: shipment.trackingNumber, status: 'IN_TRANSIT', at: new Date().toISOString(), detail: 'Hub\u0000Hamburg' },
    ]) {
      fake.refuseNext('/tracking', 200, { events: [event] });
      await poll.run();
      expect((await t.get(`/api/v1/shipments/${shipment.id}`)).body.status).toBe('DISPATCHED');
      expect(await recorded()).toBe(0);
    }
    const skipped = async (): Promise<number> => Number(/paklog_tracking_events_skipped_total\{carrier="RESTCO"\} (\d+)/
      .exec((await t.app.http.inject({ url: '/metrics' })).body)?.[1] ?? 0);
    expect(await skipped()).toBe(2);
    // One bad event no longer holds back the good ones of the same answer (the whole answer was refused before).
    fake.refuseNext('/tracking', 200, { events: [
      { trackingNumber: shipment.trackingNumber, status: 'IN_TRANSIT', at: 'soon' },
      { trackingNumber: shipment.trackingNumber, status: 'IN_TRANSIT', at: new Date().toISOString(), detail: 'Left the hub' },
    ] });
    await poll.run();
    expect((await t.get(`/api/v1/shipments/${shipment.id}`)).body.status).toBe('IN_TRANSIT');
    expect(await recorded()).toBe(1);
    expect(await skipped()).toBe(3);
  });

  it('a quote priced past what a shipment records (or below nothing) is a malformed answer: 503 CARRIER_UNAVAILABLE with nothing written, not a booking the carrier made that PakLog cannot record', async () => {
    await pickedOrder('ord_qp', [{ sku: 'PEN', quantity: 1 }]);
    await t.post('/api/v1/packages', { orderId: 'ord_qp' }, 'operator');
    const booked = fake.booked.size;
    for (const price of [12_345_678_901.5, -4]) {
      fake.refuseNext('/rates', 200, { quotes: [{ service: 'SAVER', price, currency: 'EUR', transitDays: 3 }] });
      const res = await t.post('/api/v1/shipments', { orderId: 'ord_qp', carrier: 'RESTCO', service: 'SAVER' }, 'operator');
      expect([res.status, res.body.code], String(price)).toEqual([503, 'CARRIER_UNAVAILABLE']);
      expect(fake.booked.size).toBe(booked);
      expect((await t.get('/api/v1/shipments?orderIds=ord_qp')).body.items).toEqual([]);
    }
    // Rate shopping skips the carrier whose answer holds such a quote (as one that is down): its -4 does not win.
    fake.refuseNext('/rates', 200, { quotes: [{ service: 'SAVER', price: -4, currency: 'EUR', transitDays: 3 }] });
    const shopped = await t.post('/api/v1/shipments', { orderId: 'ord_qp', rateShop: true }, 'operator');
    expect([shopped.status, shopped.body.carrier, shopped.body.price]).toEqual([201, 'PARCELCO', 5]);
    expect((await t.post(`/api/v1/shipments/${shopped.body.id}/void`, undefined, 'operator')).body.status).toBe('VOIDED');
    const shipped = await t.post('/api/v1/shipments', { orderId: 'ord_qp', carrier: 'RESTCO', service: 'SAVER' }, 'operator');
    expect([shipped.status, shipped.body.status]).toEqual([201, 'LABELLED']);
  });

  it('a carrier answering a booking with a tracking number another shipment has: 502 CARRIER_ANSWER_UNRECORDABLE saying the label exists at the carrier and is not voided (a void by that number would void the other shipment\'s), given to a person at once (not 409 CONFLICT "nothing was changed", asked again until LABEL_BOOKING_UNSETTLED)', async () => {
    await pickedOrder('ord_d1', [{ sku: 'PEN', quantity: 1 }]);
    await t.post('/api/v1/packages', { orderId: 'ord_d1' }, 'operator');
    const first = (await t.post('/api/v1/shipments', { orderId: 'ord_d1', carrier: 'RESTCO', service: 'SAVER' }, 'operator')).body;
    expect(first.status).toBe('LABELLED');
    await pickedOrder('ord_d2', [{ sku: 'PEN', quantity: 1 }]);
    await t.post('/api/v1/packages', { orderId: 'ord_d2' }, 'operator');
    fake.refuseNext('/shipments', 201, { trackingNumber: first.trackingNumber });
    const dup = await t.post('/api/v1/shipments', { orderId: 'ord_d2', carrier: 'RESTCO', service: 'SAVER' }, 'operator');
    expect([dup.status, dup.body.code]).toEqual([502, 'CARRIER_ANSWER_UNRECORDABLE']);
    expect(dup.body.detail).toContain(first.trackingNumber);
    expect(dup.body.detail).toContain(first.id);
    expect(dup.body.detail).toMatch(/not voided/);
    // The other shipment and its label are untouched; the call is settled at once (FAILED, given to a person), not owed.
    expect((await t.get(`/api/v1/shipments/${first.id}`)).body).toMatchObject({ status: 'LABELLED', trackingNumber: first.trackingNumber });
    expect(fake.booked.has(first.trackingNumber)).toBe(true);
    const calls = await t.app.db.query<{ state: string; last_error: string | null }>('SELECT state, last_error FROM pack_ship.carrier_calls WHERE order_id = $1', ['ord_d2']);
    expect(calls).toEqual([{ state: 'FAILED', last_error: expect.stringContaining(first.trackingNumber) }]);
    let raised: { reason: string; details: { orderId: string; answered?: string } }[] = [];
    for (let i = 0; i < 100 && raised.length === 0; i++) {
      await t.settle();
      raised = ((await t.get('/api/v1/exceptions?kind=LABEL_BOOKING_UNSETTLED&status=OPEN', 'manager')).body.items as typeof raised).filter((c) => c.details.orderId === 'ord_d2');
    }
    expect(raised).toHaveLength(1);
    expect(raised[0]?.details.answered).toBe(first.trackingNumber);
    expect(raised[0]?.reason).toContain(first.id);
    expect((await t.get('/api/v1/shipments?orderIds=ord_d2')).body.items).toEqual([]);
    // The order's packages are still bookable: the carrier answering a label of their own is recorded.
    const again = await t.post('/api/v1/shipments', { orderId: 'ord_d2', carrier: 'RESTCO', service: 'NEXTDAY' }, 'operator');
    expect([again.status, again.body.status]).toEqual([201, 'LABELLED']);
  });

  it('rate shopping does not compare prices across currencies: RESTCO at 1 GBP and PARCELCO at 5 EUR is 409 QUOTES_IN_SEVERAL_CURRENCIES naming both, nothing written (1 GBP won before); a named carrier books as ever', async () => {
    await pickedOrder('ord_fx', [{ sku: 'PEN', quantity: 1 }]);
    await t.post('/api/v1/packages', { orderId: 'ord_fx' }, 'operator');
    fake.refuseNext('/rates', 200, { quotes: [{ service: 'SAVER', price: 1, currency: 'GBP', transitDays: 3 }] });
    const mixed = await t.post('/api/v1/shipments', { orderId: 'ord_fx', rateShop: true }, 'operator');
    expect([mixed.status, mixed.body.code]).toEqual([409, 'QUOTES_IN_SEVERAL_CURRENCIES']);
    expect(mixed.body.detail).toMatch(/EUR.*PARCELCO|PARCELCO.*EUR/);
    expect(mixed.body.detail).toMatch(/GBP.*RESTCO|RESTCO.*GBP/);
    expect((await t.get('/api/v1/shipments?orderIds=ord_fx')).body.items).toEqual([]);
    const named = await t.post('/api/v1/shipments', { orderId: 'ord_fx', carrier: 'PARCELCO' }, 'operator');
    expect([named.status, named.body.price, named.body.currency]).toEqual([201, 5, 'EUR']);
  });

  it("voids a cancelled order's booked label with its carrier", async () => {
    await pickedOrder('ord_x', [{ sku: 'PEN', quantity: 1 }]);
    await t.post('/api/v1/packages', { orderId: 'ord_x' }, 'operator');
    const shipment = (await t.post('/api/v1/shipments', { orderId: 'ord_x', carrier: 'RESTCO', service: 'SAVER' }, 'operator')).body;
    expect(shipment).toMatchObject({ carrier: 'RESTCO', service: 'SAVER', status: 'LABELLED' });
    expect(fake.booked.has(shipment.trackingNumber)).toBe(true);
    const cancelled: OrderCancelled = { orderId: 'ord_x', siteId, previousStatus: 'PACKED', lines: [{ lineId: 'oln_ord_x_1', lineNo: 1, sku: 'PEN', quantity: 1 }], reason: 'test' };
    await publish('orders', OrderEvents.cancelled, 'ord_x', cancelled);
    expect((await t.get(`/api/v1/shipments/${shipment.id}`)).body.status).toBe('CANCELLED');
    for (let i = 0; i < 100 && fake.booked.has(shipment.trackingNumber); i++) await new Promise((r) => setTimeout(r, 20));
    expect(fake.booked.has(shipment.trackingNumber)).toBe(false);
  });
});
