import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

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

export interface StartedPakLog {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<number | null>;
}

/** `paklog start` in `cwd` (the repository by default), resolved once it prints its ready banner. */
export async function startPakLog(env: NodeJS.ProcessEnv, cwd = repoRoot, command: 'start' | 'gateway' = 'start'): Promise<StartedPakLog> {
  const child = spawn(process.execPath, [resolve(cwd, 'bin/paklog.js'), command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`paklog did not start:\n${out}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.includes('PakLog is ready') || out.includes('PakLog gateway is ready')) {
        clearTimeout(timer);
        // The banner is one write; leave a moment for a pipe that splits it.
        setTimeout(ready, 100);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
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

/** Runs a `paklog` command to its end. */
export function runPakLog(args: readonly string[], env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [resolve(cwd, 'bin/paklog.js'), ...args], { cwd, env, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      done({ code, stdout, stderr });
    });
  });
}
