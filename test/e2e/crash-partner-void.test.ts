/**
 * `paklog start` SIGKILLed while a remote carrier holds its answer to a call it carried out (ADR 0056):
 * - a label void (the carrier voided the label, PakLog had not recorded it): the client's retry with the same
 *   Idempotency-Key answers the void; with no retry the label-voids job records it, and the client's retry after that
 *   answers the voided shipment too (it was 409 ILLEGAL_TRANSITION); the packages are booked anew and ship;
 * - a booking the carrier-calls job recorded after the restart: the client's retry with the same key answers that
 *   shipment (it was 409 NOTHING_TO_SHIP), another key is refused, one label at the carrier.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCarrier } from '../support/fake-carrier.ts';
import { createOrder, orderStatus, planAndReleasePooled, receiveStock, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type CrashServer } from '../support/crash-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'paklog-crash-void-'));
let s: CrashServer;
let fake: Awaited<ReturnType<typeof startFakeCarrier>>;
let probe: pg.Client;
let w: Warehouse;

const call: Call = (step, method, url, body) => s.call(step, method, url, body);

interface Shipment { id: string; status: string; trackingNumber: string; carrier: string; packageIds: string[] }

beforeAll(async () => {
  fake = await startFakeCarrier({ prefix: 'KV' });
  const file = join(dir, 'carriers.json');
  writeFileSync(file, JSON.stringify({ carriers: [{ kind: 'rest', code: 'RESTCO', baseUrl: fake.url, timeoutMs: 60_000, services: [{ code: 'SAVER', name: 'Saver', transitDays: 3 }] }] }));
  s = await crashServer({
    env: {
      PAKLOG_CARRIERS_FILE: file, PAKLOG_CARRIER_CALL_LEASE_S: '90',
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

describe('paklog start killed while a remote carrier holds its answer to a call it carried out', () => {
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
    const key = randomUUID();
    const asked = s.attempt(`/api/v1/shipments/${shipment.id}/void`, {}, key);
    await until('voided at the carrier', async () => fake.booked.has(shipment.trackingNumber), (b) => !b);
    // A minute later, as far as the owed void and the job's last run are concerned.
    await probe.query(`UPDATE pack_ship.shipments SET void_asked_at = void_asked_at - interval '5 minutes' WHERE id = $1`, [shipment.id]);
    await probe.query(`UPDATE platform.job_runs SET last_run_at = now() - interval '1 hour' WHERE name = 'pack-ship.label-voids'`);
    await s.crash();
    await asked;
    const after = await until('recorded after the restart', () => shipmentsOf(orderId), (xs) => xs.some((x) => x.id === shipment.id && x.status === 'VOIDED'), 30_000);
    expect(after.map((x) => x.status)).toEqual(['VOIDED']);
    // The client comes back later with the same key: answered with the void the first request asked for, not refused.
    const retried = await s.attempt(`/api/v1/shipments/${shipment.id}/void`, {}, key);
    expect(retried?.status, JSON.stringify(retried?.body)).toBe(200);
    expect(retried?.body).toMatchObject({ id: shipment.id, status: 'VOIDED' });
    expect(await s.attempt(`/api/v1/shipments/${shipment.id}/void`, {}, key)).toEqual(retried);
    await rebookAndShip(orderId);
    const open = (await call<{ items: { kind: string; subject: string }[] }>('exceptions', 'GET', `/api/v1/exceptions?siteId=${w.siteId}&status=OPEN`)).body.items;
    expect(open.filter((x) => x.subject === shipment.id || x.subject === orderId)).toEqual([]);
  }, 60_000);

  it('a booking the carrier-calls job recorded after the restart: the client\'s retry with the same key, a minute later, answers that shipment', async () => {
    const order = await createOrder(call, w.siteId, { externalId: 'crash-book-late', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, order.id), (x) => x === 'ALLOCATED');
    await planAndReleasePooled(call, w.siteId, [order.id], 10);
    await workTasks(call, w.siteId, ['worker-1'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(call, order.id), (x) => x === 'PICKED');
    expect((await call('pack', 'POST', '/api/v1/packages', { orderId: order.id })).status).toBe(201);
    const before = fake.booked.size;
    fake.delayNext(30_000, '/shipments');
    const key = randomUUID();
    const body = { orderId: order.id, carrier: 'RESTCO' };
    const booking = s.attempt('/api/v1/shipments', body, key);
    await until('booked at the carrier', async () => fake.booked.size, (x) => x === before + 1);
    await probe.query(`UPDATE pack_ship.carrier_calls SET created_at = created_at - interval '5 minutes', leased_until = now() - interval '1 second' WHERE order_id = $1`, [order.id]);
    await probe.query(`UPDATE platform.job_runs SET last_run_at = now() - interval '1 hour' WHERE name = 'pack-ship.carrier-calls'`);
    await s.crash();
    expect(await booking).toBeUndefined();
    const recorded = await until('recorded by the job', () => shipmentsOf(order.id), (xs) => xs.length === 1 && xs[0]!.status === 'LABELLED', 30_000);
    const retried = await s.attempt('/api/v1/shipments', body, key);
    expect(retried?.status, JSON.stringify(retried?.body)).toBe(201);
    expect(retried?.body).toMatchObject({ id: recorded[0]!.id, status: 'LABELLED', trackingNumber: recorded[0]!.trackingNumber });
    expect(await s.attempt('/api/v1/shipments', body, key)).toEqual(retried);
    // Another key is another request: nothing left to ship.
    const other = await s.attempt('/api/v1/shipments', body, randomUUID());
    expect([other?.status, other?.body?.code]).toEqual([409, 'NOTHING_TO_SHIP']);
    expect(fake.booked.size).toBe(before + 1);
  }, 90_000);
});
