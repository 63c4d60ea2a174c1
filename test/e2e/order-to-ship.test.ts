import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { expectStockConserved } from '../support/conservation.ts';
import { createOrder, injectClient, orderStatus, packAndShip, planAndRelease, receiveStock, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';

/** Acceptance (b): the whole flow through HTTP only, ending with every order SHIPPED and the stock arithmetic intact. */
let t: TestApp;
/** Events that belong to no site: master data shared by every site. */
const SITELESS = /^(catalog|identity)\./;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
});
afterAll(async () => {
  await t.close();
});

describe('order to ship, end to end over HTTP', () => {
  it('carries 20 orders from intake to shipment, with one short pick', async () => {
    w = await setupWarehouse(call, { siteCode: 'E2E', aisles: 4, bays: 8, levels: 2, skus: 6 });
    expect(w.storage.length).toBe(4 * 8); // level 1 of every bay is a pick face
    const received = await receiveStock(call, w, 15, 2);
    expect(received).toBe(6 * 2 * 15);

    // 20 orders, every third one multi-line.
    const ordered = new Map<string, number>();
    const orders: { id: string; lines: { sku: string; quantity: number }[] }[] = [];
    for (let i = 0; i < 20; i++) {
      const lines = [{ sku: w.products[i % 6]!.sku, quantity: 1 + (i % 3) }];
      if (i % 3 === 0) lines.push({ sku: w.products[(i + 2) % 6]!.sku, quantity: 2 }, { sku: w.products[(i + 4) % 6]!.sku, quantity: 1 });
      const order = await createOrder(call, w.siteId, { externalId: `E2E-${i}`, lines });
      expect(order.status).toBe('RECEIVED');
      orders.push({ id: order.id, lines });
      for (const l of lines) ordered.set(l.sku, (ordered.get(l.sku) ?? 0) + l.quantity);
    }
    expect(orders.filter((o) => o.lines.length > 1).length).toBeGreaterThanOrEqual(5);
    for (const o of orders) await until(`order ${o.id} allocated`, () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');

    await t.settle(); // the waves context has taken the allocated orders into its pool
    const wave = await planAndRelease(call, w.siteId, 50);
    expect([...wave.orderIds].sort()).toEqual(orders.map((o) => o.id).sort());
    for (const o of orders) await until(`order ${o.id} released`, () => orderStatus(call, o.id), (s) => s === 'RELEASED');

    // Pick lists are walked in the router's order over the layout's coordinates.
    await t.settle();
    const lists = await t.get(`/api/v1/pick-lists?waveId=${wave.waveId}&limit=100`);
    expect(lists.body.items).toHaveLength(20);
    for (const l of lists.body.items as { routeLength: number | null }[]) expect(l.routeLength).toBeGreaterThan(0);

    // The shorted unit is re-reserved at the SKU's other location: one more pick list, one more task (ADR 0024).
    const picked = await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['worker-1', 'worker-2'], { shortOne: true, shortRecovers: true, expectedTasks: 20 });
    expect(picked.tasks.size).toBe(21);
    expect(new Set(picked.tasks.values())).toEqual(new Set(['worker-1', 'worker-2']));
    expect(picked.shorted).toHaveLength(1);
    for (const o of orders) await until(`order ${o.id} picked`, () => orderStatus(call, o.id), (s) => s === 'PICKED');
    const tasks = await t.get(`/api/v1/tasks?siteId=${w.siteId}&status=COMPLETED&limit=100`);
    expect(tasks.body.items).toHaveLength(21);

    const floor = injectClient(t.app, t.keys.operator);
    const tracking = new Set<string>();
    for (const o of orders) tracking.add((await packAndShip(floor, o.id)).trackingNumber);
    expect(tracking.size).toBe(20);
    await t.settle();

    // Every order SHIPPED complete (the short was covered by another location), and the stock arithmetic holds per SKU.
    const short = picked.shorted[0]!;
    await expectStockConserved(t, { siteId: w.siteId, orders, ordered, short, recovered: true, receivedPerSku: 30, skus: 6 });
    // Packages went into cartons the 3D packer chose; domain counters moved.
    const packages = await t.get(`/api/v1/packages?orderId=${orders[0]!.id}`);
    expect(packages.body.items[0].cartonCode).toEqual(expect.any(String));
    const metrics = (await t.get('/metrics', null)).body as string;
    const counter = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1] ?? NaN);
    expect(counter('paklog_orders_received_total')).toBe(20);
    expect(counter('paklog_orders_shipped_total')).toBe(20);
    const unitsOrdered = [...ordered.values()].reduce((a, b) => a + b, 0);
    expect(counter('paklog_inventory_units_allocated_total')).toBe(unitsOrdered);
    // Every unit picked: the shorted one at the SKU's other location.
    expect(counter('paklog_inventory_units_picked_total')).toBe(unitsOrdered);
    // Illegal transitions are refused with a stable code and change nothing.
    const cancel = await t.post(`/api/v1/orders/${orders[0]!.id}/cancel`, { reason: 'too late' });
    expect(cancel.status).toBe(409);
    expect(cancel.body.code).toBe('ORDER_SHIPPED');
    expect((await t.get(`/api/v1/orders/${orders[0]!.id}`)).body.status).toBe('SHIPPED');
    // Nothing failed along the way.
    expect((await t.get('/api/v1/dead-letters')).body.items).toHaveLength(0);
    // Every event of the flow names its site, but master data's (products and the site itself): a caller limited to
    // other sites hears an event of no site on the live stream, so one of this site must never go without it.
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ type: string }>(`SELECT DISTINCT type FROM platform.events WHERE site_id IS NULL ORDER BY type`);
      expect(rows.map((r) => r.type).filter((type) => !SITELESS.test(type))).toEqual([]);
    } finally {
      await db.end();
    }
  }, 120_000);
});
