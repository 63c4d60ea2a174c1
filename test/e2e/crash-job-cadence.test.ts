/**
 * A process killed and restarted more often than a periodic job's period must not starve that job. The jobs runner
 * started each periodic job's timer afresh at every start, so its first run came one full period after the start:
 * a server restarted every few seconds (a crash loop, a chaos test) never ran a job of a longer period (the label-voids
 * job's owed voids, the ERP's inventory snapshots, the stuck-work scan, the cycle-count scheduler). Here `paklog start`
 * runs the ERP snapshot every 6 s and is SIGKILLed 2.5 s after each start: snapshots still come, about once a period.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupWarehouse, type Call } from '../support/flow-driver.ts';
import { cleanEnv, crashAndRestart, freePort, standbyPakLog, startPakLog, type Restartable } from '../support/paklog-process.ts';
import { httpClient } from '../support/split-cluster.ts';
import { createTestDatabase } from '../support/test-database.ts';

const adminKey = `pk_${randomBytes(24).toString('base64url')}`;
const erpDir = mkdtempSync(join(tmpdir(), 'paklog-cadence-'));
const PERIOD_MS = 6_000;
let db: { url: string; drop: () => Promise<void> };
let server: Restartable;
let base = '';

// The server's address is known once it started (beforeAll).
const call: Call = (step, method, url, body) => httpClient(base, adminKey)(step, method, url, body);

beforeAll(async () => {
  db = await createTestDatabase({ migrated: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = cleanEnv({
    DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', PAKLOG_ADMIN_API_KEY: adminKey, PAKLOG_SEED_DEMO: 'false',
    PAKLOG_GRPC_PORT: 'off', LOG_LEVEL: 'error', PAKLOG_WORKER_THREADS: '0',
    PAKLOG_ERP: 'file-drop', PAKLOG_ERP_DIR: erpDir, PAKLOG_ERP_SNAPSHOT_SITES: 'CADNC', PAKLOG_ERP_SNAPSHOT_EVERY_MS: String(PERIOD_MS),
  });
  server = { env, process: await startPakLog(env) };
  await setupWarehouse(call, { siteCode: 'CADNC', aisles: 1, bays: 1, levels: 1, skus: 1 });
}, 120_000);

afterAll(async () => {
  await server?.process.stop();
  server?.standby?.dismiss();
  await db?.drop();
  rmSync(erpDir, { recursive: true, force: true });
});

describe('a periodic job of a server killed and restarted more often than its period', () => {
  it('still runs about once a period', async () => {
    const probe = new pg.Client({ connectionString: db.url });
    await probe.connect();
    try {
      server.standby = standbyPakLog(server.env);
      await crashAndRestart(server, 'paklog start');
      const since = new Date();
      const started = Date.now();
      let kills = 0;
      while (Date.now() - started < 3 * PERIOD_MS || kills < 3) {
        await new Promise((r) => setTimeout(r, 2_500));
        server.standby ??= standbyPakLog(server.env);
        await crashAndRestart(server, 'paklog start');
        kills++;
      }
      const snapshots = Number((await probe.query<{ n: string }>(
        `SELECT count(*) AS n FROM integrations.partner_messages WHERE kind = 'INVENTORY_SNAPSHOT' AND created_at >= $1`, [since])).rows[0]!.n);
      console.log(`crash-job-cadence: ${kills} kills in ${Math.round((Date.now() - started) / 1000)} s, ${snapshots} snapshots`);
      expect(kills).toBeGreaterThanOrEqual(3);
      expect(snapshots).toBeGreaterThanOrEqual(2);
    } finally {
      await probe.end();
    }
  }, 120_000);
});
