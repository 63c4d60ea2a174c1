/**
 * ADR 0048: the all-in-one server holds no adapter it does not use. A fresh Node process (test files share their
 * workers' module caches) builds the app with the quick start's configuration (inline bus, no Redis, no RTLS) and
 * lists which of the adapters' client packages it loaded: none may be.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/test-database.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const ADAPTER_PACKAGES = ['kafkajs', 'ioredis', '@nats-io/transport-node', '@nats-io/jetstream', 'mqtt', 'pdf-lib', 'bwip-js'];

const script = `
import { createRequire } from 'node:module';
const { buildApp } = await import('./src/app.ts');
const { loadConfig } = await import('./src/platform/config/config.ts');
const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), process.env.PAKLOG_PROBE_DATABASE_URL);
await app.close();
const loaded = Object.keys(createRequire(import.meta.url).cache);
const packages = ${JSON.stringify(ADAPTER_PACKAGES)};
console.log(JSON.stringify(packages.filter((p) => loaded.some((f) => f.includes('/node_modules/' + p + '/')))));
`;

describe('adapters loaded on first use (ADR 0048)', () => {
  let db: { url: string; drop: () => Promise<void> };
  // The probe's app runs every context: the run's migrated template (a clone), not the migrations at its start.
  beforeAll(async () => { db = await createTestDatabase({ migrated: true }); });
  afterAll(async () => { await db.drop(); });

  it('an app built with the quick start configuration loads no Kafka, Redis, NATS, MQTT, PDF or barcode client', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root, timeout: 60_000, env: { PATH: process.env.PATH, PAKLOG_PROBE_DATABASE_URL: db.url },
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual([]);
  }, 90_000);

  it('the probe sees a package that is loaded (the check bites)', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e',
      `import { createRequire } from 'node:module'; const r = createRequire(import.meta.url); r('kafkajs'); console.log(Object.keys(r.cache).some((f) => f.includes('/node_modules/kafkajs/')));`,
    ], { cwd: root, timeout: 30_000 });
    expect(stdout.trim()).toBe('true');
  }, 60_000);
});
