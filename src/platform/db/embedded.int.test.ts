import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { openDatabase } from '../../main.ts';
import { Database } from './database.ts';
import { DataDirInUseError, embeddedSettings, SOCKET_PATH_MAX, startEmbeddedPostgres, type Owner } from './embedded.ts';

const dir = mkdtempSync(join(tmpdir(), 'paklog-embedded-'));
/**
 * A cluster made by a first start (initdb) and stopped. The tests that are not about a first start run on a copy of
 * it: `cp -a` of a stopped cluster costs a fraction of an initdb. The interrupted-initdb test still runs initdb itself.
 */
const prepared = mkdtempSync(join(tmpdir(), 'paklog-embedded-prepared-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(prepared, { recursive: true, force: true });
});

beforeAll(async () => {
  chmodSync(prepared, 0o755); // as root, the postgres user enters it: the cluster stays in the folder that is copied
  const server = await startEmbeddedPostgres({ dir: prepared, fast: true });
  await server.stop();
  expect(server.location).toBe(prepared);
  expect(existsSync(join(prepared, 'initialised'))).toBe(true);
}, 120_000);

/** Fills `folder` with a copy of the prepared cluster (owners and modes kept), enterable by the postgres user as root. */
function withPreparedCluster(folder: string): string {
  mkdirSync(folder, { recursive: true });
  chmodSync(folder, 0o755);
  execFileSync('cp', ['-a', `${prepared}/.`, folder]);
  return folder;
}

/** How the connection of `url` reaches the server: `socket` (a Unix-domain socket: no client address) or `tcp`. */
async function via(url: string): Promise<'socket' | 'tcp'> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [row] = (await client.query<{ addr: string | null }>('SELECT client_addr::text AS addr FROM pg_stat_activity WHERE pid = pg_backend_pid()')).rows;
    return row?.addr === null ? 'socket' : 'tcp';
  } finally {
    await client.end();
  }
}

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
    withPreparedCluster(dir);
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
      // The killed server's socket and lock files are gone; the new one's socket serves.
      expect(readdirSync(server.socketDir!).filter((f) => f.startsWith('.s.PGSQL.'))).toHaveLength(2);
      expect(await via(server.localUrl)).toBe('socket');
    } finally {
      await server.stop();
    }
  }, 120_000);

  it("a stale postmaster.pid naming another process called postgres (its pid reused, after a reboot) does not get that process killed", async () => {
    const stale = withPreparedCluster(mkdtempSync(join(tmpdir(), 'paklog-embedded-stale-')));
    // Another PostgreSQL's process, as far as its command line tells: not this cluster's server.
    const other = spawn('sleep', ['120'], { argv0: 'postgres', stdio: 'ignore' });
    try {
      await new Promise((r) => other.once('spawn', r));
      writeFileSync(join(stale, 'cluster', 'postmaster.pid'), `${other.pid}\n${join(stale, 'cluster')}\n1700000000\n5432\n\n\n`);
      const server = await startEmbeddedPostgres({ dir: stale, fast: true });
      try {
        expect(other.exitCode).toBeNull();
        expect(other.signalCode).toBeNull();
        expect(() => process.kill(other.pid!, 0)).not.toThrow();
        expect(await via(server.localUrl)).toBe('socket');
      } finally {
        await server.stop();
      }
    } finally {
      other.kill('SIGKILL');
      rmSync(stale, { recursive: true, force: true });
    }
  }, 120_000);

  it('a server killed under its running owner is started again on the same port and socket, its data there; one that cannot start again is given up (`lost`)', async () => {
    const killed = withPreparedCluster(mkdtempSync(join(tmpdir(), 'paklog-embedded-killed-')));
    const events: { kind: string; message: string }[] = [];
    // Durable, as `npm start` runs it: a fast server (no synchronous commit) may lose its last commits to the kill.
    const server = await startEmbeddedPostgres({ dir: killed, restartWindowMs: 3_000, onUnexpectedExit: (e) => events.push(e) });
    const pool = new pg.Pool({ connectionString: server.localUrl, max: 2 });
    pool.on('error', () => undefined);
    const postmaster = (): number => Number(readFileSync(join(server.location, 'cluster', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const until = async (what: () => boolean): Promise<void> => {
      for (let i = 0; i < 600 && !what(); i++) await new Promise((r) => setTimeout(r, 100));
    };
    try {
      await pool.query('CREATE TABLE kept (n int)');
      await pool.query('INSERT INTO kept VALUES (42)');
      const first = postmaster();
      process.kill(first, 'SIGKILL');
      await until(() => events.some((e) => e.kind === 'restarted'));
      expect(events.map((e) => e.kind)).toEqual(['restarting', 'restarted']);
      expect(events[0]!.message).toMatch(/stopped unexpectedly \(SIGKILL\): starting it again/);
      expect(postmaster()).not.toBe(first);
      // The pool's connections to the dead server fail once; the next ones reach the new server through the same socket.
      let rows: { n: number }[] = [];
      for (let i = 0; i < 20 && rows.length === 0; i++) rows = (await pool.query<{ n: number }>('SELECT n FROM kept').catch(() => ({ rows: [] }))).rows;
      expect(rows).toEqual([{ n: 42 }]);
      expect(await via(server.localUrl)).toBe('socket');
      // A server that cannot start again (here its configuration is broken) is given up after the window, said in one line.
      writeFileSync(join(server.location, 'cluster', 'postgresql.auto.conf'), 'this is not a setting\n');
      process.kill(postmaster(), 'SIGKILL');
      await until(() => events.some((e) => e.kind === 'lost'));
      expect(events.map((e) => e.kind)).toEqual(['restarting', 'restarted', 'restarting', 'lost']);
      expect(events[3]!.message).toMatch(/stopped \(SIGKILL\) and could not be started again within 3 s: FATAL: configuration file "postgresql.auto.conf" contains errors$/);
    } finally {
      await pool.end();
      await server.stop();
      rmSync(killed, { recursive: true, force: true });
    }
  }, 120_000);

  it('a first start killed during its initdb: the next start stops the initdb it left running, leaves no password file behind, and serves', async () => {
    const first = mkdtempSync(join(tmpdir(), 'paklog-embedded-initdb-'));
    chmodSync(first, 0o755);
    const initdbOf = (): number[] => execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
      .filter((l) => l.includes(`--pgdata=${join(first, 'cluster')}`) && l.includes('initdb')).map((l) => Number(l.trim().split(/\s+/)[0]));
    const script = `import { startEmbeddedPostgres } from ${JSON.stringify(resolve(import.meta.dirname, 'embedded.ts'))};
      await startEmbeddedPostgres({ dir: ${JSON.stringify(first)}, fast: true });`;
    try {
      // The killed start's initdb runs on — unless it wrote to the dead parent's pipe meanwhile (then it died of it, and
      // the first start is killed again on a fresh folder: a few tries, under load).
      let orphans: number[] = [];
      for (let attempt = 0; attempt < 6 && orphans.length === 0; attempt++) {
        for (const pid of initdbOf()) process.kill(pid, 'SIGKILL');
        rmSync(first, { recursive: true, force: true });
        mkdirSync(first, { mode: 0o755 });
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
        for (let i = 0; i < 1200 && initdbOf().length === 0 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 25));
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
        await new Promise((r) => setTimeout(r, 100));
        orphans = initdbOf();
      }
      expect(orphans).toHaveLength(1);
      const server = await startEmbeddedPostgres({ dir: first, fast: true });
      try {
        expect(orphans.filter((pid) => { try { process.kill(pid, 0); return true; } catch { return false; } })).toEqual([]);
        expect(readdirSync(first).filter((f) => f.startsWith('pwfile.') || f === 'initdb.pid')).toEqual([]);
        expect(await via(server.localUrl)).toBe('socket');
      } finally {
        await server.stop();
      }
    } finally {
      for (const pid of initdbOf()) process.kill(pid, 'SIGKILL');
      rmSync(first, { recursive: true, force: true });
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
    const small = withPreparedCluster(mkdtempSync(join(tmpdir(), 'paklog-embedded-small-')));
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
    const shared = withPreparedCluster(mkdtempSync(join(tmpdir(), 'paklog-embedded-shared-')));
    const first = await startEmbeddedPostgres({ dir: shared, fast: true });
    try {
      expect(first.owned).toBe(true);
      const attached = await startEmbeddedPostgres({ dir: shared, fast: true, ifInUse: 'attach' });
      expect(attached.owned).toBe(false);
      expect(attached.url).toBe(first.url);
      // The second process finds the owner's socket in owner.json and connects through it as well.
      expect(attached.localUrl).toBe(first.localUrl);
      expect(await via(attached.localUrl)).toBe('socket');
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

  it("PakLog's own connections go through an owner-only Unix-domain socket in the data folder; the TCP URL still serves; a restart makes it afresh", async () => {
    const sock = withPreparedCluster(mkdtempSync(join(tmpdir(), 'paklog-embedded-sock-'))); // as root, no cluster left in /var/lib/paklog
    try {
      const first = await startEmbeddedPostgres({ dir: sock, fast: true });
      // As root the cluster may live elsewhere (`location`), the postgres user being unable to enter `sock`.
      const run = join(first.location, 'run');
      const port = Number(new URL(first.url).port);
      try {
        expect(first.socketDir).toBe(run);
        expect(first.tcpOnly).toBeUndefined();
        expect(statSync(run).mode & 0o777).toBe(0o700);
        expect(existsSync(join(run, `.s.PGSQL.${port}`))).toBe(true);
        expect(first.localUrl).toBe(`${first.url}?host=${encodeURIComponent(run)}`);
        expect((JSON.parse(readFileSync(join(first.location, 'owner.json'), 'utf8')) as Owner).pgSocketDir).toBe(run);
        expect(await via(first.localUrl)).toBe('socket');
        expect(await via(first.url)).toBe('tcp');
        // A URL edited as the tests and the benches edit them (another database) keeps the socket.
        const other = new URL(first.localUrlFor('postgres'));
        other.pathname = '/paklog';
        expect(await via(other.href)).toBe('socket');
      } finally {
        await first.stop();
      }
      expect(existsSync(join(run, `.s.PGSQL.${port}`))).toBe(false);
      const again = await startEmbeddedPostgres({ dir: sock, fast: true });
      try {
        expect(again.socketDir).toBe(run);
        expect(await via(again.localUrl)).toBe('socket');
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(sock, { recursive: true, force: true });
    }
  }, 120_000);

  it('the pool of `npm start` (no DATABASE_URL) uses the socket; an explicit DATABASE_URL is used as given, `?host=<folder>` included', async () => {
    const data = mkdtempSync(join(tmpdir(), 'paklog-embedded-pool-'));
    chmodSync(data, 0o755);
    withPreparedCluster(join(data, 'pg'));
    try {
      const config = loadConfig({ PAKLOG_DATA_DIR: data });
      const { url, embedded } = await openDatabase(config, 'refuse');
      try {
        expect(url).toBe(embedded!.localUrl);
        const db = new Database(url, { max: 2 });
        const rows = await db.query<{ addr: string | null }>('SELECT client_addr::text AS addr FROM pg_stat_activity WHERE pid = pg_backend_pid()');
        await db.close();
        expect(rows).toEqual([{ addr: null }]);
        // A co-located server named by its socket folder, as an operator writes it (docs/operations/sizing.md).
        const given = new URL(embedded!.url);
        // (`postgres://user:pw@/paklog?…`, with no host at all, is not a URL to Node's parser, which DATABASE_URL must pass.)
        const byHand = `postgres://postgres:${given.password}@localhost:${given.port}/paklog?host=${embedded!.socketDir!}`;
        const explicit = await openDatabase(loadConfig({ DATABASE_URL: byHand, PAKLOG_DATA_DIR: data }));
        expect(explicit).toEqual({ url: byHand, embedded: undefined });
        expect(await via(explicit.url)).toBe('socket');
      } finally {
        await embedded?.stop();
      }
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 120_000);

  it('a data folder too deep for a socket path runs on TCP only and says why', async () => {
    const base = mkdtempSync(join(tmpdir(), 'paklog-embedded-deep-'));
    const deep = join(base, 'd'.repeat(Math.max(1, SOCKET_PATH_MAX - base.length - 10)));
    // Enterable by the postgres user when running as root, so that the cluster stays in the deep folder.
    chmodSync(base, 0o755);
    try {
      withPreparedCluster(deep);
      const server = await startEmbeddedPostgres({ dir: deep, fast: true });
      try {
        expect(server.socketDir).toBeUndefined();
        expect(server.tcpOnly).toMatch(new RegExp(`would be \\d+ bytes, more than the ${SOCKET_PATH_MAX} the system allows`));
        expect(server.localUrl).toBe(server.url);
        expect(await via(server.localUrl)).toBe('tcp');
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        // Not even the binaries' default socket in /tmp.
        expect((await client.query<{ unix_socket_directories: string }>('SHOW unix_socket_directories')).rows[0]!.unix_socket_directories).toBe('');
        await client.end();
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }, 120_000);
});
