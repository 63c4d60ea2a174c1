import type { Layout, Pick } from '../geometry/layout.ts';
import { depotDistance, pickDistance, tourLength } from '../geometry/layout.ts';
import type { RouteResult } from './types.ts';

/** Beyond this the DP table (2^n · n doubles) stops fitting comfortably in memory. */
export const HELD_KARP_MAX_PICKS = 18;

/**
 * Exact TSP over the picks by dynamic programming over subsets.
 * Source: Held & Karp, "A dynamic programming approach to sequencing problems", 1962.
 * O(2^n · n²) time; used as the oracle for tests and benchmarks and for tiny orders.
 */
export function heldKarp(layout: Layout, picks: readonly Pick[]): RouteResult {
  const n = picks.length;
  if (n === 0) return { length: 0, sequence: [], method: 'held-karp' };
  if (n > HELD_KARP_MAX_PICKS) {
    throw new RangeError(`picks.length must be <= ${HELD_KARP_MAX_PICKS} for held-karp, got ${n}`);
  }
  const dist = new Float64Array(n * n);
  const fromDepot = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = picks[i] as Pick;
    fromDepot[i] = depotDistance(layout, p);
    for (let j = 0; j < n; j++) dist[i * n + j] = pickDistance(layout, p, picks[j] as Pick);
  }
  const full = (1 << n) - 1;
  // cost[mask * n + j]: shortest path from the depot through exactly the picks in mask, ending at j ∈ mask.
  const cost = new Float64Array((full + 1) * n).fill(Infinity);
  const parent = new Int8Array((full + 1) * n).fill(-1);
  for (let j = 0; j < n; j++) cost[(1 << j) * n + j] = fromDepot[j] as number;
  for (let mask = 1; mask <= full; mask++) {
    const base = mask * n;
    for (let j = 0; j < n; j++) {
      if ((mask & (1 << j)) === 0) continue;
      const cj = cost[base + j] as number;
      if (cj === Infinity) continue;
      const row = j * n;
      for (let k = 0; k < n; k++) {
        if ((mask & (1 << k)) !== 0) continue;
        const idx = (mask | (1 << k)) * n + k;
        const c = cj + (dist[row + k] as number);
        // Strict < keeps the first (lowest-index) predecessor on ties, so results are deterministic.
        if (c < (cost[idx] as number)) {
          cost[idx] = c;
          parent[idx] = j;
        }
      }
    }
  }
  let best = Infinity;
  let last = -1;
  for (let j = 0; j < n; j++) {
    const c = (cost[full * n + j] as number) + (fromDepot[j] as number);
    if (c < best) {
      best = c;
      last = j;
    }
  }
  const reversed: number[] = [];
  let mask = full;
  let j = last;
  while (j >= 0) {
    reversed.push(j);
    const p = parent[mask * n + j] as number;
    mask &= ~(1 << j);
    j = p;
  }
  const sequence = reversed.reverse();
  return { length: tourLength(layout, picks, sequence), sequence, method: 'held-karp' };
}
