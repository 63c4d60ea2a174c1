import { validateLayout, validatePick } from '../geometry/layout.ts';
import type { BatchingInput } from './types.ts';

/** Throws a RangeError naming the offending field or order, so callers can fix their input. */
export function validateBatchingInput(input: BatchingInput): void {
  validateLayout(input.layout);
  const { capacity } = input;
  if (!Number.isInteger(capacity) || capacity <= 0) {
    throw new RangeError(`capacity must be a positive integer number of items, got ${String(capacity)}`);
  }
  const seen = new Set<string>();
  for (const order of input.orders) {
    if (seen.has(order.id)) throw new RangeError(`order id "${order.id}" appears more than once`);
    seen.add(order.id);
    if (order.picks.length > capacity) {
      throw new RangeError(
        `order "${order.id}" has ${order.picks.length} items, more than the cart capacity of ${capacity}; split it first`,
      );
    }
    order.picks.forEach((p, i) => validatePick(input.layout, p, `order "${order.id}" pick ${i}`));
  }
  if (input.timeBudgetMs !== undefined && !(input.timeBudgetMs >= 0)) {
    throw new RangeError(`timeBudgetMs must be >= 0, got ${String(input.timeBudgetMs)}`);
  }
  if (input.maxIterations !== undefined && !(input.maxIterations >= 0)) {
    throw new RangeError(`maxIterations must be >= 0, got ${String(input.maxIterations)}`);
  }
}
