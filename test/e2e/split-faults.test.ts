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
import { createOrder, planAndRelease, receiveStock, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import { freePort } from '../support/paklog-process.ts';
import { packAndShipWhenReady, resilientClient, startSplitCluster, type SplitCluster } from '../support/split-cluster.ts';
import { createTestDatabase } from '../support/test-database.ts';

const KILLS = Number(process.env.PAKLOG_SPLIT_KILLS ?? 50);
const OUTAGE_MS = Number(process.env.PAKLOG_SPLIT_OUTAGE_MS ?? 30_000);
const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Harness {
  cluster: SplitCluster;
  admin: Call;
  call: Call;
  floor: Call;
  get(url: string): Promise<any>;
  orders: { id: string; lines: { sku: string; quantity: number }[] }[];
}

async function harness(cluster: SplitCluster): Promise<Harness> {
  const admin = resilientClient(cluster.gatewayUrl, cluster.adminKey);
  const keyFor = async (role: string): Promise<string> => {
    const res = await admin('key', 'POST', '/api/v1/api-keys', { name: `faults ${role}`, role });
    if (res.status !== 201) throw new Error(`api key ${role}: ${res.status}`);
    return (res.body as { key: string }).key;
  };
  const get = async (url: string): Promise<any> => {
    const res = await admin('get', 'GET', url);
    if (res.status !== 200) throw new Error(`GET ${url} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  return { cluster, admin, call: resilientClient(cluster.gatewayUrl, await keyFor('manager')), floor: resilientClient(cluster.gatewayUrl, await keyFor('operator')), get, orders: [] };
}

/** One round: `n` orders from intake to shipment, waiting on each asynchronous step. */
async function round(h: Harness, w: Warehouse, tag: string, n: number): Promise<void> {
  const mine: string[] = [];
  for (let i = 0; i < n; i++) {
    const lines = [{ sku: w.products[i % w.products.length]!.sku, quantity: 1 + (i % 2) }];
    if (i % 2 === 0) lines.push({ sku: w.products[(i + 1) % w.products.length]!.sku, quantity: 1 });
    const order = await createOrder(h.call, w.siteId, { externalId: `${tag}-${i}`, lines });
    mine.push(order.id);
    h.orders.push({ id: order.id, lines });
  }
  const status = async (id: string): Promise<string> => (await h.get(`/api/v1/orders/${id}`)).status;
  for (const id of mine) await until(`order ${id} allocated`, () => status(id), (s) => s === 'ALLOCATED', 120_000);
  await until('the pool holds the round', async () => new Set((await h.get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`)).items
    .map((o: { orderId: string }) => o.orderId)), (pool) => mine.every((id) => pool.has(id)), 120_000);
  const wave = await planAndRelease(h.call, w.siteId, 100);
  expect([...wave.orderIds].sort()).toEqual([...mine].sort());
  const lists = (): Promise<{ status: string }[]> => h.get(`/api/v1/pick-lists?waveId=${wave.waveId}&limit=100`).then((b) => b.items);
  const count = (await until('pick lists', lists, (l) => l.length > 0, 120_000)).length;
  for (let pass = 0; ; pass++) {
    await workTasks(h.floor, w.siteId, ['w1', 'w2'], { expectedTasks: count });
    if ((await lists()).every((l) => ['COMPLETED', 'PARTIAL', 'CANCELLED'].includes(l.status))) break;
    if (pass > 20) throw new Error(`round ${tag}: pick lists never closed`);
    await sleep(500);
  }
  for (const id of mine) await until(`order ${id} picked`, () => status(id), (s) => s === 'PICKED', 120_000);
  for (const id of mine) await packAndShipWhenReady(h.floor, id);
  for (const id of mine) await until(`order ${id} shipped`, () => status(id), (s) => s === 'SHIPPED', 120_000);
}

/** Nothing lost or duplicated: orders, events, units. */
async function expectConserved(h: Harness, w: Warehouse, receivedPerSku: number): Promise<void> {
  const ordered = new Map<string, number>();
  for (const o of h.orders) for (const l of o.lines) ordered.set(l.sku, (ordered.get(l.sku) ?? 0) + l.quantity);
  // Every order once, and each in a final state.
  const listed = await h.get(`/api/v1/orders?siteId=${w.siteId}&limit=500`);
  expect(listed.items.map((o: { id: string }) => o.id).sort()).toEqual(h.orders.map((o) => o.id).sort());
  for (const o of listed.items as { status: string }[]) expect(o.status).toBe('SHIPPED');
  // The event store: each event once, one intake and one shipment per order.
  await until('the event store has every shipment', async () => (await h.get('/api/v1/events?type=orders.order.shipped.v1&limit=1000')).items.length,
    (n) => n >= h.orders.length, 120_000);
  const events: { id: string; type: string; subject: string }[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: typeof events; nextCursor: string | null } = await h.get(`/api/v1/events?limit=1000${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    events.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  for (const type of ['orders.order.received.v1', 'orders.order.shipped.v1', 'inventory.stock.shipped.v1', 'pack-ship.shipment.dispatched.v1']) {
    const subjects = events.filter((e) => e.type === type).map((e) => e.subject);
    expect(new Set(subjects).size, `${type} once per subject`).toBe(subjects.length);
  }
  // The ledger: what was received left as shipments, and every movement adds up to the balances.
  await until('inventory settled', async () => (await h.get(`/api/v1/inventory/summary?siteId=${w.siteId}`)).items as { allocated: number; reserved: number }[],
    (items) => items.every((s) => s.allocated === 0 && s.reserved === 0), 120_000);
  for (const s of (await h.get(`/api/v1/inventory/summary?siteId=${w.siteId}`)).items as { sku: string; received: number; shipped: number; adjusted: number; onHand: number; ledgerOnHand: number }[]) {
    expect(s.received, s.sku).toBe(receivedPerSku);
    expect(s.shipped, s.sku).toBe(ordered.get(s.sku) ?? 0);
    expect(s.adjusted, s.sku).toBe(0);
    expect(s.received - s.shipped, s.sku).toBe(s.onHand);
    expect(s.ledgerOnHand, s.sku).toBe(s.onHand);
  }
  expect((await h.get('/api/v1/dead-letters')).items).toHaveLength(0);
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
    cluster = await startSplitCluster({ bus: 'nats', databases: await databases(drops) });
  }, 180_000);
  afterAll(async () => {
    await cluster?.close();
    await Promise.all(drops.map((d) => d()));
  }, 60_000);

  it(`loses and duplicates nothing across ${KILLS} kills at random moments`, async (ctx) => {
    if (!up) return ctx.skip();
    const h = await harness(cluster!);
    const w = await setupWarehouse(h.call, { siteCode: 'KILL', aisles: 2, bays: 6, levels: 1, skus: 4 });
    await receiveStock(h.call, w, 300, 2);
    let kills = 0;
    let stop = false;
    const killed = new Map<string, number>();
    const restarts: number[] = [];
    // One service down at a time: a kill at a random moment 0.2–2.5 s after the previous victim came back, so
    // the flow makes progress between kills (a restart takes 3–8 s here) and each step is hit at random points.
    const failed: unknown[] = [];
    const chaos = (async () => {
      while (!stop && kills < KILLS) {
        await sleep(200 + Math.random() * 2_300);
        const victim = cluster!.services[Math.floor(Math.random() * cluster!.services.length)]!.name;
        const t0 = performance.now();
        try {
          await cluster!.crashAndRestart(victim);
          restarts.push(performance.now() - t0);
        } catch (e) {
          failed.push(e);
          return;
        }
        killed.set(victim, (killed.get(victim) ?? 0) + 1);
        kills++;
      }
    })();
    try {
      for (let r = 0; kills < KILLS; r++) {
        if (failed.length > 0) throw failed[0];
        await round(h, w, `KILL-${r}`, 6);
      }
    } catch (e) {
      // A service that did not come back makes the flow fail too: the cause is the restart, so report that.
      stop = true;
      await chaos;
      throw failed.length > 0 ? failed[0] : e;
    } finally {
      stop = true;
      await chaos;
    }
    if (failed.length > 0) throw failed[0];
    const sorted = restarts.sort((a, b) => a - b);
    console.log(`split-faults: ${kills} kills, kill → ready p50 ${Math.round(sorted[sorted.length >> 1] ?? 0)} ms, max ${Math.round(sorted.at(-1) ?? 0)} ms`);
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(killed.size).toBe(3);
    await expectConserved(h, w, 600);
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
  }, 600_000);
});
