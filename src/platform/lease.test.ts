import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { keepRenewing } from './lease.ts';

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

it('renews every period until stopped, never two renewals at once, and stops by itself once the lease is gone', async () => {
  let calls = 0;
  let release: (() => void) | undefined;
  const stop = keepRenewing(() => { calls++; return new Promise<boolean>((r) => { release = () => r(true); }); }, 1_000, () => undefined);
  await vi.advanceTimersByTimeAsync(3_500);
  expect(calls).toBe(1); // the first renewal still in flight: no second one
  release!();
  await vi.advanceTimersByTimeAsync(1_000);
  expect(calls).toBe(2);
  stop();
  release!();
  await vi.advanceTimersByTimeAsync(5_000);
  expect(calls).toBe(2);

  let gone = 0;
  keepRenewing(async () => { gone++; return false; }, 1_000, () => undefined);
  await vi.advanceTimersByTimeAsync(5_000);
  expect(gone).toBe(1);
});

it('a failed renewal is reported and tried again at the next tick', async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const stop = keepRenewing(async () => { calls++; throw new Error('connection lost'); }, 1_000, (e) => errors.push(e));
  await vi.advanceTimersByTimeAsync(3_000);
  stop();
  expect(calls).toBe(3);
  expect(errors).toHaveLength(3);
});
