import type { Logger } from 'pino';

/** Background work a context owns: periodic (a sweep, a timeout) or once at start (a backfill). */
export interface Job {
  /** `<context>.<what>`, e.g. `tasks.assignment-timeout`; named in the log when a run fails. */
  readonly name: string;
  /** Period in milliseconds; without it the job runs once, when the app starts. */
  readonly everyMs?: number;
  /**
   * One run. The runner's `signal` aborts when the app closes: a job without a period that keeps working (a feed
   * consumer) returns once it has stopped, and the runner waits for it. (Tests call a periodic job's run without one.)
   */
  readonly run: (signal?: AbortSignal) => Promise<unknown>;
}

export interface JobRunner {
  /** Starts every job (once; a second call does nothing). */
  start(): void;
  /** Stops the timers and waits for the runs in flight. */
  stop(): Promise<void>;
}

/**
 * The platform's jobs runner, started by the composition root once the app is built and the bus runs, stopped on
 * close before the bus and the database. A run that fails is logged and the job runs again at its next tick; a run
 * still going when its next tick comes is not overtaken (no job ever overlaps itself). Timers are unref'd: the
 * HTTP server and the bus keep the process alive, not a job.
 */
export function jobRunner(log: Pick<Logger, 'error'>, jobs: readonly Job[]): JobRunner {
  const running = new Map<string, Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  const closing = new AbortController();
  let started = false;

  const tick = (job: Job): void => {
    if (running.has(job.name) || closing.signal.aborted) return;
    const run = job.run(closing.signal)
      .then(() => undefined, (err: unknown) => log.error({ err, job: job.name }, `job ${job.name} failed`))
      .finally(() => running.delete(job.name));
    running.set(job.name, run);
  };

  return {
    start() {
      if (started) return;
      started = true;
      for (const job of jobs) {
        if (job.everyMs === undefined) {
          tick(job);
          continue;
        }
        const timer = setInterval(() => tick(job), job.everyMs);
        timer.unref();
        timers.push(timer);
      }
    },
    async stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      closing.abort();
      await Promise.all(running.values());
    },
  };
}
