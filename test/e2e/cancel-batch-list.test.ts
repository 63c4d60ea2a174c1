/**
 * A cancel of one order of a batch pick list (one list, one task, lines of several orders), mid-pick: the other
 * order's lines are still picked, the picker's task and the list close, the wave completes, and the cancelled order's
 * picked units go back under a return whose MOVE task is claimable and completable. Stock conserved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, injectClient, orderStatus, receiveStock, setupWarehouse, until, untilPooled, type Call, type Warehouse } from '../support/flow-driver.ts';
import { expectLedgerConserved } from '../support/conservation.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let op: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.admin);
  op = injectClient(t.app, t.keys.operator);
  w = await setupWarehouse(call, { siteCode: 'CBATCH', aisles: 1, bays: 2, levels: 1, skus: 2 });
  await receiveStock(call, w, 30, 1);
}, 60_000);
afterAll(async () => t.close());

interface Line { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; picked: number; status: string; orderId?: string }

describe('cancel of one order of a batch pick list', () => {
  it('mid-pick: the other order is picked, the task and list close, the wave completes, the cancelled units go back', async () => {
    const sku = w.products[0]!.sku;
    const a = await createOrder(call, w.siteId, { externalId: 'CB-A', lines: [{ sku, quantity: 3 }] });
    const b = await createOrder(call, w.siteId, { externalId: 'CB-B', lines: [{ sku, quantity: 2 }] });
    for (const id of [a.id, b.id]) await until('allocated', () => orderStatus(call, id), (s) => s === 'ALLOCATED');
    await t.settle();
    await untilPooled(call, w.siteId, [a.id, b.id]);
    const wave = (await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 })).body;
    expect((await t.post(`/api/v1/waves/${wave.id}/release`, { pickStrategy: 'batch' })).status).toBe(200);
    await t.settle();
    const task = await until('task', async () => (await op('s', 'POST', '/api/v1/tasks/next', { workerId: 'w1', siteId: w.siteId })), (r) => r.status === 200);
    const taskId = task.body.id as string;
    expect((await op('s', 'POST', `/api/v1/tasks/${taskId}/start`, { workerId: 'w1' })).status).toBe(200);
    const list = (await op('s', 'GET', `/api/v1/pick-lists/${task.body.reference}`)).body as { id: string; lines: Line[] };
    // The first line picked in part, then order A is cancelled.
    const [first] = list.lines;
    const confirm = (l: Line, quantity: number) => op('s', 'POST', `/api/v1/pick-lists/${list.id}/lines/${l.id}/confirm`, {
      locationCode: l.locationCode ?? l.locationId, barcode: l.expectedBarcode ?? l.sku, quantity, toteId: 'TOTE-CB',
    });
    expect((await confirm(first!, 1)).status).toBe(200);
    await t.settle();
    expect((await t.post(`/api/v1/orders/${a.id}/cancel`, { reason: 'test' })).body.status).toBe('CANCELLED');
    await t.settle();
    // The picker picks what is still open.
    const after = (await op('s', 'GET', `/api/v1/pick-lists/${list.id}`)).body as { status: string; lines: Line[] };
    for (const l of after.lines) {
      if (l.status !== 'PENDING' || l.quantity - l.picked <= 0) continue;
      const res = await confirm(l, l.quantity - l.picked);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    await t.settle();
    const done = await op('s', 'POST', `/api/v1/tasks/${taskId}/complete`, { workerId: 'w1' });
    expect([200, 409], JSON.stringify(done.body)).toContain(done.status);
    await t.settle();
    const taskNow = (await op('s', 'GET', `/api/v1/tasks/${taskId}`)).body;
    expect(taskNow.status, JSON.stringify(taskNow)).toBe('COMPLETED');
    const listNow = (await op('s', 'GET', `/api/v1/pick-lists/${list.id}`)).body;
    expect(['COMPLETED', 'PARTIAL'], JSON.stringify(listNow)).toContain(listNow.status);
    await until('B picked', () => orderStatus(call, b.id), (s) => s === 'PICKED');
    await until('wave done', async () => (await t.get(`/api/v1/waves/${wave.id}`)).body.status, (s) => s === 'COMPLETED');
    // A's picked unit: under a return whose MOVE task a worker claims and completes by scanning the shelf.
    const returns = (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${a.id}`)).body.items as { id: string; quantity: number; status: string; suggestedLocationId: string }[];
    expect(returns.map((r) => [r.quantity, r.status])).toEqual([[1, 'OPEN']]);
    const move = (await op('s', 'POST', '/api/v1/tasks/next', { workerId: 'w2', siteId: w.siteId, types: ['MOVE'] })).body;
    expect(move).toMatchObject({ type: 'MOVE', reference: returns[0]!.id });
    expect((await op('s', 'POST', `/api/v1/tasks/${move.id}/start`, { workerId: 'w2' })).status).toBe(200);
    const confirmed = await op('s', 'POST', `/api/v1/inventory/returns/${returns[0]!.id}/confirm`, { locationId: returns[0]!.suggestedLocationId, workerId: 'w2' });
    expect(confirmed.body).toMatchObject({ status: 'COMPLETED', returned: 1, open: 0 });
    await t.settle();
    expect((await op('s', 'GET', `/api/v1/tasks/${move.id}`)).body.status).toBe('COMPLETED');
    // Nothing left to claim, nothing of A held; the ledger is its balances and B's 2 units are in its tote.
    expect((await op('s', 'POST', '/api/v1/tasks/next', { workerId: 'w3', siteId: w.siteId })).status).toBe(204);
    const summary = await expectLedgerConserved(t, w.siteId);
    expect(summary.get(sku)).toMatchObject({ onHand: 30, reserved: 0 });
  }, 30_000);
});
