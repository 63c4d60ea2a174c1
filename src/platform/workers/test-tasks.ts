// Tasks for worker-pool.test.ts: exported functions the pool runs on its threads.

/** Keeps its thread busy for `ms` milliseconds, then returns `value`. */
export function spin(input: { ms: number; value: number }): number {
  const end = performance.now() + input.ms;
  while (performance.now() < end) {
    // busy: a CPU-bound computation
  }
  return input.value;
}

export function rejectInput(input: { field: string }): never {
  throw new RangeError(`${input.field} is out of range`);
}

export function crash(): never {
  process.exit(3);
}
