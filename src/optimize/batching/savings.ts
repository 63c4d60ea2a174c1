import type { BatchCoster } from './batch-cost.ts';

/**
 * Clarke & Wright (1964) savings adapted to order batching, variant C&W(ii) of de Koster, van der Poort &
 * Wolters (1999): start with one batch per order, repeatedly merge the pair of batches that fits the cart
 * and saves the most route length, recomputing the savings of the merged batch after every merge.
 * Returns batches of order indices.
 */
export function savingsBatches(
  coster: BatchCoster,
  orderCount: number,
  capacity: number,
): number[][] {
  const n = orderCount;
  const members: number[][] = [];
  const load: number[] = [];
  const cost: number[] = [];
  for (let i = 0; i < n; i++) {
    members.push([i]);
    load.push(coster.size(i));
    cost.push(coster.cost([i]));
  }
  const alive = new Uint8Array(n).fill(1);
  // saving[a * n + b] for a < b; -Infinity when the pair cannot share a cart.
  const saving = new Float64Array(n * n).fill(-Infinity);
  const price = (a: number, b: number): void => {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const ma = members[lo] ?? [];
    const mb = members[hi] ?? [];
    const la = load[lo] ?? 0;
    const lb = load[hi] ?? 0;
    saving[lo * n + hi] =
      la + lb > capacity ? -Infinity : (cost[lo] ?? 0) + (cost[hi] ?? 0) - coster.cost([...ma, ...mb]);
  };
  // No deadline: a construction cut short is worse than no construction (issue 6, item 12), and its cost is
  // predictable (about n²/2 router calls to price the pairs, then n per merge), so callers bound it by input size.
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) price(a, b);

  for (;;) {
    let best = -Infinity;
    let bestA = -1;
    let bestB = -1;
    for (let a = 0; a < n; a++) {
      if (alive[a] === 0) continue;
      for (let b = a + 1; b < n; b++) {
        if (alive[b] === 0) continue;
        const s = saving[a * n + b] ?? -Infinity;
        if (s > best) {
          best = s;
          bestA = a;
          bestB = b;
        }
      }
    }
    // Merge only while a merge does not lengthen the routes; an exact router never makes savings negative.
    if (bestA < 0 || best < -1e-9) break;
    const merged = [...(members[bestA] ?? []), ...(members[bestB] ?? [])];
    members[bestA] = merged;
    load[bestA] = (load[bestA] ?? 0) + (load[bestB] ?? 0);
    cost[bestA] = coster.cost(merged);
    alive[bestB] = 0;
    for (let c = 0; c < n; c++) if (c !== bestA && alive[c] === 1) price(bestA, c);
  }
  const out: number[][] = [];
  for (let a = 0; a < n; a++) if (alive[a] === 1) out.push(members[a] ?? []);
  return out;
}
