import { randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type PakLogApp } from '../../src/app.ts';
import { buildGateway, type Gateway } from '../../src/gateway/gateway.ts';
import { serveGrpcApi } from '../../src/gateway/grpc/public-api.ts';
import { loadConfig } from '../../src/platform/config/config.ts';
import type { RedisRateLimitStore } from '../../src/platform/http/rate-limit.ts';
import type { RpcServer } from '../../src/platform/rpc/rpc-server.ts';
import { credentialsMetadata, grpcRefusal, publicClients, rpcMethods, startGrpcTestApp, type GrpcTestApp, type PublicClients } from '../support/grpc-floor.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase } from '../support/test-database.ts';

/**
 * Limits and hygiene (issue 9): rate limits per key and route class, failed authentications per address, CORS,
 * security headers, and where /metrics is served. Redis-backed limits hold across two processes (acceptance d).
 */
const METRICS_KEY = 'metrics-key-0123456789abcdef';
const ORIGIN = 'https://floor.example.com';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    env: {
      PAKLOG_RATE_LIMIT_READ_PER_MIN: '1000', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '5', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '2',
      PAKLOG_AUTH_FAILURES_PER_MIN: '3', PAKLOG_CORS_ORIGINS: `${ORIGIN}, https://office.example.com`, PAKLOG_HSTS_MAX_AGE_S: '31536000',
      PAKLOG_METRICS_KEY: METRICS_KEY,
    },
  });
});
afterAll(async () => {
  await t.close();
});

const inject = (o: { method?: string; url: string; key?: string; ip?: string; headers?: Record<string, string>; body?: unknown }) =>
  t.app.http.inject({
    method: (o.method ?? 'GET') as 'GET', url: o.url, ...(o.ip === undefined ? {} : { remoteAddress: o.ip }),
    headers: { ...(o.key === undefined ? {} : { 'x-api-key': o.key }), ...o.headers },
    ...(o.body === undefined ? {} : { payload: o.body as object }),
  });

const keyCount = async (): Promise<number> => (await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.api_keys`))[0]!.n;

describe('rate limits per key and route class', () => {
  it('a burst of commands over the limit gets 429 RATE_LIMITED with Retry-After, and the refused request changed nothing', async () => {
    const { key } = await t.app.apiKeys.create('burst', 'admin');
    for (let i = 0; i < 5; i++) {
      const res = await inject({ method: 'POST', url: '/api/v1/api-keys', key, body: { name: `k${i}`, role: 'viewer' } });
      expect(res.statusCode).toBe(201);
      expect(res.headers['ratelimit-limit']).toBe('5');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(4 - i));
    }
    const before = await keyCount();
    const refused = await inject({ method: 'POST', url: '/api/v1/api-keys', key, body: { name: 'k5', role: 'viewer' } });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(await keyCount()).toBe(before);

    // Reads have their own budget: the same key still reads.
    const read = await inject({ url: '/api/v1/api-keys', key });
    expect(read.statusCode).toBe(200);
    expect(read.headers['ratelimit-limit']).toBe('1000');
    // Another key has its own budget.
    expect((await t.post('/api/v1/api-keys', { name: 'other', role: 'viewer' })).status).toBe(201);
    // Public routes are not counted against anybody.
    for (let i = 0; i < 10; i++) expect((await inject({ url: '/health/live' })).statusCode).toBe(200);
  });

  it('heavy routes (wave planning) have their own, smaller budget', async () => {
    const { key } = await t.app.apiKeys.create('planner', 'manager');
    for (let i = 0; i < 2; i++) {
      const res = await inject({ method: 'POST', url: '/api/v1/waves', key, body: { siteId: 'NOPE' } });
      expect(res.statusCode).not.toBe(429);
      expect(res.headers['ratelimit-limit']).toBe('2');
    }
    const refused = await inject({ method: 'POST', url: '/api/v1/waves', key, body: { siteId: 'NOPE' } });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('RATE_LIMITED');
    // An ordinary command of the same key still passes.
    const command = await inject({ method: 'POST', url: '/api/v1/orders/ord_nope/cancel', key, body: {} });
    expect(command.statusCode).not.toBe(429);
    expect(command.headers['ratelimit-limit']).toBe('5');
  });
});

describe('failed authentications per client address', () => {
  it('after N refused keys from one address, its next attempts get 429 before any lookup; other addresses are not affected', async () => {
    const ip = '10.9.0.7';
    for (let i = 0; i < 3; i++) expect((await inject({ url: '/api/v1/events', key: `pk_wrong_${i}`, ip })).statusCode).toBe(401);
    const blocked = await inject({ url: '/api/v1/events', key: 'pk_wrong_again', ip });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Even a valid key waits: the address is refused before the key is looked up.
    expect((await inject({ url: '/api/v1/events', key: t.keys.admin, ip })).statusCode).toBe(429);
    expect((await inject({ url: '/api/v1/events', key: 'pk_wrong', ip: '10.9.0.8' })).statusCode).toBe(401);
    expect((await inject({ url: '/api/v1/events', key: t.keys.admin, ip: '10.9.0.8' })).statusCode).toBe(200);
    // Public routes stay open to the blocked address.
    expect((await inject({ url: '/health/live', ip })).statusCode).toBe(200);
  });

  it('requests without any key are answered 401 and not counted (they guess nothing)', async () => {
    const ip = '10.9.0.9';
    for (let i = 0; i < 6; i++) expect((await inject({ url: '/api/v1/events', ip })).statusCode).toBe(401);
    expect((await inject({ url: '/api/v1/events', key: t.keys.viewer, ip })).statusCode).toBe(200);
  });
});

describe('failed authentications behind a reverse proxy (PAKLOG_TRUST_PROXY)', () => {
  const PROXY = '10.0.0.1';
  let behind: TestApp;
  beforeAll(async () => {
    behind = await startTestApp({ env: { PAKLOG_AUTH_FAILURES_PER_MIN: '3', PAKLOG_TRUST_PROXY: `${PROXY}, 10.1.0.0/16` } });
  });
  afterAll(async () => {
    await behind.close();
  });
  const via = (ip: string, key: string, forwardedFor?: string) => behind.app.http.inject({
    method: 'GET', url: '/api/v1/events', remoteAddress: ip,
    headers: { 'x-api-key': key, ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }) },
  });

  it('one client\'s refused keys lock out that client, not everyone else behind the same proxy', async () => {
    for (let i = 0; i < 3; i++) expect((await via(PROXY, `pk_wrong_${i}`, '203.0.113.7')).statusCode).toBe(401);
    expect((await via(PROXY, behind.keys.admin, '203.0.113.7')).statusCode).toBe(429);
    // Another person behind the same proxy (before: 429, every peer was the proxy).
    expect((await via(PROXY, behind.keys.admin, '203.0.113.8')).statusCode).toBe(200);
    expect((await via('10.1.4.2', behind.keys.viewer, '198.51.100.1, 203.0.113.9')).statusCode).toBe(200);
  });

  it('a caller that is not a trusted proxy cannot pick its address with X-Forwarded-For', async () => {
    const ip = '10.9.1.1';
    for (let i = 0; i < 3; i++) expect((await via(ip, `pk_wrong_${i}`, `198.51.100.${i}`)).statusCode).toBe(401);
    expect((await via(ip, behind.keys.admin, '198.51.100.200')).statusCode).toBe(429);
  });

  describe('over gRPC (the public API behind Envoy or another gRPC proxy)', () => {
    // The proxy is this test's gRPC client on loopback, sending the `x-forwarded-for` metadata a proxy sends.
    let g: GrpcTestApp;
    let untrusted: { server: RpcServer; clients: PublicClients };
    beforeAll(async () => {
      g = await startGrpcTestApp({ env: { PAKLOG_AUTH_FAILURES_PER_MIN: '3', PAKLOG_TRUST_PROXY: '127.0.0.1, ::1' } });
      // `behind` trusts 10.0.0.1 and 10.1.0.0/16 only: a caller on loopback is no proxy of it.
      const server = await serveGrpcApi({ http: behind.app.http, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
      untrusted = { server, clients: publicClients(`127.0.0.1:${server.port}`) };
    });
    afterAll(async () => {
      untrusted?.clients.close();
      await untrusted?.server.close();
      await g?.close();
    });
    const NOPE = { siteId: 'NOPE' };
    /** A key and the `x-forwarded-for` values the call carries (a proxy may add its entry as a value of its own). */
    const asked = (key: string, ...forwardedFor: string[]): grpc.Metadata => {
      const m = credentialsMetadata({ apiKey: key });
      for (const f of forwardedFor) m.add('x-forwarded-for', f);
      return m;
    };
    // A call that passed authentication is refused for the unknown site it asks about.
    const PASSED = { status: 'INVALID_ARGUMENT', code: 'UNKNOWN_SITE' };
    const LOCKED = { status: 'RESOURCE_EXHAUSTED', code: 'RATE_LIMITED' };

    it('one client\'s refused keys lock out that client, not everyone else behind the same gRPC proxy', async () => {
      const { rpc, t: app } = g;
      for (let i = 0; i < 3; i++) {
        expect(await grpcRefusal(rpc.getAtp(NOPE, asked(`pk_wrong_${i}`, '203.0.113.7')))).toMatchObject({ status: 'UNAUTHENTICATED' });
      }
      expect(await grpcRefusal(rpc.getAtp(NOPE, asked(app.keys.admin, '203.0.113.7')))).toMatchObject(LOCKED);
      // Another client behind the same proxy (before: RESOURCE_EXHAUSTED, every call's address was the proxy's).
      expect(await grpcRefusal(rpc.getAtp(NOPE, asked(app.keys.admin, '203.0.113.8')))).toMatchObject(PASSED);
      expect(await grpcRefusal(rpc.getAtp(NOPE, asked(app.keys.operator, '198.51.100.1, 203.0.113.9')))).toMatchObject(PASSED);
      // The locked-out client cannot escape by naming another address before the proxy's entry: the right-most untrusted
      // address counts, whether the proxy appended it to the value or added it as a value of its own.
      expect(await grpcRefusal(rpc.getAtp(NOPE, asked(app.keys.admin, '198.51.100.50, 203.0.113.7')))).toMatchObject(LOCKED);
      expect(await grpcRefusal(rpc.getAtp(NOPE, asked(app.keys.admin, '198.51.100.50', '203.0.113.7')))).toMatchObject(LOCKED);
    });

    it('a gRPC caller that is not a trusted proxy cannot pick its address with x-forwarded-for', async () => {
      const rpc = rpcMethods(untrusted.clients);
      for (let i = 0; i < 3; i++) {
        expect(await grpcRefusal(rpc.getAtp(NOPE, asked(`pk_wrong_${i}`, `198.51.100.${i}`)))).toMatchObject({ status: 'UNAUTHENTICATED' });
      }
      expect(await grpcRefusal(rpc.getAtp(NOPE, asked(behind.keys.admin, '198.51.100.200')))).toMatchObject(LOCKED);
    });
  });
});

describe('CORS', () => {
  it('a browser preflight from an allowed origin gets 204 with the CORS headers, not 401', async () => {
    const res = await inject({
      method: 'OPTIONS', url: '/api/v1/orders',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key, idempotency-key, content-type' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    const allowed = String(res.headers['access-control-allow-headers']).toLowerCase();
    for (const h of ['x-api-key', 'authorization', 'idempotency-key', 'content-type', 'x-request-id']) expect(allowed).toContain(h);
    expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('an actual request from an allowed origin exposes the request id, Retry-After and Location', async () => {
    const res = await inject({ url: '/api/v1/events', key: t.keys.viewer, headers: { origin: ORIGIN } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    const exposed = String(res.headers['access-control-expose-headers']).toLowerCase();
    for (const h of ['x-request-id', 'retry-after', 'location']) expect(exposed).toContain(h);
  });

  it('an OPTIONS that is no preflight (no Origin or no Access-Control-Request-Method) is a coded 400 problem, not text/plain (found by the bad-input hunt)', async () => {
    for (const headers of [{}, { origin: ORIGIN }, { 'access-control-request-method': 'POST' }]) {
      const res = await inject({ method: 'OPTIONS', url: '/api/v1/orders', headers });
      expect([res.statusCode, res.headers['content-type']], res.body).toEqual([400, 'application/problem+json; charset=utf-8']);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect((res.json().errors as { field: string }[]).map((e) => e.field)).toEqual(expect.arrayContaining(Object.hasOwn(headers, 'origin') ? ['/headers/access-control-request-method'] : ['/headers/origin']));
    }
  });

  it('an origin not in PAKLOG_CORS_ORIGINS gets no CORS allow header', async () => {
    const preflight = await inject({ method: 'OPTIONS', url: '/api/v1/orders', headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).not.toBe(401);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const res = await inject({ url: '/api/v1/events', key: t.keys.viewer, headers: { origin: 'https://evil.example.net' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('security headers', () => {
  const common = (headers: Record<string, unknown>): void => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(String(headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  };

  it('on API answers, errors included, with a CSP that lets nothing load', async () => {
    for (const res of [await inject({ url: '/api/v1/events', key: t.keys.viewer }), await inject({ url: '/api/v1/events' }), await inject({ url: '/nowhere' })]) {
      common(res.headers);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });

  it('/docs still renders: 200 HTML whose scripts and styles the CSP allows', async () => {
    let res = await inject({ url: '/docs' });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++) res = await inject({ url: String(res.headers.location) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    common(res.headers);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    const scripts = [...res.body.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const url = src.startsWith('/') ? src : `/docs/${src.replace(/^\.\//, '')}`;
      expect((await inject({ url })).statusCode, url).toBe(200);
    }
  });
});

describe('/metrics behind a key (PAKLOG_METRICS_KEY)', () => {
  it('needs Authorization: Bearer <key>; health stays open', async () => {
    expect((await inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-key-0123456789abc' } })).statusCode).toBe(401);
    const ok = await inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_KEY}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('paklog_rate_limited_total');
    expect((await inject({ url: '/health/live' })).statusCode).toBe(200);
  });
});

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const portOpen = (host: string, port: number): Promise<boolean> => new Promise((resolve) => {
  const s = connect({ host, port });
  s.setTimeout(1000);
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('timeout', () => { s.destroy(); resolve(false); });
  s.once('error', () => resolve(false));
});
const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const a = s.address();
    s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
  });
});

describe('two processes sharing Redis (acceptance d)', () => {
  let first: TestApp | undefined;
  let second: PakLogApp | undefined;
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('enforce one combined limit per key; /metrics moves to its own loopback port', async (ctx) => {
    const url = new URL(REDIS_URL);
    if (!(await portOpen(url.hostname, Number(url.port || 6379)))) {
      if (process.env.CI === 'true') throw new Error(`Redis is not reachable at ${REDIS_URL}; CI needs it`);
      ctx.skip();
    }
    const metricsPort = await freePort();
    const env = {
      REDIS_URL, PAKLOG_BUS_NAMESPACE: `rl${randomBytes(4).toString('hex')}`, PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '6', PAKLOG_METRICS_PORT: String(metricsPort),
    };
    first = await startTestApp({ env });
    second = await buildApp(loadConfig({ LOG_LEVEL: 'silent', ...env, PAKLOG_METRICS_PORT: '0' }), first.databaseUrl, { startRelay: false });
    for (const app of [first.app, second]) expect(await (app.rateLimiter.store as RedisRateLimitStore).ready()).toBe(true);
    const key = first.keys.admin;
    const post = (app: PakLogApp, i: number) => app.http.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { 'x-api-key': key }, payload: { name: `r${i}`, role: 'viewer' } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(i % 2 === 0 ? first.app : second, i)).statusCode);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201]);
    const [a, b] = [await post(first.app, 6), await post(second, 7)];
    expect([a.statusCode, b.statusCode]).toEqual([429, 429]);
    expect(Number(b.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // PAKLOG_METRICS_PORT: not on the API port, served on the loopback listener started with the main one.
    expect((await first.app.http.inject({ url: '/metrics', headers: { 'x-api-key': first.keys.admin } })).statusCode).toBe(404);
    await first.app.http.listen({ port: 0, host: '127.0.0.1' });
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('paklog_rate_limited_total');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/v1/events`)).status).toBe(404);
  });
});

describe('two gateways sharing Redis (split mode, acceptance d)', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('one combined limit per key across gateways; a service\'s heavy routes are heavy at the gateway; the service does not count again', async (ctx) => {
    const url = new URL(REDIS_URL);
    if (!(await portOpen(url.hostname, Number(url.port || 6379)))) {
      if (process.env.CI === 'true') throw new Error(`Redis is not reachable at ${REDIS_URL}; CI needs it`);
      ctx.skip();
    }
    const secret = randomBytes(24).toString('hex');
    const limits = { PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '2', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '1' };
    // The service allows one read a minute: were it to count the gateway's callers again, the second read would fail.
    const service = await startTestApp({ env: { PAKLOG_CONTEXTS: 'waves', PAKLOG_GATEWAY_SECRET: secret, ...limits, PAKLOG_RATE_LIMIT_READ_PER_MIN: '1' } });
    closers.push(() => service.close());
    const serviceUrl = (await service.app.http.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    const db = await createTestDatabase();
    closers.push(() => db.drop());
    const adminKey = `pk_gw_${randomBytes(12).toString('hex')}`;
    const env = {
      LOG_LEVEL: 'silent', REDIS_URL, PAKLOG_BUS_NAMESPACE: `gw${randomBytes(4).toString('hex')}`, PAKLOG_GATEWAY_SECRET: secret,
      PAKLOG_SERVICES: serviceUrl, PAKLOG_ADMIN_API_KEY: adminKey, ...limits,
    };
    const gateways: Gateway[] = [];
    for (let i = 0; i < 2; i++) {
      const g = await buildGateway(loadConfig(env), db.url, { discoverWaitMs: 10_000 });
      closers.push(() => g.close());
      gateways.push(g);
    }
    const [a, b] = gateways as [Gateway, Gateway];
    const call = (g: Gateway, method: 'GET' | 'POST', path: string, body?: object) =>
      g.http.inject({ method, url: path, headers: { 'x-api-key': adminKey }, ...(body === undefined ? {} : { payload: body }) });
    // Wave planning is heavy (from the service's document): one across both gateways.
    const first = await call(a, 'POST', '/api/v1/waves', { siteId: 'NOPE' });
    expect(first.statusCode).not.toBe(429);
    expect(first.headers['ratelimit-limit']).toBe('1');
    expect((await call(b, 'POST', '/api/v1/waves', { siteId: 'NOPE' })).statusCode).toBe(429);
    // Commands: two across both gateways, then 429 on either.
    expect((await call(b, 'POST', '/api/v1/api-keys', { name: 'g1', role: 'viewer' })).statusCode).toBe(201);
    expect((await call(a, 'POST', '/api/v1/api-keys', { name: 'g2', role: 'viewer' })).statusCode).toBe(201);
    const refused = await call(b, 'POST', '/api/v1/api-keys', { name: 'g3', role: 'viewer' });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Reads still pass, forwarded to the service, which does not limit the gateway's signed callers again.
    for (let i = 0; i < 4; i++) {
      const read = await call(i % 2 === 0 ? a : b, 'GET', '/api/v1/waves?siteId=NOPE');
      expect(read.statusCode).not.toBe(429);
      expect(read.headers['ratelimit-limit']).toBe('6000');
    }
  });
});
