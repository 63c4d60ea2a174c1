import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-database.ts';

/** The README's walkthrough runs as written against a freshly started server. */
const root = resolve(import.meta.dirname, '../..');
let server: ChildProcess | undefined;
let db: { url: string; drop: () => Promise<void> };
let base = '';
const key = `pk_${randomBytes(24).toString('base64url')}`;
let startOutput = '';

const freePort = () => new Promise<number>((done) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => done(port));
  });
});

beforeAll(async () => {
  db = await createTestDatabase();
  const port = await freePort();
  base = `http://localhost:${port}`;
  server = spawn(process.execPath, [resolve(root, 'bin/paklog.js'), 'start'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), PAKLOG_ADMIN_API_KEY: key, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${startOutput}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      startOutput += chunk.toString();
      if (startOutput.includes('PakLog is ready')) {
        clearTimeout(timer);
        ready();
      }
    };
    server!.stdout!.on('data', onData);
    server!.stderr!.on('data', onData);
    server!.on('exit', (code) => fail(new Error(`server exited with ${code}:\n${startOutput}`)));
  });
}, 120_000);

afterAll(async () => {
  if (server !== undefined && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await db.drop();
});

describe('walkthrough', () => {
  it('npm start prints the URLs and seeds the demo warehouse', () => {
    expect(startOutput).toContain(`${base}/docs`);
    expect(startOutput).toContain('demo warehouse');
  });

  it('every bash block of the README runs and ends with the order SHIPPED', async () => {
    const page = readFileSync(resolve(root, 'README.md'), 'utf8');
    const blocks = [...page.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const script = `set -euo pipefail\n${blocks.join('\n')}`;
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((done, fail) => {
      const child = execFile('bash', ['-c', script], { env: { ...process.env, PAKLOG: base, KEY: key }, timeout: 90_000 }, (err, out, errOut) => {
        if (err !== null) fail(new Error(`walkthrough failed: ${err.message}\n--- stdout\n${out}\n--- stderr\n${errOut}`));
        else done({ stdout: out, stderr: errOut });
      });
      child.stdin?.end();
    });
    expect(stderr).toBe('');
    expect(stdout).not.toContain('undefined');
    expect(stdout).toContain('WRONG_LOCATION');
    // Received at the dock: on hand, not promised until moved to a pick face.
    expect(stdout).toContain('unpickable 20, atp 0');
    expect(stdout).toMatch(/SHIPPED: WALK-MUG 2\/2, MUG-CERAMIC 1\/1/);
    expect(stdout).toContain('orders.order.shipped.v1');
  }, 120_000);
});
