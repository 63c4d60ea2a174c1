import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-database.ts';
import { cleanEnv, freePort, startPakLog, type StartedPakLog } from '../support/paklog-process.ts';

/**
 * A production-like run (ECS logs at debug level, every secret configured) is driven through the calls that carry
 * secrets — the admin key, wrong keys, bearer tokens, a login with a password, a refused body — and its whole output
 * is then searched for each secret. Also: each line is ECS (what Filebeat ships as it is).
 */
const secret = (prefix: string): string => `${prefix}${randomBytes(18).toString('hex')}`;
const secrets = {
  adminKey: secret('pk_adm_'),
  dbPassword: secret('dbpw'),
  gatewaySecret: secret('gws'),
  jwtSecret: secret('jwt'),
  metricsKey: secret('mk'),
  wrongKey: secret('pk_wrong_'),
  bearer: secret('bearer'),
  password: secret('Pw-'),
};
let db: { url: string; drop: () => Promise<void> };
let server: StartedPakLog;
let base = '';
const traceId = randomBytes(16).toString('hex');

beforeAll(async () => {
  db = await createTestDatabase();
  const port = await freePort();
  // The CI server trusts local connections: the password is sent, never checked, and must still never be logged.
  const url = new URL(db.url);
  url.password = secrets.dbPassword;
  server = await startPakLog(cleanEnv({
    DATABASE_URL: url.toString(), PORT: String(port), PAKLOG_LOG_FORMAT: 'ecs', LOG_LEVEL: 'debug', OTEL_SERVICE_NAME: 'paklog-logs-test',
    PAKLOG_ADMIN_API_KEY: secrets.adminKey, PAKLOG_GATEWAY_SECRET: secrets.gatewaySecret, PAKLOG_JWT_SECRET: secrets.jwtSecret,
    PAKLOG_METRICS_KEY: secrets.metricsKey, PAKLOG_SEED_DEMO: 'false',
    // Mistyped settings: said at start (one quietly served on 8080 while the user meant another port).
    PAKLOG_PORT: '18731', PAKLOG_COFFEE_MAKER: 'on',
  }));
  base = `http://127.0.0.1:${port}`;
  const calls: [string, RequestInit][] = [
    ['/api/v1/sites', { headers: { 'x-api-key': secrets.adminKey, traceparent: `00-${traceId}-${'1'.repeat(16)}-01` } }],
    ['/api/v1/sites', { headers: { 'x-api-key': secrets.wrongKey } }],
    ['/api/v1/sites', { headers: { authorization: `Bearer ${secrets.bearer}` } }],
    ['/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password: secrets.password }) }],
    ['/api/v1/sites', { method: 'POST', headers: { 'x-api-key': secrets.adminKey, 'content-type': 'application/json' }, body: JSON.stringify({ code: 7, password: secrets.password }) }],
    ['/metrics', { headers: { authorization: `Bearer ${secrets.metricsKey}` } }],
    ['/metrics', { headers: { authorization: `Bearer ${secrets.wrongKey}` } }],
  ];
  for (const [path, init] of calls) await (await fetch(`${base}${path}`, init)).arrayBuffer();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

const lines = (): Record<string, unknown>[] => server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('logs of a run', () => {
  it('hold none of the secrets, keys and passwords the run saw', async () => {
    // Every API request's completion is logged before the output is read (/metrics is not logged at all).
    await expect.poll(() => lines().filter((l) => l['http.response.status_code'] !== undefined).length, { timeout: 5_000 }).toBeGreaterThanOrEqual(5);
    const output = server.output();
    for (const [name, value] of Object.entries(secrets)) expect(output.includes(value), `${name} appears in the logs`).toBe(false);
    // Nor a recognisable part of one (a key cut or encoded differently).
    for (const value of Object.values(secrets)) expect(output.includes(value.slice(-16)), value).toBe(false);
  });

  it('say each PAKLOG_ variable PakLog does not read, with the setting meant when one is near, in a warn line and the banner', () => {
    const warned = lines().filter((l) => l['log.level'] === 'warn' && String(l.message).includes('is not a PakLog setting'));
    expect(warned.map((l) => [l.setting, l.message])).toEqual([
      ['PAKLOG_COFFEE_MAKER', 'PAKLOG_COFFEE_MAKER is not a PakLog setting and is ignored (README, Configuration lists them)'],
      ['PAKLOG_PORT', 'PAKLOG_PORT is not a PakLog setting and is ignored: did you mean PORT?'],
    ]);
    const banner = server.output().slice(server.output().indexOf('PakLog is ready'));
    expect(banner).toContain('  Warning: PAKLOG_PORT is not a PakLog setting and is ignored: did you mean PORT?\n');
    expect(banner).toContain('  Warning: PAKLOG_COFFEE_MAKER is not a PakLog setting and is ignored');
    // Known ones, and the tests' own (PAKLOG_TEST_…), are not said.
    expect(server.output()).not.toMatch(/PAKLOG_(SEED_DEMO|METRICS_KEY|TEST_[A-Z_]+) is not a PakLog setting/);
  });

  it('are ECS lines: @timestamp, log.level, message, ecs.version, service.name, event.dataset; request fields renamed', () => {
    const all = lines();
    expect(all.length).toBeGreaterThan(5);
    for (const l of all) {
      expect(l).toMatchObject({ 'ecs.version': expect.stringMatching(/^8\./), 'service.name': 'paklog-logs-test', 'event.dataset': expect.stringMatching(/^paklog\.(app|access)$/) });
      expect(typeof l['@timestamp']).toBe('string');
      expect(typeof l['log.level']).toBe('string');
      expect(typeof l.message).toBe('string');
      expect(l).not.toHaveProperty('req');
      expect(l).not.toHaveProperty('time');
    }
    const completed = all.filter((l) => l.message === 'request completed');
    expect(completed.length).toBeGreaterThan(0);
    for (const l of completed) expect(l).toMatchObject({ 'event.dataset': 'paklog.access', 'http.response.status_code': expect.any(Number), 'http.request.id': expect.any(String) });
    // The caller's trace id is on its request's lines.
    const traced = all.filter((l) => l['trace.id'] === traceId);
    expect(traced.map((l) => l.message)).toContain('request completed');
  });
});
