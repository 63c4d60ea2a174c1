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

/** Dies: an exception nobody catches ends the thread, as a fault in native code or an out-of-memory would. */
export function crash(): Promise<never> {
  setTimeout(() => {
    throw new Error('boom');
  }, 0);
  return new Promise<never>(() => undefined);
}
