/**
 * `npm run bench -- api [--handhelds=50] [--tasks=600] [--think-ms=250] [--protocols=rest,grpc,graphql] [--grpc-channels=per-handheld|one] [--out=NAME]` (issue 9 acceptance f): the handheld hot path over each
 * public protocol side by side. For each protocol leg, one `paklog start` process (every context, inline bus) on a fresh
 * PostgreSQL database serves it on real loopback sockets; the bench seeds the same warehouse and `--tasks` orders through REST,
 * releases them in waves, then runs `--handhelds` simulated handhelds concurrently, each looping next task → start →
 * get pick list → scan-confirm every line → complete until the queue is empty. It reports p50/p99 of next task and
 * scan-confirm (and the other steps) per protocol, measured by the client, as a handheld sees them.
 *
 * A simulated handheld pauses between its actions (`--think-ms`, ±50 % at random; default 250 ms) as an operator does
 * while walking to the next location and aiming the scanner (in a real aisle that takes seconds, not a quarter of one):
 * 50 handhelds then offer ~200 requests/s, and the latency is the server's, not a queue the bench builds. With
 * `--think-ms=0` every handheld fires its next request the moment the last one answers: the server saturates, the
 * latency becomes handhelds ÷ throughput, and the figure worth reading is the throughput.
 *
 * Protocol legs are a list (`LEGS`): REST and gRPC here; a `graphql` leg runs when the server answers `/graphql` and
 * test/support/graphql-floor.ts exports `graphqlFloor(url, key, timings): FloorOps` (the GraphQL gateway's branch).
 * Server: PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createOrder, receiveStock, restFloor, setupWarehouse, type Call, type FloorOps, type Warehouse } from '../test/support/flow-driver.ts';
import { credentialsMetadata, grpcFloor, publicClients } from '../test/support/grpc-floor.ts';
import { cleanEnv, freePort, startPakLog } from '../test/support/paklog-process.ts';
import { httpClient } from '../test/support/split-cluster.ts';
import { machine, percentile, writeResult } from './machine.ts';
import { metricValue } from './memory.ts';
import { FLOOR_SERVICE } from '../src/gateway/grpc/public-api.ts';
import { warmCodecs } from '../src/platform/rpc/warm-codecs.ts';
import { publicProtos, publicServices } from '../src/rpc/protos.ts';
import { benchDatabase, inPool, machineCpuTicks, numberArg, processCpuSeconds, stringArg } from './support.ts';

interface Server {
  readonly url: string;
  readonly grpcTarget: string;
}

/** One protocol a handheld may speak: whether this server offers it, and its floor steps with timings. */
interface Leg {
  readonly name: string;
  available(server: Server): Promise<string | true>;
  /** The floor steps of handheld `h` (0 … handhelds − 1), with timings. */
  floor(server: Server, key: string, timings: Map<string, number[]>, o: LegOptions): Promise<{ ops(h: number): FloorOps; close(): void }>;
}

interface LegOptions {
  readonly handhelds: number;
  /** gRPC: one channel (one HTTP/2 connection) for every handheld, or a connection per handheld as separate devices have. */
  readonly grpcChannels: 'one' | 'per-handheld';
}

const LEGS: readonly Leg[] = [
  {
    name: 'rest',
    available: async () => true,
    floor: async (s, key, timings) => {
      const ops = restFloor(httpClient(s.url, key, timings));
      return { ops: () => ops, close: () => undefined };
    },
  },
  {
    name: 'grpc',
    available: async () => true,
    async floor(s, key, timings, o) {
      const channels = Array.from({ length: o.grpcChannels === 'one' ? 1 : o.handhelds }, () => publicClients(s.grpcTarget, { ownConnection: o.grpcChannels !== 'one' }));
      // A handheld keeps its channel open all shift: connect it before the clock runs, as REST's keep-alive sockets are.
      await Promise.all(channels.map((c) => new Promise<void>((ready, fail) => c.floor.waitForReady(Date.now() + 10_000, (e) => (e === undefined || e === null ? ready() : fail(e))))));
      // And its app has encoded and decoded these messages before (as the REST leg's fetch is warm from seeding): the
      // client's protobuf code generation (warm-codecs.ts) is not a latency the server causes.
      await warmCodecs(publicProtos(), [[FLOOR_SERVICE, publicServices().floor]]);
      const metadata = credentialsMetadata({ apiKey: key });
      const ops = channels.map((c) => grpcFloor(c.floor, () => metadata, timings));
      return { ops: (h) => ops[h % ops.length]!, close: () => channels.forEach((c) => c.close()) };
    },
  },
  {
    name: 'graphql',
    async available(s) {
      const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' }).catch(() => undefined);
      if (res === undefined || res.status === 404) return 'the server has no /graphql';
      try {
        await import(GRAPHQL_FLOOR);
        return true;
      } catch {
        return 'test/support/graphql-floor.ts is missing (add graphqlFloor after merging the GraphQL gateway)';
      }
    },
    async floor(s, key, timings) {
      const { graphqlFloor } = (await import(GRAPHQL_FLOOR)) as { graphqlFloor: (url: string, key: string, t: Map<string, number[]>) => FloorOps };
      const ops = graphqlFloor(s.url, key, timings);
      return { ops: () => ops, close: () => undefined };
    },
  },
];
const GRAPHQL_FLOOR = '../test/support/graphql-floor.ts';

const NO_RATE_LIMITS = { PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0' };

async function count(call: Call, url: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { items: unknown[]; nextCursor: string | null } } = await call('count', 'GET', `${url}&limit=500${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    if (page.status !== 200) throw new Error(`GET ${url} → ${page.status}`);
    n += page.body.items.length;
    cursor = page.body.nextCursor;
  } while (cursor !== null);
  return n;
}

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `n` orders of 1–3 lines, allocated, released in waves: `n` queued pick tasks. Returns the scan-confirms they hold. */
async function seedWork(admin: Call, w: Warehouse, leg: string, n: number): Promise<number> {
  let lines = 0;
  const specs = Array.from({ length: n }, (_, i) => {
    const k = 1 + (i % 3);
    lines += k;
    return { externalId: `${leg}-${i}`, lines: Array.from({ length: k }, (_, j) => ({ sku: w.products[(i * 7 + j * 13) % w.products.length]!.sku, quantity: 1 + ((i + j) % 2) })) };
  });
  await inPool(specs, 8, async (spec) => { await createOrder(admin, w.siteId, spec); });
  await waitFor('orders allocated', async () => (await count(admin, `/api/v1/orders?siteId=${w.siteId}&status=ALLOCATED`)) >= n);
  // An allocated order joins the waves' pool when its event is handled, a moment after: plan again until all are in.
  let released = 0;
  await waitFor('waves planned', async () => {
    const planned = await admin<{ id: string; orderIds: string[]; code?: string }>('plan wave', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 200 });
    if (planned.status === 422 && planned.body.code === 'NOTHING_TO_PLAN') return false;
    if (planned.status !== 201) throw new Error(`plan wave → ${planned.status} ${JSON.stringify(planned.body)}`);
    const release = await admin('release wave', 'POST', `/api/v1/waves/${planned.body.id}/release`);
    if (release.status !== 200 && release.status !== 201) throw new Error(`release wave → ${release.status} ${JSON.stringify(release.body)}`);
    released += planned.body.orderIds.length;
    return released >= n;
  });
  let last = -1;
  await waitFor('tasks queued', async () => {
    const queued = await count(admin, `/api/v1/tasks?siteId=${w.siteId}&status=QUEUED`);
    const stable = queued === last && queued >= n;
    last = queued;
    return stable;
  });
  return lines;
}

interface Stat { readonly calls: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number }
function stat(list: readonly number[] | undefined): Stat {
  const sorted = [...(list ?? [])].sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { calls: sorted.length, p50Ms: r(percentile(sorted, 50)), p99Ms: r(percentile(sorted, 99)), maxMs: r(sorted.at(-1) ?? NaN) };
}

/** Debug aid: every call as [start ms since the clock started, step, latency ms] (PAKLOG_BENCH_API_SAMPLES=<file prefix>). */
function sampled(ops: FloorOps, samples: [number, string, number][], t0: () => number): FloorOps {
  const wrap = <A extends unknown[], R>(step: string, fn: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    const s = performance.now();
    try {
      return await fn(...a);
    } finally {
      samples.push([Math.round(s - t0()), step, +(performance.now() - s).toFixed(1)]);
    }
  };
  return {
    nextTask: wrap('next task', (w: string, site: string) => ops.nextTask(w, site)),
    startTask: wrap('start task', (id: string, w: string) => ops.startTask(id, w)),
    pickList: wrap('get pick list', (id: string) => ops.pickList(id)),
    confirm: wrap('confirm pick', (l: string, line: string, scan: Parameters<FloorOps['confirm']>[2]) => ops.confirm(l, line, scan)),
    short: wrap('short pick', (l: string, line: string, reason: string) => ops.short(l, line, reason)),
    complete: wrap('complete task', (id: string, w: string) => ops.complete(id, w)),
  };
}

/** The SQL statements the server has sent so far and its outbox backlog (its /metrics, read with the admin key). */
async function serverCounts(server: Server, adminKey: string): Promise<{ statements: number; pending: number; waits: Record<'request' | 'background', { s: number; n: number }> }> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { 'x-api-key': adminKey } })).text();
  // Time to take a pool connection, when the server exports paklog_db_connection_wait_seconds (NaN without the metric:
  // it came with an unmerged experiment, the apitail branch).
  const labelled = (name: string, cls: string): number => Number(new RegExp(`^${name}\\{class="${cls}"\\} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  const wait = (cls: string) => ({ s: labelled('paklog_db_connection_wait_seconds_sum', cls), n: labelled('paklog_db_connection_wait_seconds_count', cls) });
  return {
    statements: metricValue(text, 'paklog_db_statements_total') ?? NaN, pending: metricValue(text, 'paklog_outbox_pending') ?? NaN,
    waits: { request: wait('request'), background: wait('background') },
  };
}

async function runLeg(leg: Leg, server: Server, key: string, adminKey: string, w: Warehouse, handhelds: number, thinkMs: number, pid: number | undefined, grpcChannels: LegOptions['grpcChannels']) {
  const think = (): Promise<void> => (thinkMs <= 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random()))));
  const timings = new Map<string, number[]>();
  const floor = await leg.floor(server, key, timings, { handhelds, grpcChannels });
  const samples: [number, string, number][] = [];
  const opsOf = (h: number): FloorOps => (process.env.PAKLOG_BENCH_API_SAMPLES === undefined ? floor.ops(h) : sampled(floor.ops(h), samples, () => t0));
  const idle: number[] = [];
  let tasks = 0;
  const counts0 = await serverCounts(server, adminKey);
  const cpu0 = processCpuSeconds(pid);
  const client0 = process.cpuUsage();
  const machine0 = machineCpuTicks();
  const t0 = performance.now();
  try {
    await Promise.all(Array.from({ length: handhelds }, async (_, h) => {
      const worker = `hh-${leg.name}-${h}`;
      const ops = opsOf(h);
      for (;;) {
        await think();
        const s = performance.now();
        const task = await ops.nextTask(worker, w.siteId);
        if (task === undefined) {
          idle.push(performance.now() - s);
          return;
        }
        await think();
        await ops.startTask(task.id, worker);
        const list = await ops.pickList(task.reference);
        for (const line of list.lines) {
          if (line.status !== 'PENDING') continue;
          await think();
          await ops.confirm(list.id, line.id, {
            locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity - line.picked, toteId: `TOTE-${worker}`,
          });
        }
        await think();
        await ops.complete(task.id, worker);
        tasks++;
      }
    }));
  } finally {
    floor.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const serverCpuSeconds = processCpuSeconds(pid) - cpu0;
  if (process.env.PAKLOG_BENCH_API_SAMPLES !== undefined) writeFileSync(`${process.env.PAKLOG_BENCH_API_SAMPLES}-${leg.name}.json`, JSON.stringify(samples));
  const machine1 = machineCpuTicks();
  const client = process.cpuUsage(client0);
  // The answers with a task: the idle polls at the end are another query (nothing to claim).
  const nextTask = timings.get('next task')?.slice() ?? [];
  // Every request's statements and those of the consumers its events set off: read once the outbox is empty (a /metrics
  // scrape sends a few statements itself, nothing beside the leg's).
  const settled = Date.now() + 30_000;
  let counts = await serverCounts(server, adminKey);
  while (counts.pending !== 0 && Date.now() < settled) {
    await new Promise((r) => setTimeout(r, 200));
    counts = await serverCounts(server, adminKey);
  }
  const statements = counts.statements;
  /** Null where the server measured no waits (its pool reports none: the metric is absent). */
  const meanWaitMs = (cls: 'request' | 'background'): number | null => {
    const n = counts.waits[cls].n - counts0.waits[cls].n;
    return !Number.isFinite(n) || n <= 0 ? null : +((1000 * (counts.waits[cls].s - counts0.waits[cls].s)) / n).toFixed(2);
  };
  const requests = [...timings.values()].reduce((n, l) => n + l.length, 0) + idle.length;
  return {
    protocol: leg.name, handhelds, thinkMs, tasks, seconds: +seconds.toFixed(1), tasksPerSecond: +(tasks / seconds).toFixed(1),
    scansPerSecond: +((timings.get('confirm pick')?.length ?? 0) / seconds).toFixed(1),
    serverCpuSeconds: +serverCpuSeconds.toFixed(1),
    serverCpuMsPerRequest: +((1000 * serverCpuSeconds) / requests).toFixed(2),
    statementsPerRequest: +((statements - counts0.statements) / requests).toFixed(1),
    // Mean wait for a pool connection during the leg, by who waited (null: the server does not report it).
    connectionWaitMs: { request: meanWaitMs('request'), background: meanWaitMs('background') },
    clientCpuSeconds: +((client.user + client.system) / 1e6).toFixed(1),
    machineBusyPercent: machine1.total === machine0.total ? NaN : Math.round((100 * (machine1.busy - machine0.busy)) / (machine1.total - machine0.total)),
    nextTask: stat(nextTask), scanConfirm: stat(timings.get('confirm pick')),
    startTask: stat(timings.get('start task')), getPickList: stat(timings.get('get pick list')), completeTask: stat(timings.get('complete task')),
    idleNextTask: stat(idle),
  };
}

export async function main(args: string[]): Promise<void> {
  const handhelds = numberArg(args, 'handhelds', 50);
  const tasksPerLeg = numberArg(args, 'tasks', 600);
  const thinkMs = numberArg(args, 'think-ms', 250);
  const grpcChannels = stringArg(args, 'grpc-channels', 'per-handheld');
  if (grpcChannels !== 'one' && grpcChannels !== 'per-handheld') throw new Error(`--grpc-channels is one or per-handheld, not ${grpcChannels}`);
  const env = process.env.PAKLOG_BENCH_DATABASE_URL;
  const serverUrl = env === undefined || env === '' ? 'postgres://postgres@127.0.0.1:5432/test' : env;
  const loadAtStart = loadavg().map((x) => +x.toFixed(2));
  const legs: ReturnType<typeof runLeg> extends Promise<infer R> ? R[] : never = [];
  const skipped: { protocol: string; reason: string }[] = [];
  // Each protocol gets a server of its own on a fresh database, seeded alike: no leg runs on the rows an earlier one left.
  const only = stringArg(args, 'protocols', LEGS.map((l) => l.name).join(',')).split(',');
  for (const leg of LEGS.filter((l) => only.includes(l.name))) {
    const db = await benchDatabase(serverUrl);
    const adminKey = `pk_bench_${randomBytes(16).toString('hex')}`;
    const [port, grpcPort] = [await freePort(), await freePort()];
    const paklog = await startPakLog(cleanEnv({
      DATABASE_URL: db.url, PORT: String(port), PAKLOG_GRPC_PORT: String(grpcPort), PAKLOG_ADMIN_API_KEY: adminKey, PAKLOG_SEED_DEMO: 'false',
      PAKLOG_LOG_FORMAT: 'json', LOG_LEVEL: 'warn', PAKLOG_WORKER_THREADS: '0', ...NO_RATE_LIMITS,
      // Debug aid: e.g. `--cpu-prof --cpu-prof-dir=…` for the server process only.
      ...(process.env.PAKLOG_BENCH_SERVER_NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS: process.env.PAKLOG_BENCH_SERVER_NODE_OPTIONS }),
    }));
    try {
      const server: Server = { url: `http://127.0.0.1:${port}`, grpcTarget: `127.0.0.1:${grpcPort}` };
      const available = await leg.available(server);
      if (available !== true) {
        skipped.push({ protocol: leg.name, reason: available });
        console.log(`${leg.name}: skipped (${available})`);
        continue;
      }
      const admin = httpClient(server.url, adminKey);
      const created = await admin<{ key: string }>('key', 'POST', '/api/v1/api-keys', { name: 'bench handhelds', role: 'operator' });
      console.log(`${leg.name}: seeding the warehouse and ${tasksPerLeg} pick tasks …`);
      const w = await setupWarehouse(admin, { siteCode: 'API', aisles: 10, bays: 10, levels: 2, skus: 40 });
      await receiveStock(admin, w, 5_000, 2);
      const lines = await seedWork(admin, w, leg.name, tasksPerLeg);
      console.log(`${leg.name}: ${handhelds} handhelds working ${tasksPerLeg} tasks (${lines} scans) …`);
      const r = await runLeg(leg, server, created.body.key, adminKey, w, handhelds, thinkMs, paklog.child.pid, grpcChannels);
      console.log(`${leg.name}: next task p50 ${r.nextTask.p50Ms} ms p99 ${r.nextTask.p99Ms} ms; scan-confirm p50 ${r.scanConfirm.p50Ms} ms p99 ${r.scanConfirm.p99Ms} ms; ${r.scansPerSecond} scans/s`);
      legs.push(r);
    } finally {
      await paklog.stop();
      await db.drop();
    }
  }
  const result = {
    benchmark: 'api', machine: machine(), grpcChannels, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)),
    setup: `per protocol, one paklog start process (all contexts, inline bus, no worker threads, rate limits off) on a fresh PostgreSQL database; `
      + `${handhelds} handhelds in the bench process, ${thinkMs} ms (±50 %) between a handheld's actions, over loopback sockets (REST: fetch with keep-alive; gRPC: ${grpcChannels === 'one' ? 'one grpc-js channel for all' : 'a grpc-js channel with its own connection per handheld'}, connected and its codecs generated before the clock runs); `
      + `latency measured by the client; next task counts the answers with a task`,
    targets: { scanConfirmP99Ms: 50, nextTaskP99Ms: 100 },
    met: Object.fromEntries(legs.map((l) => [l.protocol, { scanConfirm: l.scanConfirm.p99Ms <= 50, nextTask: l.nextTask.p99Ms <= 100 }])),
    legs, skipped,
  };
  const file = writeResult(stringArg(args, 'out', 'api'), result);
  console.table(legs.map((l) => ({
    protocol: l.protocol, 'next p50': l.nextTask.p50Ms, 'next p99': l.nextTask.p99Ms, 'scan p50': l.scanConfirm.p50Ms, 'scan p99': l.scanConfirm.p99Ms,
    'scans/s': l.scansPerSecond, 'server CPU s': l.serverCpuSeconds, 'SQL/request': l.statementsPerRequest, 'conn wait ms req/bg': l.connectionWaitMs.request === null ? 'n/a' : `${l.connectionWaitMs.request}/${l.connectionWaitMs.background ?? 'n/a'}`, 'bench CPU s': l.clientCpuSeconds, 'machine busy %': l.machineBusyPercent,
  })));
  console.log(`written to ${file}`);
}
