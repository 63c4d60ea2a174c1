/**
 * Multi-bin packing with identical bins: extreme-point first fit / best fit decreasing (EP-FFD / EP-BFD of Crainic,
 * Perboli & Tadei 2008) over a portfolio of sort keys and merit functions, followed by a bin-elimination local search
 * (relocate the emptiest bin's items; ruin-and-recreate of the emptiest bin with one to three others, in the spirit of
 * Lodi, Martello & Vigo 2002 "Heuristic algorithms for the three-dimensional bin packing problem").
 */
import type { Dims, Unit } from './geometry.ts';
import { fitsAlone } from './geometry.ts';
import type { Merit } from './extreme-points.ts';
import { ExtremePointBin, MERITS, better } from './extreme-points.ts';
import { SORT_KEYS, sortUnits } from './sort-keys.ts';

const CLUSTER_DELTAS: readonly number[] = [0.02, 0.05, 0.2, 0.3, 0.5];
import type { Rng } from '../random.ts';
import { mulberry32 as createRng } from '../random.ts';

export type FitStrategy = 'first' | 'best';

/** Pack units in the given order; returns undefined only if some unit fits no empty bin. */
export function packInOrder(
  order: readonly Unit[],
  size: Dims,
  maxWeight: number,
  merit: Merit,
  strategy: FitStrategy,
): ExtremePointBin[] | undefined {
  const bins: ExtremePointBin[] = [];
  for (const unit of order) {
    let target: ExtremePointBin | undefined;
    let cand: ReturnType<ExtremePointBin['bestCandidate']>;
    for (const bin of bins) {
      const c = bin.bestCandidate(unit, merit);
      if (c === undefined) continue;
      if (strategy === 'first') {
        target = bin;
        cand = c;
        break;
      }
      if (better(c, cand)) {
        target = bin;
        cand = c;
      }
    }
    if (target === undefined || cand === undefined) {
      target = new ExtremePointBin(size, maxWeight);
      cand = target.bestCandidate(unit, merit);
      if (cand === undefined) return undefined;
      bins.push(target);
    }
    target.place(unit, cand);
  }
  return bins;
}

export interface BinPackingOptions {
  /** Seed of the local search's PRNG; same seed, same result. */
  readonly seed?: number;
  /** Ruin-and-recreate iterations of the local search (0 disables it). */
  readonly iterations?: number;
  /** Stop as soon as this many bins is reached (e.g. a lower bound). */
  readonly lowerBound?: number;
}

export interface BinPackingResult {
  readonly bins: readonly ExtremePointBin[];
  /** Bins after the construction portfolio, before local search. */
  readonly constructionBins: number;
}

/** Pack all units into as few identical bins as possible. Throws if a unit cannot fit an empty bin. */
export function packIdenticalBins(
  units: readonly Unit[],
  size: Dims,
  maxWeight: number = Infinity,
  options: BinPackingOptions = {},
): BinPackingResult {
  for (const u of units) {
    if (!fitsAlone(u, size) || u.weight > maxWeight) throw new RangeError(`unit of item ${u.itemId} fits no empty bin`);
  }
  const lb = options.lowerBound ?? 0;
  let best: ExtremePointBin[] | undefined;
  const orders = SORT_KEYS.map((key) => sortUnits(units, key, size));
  // Crainic et al. (2008) tune the cluster width δ per instance; a handful of widths covers most of the benefit.
  for (const delta of CLUSTER_DELTAS) orders.push(sortUnits(units, 'clustered-area-height', size, delta), sortUnits(units, 'clustered-height-area', size, delta));
  outer: for (const order of orders) {
    for (const merit of MERITS) {
      for (const strategy of ['best', 'first'] as const) {
        const bins = packInOrder(order, size, maxWeight, merit, strategy);
        if (bins !== undefined && (best === undefined || preferable(bins, best))) best = bins;
        if (best !== undefined && best.length <= lb) break outer;
      }
    }
  }
  if (best === undefined) return { bins: [], constructionBins: 0 };
  const constructionBins = best.length;
  const improved = localSearch(best, size, maxWeight, options.iterations ?? 200, createRng(options.seed ?? 1), lb);
  return { bins: improved, constructionBins };
}

/** Fewer bins first; on ties the more unbalanced packing (smaller emptiest bin) is easier to improve. */
function preferable(a: readonly ExtremePointBin[], b: readonly ExtremePointBin[]): boolean {
  if (a.length !== b.length) return a.length < b.length;
  return minVolume(a) < minVolume(b);
}

function minVolume(bins: readonly ExtremePointBin[]): number {
  let m = Infinity;
  for (const b of bins) m = Math.min(m, b.volume);
  return m;
}

/** Re-pack a group of units with the whole portfolio plus a few perturbed orders; the best packing found. */
function repackGroup(units: readonly Unit[], size: Dims, maxWeight: number, rng: Rng, perturbed: number): ExtremePointBin[] | undefined {
  let best: ExtremePointBin[] | undefined;
  const consider = (bins: ExtremePointBin[] | undefined): void => {
    if (bins !== undefined && (best === undefined || preferable(bins, best))) best = bins;
  };
  for (const key of SORT_KEYS) {
    const order = sortUnits(units, key, size);
    for (const merit of MERITS) for (const strategy of ['best', 'first'] as const) consider(packInOrder(order, size, maxWeight, merit, strategy));
  }
  for (let r = 0; r < perturbed; r++) {
    const order = sortUnits(units, SORT_KEYS[Math.floor(rng() * SORT_KEYS.length)]!, size);
    // A few adjacent swaps explore orders near a good one.
    for (let s = 0; s < order.length / 3; s++) {
      const i = Math.floor(rng() * (order.length - 1));
      const a = order[i]!;
      order[i] = order[i + 1]!;
      order[i + 1] = a;
    }
    consider(packInOrder(order, size, maxWeight, MERITS[Math.floor(rng() * MERITS.length)]!, rng() < 0.5 ? 'first' : 'best'));
  }
  return best;
}

function localSearch(
  start: ExtremePointBin[],
  size: Dims,
  maxWeight: number,
  iterations: number,
  rng: Rng,
  lb: number,
): ExtremePointBin[] {
  let bins = start.slice();
  for (let it = 0; it < iterations && bins.length > Math.max(1, lb); it++) {
    let e = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i]!.volume < bins[e]!.volume) e = i;
    const emptiest = bins[e]!;
    // Move 1: relocate the emptiest bin's units into the other bins' extreme points (largest first).
    const others = bins.filter((_, i) => i !== e);
    const leftover: Unit[] = [];
    const movedUnits = emptiest.boxes.map((b) => b.unit).sort((a, b) => b.volume - a.volume || a.index - b.index);
    let moved = 0;
    for (const u of movedUnits) {
      let target: ExtremePointBin | undefined;
      let cand: ReturnType<ExtremePointBin['bestCandidate']>;
      for (const b of others) {
        const c = b.bestCandidate(u, 'rs');
        if (c !== undefined && better(c, cand)) {
          cand = c;
          target = b;
        }
      }
      if (target !== undefined && cand !== undefined) {
        target.place(u, cand);
        moved++;
      } else leftover.push(u);
    }
    if (moved > 0) {
      if (leftover.length === 0) {
        bins = others;
        continue;
      }
      // Keep the remaining units at their positions: a subset of a feasible packing is feasible.
      const rest = new ExtremePointBin(size, maxWeight);
      for (const b of emptiest.boxes) {
        if (leftover.includes(b.unit)) rest.place(b.unit, { point: 0, dims: [b.l, b.w, b.h], score: 0, x: b.x, y: b.y, z: b.z });
      }
      bins = [...others, rest];
      continue;
    }
    // Move 2: ruin and recreate the emptiest bin together with one to three random others.
    if (bins.length < 2) break;
    const pick = new Set<number>([e]);
    const groupSize = Math.min(bins.length, 2 + Math.floor(rng() * 3));
    while (pick.size < groupSize) pick.add(Math.floor(rng() * bins.length));
    const group = [...pick].flatMap((i) => bins[i]!.boxes.map((b) => b.unit));
    const rebuilt = repackGroup(group, size, maxWeight, rng, 4);
    if (rebuilt === undefined) continue;
    if (rebuilt.length < pick.size || (rebuilt.length === pick.size && minVolume(rebuilt) < emptiest.volume)) {
      bins = [...bins.filter((_, i) => !pick.has(i)), ...rebuilt];
    }
  }
  return bins;
}
