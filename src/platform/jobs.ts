import type { Logger } from 'pino';
import type { Executor } from './db/database.ts';
import type { Metrics } from './telemetry/metrics.ts';

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
  /**
   * Work a run started that goes on past it (`backgroundWork`: a webhook attempt waiting for its receiver): the
   * runner's stop waits for it once the runs in flight have ended.
   */
  readonly settle?: () => Promise<void>;
}

/**
 * Work a periodic job starts and does not wait for: at most `capacity` pieces under way at once. A delivery job's run
 * claims what is due into the room left and returns; the attempts go on, each up to its receiver's timeout, while the
 * next ticks claim more. Waiting for them in the run (one run at a time, ADR 0034 addendum webhookflake) held every other
 * delivery of the process, and the ones a killed process had leased once their lease ended, behind the slowest receiver.
 */
export interface BackgroundWork {
  /** How many more pieces may start now. */
  room(): number;
  /** Starts one piece; a failure is kept for `rethrow`. */
  start(work: () => Promise<void>): void;
  /** Throws what failed since the last call (the run that calls it fails: logged and counted as the job's failure). */
  rethrow(): void;
  /** Resolves once nothing is under way (the job's `settle`). */
  settled(): Promise<void>;
}

export function backgroundWork(capacity: number): BackgroundWork {
  const under = new Set<Promise<void>>();
  let failures: unknown[] = [];
  return {
    room: () => Math.max(0, capacity - under.size),
    start(work) {
      const piece: Promise<void> = work().catch((err: unknown) => { failures.push(err); }).finally(() => under.delete(piece));
      under.add(piece);
    },
    rethrow() {
      if (failures.length === 0) return;
      const failed = failures;
      failures = [];
      throw failed.length === 1 ? failed[0] : new AggregateError(failed, `${failed.length} pieces of background work failed`);
    },
    async settled() {
      while (under.size > 0) await Promise.all(under);
    },
  };
}

export interface JobRunner {
  /** Starts every job (once; a second call does nothing). */
  start(): void;
  /** Stops the timers and waits for the runs in flight, then for the work they left under way (`settle`). */
  stop(): Promise<void>;
}

/**
 * Where periodic jobs' last runs are kept across processes (platform.job_runs): a process schedules each job's first
 * run from it instead of a full period after its own start.
 */
export interface JobSchedule {
  /** Each job's last run, recording `now` for a job never seen (its first run then comes a period later). */
  lastRuns(names: readonly string[], now: Date): Promise<ReadonlyMap<string, Date>>;
  /** A run of the job ended (done or failed) at `at`. */
  ran(name: string, at: Date): Promise<void>;
}

/**
 * Jobs of a shorter period are not scheduled from their last run: one restarted more often than that is restarted
 * faster than a restart takes, and recording every run of a job that ticks each second would be a write a second.
 */
export const SCHEDULED_FROM_MS = 5_000;

/** setTimeout's longest delay (about 24.8 days); a longer first wait is cut to it, and the job runs then. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * The wait before a periodic job's first run in this process: what is left of its period since its last run (in any
 * process), none once it is overdue. Without a last run known, a full period.
 */
export function firstDelayMs(everyMs: number, lastRun: Date | undefined, now: Date): number {
  if (lastRun === undefined) return Math.min(MAX_DELAY_MS, everyMs);
  return Math.min(MAX_DELAY_MS, Math.max(0, lastRun.getTime() + everyMs - now.getTime()));
}

/** The schedule kept in platform.job_runs (migration 007). */
export function databaseJobSchedule(db: Executor): JobSchedule {
  return {
    async lastRuns(names, now) {
      if (names.length === 0) return new Map();
      await db.query(
        `INSERT INTO platform.job_runs (name, last_run_at) SELECT n, $2 FROM unnest($1::text[]) AS n ON CONFLICT (name) DO NOTHING`, [names, now],
      );
      const rows = await db.query<{ name: string; last_run_at: Date }>(`SELECT name, last_run_at FROM platform.job_runs WHERE name = ANY($1::text[])`, [names]);
      return new Map(rows.map((r) => [r.name, r.last_run_at]));
    },
    async ran(name, at) {
      await db.query(
        `INSERT INTO platform.job_runs (name, last_run_at) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET last_run_at = GREATEST(job_runs.last_run_at, EXCLUDED.last_run_at)`,
        [name, at],
      );
    },
  };
}

/**
 * The platform's jobs runner, started by the composition root once the app is built and the bus runs, stopped on
 * close before the bus and the database. A run that fails is logged and the job runs again at its next tick; a run
 * still going when its next tick comes is not overtaken (no job ever overlaps itself). Timers are unref'd: the
 * HTTP server and the bus keep the process alive, not a job. With a `schedule`, a periodic job's first run in this
 * process comes when its period since its last run (in any process) is up, at once when that is past: a server killed
 * and restarted more often than a job's period still runs it about once a period. Without one (or when the schedule
 * cannot be read), a full period after the start.
 */
export function jobRunner(log: Pick<Logger, 'error'>, jobs: readonly Job[], schedule?: JobSchedule, metrics?: Pick<Metrics, 'counter' | 'gauge'>): JobRunner {
  const running = new Map<string, Promise<void>>();
  // A job that keeps failing is more than a log line: its runs by outcome, and its failed runs in a row (0 once one
  // succeeds), for the PakLogJobFailing alert (docs/operations/runbooks.md).
  const inARow = new Map<string, number>(jobs.map((j) => [j.name, 0]));
  const runs = metrics?.counter('paklog_job_runs_total', 'Runs of the periodic jobs of this process, by job and outcome (ok, failed)', ['job_name', 'outcome']);
  metrics?.gauge('paklog_job_failed_runs_in_a_row', 'How many runs of each job of this process have failed in a row (0: its last run succeeded)', ['job_name'], async (g) => {
    for (const [name, n] of inARow) g.set({ job_name: name }, n);
  });
  const ended = (name: string, outcome: 'ok' | 'failed'): void => {
    runs?.inc({ job_name: name, outcome });
    inARow.set(name, outcome === 'ok' ? 0 : (inARow.get(name) ?? 0) + 1);
  };
  const timers: NodeJS.Timeout[] = [];
  const closing = new AbortController();
  let started = false;

  const tick = (job: Job): void => {
    if (running.has(job.name) || closing.signal.aborted) return;
    const ran = job.run(closing.signal)
      .then(() => ended(job.name, 'ok'), (err: unknown) => {
        ended(job.name, 'failed');
        log.error({ err, job: job.name }, `job ${job.name} failed`);
      });
    // A scheduled job's run is recorded once it ends (done or failed): a run a kill cut short is due again at the start.
    const recorded = schedule === undefined || job.everyMs === undefined || job.everyMs < SCHEDULED_FROM_MS ? ran
      : ran.then(() => schedule.ran(job.name, new Date())).catch((err: unknown) => log.error({ err, job: job.name }, `job ${job.name}: its run could not be recorded`));
    const run = recorded.finally(() => running.delete(job.name));
    running.set(job.name, run);
  };

  const every = (job: Job, everyMs: number): void => {
    const timer = setInterval(() => tick(job), everyMs);
    timer.unref();
    timers.push(timer);
  };

  let scheduling: Promise<void> | undefined;
  const startPeriodic = async (periodic: readonly (Job & { everyMs: number })[]): Promise<void> => {
    let last: ReadonlyMap<string, Date> | undefined;
    const now = new Date();
    try {
      last = await schedule?.lastRuns(periodic.map((j) => j.name), now);
    } catch (err) {
      if (closing.signal.aborted) return;
      log.error({ err }, 'jobs: the last runs of the periodic jobs could not be read; each runs a full period after this start');
    }
    if (closing.signal.aborted) return;
    for (const job of periodic) {
      const delay = firstDelayMs(job.everyMs, last?.get(job.name), now);
      if (delay >= job.everyMs) {
        every(job, job.everyMs);
        continue;
      }
      const first = setTimeout(() => {
        if (closing.signal.aborted) return;
        tick(job);
        every(job, job.everyMs);
      }, delay);
      first.unref();
      timers.push(first);
    }
  };

  return {
    start() {
      if (started) return;
      started = true;
      const periodic: (Job & { everyMs: number })[] = [];
      for (const job of jobs) {
        if (job.everyMs === undefined) tick(job);
        else periodic.push(job as Job & { everyMs: number });
      }
      const scheduled = schedule === undefined ? [] : periodic.filter((j) => j.everyMs >= SCHEDULED_FROM_MS);
      for (const job of periodic) if (!scheduled.includes(job)) every(job, job.everyMs);
      if (scheduled.length > 0) scheduling = startPeriodic(scheduled);
    },
    async stop() {
      closing.abort();
      await scheduling;
      for (const timer of timers.splice(0)) clearInterval(timer);
      await Promise.all(running.values());
      await Promise.all(jobs.map(async (job) => {
        try {
          await job.settle?.();
        } catch (err) {
          log.error({ err, job: job.name }, `job ${job.name}: its work under way failed`);
        }
      }));
    },
  };
}
