import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Location } from '../../src/contracts/location-master.ts';
import { sequenceByRoute } from '../../src/contexts/picking/domain/route-sequence.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOrder, injectClient, orderStatus, packAndShip, receiveStock, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';

/** Batch (cluster) picking end to end: a wave released with pickStrategy batch is picked per cart and shipped per order. */
let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
});
afterAll(async () => {
  await t.close();
});

interface Line { orderId: string; orderLineId: string; reservationId: string; locationId: string; locationCode: string | null; pickSequence: number | null; quantity: number }
interface List { id: string; orderIds: string[]; routeLength: number | null; lines: Line[] }

const locationsOf = (siteId: string, type: string): Promise<Location[]> => t.getAll(`/api/v1/sites/${siteId}/locations?type=${type}`);

describe('batch picking, end to end over HTTP', () => {
  it('groups 13 orders into carts of 10 units, picks one list per cart and ships every order', async () => {
    w = await setupWarehouse(call, { siteCode: 'BAT', aisles: 6, bays: 8, levels: 2, skus: 8 });
    await receiveStock(call, w, 15, 1);

    // 12 small orders over SKUs 1-7 and one order of 12 units (more than a cart) of SKU 8.
    const orders: { id: string; units: number }[] = [];
    for (let i = 0; i < 12; i++) {
      const lines = [{ sku: w.products[i % 7]!.sku, quantity: 1 + (i % 2) }];
      if (i % 4 === 0) lines.push({ sku: w.products[(i + 3) % 7]!.sku, quantity: 1 });
      const o = await createOrder(call, w.siteId, { externalId: `BAT-${i}`, lines });
      orders.push({ id: o.id, units: lines.reduce((s, l) => s + l.quantity, 0) });
    }
    const big = await createOrder(call, w.siteId, { externalId: 'BAT-BIG', lines: [{ sku: w.products[7]!.sku, quantity: 12 }] });
    orders.push({ id: big.id, units: 12 });
    for (const o of orders) await until(`order ${o.id} allocated`, () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await t.settle();

    const wave = await t.post<{ id: string; orderIds: string[] }>('/api/v1/waves', { siteId: w.siteId, maxOrders: 50 });
    expect(wave.status).toBe(201);
    expect(wave.body.orderIds).toHaveLength(13);
    // Bad bodies are refused and leave the wave PLANNED.
    expect((await t.post(`/api/v1/waves/${wave.body.id}/release`, { pickStrategy: 'batch', cartCapacity: 0 })).status).toBe(400);
    expect((await t.post(`/api/v1/waves/${wave.body.id}/release`, { pickStrategy: 'zone' })).status).toBe(400);
    expect((await t.post(`/api/v1/waves/${wave.body.id}/release`, { pickStrategy: 'batch', carts: 2 })).status).toBe(400);
    const discreteCap = await t.post(`/api/v1/waves/${wave.body.id}/release`, { cartCapacity: 10 });
    expect(discreteCap.status).toBe(422);
    expect(discreteCap.body.errors[0].field).toBe('/cartCapacity');
    expect((await t.get(`/api/v1/waves/${wave.body.id}`)).body.status).toBe('PLANNED');

    const released = await t.post(`/api/v1/waves/${wave.body.id}/release`, { pickStrategy: 'batch', cartCapacity: 10 });
    expect(released.status).toBe(200);
    expect(released.body.status).toBe('RELEASED');
    await t.settle();

    const lists: List[] = (await t.get(`/api/v1/pick-lists?waveId=${wave.body.id}&limit=200`)).body.items;
    expect(lists.length).toBeLessThan(orders.length);
    const listed = lists.flatMap((l) => l.orderIds);
    expect([...listed].sort()).toEqual(orders.map((o) => o.id).sort()); // every order in exactly one list
    const unitsOf = new Map(orders.map((o) => [o.id, o.units]));
    for (const l of lists) {
      const units = l.lines.reduce((s, x) => s + x.quantity, 0);
      expect(units).toBe(l.orderIds.reduce((s, id) => s + (unitsOf.get(id) ?? 0), 0));
      if (l.orderIds.length > 1) expect(units).toBeLessThanOrEqual(10);
      for (const x of l.lines) expect(l.orderIds).toContain(x.orderId);
    }
    expect(lists.find((l) => l.orderIds.includes(big.id))?.orderIds).toEqual([big.id]);
    expect(lists.some((l) => l.orderIds.length > 1)).toBe(true);

    // Sanity: a cart's one tour is no longer than the discrete tours of its orders would be.
    const locations = [...await locationsOf(w.siteId, 'PICK_FACE'), ...await locationsOf(w.siteId, 'DEPOT')];
    const stops = (ls: readonly Line[]) => ls.map((x) => ({ key: x.reservationId, locationId: x.locationId, locationCode: x.locationCode, pickSequence: x.pickSequence, x: null, y: null }));
    for (const l of lists.filter((x) => x.orderIds.length > 1)) {
      expect(typeof l.routeLength).toBe('number');
      const discrete = l.orderIds.reduce((s, id) => s + (sequenceByRoute(locations, stops(l.lines.filter((x) => x.orderId === id))).routeLength ?? Infinity), 0);
      expect(l.routeLength!).toBeLessThanOrEqual(discrete + 0.01);
    }

    const picked = await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['worker-1', 'worker-2'], { expectedTasks: lists.length });
    expect(picked.tasks.size).toBe(lists.length);
    for (const o of orders) await until(`order ${o.id} picked`, () => orderStatus(call, o.id), (s) => s === 'PICKED');
    await until('wave completed', async () => (await t.get(`/api/v1/waves/${wave.body.id}`)).body.status, (s) => s === 'COMPLETED');

    const floor = injectClient(t.app, t.keys.operator);
    for (const o of orders) await packAndShip(floor, o.id);
    await t.settle();
    for (const o of orders) expect(await orderStatus(call, o.id), o.id).toBe('SHIPPED');
  });
});
