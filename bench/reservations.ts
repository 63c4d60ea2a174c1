/**
 * `npm run bench -- reservations [--seconds=6] [--skus=1000] [--zipf=1.0] [--seed=11] [--lanes=1] [--out=reservations]
 * [--only=batched] [--tally] [--gather=now|tick] [--vacuum=phase|off]` (issue 11 acceptance d): the oversell guard under contention.
 * `--out=NAME` writes bench/results/NAME.json; `--only=batched` measures the 10-line orders alone (and their raw
 * baseline); `--tally` lists the statements the 10-line PakLog path sent, per order; `--gather` see `consumerLanes`; `--vacuum` see `settle`.
 *
 * "Reservation" here is **allocation by line**: an order's lines claim units of a SKU's `inventory.sku_stock` row
 * (the all-or-nothing per line allocation of `use-cases/allocate-order`, what `orders.order.received` runs), the one
 * place where concurrent orders race for the same SKU. Wave reservation against location balances
 * (`use-cases/reserve-wave`) runs once per wave release, set-based, and is not measured here.
 *
 * - **PakLog path**: the inventory consumer as the bus runs it (`bus.deliverMany`: contract check, inbox, the
 *   set-based allocate-order handler, ledger, outbox, one transaction per run, ADR 0043). Each client submits one order
 *   at a time and waits for its commit; like the relay, each consumer lane hands everything waiting (up to 100 events)
 *   to the consumer as one run. Lanes are the consumer's concurrent deliveries (Kafka partitions; the inline transport
 *   has one); an order goes to the lane of its subject, as a keyed broker would. Latency is the client's: submit to
 *   commit, waiting included.
 * - **Per-order transactions** (reference, 8 clients): the same consumer given one event at a time, one transaction
 *   per order, as before ADR 0043.
 * - **Raw SQL path** (baseline, same server, same run): one conditional
 *   `UPDATE sku_stock SET allocated = allocated + q WHERE … AND on_hand_available - unpickable - allocated >= q` per
 *   line; single-line orders in autocommit, 10-line orders as one transaction with the lines in SKU order.
 *
 * SKUs are drawn Zipf-skewed (rank k with probability ∝ 1/k^s) from `--skus` SKUs, each with ample stock, so every
 * line is allocated and all contention is on the hot rows. Single-line orders at 1, 8 and 32 clients; 10-line orders
 * (10 distinct SKUs) at 8 clients. Deadlocks are counted from `pg_stat_database.deadlocks` of the bench database and
 * failures from the dead letters the consumer wrote.
 *
 * Server: PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test (a fresh database is created on it).
 */
import pg from 'pg';
import { buildApp, type RemoteApis } from '../src/app.ts';
import { OrderEvents, type OrderReceived } from '../src/contracts/orders.ts';
import type { ContractApis } from '../src/rpc/contract-rpc.ts';
import { createRng, type SeededRng } from '../src/optimize/random.ts';
import type { EventEnvelope } from '../src/platform/bus/envelope.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import { uuidv7Ids } from '../src/platform/ids.ts';
import { machine, percentile, writeResult } from './machine.ts';
import { backendCpuSampler, benchDatabase, numberArg, stringArg } from './support.ts';

const SITE = 'sit_bench_reservations';
const RAW_SITE = 'sit_bench_raw';
const STOCK = 1_000_000_000;
/** What the measured paths write: SKU rows (both), the allocation, ledger, inbox, outbox and event-store rows (PakLog). */
const BUSY_TABLES = ['inventory.sku_stock', 'inventory.allocations', 'inventory.order_policies', 'inventory.movements', 'inventory.inbox',
  'platform.outbox', 'platform.events'];

const notRunHere: RemoteApis = <K extends keyof ContractApis>(_api: K, owner: string): ContractApis[K] =>
  new Proxy({}, { get: (_t, m) => (m === 'then' ? undefined : () => Promise.reject(new Error(`${owner} does not run in this benchmark`))) }) as ContractApis[K];

/** Zipf sampler over ranks 0..n-1 (rank k drawn with probability ∝ 1/(k+1)^s), by inverse CDF. */
function zipf(n: number, s: number, rng: SeededRng): () => number {
  const cdf: number[] = [];
  let total = 0;
  for (let k = 1; k <= n; k++) cdf.push((total += 1 / k ** s));
  return () => {
    const u = rng.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * Consumer lanes in front of `deliver`: like the relay, a lane hands everything waiting (up to `RUN` events) over as one
 * run and takes the next run when that one has committed. Resolves each submission once its run has been delivered.
 * With `gather` (`--gather=tick`) a lane takes its run one macrotask after it is woken, not at once: what the clients
 * submit in the same turn of the event loop joins it, as the relay's batch holds what committed before its read
 * (the relay reads the outbox one round trip, its BEGIN, after it is kicked). Without it, 8 closed-loop clients settle
 * into runs of 1 and 7 in turn: the first client to resubmit after a commit starts a run alone.
 */
const RUN = 100;
function consumerLanes(lanes: number, deliver: (events: readonly EventEnvelope[]) => Promise<void>, gather = false) {
  type Waiting = { event: EventEnvelope; done: (e?: Error) => void };
  const queues = Array.from({ length: lanes }, () => ({ waiting: [] as Waiting[], busy: false }));
  const runs: number[] = [];
  const pump = async (q: (typeof queues)[number]): Promise<void> => {
    if (q.busy) return;
    q.busy = true;
    while (q.waiting.length > 0) {
      if (gather) await new Promise((r) => setImmediate(r));
      const run = q.waiting.splice(0, RUN);
      runs.push(run.length);
      try {
        await deliver(run.map((w) => w.event));
        for (const w of run) w.done();
      } catch (e) {
        for (const w of run) w.done(e instanceof Error ? e : new Error(String(e)));
      }
    }
    q.busy = false;
  };
  const laneOf = (subject: string): number => {
    let h = 0;
    for (let i = 0; i < subject.length; i++) h = (h * 31 + subject.charCodeAt(i)) | 0;
    return Math.abs(h) % lanes;
  };
  return {
    submit: (event: EventEnvelope): Promise<void> => new Promise((resolve, reject) => {
      const q = queues[laneOf(event.subject)]!;
      q.waiting.push({ event, done: (e) => (e === undefined ? resolve() : reject(e)) });
      void pump(q);
    }),
    /** Mean events per run since the last call. */
    meanRun: (): number => {
      const n = runs.splice(0).reduce((a, b) => [a[0]! + b, a[1]! + 1], [0, 0]);
      return n[1] === 0 ? 0 : +(n[0]! / n[1]!).toFixed(1);
    },
  };
}

/**
 * What a PakLog measurement cost per order: statements the app's db wrapper sent (consumer runs and the relay passes
 * their commits wake), Node CPU (this process: the app and the bench's clients), the bench database's PostgreSQL
 * backends' CPU, and how often a backend of it was seen waiting on a lock (pg_stat_activity sampled every 20 ms).
 */
interface Cost { statementsPerOrder: number; nodeCpuMsPerOrder: number; postgresCpuMsPerOrder: number | null; lockWaitSamples: number; samples: number }

interface Run { orders: number; lines: number; seconds: number; ordersPerSecond: number; linesPerSecond: number; p50Ms: number; p99Ms: number; maxMs: number; errors: number; deadlockErrors: number }

/** `clients` loops calling `order(lines)` for `seconds`; each call is one order of `linesPerOrder` lines. */
async function drive(clients: number, seconds: number, linesPerOrder: number, nextSkus: (n: number) => string[],
  order: (skus: string[], n: number) => Promise<void>): Promise<Run> {
  const times: number[] = [];
  let errors = 0;
  let deadlocks = 0;
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      const skus = nextSkus(linesPerOrder);
      const started = performance.now();
      try {
        await order(skus, n++);
        times.push(performance.now() - started);
      } catch (e) {
        errors++;
        if ((e as { code?: string }).code === '40P01') deadlocks++;
      }
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  const sorted = times.sort((a, b) => a - b);
  return {
    orders: times.length, lines: times.length * linesPerOrder, seconds: +elapsed.toFixed(2),
    ordersPerSecond: Math.round(times.length / elapsed), linesPerSecond: Math.round((times.length * linesPerOrder) / elapsed),
    p50Ms: +percentile(sorted, 50).toFixed(1), p99Ms: +percentile(sorted, 99).toFixed(1), maxMs: +(sorted.at(-1) ?? NaN).toFixed(1),
    errors, deadlockErrors: deadlocks,
  };
}

export async function main(args: string[]): Promise<void> {
  const seconds = numberArg(args, 'seconds', 6);
  const skuCount = numberArg(args, 'skus', 1000);
  const s = numberArg(args, 'zipf', 1.0);
  const seed = numberArg(args, 'seed', 11);
  const lanes = numberArg(args, 'lanes', 1);
  const out = stringArg(args, 'out', 'reservations');
  const only = stringArg(args, 'only', '') === 'batched' ? 'batched' : undefined;
  const tallyArg = args.includes('--tally');
  const gather = stringArg(args, 'gather', 'now') === 'tick';
  const vacuum = stringArg(args, 'vacuum', 'phase') !== 'off';
  const serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const db = await benchDatabase(serverUrl);
  try {
    const app = await buildApp(loadConfig({
      LOG_LEVEL: 'silent', PAKLOG_DB_POOL_SIZE: '40', PAKLOG_CONTEXTS: 'catalog,location-master,inventory',
      PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0',
    }), db.url, { remoteApis: notRunHere });
    const raw = new pg.Pool({ connectionString: db.url, max: 40 });
    try {
      const skus = Array.from({ length: skuCount }, (_, i) => `SKU-${String(i).padStart(5, '0')}`);
      // Ample stock per SKU for both paths, as a receipt would leave it (balance, RECEIPT movement, SKU row), so the
      // stock tables reconcile; the raw path works on another site's rows of the same table.
      for (const site of [SITE, RAW_SITE]) {
        await raw.query(
          `INSERT INTO inventory.balances (site_id, owner_id, sku, location_id, lot, status, on_hand) SELECT $1, 'own_default', sku, 'loc_bench', '', 'AVAILABLE', $3 FROM unnest($2::text[]) sku`,
          [site, skus, STOCK]);
        await raw.query(
          `INSERT INTO inventory.movements (id, type, site_id, owner_id, sku, location_id, delta_on_hand)
           SELECT 'mov_bench_' || $1 || '_' || sku, 'RECEIPT', $1, 'own_default', sku, 'loc_bench', $3 FROM unnest($2::text[]) sku`, [site, skus, STOCK]);
        await raw.query(`INSERT INTO inventory.sku_stock (site_id, owner_id, sku, on_hand_available) SELECT $1, 'own_default', sku, $3 FROM unnest($2::text[]) sku`, [site, skus, STOCK]);
      }
      const draw = zipf(skuCount, s, createRng(seed));
      /** n distinct SKUs, Zipf-skewed. */
      const nextSkus = (n: number): string[] => {
        const set = new Set<string>();
        while (set.size < n) set.add(skus[draw()]!);
        return [...set];
      };
      let orderNo = 0;
      /** `orders.order.received` as the orders context publishes it. */
      const received = (lines: string[]): EventEnvelope => {
        const orderId = `ord_bench_${(orderNo++).toString(36)}`;
        const order: OrderReceived = {
          orderId, externalId: orderId, siteId: SITE, carrier: 'DHL', priority: 5,
          lines: lines.map((sku, i) => ({ lineId: `l${i + 1}`, lineNo: i + 1, sku, quantity: 1 })),
        };
        return {
          specversion: '1.0', id: uuidv7Ids.next('evt'), type: OrderEvents.received, source: 'orders', subject: orderId, time: new Date().toISOString(),
          datacontenttype: 'application/json', siteid: SITE, data: order,
        };
      };
      const consumer = consumerLanes(lanes, async (events) => { await app.bus.deliverMany('inventory', events); }, gather);
      const paklog = (lines: string[]): Promise<void> => consumer.submit(received(lines));
      const perOrder = async (lines: string[]): Promise<void> => {
        if ((await app.bus.deliver('inventory', received(lines))) !== 'handled') throw new Error('not handled');
      };
      const RAW_UPDATE = `UPDATE inventory.sku_stock SET allocated = allocated + $3
                           WHERE site_id = $1 AND sku = $2 AND on_hand_available - unpickable - allocated >= $3 RETURNING 1`;
      const rawLine = async (lines: string[]): Promise<void> => {
        const r = await raw.query(RAW_UPDATE, [RAW_SITE, lines[0], 1]);
        if (r.rowCount !== 1) throw new Error('raw allocation refused');
      };
      const rawBatch = async (lines: string[]): Promise<void> => {
        const c = await raw.connect();
        try {
          await c.query('BEGIN');
          for (const sku of [...lines].sort()) {
            const r = await c.query(RAW_UPDATE, [RAW_SITE, sku, 1]);
            if (r.rowCount !== 1) throw new Error('raw allocation refused');
          }
          await c.query('COMMIT');
        } catch (e) {
          await c.query('ROLLBACK');
          throw e;
        } finally {
          c.release();
        }
      };
      const statDeadlocks = async (): Promise<number> => {
        await new Promise((r) => setTimeout(r, 1500));
        return Number((await raw.query<{ n: string }>(`SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()`)).rows[0]!.n);
      };

      /**
       * Before each measurement (`--vacuum=phase`, the default): `VACUUM (ANALYZE)` of the tables the paths write, standing in
       * for autovacuum, which PakLog needs on (src/platform/db/maintenance.ts warns without it) and which this machine's
       * server runs without. Otherwise every measurement inherits the dead rows and the planner statistics of a fresh,
       * never analysed database: the statements' cached plans, made when the allocation rows were a few hundred, scan
       * tens of thousands of them by the 10-line measurement, and the hot SKU rows carry the dead versions of every
       * earlier update. Both paths get it, before each of their measurements; `--vacuum=off` measures without it.
       */
      const settle = async (): Promise<void> => {
        // The tables the two paths write, as autovacuum would pick them (not the whole database and its catalogs, whose
        // pages a whole-database VACUUM dirties and the next measurement's commits then wait behind on the disk).
        if (vacuum) await raw.query(`VACUUM (ANALYZE) ${BUSY_TABLES.join(', ')}`);
      };
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      const database = new URL(db.url).pathname.slice(1);
      const adminPid = (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      /** `run` with what it cost per order (see `Cost`); `tally` also lists the statements it sent, per order. */
      const costed = async <T extends Run>(run: () => Promise<T>, tally = false): Promise<T & { cost: Cost; statements?: Record<string, number> }> => {
        const backends = backendCpuSampler(admin, database, [adminPid]);
        await backends.start();
        let samples = 0;
        let waits = 0;
        let sampling: Promise<unknown> = Promise.resolve();
        const timer = setInterval(() => {
          sampling = sampling.then(() => admin.query<{ n: number }>(
            `SELECT count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS n FROM pg_stat_activity WHERE datname = $1`, [database]))
            .then((r) => { samples++; waits += r.rows[0]!.n; }).catch(() => undefined);
        }, 50);
        const statementsBefore = app.db.statementsSent;
        if (tally) app.db.statementTally = new Map();
        const cpu = process.cpuUsage();
        const r = await run();
        const used = process.cpuUsage(cpu);
        const statements = app.db.statementsSent - statementsBefore;
        const tallied = app.db.statementTally;
        app.db.statementTally = undefined;
        clearInterval(timer);
        await sampling;
        const pgSeconds = await backends.stop();
        const per = (x: number): number => +(x / Math.max(1, r.orders)).toFixed(3);
        const cost: Cost = {
          statementsPerOrder: per(statements), nodeCpuMsPerOrder: per((used.user + used.system) / 1000),
          postgresCpuMsPerOrder: pgSeconds === undefined ? null : per(pgSeconds * 1000), lockWaitSamples: waits, samples,
        };
        if (!tally || tallied === undefined) return { ...r, cost };
        const top = [...tallied].sort((a, b) => b[1] - a[1]).slice(0, 20)
          .map(([text, n]) => [text.replace(/\s+/g, ' ').slice(0, 140), per(n)] as const);
        return { ...r, cost, statements: Object.fromEntries(top) };
      };

      // Warm-up: plans cached, pool connections open.
      await drive(8, 1, 1, nextSkus, paklog);
      await drive(8, 1, 1, nextSkus, rawLine);
      await drive(8, 1, 10, nextSkus, paklog);
      const deadlocksBefore = await statDeadlocks();
      consumer.meanRun();
      const single: Record<string, { paklog: Run & { meanRun: number; cost: Cost }; raw: Run; ratio: number }> = {};
      let po: (Run & { cost: Cost }) | undefined;
      if (only !== 'batched') {
        for (const clients of [1, 8, 32]) {
          await settle();
          const p = { ...(await costed(() => drive(clients, seconds, 1, nextSkus, paklog))), meanRun: consumer.meanRun() };
          await settle();
          const r = await drive(clients, seconds, 1, nextSkus, rawLine);
          single[String(clients)] = { paklog: p, raw: r, ratio: +(p.linesPerSecond / r.linesPerSecond).toFixed(2) };
          console.log(`single-line, ${clients} clients: PakLog ${p.linesPerSecond}/s (p99 ${p.p99Ms} ms, ${p.meanRun} orders per run, ${p.cost.statementsPerOrder} statements and ${p.cost.nodeCpuMsPerOrder} ms Node CPU per order), raw SQL ${r.linesPerSecond}/s (p99 ${r.p99Ms} ms), ratio ${single[String(clients)]!.ratio}`);
        }
        await settle();
        po = await costed(() => drive(8, seconds, 1, nextSkus, perOrder));
        console.log(`single-line, 8 clients, one transaction per order (before ADR 0043): ${po.linesPerSecond}/s (p99 ${po.p99Ms} ms), ratio ${+(po.linesPerSecond / single['8']!.raw.linesPerSecond).toFixed(2)}`);
      }
      const perOrderRef = po === undefined ? undefined : { clients: 8, paklog: po, ratio: +(po.linesPerSecond / single['8']!.raw.linesPerSecond).toFixed(2) };
      consumer.meanRun();
      await settle();
      const bp = { ...(await costed(() => drive(8, seconds, 10, nextSkus, paklog), tallyArg)), meanRun: consumer.meanRun() };
      await settle();
      const br = await drive(8, seconds, 10, nextSkus, rawBatch);
      const batched = { clients: 8, linesPerOrder: 10, paklog: bp, raw: br, ratio: +(bp.linesPerSecond / br.linesPerSecond).toFixed(2) };
      console.log(`10-line orders, 8 clients: PakLog ${bp.linesPerSecond} lines/s (p99 ${bp.p99Ms} ms per order, ${bp.meanRun} orders per run, ${bp.cost.statementsPerOrder} statements, ${bp.cost.nodeCpuMsPerOrder} ms Node CPU and ${bp.cost.postgresCpuMsPerOrder} ms PostgreSQL CPU per order, lock waits seen ${bp.cost.lockWaitSamples} in ${bp.cost.samples} samples), raw SQL ${br.linesPerSecond} lines/s (p99 ${br.p99Ms} ms), ratio ${batched.ratio}`);
      await admin.end();
      const deadLetters = Number((await raw.query<{ n: string }>(`SELECT count(*) AS n FROM platform.dead_letters`)).rows[0]!.n);
      const deadlocks = (await statDeadlocks()) - deadlocksBefore;
      const errors = [...Object.values(single).flatMap((x) => [x.paklog, x.raw]), ...(po === undefined ? [] : [po]), bp, br].reduce((n, x) => n + x.errors, 0) + deadLetters;
      // Every line was allocated once: the SKU rows' allocated sum to the lines the PakLog path committed.
      const allocated = Number((await raw.query<{ n: string }>(`SELECT sum(allocated) AS n FROM inventory.sku_stock WHERE site_id = $1`, [SITE])).rows[0]!.n);
      const allocationRows = Number((await raw.query<{ n: string }>(`SELECT count(*) AS n FROM inventory.allocations WHERE status = 'ALLOCATED'`)).rows[0]!.n);
      const p8 = single['8'];
      const result = {
        benchmark: 'reservations', machine: machine(),
        database: 'PostgreSQL at PAKLOG_BENCH_DATABASE_URL (default: the machine\'s server), a fresh database, durable commits',
        what: 'allocation by line (use-cases/allocate-order: the SKU-level oversell guard) through the inventory consumer (bus.deliverMany: inbox, set-based handler, ledger, outbox), one transaction per run of waiting orders per lane; raw SQL: one conditional UPDATE per line',
        settings: { seconds, skus: skuCount, zipfS: s, seed, quantityPerLine: 1, lanes, maxRun: RUN, only: only ?? 'all', gather: gather ? 'tick' : 'now', vacuum: vacuum ? 'phase' : 'off' },
        single, perOrder: perOrderRef, batched,
        deadlocks: { pgStatDatabase: deadlocks, errors: [...Object.values(single).map((x) => x.paklog), ...(po === undefined ? [] : [po]), bp].reduce((n, x) => n + x.deadlockErrors, 0) },
        deadLetters,
        errors,
        check: { allocatedUnits: allocated, allocationRows, consistent: allocated === allocationRows },
        targets: {
          singlePerSecondAt8: 1000, batchedLinesPerSecond: 5000, p99MsAtMost: 50, ratioToRawAtLeast: 0.5,
          met: {
            singlePerSecondAt8: p8 === undefined ? null : p8.paklog.linesPerSecond >= 1000,
            batchedLinesPerSecond: bp.linesPerSecond >= 5000,
            p99: Object.values(single).every((x) => x.paklog.p99Ms <= 50) && bp.p99Ms <= 50,
            ratioToRaw: (p8 === undefined || p8.ratio >= 0.5) && batched.ratio >= 0.5,
            deadlocks: deadlocks === 0,
          },
        },
      };
      console.log(`deadlocks ${deadlocks}, errors ${errors}, allocated ${allocated} units in ${allocationRows} rows`);
      console.log(`written to ${writeResult(out, result)}`);
    } finally {
      await raw.end();
      await app.close();
    }
  } finally {
    await db.drop();
  }
}
