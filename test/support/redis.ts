import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';

/** The Redis of the normal cache tests (the machine's, or `.ci/run`'s); tests keep to their own namespace in it. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const portOpen = (host: string, port: number): Promise<boolean> => new Promise((resolve) => {
  const s = net.connect({ host, port });
  s.setTimeout(1000);
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('timeout', () => { s.destroy(); resolve(false); });
  s.once('error', () => resolve(false));
});

/** Whether REDIS_URL answers; under CI=true it must. */
export async function redisOrSkip(skip: () => void): Promise<void> {
  const url = new URL(REDIS_URL);
  if (await portOpen(url.hostname, Number(url.port || 6379))) return;
  if (process.env.CI === 'true') throw new Error(`Redis is not reachable at ${REDIS_URL}; CI needs it`);
  skip();
}

/** The key prefix of the cache of an app on `databaseUrl` (src/app.ts: one namespace per installation). */
export const cachePrefix = (databaseUrl: string, busNamespace = 'paklog'): string =>
  `${busNamespace}:${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 12)}:cache:`;

const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));

/**
 * A redis-server of the test's own on `port`, so stopping it disturbs nobody (never the machine's on 6379). Without
 * the binary the test skips, or fails under CI=true.
 */
export function privateRedis(port: number, skip: () => void) {
  if (REDIS_SERVER === undefined) {
    if (process.env.CI === 'true') throw new Error('redis-server is not installed');
    skip();
  }
  let server: ChildProcess | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start(): Promise<void> {
      server = spawn(REDIS_SERVER!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
      const deadline = Date.now() + 20_000;
      while (!(await portOpen('127.0.0.1', port))) {
        if (Date.now() > deadline) throw new Error('redis-server did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(): Promise<void> {
      const s = server;
      if (s === undefined || s.exitCode !== null || s.signalCode !== null) return;
      const exited = new Promise((r) => s.once('exit', r));
      s.kill('SIGKILL');
      await exited;
    },
  };
}
