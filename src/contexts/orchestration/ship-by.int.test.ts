import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../platform/clock.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import {
  injectClient, orderStatus, packAndShip, planAndRelease, setupWarehouse, until, workTasks, type Call, type Warehouse,
} from '../../../test/support/flow-driver.ts';

/**
 * An order's own ship-by (given at intake): not shipped by then, it is SHIP_BY_MISSED in the exceptions list with its
 * ways out, and the case clears when it ships or is cancelled. The site's clock is the test's: hours pass by
 * `clock.set`, not by waiting. No carrier cut-off is set, so nothing else watches the time.
 */
const clock = manualClock(new Date('2030-01-01T08:00:00Z'));
let t: TestApp;
let call: Call;
let w: Warehouse;

interface Exc { id: string; kind: string; subject: string; status: string; actions: string[]; resolution: string | null; reason: string; details: Record<string, unknown> }
const shipByCases = async (orderId: string): Promise<Exc[]> =>
  (await t.getAll<Exc>('/api/v1/exceptions', 'viewer')).filter((x) => x.kind === 'SHIP_BY_MISSED' && x.subject === orderId);
const untilCase = (orderId: string, pred: (xs: Exc[]) => boolean, what: string) => until(what, () => shipByCases(orderId), pred, 15_000);

const order = async (externalId: string, sku: string, shipBy: string): Promise<string> => {
  const res = await call('order', 'POST', '/api/v1/orders', {
    externalId, siteId: w.siteId, carrier: 'OWN_FLEET', shipBy,
    shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
    lines: [{ sku, quantity: 1 }],
  });
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
};

beforeAll(async () => {
  t = await startTestApp({ clock, env: { PAKLOG_SAGA_TICK_MS: '50', PAKLOG_ORDER_STALL_S: String(7 * 86_400) } });
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'SHIPBY', aisles: 1, bays: 4, levels: 1, skus: 2 });
});
afterAll(async () => t.close());

describe("an order not shipped by its own ship-by", () => {
  // Failed before: the order's shipBy was stored and nothing was ever raised about it.
  it('is SHIP_BY_MISSED once its ship-by passes (not before): expedite resolves it; one that ships or is cancelled clears it', async () => {
    const [stocked, missing] = [w.products[0]!.sku, w.products[1]!.sku];
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku: stocked, locationId: w.storage[0]!.id, quantity: 1 })).status).toBe(201);
    const waiting = await order('SHIPBY-1', missing, '2030-01-01T12:00:00+00:00');
    const going = await order('SHIPBY-2', stocked, '2030-01-01T12:00:00Z');
    const later = await order('SHIPBY-3', missing, '2030-01-02T12:00:00Z');
    await until('backordered', () => orderStatus(call, waiting), (s) => s === 'BACKORDERED');
    await until('allocated', () => orderStatus(call, going), (s) => s === 'ALLOCATED');
    await t.settle();
    expect(await shipByCases(waiting)).toEqual([]);

    clock.set(new Date('2030-01-01T12:00:01Z'));
    const [x] = await untilCase(waiting, (xs) => xs.some((e) => e.status === 'OPEN'), 'SHIP_BY_MISSED for the backordered order');
    expect(x).toMatchObject({ status: 'OPEN', actions: ['expedite', 'cancel', 'acknowledge'], details: { orderId: waiting, status: 'BACKORDERED', shipBy: '2030-01-01T12:00:00.000Z' } });
    expect(x!.reason).toMatch(/BACKORDERED and was not shipped by its ship-by 2030-01-01T12:00:00.000Z/);
    await untilCase(going, (xs) => xs.some((e) => e.status === 'OPEN'), 'SHIP_BY_MISSED for the allocated order');
    // Its ship-by is tomorrow: nothing about it yet.
    expect(await shipByCases(later)).toEqual([]);

    // expedite: the order is the most urgent now; the case is resolved, once.
    const done = await t.post<Exc>(`/api/v1/exceptions/${x!.id}/actions/expedite`, undefined, 'manager');
    expect(done).toMatchObject({ status: 200, body: { status: 'RESOLVED', resolution: 'expedite' } });
    expect((await t.get(`/api/v1/orders/${waiting}`, 'viewer')).body.priority).toBe(1);

    // Shipped late: its case clears by itself.
    await planAndRelease(call, w.siteId, 1);
    await t.settle();
    await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['picker-1'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(call, going), (s) => s === 'PICKED');
    await t.settle();
    await packAndShip(call, going);
    await until('shipped', () => orderStatus(call, going), (s) => s === 'SHIPPED');
    const cleared = await untilCase(going, (xs) => xs.length === 1 && xs[0]!.status === 'RESOLVED', 'the shipped order\'s case cleared');
    expect(cleared[0]!.resolution).toMatch(/^auto: order shipped/);

    // Cancelled after its ship-by passed: cleared too.
    clock.set(new Date('2030-01-02T12:00:00Z'));
    await untilCase(later, (xs) => xs.some((e) => e.status === 'OPEN'), 'SHIP_BY_MISSED at its own ship-by');
    expect((await call('cancel', 'POST', `/api/v1/orders/${later}/cancel`, { reason: 'customer gave up' })).status).toBe(200);
    const gone = await untilCase(later, (xs) => xs.length === 1 && xs[0]!.status === 'RESOLVED', 'the cancelled order\'s case cleared');
    expect(gone[0]!.resolution).toMatch(/^auto: order cancelled/);
    // Raised once per order and ship-by.
    expect(await shipByCases(waiting)).toHaveLength(1);
  });

  // An order received before the deploy that began keeping the ship-by in the saga (orders.order.received carried none
  // then): its saga's data has no orderShipBy. Failed before: its ship-by passed and nothing was raised.
  it('an order in flight across that deploy (its saga knows no ship-by) is SHIP_BY_MISSED too: the saga reads it from orders', async () => {
    const missing = w.products[1]!.sku;
    const inFlight = await order('SHIPBY-4', missing, '2030-01-03T12:00:00Z');
    await until('backordered', () => orderStatus(call, inFlight), (s) => s === 'BACKORDERED');
    await t.settle();
    await until('its saga', async () => (await t.app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orchestration.sagas WHERE type = 'order-fulfilment' AND key = $1`, [inFlight]))[0]!.n, (n) => n === 1);
    // The saga as one started before the deploy: no orderShipBy in its data, and its next run at its stall limit (a week).
    await t.app.db.query(`UPDATE orchestration.sagas SET data = data - 'orderShipBy', next_run_at = '2030-01-10T00:00:00Z'
      WHERE type = 'order-fulfilment' AND key = $1`, [inFlight]);
    clock.set(new Date('2030-01-03T12:00:01Z'));
    await t.settle();
    expect(await shipByCases(inFlight)).toEqual([]);
    // The deploy's migration wakes such sagas (orchestration 006): each reads its order's ship-by from orders now.
    const wake = readFileSync(new URL('./migrations/006_fulfilment_ship_by_wake.sql', import.meta.url), 'utf8');
    await t.app.db.tx(async (tx) => {
      await tx.query('SET LOCAL search_path TO orchestration');
      await tx.query(wake);
    });
    const [x] = await untilCase(inFlight, (xs) => xs.some((e) => e.status === 'OPEN'), 'SHIP_BY_MISSED for the order in flight across the deploy');
    expect(x).toMatchObject({ details: { orderId: inFlight, status: 'BACKORDERED', shipBy: '2030-01-03T12:00:00.000Z' } });
    const kept = await t.app.db.query<{ ship_by: string | null }>(
      `SELECT data->>'orderShipBy' AS ship_by FROM orchestration.sagas WHERE type = 'order-fulfilment' AND key = $1`, [inFlight]);
    expect(kept[0]!.ship_by).toBe('2030-01-03T12:00:00.000Z');
  });
});
