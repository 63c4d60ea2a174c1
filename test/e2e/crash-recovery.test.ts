import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type PakLogApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config/config.ts';
import { Database } from '../../src/platform/db/database.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { injectClient, setupWarehouse } from '../support/flow-driver.ts';

/**
 * Acceptance (e) with a real crash: a process commits an order (and its event in the outbox) and is killed with
 * SIGKILL before its relay dispatches anything; the next start dispatches the event exactly once.
 */
const root = resolve(import.meta.dirname, '../..');
const config = loadConfig({ LOG_LEVEL: 'silent' });
let db: { url: string; drop: () => Promise<void> };
let siteId = '';
let sku = '';

beforeAll(async () => {
  // Every context runs here and in the child: the run's migrated template, not three seconds of migrations.
  db = await createTestDatabase({ migrated: true });
  const app = await buildApp(config, db.url);
  const key = (await app.apiKeys.create('setup', 'admin')).key;
  const w = await setupWarehouse(injectClient(app, key), { siteCode: 'CRASH', aisles: 2, bays: 3, levels: 1, skus: 1 });
  siteId = w.siteId;
  sku = w.products[0]!.sku;
  const res = await app.http.inject({ method: 'POST', url: '/api/v1/inventory/receipts', headers: { 'x-api-key': key }, payload: { siteId, sku, locationId: w.storage[0]!.id, quantity: 5 } });
  expect(res.statusCode).toBe(201);
  await app.bus.idle();
  await app.close();
}, 60_000);

afterAll(async () => {
  await db.drop();
});

/** Child process: builds the app with its relay held back, commits one order, reports it, then waits to be killed. */
async function commitThenDie(): Promise<string> {
  const script = `
    import { buildApp } from ${JSON.stringify(resolve(root, 'src/app.ts'))};
    import { loadConfig } from ${JSON.stringify(resolve(root, 'src/platform/config/config.ts'))};
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), process.env.DB_URL, { startRelay: false });
    const { key } = await app.apiKeys.create('crash', 'integration');
    const res = await app.http.inject({ method: 'POST', url: '/api/v1/orders', headers: { 'x-api-key': key }, payload: {
      externalId: 'CRASH-1', siteId: process.env.SITE_ID,
      shipTo: { name: 'N', line1: 'L', city: 'C', postalCode: 'P', country: 'US' }, lines: [{ sku: process.env.SKU, quantity: 2 }] } });
    console.log('COMMITTED ' + res.statusCode + ' ' + JSON.parse(res.body).id);
    setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root, env: { ...process.env, DB_URL: db.url, SITE_ID: siteId, SKU: sku }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const orderId = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`child did not commit: ${out}`)), 60_000);
    const onData = (b: Buffer): void => {
      out += b.toString();
      const m = /COMMITTED (\d+) (\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        if (m[1] !== '201') fail(new Error(`order not created: ${out}`));
        else done(m[2]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(new Error(`child exited early (${code}): ${out}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  return orderId;
}

const count = async (app: PakLogApp, sql: string, params: unknown[]): Promise<number> => (await app.db.query<{ n: number }>(sql, params))[0]!.n;

describe('crash between commit and dispatch', () => {
  it('a killed process\'s committed events are dispatched exactly once after restart', async () => {
    const orderId = await commitThenDie();
    // The crash left the order committed and its event undispatched.
    const probe = new Database(db.url);
    const pending = await probe.query<{ n: number }>(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL AND subject = $1`, [orderId]);
    const status = await probe.query<{ status: string }>(`SELECT status FROM orders.orders WHERE id = $1`, [orderId]);
    await probe.close();
    expect(pending[0]!.n).toBe(1);
    expect(status[0]!.status).toBe('RECEIVED');

    const restarted = await buildApp(config, db.url);
    try {
      await restarted.bus.idle();
      const order = await restarted.db.query<{ status: string }>(`SELECT status FROM orders.orders WHERE id = $1`, [orderId]);
      expect(order[0]?.status).toBe('ALLOCATED');
      expect(await count(restarted, `SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.stock.allocated.v1' AND subject = $1`, [orderId])).toBe(1);
      expect(await count(restarted, `SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`, [])).toBe(0);
    } finally {
      await restarted.close();
    }

    // Another start finds nothing to redo: no second allocation, no second event.
    const again = await buildApp(config, db.url);
    try {
      await again.bus.idle();
      expect(await count(again, `SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.stock.allocated.v1' AND subject = $1`, [orderId])).toBe(1);
      const atp = await again.http.inject({ method: 'GET', url: `/api/v1/inventory/summary?siteId=${siteId}&sku=${sku}`, headers: { 'x-api-key': (await again.apiKeys.create('check', 'viewer')).key } });
      expect(JSON.parse(atp.body).items[0]).toMatchObject({ onHand: 5, allocated: 2 });
    } finally {
      await again.close();
    }
  }, 120_000);
});
