import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { createOrder, injectClient, orderStatus, planAndRelease, setupWarehouse, until, type Call, type Warehouse } from '../../../test/support/flow-driver.ts';
import type { Location } from '../../contracts/location-master.ts';
import { sequenceByRoute } from './domain/route-sequence.ts';

/** A wave released over a generated layout gets routed pick lists (the default sequencer). */
let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'RT1', aisles: 6, bays: 10, levels: 2, skus: 8 });
});
afterAll(async () => {
  await t.close();
});

async function locationsOf(siteId: string, type: string): Promise<Location[]> {
  const out: Location[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { items: Location[]; nextCursor: string | null } } =
      await t.get(`/api/v1/sites/${siteId}/locations?type=${type}&limit=500${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    expect(res.status).toBe(200);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor !== null);
  return out;
}

describe('routed pick lists', () => {
  it('sequences the lines of a released wave by the optimal route and records its length', async () => {
    // Stock spread over the aisles, in an order unlike both the code and the pick-sequence order.
    const spots = [55, 3, 41, 18, 29, 7, 50, 33];
    for (const [i, p] of w.products.entries()) {
      const res = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku: p.sku, locationId: w.storage[spots[i]!]!.id, quantity: 5 });
      expect(res.status).toBe(201);
    }
    const order = await createOrder(call, w.siteId, { externalId: 'RT-1', lines: w.products.map((p) => ({ sku: p.sku, quantity: 1 })) });
    await until('order allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    const wave = await planAndRelease(call, w.siteId, 10);
    expect(wave.orderIds).toEqual([order.id]);
    await until('order released', () => orderStatus(call, order.id), (s) => s === 'RELEASED');
    await t.settle();

    const lists = await t.get(`/api/v1/pick-lists?orderId=${order.id}`);
    expect(lists.body.items).toHaveLength(1);
    const list = lists.body.items[0];
    expect(typeof list.routeLength).toBe('number');
    expect(list.routeLength).toBeGreaterThan(0);
    expect(list.lines).toHaveLength(8);

    // The router's order over the same locations, recomputed from what the location master publishes.
    const locations = [
      ...await locationsOf(w.siteId, 'PICK_FACE'), ...await locationsOf(w.siteId, 'RESERVE'), ...await locationsOf(w.siteId, 'DEPOT'),
    ];
    const stops = list.lines.map((l: any) => ({
      key: l.reservationId as string, locationId: l.locationId as string, locationCode: l.locationCode as string,
      pickSequence: l.pickSequence as number, x: null, y: null,
    }));
    const expected = sequenceByRoute(locations, stops);
    expect(expected.routeLength).not.toBeNull();
    expect(list.lines.map((l: { reservationId: string }) => l.reservationId)).toEqual(expected.stops.map((s) => s.key));
    expect(list.routeLength).toBeCloseTo(expected.routeLength!, 2);

    const created = await t.get(`/api/v1/events?type=picking.list.created.v1&subject=${list.id}`);
    expect(created.body.items[0].data).toMatchObject({ pickListId: list.id, routeLength: list.routeLength, lineCount: 8 });
  });
});
