import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { registerErrors } from '../errors.ts';
import { Metrics } from '../telemetry/metrics.ts';
import { sendProblem } from './problem.ts';
import { DEFAULT_RATE_LIMITS, MemoryRateLimitStore, RateLimiter, RedisRateLimitStore, type RateLimitStore } from './rate-limit.ts';

registerErrors({});

describe('memory rate-limit store', () => {
  it('counts within a fixed window and starts again when it ends', async () => {
    let now = 1_000;
    const store = new MemoryRateLimitStore(100, () => now);
    expect(await store.hit('k', 60_000)).toEqual({ count: 1, resetMs: 60_000 });
    now += 59_000;
    expect(await store.hit('k', 60_000)).toEqual({ count: 2, resetMs: 1_000 });
    expect(await store.peek('k')).toEqual({ count: 2, resetMs: 1_000 });
    now += 1_000;
    expect(await store.peek('k')).toEqual({ count: 0, resetMs: 0 });
    expect(await store.hit('k', 60_000)).toEqual({ count: 1, resetMs: 60_000 });
  });

  it('stays bounded when many addresses come at once', async () => {
    const store = new MemoryRateLimitStore(10, () => 0);
    for (let i = 0; i < 100; i++) await store.hit(`ip${i}`, 60_000);
    expect((await store.peek('ip99')).count).toBe(1);
    expect((await store.peek('ip0')).count).toBe(0);
  });
});

/** A fastify app with only the limiter hook; the principal is set from a header, as the auth hook would. */
async function limitedApp(store: RateLimitStore, metrics: Metrics, warnings: string[]) {
  const limiter = new RateLimiter(store, { ...DEFAULT_RATE_LIMITS, commandPerMin: 2 }, metrics, { warn: (_o, m) => warnings.push(m), info: () => undefined });
  const app = Fastify();
  app.addHook('onRequest', async (req) => {
    req.principal = { kind: 'key', id: String(req.headers['x-who']), name: 'test', role: 'admin', sites: { '*': 'admin' } };
  });
  app.addHook('onRequest', limiter.hook());
  app.setErrorHandler(async (e, req, reply) => sendProblem(e, req, reply));
  app.post('/thing', async () => ({ ok: true }));
  await app.ready();
  return app;
}

describe('rate limiter', () => {
  it('answers 429 RATE_LIMITED with Retry-After over the limit, per principal', async () => {
    const app = await limitedApp(new MemoryRateLimitStore(), new Metrics({ defaultMetrics: false }), []);
    const post = (who: string) => app.inject({ method: 'POST', url: '/thing', headers: { 'x-who': who } });
    expect((await post('a')).statusCode).toBe(200);
    expect((await post('a')).statusCode).toBe(200);
    const refused = await post('a');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(50);
    expect((await post('b')).statusCode).toBe(200);
    await app.close();
  });

  it('fails open when Redis is unreachable: requests pass, one warning, the error is counted', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const warnings: string[] = [];
    const store = new RedisRateLimitStore({ url: 'redis://127.0.0.1:1', namespace: 'unreachable' });
    const app = await limitedApp(store, metrics, warnings);
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'POST', url: '/thing', headers: { 'x-who': 'a' } })).statusCode).toBe(200);
    expect(warnings).toHaveLength(1);
    expect(await metrics.registry.getSingleMetricAsString('paklog_rate_limit_errors_total')).toMatch(/op="hit"} 5/);
    await app.close();
    await store.close();
  });
});

describe('limits configuration', () => {
  it('has generous defaults and reads every variable', () => {
    const d = loadConfig({});
    expect(d.rateLimits).toEqual({ readPerMin: 6_000, commandPerMin: 3_000, heavyPerMin: 120, authFailuresPerMin: 30 });
    expect(d).toMatchObject({ corsOrigins: [], hstsMaxAgeS: 0, bodyLimitBytes: 2 * 1024 * 1024, metricsEndpoint: { port: undefined, host: '127.0.0.1', key: undefined } });
    const c = loadConfig({
      PAKLOG_RATE_LIMIT_READ_PER_MIN: '10', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '1', PAKLOG_AUTH_FAILURES_PER_MIN: '5',
      PAKLOG_CORS_ORIGINS: 'https://a.example.com/, http://localhost:5173', PAKLOG_HSTS_MAX_AGE_S: '600', PAKLOG_HTTP_BODY_LIMIT_BYTES: '4096',
      PAKLOG_METRICS_PORT: '9464', PAKLOG_METRICS_HOST: '0.0.0.0',
    });
    expect(c.rateLimits).toEqual({ readPerMin: 10, commandPerMin: 0, heavyPerMin: 1, authFailuresPerMin: 5 });
    expect(c).toMatchObject({ corsOrigins: ['https://a.example.com', 'http://localhost:5173'], hstsMaxAgeS: 600, bodyLimitBytes: 4096, metricsEndpoint: { port: 9464, host: '0.0.0.0' } });
  });

  it('refuses bad values', () => {
    expect(() => loadConfig({ PAKLOG_CORS_ORIGINS: 'a.example.com' })).toThrow(/PAKLOG_CORS_ORIGINS/);
    expect(() => loadConfig({ PAKLOG_CORS_ORIGINS: '*,https://a.example.com' })).toThrow(/either \* alone/);
    expect(() => loadConfig({ PAKLOG_METRICS_KEY: 'short' })).toThrow(/PAKLOG_METRICS_KEY/);
    expect(() => loadConfig({ PAKLOG_METRICS_KEY: 'k'.repeat(20), PAKLOG_METRICS_PORT: '9464' })).toThrow(/alternatives/);
    expect(() => loadConfig({ PAKLOG_METRICS_PORT: '8080' })).toThrow(/differ from PORT/);
    expect(() => loadConfig({ PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '-1' })).toThrow(/PAKLOG_RATE_LIMIT_COMMAND_PER_MIN/);
  });
});
