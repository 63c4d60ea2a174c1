/**
 * `npm run bench -- summary [--rows=1000000] [--skus=5000] [--locations=2] [--days=100] [--tail=10000] [--short-tail=2000]
 * [--queries=200] [--walks=20] [--baseline-queries=20]` (issue 18 acceptance c): the stock summary
 * (`GET /api/v1/inventory/summary`) of a site with 1 M ledger rows, p99 ≤ 50 ms for a page of the default size.
 *
 * The ledger is bench/as-of.ts's (generate_series into a fresh bench database). The per-SKU totals are folded as the
 * `inventory.sku-totals` job folds them, except that the last movements are left after the watermark: the summary adds
 * them to the totals. Two tails, one after the other in the same run: `--tail` (10,000: 30 s at about 330 movements/s,
 * the job's period until ADR 0047) and `--short-tail` (2,000: the 5 s period since, plus its 1 s margin). At each, timed
 * with the same database and pool, in turns so that all see the same load:
 * 1. **before**: the unpaged statement (the store's until ADR 0047, kept here only as the same-run reference) as a store
 *    call, and the route with the whole site in one page (`limit=5000`: the rows and serialising of the unpaged route);
 * 2. **after**: a page of the default size (500 SKUs) as a store call and through the route, the pages taken in turn
 *    from the first to the last, and one SKU through the route;
 * 3. **walk**: the whole site through the route, following `nextCursor` from the first page to the last.
 * Once, before the tails: the whole ledger summed (`summaryFromLedger`, the query until ADR 0041), as the baseline.
 * All answers are compared (the pages followed to the end, the unpaged statement and the whole ledger; a few SKUs); any
 * difference fails the run. Route = fastify inject with a viewer key, in-process.
 *
 * Server: PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test (a fresh database is created on it).
 */
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { stockHistory } from '../src/contexts/inventory/history.ts';
import { SUMMARY_LIMIT } from '../src/contexts/inventory/http.ts';
import { summary, summaryFromLedger, type SummaryRow } from '../src/contexts/inventory/store.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import { decodeCursor } from '../src/platform/http/paging.ts';
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
 * The summary's statement until ADR 0047 (the whole site in one answer, ADR 0041 and its addendum): kept here only as
 * the benchmark's same-run reference, whole site only.
 */
async function summaryUnpaged(db: Executor, siteId: string): Promise<SummaryRow[]> {
  const watermark = (await db.query<{ folded_before: Date }>(`SELECT folded_before FROM inventory.sku_totals_watermark`))[0]!.folded_before;
  return db.query<SummaryRow>(
    `SELECT sku, inventory.sum_bigint(received) AS received, inventory.sum_bigint(shipped) AS shipped,
            inventory.sum_bigint(adjusted) AS adjusted, inventory.sum_bigint(l_on_hand) AS ledger_on_hand,
            inventory.sum_bigint(l_reserved) AS ledger_reserved, inventory.sum_bigint(l_allocated) AS ledger_allocated,
            inventory.sum_bigint(on_hand) AS on_hand, inventory.sum_bigint(reserved) AS reserved,
            inventory.sum_bigint(on_hand_available) AS on_hand_available, inventory.sum_bigint(allocated) AS allocated
       FROM (
         SELECT sku, received, shipped, adjusted, on_hand AS l_on_hand, reserved AS l_reserved, allocated AS l_allocated,
                0 AS on_hand, 0 AS reserved, 0 AS on_hand_available, 0 AS allocated, true AS ledger
           FROM inventory.sku_totals WHERE site_id = $1
         UNION ALL
         SELECT sku, CASE WHEN type = 'RECEIPT' THEN delta_on_hand ELSE 0 END, CASE WHEN type = 'SHIP' THEN -delta_on_hand ELSE 0 END,
                CASE WHEN type IN ('ADJUST', 'COUNT') THEN delta_on_hand ELSE 0 END, delta_on_hand, delta_reserved, delta_allocated,
                0, 0, 0, 0, true
           FROM inventory.movements
          WHERE site_id = $1 AND created_at >= $2 AND created_at >= (SELECT folded_before FROM inventory.sku_totals_watermark)
         UNION ALL
         SELECT sku, 0, 0, 0, 0, 0, 0, on_hand, reserved, 0, 0, false FROM inventory.balances WHERE site_id = $1
         UNION ALL
         SELECT sku, 0, 0, 0, 0, 0, 0, 0, 0, on_hand_available, allocated, false FROM inventory.sku_stock WHERE site_id = $1
       ) stacked
      GROUP BY sku HAVING bool_or(ledger)
      ORDER BY sku`,
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

const stats = (t: number[], rows: number, n: number): Timing => {
  const sorted = [...t].sort((a, b) => a - b);
  return { queries: n, p50Ms: +percentile(sorted, 50).toFixed(1), p99Ms: +percentile(sorted, 99).toFixed(1), maxMs: +sorted.at(-1)!.toFixed(1), rows: Math.round(rows / n) };
};

export async function main(args: string[]): Promise<void> {
  const rows = numberArg(args, 'rows', 1_000_000);
  const skus = numberArg(args, 'skus', 5000);
  const locations = numberArg(args, 'locations', 2);
  const days = numberArg(args, 'days', 100);
  const tails = [numberArg(args, 'tail', 10_000), numberArg(args, 'short-tail', 2000)].sort((a, b) => b - a);
  const queries = numberArg(args, 'queries', 200);
  const walks = numberArg(args, 'walks', 20);
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
      console.log(`whole ledger: whole site p50 ${before.site.p50Ms} / p99 ${before.site.p99Ms} ms; one SKU p50 ${before.sku.p50Ms} / p99 ${before.sku.p99Ms} ms`);

      /** The route's page after `cursor`, parsed. */
      const page = async (query: string): Promise<{ items: { sku: string }[]; nextCursor: string | null }> => {
        const res = await app.http.inject({ method: 'GET', url: `/api/v1/inventory/summary?siteId=${site}${query}`, headers: { 'x-api-key': key } });
        if (res.statusCode !== 200) throw new Error(`summary → ${res.statusCode} ${res.body}`);
        return JSON.parse(res.body) as { items: { sku: string }[]; nextCursor: string | null };
      };
      const after = (cursor: string | null): string => (cursor === null ? '' : `&cursor=${cursor}`);
      /** The whole site through the route, following nextCursor; the cursors of its pages. */
      const walk = async (): Promise<{ items: { sku: string }[]; cursors: (string | null)[] }> => {
        const items: { sku: string }[] = [];
        const cursors: (string | null)[] = [];
        let cursor: string | null = null;
        do {
          cursors.push(cursor);
          const p = await page(after(cursor));
          items.push(...p.items);
          cursor = p.nextCursor;
        } while (cursor !== null);
        return { items, cursors };
      };
      /** The store's pages followed to the end. */
      const storePages = async (): Promise<SummaryRow[]> => {
        const all: SummaryRow[] = [];
        for (let last: string | null = null; ;) {
          const p = await summary(app.db, { siteId: site, after: last, limit: SUMMARY_LIMIT.default });
          all.push(...p);
          if (p.length < SUMMARY_LIMIT.default) return all;
          last = p.at(-1)!.sku;
        }
      };

      const history = stockHistory({ db: app.db, clock: systemClock });
      const at = (movement: number): Date => new Date(ledger.start.getTime() + movement * ledger.stepMs);
      const results = [];
      let firstFold: { movements: number; skus: number; seconds: number } | undefined;
      for (const tail of tails) {
        // The totals folded as the job folds them, up to the last `tail` movements (the first fold reads the whole
        // ledger; the next one folds on from there, as the job does).
        const f0 = performance.now();
        const folded = await history.foldSkuTotals(0, at(rows - tail));
        await raw.query(`ANALYZE inventory.sku_totals`);
        if (folded === undefined) throw new Error(`nothing folded up to the last ${tail} movements`);
        firstFold ??= { movements: folded.movements, skus: folded.skus, seconds: +((performance.now() - f0) / 1000).toFixed(1) };
        const watermark = (await raw.query<{ folded_before: Date }>(`SELECT folded_before FROM inventory.sku_totals_watermark`)).rows[0]!.folded_before;
        const tailRows = Number((await raw.query<{ n: string }>(
          `SELECT count(*) AS n FROM inventory.movements WHERE site_id = $1 AND created_at >= $2`, [site, watermark])).rows[0]!.n);
        // A fold of a tail this long, as the job does it every period; then the totals rebuilt up to the same watermark,
        // so that the tail is there again.
        const t0 = performance.now();
        if (await history.foldSkuTotals(0, at(rows - 1)) === undefined) throw new Error('the tail was not folded');
        const foldTailMs = Math.round(performance.now() - t0);
        await raw.query(`TRUNCATE inventory.sku_totals`);
        await raw.query(`UPDATE inventory.sku_totals_watermark SET folded_before = '-infinity'`);
        await history.foldSkuTotals(0, watermark);
        await raw.query(`ANALYZE inventory.sku_totals`);

        // Same answers: the route's pages followed to the end, the store's, the unpaged statement and the whole ledger.
        const whole = await summaryFromLedger(app.db, site, undefined);
        const walked = await walk();
        if (!isDeepStrictEqual(await storePages(), whole)) throw new Error(`tail ${tail}: the store's pages differ from the whole ledger's summary`);
        if (!isDeepStrictEqual(await summaryUnpaged(app.db, site), whole)) throw new Error(`tail ${tail}: the unpaged statement differs from the whole ledger's summary`);
        if (!isDeepStrictEqual(walked.items.map((i) => i.sku), whole.map((r) => r.sku))) throw new Error(`tail ${tail}: the route's pages list other SKUs`);
        // A full page carries a cursor even when nothing follows (5,000 SKUs in a page of 5,000): the next page is empty.
        const one = await page(`&limit=${SUMMARY_LIMIT.maximum}`);
        const rest = one.nextCursor === null ? [] : (await page(after(one.nextCursor))).items;
        if (!isDeepStrictEqual(walked.items, [...one.items, ...rest])) throw new Error(`tail ${tail}: the pages differ from the one-page answer`);
        for (let i = 0; i < 10; i++) {
          const sku = skuOf(i);
          if (!isDeepStrictEqual(await summary(app.db, { siteId: site, sku, after: null, limit: SUMMARY_LIMIT.default }), await summaryFromLedger(app.db, site, sku))) {
            throw new Error(`tail ${tail}: summary of ${sku} differs from the ledger's`);
          }
        }

        // Pages in turn, first to last and again, so that every page is measured.
        const cursors = walked.cursors;
        let next = 0;
        const cursorNext = (): string | null => cursors[next++ % cursors.length]!;
        let skuI = 0;
        const sameRun = await interleaved(queries, {
          unpagedStore: async () => (await summaryUnpaged(app.db, site)).length,
          pageStore: async () => {
            const c = cursors[next % cursors.length]!;
            return (await summary(app.db, { siteId: site, after: c === null ? null : decodeCursor(c)!, limit: SUMMARY_LIMIT.default })).length;
          },
          wholeSiteOnePageRoute: async () => (await page(`&limit=${SUMMARY_LIMIT.maximum}`)).items.length,
          pageRoute: async () => (await page(after(cursorNext()))).items.length,
          skuRoute: async () => (await page(`&sku=${skuOf(skuI++)}`)).items.length,
        });
        const walkTimes: number[] = [];
        for (let i = 0; i < walks; i++) {
          const t0 = performance.now();
          const w = await walk();
          walkTimes.push(performance.now() - t0);
          if (w.items.length !== whole.length) throw new Error(`walk ${i}: ${w.items.length} SKUs, expected ${whole.length}`);
        }
        const walkTiming = stats(walkTimes, whole.length * walks, walks);
        const r = {
          tailMovements: tailRows, foldTailMs, pages: cursors.length,
          before: { unpagedStore: sameRun.unpagedStore!, wholeSiteOnePageRoute: sameRun.wholeSiteOnePageRoute! },
          after: { pageStore: sameRun.pageStore!, pageRoute: sameRun.pageRoute!, skuRoute: sameRun.skuRoute!, walkRoute: walkTiming },
          ratio: {
            storeP99UnpagedOverPage: +(sameRun.unpagedStore!.p99Ms / sameRun.pageStore!.p99Ms).toFixed(1),
            routeP99WholeSiteOverPage: +(sameRun.wholeSiteOnePageRoute!.p99Ms / sameRun.pageRoute!.p99Ms).toFixed(1),
            walkP50OverWholeSiteOnePageP50: +(walkTiming.p50Ms / sameRun.wholeSiteOnePageRoute!.p50Ms).toFixed(2),
          },
        };
        console.log(`tail ${tailRows} (fold ${foldTailMs} ms), p50 / p99 ms: before: unpaged store ${r.before.unpagedStore.p50Ms} / ${r.before.unpagedStore.p99Ms}, `
          + `route whole site in one page ${r.before.wholeSiteOnePageRoute.p50Ms} / ${r.before.wholeSiteOnePageRoute.p99Ms}; after: page of ${SUMMARY_LIMIT.default} store `
          + `${r.after.pageStore.p50Ms} / ${r.after.pageStore.p99Ms}, route ${r.after.pageRoute.p50Ms} / ${r.after.pageRoute.p99Ms}; one SKU route `
          + `${r.after.skuRoute.p50Ms} / ${r.after.skuRoute.p99Ms}; whole site walked (${cursors.length} pages) ${walkTiming.p50Ms} / ${walkTiming.p99Ms}`);
        results.push(r);
      }

      const atPeriod = results.at(-1)!; // the short tail: the job's period since ADR 0047
      const result = {
        benchmark: 'summary', machine: machine(),
        database: 'PostgreSQL at PAKLOG_BENCH_DATABASE_URL (default: the machine\'s server), a fresh database',
        ledger: { rows, keys: ledger.keys, skus, days, generateSeconds: ledger.generateS },
        totals: { rows: firstFold?.skus ?? 0, firstFoldMovements: firstFold?.movements ?? 0, foldWholeLedgerSeconds: firstFold?.seconds ?? 0 },
        pageSize: SUMMARY_LIMIT,
        wholeLedger: { query: 'the whole ledger summed (summaryFromLedger, until ADR 0041), store call', ...before },
        note: 'per tail, taken in turns (same load): before = the unpaged statement (store) and the whole site in one page of the route (limit=5000); '
          + 'after = a page of the default size (pages in turn, first to last), store and route, one SKU through the route; walkRoute = the whole site by following nextCursor (ms per walk). '
          + 'Route = GET /api/v1/inventory/summary through fastify inject (viewer key), in-process.',
        tails: results,
        sameAnswers: { pagesEqualWholeLedgerAndUnpaged: true, skus: 10 },
        targets: {
          p99MsAtMost: 50, reads: `route p99 of a default page (${SUMMARY_LIMIT.default} SKUs) at the ${atPeriod.tailMovements}-movement tail`,
          pageRouteP99Ms: atPeriod.after.pageRoute.p99Ms, met: atPeriod.after.pageRoute.p99Ms <= 50 && atPeriod.after.skuRoute.p99Ms <= 50,
          walkRouteP99Ms: atPeriod.after.walkRoute.p99Ms, walkMet: atPeriod.after.walkRoute.p99Ms <= 50,
        },
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
