// Slotting benchmark: order-route travel of ABC, full-turnover, COI and correlated slotting vs random storage.
import { machine, writeResult } from './machine.ts';
import os from 'node:os';
import { depotDistance } from '../src/optimize/geometry/layout.ts';
import type { Pick } from '../src/optimize/geometry/layout.ts';
import { route } from '../src/optimize/routing/index.ts';
import { slotSkus } from '../src/optimize/slotting/index.ts';
import type { SlottingMethod } from '../src/optimize/slotting/index.ts';
import { SLOTTING_DEFAULTS, slottingInstance, topShare } from './instances/slotting.ts';
import type { SlottingInstance } from './instances/slotting.ts';

const METHODS: readonly SlottingMethod[] = ['random', 'abc', 'turnover', 'coi', 'correlated'];
// Random storage and ABC (random within zones) depend on the seed; they are averaged over these.
const POLICY_SEEDS = [1, 2, 3, 4, 5];
const INSTANCE_SEEDS = [1, 2, 3];

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

interface Travel {
  /** Mean optimal route length per evaluation order. */
  routePerOrder: number;
  /** Mean one-way depot distance per pick line. */
  depotDistancePerPick: number;
}

function travel(inst: SlottingInstance, method: SlottingMethod, seed: number): Travel {
  const assignment = slotSkus(
    { skus: inst.skus, locations: inst.locations, layout: inst.layout, orders: inst.history, seed },
    method,
  );
  let routes = 0;
  let oneWay = 0;
  let lines = 0;
  for (const order of inst.evaluation) {
    const picks: Pick[] = order.map((id) => {
      const loc = inst.locations[assignment.get(id) ?? -1];
      if (loc === undefined) throw new Error(`SKU ${id} has no location`);
      return loc;
    });
    routes += route(inst.layout, picks, 'optimal').length;
    for (const p of picks) oneWay += depotDistance(inst.layout, p);
    lines += picks.length;
  }
  return { routePerOrder: routes / inst.evaluation.length, depotDistancePerPick: oneWay / Math.max(1, lines) };
}

export async function main(_args: string[]): Promise<void> {
  const started = Date.now();
  // Other work on the machine slows the time-budgeted search; record how busy it was.
  const loadAtStart = round(os.loadavg()[0] ?? 0);
  const perInstance = INSTANCE_SEEDS.map((instanceSeed) => {
    const inst = slottingInstance(instanceSeed);
    const t = performance.now();
    const byMethod = Object.fromEntries(
      METHODS.map((m) => {
        const seeds = m === 'random' || m === 'abc' ? POLICY_SEEDS : [1];
        const runs = seeds.map((s) => travel(inst, m, s));
        return [
          m,
          {
            routePerOrder: round(mean(runs.map((r) => r.routePerOrder)), 3),
            depotDistancePerPick: round(mean(runs.map((r) => r.depotDistancePerPick)), 3),
          },
        ];
      }),
    ) as Record<SlottingMethod, Travel>;
    const base = byMethod.random.routePerOrder;
    const savingPct = Object.fromEntries(METHODS.map((m) => [m, round(100 * (1 - byMethod[m].routePerOrder / base))]));
    const lines = inst.evaluation.reduce((s, o) => s + o.length, 0);
    return {
      instanceSeed,
      top20ShareOfPicks: round(topShare(inst.evaluation, inst.skus.length, 0.2), 3),
      evaluationOrders: inst.evaluation.length,
      meanLinesPerOrder: round(lines / inst.evaluation.length, 3),
      byMethod,
      savingPct,
      seconds: round((performance.now() - t) / 1000, 1),
    };
  });
  const meanSavingPct = Object.fromEntries(
    METHODS.map((m) => [m, round(mean(perInstance.map((r) => r.savingPct[m] ?? NaN)))]),
  ) as Record<SlottingMethod, number>;
  const targets = { abcAtLeast16: meanSavingPct.abc >= 16, turnoverAtLeast27: meanSavingPct.turnover >= 27 };
  const result = {
    benchmark: 'slotting',
    date: new Date().toISOString(),
    machine: { ...machine(), loadAverage1mAtStart: loadAtStart, loadAverage1mAtEnd: round(os.loadavg()[0] ?? 0) },
    setup: {
      layout:
        'single block, 10 aisles x 90 locations = 900 (45 per side, 1 LU), aisle pitch 5 LU, cross aisles 2 LU, depot in front of the leftmost aisle',
      skus: SLOTTING_DEFAULTS.skuCount,
      demand: `Zipf exponent ${SLOTTING_DEFAULTS.zipf} over SKU popularity; families of ${SLOTTING_DEFAULTS.familySize} SKUs, later order lines from the first line's family with probability ${SLOTTING_DEFAULTS.familyShare}`,
      orders: `1-${SLOTTING_DEFAULTS.maxLines} distinct lines each; ${SLOTTING_DEFAULTS.historyOrders} history orders to plan (pick counts, co-occurrence), ${SLOTTING_DEFAULTS.evaluationOrders} independent orders to measure`,
      measure: "mean optimal route length per order, route(layout, picks, 'optimal'), each order picked on its own",
      locationRanking: 'one-way walking distance from the depot (depotDistance)',
      abcClasses: 'A 20 % / B 30 % / C 50 % of SKUs by picks, zones by distance rank, random within a zone',
      policySeeds: 'random and ABC averaged over 5 seeds',
      instances: INSTANCE_SEEDS.length,
    },
    meanSavingPctVsRandom: meanSavingPct,
    targets,
    perInstance,
    wallSeconds: round((Date.now() - started) / 1000, 1),
  };
  writeResult('slotting', result);

  console.log(`slotting: ${result.machine.cpu} x${result.machine.cores}, node ${process.version}`);
  console.log('instance  top20%  ' + METHODS.map((m) => `${m} route (saving)`.padStart(27)).join(''));
  for (const r of perInstance) {
    console.log(
      `${String(r.instanceSeed).padStart(8)}  ${(100 * r.top20ShareOfPicks).toFixed(1).padStart(6)}  ` +
        METHODS.map((m) => `${r.byMethod[m].routePerOrder.toFixed(2)} (${(r.savingPct[m] ?? 0).toFixed(2)} %)`.padStart(27)).join(''),
    );
  }
  console.log(`mean saving vs random: ${METHODS.filter((m) => m !== 'random').map((m) => `${m} ${meanSavingPct[m]} %`).join(', ')}`);
  console.log(`targets ${JSON.stringify(targets)}; wrote bench/results/slotting.json in ${result.wallSeconds} s`);
}
