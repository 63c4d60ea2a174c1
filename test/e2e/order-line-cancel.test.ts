import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, injectClient, orderStatus, planAndReleasePooled, setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { gqlClient } from '../support/graphql-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * ADR 0046 addendum 2026-12-05: units of one order line can be cancelled before a wave takes the order
 * (`POST /orders/{id}/lines/{lineId}/cancel`), through the pending-change path of a change of the lines. The line keeps
 * its id and counts them `cancelled`, inventory releases what they held (ATP back), the last open line cancels the order,
 * and once a wave has the order the answer is 409 ORDER_IN_FULFILMENT with nothing changed. Through HTTP, stock conserved.
 */
let t: TestApp;
let w: Warehouse;
let call: Call;
beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'LNCX', aisles: 1, bays: 3, levels: 1, skus: 3 });
  for (const [i, p] of w.products.entries()) {
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku: p.sku, locationId: w.storage[i]!.id, quantity: 20 })).status).toBe(201);
  }
  await t.settle();
}, 60_000);
afterAll(async () => t.close());

interface Line { id: string; sku: string; ordered: number; allocated: number; cancelled: number }
interface OrderView { id: string; status: string; version: number; waveId: string | null; lines: Line[]; statusHistory: { from: string | null; to: string; cause: string | null }[] }
type Answer = OrderView & { code?: string; detail?: string; errors?: { field: string }[] };
const order = async (id: string): Promise<OrderView> => (await call<OrderView>('get', 'GET', `/api/v1/orders/${id}`)).body;
const cancelLine = (id: string, lineId: string, body?: { quantity?: number; reason?: string }, headers?: Record<string, string>) =>
  t.request<Answer>('POST', `/api/v1/orders/${id}/lines/${lineId}/cancel`, { ...(body === undefined ? {} : { body }), role: 'manager', ...(headers === undefined ? {} : { headers }) });
const atp = async (sku: string): Promise<{ atp: number; allocated: number }> =>
  (await t.get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`)).body.items[0];
const conserved = (when: string) => assertStockConserved(t.databaseUrl, { siteId: w.siteId, when });
const allocated = async (id: string): Promise<OrderView> => {
  await until('allocated', () => orderStatus(call, id), (s) => s === 'ALLOCATED');
  await t.settle();
  return order(id);
};

describe('cancelling an order line before waving', () => {
  it('cancels one line of an allocated two-line order: its units go back to ATP, the other line stays allocated; again is unchanged', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const [atpA, atpB] = [(await atp(a)).atp, (await atp(b)).atp];
    const created = await createOrder(call, w.siteId, { externalId: 'LNC-1', lines: [{ sku: a, quantity: 3 }, { sku: b, quantity: 2 }] });
    const before = await allocated(created.id);
    expect((await atp(a)).atp).toBe(atpA - 3);
    const lineA = before.lines.find((l) => l.sku === a)!;

    const res = await cancelLine(created.id, lineA.id, { reason: 'Customer removed the item' }, { 'idempotency-key': 'lnc-1-a' });
    expect(res.status).toBe(200);
    expect(res.body.lines.find((l) => l.id === lineA.id)).toMatchObject({ ordered: 3, cancelled: 3, allocated: 0 });
    expect(res.body.statusHistory.at(-1)).toMatchObject({ to: 'RECEIVED', cause: expect.stringMatching(/3 cancelled: Customer removed the item/) });
    const after = await allocated(created.id);
    expect(after.lines.map((l) => [l.id, l.ordered, l.allocated, l.cancelled])).toEqual([[lineA.id, 3, 0, 3], [before.lines[1]!.id, 2, 2, 0]]);
    // Stock: the cancelled line's three units are available again, the other line's two still allocated to it.
    expect((await atp(a)).atp).toBe(atpA);
    expect((await atp(b)).atp).toBe(atpB - 2);
    const event = (await t.get(`/api/v1/events?type=orders.order.lines-changed.v1&subject=${created.id}`)).body.items as { data: Record<string, unknown> }[];
    expect(event.at(-1)?.data).toMatchObject({
      lineCancelled: { lineId: lineA.id, sku: a, quantity: 3, reason: 'Customer removed the item' },
      lines: [{ lineId: before.lines[1]!.id, sku: b, quantity: 2 }],
    });

    // The same request again (Idempotency-Key) replays the answer; without it, nothing is open on the line: 200 unchanged.
    expect((await cancelLine(created.id, lineA.id, { reason: 'Customer removed the item' }, { 'idempotency-key': 'lnc-1-a' })).body.version).toBe(res.body.version);
    const again = await cancelLine(created.id, lineA.id);
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(after.version);
    // A quantity is checked against the open units (none now): 422 with a pointer; so are quantities below 1.
    const tooMany = await cancelLine(created.id, lineA.id, { quantity: 1 });
    expect([tooMany.status, tooMany.body.code, tooMany.body.errors?.map((e) => e.field)]).toEqual([422, 'UNPROCESSABLE', ['/quantity']]);
    const zero = await cancelLine(created.id, before.lines[1]!.id, { quantity: 0 });
    expect([zero.status, zero.body.errors?.map((e) => e.field)]).toEqual([422, ['/quantity']]);
    expect((await cancelLine(created.id, 'oln_nosuchline')).status).toBe(404);
    expect((await cancelLine('ord_nosuchorder', lineA.id)).status).toBe(404);
    await conserved('after a line cancel');
  });

  it('cancels part of a line, then the last open units: the order is CANCELLED through the whole-order path', async () => {
    const c = w.products[2]!.sku;
    const atpC = (await atp(c)).atp;
    const created = await createOrder(call, w.siteId, { externalId: 'LNC-2', lines: [{ sku: c, quantity: 4 }] });
    const line = (await allocated(created.id)).lines[0]!;
    // Over GraphQL (one REST command, the same answer).
    const part = await gqlClient(t.app, t.keys.manager)(`mutation($id: ID!, $lineId: ID!) { cancelOrderLine(id: $id, lineId: $lineId, quantity: 1) { __typename ... on Order { status } } }`,
      { id: created.id, lineId: line.id });
    expect(part.data.cancelOrderLine).toEqual({ __typename: 'Order', status: 'RECEIVED' });
    const after = await allocated(created.id);
    expect(after.lines[0]).toMatchObject({ ordered: 4, cancelled: 1, allocated: 3 });
    expect((await atp(c)).atp).toBe(atpC - 3);

    const last = await cancelLine(created.id, line.id, { reason: 'Out of budget' });
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'Out of budget' });
    expect(last.body.lines[0]).toMatchObject({ ordered: 4, cancelled: 4 });
    await t.settle();
    expect((await atp(c)).atp).toBe(atpC);
    expect((await t.get(`/api/v1/events?type=orders.order.cancelled.v1&subject=${created.id}`)).body.items).toHaveLength(1);
    // A cancelled order's lines answer with the order's code.
    const twice = await cancelLine(created.id, line.id);
    expect([twice.status, twice.body.code]).toEqual([409, 'ORDER_CANCELLED']);
    await conserved('after the last line was cancelled');
  });

  it('refuses once a wave has the order (409 ORDER_IN_FULFILMENT naming the wave and the ways out), changing nothing', async () => {
    const a = w.products[0]!.sku;
    const created = await createOrder(call, w.siteId, { externalId: 'LNC-3', lines: [{ sku: a, quantity: 1 }, { sku: w.products[1]!.sku, quantity: 1 }] });
    await allocated(created.id);
    const wave = await planAndReleasePooled(call, w.siteId, [created.id], 10);
    expect(wave.orderIds).toContain(created.id);
    await t.settle();
    const before = await order(created.id);
    const res = await cancelLine(created.id, before.lines[0]!.id);
    expect([res.status, res.body.code]).toEqual([409, 'ORDER_IN_FULFILMENT']);
    expect(res.body.detail).toMatch(new RegExp(`in wave ${wave.waveId}.*cancel the whole order.*short the line`));
    const now = await order(created.id);
    expect(now.version).toBe(before.version);
    expect(now.lines.map((l) => l.cancelled)).toEqual([0, 0]);
    // GraphQL's cancelOrderLine is the same operation: the same Conflict.
    const gql = await gqlClient(t.app, t.keys.manager)(`mutation($id: ID!, $lineId: ID!) { cancelOrderLine(id: $id, lineId: $lineId) { __typename ... on BusinessError { code } } }`,
      { id: created.id, lineId: before.lines[0]!.id });
    expect(gql.data.cancelOrderLine).toEqual({ __typename: 'Conflict', code: 'ORDER_IN_FULFILMENT' });
    // A clerk may not cancel lines (as for the whole order).
    expect((await t.request('POST', `/api/v1/orders/${created.id}/lines/${before.lines[0]!.id}/cancel`, { role: 'operator' })).status).toBe(403);
    // The whole order can still be cancelled.
    expect((await t.post(`/api/v1/orders/${created.id}/cancel`, {})).body.status).toBe('CANCELLED');
    await t.settle();
    await conserved('after a refused line cancel');
  });
});
