/**
 * The whole app with its events crossing a real broker (PAKLOG_BUS=kafka, then nats): an order goes from intake to
 * shipment over HTTP, and the ledger conserves stock. `.ci/run` starts both brokers; with CI=true an unreachable broker
 * fails the test. Each run uses its own namespace (topics, streams, consumer groups) and removes it afterwards.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BROKERS, reachable } from '../support/brokers.ts';
import { createOrder, injectClient, receiveStock, setupWarehouse, until } from '../support/flow-driver.ts';
import { startTestApp } from '../support/test-app.ts';

describe.each(BROKERS)('order to ship with PAKLOG_BUS=$bus', (broker) => {
  it('an order is allocated, waved, picked, packed and shipped through the broker; stock conserves', async (ctx) => {
    if (!(await reachable(broker.address))) {
      if (process.env.CI === 'true') throw new Error(`${broker.bus} is not reachable at ${broker.address}; CI needs it (.ci/run starts it)`);
      ctx.skip();
    }
    const ns = `t${randomBytes(4).toString('hex')}`;
    const t = await startTestApp({ env: { PAKLOG_BUS: broker.bus, PAKLOG_BUS_NAMESPACE: ns, ...broker.env } });
    try {
      const call = injectClient(t.app, t.keys.admin);
      const w = await setupWarehouse(call, { siteCode: 'BK', aisles: 2, bays: 2, levels: 1, skus: 2 });
      await receiveStock(call, w, 10, 1);
      const status = async (id: string): Promise<string> => (await t.get(`/api/v1/orders/${id}`)).body.status;
      const order = await createOrder(call, w.siteId, { externalId: `BK-${ns}`, lines: [{ sku: w.products[0]!.sku, quantity: 2 }, { sku: w.products[1]!.sku, quantity: 1 }] });
      await until('allocated', () => status(order.id), (s) => s === 'ALLOCATED');
      // The waves pool hears of the allocation through the broker too.
      const planned = await until('a plan', () => t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 }), (r) => r.status === 201);
      expect((await t.post(`/api/v1/waves/${planned.body.id}/release`)).status).toBe(200);
      const lists = await until('a pick list', () => t.get(`/api/v1/pick-lists?orderId=${order.id}`), (r) => r.body.items.length > 0);
      const list = lists.body.items[0] as { id: string; lines: { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number }[] };
      for (const line of list.lines) {
        const res = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
          locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity, toteId: 'T1',
        });
        expect(res.status).toBe(200);
      }
      await until('picked', () => status(order.id), (s) => s === 'PICKED');
      await until('ready to pack', () => t.post('/api/v1/packages', { orderId: order.id }), (r) => r.status === 201);
      // Units whose picks pack & ship heard of after the first package go in another one: an order ships whole.
      const shipment = await until('a shipment', async () => {
        await t.post('/api/v1/packages', { orderId: order.id });
        return t.post('/api/v1/shipments', { orderId: order.id });
      }, (r) => r.status === 201);
      expect((await t.post(`/api/v1/shipments/${shipment.body.id}/dispatch`)).status).toBe(200);
      await until('shipped', () => status(order.id), (s) => s === 'SHIPPED');
      const summary = await until('the SHIP movements', () => t.getAll<Record<string, number>>(`/api/v1/inventory/summary?siteId=${w.siteId}`),
        (items) => items.reduce((n, s) => n + s.shipped!, 0) === 3);
      for (const s of summary) {
        expect(s.received! - s.shipped! + s.adjusted!).toBe(s.onHand);
        expect(s.ledgerOnHand).toBe(s.onHand);
        expect(s.allocated).toBe(0);
        expect(s.reserved).toBe(0);
      }
      const [dead] = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.dead_letters`);
      expect(dead!.n).toBe(0);
    } finally {
      await t.close();
      await broker.cleanUp(ns);
    }
  }, 120_000);
});
