import { BatchCoster } from './batch-cost.ts';
import { fcfsBatches } from './fcfs.ts';
import { iteratedLocalSearch } from './ils.ts';
import { createRng } from '../random.ts';
import { savingsBatches } from './savings.ts';
import { seedBatches } from './seed.ts';
import type { SeedOptions } from './seed.ts';
import type { BatchingInput, BatchingMethod, BatchingResult } from './types.ts';
import { validateBatchingInput } from './validate.ts';
import { pickPoint } from '../geometry/layout.ts';

export type { BatchingInput, BatchingMethod, BatchingResult, Order } from './types.ts';
export type { AdditionRule, SeedOptions, SeedRule } from './seed.ts';
export { BatchCoster } from './batch-cost.ts';

export interface BatchOrdersOptions extends SeedOptions {
  /** Orders exchanged per ILS perturbation. */
  readonly perturbationSwaps?: number;
  /** ILS threshold-accepting bound as a fraction of the start length. */
  readonly threshold?: number;
  /** ILS tries moves of a batch only with this many nearest batches (by pick centre); default all. */
  readonly neighbours?: number;
}

/**
 * Groups orders into cart batches. `ils` (default) starts from the better of the complete Clarke–Wright and seed
 * solutions and improves it by iterated local search for `timeBudgetMs` from the end of that construction, so the
 * answer is never worse than Clarke–Wright's, however busy the machine or small the budget.
 */
export function batchOrders(
  input: BatchingInput,
  method: BatchingMethod = 'ils',
  options: BatchOrdersOptions = {},
): BatchingResult {
  validateBatchingInput(input);
  const { orders, capacity, layout, router } = input;
  const coster = new BatchCoster(layout, orders, router);
  const n = orders.length;
  let batches: number[][];
  switch (method) {
    case 'fcfs':
      batches = fcfsBatches(coster, n, capacity);
      break;
    case 'seed':
      batches = seedBatches(coster, layout, orders, capacity, options);
      break;
    case 'savings':
      batches = savingsBatches(coster, n, capacity);
      break;
    case 'ils': {
      const total = (bs: readonly number[][]): number => bs.reduce((s, b) => s + coster.cost(b), 0);
      // The construction always completes: cut short under CPU contention it left ILS a start worse than plain
      // Clarke–Wright (issue 6, item 12). The budget is the improvement phase's alone.
      const cw = savingsBatches(coster, n, capacity);
      const sd = seedBatches(coster, layout, orders, capacity, options);
      const initial = total(sd) < total(cw) ? sd : cw;
      const deadline = performance.now() + (input.timeBudgetMs ?? 1000);
      batches = iteratedLocalSearch(coster, initial, {
        capacity,
        rng: createRng(input.seed ?? 1),
        deadline,
        maxIterations: input.maxIterations ?? Infinity,
        ...(options.perturbationSwaps === undefined ? {} : { perturbationSwaps: options.perturbationSwaps }),
        ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
        ...(options.neighbours === undefined ? {} : { neighbours: options.neighbours, centre: orderCentres(input) }),
      });
      break;
    }
  }
  const ids = batches.map((b) => b.map((i) => orders[i]?.id ?? ''));
  const length = batches.reduce((s, b) => s + coster.cost(b), 0);
  return { batches: ids, length };
}

/** Mean pick point of each order, by input index. */
function orderCentres(input: BatchingInput): (order: number) => readonly [number, number] {
  const centres = input.orders.map((o): readonly [number, number] => {
    let x = 0;
    let y = 0;
    for (const p of o.picks) {
      const pt = pickPoint(input.layout, p);
      x += pt.x;
      y += pt.y;
    }
    const k = Math.max(1, o.picks.length);
    return [x / k, y / k];
  });
  return (i) => centres[i] ?? [0, 0];
}
