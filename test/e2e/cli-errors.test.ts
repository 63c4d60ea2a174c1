import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/paklog-process.ts';
import { createTestDatabase } from '../support/test-database.ts';

const cli = resolve(import.meta.dirname, '../../bin/paklog.js');

/** Runs `paklog …` to its end: what it printed and its exit code (never throws). */
function paklog(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, LOG_LEVEL: 'error', PAKLOG_SEED_DEMO: 'false', ...env }, timeout: 60_000 }, (e, stdout, stderr) => {
      done({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : -1, stdout, stderr });
    });
  });
}

const noStack = (text: string): void => {
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toContain('node_modules');
};

describe('the paklog command on a bad database or a bad argument: one line on stderr, no stack, exit code ≠ 0', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: true });
    dir = mkdtempSync(join(tmpdir(), 'paklog-cli-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it('no database server at DATABASE_URL, or no such database: says which (no password) and why', async () => {
    const closed = await paklog(['migrate'], { DATABASE_URL: 'postgres://paklog:s3cret@127.0.0.1:1/paklog' });
    expect(closed.code).toBe(1);
    expect(closed.stderr.trim().split('\n').at(-1)).toMatch(/^paklog: cannot use the database at postgres:\/\/paklog:\*\*\*@127\.0\.0\.1:1\/paklog: connect ECONNREFUSED 127\.0\.0\.1:1 \(DATABASE_URL: /);
    expect(closed.stderr).not.toContain('s3cret');
    noStack(closed.stderr);

    const missing = new URL(db.url);
    missing.pathname = '/paklog_no_such_database';
    const none = await paklog(['inventory', 'reconcile'], { DATABASE_URL: missing.toString() });
    expect(none.code).toBe(1);
    expect(none.stderr.trim().split('\n').at(-1)).toMatch(/^paklog: cannot use the database at \S*paklog_no_such_database\S*: database "paklog_no_such_database" does not exist/);
    noStack(none.stderr);
  }, 120_000);

  it('route with a file that is not there, simulate --url against nothing: one line naming it (they were stack traces)', async () => {
    const missing = join(dir, 'no-such-instance.json');
    const route = await paklog(['route', missing], {});
    expect(route.code).toBe(2);
    expect(route.stderr.trim()).toBe(`paklog route: cannot read ${missing}: ENOENT: no such file or directory, open '${missing}'`);
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const simulate = await paklog(['simulate', '--url', nobody, '--api-key', 'pk_any', '--lines', '5', '--out', join(dir, 'sim')], {});
    expect(simulate.code).toBe(1);
    expect(simulate.stderr.trim()).toBe(`paklog simulate: cannot reach PakLog at ${nobody}: ECONNREFUSED`);
  }, 120_000);

  it('the database connection killed while an import writes: one line saying so and that it may run again, exit 1, nothing half-written', async () => {
    const file = join(dir, 'many-products.csv');
    writeFileSync(file, ['sku,description,lengthMm,widthMm,heightMm,weightG', ...Array.from({ length: 40_000 }, (_, i) => `KILL-${i},Product ${i},10,10,10,100`)].join('\n'));
    const name = new URL(db.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const running = paklog(['import', 'products', file], { DATABASE_URL: db.url });
      let ended = false;
      void running.then(() => { ended = true; });
      // Its connections are terminated as soon as it writes the products (what a PostgreSQL restart or failover does).
      let killed = 0;
      while (!ended && killed === 0) {
        const { rows } = await admin.query<{ n: number }>(
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
            WHERE datname = $1 AND pid <> pg_backend_pid() AND query ILIKE '%catalog.products%' AND state <> 'idle'`, [name]);
        killed = rows[0]!.n;
        await new Promise((r) => setTimeout(r, 20));
      }
      const run = await running;
      expect(killed, run.stdout).toBeGreaterThan(0);
      expect(run.code).toBe(1);
      // The cause in brackets is whichever the client heard first: the server's notice, or its own write to the closed
      // socket (`write EPIPE`, seen in a CI run of 2026-12-06).
      expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^paklog: the database went away while the command ran \((terminating connection due to administrator command|write EPIPE)\): what it committed stays; run it again once the database answers$/);
      noStack(run.stderr);
      const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.products WHERE sku LIKE 'KILL-%'`);
      expect(rows[0]!.n).toBe(0);
    } finally {
      await admin.end();
    }
  }, 120_000);

  it('PAKLOG_CONTEXTS naming a context that does not exist: the configuration message, exit 2 (it was a stack trace)', async () => {
    const run = await paklog(['migrate'], { DATABASE_URL: db.url, PAKLOG_CONTEXTS: 'inventory,stock' });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n').slice(-2)).toEqual(['Invalid configuration:', expect.stringMatching(/^ {2}- PAKLOG_CONTEXTS names unknown contexts: stock \(known: catalog, /)]);
    noStack(run.stderr);
  }, 120_000);

  it('a migration edited after it ran on the database: paklog migrate names it and says what to do', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const [row] = (await c.query<{ checksum: string }>(`SELECT checksum FROM platform.schema_migrations WHERE schema_name = 'catalog' AND name = '001_init.sql'`)).rows;
      await c.query(`UPDATE platform.schema_migrations SET checksum = 'edited' WHERE schema_name = 'catalog' AND name = '001_init.sql'`);
      try {
        const run = await paklog(['migrate'], { DATABASE_URL: db.url });
        expect(run.code).toBe(1);
        expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^paklog: migration catalog\/001_init\.sql was changed after it ran on this database \(checksum edited → \w+\): restore the file as it was and put the change in a new migration$/);
        noStack(run.stderr);
      } finally {
        await c.query(`UPDATE platform.schema_migrations SET checksum = $1 WHERE schema_name = 'catalog' AND name = '001_init.sql'`, [row!.checksum]);
      }
    } finally {
      await c.end();
    }
  }, 120_000);

  it('dead-letters replay of an unknown id says so on stderr; a binary file given to import is refused as not UTF-8, nothing written', async () => {
    const replay = await paklog(['dead-letters', 'replay', 'dl_nope'], { DATABASE_URL: db.url });
    expect(replay.code).toBe(2); // an id naming nothing is the command line's mistake (the exit code rule below)
    // stdout is the command's report: no log line (a warning logged on stdout broke `dead-letters list | jq`), not the
    // admin key the first command on a fresh database prints (stderr), and here no report.
    expect(replay.stdout.split('\n').filter((l) => l.trim() !== '')).toEqual([]);
    expect(replay.stderr.trim().split('\n').at(-1)).toBe('paklog dead-letters replay: dl_nope: not-found: no dead letter has this id (paklog dead-letters list shows them)');
    // Through a running PakLog (a split deployment's gateway) with --url: one that is not there is said, exit 1.
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const remote = await paklog(['dead-letters', 'list', '--url', nobody, '--api-key', 'pk_any'], {});
    expect(remote.code).toBe(1);
    expect(remote.stdout).toBe('');
    expect(remote.stderr.trim().split('\n').at(-1)).toBe(`paklog dead-letters list: cannot reach PakLog at ${nobody} (--url, PAKLOG_URL): ECONNREFUSED`);

    const binary = join(dir, 'products.csv');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe, 0x0a, 0x41, 0x0a]));
    const imported = await paklog(['import', 'products', binary], { DATABASE_URL: db.url });
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('row 1: not UTF-8 text (a binary file, or another encoding such as Windows-1252 or UTF-16)');
    expect(imported.stdout).not.toContain('\u0000');
    noStack(imported.stderr);
  }, 120_000);

  // The rule (README, Commands; `paklog --help`): 0 done; 1 the command ran and failed or found a problem; 2 the command
  // line or the environment is wrong and nothing ran. Commander's own usage errors exited 1, as did an export of an
  // unknown kind, a replay of an unknown context and a dead-letter id that names nothing, while the same mistakes
  // elsewhere (reconcile --site, import of an unknown kind, a bad setting) exited 2.
  it('exit codes follow one rule: 2 for every usage error (the command line or the environment), 1 for a failure of a command that ran', async () => {
    const env = { DATABASE_URL: db.url };
    // A usage error the command line alone shows is answered before any database is opened (at once, not after the
    // seconds a migration check and the app take): these run against a database that is not there, and still say 2.
    const nowhere = { DATABASE_URL: 'postgres://paklog@127.0.0.1:1/paklog' };
    const usage: Array<[string[], RegExp, NodeJS.ProcessEnv]> = [
      [[], /^Usage: paklog /m, nowhere],
      [['nope'], /^error: unknown command 'nope'$/m, nowhere],
      [['import'], /^error: missing required argument 'kind'$/m, nowhere],
      [['migrate', '--bogus'], /^error: unknown option '--bogus'$/m, nowhere],
      // `npm start -- --port 9090`: the settings are the environment's, and the error says so (it said the option alone).
      [['start', '--port', '9090'], /^error: unknown option '--port'\n\(its settings are environment variables, e\.g\. PORT=9090 npm start: paklog start --help lists the usual ones\)$/m, nowhere],
      [['replay', 'no-such-context'], /^paklog replay: context no-such-context does not run in this process/m, nowhere],
      [['replay', 'picking', '--projection', 'nope'], /^paklog replay: context picking has no projection nope \(it has /m, env],
      [['export', 'pallets', '--api-key', 'pk_any'], /^paklog export: unknown export pallets \(one of products, /m, nowhere],
      [['export', 'stock', '--api-key', 'pk_any'], /^paklog export: export stock needs --site$/m, nowhere],
      [['export', 'products'], /^paklog export: set PAKLOG_API_KEY/m, nowhere],
      [['import', 'pallets', join(dir, 'products.csv')], /^paklog import: importing pallets is not supported/m, nowhere],
      [['inventory', 'reconcile', '--site', 'NOWHERE'], /^paklog inventory reconcile: no site NOWHERE$/m, env],
      // It said "row 2, column siteId: no site NOWHERE" of a file with no siteId column, and exited 1.
      [['import', 'stock', join(dir, 'stock.csv'), '--site', 'NOWHERE', '--dry-run'], /^paklog import: no site NOWHERE$/m, env],
      [['simulate', '--lines', 'many'], /^paklog simulate: --lines must be a whole number from 1 to 1000000$/m, nowhere],
      // Number() read these as whole numbers: a day of 1e308 lines, waves every 0 minutes (for ever), seed 16 (edge9).
      [['simulate', '--lines', '1e308'], /^paklog simulate: --lines must be a whole number from 1 to 1000000$/m, nowhere],
      [['simulate', '--wave-every', '0'], /^paklog simulate: --wave-every must be a whole number from 1 to 1440$/m, nowhere],
      [['simulate', '--seed', '0x10'], /^paklog simulate: --seed must be a whole number from 0 to 4294967295$/m, nowhere],
      // 2026-02-30 passed the YYYY-MM-DD check and simulated March 2 (JavaScript's Date rolls it over).
      [['simulate', '--day', '2026-02-30'], /^paklog simulate: --cutoff must be HH:MM and --day YYYY-MM-DD, a day of the calendar$/m, nowhere],
    ];
    writeFileSync(join(dir, 'products.csv'), 'sku,description\n');
    writeFileSync(join(dir, 'stock.csv'), 'sku,location,quantity\nMUG-CERAMIC,DEMO-A-01-01-1,5\n');
    // Independent processes: all at once (the file's wall time), each judged on its own.
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const asks = [['--help'], ['import', '--help'], ['--version'], ['start', '--help']];
    const [usageRuns, failed, askedRuns] = await Promise.all([
      Promise.all(usage.map(([args, , e]) => paklog(args, e))),
      paklog(['export', 'products', '--api-key', 'pk_any', '--url', nobody], env),
      Promise.all(asks.map((args) => paklog(args, env))),
    ]);
    usage.forEach(([args, message], i) => {
      const run = usageRuns[i]!;
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr, args.join(' ')).toMatch(message);
      noStack(run.stderr);
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^paklog export: cannot reach PakLog at /m);
    asks.forEach((args, i) => expect({ args, code: askedRuns[i]!.code }).toEqual({ args, code: 0 }));
    const help = askedRuns[0]!;
    expect(help.stdout).toContain('Exit codes:\n  0  done\n  1  the command ran and failed');
    expect(help.stdout).toContain('  2  usage: the command line or the environment is wrong');
    expect(askedRuns[3]!.stdout).toContain('Settings are environment variables, not options (README, Configuration), e.g.:\n  PORT=9090 npm start ');
  }, 240_000);
});
