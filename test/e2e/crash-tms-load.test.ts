/**
 * `paklog start` SIGKILLed while the TMS holds its answer to a load it booked (ADR 0039): after the restart the
 * partner-delivery job sends the booking again under the same Idempotency-Key once the dead attempt's lease is over:
 * one load at the TMS, recorded once on the shipment; the ERP's shipment confirmation once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakePartner } from '../support/fake-partner.ts';
import { createOrder, orderStatus, planAndReleasePooled, receiveStock, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type CrashServer } from '../support/crash-server.ts';

const TMS_TOKEN = 'tms-token-crash';
const ERP_TOKEN = 'erp-token-crash';
const tms = new FakePartner(TMS_TOKEN);
const erp = new FakePartner(ERP_TOKEN);
let s: CrashServer;
let w: Warehouse;

const call: Call = (step, method, url, body) => s.call(step, method, url, body);

interface Shipment { id: string; status: string; trackingNumber: string }

beforeAll(async () => {
  await tms.start();
  await erp.start();
  s = await crashServer({
    env: {
      PAKLOG_TMS: 'rest', PAKLOG_TMS_URL: tms.url, PAKLOG_TMS_TOKEN: TMS_TOKEN,
      PAKLOG_ERP: 'rest', PAKLOG_ERP_URL: erp.url, PAKLOG_ERP_TOKEN: ERP_TOKEN,
      // The lease of a message being sent is the timeout + 10 s: the kill's attempt holds it that long.
      PAKLOG_PARTNER_TICK_MS: '100', PAKLOG_PARTNER_RETRY_BASE_MS: '100', PAKLOG_PARTNER_RETRY_MAX_MS: '500', PAKLOG_PARTNER_TIMEOUT_MS: '1000',
    },
  });
  w = await setupWarehouse(call, { siteCode: 'CRTMSLOAD', aisles: 1, bays: 2, levels: 1, skus: 1 });
  await receiveStock(call, w, 5, 1);
}, 120_000);

afterAll(async () => {
  await s?.close();
  await tms.stop();
  await erp.stop();
});

/** Books the order's packages with the own fleet and dispatches them: the order ships. */
async function rebookAndShip(orderId: string): Promise<Shipment> {
  const again = await call<Shipment>('book', 'POST', '/api/v1/shipments', { orderId, carrier: 'OWN_FLEET' });
  expect(again.status, JSON.stringify(again.body)).toBe(201);
  const sent = await call('dispatch', 'POST', `/api/v1/shipments/${again.body.id}/dispatch`);
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  await until('shipped', () => orderStatus(call, orderId), (x) => x === 'SHIPPED');
  return again.body;
}

describe('paklog start killed while the TMS holds its answer to a load it booked', () => {
  it('a TMS load the TMS booked before PakLog recorded it: sent again under the same key after the restart, one load, recorded once', async () => {
    const release = tms.holdNext('/loads');
    const order = await createOrder(call, w.siteId, { externalId: 'crash-tms-1', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, order.id), (x) => x === 'ALLOCATED');
    await planAndReleasePooled(call, w.siteId, [order.id], 10);
    await workTasks(call, w.siteId, ['worker-1'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(call, order.id), (x) => x === 'PICKED');
    expect((await call('pack', 'POST', '/api/v1/packages', { orderId: order.id })).status).toBe(201);
    const shipped = await rebookAndShip(order.id);
    await until('taken by the TMS', async () => tms.of('/loads').filter((m) => m.key === `load.${shipped.id}`).length, (n) => n === 1);
    await s.crash();
    release();
    interface Message { id: string; partner: string; status: string; result: Record<string, unknown> | null }
    const delivered = await until('delivered after the restart', async () =>
      (await call<{ items: Message[] }>('messages', 'GET', `/api/v1/integrations/partner-messages?subject=${shipped.id}`)).body.items,
    (ms) => ms.length === 2 && ms.every((m) => m.status === 'DELIVERED'), 40_000);
    const load = delivered.find((m) => m.partner === 'TMS')!;
    const key = `load.${shipped.id}`;
    expect(tms.of('/loads').filter((m) => m.key === key)).toHaveLength(1);
    const loadId = `LD-${[...tms.accepted.keys()].indexOf(key) + 100001}`;
    expect(load.result).toEqual({ loadId, status: 'TENDERED' });
    expect((await call<{ loadId: string }>('load', 'GET', `/api/v1/integrations/tms/loads/${shipped.id}`)).body.loadId).toBe(loadId);
    const unbooked = (await call<{ items: { shipmentId: string }[] }>('unbooked', 'GET', '/api/v1/integrations/tms/loads?booked=false')).body.items;
    expect(unbooked.filter((l) => l.shipmentId === shipped.id)).toEqual([]);
    expect(erp.of('/shipment-confirmations').filter((m) => (m.body.data as { shipmentId: string }).shipmentId === shipped.id)).toHaveLength(1);
  }, 90_000);
});
