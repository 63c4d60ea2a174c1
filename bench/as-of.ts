/**
 * `npm run bench -- as-of [--rows=1000000] [--skus=5000] [--locations=2] [--days=100] [--queries=200]` (issue 11
 * acceptance e): point-in-time stock for a site with 1 M ledger rows. `--snapshot-every=N` tries another snapshot spacing
 * (default: the job's, 50,000 movements); `--out=name` writes bench/results/<name>.json.
 *
 * The ledger is generated in SQL (generate_series) straight into `inventory.movements` of a fresh bench database:
 * `--rows` movements of one site spread evenly over the last `--days` days, over `--skus` × `--locations` balance keys
 * (a key's movements go +3, −1, −1, … so it never goes negative), balances and SKU rows set to the ledger's sums. Then
 * `GET /api/v1/inventory/as-of` (fastify inject, viewer key: the whole route) at random instants of the period:
 * 1. **no snapshot**: the whole ledger up to the instant is summed (one SKU; and the whole site, first page of 1,000
 *    keys);
 * 2. **snapshots** as the `inventory.snapshot` job writes them (one per 50,000 movements, taken here for instants along
 *    the period), then the same queries: the last snapshot before the instant plus the tail after it.
 * p50/p99 per kind. The answer is checked against the ledger summed directly for a few instants.
 *
 * Server: PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test (a fresh database is created on it).
 */
import pg from 'pg';
import { buildApp, type PakLogApp, type RemoteApis } from '../src/app.ts';
import type { ContractApis } from '../src/rpc/contract-rpc.ts';
import { stockHistory } from '../src/contexts/inventory/history.ts';
import { SNAPSHOT_EVERY_MOVEMENTS } from '../src/contexts/inventory/history.ts';
import { createRng } from '../src/optimize/random.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import { machine, percentile, writeResult } from './machine.ts';
import { benchDatabase, numberArg, stringArg } from './support.ts';

let SITE = '';

export const notRunHere: RemoteApis = <K extends keyof ContractApis>(_api: K, owner: string): ContractApis[K] =>
  new Proxy({}, { get: (_t, m) => (m === 'then' ? undefined : () => Promise.reject(new Error(`${owner} does not run in this benchmark`))) }) as ContractApis[K];

interface Timing { queries: number; p50Ms: number; p99Ms: number; maxMs: number; meanKeys: number }

async function timeQueries(app: PakLogApp, key: string, instants: readonly Date[], extra: (i: number) => string): Promise<Timing> {
  const times: number[] = [];
  let keys = 0;
  for (const [i, at] of instants.entries()) {
    const t0 = performance.now();
    const res = await app.http.inject({ method: 'GET', url: `/api/v1/inventory/as-of?siteId=${SITE}&at=${at.toISOString()}${extra(i)}`, headers: { 'x-api-key': key } });
    times.push(performance.now() - t0);
    if (res.statusCode !== 200) throw new Error(`as-of → ${res.statusCode} ${res.body}`);
    keys += (JSON.parse(res.body) as { items: unknown[] }).items.length;
  }
  const sorted = times.sort((a, b) => a - b);
  return { queries: times.length, p50Ms: +percentile(sorted, 50).toFixed(1), p99Ms: +percentile(sorted, 99).toFixed(1), maxMs: +sorted.at(-1)!.toFixed(1), meanKeys: Math.round(keys / times.length) };
}

export interface LedgerShape { rows: number; skus: number; locations: number; days: number }
export interface Ledger { keys: number; start: Date; end: Date; stepMs: number; generateS: number }

/**
 * `rows` movements of one site straight into `inventory.movements` (generate_series), spread evenly over the last
 * `days` days up to an hour ago, over `skus` × `locations` balance keys (+3, −1, −1, … per key: RECEIPT, PICK, PICK),
 * then balances and SKU rows set to the ledger's sums. Also the summary benchmark's ledger (bench/summary.ts).
 */
export async function generateLedger(raw: pg.Client, site: string, shape: LedgerShape): Promise<Ledger> {
  const { rows, skus, locations, days } = shape;
  const keys = skus * locations;
  const end = new Date(Date.now() - 60 * 60_000);
  const start = new Date(end.getTime() - days * 86_400_000);
  const stepMs = (end.getTime() - start.getTime()) / rows;
  const t0 = performance.now();
  // Row i belongs to key i mod keys; its n-th movement (n = i div keys) is +3 when n mod 3 = 0, else −1.
  await raw.query(
    `INSERT INTO inventory.movements (id, type, site_id, owner_id, sku, location_id, lot, status, delta_on_hand, created_at)
     SELECT 'mov_bench_' || i, CASE WHEN (i / $3) % 3 = 0 THEN 'RECEIPT' ELSE 'PICK' END, $1, 'own_default',
            'SKU-' || lpad(((i % $3) / $4)::text, 5, '0'), 'loc_bench_' || ((i % $3) % $4), '', 'AVAILABLE',
            CASE WHEN (i / $3) % 3 = 0 THEN 3 ELSE -1 END,
            $5::timestamptz + make_interval(secs => i * $6::float8 / 1000)
       FROM generate_series(0, $2 - 1) i`,
    [site, rows, keys, locations, start, stepMs]);
  await raw.query(
    `INSERT INTO inventory.balances (site_id, owner_id, sku, location_id, lot, status, on_hand)
     SELECT site_id, owner_id, sku, location_id, lot, status, sum(delta_on_hand) FROM inventory.movements WHERE site_id = $1
      GROUP BY site_id, owner_id, sku, location_id, lot, status`, [site]);
  await raw.query(
    `INSERT INTO inventory.sku_stock (site_id, owner_id, sku, on_hand_available)
     SELECT site_id, owner_id, sku, sum(on_hand) FROM inventory.balances WHERE site_id = $1 GROUP BY site_id, owner_id, sku`, [site]);
  await raw.query(`ANALYZE inventory.movements`);
  await raw.query(`ANALYZE inventory.balances`);
  const generateS = +((performance.now() - t0) / 1000).toFixed(1);
  return { keys, start, end, stepMs, generateS };
}

export async function main(args: string[]): Promise<void> {
  const rows = numberArg(args, 'rows', 1_000_000);
  const skus = numberArg(args, 'skus', 5000);
  const locations = numberArg(args, 'locations', 2);
  const days = numberArg(args, 'days', 100);
  const queries = numberArg(args, 'queries', 200);
  const every = numberArg(args, 'snapshot-every', SNAPSHOT_EVERY_MOVEMENTS);
  const serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const db = await benchDatabase(serverUrl);
  try {
    const app = await buildApp(loadConfig({
      LOG_LEVEL: 'silent', PAKLOG_CONTEXTS: 'catalog,location-master,inventory',
      PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0',
    }), db.url, { remoteApis: notRunHere });
    const raw = new pg.Client({ connectionString: db.url });
    await raw.connect();
    try {
      const key = (await app.apiKeys.create('bench viewer', 'viewer')).key;
      const admin = (await app.apiKeys.create('bench admin', 'admin')).key;
      const created = await app.http.inject({ method: 'POST', url: '/api/v1/sites', headers: { 'x-api-key': admin }, payload: { code: 'ASOF', name: 'as-of bench' } });
      if (created.statusCode !== 201) throw new Error(`site → ${created.statusCode} ${created.body}`);
      SITE = (JSON.parse(created.body) as { id: string }).id;
      const { keys, start, end, stepMs, generateS } = await generateLedger(raw, SITE, { rows, skus, locations, days });
      console.log(`generated ${rows} movements over ${keys} keys in ${generateS} s`);

      const rng = createRng(7);
      const instants = Array.from({ length: queries }, () => new Date(start.getTime() + rng.next() * (end.getTime() - start.getTime())));
      const skuOf = (i: number): string => `SKU-${String(i * 7919 % skus).padStart(5, '0')}`;
      const bySku = (i: number): string => `&sku=${skuOf(i)}`;

      const noSnapshot = {
        sku: await timeQueries(app, key, instants, bySku),
        site: await timeQueries(app, key, instants.slice(0, 10), () => '&limit=1000'),
      };
      console.log(`no snapshot: one SKU p50 ${noSnapshot.sku.p50Ms} / p99 ${noSnapshot.sku.p99Ms} ms; whole site (page of 1,000) p50 ${noSnapshot.site.p50Ms} / p99 ${noSnapshot.site.p99Ms} ms`);

      // Snapshots as the job writes them: one per SNAPSHOT_EVERY_MOVEMENTS movements (or --snapshot-every).
      const history = stockHistory({ db: app.db, clock: systemClock });
      const s0 = performance.now();
      let snapshots = 0;
      for (let i = every; i <= rows; i += every) {
        if ((await history.snapshot(new Date(start.getTime() + i * stepMs))) !== undefined) snapshots++;
      }
      await raw.query(`ANALYZE inventory.snapshot_balances`);
      const snapshotS = +((performance.now() - s0) / 1000).toFixed(1);
      const snapshotRows = Number((await raw.query<{ n: string }>(`SELECT count(*) AS n FROM inventory.snapshot_balances`)).rows[0]!.n);
      console.log(`${snapshots} snapshots (${snapshotRows} rows) in ${snapshotS} s`);
      const withSnapshots = {
        sku: await timeQueries(app, key, instants, bySku),
        site: await timeQueries(app, key, instants, () => '&limit=1000'),
        siteAll: await timeQueries(app, key, instants.slice(0, Math.max(10, queries / 10)), () => '&limit=5000'),
      };
      console.log(`snapshots: one SKU p50 ${withSnapshots.sku.p50Ms} / p99 ${withSnapshots.sku.p99Ms} ms; whole site (page of 1,000) p50 ${withSnapshots.site.p50Ms} / p99 ${withSnapshots.site.p99Ms} ms; page of 5,000 p99 ${withSnapshots.siteAll.p99Ms} ms`);

      // The answer equals the ledger summed directly (no snapshot), for a few instants and SKUs.
      let checked = 0;
      for (let i = 0; i < 10; i++) {
        const at = instants[i]!;
        const res = await app.http.inject({ method: 'GET', url: `/api/v1/inventory/as-of?siteId=${SITE}&at=${at.toISOString()}&sku=${skuOf(i)}`, headers: { 'x-api-key': key } });
        const got = (JSON.parse(res.body) as { items: { locationId: string; onHand: number }[] }).items.map((x) => [x.locationId, x.onHand]);
        const want = (await raw.query<{ location_id: string; n: string }>(
          `SELECT location_id, sum(delta_on_hand) AS n FROM inventory.movements WHERE site_id = $1 AND sku = $2 AND created_at <= $3
            GROUP BY location_id HAVING sum(delta_on_hand) <> 0 ORDER BY location_id`, [SITE, skuOf(i), at])).rows.map((r) => [r.location_id, Number(r.n)]);
        if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`as-of ${at.toISOString()} ${skuOf(i)}: ${JSON.stringify(got)} ≠ ledger ${JSON.stringify(want)}`);
        checked++;
      }
      const differences = await history.reconcile(SITE);

      const worstP99 = Math.max(withSnapshots.sku.p99Ms, withSnapshots.site.p99Ms);
      const result = {
        benchmark: 'as-of', machine: machine(),
        database: 'PostgreSQL at PAKLOG_BENCH_DATABASE_URL (default: the machine\'s server), a fresh database',
        over: 'GET /api/v1/inventory/as-of through fastify inject (viewer key), in-process',
        ledger: { rows, keys, days, generateSeconds: generateS },
        noSnapshot,
        snapshots: { count: snapshots, everyMovements: every, rows: snapshotRows, seconds: snapshotS },
        withSnapshots,
        checkedAgainstLedger: checked, reconcileDifferences: differences.length,
        targets: { p99MsAtMost: 200, met: worstP99 <= 200 },
      };
      console.log(`written to ${writeResult(stringArg(args, 'out', 'as-of'), result)}`);
    } finally {
      await raw.end();
      await app.close();
    }
  } finally {
    await db.drop();
  }
}
