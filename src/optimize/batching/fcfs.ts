import type { BatchCoster } from './batch-cost.ts';

/**
 * First-come-first-served batching (the baseline of de Koster, van der Poort & Wolters 1999):
 * fill the cart with orders in arrival sequence and start a new cart when the next order does not fit.
 * Returns batches of order indices.
 */
export function fcfsBatches(coster: BatchCoster, orderCount: number, capacity: number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let load = 0;
  for (let i = 0; i < orderCount; i++) {
    const size = coster.size(i);
    if (current.length > 0 && load + size > capacity) {
      batches.push(current);
      current = [];
      load = 0;
    }
    current.push(i);
    load += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
