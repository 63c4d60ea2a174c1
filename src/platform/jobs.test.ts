import { afterEach, describe, expect, it, vi } from 'vitest';
import { jobRunner } from './jobs.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('the jobs runner', () => {
  it('runs a periodic job on its ticks from start to stop, never overlapping itself', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let finish = (): void => undefined;
    const run = vi.fn(() => new Promise<void>((resolve) => { finish = resolve; }));
    const runner = jobRunner({ error: vi.fn() }, [{ name: 'test.sweep', everyMs: 1_000, run }]);
    vi.advanceTimersByTime(5_000);
    expect(run).not.toHaveBeenCalled();

    runner.start();
    vi.advanceTimersByTime(1_000);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(3_000); // still running: the next ticks do not start a second run
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await Promise.resolve();
    await Promise.resolve();
    vi.advanceTimersByTime(1_000);
    expect(run).toHaveBeenCalledTimes(2);

    const stopped = runner.stop(); // waits for the run in flight
    finish();
    await stopped;
    vi.advanceTimersByTime(10_000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('logs a failed run and runs again at the next tick; a job without a period runs once at start', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const error = vi.fn();
    const failing = vi.fn(async () => { throw new Error('boom'); });
    const once = vi.fn(async () => undefined);
    const runner = jobRunner({ error }, [{ name: 'test.failing', everyMs: 1_000, run: failing }, { name: 'test.once', run: once }]);
    runner.start();
    runner.start(); // a second start changes nothing
    expect(once).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    await vi.waitFor(() => expect(error).toHaveBeenCalledTimes(1));
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ job: 'test.failing' }), 'job test.failing failed');
    vi.advanceTimersByTime(1_000);
    expect(failing).toHaveBeenCalledTimes(2);
    await runner.stop();
    expect(once).toHaveBeenCalledTimes(1);
  });

  it('aborts the signal of a long-running job on stop and waits for it to return', async () => {
    let stoppedCleanly = false;
    const consume = vi.fn(async (signal?: AbortSignal) => {
      await new Promise<void>((resolve) => signal!.addEventListener('abort', () => resolve(), { once: true }));
      await new Promise((r) => setTimeout(r, 20)); // finishing the work in hand
      stoppedCleanly = true;
    });
    const runner = jobRunner({ error: vi.fn() }, [{ name: 'test.feed', run: consume }]);
    runner.start();
    expect(consume).toHaveBeenCalledTimes(1);
    const signal = consume.mock.calls[0]![0]!;
    expect(signal.aborted).toBe(false);
    await runner.stop();
    expect(signal.aborted).toBe(true);
    expect(stoppedCleanly).toBe(true);
  });
});
