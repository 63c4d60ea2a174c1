/**
 * Issue 8 acceptance (c), the broker of a split deployment (gateway + three services on their own databases, NATS)
 * stopped for 30 s mid-flow (a private nats-server, so no other test is disturbed): commands keep committing, their
 * events wait in the outboxes, and everything drains once it is back. With CI=true a missing nats-server fails the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reachable } from '../support/brokers.ts';
import { harness, round } from '../support/chaos.ts';
import { createOrder, planAndRelease, receiveStock, setupWarehouse, until, workTasks } from '../support/flow-driver.ts';
import { freePort } from '../support/paklog-process.ts';
import { packAndShipWhenReady, startSplitCluster, type SplitCluster } from '../support/split-cluster.ts';
import { databases, expectConserved, withPostMortem } from '../support/split-faults.ts';

const OUTAGE_MS = Number(process.env.PAKLOG_SPLIT_OUTAGE_MS ?? 30_000);
const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a split deployment whose broker stops for a while', () => {
  let cluster: SplitCluster | undefined;
  let nats: ChildProcess | undefined;
  let port = 0;
  const store = mkdtempSync(join(tmpdir(), 'paklog-split-nats-'));
  const drops: (() => Promise<void>)[] = [];
  const startNats = async (): Promise<void> => {
    if (NATS_SERVER === undefined) throw new Error('nats-server is not installed');
    nats = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], { stdio: 'ignore' });
    await until('private nats-server', () => reachable(`127.0.0.1:${port}`), (ok) => ok, 20_000);
  };
  const stopNats = async (): Promise<void> => {
    const c = nats;
    nats = undefined;
    if (c === undefined || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  beforeAll(async () => {
    port = await freePort();
    try {
      await startNats();
    } catch (e) {
      if (process.env.CI === 'true') throw e;
      return;
    }
    cluster = await startSplitCluster({ bus: 'nats', databases: await databases(drops), extraEnv: { NATS_URL: `nats://127.0.0.1:${port}` } });
  }, 180_000);
  afterAll(async () => {
    await cluster?.close();
    await stopNats();
    rmSync(store, { recursive: true, force: true });
    await Promise.all(drops.map((d) => d()));
  }, 60_000);

  it(`keeps committing while the broker is down for ${OUTAGE_MS / 1000} s, and drains everything once it is back`, async (ctx) => {
    if (cluster === undefined) return ctx.skip();
    const h = await harness(cluster);
    await withPostMortem(cluster, h, async () => {
      const w = await setupWarehouse(h.call, { siteCode: 'OUT', aisles: 2, bays: 4, levels: 1, skus: 3 });
      await receiveStock(h.call, w, 100, 2);
      await round(h, w, 'OUT-before', 4);

      await stopNats();
      const downAt = Date.now();
      // Commands keep committing: intake answers 201, the orders wait (their events are in the outbox).
      const during: string[] = [];
      for (let i = 0; Date.now() - downAt < OUTAGE_MS; i++) {
        const lines = [{ sku: w.products[i % 3]!.sku, quantity: 1 }];
        const order = await createOrder(h.call, w.siteId, { externalId: `OUT-during-${i}`, lines });
        during.push(order.id);
        h.orders.push({ id: order.id, lines });
        await sleep(1_000);
      }
      expect(during.length).toBeGreaterThan(5);
      for (const id of during) expect((await h.get(`/api/v1/orders/${id}`)).status).toBe('RECEIVED');
      await startNats();

      // Everything drains: the orders taken during the outage are allocated, then carried to shipment.
      for (const id of during) await until(`order ${id} allocated after the outage`, async () => (await h.get(`/api/v1/orders/${id}`)).status, (s) => s === 'ALLOCATED', 120_000);
      await until('the pool holds them', async () => new Set((await h.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`)).items
        .map((o: { orderId: string }) => o.orderId)), (pool) => during.every((id) => pool.has(id)), 120_000);
      const wave = await planAndRelease(h.call, w.siteId, 100);
      expect([...wave.orderIds].sort()).toEqual([...during].sort());
      const count = (await until('pick lists', async () => (await h.get(`/api/v1/pick-lists?waveId=${wave.waveId}&limit=100`)).items as unknown[], (l) => l.length > 0, 120_000)).length;
      await workTasks(h.floor, w.siteId, ['w1'], { expectedTasks: count });
      for (const id of during) await packAndShipWhenReady(h.floor, id);
      for (const id of during) await until(`order ${id} shipped`, async () => (await h.get(`/api/v1/orders/${id}`)).status, (s) => s === 'SHIPPED', 120_000);
      await expectConserved(h, w, 200);
    });
  }, 600_000);
});
