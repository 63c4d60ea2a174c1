import type { Layout, Pick } from '../../../optimize/geometry/layout.ts';
import { batchOrders, type Order } from '../../../optimize/batching/index.ts';
import { route } from '../../../optimize/routing/index.ts';
import { workerTask } from '../../../platform/workers/worker-pool.ts';

export const DEFAULT_CART_CAPACITY = 40;
export const MAX_CART_CAPACITY = 500;
/**
 * Orders per batching search. The Clarke–Wright construction always completes and prices every pair of orders, so
 * its time grows with the square of this (about 0.5 s for 100 orders of 5–25 items on the bench machine); a larger
 * wave is searched in consecutive groups of this many orders (wave order), which keeps release time linear in size.
 */
export const MAX_ORDERS_PER_SEARCH = 100;

export interface BatchableOrder {
  readonly orderId: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
}

export interface BatchPlanInput {
  /** The wave's orders in wave (pick) order. */
  readonly orders: readonly BatchableOrder[];
  /** Cart capacity in units. */
  readonly capacity: number;
  /** The site's fitted layout, or undefined when it could not be fitted (then every order batches FCFS). */
  readonly layout: Layout | undefined;
  /** Pick position of the location a SKU will most likely be picked from; undefined when unknown or off the layout. */
  readonly pickOf: (sku: string) => Pick | undefined;
  /** Wall-clock cap of the metaheuristic's improvement phase, shared by all groups of orders (default 300 ms). */
  readonly timeBudgetMs?: number;
}

export interface BatchPlan {
  /** Order ids per batch; every input order in exactly one batch; batches in the wave order of their first order. */
  readonly batches: string[][];
  /** Orders that went alone because they hold more units than a cart. */
  readonly oversize: string[];
  /** Orders batched first-come-first-served because some unit of them had no known position. */
  readonly unplaced: string[];
}

const unitsOf = (o: BatchableOrder): number => o.lines.reduce((s, l) => s + l.quantity, 0);

/** First-come-first-served: fill a cart in wave order, start the next one when the next order does not fit. */
export function fcfs(orders: readonly BatchableOrder[], capacity: number): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let load = 0;
  for (const o of orders) {
    const size = unitsOf(o);
    if (current.length > 0 && load + size > capacity) {
      batches.push(current);
      current = [];
      load = 0;
    }
    current.push(o.orderId);
    load += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Groups a wave's orders into cart batches of at most `capacity` units. Every unit is one item on the cart (the
 * batching model's unit), placed at its SKU's likely pick location. Orders whose units can all be placed are batched
 * by iterated local search over the optimal router (shortest total walk); the rest are batched FCFS among themselves.
 * An order larger than the cart cannot share one and goes alone in its own batch (it is still picked, as one list).
 */
export function planBatches(input: BatchPlanInput): BatchPlan {
  const { capacity } = input;
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${String(capacity)}`);
  const oversize: BatchableOrder[] = [];
  const placed: { order: BatchableOrder; picks: Pick[] }[] = [];
  const unplaced: BatchableOrder[] = [];
  for (const o of input.orders) {
    if (unitsOf(o) > capacity) {
      oversize.push(o);
      continue;
    }
    const picks: Pick[] = [];
    let known = input.layout !== undefined;
    for (const l of o.lines) {
      const p = known ? input.pickOf(l.sku) : undefined;
      if (p === undefined) {
        known = false;
        break;
      }
      for (let k = 0; k < l.quantity; k++) picks.push(p);
    }
    if (known) placed.push({ order: o, picks });
    else unplaced.push(o);
  }

  const batches: string[][] = oversize.map((o) => [o.orderId]);
  if (placed.length > 0 && input.layout !== undefined) {
    const orders: Order[] = placed.map((p) => ({ id: p.order.orderId, picks: p.picks }));
    const groups = Math.ceil(orders.length / MAX_ORDERS_PER_SEARCH);
    const budget = (input.timeBudgetMs ?? 300) / groups;
    try {
      const found: string[][] = [];
      for (let g = 0; g < groups; g++) {
        const group = orders.slice(g * MAX_ORDERS_PER_SEARCH, (g + 1) * MAX_ORDERS_PER_SEARCH);
        const result = batchOrders({
          orders: group, capacity, layout: input.layout, router: (l, p) => route(l, p), seed: 1, timeBudgetMs: budget,
        }, 'ils');
        found.push(...result.batches.filter((b) => b.length > 0));
      }
      batches.push(...found);
    } catch {
      // The positions come from a validated fit, so this is not expected; FCFS still gives every order a cart.
      unplaced.unshift(...placed.map((p) => p.order));
    }
  }
  const position = new Map(input.orders.map((o, i) => [o.orderId, i]));
  const unplacedInWaveOrder = [...unplaced].sort((a, b) => (position.get(a.orderId) ?? 0) - (position.get(b.orderId) ?? 0));
  batches.push(...fcfs(unplacedInWaveOrder, capacity));
  const first = (b: readonly string[]): number => Math.min(...b.map((id) => position.get(id) ?? Number.MAX_SAFE_INTEGER));
  batches.sort((a, b) => first(a) - first(b));
  return { batches, oversize: oversize.map((o) => o.orderId), unplaced: unplacedInWaveOrder.map((o) => o.orderId) };
}

/** planBatches with plain data in place of `pickOf` (SKU → pick position; absent when unknown), for a worker thread. */
export function planBatchesJob(job: Omit<BatchPlanInput, 'pickOf'> & { readonly picks: ReadonlyMap<string, Pick> }): BatchPlan {
  const { picks, ...rest } = job;
  return planBatches({ ...rest, pickOf: (sku) => picks.get(sku) });
}

/** The batching search takes up to its budget plus its construction: it runs on the worker pool, off the event loop. */
export const planBatchesTask = workerTask<typeof planBatchesJob>(new URL(import.meta.url), 'planBatchesJob');
