/**
 * Exact feasibility check: can this set of units be packed orthogonally into one carton?
 *
 * Method: branch on relative positions, the exact model of Onodera, Taniguchi & Tamaru (1991) ("Branch-and-bound
 * placement for building block layout") also behind Chen, Lee & Shen (1995) and Fekete & Schepers' packing classes
 * (1997): for every pair of items choose one axis and one order along it ("i ends before j starts"), plus an
 * orientation per item; a choice is realisable iff on every axis the precedence graph is acyclic and its longest path
 * (sum of extents) fits the carton.
 *
 * Why it is exact (an 'infeasible' answer is a proof):
 *  - Completeness: in any packing two boxes have disjoint interiors, so they are separated along at least one axis.
 *    Picking one such axis per pair gives an assignment that the search enumerates (all orientations, all 6 options
 *    per pair). Its longest-path lower bounds never exceed the packing's own coordinates, so pruning ("lower bound +
 *    extent > carton extent") never cuts it. The one symmetry we break is a reflection: for the first pair only
 *    "0 before 1" is tried; mirroring the whole packing along that axis maps any packing with "1 before 0" onto one
 *    with "0 before 1" and keeps every extent (so upright items stay upright).
 *  - Soundness: at a leaf, placing every item at its longest-path lower bound keeps each pair apart along its chosen
 *    axis and inside the carton, so a 'feasible' answer comes with a packing (which `verifyPacking` can check).
 * We deliberately do not enumerate corner / extreme points only: Martello, Pisinger & Vigo's (2000) corner-point
 * branching is complete for "robot-packable" packings only (den Boef et al. 2005), so it could wrongly say
 * 'infeasible'; normal positions (Christofides & Whitlock 1977) are complete but give far larger branching.
 * A verified heuristic packing (extreme points) is tried first, since any verified packing proves feasibility.
 */
import type { Box, Dims, Unit } from './geometry.ts';
import { fitsAlone, le } from './geometry.ts';
import { ExtremePointBin, MERITS } from './extreme-points.ts';
import { SORT_KEYS, sortUnits } from './sort-keys.ts';

export interface FeasibilityOptions {
  /** Search-node budget; beyond it the answer is 'unknown'. Default 200 000. */
  readonly maxNodes?: number;
  /** The check is meant for small orders; above this many units it answers 'unknown'. Default 8. */
  readonly maxItems?: number;
  /** Skip the heuristic first attempt (used by tests to exercise the search itself). */
  readonly searchOnly?: boolean;
}

export interface ExactBox extends Box {
  readonly unit: Unit;
}

export type FeasibilityResult =
  | { readonly status: 'feasible'; readonly boxes: readonly ExactBox[]; readonly nodes: number; readonly by: 'heuristic' | 'search' }
  | {
      readonly status: 'infeasible';
      readonly reason: 'weight' | 'volume' | 'item-too-large' | 'search';
      readonly nodes: number;
    }
  | { readonly status: 'unknown'; readonly reason: 'node-limit' | 'too-many-items'; readonly nodes: number };

class BudgetExceeded extends Error {}

export function checkFeasibility(
  units: readonly Unit[],
  size: Dims,
  maxWeight: number = Infinity,
  options: FeasibilityOptions = {},
): FeasibilityResult {
  let weight = 0;
  let volume = 0;
  for (const u of units) {
    weight += u.weight;
    volume += u.volume;
    if (!fitsAlone(u, size)) return { status: 'infeasible', reason: 'item-too-large', nodes: 0 };
  }
  if (!le(weight, maxWeight)) return { status: 'infeasible', reason: 'weight', nodes: 0 };
  if (!le(volume, size[0] * size[1] * size[2])) return { status: 'infeasible', reason: 'volume', nodes: 0 };
  if (units.length === 0) return { status: 'feasible', boxes: [], nodes: 0, by: 'search' };

  if (options.searchOnly !== true) {
    const heuristic = heuristicSingleBin(units, size, maxWeight);
    if (heuristic !== undefined) return { status: 'feasible', boxes: heuristic, nodes: 0, by: 'heuristic' };
  }
  if (units.length > (options.maxItems ?? 8)) return { status: 'unknown', reason: 'too-many-items', nodes: 0 };

  const search = new RelationSearch(units, size, options.maxNodes ?? 200_000);
  try {
    const boxes = search.run();
    if (boxes === undefined) return { status: 'infeasible', reason: 'search', nodes: search.nodes };
    return { status: 'feasible', boxes, nodes: search.nodes, by: 'search' };
  } catch (e) {
    if (e instanceof BudgetExceeded) return { status: 'unknown', reason: 'node-limit', nodes: search.nodes };
    throw e;
  }
}

/** Extreme-point attempts over the sort-key × merit portfolio; returns the first packing that holds every unit. */
export function heuristicSingleBin(units: readonly Unit[], size: Dims, maxWeight: number): ExactBox[] | undefined {
  for (const key of SORT_KEYS) {
    const order = sortUnits(units, key, size);
    for (const merit of MERITS) {
      const bin = new ExtremePointBin(size, maxWeight);
      if (order.every((u) => bin.tryPlace(u, merit))) return bin.boxes;
    }
  }
  return undefined;
}

class RelationSearch {
  nodes = 0;
  private readonly n: number;
  private readonly items: Unit[];
  private readonly options: Dims[][];
  /** Current extents, ext[3*i + axis]. */
  private readonly ext: Float64Array;
  /** Longest-path lower bound of each start coordinate, lo[3*i + axis]. */
  private readonly lo: Float64Array;
  /** Undo log of `lo`: (index, previous value) pairs, so a backtrack restores what a propagation raised. */
  private readonly trail: number[] = [];
  /** succ[axis][i]: items that must start after i ends along axis. */
  private readonly succ: number[][][];

  constructor(
    units: readonly Unit[],
    private readonly size: Dims,
    private readonly maxNodes: number,
  ) {
    // Big items first: they constrain the most, so infeasibility shows early.
    this.items = [...units].sort((a, b) => b.volume - a.volume || a.index - b.index);
    this.n = this.items.length;
    this.options = this.items.map((u) =>
      u.orientations.filter((o) => le(o[0], size[0]) && le(o[1], size[1]) && le(o[2], size[2])),
    );
    this.ext = new Float64Array(3 * this.n);
    this.lo = new Float64Array(3 * this.n);
    this.succ = [0, 1, 2].map(() => this.items.map(() => []));
  }

  run(): ExactBox[] | undefined {
    if (!this.placeItem(0)) return undefined;
    return this.items.map((unit, i) => ({
      unit,
      x: this.lo[3 * i]!,
      y: this.lo[3 * i + 1]!,
      z: this.lo[3 * i + 2]!,
      l: this.ext[3 * i]!,
      w: this.ext[3 * i + 1]!,
      h: this.ext[3 * i + 2]!,
    }));
  }

  private placeItem(t: number): boolean {
    if (t === this.n) return true;
    for (const o of this.options[t]!) {
      for (let k = 0; k < 3; k++) {
        this.ext[3 * t + k] = o[k]!;
        this.lo[3 * t + k] = 0;
      }
      if (this.relate(t, 0)) return true;
    }
    return false;
  }

  /** Choose the relation of pair (i, t) for i = 0 … t−1, then move on to item t + 1. */
  private relate(t: number, i: number): boolean {
    if (i === t) return this.placeItem(t + 1);
    for (let k = 0; k < 3; k++) {
      if (!le(this.ext[3 * i + k]! + this.ext[3 * t + k]!, this.size[k]!)) continue;
      for (let d = 0; d < 2; d++) {
        const forward = d === 0;
        if (!forward && i === 0 && t === 1) continue; // reflection symmetry, see the header comment
        if (++this.nodes > this.maxNodes) throw new BudgetExceeded();
        const from = forward ? i : t;
        const to = forward ? t : i;
        const mark = this.trail.length;
        this.succ[k]![from]!.push(to);
        if (this.propagate(k, from, to) && this.relate(t, i + 1)) return true;
        this.succ[k]![from]!.pop();
        this.undo(mark);
      }
    }
    return false;
  }

  /** Enforce start(to) ≥ start(from) + ext(from) along axis k and push the increase downstream; false on overflow. */
  private propagate(k: number, from: number, to: number): boolean {
    const cap = this.size[k]!;
    const need = this.lo[3 * from + k]! + this.ext[3 * from + k]!;
    if (this.lo[3 * to + k]! >= need) return true;
    this.raise(3 * to + k, need);
    if (!le(need + this.ext[3 * to + k]!, cap)) return false;
    const queue = [to];
    while (queue.length > 0) {
      const v = queue.pop()!;
      const end = this.lo[3 * v + k]! + this.ext[3 * v + k]!;
      for (const s of this.succ[k]![v]!) {
        if (this.lo[3 * s + k]! >= end) continue;
        this.raise(3 * s + k, end);
        // A cycle keeps raising its members' starts, so it ends here too (extents are positive).
        if (!le(end + this.ext[3 * s + k]!, cap)) return false;
        queue.push(s);
      }
    }
    return true;
  }

  private raise(index: number, value: number): void {
    this.trail.push(index, this.lo[index]!);
    this.lo[index] = value;
  }

  private undo(mark: number): void {
    while (this.trail.length > mark) {
      const value = this.trail.pop()!;
      this.lo[this.trail.pop()!] = value;
    }
  }
}
