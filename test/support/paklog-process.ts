import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository this test runs from. */
export const repoRoot = resolve(import.meta.dirname, '../..');

const canListen = (port: number): Promise<boolean> => new Promise((done) => {
  const s = createServer();
  s.once('error', () => done(false));
  s.listen(port, '127.0.0.1', () => s.close(() => done(true)));
});

/** Ports this test process handed out already: never twice, even once their server is gone. */
const handedOut = new Set<number>();

/**
 * A port nothing listens on, taken below the kernel's ephemeral range (Linux: 32768–60999). A port from that range,
 * once its server is killed, can become the local port of any process's next outgoing connection (a database pool,
 * a keep-alive socket), and a service restarted on it then cannot listen there: the fault tests restart services on
 * their ports dozens of times.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    // Claimed before the check, so two calls at once never hand out the same port.
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port between 20000 and 32000');
}

/**
 * The environment of a fresh shell: no database URL or admin key inherited from the test run. The public gRPC API
 * takes any free port (its default 50051 would clash between servers started side by side) unless `env` names one.
 */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'PAKLOG_ADMIN_API_KEY', 'PAKLOG', 'KEY', 'PORT', 'PAKLOG_DATA_DIR', 'PAKLOG_LOG_FORMAT', 'LOG_LEVEL', 'PAKLOG_GRPC_PORT']) delete base[name];
  return { ...base, PAKLOG_GRPC_PORT: '0', ...env };
}

/**
 * Environment that makes a started process write a V8 CPU profile into `$PAKLOG_CPU_PROF_DIR/<name>/<pid>.cpuprofile`
 * when it exits normally (SIGTERM → `process.exit`; a SIGKILL writes nothing), through test/support/cpu-profile.js:
 * opt in with PAKLOG_CPU_PROF_DIR to see where a split deployment's or a bench server's CPU goes. Empty when unset.
 */
export function cpuProfileEnv(name: string): Record<string, string> {
  const dir = process.env.PAKLOG_CPU_PROF_DIR;
  if (dir === undefined || dir === '') return {};
  const preload = `--import=${pathToFileURL(resolve(repoRoot, 'test/support/cpu-profile.js')).href}`;
  return {
    NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter((o) => o !== undefined && o !== '').join(' '),
    PAKLOG_CPU_PROF_OUT: resolve(dir, name),
  };
}

export interface StartedPakLog {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * The Node options `npm start` runs the server with (package.json's `start` script, between `node` and the script:
 * the V8 heap's limits of ADR 0050), so a server a test or a benchmark starts is the one users run.
 */
export function startNodeFlags(root = repoRoot): string[] {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (pkg.scripts?.start ?? '').trim().split(/\s+/);
  const script = words.indexOf('bin/paklog.js');
  if (words[0] !== 'node' || script < 0) throw new Error(`package.json's start script is not "node [options] bin/paklog.js start": ${pkg.scripts?.start ?? '(none)'}`);
  return words.slice(1, script);
}

/**
 * `paklog start` (or `paklog gateway`) in `cwd` (the repository by default) with the Node options of `npm start`,
 * resolved once it prints its ready banner.
 */
export async function startPakLog(env: NodeJS.ProcessEnv, cwd = repoRoot, command: 'start' | 'gateway' = 'start'): Promise<StartedPakLog> {
  const child = spawn(process.execPath, [...startNodeFlags(cwd), resolve(cwd, 'bin/paklog.js'), command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return started(child);
}

/** Resolves once `child` has printed its whole ready banner; fails when it exits first or stays silent for 90 s. */
async function started(child: ChildProcess, before = ''): Promise<StartedPakLog> {
  let out = before;
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => {
      // Not left running: nothing would stop it.
      child.kill('SIGKILL');
      fail(new Error(`paklog did not start:\n${out}`));
    }, 90_000);
    let banner = -1;
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (banner < 0) {
        banner = Math.max(out.indexOf('PakLog is ready'), out.indexOf('PakLog gateway is ready'));
        if (banner < 0) return;
        clearTimeout(timer);
        // Should a banner ever lose its closing blank line, 100 ms after its first line (the wait this used to be).
        setTimeout(ready, 100);
      }
      // The banner is one write that ends with a blank line: resolved once a pipe that split it delivered the rest.
      if (out.indexOf('\n\n', banner) >= 0) ready();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`paklog exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A `paklog start` process with its modules loaded, waiting for `activate` (see `standbyPakLog`). */
export interface StandbyPakLog {
  /** Resolves once its modules are loaded (it printed LOADED); rejects if it exits first. */
  readonly loaded: Promise<void>;
  /** Runs `paklog start` in the waiting process; resolves once it is ready. */
  activate(): Promise<StartedPakLog>;
  /** Ends the process if it was never activated. */
  dismiss(): void;
}

/**
 * A process that has loaded PakLog's modules (test/support/standby-start.js) and runs the real `paklog start` — the same
 * CLI code, configured by `env` — when activated: a restart after a kill then costs the app's build and listen, not
 * the seconds of loading TypeScript. The fault tests keep one per service so that fifty kills do not cost minutes.
 */
export function standbyPakLog(env: NodeJS.ProcessEnv): StandbyPakLog {
  const child = spawn(process.execPath, [resolve(repoRoot, 'test/support/standby-start.js')], {
    cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let early = '';
  let markLoaded: () => void = () => undefined;
  let failLoad: (e: Error) => void = () => undefined;
  const loaded = new Promise<void>((ok, fail) => {
    markLoaded = ok;
    failLoad = fail;
  });
  // Not every caller waits for it: a standby dismissed unawaited is no unhandled rejection.
  loaded.catch(() => undefined);
  const keep = (chunk: Buffer): void => {
    early += chunk.toString();
    if (early.includes('LOADED')) markLoaded();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.once('exit', (code, signal) => failLoad(new Error(`the standby process exited (${code ?? signal}) before it loaded:\n${early}`)));
  return {
    loaded,
    activate: () => {
      child.stdout.off('data', keep);
      child.stderr.off('data', keep);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`the standby process had exited:\n${early}`));
      const ready = started(child, early);
      child.stdin.end('start\n');
      return ready;
    },
    dismiss: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Runs a `paklog` command to its end. */
export function runPakLog(args: readonly string[], env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [resolve(cwd, 'bin/paklog.js'), ...args], { cwd, env, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      done({ code, stdout, stderr });
    });
  });
}

/** A `paklog` process the fault tests kill and restart: its environment, the running process and its warm standby. */
export interface Restartable {
  readonly env: NodeJS.ProcessEnv;
  process: StartedPakLog;
  /** The process that takes over after a kill, its modules loaded already (spawned on the first kill). */
  standby?: StandbyPakLog;
}

/**
 * kill -9 `s` and start it again on the same port and database; resolves once it is ready. The standby takes over (a
 * restart then costs the app's build and listen) and the next one loads once it is up, so that loading it does not
 * compete for the CPU with the restart; without one, or when it fails, a cold start, tried again a few times (its
 * ports can be taken for a moment on a loaded machine).
 */
export async function crashAndRestart(s: Restartable, name: string): Promise<void> {
  const child = s.process.child;
  // A process that ended on its own is a fault to report, not a victim: its 'exit' has been emitted already, so
  // waiting for it would hang the chaos for good.
  if (child.exitCode !== null || child.signalCode !== null) {
    throw new Error(`${name} had exited on its own (${child.exitCode ?? child.signalCode}) before its kill:\n${s.process.output().slice(-3_000)}`);
  }
  const exited = new Promise((r) => child.once('exit', r));
  s.process.child.kill('SIGKILL');
  await exited;
  const standby = s.standby;
  delete s.standby;
  try {
    if (standby !== undefined) {
      try {
        s.process = await standby.activate();
        return;
      } catch {
        // Started cold below, as when there is no standby yet.
      }
    }
    const failures: string[] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        s.process = await startPakLog(s.env);
        return;
      } catch (e) {
        failures.push((e as Error).message.slice(-2_000));
        if (attempt >= 4) throw new Error(`${name} did not come back after a kill:\n${failures.join('\n---\n')}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    s.standby = standbyPakLog(s.env);
  }
}
