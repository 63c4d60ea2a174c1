/**
 * `node --import tsx bench/split-idle.ts [--seconds=20] [--bus=kafka]`: the split deployment's fixed cost. Starts the
 * cluster as the flow bench does (test/support/split-cluster.ts), lets it settle 5 s, then reads each process's CPU
 * (/proc/<pid>/stat utime + stime) over `--seconds` with no request at all: the consumers' fetch loops, heartbeats,
 * the outbox relays, timers and metrics. Prints CPU seconds per process and per idle second (no result file).
 */
import { loadavg } from 'node:os';
import { startSplitCluster } from '../test/support/split-cluster.ts';
import { benchDatabase, numberArg, processCpuSeconds, stringArg } from './support.ts';

const args = process.argv.slice(2);
const seconds = numberArg(args, 'seconds', 20);
const bus = stringArg(args, 'bus', 'kafka') as 'kafka' | 'nats';
const serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const dbs = await Promise.all([0, 1, 2, 3].map(() => benchDatabase(serverUrl)));
try {
  const cluster = await startSplitCluster({ bus, databases: { gateway: dbs[0]!.url, services: dbs.slice(1).map((d) => d.url) } });
  try {
    const procs = [{ name: 'gateway', pid: cluster.gateway.child.pid }, ...cluster.services.map((s) => ({ name: s.name, pid: s.process.child.pid }))];
    await new Promise((r) => setTimeout(r, 5_000));
    const load0 = loadavg()[0]!;
    const before = procs.map((p) => processCpuSeconds(p.pid));
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const used = procs.map((p, i) => [p.name, +(processCpuSeconds(p.pid) - before[i]!).toFixed(2)] as const);
    const total = used.reduce((s, [, c]) => s + c, 0);
    console.log(JSON.stringify({ bus, seconds, load: [+load0.toFixed(2), +loadavg()[0]!.toFixed(2)], cpuSeconds: Object.fromEntries(used), total: +total.toFixed(2), cpuShareOfOneCore: +(total / seconds).toFixed(3) }));
  } finally {
    await cluster.close();
  }
} finally {
  await Promise.all(dbs.map((d) => d.drop()));
}
