import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { OrderEvents, type OrderReceived } from '../../contracts/orders.ts';
import { PickingEvents, type LinePicked, type PickListCompleted } from '../../contracts/picking.ts';

// A tiny pool: a command that holds its transaction's connection and asks the pool for a second one (a catalog read,
// a tracking number) waits forever once every connection is held by such a command.
const POOL = 2;
let t: TestApp;
const siteId = 'sit_pool';

beforeAll(async () => {
  t = await startTestApp({ env: { PAKLOG_DB_POOL_SIZE: String(POOL) } });
  await t.post('/api/v1/products', { sku: 'MUG', description: 'Mug', lengthMm: 120, widthMm: 90, heightMm: 100, weightG: 350 });
});
afterAll(async () => {
  await t.close();
});

async function pickedOrder(orderId: string): Promise<void> {
  const lineId = `oln_${orderId}`;
  const received: OrderReceived = { orderId, externalId: orderId, siteId, carrier: 'OWN_FLEET', priority: 5, lines: [{ lineId, lineNo: 1, sku: 'MUG', quantity: 1 }] };
  const picked: LinePicked = {
    pickListId: `pkl_${orderId}`, pickLineId: `pln_${orderId}`, orderId, lineId, reservationId: `rsv_${orderId}`,
    siteId, sku: 'MUG', locationId: 'loc_1', lot: null, quantity: 1, toteId: 'T1',
  };
  const done: PickListCompleted = { pickListId: `pkl_${orderId}`, waveId: 'wav_1', siteId, orderIds: [orderId], status: 'COMPLETED' };
  await t.app.db.tx((tx) => t.app.bus.append(tx, 'orders', [{ type: OrderEvents.received, subject: orderId, siteId, data: received }]));
  await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [
    { type: PickingEvents.linePicked, subject: `pkl_${orderId}`, siteId, data: picked },
    { type: PickingEvents.listCompleted, subject: `pkl_${orderId}`, siteId, data: done },
  ]));
}

const withinSeconds = <T>(p: Promise<T>, s: number): Promise<T | 'hung'> =>
  Promise.race([p, new Promise<'hung'>((r) => setTimeout(() => r('hung'), s * 1000))]);

describe('pack & ship under a full connection pool', () => {
  it('packs and ships more orders at once than the pool has connections, without hanging', async () => {
    const orders = Array.from({ length: POOL * 3 }, (_, i) => `ord_pool${i}`);
    for (const o of orders) await pickedOrder(o);
    await t.settle();

    const packed = await withinSeconds(Promise.all(orders.map((orderId) => t.post('/api/v1/packages', { orderId }, 'operator'))), 10);
    expect(packed).not.toBe('hung');
    if (packed !== 'hung') expect(packed.map((r) => r.status)).toEqual(orders.map(() => 201));

    const shipped = await withinSeconds(Promise.all(orders.map((orderId) => t.post('/api/v1/shipments', { orderId }, 'operator'))), 10);
    expect(shipped).not.toBe('hung');
    if (shipped !== 'hung') expect(shipped.map((r) => r.status)).toEqual(orders.map(() => 201));
  }, 30_000);
});
