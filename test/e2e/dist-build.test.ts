import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-database.ts';
import { cleanEnv, freePort, repoRoot } from '../support/paklog-process.ts';

/**
 * The production build (`npm run build`) runs without the TypeScript toolchain: it is built into a folder laid out
 * like the container image (/app/dist, /app/proto, /app/package.json, /app/node_modules) and started with plain
 * `node dist/bundle/cli.js start` (the image's entry point: the modules bundled, scripts/build.ts) on a fresh database. Node 20 has no TypeScript support of its own, so a single `.ts` import
 * left in the output fails the start (ERR_UNKNOWN_FILE_EXTENSION).
 */
let root = '';
let db: { url: string; drop: () => Promise<void> };
let child: ChildProcess | undefined;
let output = '';
let port = 0;
const adminKey = 'pk_dist_build_test_key_0123456789abcdef';

/** Every file under `dir`, relative to it. */
const files = (dir: string, prefix = ''): string[] => readdirSync(join(dir, prefix), { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? files(dir, join(prefix, e.name)) : [join(prefix, e.name)]));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'paklog-dist-'));
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out', join(root, 'dist')], { cwd: repoRoot, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}\n${built.stderr}`);
  for (const name of ['package.json', 'proto', 'node_modules']) symlinkSync(realpathSync(join(repoRoot, name)), join(root, name));
  db = await createTestDatabase();
  port = await freePort();
}, 120_000);

afterAll(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await db?.drop();
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe('the compiled build', () => {
  it('holds JavaScript and the migrations only, no TypeScript', () => {
    const out = files(join(root, 'dist'));
    expect(out.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(out).toContain('cli.js');
    expect(out).toContain(join('bundle', 'cli.js'));
    expect(out.filter((f) => f.endsWith('.test.js'))).toEqual([]);
    const sql = (dir: string): string[] => files(dir).filter((f) => f.endsWith('.sql')).sort();
    expect(sql(join(root, 'dist'))).toEqual(sql(join(repoRoot, 'src')));
    expect(sql(join(root, 'dist')).length).toBeGreaterThan(10);
  });

  it('starts with `node dist/bundle/cli.js start` on a fresh database, migrates it and answers ready', async () => {
    const env = cleanEnv({ DATABASE_URL: db.url, PORT: String(port), PAKLOG_ADMIN_API_KEY: adminKey, PAKLOG_SEED_DEMO: 'false' });
    // No loader may come from the environment either.
    delete env.NODE_OPTIONS;
    const c = spawn(process.execPath, ['dist/bundle/cli.js', 'start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`dist did not start:\n${output}`)), 60_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('PakLog is ready')) { clearTimeout(timer); ready(); }
      };
      c.stdout.on('data', onData);
      c.stderr.on('data', onData);
      c.once('exit', (code) => { clearTimeout(timer); fail(new Error(`dist exited with ${code}:\n${output}`)); });
    });
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    // The migrations ran (the tables exist) and an authenticated call works.
    const sites = await fetch(`http://127.0.0.1:${port}/api/v1/sites`, { headers: { 'x-api-key': adminKey } });
    expect(sites.status).toBe(200);
  });

  it('runs worker-pool tasks on threads from the compiled modules, without tsx', () => {
    const pool = join(root, 'dist/platform/workers/worker-pool.js');
    const task = join(root, 'dist/optimize/assignment/hungarian.js');
    expect(existsSync(pool) && existsSync(task)).toBe(true);
    const script = `
      import { pathToFileURL } from 'node:url';
      const { WorkerPool, workerTask } = await import(pathToFileURL(${JSON.stringify(pool)}).href);
      const p = new WorkerPool({ threads: 1, maxQueue: 1 });
      const r = await p.run(workerTask(pathToFileURL(${JSON.stringify(task)}), 'hungarian'), [[4, 1], [2, 8]]);
      await p.close();
      console.log(JSON.stringify(r));`;
    // A file, not `--input-type=module -e`: worker threads inherit the process's flags, and that one refuses a file.
    writeFileSync(join(root, 'pool-check.mjs'), script);
    const run = spawnSync(process.execPath, ['pool-check.mjs'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout) as { cost?: number }).toMatchObject({ cost: 3 });
  });
});
