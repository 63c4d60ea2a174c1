/**
 * `paklog start` on the Kafka bus (PAKLOG_BUS=kafka) really killed (SIGKILL) mid-batch (crash10): while its relay
 * publishes a burst of orders' events and its consumers handle them (offsets committed once a second, so a kill
 * redelivers what they handled since), and once more as soon as a wave's release committed, before inventory reserved
 * and picking built the lists. crash-outbox-redelivery puts every event back in the outbox of a process killed at rest;
 * here the kills cut the relay and the consumers in flight, and the group's dead member holds its partitions until the
 * broker drops it. After the restarts: every order allocated and pooled once, the wave reserved, listed and tasked
 * once, every event once (by id, and by meaning: one allocation per order), nothing dead-lettered, the ledger conserved.
 * With CI=true an unreachable broker fails the test.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerReachable, BROKERS } from '../support/brokers.ts';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, receiveStock, setupWarehouse, until, untilPooled, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, eventsDelivered, type CrashServer } from '../support/crash-server.ts';

const kafka = BROKERS.find((b) => b.bus === 'kafka')!;
const ns = `ck${randomBytes(4).toString('hex')}`;
const metricsKey = randomBytes(24).toString('hex');
const ORDERS = 24;

let s: CrashServer | undefined;
let probe: pg.Client | undefined;
let w: Warehouse;
let skip = false;

const n = async (sql: string, params: unknown[] = []): Promise<number> => Number((await probe!.query<{ n: string }>(sql, params)).rows[0]!.n);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  if (!(await brokerReachable('kafka'))) {
    if (process.env.CI === 'true') throw new Error(`kafka is not reachable at ${kafka.address}; CI needs it (.ci/run starts it)`);
    skip = true;
    return;
  }
  s = await crashServer({ env: { PAKLOG_METRICS_KEY: metricsKey, PAKLOG_BUS: 'kafka', PAKLOG_BUS_NAMESPACE: ns, ...kafka.env } });
  probe = new pg.Client({ connectionString: s.db.url });
  await probe.connect();
  w = await setupWarehouse(s.call, { siteCode: 'CKAFKA', aisles: 1, bays: 4, levels: 1, skus: 3 });
  await receiveStock(s.call, w, 100, 1);
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await s?.close();
  await kafka.cleanUp(ns).catch(() => undefined);
});

describe('paklog start on Kafka killed while its relay and consumers are mid-batch', () => {
  it('a burst of orders killed in flight, then a wave release killed once committed: each order allocated once, the wave listed and tasked once', async (ctx) => {
    if (skip) return ctx.skip();
    const server = s!;
    const call = server.call;
    // The burst: every order at once, and killed as soon as they are answered, the relay and the consumers in flight.
    const orders = await Promise.all(Array.from({ length: ORDERS }, (_, i) => createOrder(call, w.siteId, {
      externalId: `CK-${ns}-${i}`, lines: [{ sku: w.products[i % 3]!.sku, quantity: 1 + (i % 2) }],
    })));
    const ids = orders.map((o) => o.id);
    const pendingAtKill = await n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`);
    await server.crash();

    await untilPooled(call, w.siteId, ids, 90_000);
    const wave = await call<{ id: string; orderIds: string[] }>('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: ORDERS });
    expect(wave.status, JSON.stringify(wave.body)).toBe(201);
    expect([...wave.body.orderIds].sort()).toEqual([...ids].sort());
    const released = await server.killedDuring(`/api/v1/waves/${wave.body.id}/release`, {},
      async () => await n(`SELECT count(*) AS n FROM platform.outbox WHERE type = 'waves.wave.released.v1'`) > 0);
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    await until('pick lists and their tasks', async () => [
      await n(`SELECT count(*) AS n FROM picking.pick_lists WHERE wave_id = $1`, [wave.body.id]),
      await n(`SELECT count(*) AS n FROM tasks.tasks WHERE type = 'PICK'`),
    ], ([lists, tasks]) => lists! > 0 && tasks === lists, 90_000);
    await until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0, 60_000);
    // Quiet: the consumers caught up (the delivered counters stop moving).
    let previous = '';
    await until('consumers settled', async () => {
      const d = JSON.stringify(await eventsDelivered(server.base, metricsKey));
      const same = d === previous;
      previous = d;
      await sleep(300);
      return same;
    }, (x) => x, 60_000);

    const ordered = await n(`SELECT coalesce(sum(ordered), 0) AS n FROM orders.order_lines WHERE order_id = ANY($1)`, [ids]);
    // By meaning: each order allocated once, its units once; reserved, listed and tasked once.
    const perOrder = (await probe!.query<{ order_id: string; n: string | number; units: string | number }>(
      `SELECT order_id, count(*) AS n, sum(allocated) AS units FROM inventory.allocations WHERE order_id = ANY($1) GROUP BY order_id`, [ids])).rows;
    expect(perOrder.length).toBe(ORDERS);
    expect(perOrder.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(perOrder.reduce((t, r) => t + Number(r.units), 0)).toBe(ordered);
    for (const type of ['orders.order.received.v1', 'orders.order.allocated.v1', 'inventory.stock.allocated.v1', 'orders.order.released.v1']) {
      const doubled = await probe!.query(`SELECT subject, count(*) AS n FROM platform.events WHERE type = $1 GROUP BY subject HAVING count(*) > 1`, [type]);
      expect(doubled.rows, type).toEqual([]);
    }
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'orders.order.allocated.v1'`)).toBe(ORDERS);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'waves.wave.released.v1'`)).toBe(1);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.stock.reserved.v1'`)).toBe(1);
    expect(await n(`SELECT coalesce(sum(quantity), 0) AS n FROM inventory.reservations WHERE wave_id = $1`, [wave.body.id])).toBe(ordered);
    expect(await n(`SELECT coalesce(sum(pl.quantity), 0) AS n FROM picking.pick_lines pl JOIN picking.pick_lists l ON l.id = pl.pick_list_id WHERE l.wave_id = $1`, [wave.body.id])).toBe(ordered);
    expect(await n(`SELECT count(*) AS n FROM tasks.tasks WHERE type = 'PICK'`)).toBe(await n(`SELECT count(*) AS n FROM picking.pick_lists WHERE wave_id = $1`, [wave.body.id]));
    expect(await n(`SELECT count(*) - count(DISTINCT event_id) AS n FROM platform.events`)).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE status_code IS NULL`)).toBe(0);
    expect((await eventsDelivered(server.base, metricsKey))['dead-lettered'] ?? 0).toBe(0);
    expect((await call<{ items: unknown[] }>('dead letters', 'GET', '/api/v1/dead-letters')).body.items).toEqual([]);
    const task = await call<{ id?: string }>('next', 'POST', '/api/v1/tasks/next', { workerId: 'picker', siteId: w.siteId, types: ['PICK'] });
    expect(task.body.id, JSON.stringify(task.body)).toBeDefined();
    await assertStockConserved(server.db.url, { when: 'after the kills of a Kafka relay mid-batch' });
    console.log(`crash-kafka-relay: killed with ${pendingAtKill} events pending, then once the release committed (${released.landed ?? 'timed'})`);
  }, 240_000);
});
