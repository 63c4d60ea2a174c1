/**
 * Chaos benchmark (issue 18, scope 7, acceptance d): `npm run bench -- chaos [--kills=1000] [--mode=all|split|both]
 * [--orders=3] [--bus=nats|kafka] [--keep] [--out=chaos]`. Orders flow from intake to shipment through real `paklog` processes while one at a
 * time is SIGKILLed at a random moment and restarted from a warm standby; at the end every order must be SHIPPED once,
 * each event stored once, units conserved and nothing dead-lettered (test/support/chaos.ts, the code of the CI suite
 * test/e2e/split-faults.test.ts). `all`: one `paklog start` process (inline bus); `split`: gateway +
 * three services over a broker, the services killed; `both` splits the kills between them. Fresh databases on
 * PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test. Writes bench/results/<out>.json (chaos.json): kills per
 * mode and process, seconds per kill, kill → ready p50/max, orders, the checks and their problems. Exits 1 when a check broke.
 * A run that fails prints a post-mortem first (`diagnose`: outboxes, dead letters, inboxes, the stuck round's wave and
 * its events, the broker's consumers, the processes' last warnings); with `--keep` its databases are kept, not dropped,
 * and their URLs printed.
 */
import { loadavg } from 'node:os';
import { conservation, diagnose, harness, runChaos, spread, startAllInOne, startSplit, type ChaosMode, type ChaosTarget, type Harness } from '../test/support/chaos.ts';
import { receiveStock, setupWarehouse } from '../test/support/flow-driver.ts';
import type { SplitBus } from '../test/support/split-cluster.ts';
import { machine, writeResult } from './machine.ts';
import { benchDatabase, numberArg, stringArg } from './support.ts';

const RECEIVED_PER_SKU = 100_000;

/** Prints the post-mortem of a failed run; a failure of the post-mortem itself is printed too, never thrown. */
async function postMortem(target: ChaosTarget | undefined, h: Harness | undefined): Promise<void> {
  if (target === undefined) return;
  try {
    console.error(await diagnose(target, h));
  } catch (e) {
    console.error(`post-mortem failed: ${(e as Error).message}`);
  }
}

async function one(mode: ChaosMode, kills: number, ordersPerRound: number, bus: SplitBus, serverUrl: string, keep: boolean): Promise<Record<string, unknown>> {
  const dbs = await Promise.all(Array.from({ length: mode === 'all' ? 1 : 4 }, () => benchDatabase(serverUrl)));
  let target: ChaosTarget | undefined;
  let h: Harness | undefined;
  let failed = true;
  try {
    target = mode === 'all' ? await startAllInOne(dbs[0]!.url) : await startSplit(bus, { gateway: dbs[0]!.url, services: dbs.slice(1).map((d) => d.url) });
    h = await harness(target);
    const w = await setupWarehouse(h.call, { siteCode: 'CHAOS', aisles: 2, bays: 4, levels: 1, skus: 3 });
    await receiveStock(h.call, w, RECEIVED_PER_SKU, 1);
    const run = await runChaos(target, h, w, {
      kills, ordersPerRound, tag: `CHAOS-${mode}`, gapMs: mode === 'all' ? [100, 1_200] : [200, 2_500],
      onKill: (n, victim, ms) => {
        if (n % 10 === 0 || n === kills) console.log(`${mode}: ${n}/${kills} kills (last: ${victim}, ready in ${Math.round(ms)} ms)`);
      },
    });
    const report = await conservation(h, w, RECEIVED_PER_SKU);
    const { p50, max } = spread(run.restartsMs);
    const result = {
      mode, bus: mode === 'split' ? bus : 'inline', kills: run.kills, killed: Object.fromEntries(run.killed), rounds: run.rounds, orders: h.orders.length,
      durationS: Math.round(run.durationMs / 100) / 10, secondsPerKill: Math.round(run.durationMs / run.kills / 10) / 100,
      killToReadyMs: { p50, max }, checks: { orders: report.orders, events: report.events, skus: report.skus, problems: report.problems },
    };
    console.log(`${mode}: ${run.kills} kills in ${result.durationS} s (${result.secondsPerKill} s per kill, kill → ready p50 ${p50} ms), ${h.orders.length} orders, ${report.problems.length} problems`);
    for (const p of report.problems) console.error(`  ${p}`);
    failed = report.problems.length > 0;
    if (failed) await postMortem(target, h);
    return result;
  } catch (e) {
    // Before anything is stopped or dropped: the state the run got stuck in.
    console.error(`${mode}: failed, the post-mortem follows: ${(e as Error).message}`);
    await postMortem(target, h);
    throw e;
  } finally {
    await target?.close();
    if (failed && keep) {
      const names = target?.databases.map((d) => `${d.name} ${d.url}`) ?? dbs.map((d) => d.url);
      console.error(`${mode}: databases kept (--keep): ${names.join(', ')}`);
    } else {
      await Promise.all(dbs.map((d) => d.drop()));
    }
  }
}

export async function main(args: string[]): Promise<void> {
  const kills = numberArg(args, 'kills', 1000);
  const mode = stringArg(args, 'mode', 'both');
  const ordersPerRound = numberArg(args, 'orders', 3);
  const bus = stringArg(args, 'bus', 'nats');
  const keep = args.includes('--keep');
  // Until 2026-12-03 `--out` was ignored: every run overwrote the committed chaos.json.
  const out = stringArg(args, 'out', 'chaos');
  if (!['all', 'split', 'both'].includes(mode)) throw new Error(`--mode is all, split or both, not ${mode}`);
  if (bus !== 'nats' && bus !== 'kafka') throw new Error(`--bus is nats or kafka, not ${bus}`);
  const serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const loadBefore = loadavg()[0] ?? 0;
  const plan: [ChaosMode, number][] = mode === 'both' ? [['all', Math.ceil(kills / 2)], ['split', Math.floor(kills / 2)]] : [[mode as ChaosMode, kills]];
  const runs: Record<string, unknown>[] = [];
  for (const [m, k] of plan) {
    if (k === 0) continue;
    try {
      runs.push(await one(m, k, ordersPerRound, bus, serverUrl, keep));
    } catch (e) {
      // A flow that got stuck (a process that did not come back, an order that never moved) is a result too.
      console.error(`${m}: failed: ${(e as Error).message}`);
      runs.push({ mode: m, kills: 0, failed: (e as Error).message.slice(0, 2_000), checks: { problems: [`the run failed: ${(e as Error).message.slice(0, 300)}`] } });
    }
  }
  const problems = runs.reduce((n, r) => n + (r.checks as { problems: string[] }).problems.length, 0);
  const file = writeResult(out, {
    benchmark: 'chaos', kills: runs.reduce((n, r) => n + (r.kills as number), 0), mode, ordersPerRound, runs, problems,
    loadAverage1mBefore: Math.round(loadBefore * 100) / 100, loadAverage1mAfter: Math.round((loadavg()[0] ?? 0) * 100) / 100, machine: machine(),
    notes: 'one process down at a time, SIGKILL at a random moment 0.1–1.2 s (all) or 0.2–2.5 s (split) after the previous one was ready; restarts from a warm standby',
  });
  console.log(`wrote ${file}`);
  if (problems > 0) process.exitCode = 1;
}
