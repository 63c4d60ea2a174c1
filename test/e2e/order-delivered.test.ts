import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, injectClient, orderStatus, packAndShip, planAndRelease, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * DOMAIN.md's order lifecycle ends `SHIPPED (→ DELIVERED)`: when the carrier has delivered every shipment of an order
 * and nothing of it is left to ship, pack & ship says so once (`pack-ship.order.delivered`) and orders moves it
 * SHIPPED → DELIVERED (`orders.order.delivered`), final. Through HTTP: carrier webhooks, the order, its events.
 */
let t: TestApp;
let w: Warehouse;
let call: Call;
let floor: Call;
beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  floor = injectClient(t.app, t.keys.operator);
  w = await setupWarehouse(call, { siteCode: 'DLV', aisles: 1, bays: 3, levels: 1, skus: 3 });
}, 60_000);
afterAll(async () => t.close());

interface OrderView { id: string; status: string; statusHistory: { from: string | null; to: string }[] }
const order = async (id: string): Promise<OrderView> => (await call<OrderView>('get', 'GET', `/api/v1/orders/${id}`)).body;
const carrierEvent = (trackingNumber: string, status: string, at: string) =>
  injectClient(t.app, t.keys.integration)<{ status: string; code?: string }>('carrier event', 'POST', '/api/v1/carrier-events', { carrier: 'OWN_FLEET', trackingNumber, status, at });
/** A carrier's time `s` seconds after now: reports are dated after the dispatch and not ahead of PakLog's clock. */
const at = (s: number): string => new Date(Date.now() + s * 1000).toISOString();
const events = async (type: string, subject: string): Promise<{ data: Record<string, unknown> }[]> =>
  (await call<{ items: { data: Record<string, unknown> }[] }>('events', 'GET', `/api/v1/events?type=${type}&subject=${subject}`)).body.items;
const receive = (sku: string, quantity: number) =>
  call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity });

/** An order of `lines` taken to PICKED: allocated, waved alone, picked by one worker. */
async function pickedOrder(externalId: string, lines: { sku: string; quantity: number }[]): Promise<string> {
  for (const l of lines) expect((await receive(l.sku, l.quantity)).status).toBe(201);
  const o = await createOrder(call, w.siteId, { externalId, lines });
  await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
  await t.settle();
  await planAndRelease(call, w.siteId, 1);
  await t.settle();
  await workTasks(floor, w.siteId, [`worker-${externalId}`], { expectedTasks: 1 });
  await until('picked', () => orderStatus(call, o.id), (s) => s === 'PICKED');
  await t.settle();
  return o.id;
}

describe('orders delivered by the carrier', () => {
  it('SHIPPED → DELIVERED when the carrier delivers; announced once; final for cancel, hold and reprioritise', async () => {
    const id = await pickedOrder('DLV-1', [{ sku: w.products[0]!.sku, quantity: 2 }]);
    const { shipmentId, trackingNumber } = await packAndShip(call, id);
    await until('shipped', () => orderStatus(call, id), (s) => s === 'SHIPPED');
    expect((await carrierEvent(trackingNumber, 'IN_TRANSIT', at(0))).body.status).toBe('IN_TRANSIT');
    await t.settle();
    expect((await order(id)).status).toBe('SHIPPED');

    const deliveredAt = at(1);
    expect((await carrierEvent(trackingNumber, 'DELIVERED', deliveredAt)).body.status).toBe('DELIVERED');
    await until('delivered', () => orderStatus(call, id), (s) => s === 'DELIVERED');
    expect((await order(id)).statusHistory.at(-1)).toMatchObject({ from: 'SHIPPED', to: 'DELIVERED' });
    // The carrier's webhook repeats itself: nothing more happens.
    expect((await carrierEvent(trackingNumber, 'DELIVERED', deliveredAt)).body.status).toBe('DELIVERED');
    await t.settle();
    for (const type of ['pack-ship.order.delivered.v1', 'orders.order.delivered.v1']) {
      expect((await events(type, id)).map((e) => e.data), type).toEqual([
        { orderId: id, siteId: w.siteId, deliveredAt, shipmentIds: [shipmentId] },
      ]);
    }
    // Delivered is final: every command that needs an order not yet shipped says why, and changes nothing.
    const refusals = [
      await call<{ code: string }>('cancel', 'POST', `/api/v1/orders/${id}/cancel`, { reason: 'too late' }),
      await call<{ code: string }>('hold', 'POST', `/api/v1/orders/${id}/hold`, { reason: 'too late' }),
      await call<{ code: string }>('reprioritise', 'POST', `/api/v1/orders/${id}/reprioritise`, { priority: 1 }),
    ];
    expect(refusals.map((r) => [r.status, r.body.code])).toEqual([[409, 'ORDER_SHIPPED'], [409, 'ORDER_SHIPPED'], [409, 'ORDER_SHIPPED']]);
    expect((await order(id)).status).toBe('DELIVERED');
    // The status filter finds it; the open-orders gauge does not count it.
    const listed = await call<{ items: { id: string }[] }>('list', 'GET', `/api/v1/orders?siteId=${w.siteId}&status=DELIVERED`);
    expect(listed.body.items.map((o) => o.id)).toEqual([id]);
    const metrics = (await t.get('/metrics', null)).body as string;
    expect(metrics).not.toMatch(/paklog_orders_open\{status="DELIVERED"\}/);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after a delivery' });
  });

  it('an order rebooked after a voided label is DELIVERED with the shipment that carried it; an exception first delays it', async () => {
    const sku = w.products[1]!.sku;
    const id = await pickedOrder('DLV-2', [{ sku, quantity: 2 }]);
    const lineId = (await call<{ lines: { id: string }[] }>('get', 'GET', `/api/v1/orders/${id}`)).body.lines[0]!.id;
    // Two parcels, booked, the label voided (a wrong address), booked again and dispatched.
    for (let i = 0; i < 2; i++) expect((await call('pack', 'POST', '/api/v1/packages', { orderId: id, units: [{ lineId, quantity: 1 }] })).status).toBe(201);
    const book = () => call<{ id: string; trackingNumber: string; packageIds: string[] }>('shipment', 'POST', '/api/v1/shipments', { orderId: id });
    const voided = await book();
    expect(voided.status).toBe(201);
    expect((await call('void', 'POST', `/api/v1/shipments/${voided.body.id}/void`)).status).toBe(200);
    const booked = await book();
    expect([booked.status, booked.body.packageIds.length]).toEqual([201, 2]);
    expect((await call('dispatch', 'POST', `/api/v1/shipments/${booked.body.id}/dispatch`)).status).toBe(200);
    await until('shipped', () => orderStatus(call, id), (s) => s === 'SHIPPED');
    // The voided label is never tracked; the carrier's exception keeps the order SHIPPED.
    expect((await carrierEvent(voided.body.trackingNumber, 'DELIVERED', at(0))).body.code).toBe('ILLEGAL_TRANSITION');
    expect((await carrierEvent(booked.body.trackingNumber, 'EXCEPTION', at(0))).body.status).toBe('EXCEPTION');
    await t.settle();
    expect((await order(id)).status).toBe('SHIPPED');
    const deliveredAt = at(1);
    expect((await carrierEvent(booked.body.trackingNumber, 'DELIVERED', deliveredAt)).body.status).toBe('DELIVERED');
    await until('delivered', () => orderStatus(call, id), (s) => s === 'DELIVERED');
    expect((await events('orders.order.delivered.v1', id)).map((e) => e.data)).toEqual([
      { orderId: id, siteId: w.siteId, deliveredAt, shipmentIds: [booked.body.id] },
    ]);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: 'after a rebooked delivery' });
  });

  it('a carrier event dated in the future is refused: it cannot make the real delivery after it look late', async () => {
    const id = await pickedOrder('DLV-3', [{ sku: w.products[2]!.sku, quantity: 1 }]);
    const { shipmentId, trackingNumber } = await packAndShip(call, id);
    await until('shipped', () => orderStatus(call, id), (s) => s === 'SHIPPED');
    // A carrier's (or a typist's) 9999 was recorded as the newest report, so every real one after it was "late": the
    // delivery changed nothing, the order stayed SHIPPED and its SHIPMENT_EXCEPTION open for good (failed before: 200).
    const future = await injectClient(t.app, t.keys.integration)<{ code: string; errors: { field: string }[] }>('carrier event', 'POST', '/api/v1/carrier-events', {
      carrier: 'OWN_FLEET', trackingNumber, status: 'EXCEPTION', at: '9999-12-31T00:00:00Z', detail: 'parcel damaged',
    });
    expect(future.status).toBe(422);
    expect(future.body).toMatchObject({ code: 'TRACKING_EVENT_IN_FUTURE', errors: [{ field: '/at' }] });
    expect((await call<{ status: string }>('shipment', 'GET', `/api/v1/shipments/${shipmentId}`)).body.status).toBe('DISPATCHED');
    expect(await events('pack-ship.shipment.tracked.v1', shipmentId)).toEqual([]);
    // A few seconds ahead of PakLog's clock (a carrier's clock skew) is taken.
    const skewed = new Date(Date.now() + 60_000).toISOString();
    expect((await carrierEvent(trackingNumber, 'DELIVERED', skewed)).body.status).toBe('DELIVERED');
    await until('delivered', () => orderStatus(call, id), (s) => s === 'DELIVERED');
  });

  it('a DELIVERED report dated before a report already recorded still delivers: the order is not left SHIPPED for good (found by the time hunt)', async () => {
    const id = await pickedOrder('DLV-5', [{ sku: w.products[1]!.sku, quantity: 1 }]);
    const { shipmentId, trackingNumber } = await packAndShip(call, id);
    await until('shipped', () => orderStatus(call, id), (s) => s === 'SHIPPED');
    // The hub's scanner runs two minutes ahead (within the skew allowed), the courier's handheld does not: the delivery
    // scan is dated before the last IN_TRANSIT. It was "late" and changed nothing: the shipment stayed IN_TRANSIT and the
    // order SHIPPED, with no report or command left to deliver them (failed before: IN_TRANSIT).
    expect((await carrierEvent(trackingNumber, 'IN_TRANSIT', at(120))).body.status).toBe('IN_TRANSIT');
    const deliveredAt = at(60);
    expect((await carrierEvent(trackingNumber, 'DELIVERED', deliveredAt)).body.status).toBe('DELIVERED');
    await until('delivered', () => orderStatus(call, id), (s) => s === 'DELIVERED');
    expect((await events('orders.order.delivered.v1', id)).map((e) => e.data)).toEqual([{ orderId: id, siteId: w.siteId, deliveredAt, shipmentIds: [shipmentId] }]);
    // Older reports other than a delivery are still late: nothing walks a delivered shipment back.
    expect((await carrierEvent(trackingNumber, 'EXCEPTION', at(30))).body.status).toBe('DELIVERED');
    expect((await carrierEvent(trackingNumber, 'IN_TRANSIT', at(90))).body.status).toBe('DELIVERED');
  });

  it('a carrier event dated before the dispatch is refused: a parcel is not delivered before it left', async () => {
    const id = await pickedOrder('DLV-4', [{ sku: w.products[0]!.sku, quantity: 1 }]);
    const { shipmentId, trackingNumber } = await packAndShip(call, id);
    await until('shipped', () => orderStatus(call, id), (s) => s === 'SHIPPED');
    const dispatchedAt = (await call<{ dispatchedAt: string }>('shipment', 'GET', `/api/v1/shipments/${shipmentId}`)).body.dispatchedAt;
    // Another parcel's number or a wrong year: recorded, it made the shipment DELIVERED a day before it left (failed before: 200).
    const early = await injectClient(t.app, t.keys.integration)<{ code: string; errors: { field: string }[] }>('carrier event', 'POST', '/api/v1/carrier-events', {
      carrier: 'OWN_FLEET', trackingNumber, status: 'DELIVERED', at: new Date(Date.parse(dispatchedAt) - 86_400_000).toISOString(),
    });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'TRACKING_EVENT_BEFORE_DISPATCH', errors: [{ field: '/at' }] });
    expect((await call<{ status: string }>('shipment', 'GET', `/api/v1/shipments/${shipmentId}`)).body.status).toBe('DISPATCHED');
    expect(await events('pack-ship.shipment.tracked.v1', shipmentId)).toEqual([]);
    // A pick-up scan a minute before the dock recorded the dispatch (or the clocks' skew) is taken.
    const scanned = new Date(Date.parse(dispatchedAt) - 60_000).toISOString();
    expect((await carrierEvent(trackingNumber, 'IN_TRANSIT', scanned)).body.status).toBe('IN_TRANSIT');
  });
});
