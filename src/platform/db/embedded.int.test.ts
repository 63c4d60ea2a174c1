import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, embeddedSettings, startEmbeddedPostgres } from './embedded.ts';

const dir = mkdtempSync(join(tmpdir(), 'paklog-embedded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the embedded server in a child process that is then killed with SIGKILL, leaving its PostgreSQL behind. */
async function startAndKill(): Promise<void> {
  const script = `import { startEmbeddedPostgres } from ${JSON.stringify(resolve(import.meta.dirname, 'embedded.ts'))};
    await startEmbeddedPostgres({ dir: ${JSON.stringify(dir)}, fast: true });
    console.log('READY');
    setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`child did not start: ${out}`)), 60_000);
    const onData = (b: Buffer): void => {
      out += b.toString();
      if (out.includes('READY')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(new Error(`child exited with ${code}: ${out}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('embedded PostgreSQL', () => {
  it('a server left running by a killed process does not block the next start', async () => {
    await startAndKill();
    // The killed process's PostgreSQL is still running and holds the data directory.
    const pidFile = join(dir, 'cluster', 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(true);
    const stalePid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    expect(() => process.kill(stalePid, 0)).not.toThrow();
    const server = await startEmbeddedPostgres({ dir, fast: true });
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const [row] = (await client.query<{ one: number }>('SELECT 1 AS one')).rows;
      await client.end();
      expect(row?.one).toBe(1);
      expect(Number(readFileSync(pidFile, 'utf8').split('\n')[0])).not.toBe(stalePid);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('an initdb interrupted half-way is redone; a lost password file stops with a clear message', async () => {
    const half = mkdtempSync(join(tmpdir(), 'paklog-embedded-half-'));
    try {
      mkdirSync(join(half, 'cluster'), { recursive: true });
      writeFileSync(join(half, 'cluster', 'PG_VERSION'), '18\n');
      const server = await startEmbeddedPostgres({ dir: half, fast: true });
      await server.stop();
      expect(existsSync(join(half, 'initialised'))).toBe(true);
      rmSync(join(half, 'password'));
      await expect(startEmbeddedPostgres({ dir: half, fast: true })).rejects.toThrow(/password is missing/);
    } finally {
      rmSync(half, { recursive: true, force: true });
    }
  }, 120_000);

  it('runs with the small-site settings: 32MB of shared buffers, no I/O workers, no logical replication launcher (the tests\' fast servers keep the default buffers)', async () => {
    const small = mkdtempSync(join(tmpdir(), 'paklog-embedded-small-'));
    const server = await startEmbeddedPostgres({ dir: small });
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const show = async (name: string): Promise<string> => (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name]!;
      expect({ buffers: await show('shared_buffers'), io: await show('io_method'), replication: await show('max_logical_replication_workers'), fsync: await show('fsync') })
        .toEqual({ buffers: '32MB', io: 'sync', replication: '0', fsync: 'on' });
      const types = (await client.query<{ t: string }>('SELECT DISTINCT backend_type AS t FROM pg_stat_activity')).rows.map((r) => r.t);
      expect(types).toContain('checkpointer');
      expect(types).not.toContain('io worker');
      expect(types).not.toContain('logical replication launcher');
      await client.end();
    } finally {
      await server.stop();
      rmSync(small, { recursive: true, force: true });
    }
    expect(embeddedSettings(true)).not.toContain('shared_buffers=32MB');
    expect(embeddedSettings(true)).toContain('fsync=off');
  }, 120_000);

  it('a running server is never stopped by another opener: a command connects to it, a second start is refused', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'paklog-embedded-shared-'));
    const first = await startEmbeddedPostgres({ dir: shared, fast: true });
    try {
      expect(first.owned).toBe(true);
      const attached = await startEmbeddedPostgres({ dir: shared, fast: true, ifInUse: 'attach' });
      expect(attached.owned).toBe(false);
      expect(attached.url).toBe(first.url);
      await attached.stop();
      const refused = startEmbeddedPostgres({ dir: shared, fast: true, ifInUse: 'refuse' });
      await expect(refused).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(refused).rejects.toThrow(/is in use by PakLog process \d+/);
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      const [row] = (await client.query<{ one: number }>('SELECT 1 AS one')).rows;
      await client.end();
      expect(row?.one).toBe(1);
    } finally {
      await first.stop();
      rmSync(shared, { recursive: true, force: true });
    }
  }, 120_000);
});
