import { freshDatabase } from '../test/support/fresh-database.ts';
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** A server the bench drives with one key: it measures the flow, not the per-key limits (0 = none). */
export const NO_RATE_LIMITS = { PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0' } as const;

export function numberArg(args: readonly string[], name: string, fallback: number): number {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? fallback : Number(a.split('=')[1]);
}

/** `--name=value` or `--name value`. */
export function stringArg(args: readonly string[], name: string, fallback: string): string {
  const i = args.findIndex((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const a = args[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : (args[i + 1] ?? fallback);
}

export async function inPool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** A fresh database on a PostgreSQL server (a server URL), dropped by `drop`. */
export const benchDatabase = (serverUrl: string): ReturnType<typeof freshDatabase> => freshDatabase(serverUrl, 'paklog_bench');

/**
 * A long bench on a server that runs without autovacuum (the CI machine's does) stands in for it: `VACUUM (ANALYZE)` of
 * the bench's database every `everyMs`, so the day's dead rows and stale statistics (src/platform/db/maintenance.ts)
 * do not decide the figures. Does nothing when autovacuum is on. Returns how many times it ran, when stopped.
 */
export async function standInForAutovacuum(url: string, everyMs = 300_000): Promise<{ readonly standingIn: boolean; stop(): Promise<number> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
  if (rows[0]?.autovacuum === 'on') {
    await client.end();
    return { standingIn: false, stop: async () => 0 };
  }
  let runs = 0;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => client.query('VACUUM (ANALYZE)')).then(() => runs++, (e: unknown) => console.error(`VACUUM failed: ${String(e)}`));
  }, everyMs);
  return {
    standingIn: true,
    stop: async () => {
      clearInterval(timer);
      await running;
      await client.end();
      return runs;
    },
  };
}

/** CPU seconds (user + system) a process has used so far (Linux /proc; 0 elsewhere). */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in clock ticks.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (Linux /proc/stat; zeros elsewhere). */
export function machineCpuTicks(): { busy: number; total: number } {
  try {
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
      readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return { busy: total - idle - iowait, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** Durable single-row INSERT commits per second, one client: the ceiling of any one-commit-per-request path. */
export async function rawCommitRate(url: string, seconds: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE IF NOT EXISTS bench_commit (id serial PRIMARY KEY, v int NOT NULL)');
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  while (performance.now() < end) {
    await client.query('INSERT INTO bench_commit (v) VALUES ($1)', [n]);
    n++;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  await client.query('DROP TABLE bench_commit');
  await client.end();
  return rate;
}

/**
 * CPU of the PostgreSQL backends serving one database, sampled from /proc while `fn`-style work runs: `start()` takes
 * the baseline, `stop()` answers CPU seconds used since. Backends are found in pg_stat_activity through `admin` (a
 * connection to another database, so its own backend is not counted) every `everyMs`; a backend that starts meanwhile
 * counts from zero, one that ends keeps its last sample (the pool ends only connections idle for seconds, so the loss
 * is nil). `exclude`: backends of the bench's own probes. Linux and a server on this machine only: `undefined` when
 * /proc has none of the backends.
 */
export function backendCpuSampler(admin: pg.Client, database: string, exclude: readonly number[] = [], everyMs = 200): { start(): Promise<void>; stop(): Promise<number | undefined> } {
  const baseline = new Map<number, number>();
  const last = new Map<number, number>();
  let timer: NodeJS.Timeout | undefined;
  let sampling: Promise<void> = Promise.resolve();
  let readable = false;
  const sample = async (into: Map<number, number>): Promise<void> => {
    const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> ALL($2::int[])', [database, exclude]);
    for (const { pid } of rows) {
      const cpu = backendTicks(pid);
      if (cpu === undefined) continue;
      readable = true;
      into.set(pid, cpu);
    }
  };
  return {
    async start() {
      await sample(baseline);
      for (const [pid, cpu] of baseline) last.set(pid, cpu);
      timer = setInterval(() => {
        sampling = sampling.then(() => sample(last)).catch(() => undefined);
      }, everyMs);
    },
    async stop() {
      clearInterval(timer);
      await sampling;
      await sample(last);
      if (!readable) return undefined;
      let ticks = 0;
      for (const [pid, cpu] of last) ticks += cpu - (baseline.get(pid) ?? 0);
      return ticks / 100;
    },
  };
}

/** utime + stime of a process in clock ticks (1/100 s), or undefined when /proc does not show it. */
function backendTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
