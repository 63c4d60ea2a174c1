/**
 * Issue 18 scope 7 (crash), all-in-one: one `paklog start` process (every context, inline bus) SIGKILLed at random
 * moments while orders flow from intake to shipment through its API, restarted each time from a warm standby
 * (test/support/chaos.ts, the same run as `npm run bench -- chaos --mode all`). In the end every order is SHIPPED once,
 * each event is stored once, units are conserved and nothing is dead-lettered. A restart here takes about a second, so
 * these kills are the cheap part of the CI's crash count (split-faults kills services of a split deployment).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conservation, harness, runChaos, spread, startAllInOne, type ChaosTarget } from '../support/chaos.ts';
import { receiveStock, setupWarehouse } from '../support/flow-driver.ts';
import { createTestDatabase } from '../support/test-database.ts';

const KILLS = Number(process.env.PAKLOG_CHAOS_KILLS ?? 30);

describe('an all-in-one process SIGKILLed at random moments of the flow', () => {
  let target: ChaosTarget;
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startAllInOne(db.url);
  }, 120_000);
  afterAll(async () => {
    await target?.close();
    await db?.drop();
  }, 60_000);

  it(`loses and duplicates nothing across ${KILLS} kills`, async () => {
    const h = await harness(target);
    const w = await setupWarehouse(h.call, { siteCode: 'CHAOS', aisles: 2, bays: 4, levels: 1, skus: 3 });
    await receiveStock(h.call, w, 200, 1);
    // Small rounds and short gaps: each kill lands somewhere in a flow that keeps moving between restarts.
    const run = await runChaos(target, h, w, { kills: KILLS, ordersPerRound: 3, gapMs: [100, 1_200], tag: 'CHAOS' });
    const { p50, max } = spread(run.restartsMs);
    console.log(`chaos (all-in-one): ${run.kills} kills, ${run.rounds} rounds, ${h.orders.length} orders, kill → ready p50 ${p50} ms, max ${max} ms, ${Math.round(run.durationMs / 1000)} s`);
    expect(run.kills).toBeGreaterThanOrEqual(KILLS);
    const report = await conservation(h, w, 200);
    expect(report.problems).toEqual([]);
    expect(report.orders).toBe(h.orders.length);
  }, 900_000);
});
