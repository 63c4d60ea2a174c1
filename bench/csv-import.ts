/**
 * `npm run bench -- csv-import [--rows=10000] [--runs=3]` (issue 15 acceptance c): 10,000 products imported from CSV in
 * ≤ 10 s. On a fresh bench database (PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test):
 * 1. **api**: `POST /api/v1/imports/products` (fastify inject, admin key) with a file of `--rows` new products, per run —
 *    a dry run, then the import (created), then the same file with every weight changed (updated): the whole request,
 *    CSV parsing and checks included; then until every event it made was handled (picking learns the products);
 * 2. **cli**: `paklog import products <file>` as a child process (a fresh file of new products): wall time of the
 *    command from spawn to exit (app start included), and the import's own time as the command reports it. The CLI
 *    leaves the events in the outbox for the running PakLog to deliver (api: `eventsHandledMs` is that delivery);
 *    `paklog migrate` on the same database gives what starting and stopping a command costs here (`cliStartStopMs`).
 * Each run checks the products are in the catalog. Writes bench/results/csv-import.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import { machine, writeResult } from './machine.ts';
import { benchDatabase, numberArg } from './support.ts';

const HEADER = 'sku,description,gtin,uom,lengthMm,widthMm,heightMm,weightG,lotControlled,expiryControlled';

function gtin13(n: number): string {
  const body = `40${String(n).padStart(10, '0')}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return body + String((10 - (sum % 10)) % 10);
}

const file = (prefix: string, rows: number, base: number, weight = 0): string =>
  [HEADER, ...Array.from({ length: rows }, (_, i) =>
    `${prefix}-${String(i).padStart(6, '0')},"Bench product ${i}, ${prefix}",${gtin13(base + i)},EA,${100 + (i % 50)},${80 + (i % 30)},${40 + (i % 20)},${200 + weight + (i % 900)},${i % 20 === 0},false`)].join('\n');

export async function main(args: string[]): Promise<void> {
  const rows = numberArg(args, 'rows', 10_000);
  const runs = numberArg(args, 'runs', 3);
  const serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const db = await benchDatabase(serverUrl);
  const dir = mkdtempSync(join(tmpdir(), 'paklog-csv-bench-'));
  let startStopMs = 0;
  const api: { run: number; dryRunMs: number; createMs: number; updateMs: number; eventsHandledMs: number; created: number; updated: number }[] = [];
  const cli: { run: number; wallMs: number; importMs: number; created: number; exitCode: number | null }[] = [];
  try {
    const app = await buildApp(loadConfig({
      LOG_LEVEL: 'silent', PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0',
    }), db.url);
    const raw = new pg.Client({ connectionString: db.url });
    await raw.connect();
    try {
      const admin = (await app.apiKeys.create('bench admin', 'admin')).key;
      const post = async (csv: string, query = ''): Promise<{ ms: number; body: { created: number; updated: number; written: boolean; errors: unknown[] } }> => {
        const t0 = performance.now();
        const res = await app.http.inject({ method: 'POST', url: `/api/v1/imports/products${query}`, headers: { 'x-api-key': admin, 'content-type': 'text/csv' }, payload: csv });
        const ms = performance.now() - t0;
        if (res.statusCode !== 200) throw new Error(`import → ${res.statusCode} ${res.body.slice(0, 500)}`);
        return { ms, body: JSON.parse(res.body) as never };
      };
      const count = async (prefix: string): Promise<number> => Number((await raw.query<{ n: string }>(`SELECT count(*)::text AS n FROM catalog.products WHERE sku LIKE $1`, [`${prefix}-%`])).rows[0]?.n);
      for (let run = 1; run <= runs; run++) {
        const prefix = `BA${run}`;
        const csv = file(prefix, rows, run * 1_000_000);
        const dry = await post(csv, '?dryRun=true');
        if ((await count(prefix)) !== 0) throw new Error('the dry run wrote products');
        const created = await post(csv);
        const t1 = performance.now();
        await app.bus.idle();
        const eventsHandledMs = performance.now() - t1;
        if ((await count(prefix)) !== rows) throw new Error(`expected ${rows} products ${prefix}`);
        const updated = await post(file(prefix, rows, run * 1_000_000, 7));
        await app.bus.idle();
        api.push({
          run, dryRunMs: Math.round(dry.ms), createMs: Math.round(created.ms), updateMs: Math.round(updated.ms), eventsHandledMs: Math.round(eventsHandledMs),
          created: created.body.created, updated: updated.body.updated,
        });
        console.error(`api run ${run}: dry run ${Math.round(dry.ms)} ms, create ${Math.round(created.ms)} ms (+${Math.round(eventsHandledMs)} ms until handled), update ${Math.round(updated.ms)} ms`);
      }
    } finally {
      await raw.end();
      await app.close();
    }
    // What any command costs before it does anything on this machine: start (tsx, app, migrations checked) and stop.
    const m0 = performance.now();
    const migrate = spawnSync(process.execPath, ['bin/paklog.js', 'migrate'], { env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' }, encoding: 'utf8' });
    if (migrate.status !== 0) throw new Error(`paklog migrate exited ${migrate.status}: ${migrate.stderr.slice(-2000)}`);
    startStopMs = Math.round(performance.now() - m0);
    console.error(`paklog migrate (start and stop, nothing to do): ${startStopMs} ms`);
    for (let run = 1; run <= runs; run++) {
      const prefix = `BC${run}`;
      const path = join(dir, `${prefix}.csv`);
      writeFileSync(path, file(prefix, rows, 500_000_000 + run * 1_000_000));
      const t0 = performance.now();
      const child = spawnSync(process.execPath, ['bin/paklog.js', 'import', 'products', path, '--json'], {
        env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
      });
      const wallMs = performance.now() - t0;
      if (child.status !== 0) throw new Error(`paklog import exited ${child.status}: ${child.stderr.slice(-2000)}`);
      const report = JSON.parse(child.stdout.slice(child.stdout.indexOf('{'))) as { created: number; ms: number };
      cli.push({ run, wallMs: Math.round(wallMs), importMs: report.ms, created: report.created, exitCode: child.status });
      console.error(`cli run ${run}: ${Math.round(wallMs)} ms wall (import ${report.ms} ms), ${report.created} created`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
  // The target is the import: the API request, and the import inside the command (its start and stop are measured apart).
  const worst = Math.max(...api.map((a) => a.createMs), ...cli.map((c) => c.importMs));
  const result = {
    bench: 'csv-import', rows, target: '10,000 products imported in ≤ 10 s', worstImportMs: worst, meetsTarget: worst <= 10_000,
    cliStartStopMs: startStopMs, api, cli, machine: machine(),
  };
  console.log(JSON.stringify(result, null, 2));
  console.error(`wrote ${writeResult('csv-import', result)}`);
}
