import type { Layout, Pick } from '../geometry/layout.ts';
import type { Router } from '../routing/types.ts';
import type { Order } from './types.ts';

/**
 * Prices batches with the router and memoises them: local search revisits the same batches many times.
 * Orders are referred to by their index in the input, which identifies them as uniquely as their ids
 * and makes the cache key (sorted indices) cheap to build.
 */
export class BatchCoster {
  private readonly cache = new Map<string, number>();
  /** Router calls made, for diagnostics and tests. */
  routerCalls = 0;

  constructor(
    private readonly layout: Layout,
    private readonly orders: readonly Order[],
    private readonly router: Router,
    // Bounded so a long search cannot exhaust memory; clearing only costs recomputation.
    private readonly maxEntries = 1_000_000,
  ) {}

  size(order: number): number {
    return this.order(order).picks.length;
  }

  cost(members: readonly number[]): number {
    if (members.length === 0) return 0;
    const sorted = members.length === 1 ? members : [...members].sort((a, b) => a - b);
    const key = sorted.join(',');
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const picks: Pick[] = [];
    for (const o of sorted) for (const p of this.order(o).picks) picks.push(p);
    const length = picks.length === 0 ? 0 : this.router(this.layout, picks).length;
    this.routerCalls++;
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(key, length);
    return length;
  }

  private order(i: number): Order {
    const o = this.orders[i];
    if (o === undefined) throw new RangeError(`no order at index ${i}`);
    return o;
  }
}
