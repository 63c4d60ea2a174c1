/**
 * Memory of the all-in-one deployment after a benchmark (issue 18 b: Node + PostgreSQL ≤ 300 MB): Node's own figures
 * and the PostgreSQL server's processes' proportional set size (PSS) from Linux /proc.
 *
 * PSS, not RSS, for PostgreSQL: every server process maps the same shared buffers, so the sum of their RSS counts the
 * shared pages once per process that touched them; PSS splits each shared page between the processes that map it, so
 * the sum over the server's processes counts it once.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';

/**
 * Resident and proportional set size of one process, KiB (from /proc/<pid>/smaps_rollup), and the PSS split into
 * anonymous (the process's own allocations), shared memory (PostgreSQL's shared buffers) and file pages (binaries,
 * libraries): 0 where the kernel does not report the split.
 */
export interface ProcessMemory { rssKiB: number; pssKiB: number; pssAnonKiB: number; pssShmemKiB: number; pssFileKiB: number }

/** The `Rss:` and `Pss:` lines of a /proc/<pid>/smaps_rollup text; undefined when either is missing. */
export function parseSmapsRollup(text: string): ProcessMemory | undefined {
  const kib = (field: string): number | undefined => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
    return m === null ? undefined : Number(m[1]);
  };
  const rssKiB = kib('Rss');
  const pssKiB = kib('Pss');
  if (rssKiB === undefined || pssKiB === undefined) return undefined;
  return { rssKiB, pssKiB, pssAnonKiB: kib('Pss_Anon') ?? 0, pssShmemKiB: kib('Pss_Shmem') ?? 0, pssFileKiB: kib('Pss_File') ?? 0 };
}

/** The parent pid in a /proc/<pid>/stat text (its 4th field, after the command name, which may hold spaces). */
export function parentPid(stat: string): number | undefined {
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

/** A process's memory; undefined without /proc or without the right to read it (another user's, when not root). */
export function processMemory(pid: number): ProcessMemory | undefined {
  try {
    return parseSmapsRollup(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  } catch {
    return undefined;
  }
}

const MIB = 1024;

/** The `Threads:` line of /proc/<pid>/status (the main thread, libuv's and V8's, worker threads); null without /proc. */
export function threadCount(pid: number): number | null {
  try {
    const m = /^Threads:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? null : Number(m[1]);
  } catch {
    return null;
  }
}

/** Node's memory now, MiB (process.memoryUsage: RSS, V8 heap used and reserved, external and array buffers). */
export function nodeMemory(): { rssMiB: number; heapUsedMiB: number; heapTotalMiB: number; externalMiB: number; arrayBuffersMiB: number } {
  const m = process.memoryUsage();
  const mib = (bytes: number): number => +(bytes / 1024 / 1024).toFixed(1);
  return { rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), externalMiB: mib(m.external), arrayBuffersMiB: mib(m.arrayBuffers) };
}

/**
 * The value of one unlabelled sample in a Prometheus text exposition (`/metrics`), e.g.
 * `paklog_nodejs_heap_size_used_bytes`; undefined when absent.
 */
export function metricValue(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{\\})? (\\S+)`, 'm').exec(text);
  if (m === null) return undefined;
  const v = Number(m[1]);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Memory of a server running in its own process (the flow bench's `--server=dist`), MiB: RSS and PSS from
 * /proc/<pid>/smaps_rollup (RSS is the figure counted: what the process holds, alone on a machine; PSS splits the pages it
 * shares with other processes, the node binary with the bench's own process for one), and V8's heap and external
 * memory as the server reports them on /metrics (prom-client's default metrics, prefix `paklog_`). Undefined without /proc.
 */
export function serverProcessMemory(pid: number, metrics: string | undefined): {
  rssMiB: number; pssMiB: number; pssAnonMiB: number; pssFileMiB: number; threads: number | null;
  heapUsedMiB: number | null; heapTotalMiB: number | null; externalMiB: number | null;
} | undefined {
  const m = processMemory(pid);
  if (m === undefined) return undefined;
  const kib = (n: number): number => +(n / MIB).toFixed(1);
  const bytes = (name: string): number | null => {
    const v = metrics === undefined ? undefined : metricValue(metrics, name);
    return v === undefined ? null : +(v / 1024 / 1024).toFixed(1);
  };
  return {
    rssMiB: kib(m.rssKiB), pssMiB: kib(m.pssKiB), pssAnonMiB: kib(m.pssAnonKiB), pssFileMiB: kib(m.pssFileKiB), threads: threadCount(pid),
    heapUsedMiB: bytes('paklog_nodejs_heap_size_used_bytes'), heapTotalMiB: bytes('paklog_nodejs_heap_size_total_bytes'),
    externalMiB: bytes('paklog_nodejs_external_memory_bytes'),
  };
}

/**
 * The memory of the PostgreSQL server that serves `database`, as `client` (a superuser connection to another database,
 * so that its own backend is not counted) sees it: the postmaster (the parent of the client's backend) plus every
 * process pg_stat_activity lists for `database` (the pool's backends, autovacuum workers) or for no database (the
 * checkpointer, background writer, WAL writer, autovacuum launcher, …). Backends of other databases of a shared server
 * are left out, and so are the `exclude`d backends (the bench's own probes). Undefined when the server is not on this
 * machine or its /proc entries cannot be read.
 */
export async function postgresMemory(client: pg.Client, database: string, exclude: readonly number[] = []): Promise<{
  processes: number; pssMiB: number; pssAnonMiB: number; pssShmemMiB: number; pssFileMiB: number; rssSumMiB: number;
} | undefined> {
  const own = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  let postmaster: number | undefined;
  try {
    postmaster = parentPid(readFileSync(`/proc/${own}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
  const pids = (await client.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE (datname = $1 OR datname IS NULL) AND pid <> pg_backend_pid() AND pid <> ALL($2::int[])', [database, exclude])).rows.map((r) => r.pid);
  if (postmaster !== undefined) pids.push(postmaster);
  const sum = { pssKiB: 0, pssAnonKiB: 0, pssShmemKiB: 0, pssFileKiB: 0, rssKiB: 0 };
  let processes = 0;
  for (const pid of new Set(pids)) {
    const m = processMemory(pid);
    if (m === undefined) continue; // ended meanwhile
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += m[k];
    processes++;
  }
  if (processes === 0) return undefined;
  const mib = (kib: number): number => +(kib / MIB).toFixed(1);
  return {
    processes, pssMiB: mib(sum.pssKiB), pssAnonMiB: mib(sum.pssAnonKiB), pssShmemMiB: mib(sum.pssShmemKiB), pssFileMiB: mib(sum.pssFileKiB),
    rssSumMiB: mib(sum.rssKiB),
  };
}
