/**
 * A booking with a remote carrier that PakLog never recorded because `paklog start` was SIGKILLed after the carrier had
 * booked the label and before the commit that records it (ADR 0056). The label was orphaned for good unless the same
 * client sent the same request again: billed at the carrier, unknown to PakLog, nothing to show for it. Now the call is
 * owed from a commit made before the carrier is asked, and after the restart the `pack-ship.carrier-calls` job asks
 * the carrier again with the same key and records the label it made: one label, no client retry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCarrier } from '../support/fake-carrier.ts';
import { createOrder, orderStatus, planAndReleasePooled, receiveStock, setupWarehouse, until, workTasks, type Call } from '../support/flow-driver.ts';
import { crashServer, type CrashServer } from '../support/crash-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'paklog-crash-carrier-'));
let s: CrashServer;
let fake: Awaited<ReturnType<typeof startFakeCarrier>>;

// The server is started in beforeAll.
const call: Call = (step, method, url, body) => s.call(step, method, url, body);

beforeAll(async () => {
  fake = await startFakeCarrier({ prefix: 'KC' });
  const file = join(dir, 'carriers.json');
  // A patient adapter: the booking waits for the carrier's late answer until the kill.
  writeFileSync(file, JSON.stringify({ carriers: [{ kind: 'rest', code: 'RESTCO', baseUrl: fake.url, timeoutMs: 60_000, services: [{ code: 'SAVER', name: 'Saver', transitDays: 3 }] }] }));
  s = await crashServer({
    env: {
      PAKLOG_CARRIERS_FILE: file,
      // The lease outlasts the patient adapter's timeout (checked at start); the test ends the killed process's lease itself.
      PAKLOG_CARRIER_CALL_LEASE_S: '90',
    },
  });
}, 120_000);

afterAll(async () => {
  await s?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('paklog start killed after the carrier booked a label and before PakLog recorded it', () => {
  it('records that label after the restart, asked again with the same key (one label at the carrier), with no retry from the client', async () => {
    const probe = new pg.Client({ connectionString: s.db.url });
    await probe.connect();
    try {
      const w = await setupWarehouse(call, { siteCode: 'CRCARR', aisles: 1, bays: 2, levels: 1, skus: 1 });
      await receiveStock(call, w, 5, 1);
      const order = await createOrder(call, w.siteId, { externalId: 'crash-carrier-1', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
      await until('allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
      await planAndReleasePooled(call, w.siteId, [order.id], 10);
      await workTasks(call, w.siteId, ['worker-1'], { expectedTasks: 1 });
      await until('picked', () => orderStatus(call, order.id), (s) => s === 'PICKED');
      expect((await call('pack', 'POST', '/api/v1/packages', { orderId: order.id })).status).toBe(201);

      // The carrier books at once and answers 30 s late: the server is killed before it hears.
      fake.delayNext(30_000, '/shipments');
      const booking = call('book', 'POST', '/api/v1/shipments', { orderId: order.id, carrier: 'RESTCO' }).catch((e: unknown) => e);
      await until('booked at the carrier', async () => fake.booked.size, (n) => n === 1);
      const label = [...fake.booked.keys()][0]!;
      const owed = await probe.query<{ state: string }>(`SELECT state FROM pack_ship.carrier_calls WHERE order_id = $1`, [order.id]);
      expect(owed.rows.map((r) => r.state)).toEqual(['OWED']);
      // A minute later, as far as the owed call and the job's last run are concerned (the killed process's lease is over).
      await probe.query(`UPDATE pack_ship.carrier_calls SET created_at = created_at - interval '5 minutes', leased_until = now() - interval '1 second' WHERE order_id = $1`, [order.id]);
      await probe.query(`UPDATE platform.job_runs SET last_run_at = now() - interval '1 hour' WHERE name = 'pack-ship.carrier-calls'`);
      await s.crash();
      await booking;

      const shipments = await until('recorded after the restart', async () => (await call<{ items: { status: string; trackingNumber: string }[] }>(
        'shipments', 'GET', `/api/v1/shipments?orderIds=${order.id}`)).body.items, (items) => items.length > 0, 30_000);
      expect(shipments.map((s) => [s.status, s.trackingNumber])).toEqual([['LABELLED', label]]);
      expect(fake.booked.size).toBe(1);
      expect(fake.calls.filter((c) => c.method === 'POST' && c.path === '/shipments')).toHaveLength(2);
      const settled = await probe.query<{ state: string; tracking_number: string }>(`SELECT state, tracking_number FROM pack_ship.carrier_calls WHERE order_id = $1`, [order.id]);
      expect(settled.rows).toEqual([{ state: 'DONE', tracking_number: label }]);
    } finally {
      await probe.end();
    }
  }, 120_000);
  it('a retry with the same key right after the restart books at once: the killed process\'s lease (90 s) is not waited out, the carrier answers the label it made (cancel6)', async () => {
    const probe = new pg.Client({ connectionString: s.db.url });
    await probe.connect();
    try {
      const w = await setupWarehouse(call, { siteCode: 'CRCARRY', aisles: 1, bays: 2, levels: 1, skus: 1 });
      await receiveStock(call, w, 5, 1);
      const order = await createOrder(call, w.siteId, { externalId: 'crash-carrier-2', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
      await until('allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
      await planAndReleasePooled(call, w.siteId, [order.id], 10);
      await workTasks(call, w.siteId, ['worker-1'], { expectedTasks: 1 });
      await until('picked', () => orderStatus(call, order.id), (s) => s === 'PICKED');
      expect((await call('pack', 'POST', '/api/v1/packages', { orderId: order.id })).status).toBe(201);

      const booked = fake.booked.size;
      const asked = (): number => fake.calls.filter((c) => c.method === 'POST' && c.path === '/shipments').length;
      const before = asked();
      // The carrier books at once and answers 30 s late: the server is killed mid-call, its lease held for 90 s.
      fake.delayNext(30_000, '/shipments');
      const key = 'crash-carrier-retry-1';
      const booking = s.attempt('/api/v1/shipments', { orderId: order.id, carrier: 'RESTCO' }, key);
      await until('booked at the carrier', async () => fake.booked.size, (n) => n === booked + 1);
      const label = [...fake.booked.keys()].at(-1)!;
      const owed = await probe.query<{ state: string; call_key: string; leased: boolean }>(
        `SELECT state, call_key, leased_until > now() + interval '60 seconds' AS leased FROM pack_ship.carrier_calls WHERE order_id = $1`, [order.id]);
      expect(owed.rows.map((r) => [r.state, r.leased])).toEqual([['OWED', true]]);
      await s.crash();
      expect(await booking).toBeUndefined();

      // The client sends the same request again at once: it books now, with the same key (the carrier's first label).
      const t0 = Date.now();
      const retry = await s.attempt('/api/v1/shipments', { orderId: order.id, carrier: 'RESTCO' }, key);
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect([retry?.status, retry?.body.status, retry?.body.trackingNumber]).toEqual([201, 'LABELLED', label]);
      expect(fake.booked.size).toBe(booked + 1);
      expect(asked() - before).toBe(2);
      const settled = await probe.query<{ state: string; call_key: string; tracking_number: string }>(
        `SELECT state, call_key, tracking_number FROM pack_ship.carrier_calls WHERE order_id = $1`, [order.id]);
      expect(settled.rows).toEqual([{ state: 'DONE', call_key: owed.rows[0]!.call_key, tracking_number: label }]);
    } finally {
      await probe.end();
    }
  }, 120_000);
});
