import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { WorkerPool, workerTask } from './worker-pool.ts';
import type { crash, rejectInput, spin } from './test-tasks.ts';

const tasks = new URL('./test-tasks.ts', import.meta.url);
const spinTask = workerTask<typeof spin>(tasks, 'spin');
const rejectTask = workerTask<typeof rejectInput>(tasks, 'rejectInput');
const crashTask = workerTask<typeof crash>(tasks, 'crash');

let pool: WorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('WorkerPool', () => {
  it('runs a task on a thread while the event loop stays free', async () => {
    pool = new WorkerPool({ threads: 1, maxQueue: 4 });
    await pool.run(spinTask, { ms: 0, value: 0 }); // warm-up: the thread loads tsx and the module once
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    const value = await pool.run(spinTask, { ms: 600, value: 42 });
    clearInterval(timer);
    expect(value).toBe(42);
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
    // Run on this thread, the 600 ms spin would have let no timer fire.
    expect(ticks).toBeGreaterThan(10);
  });

  it('queues up to maxQueue tasks, refuses the next with a retryable BUSY, and runs the queued ones in turn', async () => {
    pool = new WorkerPool({ threads: 1, maxQueue: 2 });
    const running = [1, 2, 3].map((value) => pool!.run(spinTask, { ms: 100, value }));
    expect(pool.load).toEqual({ running: 1, queued: 2 });
    const refused = await pool.run(spinTask, { ms: 1, value: 4 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'BUSY', status: 503, retryable: true });
    expect(await Promise.all(running)).toEqual([1, 2, 3]);
    expect(pool.load).toEqual({ running: 0, queued: 0 });
  });

  it('rethrows a task error as the same kind (RangeError stays bad input)', async () => {
    pool = new WorkerPool({ threads: 1, maxQueue: 1 });
    const e = await pool.run(rejectTask, { field: 'capacity' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RangeError);
    expect((e as Error).message).toBe('capacity is out of range');
  });

  it('fails the task of a thread that dies with INTERNAL and keeps serving on a new thread', async () => {
    pool = new WorkerPool({ threads: 1, maxQueue: 1 });
    const e = await pool.run(crashTask, undefined as never).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'INTERNAL' });
    expect(await pool.run(spinTask, { ms: 1, value: 7 })).toBe(7);
  });

  it('with 0 threads runs on the calling thread', async () => {
    pool = new WorkerPool({ threads: 0, maxQueue: 0 });
    expect(await pool.run(spinTask, { ms: 1, value: 9 })).toBe(9);
  });

  it('a closed pool refuses tasks', async () => {
    pool = new WorkerPool({ threads: 1, maxQueue: 1 });
    await pool.close();
    await expect(pool.run(spinTask, { ms: 1, value: 1 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
