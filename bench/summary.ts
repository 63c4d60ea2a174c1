/**
 * `npm run bench -- summary [--rows=1000000] [--skus=5000] [--locations=2] [--days=100] [--tail=10000] [--queries=200]
 * [--baseline-queries=20]` (issue 18 acceptance c): the stock summary (`GET /api/v1/inventory/summary`) of a site with
 * 1 M ledger rows, whole site and one SKU, p99 ≤ 50 ms.
 *
 * The ledger is bench/as-of.ts's (generate_series into a fresh bench database). The per-SKU totals are folded as the
 * `inventory.sku-totals` job folds them, except that the last `--tail` movements are left after the watermark: the
 * summary adds them to the totals. The job folds every 30 s, so the tail is about 30 s of movements (10,000 is 30 s at
 * about 330 movements/s). Timed in the same run, with the same database and pool:
 * 1. **before**: the summary summed over the whole ledger (`summaryFromLedger`, the query until ADR 0041);
 * 2. **after**: `summary` (totals plus tail), as a store call and through the route (fastify inject, viewer key);
 * 3. **ADR 0041's first statement** (totals and tail summed apart, then joined to the balances' and sku_stock's sums),
 *    interleaved with `summary` so that both see the same load, and a trivial statement (`SELECT $1`) as the floor.
 * All answers are compared, whole site and a few SKUs; any difference fails the run.
 *
 * Server: PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test (a fresh database is created on it).
 */
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { stockHistory } from '../src/contexts/inventory/history.ts';
import { summary, summaryFromLedger, type SummaryRow } from '../src/contexts/inventory/store.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import { generateLedger, notRunHere } from './as-of.ts';
import { machine, percentile, writeResult } from './machine.ts';
import { benchDatabase, numberArg, stringArg } from './support.ts';
import type { Executor } from '../src/platform/db/database.ts';

interface Timing { queries: number; p50Ms: number; p99Ms: number; maxMs: number; rows: number }

async function time(n: number, fn: (i: number) => Promise<number>): Promise<Timing> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    rows += await fn(i);
    times.push(performance.now() - t0);
  }
  const sorted = times.sort((a, b) => a - b);
  return { queries: n, p50Ms: +percentile(sorted, 50).toFixed(1), p99Ms: +percentile(sorted, 99).toFixed(1), maxMs: +sorted.at(-1)!.toFixed(1), rows: Math.round(rows / n) };
}

/**
 * The summary's statement as ADR 0041 first wrote it (the store's until its addendum): kept here only as the benchmark's
 * same-run reference, whole site only.
 */
async function summaryAdr0041(db: Executor, siteId: string): Promise<SummaryRow[]> {
  const watermark = (await db.query<{ folded_before: Date }>(`SELECT folded_before FROM inventory.sku_totals_watermark`))[0]!.folded_before;
  return db.query<SummaryRow>(
    `WITH parts AS (
       SELECT sku, received, shipped, adjusted, on_hand, reserved, allocated FROM inventory.sku_totals WHERE site_id = $1
       UNION ALL
       SELECT sku, CASE WHEN type = 'RECEIPT' THEN delta_on_hand ELSE 0 END, CASE WHEN type = 'SHIP' THEN -delta_on_hand ELSE 0 END,
              CASE WHEN type IN ('ADJUST', 'COUNT') THEN delta_on_hand ELSE 0 END, delta_on_hand, delta_reserved, delta_allocated
         FROM inventory.movements
        WHERE site_id = $1 AND created_at >= $2 AND created_at >= (SELECT folded_before FROM inventory.sku_totals_watermark)),
     l AS (
       SELECT sku, sum(received)::int8 AS received, sum(shipped)::int8 AS shipped, sum(adjusted)::int8 AS adjusted,
              sum(on_hand)::int8 AS ledger_on_hand, sum(reserved)::int8 AS ledger_reserved, sum(allocated)::int8 AS ledger_allocated
         FROM parts GROUP BY sku),
     b AS (SELECT sku, sum(on_hand)::int8 AS on_hand, sum(reserved)::int8 AS reserved FROM inventory.balances WHERE site_id = $1 GROUP BY sku),
     s AS (SELECT sku, sum(on_hand_available)::int8 AS on_hand_available, sum(allocated)::int8 AS allocated FROM inventory.sku_stock WHERE site_id = $1 GROUP BY sku)
     SELECT l.sku, l.received, l.shipped, l.adjusted, l.ledger_on_hand, l.ledger_reserved, l.ledger_allocated,
            COALESCE(b.on_hand, 0)::int8 AS on_hand, COALESCE(b.reserved, 0)::int8 AS reserved,
            COALESCE(s.on_hand_available, 0)::int8 AS on_hand_available, COALESCE(s.allocated, 0)::int8 AS allocated
     FROM l LEFT JOIN b ON b.sku = l.sku LEFT JOIN s ON s.sku = l.sku
     ORDER BY l.sku`,
    [siteId, watermark],
  );
}

/** `fns` timed in turns, `n` times each, so that all of them see the same load. */
async function interleaved(n: number, fns: Record<string, () => Promise<number>>): Promise<Record<string, Timing>> {
  const times: Record<string, number[]> = {};
  const rows: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    for (const [name, fn] of Object.entries(fns)) {
      const t0 = performance.now();
      rows[name] = (rows[name] ?? 0) + await fn();
      (times[name] ??= []).push(performance.now() - t0);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, t]) => {
    const sorted = t.sort((a, b) => a - b);
    return [name, { queries: n, p50Ms: +percentile(sorted, 50).toFixed(1), p99Ms: +percentile(sorted, 99).toFixed(1), maxMs: +sorted.at(-1)!.toFixed(1), rows: Math.round(rows[name]! / n) }];
  }));
}

export async function main(args: string[]): Promise<void> {
  const rows = numberArg(args, 'rows', 1_000_000);
  const skus = numberArg(args, 'skus', 5000);
  const locations = numberArg(args, 'locations', 2);
  const days = numberArg(args, 'days', 100);
  const tail = numberArg(args, 'tail', 10_000);
  const queries = numberArg(args, 'queries', 200);
  const baselineQueries = numberArg(args, 'baseline-queries', 20);
  const serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const db = await benchDatabase(serverUrl);
  try {
    const app = await buildApp(loadConfig({
      LOG_LEVEL: 'silent', PAKLOG_CONTEXTS: 'catalog,location-master,inventory',
      PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0',
    }), db.url, { remoteApis: notRunHere, startJobs: false }); // the sku-totals job would fold the tail away
    const raw = new pg.Client({ connectionString: db.url });
    await raw.connect();
    try {
      const key = (await app.apiKeys.create('bench viewer', 'viewer')).key;
      const admin = (await app.apiKeys.create('bench admin', 'admin')).key;
      const created = await app.http.inject({ method: 'POST', url: '/api/v1/sites', headers: { 'x-api-key': admin }, payload: { code: 'SUMMARY', name: 'summary bench' } });
      if (created.statusCode !== 201) throw new Error(`site → ${created.statusCode} ${created.body}`);
      const site = (JSON.parse(created.body) as { id: string }).id;
      const ledger = await generateLedger(raw, site, { rows, skus, locations, days });
      console.log(`generated ${rows} movements over ${ledger.keys} keys in ${ledger.generateS} s`);

      const skuOf = (i: number): string => `SKU-${String(i * 7919 % skus).padStart(5, '0')}`;
      const before = {
        site: await time(baselineQueries, async () => (await summaryFromLedger(app.db, site, undefined)).length),
        sku: await time(Math.min(queries, baselineQueries * 10), async (i) => (await summaryFromLedger(app.db, site, skuOf(i))).length),
      };
      console.log(`before (whole ledger): whole site p50 ${before.site.p50Ms} / p99 ${before.site.p99Ms} ms; one SKU p50 ${before.sku.p50Ms} / p99 ${before.sku.p99Ms} ms`);

      // The totals folded as the job folds them, up to the last `tail` movements.
      const history = stockHistory({ db: app.db, clock: systemClock });
      const f0 = performance.now();
      const folded = await history.foldSkuTotals(0, new Date(ledger.start.getTime() + (rows - tail) * ledger.stepMs));
      await raw.query(`ANALYZE inventory.sku_totals`);
      const foldS = +((performance.now() - f0) / 1000).toFixed(1);
      const watermark = (await raw.query<{ folded_before: Date }>(`SELECT folded_before FROM inventory.sku_totals_watermark`)).rows[0]!.folded_before;
      const tailRows = Number((await raw.query<{ n: string }>(
        `SELECT count(*) AS n FROM inventory.movements WHERE site_id = $1 AND created_at >= $2`, [site, watermark])).rows[0]!.n);
      // A fold of a tail this long, as the job does it every 30 s.
      const t0 = performance.now();
      const refold = await history.foldSkuTotals(0, new Date(ledger.start.getTime() + (rows - 1) * ledger.stepMs));
      const foldTailMs = Math.round(performance.now() - t0);
      console.log(`${folded?.movements ?? 0} movements folded into ${folded?.skus ?? 0} totals rows in ${foldS} s; ${tailRows} movements after the watermark; folding those takes ${foldTailMs} ms`);
      // Back to the tail being there (the totals are rebuilt up to the same watermark).
      await raw.query(`TRUNCATE inventory.sku_totals`);
      await raw.query(`UPDATE inventory.sku_totals_watermark SET folded_before = '-infinity'`);
      await history.foldSkuTotals(0, watermark);
      if (refold === undefined) throw new Error('the tail was not folded');

      // Same answers, whole site and a few SKUs.
      const same = async (sku: string | undefined): Promise<void> => {
        const a: SummaryRow[] = await summary(app.db, site, sku);
        const b: SummaryRow[] = await summaryFromLedger(app.db, site, sku);
        if (!isDeepStrictEqual(a, b)) throw new Error(`summary ${sku ?? 'whole site'} differs from the ledger's: ${JSON.stringify(a.slice(0, 3))} ≠ ${JSON.stringify(b.slice(0, 3))}`);
      };
      await same(undefined);
      for (let i = 0; i < 10; i++) await same(skuOf(i));
      if (!isDeepStrictEqual(await summaryAdr0041(app.db, site), await summary(app.db, site, undefined))) throw new Error('ADR 0041\'s first statement answers otherwise');

      const after = {
        site: await time(queries, async () => (await summary(app.db, site, undefined)).length),
        sku: await time(queries, async (i) => (await summary(app.db, site, skuOf(i))).length),
      };
      const route = async (extra: string): Promise<number> => {
        const res = await app.http.inject({ method: 'GET', url: `/api/v1/inventory/summary?siteId=${site}${extra}`, headers: { 'x-api-key': key } });
        if (res.statusCode !== 200) throw new Error(`summary → ${res.statusCode} ${res.body}`);
        return (JSON.parse(res.body) as { items: unknown[] }).items.length;
      };
      const overHttp = {
        site: await time(queries, () => route('')),
        sku: await time(queries, (i) => route(`&sku=${skuOf(i)}`)),
      };
      const sameRun = await interleaved(queries, {
        trivial: async () => (await app.db.query('SELECT $1::text AS site', [site])).length,
        adr0041: async () => (await summaryAdr0041(app.db, site)).length,
        summary: async () => (await summary(app.db, site, undefined)).length,
      });
      console.log(`same run, interleaved, whole site p50 / p99 ms: ADR 0041's first statement ${sameRun.adr0041!.p50Ms} / ${sameRun.adr0041!.p99Ms}; summary ${sameRun.summary!.p50Ms} / ${sameRun.summary!.p99Ms}; trivial statement ${sameRun.trivial!.p50Ms} / ${sameRun.trivial!.p99Ms}`);
      console.log(`after (totals + ${tailRows} tail): whole site p50 ${after.site.p50Ms} / p99 ${after.site.p99Ms} ms; one SKU p50 ${after.sku.p50Ms} / p99 ${after.sku.p99Ms} ms`);
      console.log(`through the route: whole site p99 ${overHttp.site.p99Ms} ms; one SKU p99 ${overHttp.sku.p99Ms} ms`);

      const worstP99 = Math.max(overHttp.site.p99Ms, overHttp.sku.p99Ms);
      const result = {
        benchmark: 'summary', machine: machine(),
        database: 'PostgreSQL at PAKLOG_BENCH_DATABASE_URL (default: the machine\'s server), a fresh database',
        ledger: { rows, keys: ledger.keys, skus, days, generateSeconds: ledger.generateS },
        totals: { rows: folded?.skus ?? 0, foldWholeLedgerSeconds: foldS, tailMovements: tailRows, foldTailMs },
        before: { query: 'the whole ledger summed (summaryFromLedger), store call', ...before },
        after: { query: 'per-SKU totals + the movements after the watermark (summary), store call', ...after },
        route: { over: 'GET /api/v1/inventory/summary through fastify inject (viewer key), in-process', ...overHttp },
        ratio: { siteP99: +(before.site.p99Ms / after.site.p99Ms).toFixed(1), skuP99: +(before.sku.p99Ms / after.sku.p99Ms).toFixed(1) },
        sameRun: {
          note: 'whole site, store calls taken in turns (trivial statement, ADR 0041\'s first statement, summary) so that all see the same load',
          ...sameRun,
          adr0041OverSummaryP50: +(sameRun.adr0041!.p50Ms / sameRun.summary!.p50Ms).toFixed(2),
          adr0041OverSummaryP99: +(sameRun.adr0041!.p99Ms / sameRun.summary!.p99Ms).toFixed(2),
        },
        sameAnswers: { wholeSite: true, skus: 10 },
        targets: { p99MsAtMost: 50, met: worstP99 <= 50 },
      };
      console.log(`written to ${writeResult(stringArg(args, 'out', 'summary'), result)}`);
    } finally {
      await raw.end();
      await app.close();
    }
  } finally {
    await db.drop();
  }
}
