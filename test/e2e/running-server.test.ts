import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, runPakLog, startPakLog, type StartedPakLog } from '../support/paklog-process.ts';

/**
 * A running `paklog start` on its embedded PostgreSQL, and the commands people run next to it in another terminal.
 * This test starts its own embedded server (no DATABASE_URL), in its own data folder.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'paklog-running-'));
// Enterable by others, so that as root the cluster stays inside it (the root case has its own test).
chmodSync(dataDir, 0o755);
const key = 'running-server-admin-key-0123456789';
let port = 0;
let server: StartedPakLog;
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv =>
  cleanEnv({ PAKLOG_DATA_DIR: dataDir, PAKLOG_ADMIN_API_KEY: key, LOG_LEVEL: 'warn', PAKLOG_SEED_DEMO: 'false', ...extra });

async function sites(): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/sites`, { headers: { 'x-api-key': key } });
  return res.status;
}

beforeAll(async () => {
  port = await freePort();
  server = await startPakLog(env({ PORT: String(port) }));
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('a running server', () => {
  it('is not stopped by CLI commands that open its database: they use it, and it keeps answering', async () => {
    expect(await sites()).toBe(200);
    const list = await runPakLog(['dead-letters', 'list'], env());
    expect(list.stderr).toContain('using the embedded PostgreSQL of the running PakLog');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    expect(await sites()).toBe(200);

    const migrate = await runPakLog(['migrate'], env());
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('migrations are up to date');
    const seed = await runPakLog(['seed', 'demo'], env());
    expect(seed.code).toBe(0);
    expect(await sites()).toBe(200);
    // The seed went into the running server's database.
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/sites`, { headers: { 'x-api-key': key } });
    expect(((await res.json()) as { items: { code: string }[] }).items.map((s) => s.code)).toContain('DEMO');
  }, 120_000);

  it('a second start on the same port says so in one line and leaves the first one running', async () => {
    const second = await runPakLog(['start'], env({ PORT: String(port) }));
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^paklog: port ${port} .*already in use.*PORT`))]);
    expect(second.stderr).not.toContain('EADDRINUSE');
    expect(await sites()).toBe(200);
  }, 60_000);

  it('a second start on another port says the data folder is in use, in one line, and leaves the first one running', async () => {
    const second = await runPakLog(['start'], env({ PORT: String(await freePort()) }));
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^paklog: the data folder .* is in use by PakLog process ${server.child.pid}, serving http://localhost:${port}`)),
    ]);
    expect(await sites()).toBe(200);
  }, 60_000);

  it('stops cleanly and then lets the next start have the folder', async () => {
    expect(await server.stop()).toBe(0);
    const p = await freePort();
    const next = await startPakLog(env({ PORT: String(p) }));
    try {
      const res = await fetch(`http://127.0.0.1:${p}/api/v1/sites`, { headers: { 'x-api-key': key } });
      expect(res.status).toBe(200);
    } finally {
      expect(await next.stop()).toBe(0);
    }
  }, 120_000);
});
