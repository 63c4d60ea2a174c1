import { aisleX, crossAisleY, pickPoint } from '../geometry/layout.ts';
import type { Layout } from '../geometry/layout.ts';
import type { BatchCoster } from './batch-cost.ts';
import type { Order } from './types.ts';

/** Seed selection rules of de Koster, van der Poort & Wolters (1999), plus `first` (arrival order). */
export type SeedRule = 'first' | 'most-picks' | 'farthest-aisle' | 'most-aisles' | 'largest-aisle-range' | 'longest-route';

/** Order addition rules of de Koster et al. (1999), applied cumulatively to the whole batch so far. */
export type AdditionRule = 'fewest-additional-aisles' | 'closest-gravity-centre' | 'least-added-distance';

export interface SeedOptions {
  readonly seedRule?: SeedRule;
  readonly additionRule?: AdditionRule;
}

interface Profile {
  /** Sub-aisles (aisle within a block) the order visits; the picker must enter each one. */
  readonly aisles: ReadonlySet<number>;
  readonly gx: number;
  readonly gy: number;
  readonly farthest: number;
  readonly range: number;
}

function profile(layout: Layout, order: Order): Profile {
  const aisles = new Set<number>();
  let sx = 0;
  let sy = 0;
  let farthest = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of order.picks) {
    aisles.add(p.block * layout.aisles + p.aisle);
    const pt = pickPoint(layout, p);
    sx += pt.x;
    sy += pt.y;
    // Distance from the depot to where the picker enters this sub-aisle.
    farthest = Math.max(farthest, Math.abs(aisleX(layout, p.aisle) - layout.depot.x) + crossAisleY(layout, p.block));
    lo = Math.min(lo, p.aisle);
    hi = Math.max(hi, p.aisle);
  }
  const k = Math.max(1, order.picks.length);
  return { aisles, gx: sx / k, gy: sy / k, farthest, range: order.picks.length === 0 ? 0 : hi - lo };
}

/**
 * Seed algorithm (de Koster, van der Poort & Wolters 1999): open a batch with a seed order chosen by
 * `seedRule`, then keep adding the fitting order that is best by `additionRule` until none fits.
 * Returns batches of order indices.
 */
export function seedBatches(
  coster: BatchCoster,
  layout: Layout,
  orders: readonly Order[],
  capacity: number,
  options: SeedOptions = {},
): number[][] {
  const seedRule = options.seedRule ?? 'farthest-aisle';
  const additionRule = options.additionRule ?? 'fewest-additional-aisles';
  const profiles = orders.map((o) => profile(layout, o));
  const prof = (i: number): Profile => {
    const p = profiles[i];
    if (p === undefined) throw new RangeError(`no order at index ${i}`);
    return p;
  };
  const seedScore = (i: number): number => {
    switch (seedRule) {
      case 'first':
        return -i;
      case 'most-picks':
        return coster.size(i);
      case 'farthest-aisle':
        return prof(i).farthest;
      case 'most-aisles':
        return prof(i).aisles.size;
      case 'largest-aisle-range':
        return prof(i).range;
      case 'longest-route':
        return coster.cost([i]);
    }
  };
  const unassigned = new Set<number>(orders.map((_, i) => i));
  const batches: number[][] = [];
  while (unassigned.size > 0) {
    let seed = -1;
    let bestSeed = -Infinity;
    for (const i of unassigned) {
      const s = seedScore(i);
      if (s > bestSeed) {
        bestSeed = s;
        seed = i;
      }
    }
    unassigned.delete(seed);
    const batch = [seed];
    let load = coster.size(seed);
    const aisles = new Set(prof(seed).aisles);
    let sx = prof(seed).gx * coster.size(seed);
    let sy = prof(seed).gy * coster.size(seed);
    let batchCost = additionRule === 'least-added-distance' ? coster.cost(batch) : 0;
    for (;;) {
      let pick = -1;
      let bestKey: [number, number] = [Infinity, Infinity];
      const gx = load > 0 ? sx / load : 0;
      const gy = load > 0 ? sy / load : 0;
      for (const i of unassigned) {
        if (load + coster.size(i) > capacity) continue;
        const p = prof(i);
        let extra = 0;
        for (const a of p.aisles) if (!aisles.has(a)) extra++;
        const gravity = Math.abs(p.gx - gx) + Math.abs(p.gy - gy);
        // Lexicographic keys: the rule's measure first, the other measure to break the frequent ties.
        let key: [number, number];
        switch (additionRule) {
          case 'fewest-additional-aisles':
            key = [extra, gravity];
            break;
          case 'closest-gravity-centre':
            key = [gravity, extra];
            break;
          case 'least-added-distance':
            key = [coster.cost([...batch, i]) - batchCost, gravity];
            break;
        }
        if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
          bestKey = key;
          pick = i;
        }
      }
      if (pick < 0) break;
      unassigned.delete(pick);
      batch.push(pick);
      const size = coster.size(pick);
      load += size;
      for (const a of prof(pick).aisles) aisles.add(a);
      sx += prof(pick).gx * size;
      sy += prof(pick).gy * size;
      if (additionRule === 'least-added-distance') batchCost = coster.cost(batch);
    }
    batches.push(batch);
  }
  return batches;
}
