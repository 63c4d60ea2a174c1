/**
 * `npm run bench -- flow --mode split --bus kafka|nats [--orders=N] [--workers=W] [--steady-seconds=60] [--steady-share=0.5]`
 * (issue 8 acceptance e): the same
 * order-to-ship flow, in the same run, against
 *  1. the all-in-one server: one `paklog start` process (every context, inline bus) on its own fresh database, and
 *  2. a split deployment: gateway + 3 service processes (test/support/split-cluster.ts), each on its own fresh database,
 *     events over Kafka or NATS,
 * both driven over real HTTP from this process by the same driver, which waits on asynchronous steps by polling (as
 * test/e2e/split.test.ts does), so the two figures differ only in the deployment. Reports order lines/s, p50/p99 per
 * API step, the ratio split/all-in-one, the CPU each process used, and the end-to-end event latency (append → a
 * consumer's commit) read from every process's `paklog_event_handled_latency_seconds` histogram.
 * Then each deployment runs `--steady-seconds` at a steady offered load, `--steady-share` of the all-in-one's measured
 * lines/s (driveSteady): the burst measures capacity, the steady run the event latency at that load.
 * Server: PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createOrder, orderStatus, planAndRelease, restFloor, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../test/support/flow-driver.ts';
import { cleanEnv, cpuProfileEnv, freePort, startPakLog } from '../test/support/paklog-process.ts';
import { httpClient, startSplitCluster, type SplitBus, type SplitCluster } from '../test/support/split-cluster.ts';

/** The bench drives everything with one key: it measures the flow, not the per-key limits (0 = none). */
const NO_RATE_LIMITS = { PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0' };
import { machine, percentile, writeResult } from './machine.ts';
import { benchDatabase, inPool, machineCpuTicks, numberArg, processCpuSeconds, rawCommitRate, stringArg } from './support.ts';

/** A deployment under test: how to call it, where its metrics are, which processes are its own. */
interface Target {
  readonly name: string;
  client(timings?: Map<string, number[]>): Call;
  readonly metricsUrls: readonly string[];
  readonly processes: readonly { name: string; pid: number | undefined }[];
}

/** Cumulative bucket counts (upper bound in seconds → count), summed over the scraped processes. */
type Buckets = Map<number, number>;

const LATENCY = 'paklog_event_handled_latency_seconds_bucket';

async function scrapeLatency(urls: readonly string[]): Promise<Map<string, Buckets>> {
  const byConsumer = new Map<string, Buckets>();
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${LATENCY}{`)) continue;
      const labels = Object.fromEntries([...line.slice(LATENCY.length + 1, line.lastIndexOf('}')).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      const consumer = labels.consumer ?? '?';
      const buckets = byConsumer.get(consumer) ?? new Map<number, number>();
      byConsumer.set(consumer, buckets);
      buckets.set(le, (buckets.get(le) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
  }
  return byConsumer;
}

function minus(after: Buckets, before: Buckets | undefined): Buckets {
  return new Map([...after].map(([le, n]) => [le, n - (before?.get(le) ?? 0)]));
}

function sum(list: readonly Buckets[]): Buckets {
  const total = new Map<number, number>();
  for (const b of list) for (const [le, n] of b) total.set(le, (total.get(le) ?? 0) + n);
  return total;
}

/**
 * The q-quantile of a histogram, interpolated linearly inside its bucket as Prometheus' histogram_quantile does: exact
 * to the bucket, an estimate within it. In the +Inf bucket it is the largest finite bound (a lower bound).
 */
function quantileMs(b: Buckets, q: number): number {
  const bounds = [...b.keys()].sort((x, y) => x - y);
  const count = b.get(Infinity) ?? 0;
  if (count === 0) return NaN;
  const rank = q * count;
  let lower = 0;
  let below = 0;
  for (const le of bounds) {
    const n = b.get(le) ?? 0;
    if (n >= rank) {
      if (le === Infinity) return lower * 1000;
      return (lower + (le - lower) * ((rank - below) / Math.max(1, n - below))) * 1000;
    }
    lower = le;
    below = n;
  }
  return lower * 1000;
}

function latencyFigures(b: Buckets): { events: number; p50Ms: number; p99Ms: number; within100Ms: number } {
  const count = b.get(Infinity) ?? 0;
  return {
    events: count,
    p50Ms: +quantileMs(b, 0.5).toFixed(1),
    p99Ms: +quantileMs(b, 0.99).toFixed(1),
    // Read from the 100 ms bucket bound itself: no interpolation in this one.
    within100Ms: count === 0 ? NaN : +((b.get(0.1) ?? 0) / count).toFixed(4),
  };
}

function record(timings: Map<string, number[]>, step: string, ms: number): void {
  const list = timings.get(step) ?? [];
  list.push(ms);
  timings.set(step, list);
}

async function expectStatus(call: Call, step: string, method: 'GET' | 'POST', url: string, body: unknown, status: number): Promise<any> {
  const res = await call(step, method, url, body);
  if (res.status !== status) throw new Error(`${step}: ${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Receipts, each retried until inventory knows the location: in split mode its locations are a projection fed by
 * location-master's events. A refused receipt wrote nothing, so retrying it is safe.
 */
async function receiveAll(call: Call, w: Warehouse, quantity: number, locationsPerSku: number): Promise<void> {
  for (const [i, p] of w.products.entries()) {
    for (let k = 0; k < locationsPerSku; k++) {
      const loc = w.storage[(i * locationsPerSku + k * 7) % w.storage.length]!;
      await until(`receipt of ${p.sku}`, async () => (await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku: p.sku, locationId: loc.id, quantity })).status,
        (s) => s === 201, 60_000);
    }
  }
}

/**
 * Packs an order, again on a 409 until pack & ship has heard of its picks. Only the successful call is timed as
 * `pack`; the early ones are counted (`packCallsBeforePicksWereKnown`: 0 since orders says PICKED only once pack & ship
 * is ready to pack, ADR 0049).
 */
async function packWhenReady(quiet: Call, timings: Map<string, number[]>, orderId: string): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (let early = 0; ; early++) {
    const t0 = performance.now();
    const res = await quiet('pack', 'POST', '/api/v1/packages', { orderId });
    if (res.status === 201) {
      record(timings, 'pack', performance.now() - t0);
      return early;
    }
    if (res.status !== 409 || Date.now() > deadline) throw new Error(`pack ${orderId} → ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Latency histograms keep counting after the last order shipped (the event store, late projections): wait until still. */
async function settledLatency(urls: readonly string[]): Promise<Map<string, Buckets>> {
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const now = await scrapeLatency(urls);
    const count = [...now.values()].reduce((s, b) => s + (b.get(Infinity) ?? 0), 0);
    if (count === last) return now;
    last = count;
    await new Promise((r) => setTimeout(r, 500));
  }
  return scrapeLatency(urls);
}

async function driveFlow(target: Target, orders: number, workers: number) {
  const timings = new Map<string, number[]>();
  const call = target.client(timings);
  const quiet = target.client();
  const w = await setupWarehouse(call, { siteCode: 'BENCH', aisles: 10, bays: 20, levels: 2, skus: 50 });
  await receiveAll(call, w, 1000, 2);
  const specs = Array.from({ length: orders }, (_, i) => ({
    externalId: `B-${i}`,
    lines: Array.from({ length: 1 + (i % 4) }, (_, j) => ({ sku: w.products[(i * 7 + j * 13) % w.products.length]!.sku, quantity: 1 + ((i + j) % 3) })),
  }));
  const lines = specs.reduce((s, o) => s + o.lines.length, 0);
  // Setup's events must not count as the flow's.
  const latencyBefore = await settledLatency(target.metricsUrls);
  timings.clear();

  const load0 = loadavg()[0] ?? 0;
  const cpu0 = target.processes.map((p) => processCpuSeconds(p.pid));
  const driverCpu0 = process.cpuUsage();
  const machine0 = machineCpuTicks();
  const t0 = performance.now();
  const ids: string[] = [];
  await inPool(specs, 8, async (spec) => {
    ids.push((await createOrder(call, w.siteId, spec)).id);
  });
  const tCreated = performance.now();
  for (const id of ids) await until(`order ${id} allocated`, () => orderStatus(quiet, id), (s) => s === 'ALLOCATED', 120_000);
  await until('the wave pool holds every order', async () => (await expectStatus(quiet, 'pool', 'GET', `/api/v1/waves/pool?siteId=${w.siteId}&limit=1000`, undefined, 200)).items.length,
    (n) => n === orders, 120_000);
  const tAllocated = performance.now();
  let released = 0;
  let lists = 0;
  while (released < orders) {
    const wave = await planAndRelease(call, w.siteId, 100);
    if (wave.orderIds.length === 0) throw new Error(`a wave with no orders after ${released} of ${orders}`);
    released += wave.orderIds.length;
    // One transaction builds every list of a wave (in picking, on the wave's release event).
    lists += await until(`pick lists of ${wave.waveId}`, async () => (await expectStatus(quiet, 'lists', 'GET', `/api/v1/pick-lists?waveId=${wave.waveId}&limit=200`, undefined, 200)).items.length,
      (n) => n > 0, 120_000);
  }
  const picked = await workTasks(call, w.siteId, Array.from({ length: workers }, (_, i) => `bench-${i}`), { expectedTasks: lists });
  const tPicked = performance.now();
  for (const id of ids) await until(`order ${id} picked`, () => orderStatus(quiet, id), (s) => s === 'PICKED', 120_000);
  let packTooEarly = 0;
  await inPool(ids, workers, async (id) => {
    packTooEarly += await packWhenReady(quiet, timings, id);
    const shipment = await expectStatus(call, 'create shipment', 'POST', '/api/v1/shipments', { orderId: id }, 201) as { id: string };
    await expectStatus(call, 'dispatch', 'POST', `/api/v1/shipments/${shipment.id}/dispatch`, undefined, 200);
  });
  for (const id of ids) await until(`order ${id} shipped`, () => orderStatus(quiet, id), (s) => s === 'SHIPPED', 120_000);
  const tShipped = performance.now();
  const seconds = (tShipped - t0) / 1000;
  const cpu = target.processes.map((p, i) => [p.name, +(processCpuSeconds(p.pid) - cpu0[i]!).toFixed(1)] as const);
  const driverCpu = process.cpuUsage(driverCpu0);
  const machine1 = machineCpuTicks();
  const load1 = loadavg()[0] ?? 0;

  const latencyAfter = await settledLatency(target.metricsUrls);
  // Consumers that fell behind finish the flow's events after the last order shipped: their CPU counts too.
  const cpuSettled = target.processes.map((p, i) => [p.name, +(processCpuSeconds(p.pid) - cpu0[i]!).toFixed(1)] as const);
  const byConsumer = new Map([...latencyAfter].map(([c, b]) => [c, minus(b, latencyBefore.get(c))]));
  const steps = Object.fromEntries([...timings.entries()].map(([step, list]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return [step, { calls: list.length, p50Ms: +percentile(sorted, 50).toFixed(2), p99Ms: +percentile(sorted, 99).toFixed(2) }];
  }));
  return {
    warehouse: w,
    deployment: target.name,
    orders, orderLines: lines, workers, tasks: picked.tasks.size,
    loadAverage1m: { atStart: +load0.toFixed(2), atEnd: +load1.toFixed(2) },
    seconds: +seconds.toFixed(2),
    orderLinesPerSecond: +(lines / seconds).toFixed(1),
    phasesSeconds: {
      intake: +((tCreated - t0) / 1000).toFixed(2), allocation: +((tAllocated - tCreated) / 1000).toFixed(2),
      waveAndPick: +((tPicked - tAllocated) / 1000).toFixed(2), packAndShip: +((tShipped - tPicked) / 1000).toFixed(2),
    },
    /** CPU seconds used during the flow, per process, and how busy the whole machine (2 cores, shared) was. */
    cpuSeconds: { ...Object.fromEntries(cpu), driver: +((driverCpu.user + driverCpu.system) / 1e6).toFixed(1) },
    /** CPU seconds per process from the flow's start until the event counts stopped moving (the backlog drained). */
    cpuSecondsUntilSettled: Object.fromEntries(cpuSettled),
    machineCpuBusy: machine1.total === machine0.total ? NaN : +((machine1.busy - machine0.busy) / (machine1.total - machine0.total)).toFixed(3),
    packCallsBeforePicksWereKnown: packTooEarly,
    steps,
    eventLatency: {
      all: latencyFigures(sum([...byConsumer.values()])),
      byConsumer: Object.fromEntries([...byConsumer].sort(([a], [b]) => a.localeCompare(b)).map(([c, b]) => [c, latencyFigures(b)])),
    },
  };
}

type FlowRun = Awaited<ReturnType<typeof driveFlow>>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The same deployment at a steady offered load instead of a burst (issue 8 e: event latency "at that load"): orders
 * arrive open-loop at `linesPerSecond` (whatever the system's progress), a wave of the pool is released every
 * `waveEveryS`, `workers` handhelds pick whatever task comes and packers pack each order as its picks are known, for
 * `seconds`; then the work in hand drains. The burst flow measures capacity (its event latency is queueing behind the
 * burst); this one measures how long an event waits at a given load below capacity. Reuses the burst's warehouse.
 */
async function driveSteady(target: Target, w: Warehouse, o: { linesPerSecond: number; seconds: number; workers: number; waveEveryS: number }) {
  const timings = new Map<string, number[]>();
  const call = target.client(timings);
  const quiet = target.client();
  const floor = restFloor(call);
  const latencyBefore = await settledLatency(target.metricsUrls);
  const load0 = loadavg()[0] ?? 0;
  const specs = (i: number) => ({
    externalId: `S-${i}`,
    lines: Array.from({ length: 1 + (i % 4) }, (_, j) => ({ sku: w.products[(i * 11 + j * 17) % w.products.length]!.sku, quantity: 1 + ((i + j) % 3) })),
  });
  const linesPerOrder = 2.5; // 1 + (i % 4) lines on average
  const orderEveryMs = (1000 * linesPerOrder) / o.linesPerSecond;
  const created: string[] = [];
  const creating: Promise<void>[] = [];
  const shipped = new Set<string>();
  const queued = new Set<string>();
  const packQueue: string[] = [];
  let arrivalsDone = false;
  let failure: unknown;
  const fail = (e: unknown): void => { failure ??= e; };
  const finished = (): boolean => failure !== undefined || (arrivalsDone && shipped.size === created.length && creating.length === created.length);
  const t0 = performance.now();
  const deadline = Date.now() + (o.seconds + 240) * 1000;

  const arrivals = (async () => {
    for (let i = 0; performance.now() - t0 < o.seconds * 1000; i++) {
      const due = t0 + i * orderEveryMs;
      if (due > performance.now()) await sleep(due - performance.now());
      creating.push(createOrder(call, w.siteId, specs(i)).then((r) => { created.push(r.id); }, fail));
    }
    await Promise.all(creating);
    arrivalsDone = true;
  })();
  const waves = (async () => {
    while (!finished() && Date.now() < deadline) {
      await sleep(o.waveEveryS * 1000);
      const pool = await expectStatus(quiet, 'pool', 'GET', `/api/v1/waves/pool?siteId=${w.siteId}&limit=1`, undefined, 200) as { items: unknown[] };
      if (pool.items.length > 0) await planAndRelease(call, w.siteId, 1000);
    }
  })().catch(fail);
  const picker = async (worker: string): Promise<void> => {
    while (!finished() && Date.now() < deadline) {
      const task = await floor.nextTask(worker, w.siteId);
      if (task === undefined) {
        await sleep(50);
        continue;
      }
      await floor.startTask(task.id, worker);
      const list = await floor.pickList(task.reference);
      for (const line of list.lines) {
        if (line.status !== 'PENDING' || line.quantity <= line.picked) continue;
        await floor.confirm(list.id, line.id, {
          locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity - line.picked, toteId: `TOTE-${worker}`,
        });
      }
      await floor.complete(task.id, worker);
      for (const id of list.orderIds ?? (list.orderId === undefined ? [] : [list.orderId])) {
        if (!queued.has(id)) {
          queued.add(id);
          packQueue.push(id);
        }
      }
    }
  };
  const packer = async (): Promise<void> => {
    while (!finished() && Date.now() < deadline) {
      const id = packQueue.shift();
      if (id === undefined) {
        await sleep(50);
        continue;
      }
      // An order may span lists of several handhelds: it is packed once all its lines are picked (PICKED).
      if (await orderStatus(quiet, id) !== 'PICKED') {
        packQueue.push(id);
        await sleep(25);
        continue;
      }
      await packWhenReady(quiet, timings, id);
      // PICKED means pack & ship has heard every picked unit (ADR 0049): the package holds them all.
      const booked = await call('create shipment', 'POST', '/api/v1/shipments', { orderId: id });
      if (booked.status !== 201) throw new Error(`create shipment ${id} → ${booked.status} ${JSON.stringify(booked.body)}`);
      await expectStatus(call, 'dispatch', 'POST', `/api/v1/shipments/${(booked.body as { id: string }).id}/dispatch`, undefined, 200);
      shipped.add(id);
    }
  };
  await Promise.all([
    arrivals, waves,
    ...Array.from({ length: o.workers }, (_, i) => picker(`steady-${i}`).catch(fail)),
    ...Array.from({ length: o.workers }, () => packer().catch(fail)),
  ]);
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
  if (!finished()) throw new Error(`the steady run did not drain: ${shipped.size} of ${created.length} orders shipped`);
  const seconds = (performance.now() - t0) / 1000;
  const latencyAfter = await settledLatency(target.metricsUrls);
  const byConsumer = new Map([...latencyAfter].map(([c, b]) => [c, minus(b, latencyBefore.get(c))]));
  const lines = Array.from({ length: created.length }, (_, i) => specs(i).lines.length).reduce((s, n) => s + n, 0);
  const steps = Object.fromEntries([...timings.entries()].map(([step, list]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return [step, { calls: list.length, p50Ms: +percentile(sorted, 50).toFixed(2), p99Ms: +percentile(sorted, 99).toFixed(2) }];
  }));
  return {
    deployment: target.name,
    offeredLinesPerSecond: +o.linesPerSecond.toFixed(1),
    arrivalSeconds: o.seconds,
    orders: created.length, orderLines: lines,
    drainSeconds: +(seconds - o.seconds).toFixed(1),
    loadAverage1m: { atStart: +load0.toFixed(2), atEnd: +(loadavg()[0] ?? 0).toFixed(2) },
    steps,
    eventLatency: {
      all: latencyFigures(sum([...byConsumer.values()])),
      byConsumer: Object.fromEntries([...byConsumer].sort(([a], [b]) => a.localeCompare(b)).map(([c, b]) => [c, latencyFigures(b)])),
    },
  };
}

type SteadyRun = Awaited<ReturnType<typeof driveSteady>>;

/**
 * Starts the split cluster, trying again when a service dies at boot: on a loaded machine Kafka may not yet list the
 * topic that another service has just created (UNKNOWN_TOPIC_OR_PARTITION: the services boot side by side on a fresh
 * namespace), and a service exits on it. The next attempt keeps the namespace, so its topics exist by then; the
 * databases' migrations are idempotent, so a second boot on them is a normal restart.
 */
async function startCluster(bus: SplitBus, gateway: string, services: readonly string[]): Promise<SplitCluster> {
  const namespace = `bench-${randomBytes(4).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSplitCluster({ bus, databases: { gateway, services }, extraEnv: { PAKLOG_BUS_NAMESPACE: namespace, ...NO_RATE_LIMITS } });
    } catch (e) {
      if (attempt >= 3) throw e;
      console.log(`the split cluster did not start (attempt ${attempt}): ${(e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' ')}`);
    }
  }
}

function summary(r: FlowRun): void {
  console.log(`${r.deployment}: ${r.orders} orders, ${r.orderLines} lines in ${r.seconds} s → ${r.orderLinesPerSecond} order lines/s `
    + `(load ${r.loadAverage1m.atStart} → ${r.loadAverage1m.atEnd}, machine CPU busy ${r.machineCpuBusy})`);
  console.log(`  phases (s) ${JSON.stringify(r.phasesSeconds)}; CPU s ${JSON.stringify(r.cpuSeconds)}; until settled ${JSON.stringify(r.cpuSecondsUntilSettled)}`);
  console.log(`  event latency, append → consumer commit: ${JSON.stringify(r.eventLatency.all)}`);
}

function steadySummary(r: SteadyRun): void {
  console.log(`${r.deployment}, steady ${r.offeredLinesPerSecond} order lines/s for ${r.arrivalSeconds} s: ${r.orders} orders, ${r.orderLines} lines, `
    + `drained ${r.drainSeconds} s after (load ${r.loadAverage1m.atStart} → ${r.loadAverage1m.atEnd})`);
  console.log(`  event latency, append → consumer commit: ${JSON.stringify(r.eventLatency.all)}`);
}

/** The result file keeps the run's figures, not the warehouse's ids. */
function strip({ warehouse: _w, ...run }: FlowRun): Omit<FlowRun, 'warehouse'> {
  return run;
}

export async function splitFlow(args: string[]): Promise<void> {
  const bus = stringArg(args, 'bus', 'kafka');
  if (bus !== 'kafka' && bus !== 'nats') throw new Error(`--bus must be kafka or nats, got "${bus}"`);
  const orders = numberArg(args, 'orders', 200);
  const workers = numberArg(args, 'workers', 4);
  const steadySeconds = numberArg(args, 'steady-seconds', 60);
  const steadyShare = numberArg(args, 'steady-share', 0.5);
  const env = process.env.PAKLOG_BENCH_DATABASE_URL;
  const serverUrl = env === undefined || env === '' ? 'postgres://postgres@127.0.0.1:5432/test' : env;
  const loadAtStart = loadavg()[0] ?? 0;
  const dbs = await Promise.all([0, 1, 2, 3, 4].map(() => benchDatabase(serverUrl)));
  let allInOne: FlowRun;
  let split: FlowRun;
  let steadyAllInOne: SteadyRun | undefined;
  let steadySplit: SteadyRun | undefined;
  /** The steady load: a share (default half, issue 8 e's throughput target) of the all-in-one's burst capacity. */
  let steadyLinesPerSecond = 0;
  let commitsPerSecond: number;
  try {
    commitsPerSecond = await rawCommitRate(dbs[0]!.url, 3);
    const adminKey = `pk_bench_${randomBytes(16).toString('hex')}`;
    const port = await freePort();
    // As split-cluster.ts starts each service, but every context in one process and the in-process bus.
    const single = await startPakLog(cleanEnv({
      DATABASE_URL: dbs[0]!.url, PORT: String(port), PAKLOG_ADMIN_API_KEY: adminKey, PAKLOG_BUS: 'inline', PAKLOG_SEED_DEMO: 'false',
      PAKLOG_LOG_FORMAT: 'json', LOG_LEVEL: 'warn', PAKLOG_WORKER_THREADS: '0', ...NO_RATE_LIMITS, ...cpuProfileEnv('all-in-one'),
    }));
    try {
      const url = `http://127.0.0.1:${port}`;
      console.log('all-in-one: running the flow …');
      allInOne = await driveFlow({
        name: 'all-in-one (1 process, inline bus)', client: (t) => httpClient(url, adminKey, t), metricsUrls: [url],
        processes: [{ name: 'all-in-one', pid: single.child.pid }],
      }, orders, workers);
      summary(allInOne);
      steadyLinesPerSecond = allInOne.orderLinesPerSecond * steadyShare;
      if (steadySeconds > 0) {
        console.log(`all-in-one: ${steadySeconds} s at a steady ${steadyLinesPerSecond.toFixed(1)} order lines/s …`);
        steadyAllInOne = await driveSteady({
          name: 'all-in-one (1 process, inline bus)', client: (t) => httpClient(url, adminKey, t), metricsUrls: [url], processes: [],
        }, allInOne.warehouse, { linesPerSecond: steadyLinesPerSecond, seconds: steadySeconds, workers, waveEveryS: 3 });
        steadySummary(steadyAllInOne);
      }
    } finally {
      await single.stop();
    }
    const cluster = await startCluster(bus, dbs[1]!.url, dbs.slice(2).map((d) => d.url));
    try {
      console.log(`split over ${bus}: running the flow …`);
      const target: Target = {
        name: `split (gateway + 3 services, ${bus})`, client: (t) => cluster.client(cluster.adminKey, t),
        metricsUrls: [cluster.gatewayUrl, ...cluster.services.map((s) => s.url)],
        processes: [{ name: 'gateway', pid: cluster.gateway.child.pid }, ...cluster.services.map((s) => ({ name: s.name, pid: s.process.child.pid }))],
      };
      split = await driveFlow(target, orders, workers);
      summary(split);
      if (steadySeconds > 0) {
        console.log(`split over ${bus}: ${steadySeconds} s at a steady ${steadyLinesPerSecond.toFixed(1)} order lines/s …`);
        steadySplit = await driveSteady(target, split.warehouse, { linesPerSecond: steadyLinesPerSecond, seconds: steadySeconds, workers, waveEveryS: 3 });
        steadySummary(steadySplit);
      }
    } finally {
      await cluster.close();
    }
  } finally {
    await Promise.all(dbs.map((d) => d.drop()));
  }
  const ratio = split.orderLinesPerSecond / allInOne.orderLinesPerSecond;
  const result = {
    benchmark: 'flow-split', machine: machine(), bus,
    database: `PostgreSQL at ${env === undefined || env === '' ? 'postgres://postgres@127.0.0.1:5432 (the machine\'s server)' : 'PAKLOG_BENCH_DATABASE_URL'}, a fresh database per process`,
    client: 'real HTTP (fetch) from the bench process, for both deployments; asynchronous steps waited on by polling',
    loadAverage1mAtStart: +loadAtStart.toFixed(2),
    rawSingleRowCommitsPerSecond: +commitsPerSecond.toFixed(0),
    splitToAllInOne: +ratio.toFixed(3),
    targets: {
      throughputRatioAtLeast50Percent: ratio >= 0.5,
      /** At the steady load (a share of the all-in-one's capacity); undefined when the steady run was skipped. */
      eventLatencyP99AtMost100Ms: steadySplit === undefined ? undefined : steadySplit.eventLatency.all.p99Ms <= 100,
    },
    allInOne: strip(allInOne), split: strip(split),
    steady: { share: steadyShare, offeredLinesPerSecond: +steadyLinesPerSecond.toFixed(1), allInOne: steadyAllInOne, split: steadySplit },
  };
  const file = writeResult(`flow-split-${bus}`, result);
  for (const r of [allInOne, split]) {
    summary(r);
    console.table(r.eventLatency.byConsumer);
  }
  for (const r of [steadyAllInOne, steadySplit]) {
    if (r === undefined) continue;
    steadySummary(r);
    console.table(r.eventLatency.byConsumer);
  }
  const names = [...new Set([...Object.keys(allInOne.steps), ...Object.keys(split.steps)])];
  console.table(Object.fromEntries(names.map((n) => [n, {
    'all-in-one p50': allInOne.steps[n]?.p50Ms, 'all-in-one p99': allInOne.steps[n]?.p99Ms, 'split p50': split.steps[n]?.p50Ms, 'split p99': split.steps[n]?.p99Ms,
  }])));
  console.log(`split / all-in-one = ${result.splitToAllInOne}; targets ${JSON.stringify(result.targets)}`);
  console.log(`written to ${file}`);
}
