/**
 * The cache: in memory by default, Redis when REDIS_URL is set (`.ci/run` provides it; with CI=true an unreachable
 * Redis fails). The outage test runs a private redis-server so stopping it disturbs nobody else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { Metrics } from '../telemetry/metrics.ts';
import { MemoryCache, RedisCache } from './cache.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
const quiet = { warn: () => undefined, info: () => undefined };

const portOpen = (host: string, port: number): Promise<boolean> => new Promise((resolve) => {
  const s = net.connect({ host, port });
  s.setTimeout(1000);
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('timeout', () => { s.destroy(); resolve(false); });
  s.once('error', () => resolve(false));
});
const until = async (what: string, pred: () => Promise<boolean>, ms = 20_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const counter = async (m: Metrics, name: string): Promise<number> =>
  ((await m.registry.getSingleMetric(name)?.get())?.values ?? []).reduce((n, v) => n + v.value, 0);

/** A loader that counts its calls and returns the current value of a "database row". */
function source(initial: string) {
  const db = { value: initial, loads: 0 };
  return { db, load: async () => { db.loads++; return { name: db.value }; } };
}

describe('memory cache', () => {
  it('loads once, serves the copy until it expires or is invalidated', async () => {
    let now = 0;
    const cache = new MemoryCache(10, () => now);
    const s = source('a');
    expect(await cache.getOrLoad('k', 60, s.load)).toEqual({ name: 'a' });
    s.db.value = 'b';
    expect(await cache.getOrLoad('k', 60, s.load)).toEqual({ name: 'a' });
    await cache.delete('k');
    expect(await cache.getOrLoad('k', 60, s.load)).toEqual({ name: 'b' });
    s.db.value = 'c';
    now += 61_000;
    expect(await cache.getOrLoad('k', 60, s.load)).toEqual({ name: 'c' });
    expect(s.db.loads).toBe(3);
  });

  it('stays within its bound, oldest out first', async () => {
    const cache = new MemoryCache(2);
    const loads: string[] = [];
    const load = (k: string) => async () => { loads.push(k); return k; };
    for (const k of ['a', 'b', 'c', 'a']) await cache.getOrLoad(k, 60, load(k));
    expect(loads).toEqual(['a', 'b', 'c', 'a']);
  });
});

describe('redis cache', () => {
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const c of opened) await c.close();
  });

  it('is shared by every process of an installation, and an invalidation reaches all of them', async (ctx) => {
    const url = new URL(REDIS_URL);
    if (!(await portOpen(url.hostname, Number(url.port || 6379)))) {
      if (process.env.CI === 'true') throw new Error(`Redis is not reachable at ${REDIS_URL}; CI needs it`);
      ctx.skip();
    }
    const namespace = `t${randomBytes(4).toString('hex')}`;
    const [a, b] = [0, 1].map(() => new RedisCache({ url: REDIS_URL, namespace, metrics: new Metrics({ defaultMetrics: false }), log: quiet }));
    opened.push(a!, b!);
    expect(await a!.ready()).toBe(true);
    expect(await b!.ready()).toBe(true);
    // Each process clears the prefix at its first use (a predecessor may have died before an invalidation: crash9).
    for (const c of [a!, b!]) expect(await c.getOrLoad('warm', 60, async () => undefined)).toBeUndefined();
    const s = source('v1');
    expect(await a!.getOrLoad('loc:DEMO-A-01', 60, s.load)).toEqual({ name: 'v1' });
    s.db.value = 'v2';
    // Process b finds a's copy: no second load.
    expect(await b!.getOrLoad('loc:DEMO-A-01', 60, s.load)).toEqual({ name: 'v1' });
    expect(s.db.loads).toBe(1);
    await b!.delete('loc:DEMO-A-01');
    expect(await a!.getOrLoad('loc:DEMO-A-01', 60, s.load)).toEqual({ name: 'v2' });
    expect(s.db.loads).toBe(2);
  });

  it('with Redis stopped, reads go to the database without an error; an invalidation missed then is not lost', async (ctx) => {
    if (REDIS_SERVER === undefined) {
      if (process.env.CI === 'true') throw new Error('redis-server is not installed');
      ctx.skip();
    }
    const port = 16379;
    let server: ChildProcess | undefined;
    const start = async () => {
      server = spawn(REDIS_SERVER!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await until('redis-server', () => portOpen('127.0.0.1', port));
    };
    const stop = async () => {
      const s = server;
      if (s === undefined || s.exitCode !== null) return;
      const exited = new Promise((r) => s.once('exit', r));
      s.kill('SIGKILL');
      await exited;
    };
    await start();
    try {
      const metrics = new Metrics({ defaultMetrics: false });
      const warnings: string[] = [];
      const cache = new RedisCache({ url: `redis://127.0.0.1:${port}`, namespace: 'outage', metrics, log: { warn: (_o, m) => warnings.push(m), info: () => undefined } });
      opened.push(cache);
      const other = new RedisCache({ url: `redis://127.0.0.1:${port}`, namespace: 'outage', metrics: new Metrics({ defaultMetrics: false }), log: quiet });
      opened.push(other);
      const s = source('before');
      expect(await cache.ready()).toBe(true);
      expect(await other.ready()).toBe(true);
      expect(await cache.getOrLoad('p:1', 300, s.load)).toEqual({ name: 'before' });
      expect(await other.getOrLoad('p:1', 300, s.load)).toEqual({ name: 'before' });
      const loadsBefore = s.db.loads;

      // Redis goes away; the database row changes meanwhile.
      await stop();
      s.db.value = 'changed during the outage';
      for (let i = 0; i < 5; i++) expect(await cache.getOrLoad('p:1', 300, s.load)).toEqual({ name: 'changed during the outage' });
      expect(s.db.loads - loadsBefore).toBe(5);
      await cache.delete('p:1'); // the owning context's invalidation: Redis cannot hear it now
      expect(await counter(metrics, 'paklog_cache_errors_total')).toBeGreaterThanOrEqual(6);
      expect(warnings).toHaveLength(1);

      await start();
      // This Redis restarted empty; one that kept its data would still hold the old copy: write it back to stand for that.
      type Raw = { redis: { status: string; set(k: string, v: string): Promise<unknown> } };
      await until('both processes reconnected', async () => (cache as unknown as Raw).redis.status === 'ready' && (other as unknown as Raw).redis.status === 'ready');
      await (other as unknown as Raw).redis.set('outage:cache:p:1', JSON.stringify({ name: 'before' }));
      // The process that missed an invalidation clears its prefix before trusting Redis again: nobody sees the old copy.
      expect(await cache.getOrLoad('p:1', 300, s.load)).toEqual({ name: 'changed during the outage' });
      expect(await other.getOrLoad('p:1', 300, s.load)).toEqual({ name: 'changed during the outage' });
      expect(warnings).toHaveLength(1);
    } finally {
      await stop();
    }
  }, 60_000);
});
