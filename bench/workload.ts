/**
 * `npm run bench -- workload [--lines=10000] [--requests=200] [--out=workload]` (issue 14 acceptance d): the day's
 * staffing plan, `GET /api/v1/workload/plan?siteId=…` for today, with `--lines` open order lines at the site.
 *
 * The app runs location-master and workload (the plan reads only workload's own tables). The projection's tables are
 * filled in SQL as the floor's events would leave them: open orders (1–4 lines, 1–3 units a line; 85% still to pick,
 * 15% to pack; 80% placed in zones A–F; three carriers with cut-offs at 14:00, 16:00 and 18:00), 28 days of arrivals
 * (hourly PICK lines from the seasonal generator, seed 33, as orders of 1–4 lines, with PACK and a few REPLENISH and
 * PUTAWAY tasks), 3,000 completed PICK tasks of 60 workers (for the learned corrections), and today's roster (60 people
 * in zones A–F and PACK, two shifts). Then `--requests` sequential plans (fastify inject, viewer key: the whole route,
 * forecast and simulation included) after 5 warm-up ones; p50/p99/max, and 50 what-ifs the same way.
 *
 * Server: PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test (a fresh database is created on it).
 */
import pg from 'pg';
import { buildApp, type RemoteApis } from '../src/app.ts';
import type { ContractApis } from '../src/rpc/contract-rpc.ts';
import { seasonalSeries } from '../src/contexts/workload/domain/seasonal-generator.ts';
import { createRng } from '../src/optimize/random.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import { machine, percentile, writeResult } from './machine.ts';
import { benchDatabase, numberArg, stringArg } from './support.ts';

const notRunHere: RemoteApis = <K extends keyof ContractApis>(_api: K, owner: string): ContractApis[K] =>
  new Proxy({}, { get: (_t, m) => (m === 'then' ? undefined : () => Promise.reject(new Error(`${owner} does not run in this benchmark`))) }) as ContractApis[K];

const ZONES = ['A', 'B', 'C', 'D', 'E', 'F'];
const CARRIERS = ['DHL', 'UPS', 'OWN_FLEET'];

/** Inserts rows column-wise through unnest, in chunks. */
async function insertColumns(raw: pg.Client, sql: string, columns: readonly unknown[][], chunk = 20_000): Promise<void> {
  const n = columns[0]?.length ?? 0;
  for (let i = 0; i < n; i += chunk) await raw.query(sql, columns.map((c) => c.slice(i, i + chunk)));
}

function timings(times: number[]): { requests: number; p50Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { requests: times.length, p50Ms: +percentile(sorted, 50).toFixed(1), p99Ms: +percentile(sorted, 99).toFixed(1), maxMs: +sorted.at(-1)!.toFixed(1) };
}

export async function main(args: string[]): Promise<void> {
  const targetLines = numberArg(args, 'lines', 10_000);
  const requests = numberArg(args, 'requests', 200);
  const serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const db = await benchDatabase(serverUrl);
  try {
    const app = await buildApp(loadConfig({
      LOG_LEVEL: 'silent', PAKLOG_CONTEXTS: 'location-master,workload',
      PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0',
    }), db.url, { remoteApis: notRunHere });
    const raw = new pg.Client({ connectionString: db.url });
    await raw.connect();
    try {
      const key = (await app.apiKeys.create('bench viewer', 'viewer')).key;
      const admin = (await app.apiKeys.create('bench admin', 'admin')).key;
      const created = await app.http.inject({ method: 'POST', url: '/api/v1/sites', headers: { 'x-api-key': admin }, payload: { code: 'WLB', name: 'workload bench' } });
      if (created.statusCode !== 201) throw new Error(`site → ${created.statusCode} ${created.body}`);
      const site = (JSON.parse(created.body) as { id: string }).id;
      const rng = createRng(33);
      const now = Date.now();
      const t0 = performance.now();

      // Open orders until the site has `targetLines` open lines.
      const open: [string, string, string, Date, number, number, string, string | null][] = [];
      let lines = 0;
      while (lines < targetLines) {
        const n = Math.min(1 + rng.int(4), targetLines - lines);
        let units = 0;
        for (let l = 0; l < n; l++) units += 1 + rng.int(3);
        open.push([`ord_bench_${open.length}`, site, CARRIERS[rng.int(3)]!, new Date(now - rng.int(600) * 60_000), n, units,
          rng.next() < 0.85 ? 'PICK' : 'PACK', rng.next() < 0.8 ? ZONES[rng.int(ZONES.length)]! : null]);
        lines += n;
      }
      await insertColumns(raw,
        `INSERT INTO workload.open_orders (order_id, site_id, carrier, received_at, lines, units, stage, zone)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::int[], $7::text[], $8::text[])`,
        [0, 1, 2, 3, 4, 5, 6, 7].map((c) => open.map((r) => r[c])));
      await raw.query(`INSERT INTO workload.carrier_cutoffs (site_id, carrier, cutoff_min) VALUES ($1, 'DHL', 840), ($1, 'UPS', 960), ($1, 'OWN_FLEET', 1080)`, [site]);

      // 28 days of arrivals up to the last full hour.
      const hours = 28 * 24;
      const series = seasonalSeries({ seed: 33, weeks: 5, base: 40 }).slice(-hours);
      const endHour = Math.floor(now / 3_600_000) * 3_600_000;
      const arr: [string, string, string, string | null, Date, number, number][] = [];
      series.forEach((hourLines, h) => {
        const start = endHour - (hours - h) * 3_600_000;
        let left = hourLines;
        while (left > 0) {
          const n = Math.min(1 + rng.int(4), left);
          const at = new Date(start + rng.int(3600) * 1000);
          const id = `ord_hist_${arr.length}`;
          const zone = ZONES[rng.int(ZONES.length)]!;
          arr.push([id, 'PICK', site, zone, at, n, n * 2], [id, 'PACK', site, null, at, n, n * 2]);
          left -= n;
        }
        for (let k = 0; k < Math.round(hourLines / 20); k++) {
          arr.push([`tsk_hist_${arr.length}`, rng.next() < 0.5 ? 'REPLENISH' : 'PUTAWAY', site, null, new Date(start + rng.int(3600) * 1000), 1, 0]);
        }
      });
      await insertColumns(raw,
        `INSERT INTO workload.arrivals (ref_id, task_type, site_id, zone, at, lines, units)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::int[])`,
        [0, 1, 2, 3, 4, 5, 6].map((c) => arr.map((r) => r[c])));

      // Completed PICK tasks of 60 workers over the 28 days (routes of 20–150 m, 1–4 lines, 2–6 min each).
      const tasks: [string, string, string, string, string, string, Date, Date, Date, Date][] = [];
      const lists: [string, string, number, number, string, Date][] = [];
      for (let i = 0; i < 3000; i++) {
        const done = new Date(endHour - rng.int(hours * 3600) * 1000);
        const started = new Date(done.getTime() - (120 + rng.int(240)) * 1000);
        const worker = `w${String(rng.int(60)).padStart(2, '0')}`;
        tasks.push([`tsk_bench_${i}`, site, 'PICK', `pkl_bench_${i}`, 'COMPLETED', worker, new Date(started.getTime() - 60_000), new Date(started.getTime() - 30_000), started, done]);
        lists.push([`pkl_bench_${i}`, site, 1 + rng.int(4), 20 + rng.int(130), ZONES[rng.int(ZONES.length)]!, started]);
      }
      await insertColumns(raw,
        `INSERT INTO workload.task_observations (task_id, site_id, task_type, reference, status, worker_id, created_at, assigned_at, started_at, completed_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[])`,
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((c) => tasks.map((r) => r[c])));
      await insertColumns(raw,
        `INSERT INTO workload.pick_lists (pick_list_id, site_id, line_count, route_m, zone, created_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::float8[], $5::text[], $6::timestamptz[])`,
        [0, 1, 2, 3, 4, 5].map((c) => lists.map((r) => r[c])));

      // Today's roster: 60 people, 8 per pick zone and 12 packers, early (06–14) and late (14–22) shifts.
      const shifts: { workerId: string; zone: string; from: string; to: string }[] = [];
      for (let i = 0; i < 60; i++) {
        const zone = i < 48 ? ZONES[i % ZONES.length]! : 'PACK';
        shifts.push({ workerId: `w${String(i).padStart(2, '0')}`, zone, ...(Math.floor(i / 6) % 2 === 0 ? { from: '06:00', to: '14:00' } : { from: '14:00', to: '22:00' }) });
      }
      const roster = await app.http.inject({ method: 'PUT', url: '/api/v1/workload/roster', headers: { 'x-api-key': admin }, payload: { siteId: site, shifts } });
      if (roster.statusCode !== 200) throw new Error(`roster → ${roster.statusCode} ${roster.body}`);
      for (const table of ['open_orders', 'arrivals', 'task_observations', 'pick_lists']) await raw.query(`ANALYZE workload.${table}`);
      const generateS = +((performance.now() - t0) / 1000).toFixed(1);
      console.log(`generated ${open.length} open orders (${lines} lines), ${arr.length} arrivals, ${tasks.length} tasks in ${generateS} s`);

      const get = async (url: string): Promise<{ ms: number; body: Record<string, unknown> }> => {
        const s = performance.now();
        const res = await app.http.inject({ method: 'GET', url, headers: { 'x-api-key': key } });
        const ms = performance.now() - s;
        if (res.statusCode !== 200) throw new Error(`${url} → ${res.statusCode} ${res.body}`);
        return { ms, body: JSON.parse(res.body) as Record<string, unknown> };
      };
      const planUrl = `/api/v1/workload/plan?siteId=WLB`;
      for (let i = 0; i < 5; i++) await get(planUrl);
      const planTimes: number[] = [];
      let last: Record<string, unknown> = {};
      for (let i = 0; i < requests; i++) {
        const r = await get(planUrl);
        planTimes.push(r.ms);
        last = r.body;
      }
      const backlog = last['backlog'] as { lines: number; orders: number; workHours: number };
      if (backlog.lines !== lines) throw new Error(`the plan counts ${backlog.lines} open lines, ${lines} were generated`);
      const whatIfTimes: number[] = [];
      for (let i = 0; i < 50; i++) whatIfTimes.push((await get(`/api/v1/workload/what-if?siteId=WLB&zone=${ZONES[i % 6]}&add=3&fromHour=14`)).ms);
      const plan = timings(planTimes);
      const whatIf = timings(whatIfTimes);
      console.log(`plan: p50 ${plan.p50Ms} / p99 ${plan.p99Ms} / max ${plan.maxMs} ms; what-if: p50 ${whatIf.p50Ms} / p99 ${whatIf.p99Ms} ms`);
      const result = {
        benchmark: 'workload', machine: machine(),
        database: 'PostgreSQL at PAKLOG_BENCH_DATABASE_URL (default: the machine\'s server), a fresh database',
        over: 'GET /api/v1/workload/plan (and /what-if) through fastify inject (viewer key), in-process, sequential',
        data: { openOrders: open.length, openLines: lines, arrivals: arr.length, completedTasks: tasks.length, rosterShifts: shifts.length, generateSeconds: generateS },
        plan, whatIf,
        answer: { backlog, forecast: last['forecast'], zones: last['zones'], carriers: last['carriers'] },
        targets: { planP99MsAtMost: 500, met: plan.p99Ms <= 500 },
      };
      console.log(`written to ${writeResult(stringArg(args, 'out', 'workload'), result)}`);
    } finally {
      await raw.end();
      await app.close();
    }
  } finally {
    await db.drop();
  }
}
