/**
 * The relay publishes a batch and deletes its outbox rows in one transaction: a `paklog start` killed after the publish
 * and before that commit leaves the rows pending, and the next start publishes them again (ADR 0003 addendum). This
 * file puts a process in exactly that state: after an order went from intake to shipment (every context consumed its
 * events once) the process is killed with SIGKILL, every event it ever published is put back in the outbox as pending,
 * and it starts again. On the inline bus and on the real brokers (NATS, Kafka; with CI=true an unreachable broker fails
 * the test) the consumers receive each event a second time and their inboxes drop every copy: no stock, order, task,
 * pick list, package or event changes, and nothing is dead-lettered.
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { BROKERS, reachable } from '../support/brokers.ts';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, orderStatus, packAndShip, planAndRelease, receiveStock, setupWarehouse, until, untilPooled, workTasks } from '../support/flow-driver.ts';
import { crashServer, eventsDelivered } from '../support/crash-server.ts';
import { startPakLog } from '../support/paklog-process.ts';

const BUSES = [
  { bus: 'inline', address: undefined, env: {}, cleanUp: async (): Promise<void> => undefined },
  ...BROKERS,
] as const;

/** What the consumers' handlers write: a second delivery that got past an inbox would change some of it. */
async function state(probe: pg.Client): Promise<Record<string, unknown>> {
  const rows = async (sql: string): Promise<unknown[]> => (await probe.query(sql)).rows;
  const inboxes = await rows(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'inbox' ORDER BY table_schema`) as { table_schema: string }[];
  const inboxCounts: Record<string, number> = {};
  for (const { table_schema: s } of inboxes) inboxCounts[s] = Number(((await rows(`SELECT count(*) AS n FROM "${s}".inbox`))[0] as { n: string }).n);
  return {
    inboxCounts,
    balances: await rows(`SELECT location_id, sku, status, on_hand, reserved FROM inventory.balances ORDER BY location_id, sku, status`),
    movements: await rows(`SELECT type, count(*) AS n, sum(delta_on_hand) AS units FROM inventory.movements GROUP BY type ORDER BY type`),
    orders: await rows(`SELECT id, status FROM orders.orders ORDER BY id`),
    tasks: await rows(`SELECT type, status, count(*) AS n FROM tasks.tasks GROUP BY type, status ORDER BY type, status`),
    pickLists: await rows(`SELECT count(*) AS n FROM picking.pick_lists`),
    packages: await rows(`SELECT order_id, count(*) AS n FROM pack_ship.packages GROUP BY order_id ORDER BY order_id`),
    events: await rows(`SELECT type, count(*) AS n FROM platform.events GROUP BY type ORDER BY type`),
  };
}

/** How many messages the namespace's JetStream stream holds. */
async function streamMessages(ns: string): Promise<number> {
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  try {
    return (await (await jetstreamManager(nc)).streams.info(ns.toUpperCase())).state.messages;
  } finally {
    await nc.drain();
  }
}

describe.each(BUSES)('events published again after a kill, with PAKLOG_BUS=$bus', (b) => {
  it('every consumer drops every copy: nothing changes', async (ctx) => {
    if (b.address !== undefined && !(await reachable(b.address))) {
      if (process.env.CI === 'true') throw new Error(`${b.bus} is not reachable at ${b.address}; CI needs it (.ci/run starts it)`);
      return ctx.skip();
    }
    const ns = `rd${randomBytes(4).toString('hex')}`;
    const metricsKey = randomBytes(24).toString('hex');
    const paklog = await crashServer({ env: { PAKLOG_METRICS_KEY: metricsKey, PAKLOG_BUS: b.bus, PAKLOG_BUS_NAMESPACE: ns, ...b.env } });
    const { base, call, db } = paklog;
    const probe = new pg.Client({ connectionString: db.url });
    try {
      await probe.connect();
      const w = await setupWarehouse(call, { siteCode: `RD${b.bus.slice(0, 2).toUpperCase()}`, aisles: 1, bays: 4, levels: 1, skus: 2 });
      await receiveStock(call, w, 10, 1);
      const order = await createOrder(call, w.siteId, { externalId: `RD-${ns}`, lines: [{ sku: w.products[0]!.sku, quantity: 2 }, { sku: w.products[1]!.sku, quantity: 1 }] });
      await until('allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED', 60_000);
      await untilPooled(call, w.siteId, [order.id]);
      await planAndRelease(call, w.siteId, 10);
      await workTasks(call, w.siteId, ['picker'], { expectedTasks: 1 });
      await until('picked', () => orderStatus(call, order.id), (s) => s === 'PICKED', 60_000);
      await until('pack-ship knows the order is picked', async () => (await call('probe', 'POST', '/api/v1/shipments', { orderId: order.id })).body as { code?: string },
        (x) => x.code === 'NOTHING_TO_SHIP', 60_000);
      await packAndShip(call, order.id);
      await until('shipped', () => orderStatus(call, order.id), (s) => s === 'SHIPPED', 60_000);
      // Quiet: the outbox drained and every consumer has handled what it was sent (the state stops changing).
      const n = async (sql: string): Promise<number> => Number((await probe.query<{ n: string }>(sql)).rows[0]!.n);
      await until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0, 60_000);
      // The fulfilment saga ends after the shipment (its last event), and the state then stays as it is for ten looks.
      await until('saga completed', () => n(`SELECT count(*) AS n FROM platform.events WHERE type = 'orchestration.saga.completed.v1'`), (x) => x === 1, 60_000);
      let previous = '';
      let stable = 0;
      const before = await until('consumers settled', async () => {
        const s = JSON.stringify(await state(probe));
        stable = s === previous ? stable + 1 : 0;
        previous = s;
        return stable >= 10 ? s : undefined;
      }, (s) => s !== undefined, 60_000);
      const t0 = Date.now();
      const handledBefore = (await eventsDelivered(base, metricsKey)).handled ?? 0;
      const storedBefore = b.bus === 'nats' ? await streamMessages(ns) : 0;
      expect(handledBefore).toBeGreaterThan(0);

      // The crash between the publish and the delete: killed, and every event pending again before it starts (cold).
      const exited = new Promise((r) => paklog.server.process.child.once('exit', r));
      paklog.server.process.child.kill('SIGKILL');
      await exited;
      const requeued = await probe.query(
        `INSERT INTO platform.outbox (event_id, source, type, subject, envelope)
         SELECT event_id, source, type, subject, envelope FROM platform.events ORDER BY seq ON CONFLICT (event_id) DO NOTHING`);
      expect(requeued.rowCount).toBeGreaterThan(20);
      paklog.server.process = await startPakLog(paklog.server.env);

      await until('outbox drained again', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0, 60_000);
      if (b.bus === 'nats') {
        // JetStream drops a message whose id it stored within its duplicate window (two minutes) at the publish: the
        // copies never reach a consumer, and the stream holds what it held.
        expect(await streamMessages(ns)).toBe(storedBefore);
      } else {
        // Each delivery the first process handled comes again, and is dropped as a duplicate.
        // (A copy handled or dead-lettered ends the wait at once: the checks below then fail.)
        const after = await until('every copy delivered', () => eventsDelivered(base, metricsKey),
          (d) => (d.duplicate ?? 0) >= handledBefore || (d.handled ?? 0) > 0 || (d['dead-lettered'] ?? 0) > 0, 120_000);
        expect(after['dead-lettered'] ?? 0).toBe(0);
        expect(after.handled ?? 0).toBe(0);
      }
      expect(JSON.parse(JSON.stringify(await state(probe)))).toEqual(JSON.parse(before!));
      console.log(`crash-outbox-redelivery (${b.bus}): ${requeued.rowCount} events published again, `
        + `${b.bus === 'nats' ? 'dropped by JetStream' : `${handledBefore} deliveries dropped by the inboxes`}, ${Date.now() - t0} ms from the kill`);
      expect((await call<{ items: unknown[] }>('dead letters', 'GET', '/api/v1/dead-letters')).body.items).toEqual([]);
      expect(await orderStatus(call, order.id)).toBe('SHIPPED');
      await assertStockConserved(db.url, { when: `after every event was published again (${b.bus})` });
    } finally {
      await probe.end();
      await paklog.close();
      await b.cleanUp(ns).catch(() => undefined);
    }
  }, 300_000);
});
