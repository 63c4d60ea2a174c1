// Worker tasks of the offload benchmark: pure functions a WorkerPool thread runs.
import { slotSkus } from '../src/optimize/slotting/index.ts';
import type { SlottingInput } from '../src/optimize/slotting/index.ts';

/** Correlated slotting; returns how many SKUs got a location (the answer itself is not the point here). */
export function correlatedSlotting(input: SlottingInput): number {
  return slotSkus(input, 'correlated').size;
}
