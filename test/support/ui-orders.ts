import { expect } from 'vitest';
import { until } from './flow-driver.ts';
import type { TestApp } from './test-app.ts';

/** A pick list line as the browser tests read it (`GET /pick-lists/{id}`). */
export interface UiPickLine { id: string; seq: number; sku: string; expectedBarcode: string | null; locationCode: string | null; lot?: string | null; quantity: number; picked: number; status: string; shortReason: string | null; toteId?: string | null }
export interface UiPickList { id: string; status: string; orderIds: string[]; lines: UiPickLine[] }

/**
 * An order of its own on the demo site (priority 1, so the planner takes it first; one line per SKU of `skus` with
 * `quantities`), waved alone and released: the order id and its pick list. Whatever the planner or the floor would take
 * first — orders ahead of it in the wave pool (the orchestrator may expedite a demo order nearing its cut-off) and orders
 * of PICK tasks already queued — is cancelled out of the way. Shared by the handheld's browser tests.
 */
export async function orderAndPickList(t: TestApp, o: { siteId: string; skus: readonly string[]; externalId: string; quantities: readonly number[]; shipComplete?: boolean }): Promise<{ orderId: string; list: UiPickList }> {
  const cancel = async (orderId: string): Promise<void> => {
    expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'out of the way of the handheld test' })).status).toBe(200);
  };
  const order = await t.post('/api/v1/orders', {
    externalId: o.externalId, siteId: o.siteId, carrier: 'OWN_FLEET', priority: 1, ...(o.shipComplete === undefined ? {} : { shipComplete: o.shipComplete }),
    shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
    lines: o.quantities.map((quantity, i) => ({ sku: o.skus[i], quantity })),
  });
  expect(order.status).toBe(201);
  await until('allocated', async () => (await t.get(`/api/v1/orders/${order.body.id}`)).body.status, (s) => s === 'ALLOCATED');
  // Waves hears of the allocation a moment after orders: wait until the order is in the pool.
  const pool = await until('in the pool', async () => (await t.get(`/api/v1/waves/pool?siteId=${o.siteId}&limit=500`)).body.items as { orderId: string }[],
    (items) => items.some((x) => x.orderId === order.body.id));
  for (const ahead of pool.slice(0, pool.findIndex((x) => x.orderId === order.body.id))) await cancel(ahead.orderId);
  // Pick tasks queued before this one (a wave the orchestrator released for an order near its cut-off) would come first.
  for (const queued of await t.getAll<{ reference: string }>(`/api/v1/tasks?siteId=${o.siteId}&type=PICK&status=QUEUED`)) {
    for (const orderId of ((await t.get(`/api/v1/pick-lists/${queued.reference}`)).body as UiPickList).orderIds) await cancel(orderId);
  }
  const wave = await t.post('/api/v1/waves', { siteId: o.siteId, maxOrders: 1 });
  expect(wave.body.orderIds).toEqual([order.body.id]);
  expect((await t.post(`/api/v1/waves/${wave.body.id}/release`, {})).status).toBe(200);
  const lists = await until('pick list', async () => (await t.get(`/api/v1/pick-lists?waveId=${wave.body.id}`)).body.items as UiPickList[], (l) => l.length === 1);
  return { orderId: order.body.id, list: lists[0]! };
}

/** `n` SKUs of the demo site with at least `min` units available at one balance (the handheld tests' orders take them). */
export async function stockedSkus(t: TestApp, siteId: string, n = 3, min = 20): Promise<string[]> {
  const balances: { sku: string; available: number; status: string }[] = await t.getAll(`/api/v1/inventory/balances?siteId=${siteId}`);
  const skus = [...new Set(balances.filter((b) => b.status === 'AVAILABLE' && b.available >= min).map((b) => b.sku))].slice(0, n);
  expect(skus).toHaveLength(n);
  return skus;
}
