/**
 * Issue 8 acceptance (c), faults in a split deployment (gateway + three services on their own databases, NATS):
 *  1. kill -9 of a random service process at random moments, ≥ 50 times (PAKLOG_SPLIT_KILLS) while orders flow from
 *     intake to shipment, each process restarted at once: no unit, order or event lost or duplicated.
 *  2. the broker stopped for 30 s mid-flow (a private nats-server, so no other test is disturbed): commands keep
 *     committing, their events wait in the outboxes, and everything drains once it is back.
 * Clients retry through the gateway with the same Idempotency-Key (test/support/split-cluster.ts, resilientClient).
 * With CI=true a missing broker fails the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerReachable, reachable } from '../support/brokers.ts';
import { conservation, diagnose, harness, round, runChaos, spread, splitTarget, type Harness } from '../support/chaos.ts';
import { createOrder, planAndRelease, receiveStock, setupWarehouse, until, workTasks, type Warehouse } from '../support/flow-driver.ts';
import { freePort } from '../support/paklog-process.ts';
import { packAndShipWhenReady, startSplitCluster, type SplitCluster } from '../support/split-cluster.ts';
import { createTestDatabase } from '../support/test-database.ts';

const KILLS = Number(process.env.PAKLOG_SPLIT_KILLS ?? 50);
const OUTAGE_MS = Number(process.env.PAKLOG_SPLIT_OUTAGE_MS ?? 30_000);
const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Nothing lost or duplicated: orders, events, units (test/support/chaos.ts). */
async function expectConserved(h: Harness, w: Warehouse, receivedPerSku: number): Promise<void> {
  const report = await conservation(h, w, receivedPerSku);
  expect(report.problems).toEqual([]);
  expect(report.orders).toBe(h.orders.length);
}

/**
 * `fn`, and if it fails the cluster's post-mortem (outboxes, dead letters, inboxes, the stuck round's wave and its
 * events, the broker's consumers, the processes' last warnings) printed before anything is stopped or dropped.
 */
async function withPostMortem(cluster: SplitCluster, h: Harness, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    console.error(await diagnose(splitTarget(cluster), h).catch((d: unknown) => `post-mortem failed: ${(d as Error).message}`));
    throw e;
  }
}

async function databases(drops: (() => Promise<void>)[]): Promise<{ gateway: string; services: string[] }> {
  const dbs = await Promise.all([0, 1, 2, 3].map(() => createTestDatabase()));
  // PAKLOG_KEEP_DATABASES=1 leaves them for a post-mortem (their URLs are printed).
  if (process.env.PAKLOG_KEEP_DATABASES === '1') console.log(`split databases: ${dbs.map((d) => d.url).join(' ')}`);
  else drops.push(...dbs.map((d) => d.drop));
  return { gateway: dbs[0]!.url, services: dbs.slice(1).map((d) => d.url) };
}

describe('a split deployment whose services are killed with SIGKILL', () => {
  let cluster: SplitCluster | undefined;
  const drops: (() => Promise<void>)[] = [];
  let up = true;
  beforeAll(async () => {
    up = await brokerReachable('nats');
    if (!up) {
      if (process.env.CI === 'true') throw new Error('NATS is not reachable; CI needs it (.ci/run starts it)');
      return;
    }
    cluster = await startSplitCluster({ bus: 'nats', databases: await databases(drops), standby: true });
  }, 180_000);
  afterAll(async () => {
    await cluster?.close();
    await Promise.all(drops.map((d) => d()));
  }, 60_000);

  it(`loses and duplicates nothing across ${KILLS} kills at random moments`, async (ctx) => {
    if (!up) return ctx.skip();
    const h = await harness(cluster!);
    await withPostMortem(cluster!, h, async () => {
      const w = await setupWarehouse(h.call, { siteCode: 'KILL', aisles: 2, bays: 6, levels: 1, skus: 4 });
      await receiveStock(h.call, w, 300, 2);
      // One service down at a time: a kill at a random moment 0.1–1.5 s after the previous victim came back, so the flow
      // makes progress between kills and each step is hit at random points. (0.2–2.5 s before 2026-12-02: the pause, not
      // the restart, was most of a kill's time in CI; the two other services carry on while one is down.)
      const run = await runChaos(splitTarget(cluster!), h, w, { kills: KILLS, ordersPerRound: 6, tag: 'KILL', gapMs: [100, 1_500] });
      const { p50, max } = spread(run.restartsMs);
      console.log(`split-faults: ${run.kills} kills (${[...run.killed].map(([n, k]) => `${n} ${k}`).join(', ')}), ${run.rounds} rounds, kill → ready p50 ${p50} ms, max ${max} ms, ${Math.round(run.durationMs / 1000)} s`);
      expect(run.kills).toBeGreaterThanOrEqual(KILLS);
      expect(run.killed.size).toBe(3);
      await expectConserved(h, w, 600);
    });
  }, 1_200_000);
});

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
