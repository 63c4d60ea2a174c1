/**
 * A process killed and restarted more often than a periodic job's period must not starve that job. The jobs runner
 * started each periodic job's timer afresh at every start, so its first run came one full period after the start:
 * a server restarted every few seconds (a crash loop, a chaos test) never ran a job of a longer period (the label-voids
 * job's owed voids, the ERP's inventory snapshots, the stuck-work scan, the cycle-count scheduler). Here `paklog start`
 * runs the ERP snapshot every 6 s and is SIGKILLed 2.5 s after each start: snapshots still come, about once a period.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupWarehouse, type Call } from '../support/flow-driver.ts';
import { crashServer, type CrashServer } from '../support/crash-server.ts';

const erpDir = mkdtempSync(join(tmpdir(), 'paklog-cadence-'));
const PERIOD_MS = 6_000;
let s: CrashServer;

// The server is started in beforeAll.
const call: Call = (step, method, url, body) => s.call(step, method, url, body);

beforeAll(async () => {
  s = await crashServer({
    env: { PAKLOG_ERP: 'file-drop', PAKLOG_ERP_DIR: erpDir, PAKLOG_ERP_SNAPSHOT_SITES: 'CADNC', PAKLOG_ERP_SNAPSHOT_EVERY_MS: String(PERIOD_MS) },
  });
  await setupWarehouse(call, { siteCode: 'CADNC', aisles: 1, bays: 1, levels: 1, skus: 1 });
}, 120_000);

afterAll(async () => {
  await s?.close();
  rmSync(erpDir, { recursive: true, force: true });
});

describe('a periodic job of a server killed and restarted more often than its period', () => {
  it('still runs about once a period', async () => {
    const probe = new pg.Client({ connectionString: s.db.url });
    await probe.connect();
    try {
      await s.standing();
      await s.crash();
      const since = new Date();
      const started = Date.now();
      let kills = 0;
      while (Date.now() - started < 3 * PERIOD_MS || kills < 3) {
        await new Promise((r) => setTimeout(r, 2_500));
        await s.crash();
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
