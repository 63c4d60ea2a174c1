import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-database.ts';
import { cleanEnv, freePort, repoRoot, startNodeFlags, startPakLog, type StartedPakLog } from '../support/paklog-process.ts';

/** What a newcomer sees on the first start: the admin key in the final banner, not buried under request logs. */
let db: { url: string; drop: () => Promise<void> };
let server: StartedPakLog;
let port = 0;
let atReady = '';

beforeAll(async () => {
  db = await createTestDatabase();
  port = await freePort();
  // Default log level (info) and format (JSON: the output is a pipe, not a terminal), no admin key configured.
  server = await startPakLog(cleanEnv({ DATABASE_URL: db.url, PORT: String(port) }));
  atReady = server.output();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db.drop();
});

interface Entry { message?: string; reqId?: string; req?: { url?: string } }
const entries = (text: string): Entry[] => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Entry);
/** The request log: `incoming request <url>` and `request completed`. */
const requestLog = (text: string): string[] =>
  entries(text).filter((e) => e.reqId !== undefined).map((e) => `${e.message}${e.req?.url === undefined ? '' : ` ${e.req.url}`}`);

describe('the first start', () => {
  it('prints the generated admin key inside the final banner, after every log line', () => {
    const banner = atReady.slice(atReady.indexOf('PakLog is ready'));
    const key = banner.match(/Admin API key \(shown once, keep it safe\): (pk_\S+)/)?.[1];
    expect(key).toBeDefined();
    // The key is printed nowhere before the banner, and no log line comes between the banner's lines.
    expect(atReady.indexOf(key!)).toBe(atReady.indexOf(banner) + banner.indexOf(key!));
    expect(banner.split('\n').filter((l) => l.startsWith('{'))).toEqual([]);
    expect(banner).toMatch(/Lost it\? Restart once with PAKLOG_ADMIN_API_KEY/);
    // The web console is the first thing a newcomer opens (ADR 0035).
    expect(banner.split('\n')[1]).toBe(`  Console: http://localhost:${port}/  (handheld: http://localhost:${port}/rf/; sign in with the admin key below or a key of yours)`);
  });

  it("does not log the demo seed's internal requests, health probes nor requests that went well at info; a refused one is", async () => {
    expect(atReady).toContain('with a demo warehouse');
    expect(requestLog(atReady)).toEqual([]);
    for (const path of ['/health/ready', '/health/live', '/metrics']) expect((await fetch(`http://127.0.0.1:${port}${path}`)).status).toBe(200);
    const key = atReady.match(/Admin API key \(shown once, keep it safe\): (pk_\S+)/)![1]!;
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/sites`, { headers: { 'x-api-key': key } })).status).toBe(200);
    // Per-request lines are debug (docs/operations/logging.md): at info only a 4xx, 5xx or slow request is logged.
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/sites?refused=1`)).status).toBe(401);
    await expect.poll(() => requestLog(server.output().slice(atReady.length)), { timeout: 5_000 }).toEqual(['request completed /api/v1/sites?refused=1']);
  });

  it('with PAKLOG_LOG_FORMAT=pretty the logs are readable lines, not JSON', async () => {
    await server.stop();
    const p = await freePort();
    const key = 'pretty-format-admin-key-0123456789';
    const pretty = await startPakLog(cleanEnv({ DATABASE_URL: db.url, PORT: String(p), PAKLOG_LOG_FORMAT: 'pretty', PAKLOG_ADMIN_API_KEY: key }));
    try {
      // A later start prints no key: its console line points at none.
      expect(pretty.output()).toContain(`  Console: http://localhost:${p}/  (handheld: http://localhost:${p}/rf/; sign in with your admin key or a key of yours)`);
      const before = pretty.output().length;
      await fetch(`http://127.0.0.1:${p}/api/v1/sites`, { headers: { 'x-api-key': key } });
      await fetch(`http://127.0.0.1:${p}/api/v1/sites`, { headers: { 'x-api-key': 'wrong-key' } });
      const lines = (): string[] => pretty.output().slice(before).split('\n').filter((l) => l !== '');
      await expect.poll(lines, { timeout: 5_000 }).toContainEqual(
        expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}request completed GET \/api\/v1\/sites → 401 \(\d+\.\d ms\) reqId=\S+$/));
      expect(lines().filter((l) => l.includes('→ 200') || l.includes('incoming request'))).toEqual([]);
      expect(lines().filter((l) => l.startsWith('{'))).toEqual([]);
    } finally {
      await pretty.stop();
    }
  }, 120_000);
});

describe('a first start stopped before its banner', () => {
  it('prints the admin key it generated as it stops, or nobody would ever hold it (the next start prints none)', async () => {
    const fresh = await createTestDatabase();
    const child = spawn(process.execPath, [...startNodeFlags(), resolve(repoRoot, 'bin/paklog.js'), 'start'], {
      cwd: repoRoot, env: cleanEnv({ DATABASE_URL: fresh.url, PORT: String(await freePort()) }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    try {
      // The key is stored (the migrations ran) and the demo is being seeded: a newcomer's Ctrl-C on a slow first start.
      await expect.poll(async () => {
        const rows = await client.query<{ n: string }>(`SELECT count(*) AS n FROM platform.api_keys WHERE bootstrap`).catch(() => ({ rows: [{ n: '0' }] }));
        return Number(rows.rows[0]?.n ?? 0);
      }, { timeout: 90_000, interval: 20 }).toBe(1);
      expect(out).not.toContain('PakLog is ready');
      child.kill('SIGINT');
      expect(await exited).toBe(1);
      // Printed, it stays the admin key: the next start does not replace it as one nobody saw.
      const shown = await client.query<{ shown: boolean }>(`SELECT shown FROM platform.api_keys WHERE bootstrap AND revoked_at IS NULL`);
      expect(shown.rows).toEqual([{ shown: true }]);
    } finally {
      await client.end();
      child.kill('SIGKILL');
      await fresh.drop();
    }
    expect(out).not.toContain('PakLog is ready');
    expect(out).toMatch(/PakLog was stopped before it was ready; the next start finishes what it began\.\n {2}Admin API key \(shown once, keep it safe\): pk_\S+\n/);
  }, 120_000);

  it('killed (SIGKILL, a power cut) after storing a key it never showed: the next start shows a working key, not "printed on the first start"', async () => {
    const fresh = await createTestDatabase();
    const child = spawn(process.execPath, [...startNodeFlags(), resolve(repoRoot, 'bin/paklog.js'), 'start'], {
      cwd: repoRoot, env: cleanEnv({ DATABASE_URL: fresh.url, PORT: String(await freePort()) }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    let next: StartedPakLog | undefined;
    try {
      await expect.poll(async () => {
        const rows = await client.query<{ n: string }>(`SELECT count(*) AS n FROM platform.api_keys WHERE bootstrap`).catch(() => ({ rows: [{ n: '0' }] }));
        return Number(rows.rows[0]?.n ?? 0);
      }, { timeout: 90_000, interval: 20 }).toBe(1);
      child.kill('SIGKILL');
      await exited;
      expect(out).not.toContain('pk_');
      const p = await freePort();
      next = await startPakLog(cleanEnv({ DATABASE_URL: fresh.url, PORT: String(p) }));
      const banner = next.output().slice(next.output().indexOf('PakLog is ready'));
      expect(banner).not.toContain('printed on the first start');
      const key = banner.match(/Admin API key \(shown once, keep it safe\): (pk_\S+)/)?.[1];
      expect(key).toBeDefined();
      expect((await fetch(`http://127.0.0.1:${p}/api/v1/sites`, { headers: { 'x-api-key': key! } })).status).toBe(200);
      // The key nobody saw works no more; the one shown does, and a later start shows none.
      const keys = await client.query<{ n: string }>(`SELECT count(*) AS n FROM platform.api_keys WHERE bootstrap AND revoked_at IS NULL`);
      expect(Number(keys.rows[0]!.n)).toBe(1);
      await next.stop();
      next = await startPakLog(cleanEnv({ DATABASE_URL: fresh.url, PORT: String(p) }));
      expect(next.output()).not.toContain('pk_');
      expect(next.output()).toContain('Admin key: printed on the first start');
    } finally {
      await next?.stop();
      await client.end();
      child.kill('SIGKILL');
      await fresh.drop();
    }
  }, 180_000);
});
