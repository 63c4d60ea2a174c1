/**
 * The post-mortem a failed chaos run prints (test/support/chaos.ts, `diagnose`) reads what it claims to: one round
 * through a real `paklog start` process, then the diagnosis must name the round's wave and show, from the database,
 * its orders, reservations, pick lists and tasks, the chain of its events (release → reservations → lists) with the
 * consumers that handled each, the outbox, dead letters and inboxes, and the process. Guards the diagnosis against
 * schema changes: it is only ever read when a long chaos run has failed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose, harness, round, startAllInOne, type ChaosTarget } from '../support/chaos.ts';
import { receiveStock, setupWarehouse, until } from '../support/flow-driver.ts';
import { createTestDatabase } from '../support/test-database.ts';

describe('the post-mortem of a chaos run', () => {
  let db: { url: string; drop: () => Promise<void> };
  let target: ChaosTarget | undefined;
  beforeAll(async () => {
    // Every context runs in the process: the run's migrated template (a clone), not the migrations at its start. Nothing
    // is killed here, so no warm standby either.
    db = await createTestDatabase({ migrated: true });
    target = await startAllInOne(db.url, {}, { standby: false });
  }, 120_000);
  afterAll(async () => {
    await target?.close();
    await db.drop();
  }, 60_000);

  it('shows the round\'s wave, its state in each context and where each of its events went', async () => {
    const h = await harness(target!);
    const w = await setupWarehouse(h.call, { siteCode: 'DIAG', aisles: 1, bays: 2, levels: 1, skus: 2 });
    await receiveStock(h.call, w, 50, 1);
    await round(h, w, 'DIAG', 2);
    const waveId = h.progress.waveId;
    expect(waveId).toMatch(/^wav_/);
    expect(h.progress.orderIds).toHaveLength(2);
    // The round ends when its orders say SHIPPED; the relay publishes the last events (the dispatch, the shipment) a
    // moment later, and on a loaded machine they were still in the outbox when the post-mortem read it (CI-like run at
    // load 12, 2026-12-03): the diagnosis is read once the outbox is empty, so "none left behind" means what it says.
    const probe = new pg.Client({ connectionString: db.url });
    await probe.connect();
    try {
      await until('the outbox drained', async () => Number((await probe.query<{ n: string }>(
        'SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL')).rows[0]!.n), (n) => n === 0, 60_000);
    } finally {
      await probe.end();
    }

    const text = await diagnose(target!, h);
    const lines = text.split('\n');
    const after = (heading: string): string[] => {
      const i = lines.findIndex((l) => l.includes(heading));
      expect(i, `${heading} in\n${text}`).toBeGreaterThanOrEqual(0);
      return lines.slice(i + 1).filter((l, j, all) => all.slice(0, j + 1).every((x) => x.startsWith('    ')));
    };
    expect(text).toContain(`round DIAG at step "shipped"; wave ${waveId}`);
    expect(text).toMatch(/process paklog: running, pid \d+/);
    expect(text).toMatch(/outbox: \d+ pending/);
    expect(text).toContain('dead letters: 0 open, 0 in all');
    expect(text).toMatch(/inboxes: .*picking \d+/);
    expect(after('waves.waves:')).toEqual([expect.stringMatching(new RegExp(`id=${waveId} status=COMPLETED`))]);
    expect(after('orders.orders:').filter((l) => l.includes('status=SHIPPED'))).toHaveLength(2);
    expect(after('inventory.reservations:').length).toBeGreaterThanOrEqual(2);
    const lists = after('picking.pick_lists:');
    expect(lists.length).toBeGreaterThanOrEqual(1);
    expect(after('tasks.tasks:').filter((l) => l.includes('type=PICK'))).toHaveLength(lists.length);
    // The chain: released → handled by inventory; reserved → handled by picking; each stored once, none left behind.
    const chain = (type: string): string => lines.find((l) => l.includes(` ${type} ${waveId} `)) ?? '';
    expect(chain('waves.wave.released.v1')).toMatch(/stored in paklog; handled by .*paklog\/inventory/);
    expect(chain('inventory.stock.reserved.v1')).toMatch(/handled by .*paklog\/picking/);
    expect(text).not.toContain('PENDING in the outbox');
    expect(text).not.toContain('DEAD-LETTERED');
    expect(text).not.toContain('failed:');
  }, 180_000);
});
