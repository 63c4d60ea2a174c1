// Routing benchmark: exactness of the production router against Held–Karp, optimality gaps of all methods, latency.
import { machine, writeResult } from './machine.ts';
import type { Layout, Pick } from '../src/optimize/geometry/layout.ts';
import { aisleDp } from '../src/optimize/routing/aisle-dp.ts';
import { classicRoutes, walkLength } from '../src/optimize/routing/heuristics/index.ts';
import { heldKarp, localSearchRoute, route } from '../src/optimize/routing/index.ts';
import type { ClassicMethod } from '../src/optimize/routing/types.ts';
import type { LayoutSpec, RoutingInstance } from './instances/routing.ts';
import { exactnessInstances, routingInstances } from './instances/routing.ts';

const CLASSICS: readonly ClassicMethod[] = ['s-shape', 'return', 'midpoint', 'largest-gap', 'combined', 'combined-plus'];
const HK_LIMIT = 14;

const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const quantile = (xs: readonly number[], q: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number;
};
const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

/** Exact optimum where an exact method is affordable, else the best tour any method (incl. a long local search) found. */
function reference(layout: Layout, picks: readonly Pick[], others: readonly number[]): { value: number; kind: string } {
  if (picks.length <= HK_LIMIT) return { value: heldKarp(layout, picks).length, kind: 'held-karp' };
  if (layout.blocks <= 3) return { value: aisleDp(layout, picks).optimum, kind: layout.blocks === 1 ? 'ratliff-rosenthal' : 'aisle-dp' };
  let best = Math.min(...others);
  for (const seed of [1, 2, 3]) {
    const starts = CLASSICS.map((m) => classicRoutes[m](layout, picks).sequence);
    best = Math.min(best, localSearchRoute(layout, picks, { seed, kicks: 1500, starts }).length);
  }
  return { value: best, kind: 'best-known' };
}

interface GapCell {
  blocks: number;
  aisles: number;
  picks: number;
  instances: number;
  reference: string;
  /** Per method: mean / p99 / max gap in per cent of the reference, on the reported (shortest-path) tour length. */
  gap: Record<string, { mean: number; p99: number; max: number }>;
  /** Classic heuristics measured on the distance they actually walk (walkLength). */
  walkedGap: Record<string, { mean: number; p99: number; max: number }>;
}

function gapCell(spec: LayoutSpec, picks: number, count: number, seed: number): GapCell {
  const insts = routingInstances(spec, picks, count, seed);
  const gaps: Record<string, number[]> = { optimal: [] };
  const walked: Record<string, number[]> = {};
  for (const m of CLASSICS) {
    gaps[m] = [];
    walked[m] = [];
  }
  const kinds = new Set<string>();
  for (const { layout, picks: ps } of insts) {
    const prod = route(layout, ps).length;
    const lens: Record<string, number> = { optimal: prod };
    for (const m of CLASSICS) lens[m] = route(layout, ps, m).length;
    const ref = reference(layout, ps, Object.values(lens));
    kinds.add(ref.kind);
    for (const [m, len] of Object.entries(lens)) gaps[m]?.push((100 * (len - ref.value)) / ref.value);
    for (const m of CLASSICS) walked[m]?.push((100 * (walkLength(m, layout, ps) - ref.value)) / ref.value);
  }
  const summary = (g: Record<string, number[]>): GapCell['gap'] =>
    Object.fromEntries(Object.entries(g).map(([m, xs]) => [m, { mean: round(mean(xs)), p99: round(quantile(xs, 0.99)), max: round(Math.max(...xs)) }]));
  return { blocks: spec.blocks, aisles: spec.aisles, picks, instances: count, reference: [...kinds].join('+'), gap: summary(gaps), walkedGap: summary(walked) };
}

/** Per-instance time = median of `reps` runs, which filters scheduler noise from other processes on a shared box. */
function timing(spec: LayoutSpec, picks: number, count: number, seed: number, reps: number): { blocks: number; picks: number; aisles: number; instances: number; medianMs: number; p99Ms: number; maxMs: number; rawP99Ms: number; cpuP99Ms: number } {
  const insts = routingInstances(spec, picks, count, seed);
  for (const { layout, picks: ps } of insts.slice(0, 30)) route(layout, ps); // warm-up (JIT, transition caches)
  const perInstance: number[] = [];
  const raw: number[] = [];
  const cpu: number[] = [];
  for (const { layout, picks: ps } of insts) {
    const ts: number[] = [];
    const cs: number[] = [];
    for (let r = 0; r < reps; r++) {
      const c = process.cpuUsage();
      const t = performance.now();
      route(layout, ps);
      ts.push(performance.now() - t);
      const u = process.cpuUsage(c);
      cs.push((u.user + u.system) / 1000);
    }
    raw.push(...ts);
    perInstance.push(quantile(ts, 0.5));
    cpu.push(quantile(cs, 0.5));
  }
  return {
    blocks: spec.blocks,
    picks,
    aisles: spec.aisles,
    instances: count,
    medianMs: round(quantile(perInstance, 0.5), 3),
    p99Ms: round(quantile(perInstance, 0.99), 3),
    maxMs: round(Math.max(...perInstance), 3),
    rawP99Ms: round(quantile(raw, 0.99), 3),
    cpuP99Ms: round(quantile(cpu, 0.99), 3),
  };
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const started = Date.now();

  // 1. Exactness of the production router (single block) against Held–Karp.
  const exactN = quick ? 500 : 5000;
  let maxAbsDiff = 0;
  let within = 0;
  const ex: RoutingInstance[] = exactnessInstances(exactN, 1983);
  for (const { layout, picks } of ex) {
    const d = Math.abs(route(layout, picks).length - heldKarp(layout, picks).length);
    maxAbsDiff = Math.max(maxAbsDiff, d);
    if (d <= 1e-9) within++;
  }
  console.log(`exactness: ${within}/${ex.length} single-block instances equal Held–Karp within 1e-9 (max |diff| ${maxAbsDiff.toExponential(2)})`);

  // 2. Gap table.
  const count = quick ? 20 : 100;
  const sizes = [5, 10, 20, 30, 50];
  const cells: GapCell[] = [];
  for (const blocks of [1, 2, 3, 4]) {
    const spec: LayoutSpec = { aisles: 10, blocks, slots: 30, aislePitch: 3, crossAisleWidth: 2, depot: 'left' };
    for (const n of sizes) cells.push(gapCell(spec, n, blocks === 4 && n > HK_LIMIT ? Math.ceil(count / 2) : count, 1000 * blocks + n));
  }
  // 3. Sanity row: 10 aisles × 45 positions, pitch 5.
  const sanity: GapCell[] = [];
  for (const n of [5, 10, 15, 20]) {
    sanity.push(gapCell({ aisles: 10, blocks: 1, slots: 45, aislePitch: 5, crossAisleWidth: 2, depot: 'left' }, n, count, 77 + n));
  }
  // 4. Latency: 50 picks on 20 aisles.
  const times = [1, 2, 3, 4].map((blocks) =>
    timing({ aisles: 20, blocks, slots: 30, aislePitch: 3, crossAisleWidth: 2, depot: 'aisle' }, 50, quick ? 100 : 500, 500 + blocks, 3),
  );

  const methods = ['optimal', ...CLASSICS];
  const header = `${'B'.padEnd(3)}${'n'.padStart(4)}  ${'ref'.padEnd(18)}${methods.map((m) => m.padStart(17)).join('')}`;
  console.log('\nGap to reference in % (mean / p99), reported tour lengths; 10 aisles, 30 slots, pitch 3:');
  console.log(header);
  for (const c of [...cells, ...sanity]) {
    if (c === sanity[0]) console.log('Sanity: 10 aisles × 45 slots, pitch 5, single block (classics as walked / as reported):');
    const row = methods.map((m) => {
      const g = c.gap[m];
      const w = c.walkedGap[m];
      if (g === undefined) return ''.padStart(17);
      const v = sanity.includes(c) && w !== undefined ? `${w.mean.toFixed(1)}/${g.mean.toFixed(1)}` : `${g.mean.toFixed(2)}/${g.p99.toFixed(2)}`;
      return v.padStart(17);
    });
    console.log(`${String(c.blocks).padEnd(3)}${String(c.picks).padStart(4)}  ${c.reference.padEnd(18)}${row.join('')}`);
  }
  console.log('\nLatency of route(…, optimal), 50 picks, 20 aisles (per-instance median of 3 runs):');
  for (const t of times) console.log(`B=${t.blocks}: median ${t.medianMs} ms, p99 ${t.p99Ms} ms, max ${t.maxMs} ms (single-run wall p99 ${t.rawP99Ms} ms, process CPU p99 ${t.cpuP99Ms} ms)`);

  const result = {
    benchmark: 'routing',
    date: new Date().toISOString(),
    machine: machine(),
    quick,
    exactness: { instances: ex.length, withinTolerance: within, tolerance: 1e-9, maxAbsDiff },
    gapPercent: cells,
    sanity,
    timing: times,
    seconds: round((Date.now() - started) / 1000, 1),
  };
  writeResult('routing', result);
  console.log(`\nwrote bench/results/routing.json in ${result.seconds} s`);
}
