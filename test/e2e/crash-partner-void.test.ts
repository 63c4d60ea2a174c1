/**
 * `paklog start` SIGKILLed while a partner holds its answer to a call it carried out (ADR 0056, ADR 0039):
 * - a remote carrier's label void (the carrier voided the label, PakLog had not recorded it): the client's retry with
 *   the same Idempotency-Key answers the void, and with no retry the label-voids job records it; the packages are
 *   booked anew and ship;
 * - a TMS load booking (the TMS booked the load, PakLog had not recorded its id): after the restart the delivery job
 *   sends it again under the same key, one load at the TMS, recorded once; the ERP's confirmation once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCarrier } from '../support/fake-carrier.ts';
import { FakePartner } from '../support/fake-partner.ts';
import { createOrder, orderStatus, planAndReleasePooled, receiveStock, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type CrashServer } from '../support/crash-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'paklog-crash-void-'));
const TMS_TOKEN = 'tms-token-crash';
const ERP_TOKEN = 'erp-token-crash';
const tms = new FakePartner(TMS_TOKEN);
const erp = new FakePartner(ERP_TOKEN);
let s: CrashServer;
let fake: Awaited<ReturnType<typeof startFakeCarrier>>;
let probe: pg.Client;
let w: Warehouse;

const call: Call = (step, method, url, body) => s.call(step, method, url, body);

interface Shipment { id: string; status: string; trackingNumber: string; carrier: string; packageIds: string[] }

beforeAll(async () => {
  fake = await startFakeCarrier({ prefix: 'KV' });
  await tms.start();
  await erp.start();
  const file = join(dir, 'carriers.json');
  writeFileSync(file, JSON.stringify({ carriers: [{ kind: 'rest', code: 'RESTCO', baseUrl: fake.url, timeoutMs: 60_000, services: [{ code: 'SAVER', name: 'Saver', transitDays: 3 }] }] }));
  s = await crashServer({
    env: {
      PAKLOG_CARRIERS_FILE: file, PAKLOG_CARRIER_CALL_LEASE_S: '90',
      PAKLOG_TMS: 'rest', PAKLOG_TMS_URL: tms.url, PAKLOG_TMS_TOKEN: TMS_TOKEN, PAKLOG_TMS_CARRIERS: 'OWN_FLEET',
      PAKLOG_ERP: 'rest', PAKLOG_ERP_URL: erp.url, PAKLOG_ERP_TOKEN: ERP_TOKEN,
      PAKLOG_PARTNER_TICK_MS: '100', PAKLOG_PARTNER_RETRY_BASE_MS: '100', PAKLOG_PARTNER_RETRY_MAX_MS: '500', PAKLOG_PARTNER_TIMEOUT_MS: '2000',
    },
  });
  probe = new pg.Client({ connectionString: s.db.url });
  await probe.connect();
  w = await setupWarehouse(call, { siteCode: 'CRVOIDTMS', aisles: 1, bays: 4, levels: 1, skus: 1 });
  await receiveStock(call, w, 10, 1);
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await s?.close();
  await fake?.close();
  await tms.stop();
  await erp.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** An order of one unit picked, packed and labelled by RESTCO. */
async function labelled(externalId: string): Promise<{ orderId: string; shipment: Shipment }> {
  const order = await createOrder(call, w.siteId, { externalId, lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
  await until('allocated', () => orderStatus(call, order.id), (x) => x === 'ALLOCATED');
  await planAndReleasePooled(call, w.siteId, [order.id], 10);
  await workTasks(call, w.siteId, ['worker-1'], { expectedTasks: 1 });
  await until('picked', () => orderStatus(call, order.id), (x) => x === 'PICKED');
  expect((await call('pack', 'POST', '/api/v1/packages', { orderId: order.id })).status).toBe(201);
  const booked = await call<Shipment>('book', 'POST', '/api/v1/shipments', { orderId: order.id, carrier: 'RESTCO' });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  expect(fake.booked.has(booked.body.trackingNumber)).toBe(true);
  return { orderId: order.id, shipment: booked.body };
}

/** Books the order's packages anew with the own fleet and dispatches them: the order ships. */
async function rebookAndShip(orderId: string): Promise<Shipment> {
  const again = await call<Shipment>('book again', 'POST', '/api/v1/shipments', { orderId, carrier: 'OWN_FLEET' });
  expect(again.status, JSON.stringify(again.body)).toBe(201);
  const sent = await call('dispatch', 'POST', `/api/v1/shipments/${again.body.id}/dispatch`);
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  await until('shipped', () => orderStatus(call, orderId), (x) => x === 'SHIPPED');
  return again.body;
}

const shipmentsOf = async (orderId: string): Promise<Shipment[]> =>
  (await call<{ items: Shipment[] }>('shipments', 'GET', `/api/v1/shipments?orderIds=${orderId}`)).body.items;

describe('paklog start killed while a partner holds its answer to a call it carried out', () => {
  it('a label void the carrier carried out: the retry with the same key answers it VOIDED; the packages ship under a new label', async () => {
    const { orderId, shipment } = await labelled('crash-void-1');
    // The carrier voids at once and answers 30 s late: the server is killed before it hears.
    fake.delayNext(30_000, '/shipments/');
    const voided = await s.killedDuring(`/api/v1/shipments/${shipment.id}/void`, {}, async () => !fake.booked.has(shipment.trackingNumber));
    expect(voided.status, JSON.stringify(voided.body)).toBe(200);
    expect(voided.body).toMatchObject({ id: shipment.id, status: 'VOIDED' });
    const again = await rebookAndShip(orderId);
    expect((await shipmentsOf(orderId)).map((x) => [x.id, x.status]).sort()).toEqual([[shipment.id, 'VOIDED'], [again.id, 'DISPATCHED']].sort());
    expect(fake.calls.filter((c) => c.method === 'POST' && c.path === '/shipments')).toHaveLength(1);
  }, 60_000);

  it('a label void the carrier carried out, never retried: the label-voids job records it after the restart; the packages ship under a new label', async () => {
    const { orderId, shipment } = await labelled('crash-void-2');
    fake.delayNext(30_000, '/shipments/');
    const asked = call('void', 'POST', `/api/v1/shipments/${shipment.id}/void`).catch((e: unknown) => e);
    await until('voided at the carrier', async () => fake.booked.has(shipment.trackingNumber), (b) => !b);
    // A minute later, as far as the owed void and the job's last run are concerned.
    await probe.query(`UPDATE pack_ship.shipments SET void_asked_at = void_asked_at - interval '5 minutes' WHERE id = $1`, [shipment.id]);
    await probe.query(`UPDATE platform.job_runs SET last_run_at = now() - interval '1 hour' WHERE name = 'pack-ship.label-voids'`);
    await s.crash();
    await asked;
    const after = await until('recorded after the restart', () => shipmentsOf(orderId), (xs) => xs.some((x) => x.id === shipment.id && x.status === 'VOIDED'), 30_000);
    expect(after.map((x) => x.status)).toEqual(['VOIDED']);
    await rebookAndShip(orderId);
    const open = (await call<{ items: { kind: string; subject: string }[] }>('exceptions', 'GET', `/api/v1/exceptions?siteId=${w.siteId}&status=OPEN`)).body.items;
    expect(open.filter((x) => x.subject === shipment.id || x.subject === orderId)).toEqual([]);
  }, 60_000);

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
