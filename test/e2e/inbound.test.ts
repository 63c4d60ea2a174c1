import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOrder, injectClient, orderStatus, packAndShip, setupWarehouse, until, workTasks, type Call } from '../support/flow-driver.ts';

/**
 * Inbound to outbound through HTTP only (issue 11): an ASN, received with a discrepancy (short and a damaged unit) at
 * the dock, put away by scan from a PUTAWAY task, then ordered, picked, packed and shipped.
 */
let t: TestApp;
let manager: Call;
let operator: Call;

beforeAll(async () => {
  t = await startTestApp();
  manager = injectClient(t.app, t.keys.manager);
  operator = injectClient(t.app, t.keys.operator);
});
afterAll(async () => {
  await t.close();
});

describe('inbound: ASN → receive with a discrepancy → putaway by scan → pick → ship', () => {
  it('takes stock from the dock to a shipped order, and the ASN reports what differed', async () => {
    const w = await setupWarehouse(manager, { siteCode: 'IN', aisles: 1, bays: 3, levels: 1, skus: 1 });
    const sku = w.products[0]!.sku;

    // The supplier announces 12; the planner registers the ASN.
    const asn = await manager('create asn', 'POST', '/api/v1/inventory/asns', { siteId: 'IN', supplier: 'Stoneware Ltd', reference: 'DN-77', lines: [{ sku, quantity: 12 }] });
    expect(asn.status).toBe(201);
    const asnId: string = asn.body.id;

    // At the dock: 10 good units arrive; 3 more (one more than the ASN still expects) are refused. Nothing can be promised yet.
    const good = await operator('receive', 'POST', `/api/v1/inventory/asns/${asnId}/receipts`, { sku, quantity: 10 });
    expect(good.status).toBe(201);
    const over = await operator('receive too many', 'POST', `/api/v1/inventory/asns/${asnId}/receipts`, { sku, quantity: 3 });
    expect([over.status, over.body.code]).toEqual([409, 'OVER_RECEIPT']);
    const dockCode = (await manager('dock', 'GET', `/api/v1/locations/${good.body.locationId}`)).body.code;
    expect(dockCode).toBe('IN-RCV-01');
    await t.settle();
    const atp = async () => (await manager('atp', 'GET', `/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`)).body.items[0].atp;
    expect(await atp()).toBe(0);

    // A worker is handed the PUTAWAY task, goes to the suggested location and scans it.
    const task = await until('putaway task', async () => operator('next task', 'POST', '/api/v1/tasks/next', { workerId: 'stocker-1', siteId: w.siteId, types: ['PUTAWAY'] }),
      (r) => r.status === 200);
    expect(task.body).toMatchObject({ type: 'PUTAWAY', reference: good.body.putaway.id, locationId: good.body.locationId });
    expect((await operator('start', 'POST', `/api/v1/tasks/${task.body.id}/start`, { workerId: 'stocker-1' })).status).toBe(200);
    const putaway = (await operator('get putaway', 'GET', `/api/v1/inventory/putaways/${task.body.reference}`)).body;
    expect(putaway.suggestedLocationId).not.toBeNull();
    const target = (await operator('location', 'GET', `/api/v1/locations/${putaway.suggestedLocationId}`)).body;
    expect(['PICK_FACE', 'RESERVE', 'STORAGE']).toContain(target.type);
    const wrong = await operator('scan dock', 'POST', `/api/v1/inventory/putaways/${putaway.id}/confirm`, { locationCode: dockCode, workerId: 'stocker-1' });
    expect([wrong.status, wrong.body.code]).toEqual([422, 'UNPROCESSABLE']);
    const done = await operator('confirm putaway', 'POST', `/api/v1/inventory/putaways/${putaway.id}/confirm`, { locationCode: target.code, workerId: 'stocker-1' });
    expect(done.body).toMatchObject({ status: 'COMPLETED', putAway: 10, confirmedLocationId: target.id, confirmedBy: 'stocker-1' });
    await t.settle();
    expect((await operator('task', 'GET', `/api/v1/tasks/${task.body.id}`)).body.status).toBe('COMPLETED');
    expect(await atp()).toBe(10);

    // The last unit of the delivery is damaged: received as DAMAGED, never promised. The dock closes the ASN: one short, one damaged.
    const damaged = await operator('receive damaged', 'POST', `/api/v1/inventory/asns/${asnId}/receipts`, { sku, quantity: 1, status: 'DAMAGED' });
    expect(damaged.body).toMatchObject({ status: 'DAMAGED', putaway: { stockStatus: 'DAMAGED' } });
    expect(await atp()).toBe(10);
    const closed = await manager('close asn', 'POST', `/api/v1/inventory/asns/${asnId}/close`, {});
    expect(closed.body.discrepancies.map((d: { kind: string; quantity: number }) => [d.kind, d.quantity])).toEqual([['UNDER', 1], ['DAMAGED', 1]]);
    await t.settle();
    const closedEvents = await manager('events', 'GET', `/api/v1/events?type=inventory.asn.closed.v1&subject=${asnId}`);
    expect(closedEvents.body.items).toHaveLength(1);

    // An order for the put-away SKU is allocated, waved, picked from where the units were put, packed and shipped.
    const order = await createOrder(manager, w.siteId, { externalId: 'IN-1', lines: [{ sku, quantity: 4 }] });
    await until('order allocated', () => orderStatus(manager, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    const wave = await manager('plan wave', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(wave.body.orderIds).toEqual([order.id]);
    expect((await manager('release', 'POST', `/api/v1/waves/${wave.body.id}/release`)).status).toBe(200);
    await t.settle();
    const reservations = (await manager('reservations', 'GET', `/api/v1/inventory/reservations?orderId=${order.id}`)).body.items;
    expect(reservations.map((r: { locationId: string }) => r.locationId)).toEqual([target.id]);
    await workTasks(operator, w.siteId, ['picker-1'], { expectedTasks: 1 });
    await until('order picked', () => orderStatus(manager, order.id), (s) => s === 'PICKED');
    await t.settle();
    await packAndShip(manager, order.id);
    await until('order shipped', () => orderStatus(manager, order.id), (s) => s === 'SHIPPED');
    await t.settle();

    // The ledger adds up: 11 received (10 good, 1 damaged), 4 shipped, 7 on hand; nothing reserved or allocated.
    const summary = (await manager('summary', 'GET', `/api/v1/inventory/summary?siteId=${w.siteId}&sku=${sku}`)).body.items[0];
    expect(summary).toMatchObject({ received: 11, shipped: 4, adjusted: 0, onHand: 7, ledgerOnHand: 7, reserved: 0, allocated: 0, onHandAvailable: 6 });
    expect(await atp()).toBe(6);
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
  });
});
