/**
 * Cartonization benchmark: `npm run bench -- cartonization [--orders N] [--seeds K] [--quick]`.
 * `--chooser [--base=<checkout>] [--out=name]` runs only (c): CPU per carton choice at pack time (pack & ship's
 * `packerChooser`) against the per-carton pack() loop it replaced and, with --base, against the `packerChooser` of
 * another checkout (an A/B's base), on the flow bench's orders and on the e-commerce mix; same choices checked.
 *  (a) 3D bin packing classes 1–8 (Martello, Pisinger & Vigo 2000) without rotation: bins used vs the L2 bound.
 *  (b) e-commerce orders with a 10-carton catalogue: share packed in the smallest feasible carton, where "smallest
 *      feasible" is proven by the exact check; parcels per order, void fill and time per order.
 * Writes bench/results/cartonization.json.
 */
import { machine, writeResult } from './machine.ts';
import { performance } from 'node:perf_hooks';
import {
  checkFeasibility,
  lowerBoundL0,
  lowerBoundL1,
  lowerBoundL2,
  makeUnit,
  pack,
  packIdenticalBins,
  packageCost,
  verifyPacking,
} from '../src/optimize/cartonization/index.ts';
import type { Carton, CartonItem, PackResult, Unit } from '../src/optimize/cartonization/index.ts';
import { cartonCatalogue, ecommerceOrders, mpvInstance, skuAssortment } from './instances/cartonization.ts';
import type { Order } from './instances/cartonization.ts';
import { toPlacements } from '../src/optimize/cartonization/to-placements.ts';
import { packerChooser, perCartonPackChooser } from '../src/contexts/pack-ship/domain/carton-chooser.ts';
import type { CartonChooser, Carton as CatalogueCarton, PackItem } from '../src/contexts/pack-ship/domain/carton-chooser.ts';
import { stringArg } from './support.ts';

const DIM_DIVISOR = 5000;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;

// ---------------------------------------------------------------------------------------------------------------
// (a) MPV classes

interface MpvRow {
  cls: number;
  n: number;
  seed: number;
  bins: number;
  constructionBins: number;
  l0: number;
  l1: number;
  l2: number;
  ms: number;
}

function runMpv(sizes: readonly number[], seeds: number, iterations: number): MpvRow[] {
  const rows: MpvRow[] = [];
  for (let cls = 1; cls <= 8; cls++) {
    for (const n of sizes) {
      for (let seed = 1; seed <= seeds; seed++) {
        const inst = mpvInstance(cls, n, seed);
        const bin = { W: inst.bin[0], H: inst.bin[1], D: inst.bin[2] };
        const boundItems = inst.items.map(([w, h, d]) => ({ w, h, d }));
        const l2 = lowerBoundL2(boundItems, bin);
        const units = inst.items.map((d, i) => makeUnit(i, `i${i}`, d, 0, 'none'));
        const t0 = performance.now();
        const result = packIdenticalBins(units, inst.bin, Infinity, { seed, iterations, lowerBound: l2 });
        const ms = performance.now() - t0;
        const cartons = [{ id: 'bin', length: inst.bin[0], width: inst.bin[1], height: inst.bin[2], maxWeight: Infinity, cost: 1 }];
        const items = inst.items.map(([l, w, h], i) => ({ id: `i${i}`, length: l, width: w, height: h, weight: 0, upright: true }));
        const check = verifyPacking({ cartons, items }, result.bins.map((b) => ({ cartonId: 'bin', placements: toPlacements(b.boxes) })));
        if (!check.ok) throw new Error(`class ${cls} n ${n} seed ${seed}: invalid packing: ${check.errors.slice(0, 3).join('; ')}`);
        rows.push({
          cls,
          n,
          seed,
          bins: result.bins.length,
          constructionBins: result.constructionBins,
          l0: lowerBoundL0(boundItems, bin),
          l1: lowerBoundL1(boundItems, bin),
          l2,
          ms: round(ms, 1),
        });
      }
    }
  }
  return rows;
}

function summariseMpv(rows: readonly MpvRow[]) {
  const groups = new Map<string, MpvRow[]>();
  for (const r of rows) {
    const key = `${r.cls}/${r.n}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const perClassSize = [...groups.values()].map((g) => {
    const bins = g.reduce((s, r) => s + r.bins, 0);
    const l2 = g.reduce((s, r) => s + r.l2, 0);
    const cons = g.reduce((s, r) => s + r.constructionBins, 0);
    return {
      cls: g[0]!.cls,
      n: g[0]!.n,
      instances: g.length,
      meanBins: round(bins / g.length, 2),
      meanConstructionBins: round(cons / g.length, 2),
      meanL2: round(l2 / g.length, 2),
      ratio: round(bins / l2),
      gapPct: round((100 * (bins - l2)) / l2, 1),
      meanMs: round(g.reduce((s, r) => s + r.ms, 0) / g.length, 1),
    };
  });
  const perClass = [1, 2, 3, 4, 5, 6, 7, 8].map((cls) => {
    const g = rows.filter((r) => r.cls === cls);
    const bins = g.reduce((s, r) => s + r.bins, 0);
    const l2 = g.reduce((s, r) => s + r.l2, 0);
    return { cls, instances: g.length, bins, l2, ratio: round(bins / l2), gapPct: round((100 * (bins - l2)) / l2, 1), atBound: g.filter((r) => r.bins === r.l2).length };
  });
  const bins = rows.reduce((s, r) => s + r.bins, 0);
  const l2 = rows.reduce((s, r) => s + r.l2, 0);
  return { perClassSize, perClass, overall: { instances: rows.length, bins, l2, ratio: round(bins / l2), gapPct: round((100 * (bins - l2)) / l2, 1) } };
}

// ---------------------------------------------------------------------------------------------------------------
// (b) e-commerce orders

function unitsOf(items: readonly CartonItem[]): Unit[] {
  const units: Unit[] = [];
  for (const it of items) {
    for (let q = 0; q < (it.quantity ?? 1); q++) {
      units.push(makeUnit(units.length, it.id, [it.length, it.width, it.height], it.weight, it.upright === true ? 'upright' : 'all'));
    }
  }
  return units;
}

type Truth =
  | { kind: 'proven'; cartonId: string; cost: number } // cheapest single carton proven feasible, all cheaper proven infeasible
  | { kind: 'multi-required' } // every carton proven infeasible for the whole order
  | { kind: 'unknown'; reason: string };

/** Cheapest single carton for the order, established by the exact check, looking only at cartons up to `upTo`. */
function groundTruth(order: Order, cartons: readonly Carton[], upTo: number, maxNodes: number): Truth {
  const units = unitsOf(order.items);
  const weight = units.reduce((s, u) => s + u.weight, 0);
  const ranked = cartons
    .map((c) => ({ c, cost: packageCost(c, weight, { dimDivisor: DIM_DIVISOR }) }))
    .sort((a, b) => a.cost - b.cost || a.c.length * a.c.width * a.c.height - b.c.length * b.c.width * b.c.height);
  let unknown: string | undefined;
  for (const { c, cost } of ranked) {
    if (cost > upTo + 1e-9) break;
    const r = checkFeasibility(units, [c.length, c.width, c.height], c.maxWeight, { maxNodes });
    if (r.status === 'feasible') return unknown === undefined ? { kind: 'proven', cartonId: c.id, cost } : { kind: 'unknown', reason: unknown };
    if (r.status === 'unknown') unknown ??= r.reason;
  }
  if (unknown !== undefined) return { kind: 'unknown', reason: unknown };
  return { kind: 'multi-required' };
}

interface OrderRow {
  id: string;
  units: number;
  parcels: number;
  cost: number;
  ms: number;
  heuristicCost: number;
  heuristicMs: number;
  voidFill: number;
  truth: Truth;
}

function runOrders(count: number, maxNodes: number): OrderRow[] {
  const cartons = cartonCatalogue();
  const orders = ecommerceOrders(count, 1, skuAssortment(400, 1));
  const rows: OrderRow[] = [];
  const timed = (fn: () => PackResult): [PackResult, number] => {
    const t0 = performance.now();
    const r = fn();
    return [r, performance.now() - t0];
  };
  // Warm-up so JIT compilation does not land in the first orders' timings.
  for (const o of orders.slice(0, 20)) pack({ cartons, items: o.items, dimDivisor: DIM_DIVISOR });
  for (const order of orders) {
    const request = { cartons, items: order.items, dimDivisor: DIM_DIVISOR };
    const [r, ms] = timed(() => pack(request));
    const [h, heuristicMs] = timed(() => pack(request, { exact: false }));
    if (!r.ok || !h.ok) throw new Error(`order ${order.id}: ${r.ok ? '' : r.message} ${h.ok ? '' : h.message}`);
    for (const res of [r, h]) {
      const check = verifyPacking(request, res.packages);
      if (!check.ok) throw new Error(`order ${order.id}: invalid packing: ${check.errors.join('; ')}`);
    }
    const itemVolume = r.packages.reduce((s, p) => s + p.itemVolume, 0);
    const cartonVolume = r.packages.reduce((s, p) => s + p.cartonVolume, 0);
    // Only cartons cheaper than the packer's answer can show it missed: they must all be proven infeasible.
    const upTo = Math.max(r.cost, h.cost);
    rows.push({
      id: order.id,
      units: order.units,
      parcels: r.packages.length,
      cost: r.cost,
      ms,
      heuristicCost: h.cost,
      heuristicMs,
      voidFill: 1 - itemVolume / cartonVolume,
      truth: groundTruth(order, cartons, upTo, maxNodes),
    });
  }
  return rows;
}

function summariseOrders(rows: readonly OrderRow[]) {
  const proven = rows.filter((r) => r.truth.kind === 'proven');
  const bestCost = (r: OrderRow): number => (r.truth.kind === 'proven' ? r.truth.cost : NaN);
  const hits = proven.filter((r) => r.cost <= bestCost(r) + 1e-9).length;
  const heuristicHits = proven.filter((r) => r.heuristicCost <= bestCost(r) + 1e-9).length;
  const unknown = rows.filter((r) => r.truth.kind === 'unknown');
  const unknownReasons: Record<string, number> = {};
  for (const r of unknown) if (r.truth.kind === 'unknown') unknownReasons[r.truth.reason] = (unknownReasons[r.truth.reason] ?? 0) + 1;
  const times = rows.map((r) => r.ms).sort((a, b) => a - b);
  const hTimes = rows.map((r) => r.heuristicMs).sort((a, b) => a - b);
  const byUnits = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => {
    const g = rows.filter((r) => r.units === k);
    const p = g.filter((r) => r.truth.kind === 'proven');
    return {
      units: k,
      orders: g.length,
      proven: p.length,
      hits: p.filter((r) => r.cost <= bestCost(r) + 1e-9).length,
      unknown: g.filter((r) => r.truth.kind === 'unknown').length,
      meanParcels: g.length === 0 ? 0 : round(g.reduce((s, r) => s + r.parcels, 0) / g.length, 2),
      meanVoidFill: g.length === 0 ? 0 : round(g.reduce((s, r) => s + r.voidFill, 0) / g.length),
      p99Ms: round(percentile(g.map((r) => r.ms).sort((a, b) => a - b), 99), 2),
    };
  });
  return {
    orders: rows.length,
    smallestFeasibleCarton: {
      definition:
        'order counted when the exact check proves its cheapest feasible single carton (all cheaper cartons proven infeasible); hit = packer cost ≤ that carton’s cost',
      proven: proven.length,
      hits,
      share: round(hits / Math.max(1, proven.length), 4),
      heuristicOnlyHits: heuristicHits,
      heuristicOnlyShare: round(heuristicHits / Math.max(1, proven.length), 4),
      unknown: unknown.length,
      unknownReasons,
      multiParcelRequired: rows.filter((r) => r.truth.kind === 'multi-required').length,
      misses: proven.filter((r) => r.cost > bestCost(r) + 1e-9).map((r) => ({ id: r.id, units: r.units, packerCost: round(r.cost, 4), provenCost: round(bestCost(r), 4) })),
    },
    meanParcelsPerOrder: round(rows.reduce((s, r) => s + r.parcels, 0) / rows.length, 3),
    multiParcelOrders: rows.filter((r) => r.parcels > 1).length,
    meanVoidFill: round(rows.reduce((s, r) => s + r.voidFill, 0) / rows.length),
    timeMs: { p50: round(percentile(times, 50), 2), p95: round(percentile(times, 95), 2), p99: round(percentile(times, 99), 2), max: round(times[times.length - 1] ?? 0, 2) },
    heuristicOnlyTimeMs: { p50: round(percentile(hTimes, 50), 2), p99: round(percentile(hTimes, 99), 2), max: round(hTimes[hTimes.length - 1] ?? 0, 2) },
    byUnits,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// (c) carton choice at pack time

/** The flow bench's pack-time requests: its 50 products (test/support/flow-driver), 200 orders, the seeded cartons. */
function flowMix(): { orders: PackItem[][]; cartons: CatalogueCarton[] } {
  const products = Array.from({ length: 50 }, (_, i) => ({
    sku: `SKU-${i + 1}`, lengthMm: 100 + (i % 5) * 40, widthMm: 80 + (i % 3) * 30, heightMm: 50 + (i % 4) * 20, weightG: 200 + (i % 7) * 100,
  }));
  const orders = Array.from({ length: 200 }, (_, i) =>
    Array.from({ length: 1 + (i % 4) }, (_, j): PackItem => ({ id: `oln_${i}_${j}`, ...products[(i * 7 + j * 13) % products.length]!, quantity: 1 + ((i + j) % 3) })));
  // pack_ship migration 001's catalogue.
  const cartons = ([
    ['XS', 200, 150, 100, 5000, 80, 0.35], ['S', 300, 200, 150, 10000, 150, 0.55], ['M', 400, 300, 200, 15000, 250, 0.8],
    ['L', 500, 400, 300, 20000, 400, 1.2], ['XL', 600, 400, 400, 25000, 550, 1.6], ['LONG', 1000, 200, 200, 15000, 450, 1.4],
  ] as const).map(([code, l, w, h, maxWeightG, tareG, cost]): CatalogueCarton => ({ code, description: code, innerLengthMm: l, innerWidthMm: w, innerHeightMm: h, maxWeightG, tareG, cost }));
  return { orders, cartons };
}

/** The e-commerce orders of (b) (upright dropped: pack & ship's items have no orientation) and its 10 cartons. */
function ecommerceMix(count: number): { orders: PackItem[][]; cartons: CatalogueCarton[] } {
  const orders = ecommerceOrders(count, 1, skuAssortment(400, 1)).map((o) =>
    o.items.map((i): PackItem => ({ id: i.id, sku: i.id, quantity: i.quantity ?? 1, lengthMm: i.length, widthMm: i.width, heightMm: i.height, weightG: i.weight })));
  const cartons = cartonCatalogue().map((c): CatalogueCarton => ({ code: c.id, description: c.id, innerLengthMm: c.length, innerWidthMm: c.width, innerHeightMm: c.height, maxWeightG: c.maxWeight, tareG: 0, cost: c.cost }));
  return { orders, cartons };
}

/** CPU ms per choice of each chooser, alternated round by round in this process (round 0 is warm-up). */
function chooserCpu(mix: { orders: PackItem[][]; cartons: CatalogueCarton[] }, rounds: number, base: CartonChooser | undefined) {
  const choosers: [string, CartonChooser][] = [
    ...(base === undefined ? [] : [['basePackerChooser', base] as [string, CartonChooser]]),
    ['perCartonPack', perCartonPackChooser],
    ['packerChooser', packerChooser],
  ];
  const cpuMs = new Map<string, number[]>(choosers.map(([name]) => [name, []]));
  const chosen = new Map<string, (string | undefined)[]>();
  for (let round = 0; round <= rounds; round++) {
    for (const [name, chooser] of choosers) {
      const t0 = process.cpuUsage();
      const codes = mix.orders.map((o) => chooser.choose(o, mix.cartons)?.code);
      const used = process.cpuUsage(t0);
      if (round > 0) cpuMs.get(name)!.push((used.user + used.system) / 1000 / mix.orders.length);
      chosen.set(name, codes);
    }
  }
  const after = chosen.get('packerChooser')!;
  for (const [name] of choosers) {
    const differ = chosen.get(name)!.filter((c, i) => c !== after[i]).length;
    if (differ > 0) throw new Error(`${name} and packerChooser disagree on ${differ} of ${mix.orders.length} orders`);
  }
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const ms = Object.fromEntries(choosers.map(([name]) => [name, { medianMs: round(median(cpuMs.get(name)!), 4), perRoundMs: cpuMs.get(name)!.map((v) => round(v, 4)) }]));
  const choices: Record<string, number> = {};
  for (const c of after) choices[c ?? 'none'] = (choices[c ?? 'none'] ?? 0) + 1;
  const speedup = (name: string): number | undefined => (ms[name] === undefined ? undefined : round(ms[name].medianMs / ms.packerChooser!.medianMs, 2));
  return {
    orders: mix.orders.length, cartons: mix.cartons.length, sameChoices: true, choices, cpuMsPerChoice: ms,
    speedupOverPerCartonPack: speedup('perCartonPack'), ...(base === undefined ? {} : { speedupOverBase: speedup('basePackerChooser') }),
  };
}

async function runChooser(args: string[]): Promise<void> {
  const rounds = option(args, 'rounds', 5);
  const basePath = stringArg(args, 'base', '');
  const base = basePath === '' ? undefined
    : ((await import(`${basePath}/src/contexts/pack-ship/domain/carton-chooser.ts`)) as { packerChooser: CartonChooser }).packerChooser;
  const result = {
    benchmark: 'cartonization-chooser',
    machine: machine(),
    how: 'process.cpuUsage() around choose() for every order of the mix; the two choosers alternate, one round each, median of the rounds after a warm-up round; every choice compared',
    rounds,
    ...(base === undefined ? {} : { base: basePath }),
    flow: chooserCpu(flowMix(), rounds, base),
    ecommerce: chooserCpu(ecommerceMix(600), rounds, base),
  };
  const out = writeResult(stringArg(args, 'out', 'cartonization-chooser'), result);
  for (const mix of ['flow', 'ecommerce'] as const) {
    const m = result[mix].cpuMsPerChoice;
    const from = m.basePackerChooser === undefined ? '' : `base ${m.basePackerChooser.medianMs}, `;
    console.log(`${mix}: ${result[mix].orders} orders, CPU ms per choice: ${from}per-carton pack() ${m.perCartonPack!.medianMs}, packerChooser ${m.packerChooser!.medianMs}; same choices`);
  }
  console.log(`load ${result.machine.loadAverage1m} → ${out}`);
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--chooser')) return runChooser(args);
  const quick = args.includes('--quick');
  const seeds = option(args, 'seeds', quick ? 1 : 3);
  const orderCount = option(args, 'orders', quick ? 100 : 600);
  const iterations = option(args, 'iterations', quick ? 30 : 100);
  const exactNodes = option(args, 'exact-nodes', 2_000_000);
  const sizes = quick ? [50, 100] : [50, 100, 150, 200];
  const started = performance.now();

  const mpvRows = runMpv(sizes, seeds, iterations);
  const mpv = summariseMpv(mpvRows);
  const mpvSeconds = (performance.now() - started) / 1000;
  const orderRows = runOrders(orderCount, exactNodes);
  const ecommerce = summariseOrders(orderRows);
  const totalSeconds = (performance.now() - started) / 1000;

  const result = {
    benchmark: 'cartonization',
    date: new Date().toISOString(),
    machine: machine(),
    config: { seeds, sizes, localSearchIterations: iterations, orders: orderCount, dimDivisor: DIM_DIVISOR, exactNodeBudget: exactNodes, cartons: cartonCatalogue() },
    mpv: { seconds: round(mpvSeconds, 1), ...mpv, instances: mpvRows },
    ecommerce: { seconds: round(totalSeconds - mpvSeconds, 1), ...ecommerce },
  };
  const out = writeResult('cartonization', result);

  console.log(`cartonization benchmark — ${result.machine.cpu}, ${result.machine.cores} cores, node ${result.machine.node}`);
  console.log('\n(a) MPV classes, no rotation: bins used vs L2 (sum over seeds)');
  console.table(mpv.perClassSize.map((r) => ({ class: r.cls, n: r.n, bins: r.meanBins, 'bins (construction)': r.meanConstructionBins, L2: r.meanL2, ratio: r.ratio, 'gap %': r.gapPct, ms: r.meanMs })));
  console.table(mpv.perClass.map((r) => ({ class: r.cls, instances: r.instances, bins: r.bins, L2: r.l2, ratio: r.ratio, 'gap %': r.gapPct, 'at bound': r.atBound })));
  console.log(`overall: ${mpv.overall.bins} bins vs L2 ${mpv.overall.l2} (ratio ${mpv.overall.ratio}), ${result.mpv.seconds} s`);
  const s = ecommerce.smallestFeasibleCarton;
  console.log(`\n(b) e-commerce: ${ecommerce.orders} orders, 10 cartons, dimDivisor ${DIM_DIVISOR}`);
  console.log(`smallest feasible carton: ${s.hits}/${s.proven} proven orders = ${(100 * s.share).toFixed(1)} % (heuristic only: ${(100 * s.heuristicOnlyShare).toFixed(1)} %)`);
  console.log(`unknown (not proven): ${s.unknown} ${JSON.stringify(s.unknownReasons)}; multi-parcel required (proven): ${s.multiParcelRequired}`);
  console.log(`parcels/order ${ecommerce.meanParcelsPerOrder}, void fill ${(100 * ecommerce.meanVoidFill).toFixed(1)} %`);
  console.log(`time per order ms: p50 ${ecommerce.timeMs.p50}, p95 ${ecommerce.timeMs.p95}, p99 ${ecommerce.timeMs.p99}, max ${ecommerce.timeMs.max}`);
  console.table(ecommerce.byUnits.map((r) => ({ units: r.units, orders: r.orders, proven: r.proven, hits: r.hits, unknown: r.unknown, parcels: r.meanParcels, 'void fill': r.meanVoidFill, 'p99 ms': r.p99Ms })));
  console.log(`total ${round(totalSeconds, 1)} s → ${out}`);
}
