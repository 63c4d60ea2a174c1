/**
 * `npm run bench -- app-start [--starts=8] [--profile=dir]`: the CPU an in-process test app costs its vitest worker
 * (test/support/test-app.ts `startTestApp`): one process builds an all-in-one app on a fresh clone of a migrated
 * template, installs the OpenAPI response check, creates a key per role, sends a few requests (lists, a refused command,
 * the document), closes the app and drops the database; `--starts` times after one warm-up, as a long-lived test
 * worker (`isolate: false`) starts one app per file. Reports the process's CPU ms (user + system, process.cpuUsage)
 * per start+close, split into build, requests and close. `--profile=dir` writes a V8 CPU profile of the measured starts.
 * The stock conservation check of a test database's drop (SQL the server runs) is left out.
 *
 * Server: PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import { Database } from '../src/platform/db/database.ts';
import { loadMigrations, migrate } from '../src/platform/db/migrations.ts';
import { ROLES, type Role } from '../src/platform/http/roles.ts';
import { freshDatabase } from '../test/support/fresh-database.ts';
import { OpenApiCheck } from '../test/support/openapi-check.ts';
import { numberArg, stringArg } from './support.ts';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A database holding every context's migrations and no rows (what test-database.ts's template holds). */
async function template(serverUrl: string): Promise<{ name: string; drop: () => Promise<void> }> {
  const scratch = await freshDatabase(serverUrl, 'paklog_bench');
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), scratch.url, { startRelay: false, startJobs: false });
  const sets = [
    { schema: 'platform', migrations: loadMigrations(new URL('../src/platform/migrations/', import.meta.url)) },
    ...app.modules.map((m) => ({ schema: m.schema, migrations: m.migrations, inbox: (m.subscriptions?.length ?? 0) > 0 })),
  ];
  await app.close();
  await scratch.drop();
  const made = await freshDatabase(serverUrl, 'paklog_bench');
  const db = new Database(made.url, { max: 1 });
  await migrate(db, sets);
  await db.close();
  return { name: new URL(made.url).pathname.slice(1), drop: made.drop };
}

interface Phases { build: number; requests: number; close: number }

async function oneApp(serverUrl: string, templateName: string): Promise<Phases> {
  const db = await freshDatabase(serverUrl, 'paklog_bench', templateName, { durableCommits: false });
  const c0 = cpuMs();
  const config = loadConfig({
    LOG_LEVEL: 'silent', PAKLOG_DB_POOL_SIZE: '20', PAKLOG_DB_STRICT_NESTING: 'true',
    PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0',
  });
  const check = new OpenApiCheck();
  const app = await buildApp(config, db.url, { retryDelaysMs: [0, 5, 10], configureHttp: (http) => check.install(http) });
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) keys[role] = (await app.apiKeys.create(`test ${role}`, role)).key;
  const c1 = cpuMs();
  const requests: [string, string, unknown?][] = [
    ['GET', '/health/live'], ['GET', '/api/v1/sites'], ['GET', '/api/v1/products'], ['GET', '/api/v1/orders'],
    ['GET', '/api/v1/tasks'], ['GET', '/api/v1/waves'], ['POST', '/api/v1/orders', { lines: [] }], ['GET', '/api/v1/nothing-here'],
  ];
  for (const [method, url, body] of requests) {
    const res = await app.http.inject({ method: method as 'GET', url, headers: { 'x-api-key': keys.admin }, ...(body === undefined ? {} : { payload: body as object }) });
    const violations = check.take(String(res.headers['x-request-id'] ?? ''));
    if (res.statusCode >= 500 || violations.length > 0) throw new Error(`${method} ${url} → ${res.statusCode} ${JSON.stringify(violations)} ${res.body.slice(0, 300)}`);
  }
  await app.bus.idle();
  const c2 = cpuMs();
  await app.close();
  const c3 = cpuMs();
  await db.drop();
  return { build: c1 - c0, requests: c2 - c1, close: c3 - c2 };
}

export async function main(args: string[]): Promise<void> {
  const starts = numberArg(args, 'starts', 8);
  const profileDir = stringArg(args, 'profile', '');
  const serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const tpl = await template(serverUrl);
  try {
    await oneApp(serverUrl, tpl.name); // warm-up: modules loaded, per-process caches filled once
    let session: Session | undefined;
    if (profileDir !== '') {
      session = new Session();
      session.connect();
      session.post('Profiler.enable');
      session.post('Profiler.setSamplingInterval', { interval: 500 });
      session.post('Profiler.start');
    }
    const runs: Phases[] = [];
    for (let i = 0; i < starts; i++) runs.push(await oneApp(serverUrl, tpl.name));
    if (session !== undefined) {
      await new Promise<void>((done) => session.post('Profiler.stop', (err, result) => {
        if (err === null) {
          mkdirSync(profileDir, { recursive: true });
          writeFileSync(join(profileDir, `app-start-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
        }
        done();
      }));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const total = runs.map((r) => r.build + r.requests + r.close);
    const out = {
      starts, cpuMsPerStartClose: { median: Math.round(median(total)), mean: Math.round(total.reduce((a, b) => a + b, 0) / total.length), min: Math.round(Math.min(...total)) },
      medianBuildMs: Math.round(median(runs.map((r) => r.build))), medianRequestsMs: Math.round(median(runs.map((r) => r.requests))),
      medianCloseMs: Math.round(median(runs.map((r) => r.close))),
      loadavg: (await import('node:os')).loadavg().map((l) => Math.round(l * 100) / 100),
    };
    console.log(JSON.stringify(out));
  } finally {
    await tpl.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
