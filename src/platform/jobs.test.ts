import { afterEach, describe, expect, it, vi } from 'vitest';
import { Metrics } from './telemetry/metrics.ts';
import { backgroundWork, firstDelayMs, jobRunner, type JobSchedule } from './jobs.ts';

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

  it('counts each job\'s runs by outcome and how many failed in a row (found by the exceptions hunt: a job failing for hours was only a log line)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const metrics = new Metrics({ defaultMetrics: false });
    let fail = true;
    const flaky = vi.fn(async () => { if (fail) throw new Error('the ERP folder is not writable'); });
    const runner = jobRunner({ error: vi.fn() }, [{ name: 'test.flaky', everyMs: 1_000, run: flaky }], undefined, metrics);
    runner.start();
    const value = async (name: string, labels: Record<string, string>): Promise<number | undefined> =>
      (await metrics.registry.getSingleMetric(name)?.get())?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
    for (let i = 1; i <= 3; i++) {
      vi.advanceTimersByTime(1_000);
      await vi.waitFor(async () => expect(await value('paklog_job_runs_total', { job_name: 'test.flaky', outcome: 'failed' })).toBe(i));
    }
    expect(await value('paklog_job_failed_runs_in_a_row', { job_name: 'test.flaky' })).toBe(3);
    fail = false;
    vi.advanceTimersByTime(1_000);
    await vi.waitFor(async () => expect(await value('paklog_job_runs_total', { job_name: 'test.flaky', outcome: 'ok' })).toBe(1));
    expect(await value('paklog_job_failed_runs_in_a_row', { job_name: 'test.flaky' })).toBe(0);
    await runner.stop();
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

  it('schedules a periodic job\'s first run from its last run in any process: at once when overdue, else what is left of the period', async () => {
    const now = new Date('2026-12-05T06:00:00Z');
    expect(firstDelayMs(60_000, undefined, now)).toBe(60_000);
    expect(firstDelayMs(60_000, new Date(now.getTime() - 70_000), now)).toBe(0);
    expect(firstDelayMs(60_000, new Date(now.getTime() - 45_000), now)).toBe(15_000);
    expect(firstDelayMs(7 * 86_400_000 * 5, now, now)).toBe(2 ** 31 - 1);

    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(now);
    const recorded: string[] = [];
    const schedule: JobSchedule = {
      lastRuns: async (names) => new Map(names.map((n) => [n, new Date(now.getTime() - (n === 'test.overdue' ? 90_000 : 50_000))])),
      ran: async (name) => { recorded.push(name); },
    };
    const overdue = vi.fn(async () => undefined);
    const due = vi.fn(async () => undefined);
    const fast = vi.fn(async () => undefined);
    const runner = jobRunner({ error: vi.fn() }, [
      { name: 'test.overdue', everyMs: 60_000, run: overdue }, { name: 'test.due', everyMs: 60_000, run: due }, { name: 'test.fast', everyMs: 1_000, run: fast },
    ], schedule);
    runner.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(overdue).toHaveBeenCalledTimes(1); // a kill kept it from running for 90 s: at once
    expect(due).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(due).toHaveBeenCalledTimes(1); // 50 s of its 60 s had passed: 10 s after the start
    expect(fast).toHaveBeenCalledTimes(10); // a short period keeps its own ticks, unrecorded
    await vi.advanceTimersByTimeAsync(60_000);
    expect([overdue.mock.calls.length, due.mock.calls.length]).toEqual([2, 2]);
    expect([...new Set(recorded)].sort()).toEqual(['test.due', 'test.overdue']);
    await runner.stop();
  });

  it('a job\'s work under way goes on past its run: the next ticks run meanwhile, a failure is the next run\'s, the stop waits for it (found by the webhookflake hunt)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const work = backgroundWork(2);
    const held: (() => void)[] = [];
    let failNext = false;
    const run = vi.fn(async () => {
      // One piece a run, while there is room: each waits until released (a receiver holding its answer).
      if (work.room() > 0) {
        const fail = failNext;
        work.start(() => new Promise<void>((resolve, reject) => { held.push(() => (fail ? reject(new Error('the answer could not be recorded')) : resolve())); }));
      }
      work.rethrow();
    });
    const error = vi.fn();
    const runner = jobRunner({ error }, [{ name: 'test.sender', everyMs: 1_000, run, settle: () => work.settled() }]);
    runner.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(run).toHaveBeenCalledTimes(3); // not held behind the first piece, still under way
    expect([held.length, work.room()]).toEqual([2, 0]); // at most 2 under way
    failNext = true;
    held.shift()!();
    await vi.advanceTimersByTimeAsync(1_000);
    expect([held.length, work.room()]).toEqual([2, 0]);
    held.pop()!(); // fails
    await vi.advanceTimersByTimeAsync(1_000);
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ job: 'test.sender' }), 'job test.sender failed');
    let stopped = false;
    const stopping = runner.stop().then(() => { stopped = true; });
    await vi.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false); // a piece is still under way
    for (const release of held.splice(0)) release();
    await stopping;
    expect(work.room()).toBe(2);
  });
});
