/**
 * `npm run bench -- startup [--runs=5] [--starts=3]` (issue 18 acceptance b): how long the `paklog` command takes
 * before it does anything, and how long `paklog start` takes to be ready on an existing database.
 * 1. `paklog --help` wall time (spawn to exit), `--runs` times, two ways: from the TypeScript sources through tsx
 *    (`PAKLOG_FROM_SOURCE=1`, what bin/paklog.js runs while dist/ is missing or older than src/) and from the compiled
 *    build (dist/, built first when stale: `npm run build`).
 * 2. `paklog start` on an existing database (the machine's PostgreSQL, a fresh bench database that a first start
 *    migrated and seeded with the demo warehouse): spawn to the ready banner, `--starts` times, both ways; each start
 *    is stopped with SIGTERM before the next. The banner's own "ready in" figure (measured inside the process, from
 *    the start command's first line) is recorded beside it.
 * Each with the CPU time the process used (user + system): on a shared, loaded machine the wall time mostly measures
 * the wait for a core, the CPU time what the command costs. Targets: `--help` ≤ 1 s, start to ready ≤ 3 s (compiled
 * build).
 *
 * Server: PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test (a fresh database is created on it).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, distIsStale } from '../scripts/build.ts';
import { cleanEnv, freePort, startNodeFlags } from '../test/support/paklog-process.ts';
import { machine, percentile, writeResult } from './machine.ts';
import { benchDatabase, numberArg, processCpuSeconds, stringArg } from './support.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'bin/paklog.js');

interface Timing { runs: number; medianMs: number; p99Ms: number; maxMs: number; cpuMedianMs: number }
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timing = (ms: number[], cpuMs: number[]): Timing => {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    runs: ms.length, medianMs: Math.round(percentile(sorted, 50)), p99Ms: Math.round(percentile(sorted, 99)), maxMs: Math.round(sorted.at(-1)!),
    cpuMedianMs: Math.round(median(cpuMs)),
  };
};

/** CPU seconds (user + system) of this process's children that have exited and been waited for (Linux /proc). */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Spawn to exit: wall ms and the child's CPU ms (on a loaded machine the CPU time is the steadier figure). */
function runToExit(args: string[], env: NodeJS.ProcessEnv): Promise<{ wallMs: number; cpuMs: number }> {
  const t0 = performance.now();
  const c0 = childrenCpuSeconds();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.once('exit', (code) => (code === 0
      ? done({ wallMs: performance.now() - t0, cpuMs: (childrenCpuSeconds() - c0) * 1000 })
      : fail(new Error(`paklog ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

/** Spawn to the ready banner: wall ms, CPU ms used by then, the banner's own figure; then stopped (SIGTERM). */
async function startToReady(env: NodeJS.ProcessEnv): Promise<{ wallMs: number; cpuMs: number; bannerS: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...startNodeFlags(), bin, 'start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const wallMs = await new Promise<number>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`paklog did not start:\n${out}`)), 120_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.includes('PakLog is ready')) {
        clearTimeout(timer);
        ready(performance.now() - t0);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`paklog exited with ${code}:\n${out}`)); });
  });
  const cpuMs = processCpuSeconds(child.pid) * 1000;
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { wallMs, cpuMs, bannerS: Number(/ready in ([\d.]+) s/.exec(out)?.[1] ?? NaN) };
}

export async function main(args: string[]): Promise<void> {
  const runs = numberArg(args, 'runs', 5);
  const starts = numberArg(args, 'starts', 3);
  let builtS: number | null = null;
  if (distIsStale(join(root, 'dist'))) {
    const t0 = performance.now();
    await build(join(root, 'dist'));
    builtS = +((performance.now() - t0) / 1000).toFixed(1);
    console.log(`built dist/ in ${builtS} s`);
  }
  const ways = { source: { PAKLOG_FROM_SOURCE: '1' }, dist: {} } as const;

  const help: Record<string, Timing> = {};
  for (const [way, extra] of Object.entries(ways)) {
    const env = cleanEnv({ ...extra });
    const ms: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runToExit(['--help'], env);
      ms.push(r.wallMs);
      cpu.push(r.cpuMs);
    }
    help[way] = timing(ms, cpu);
    console.log(`paklog --help from ${way}: median ${help[way].medianMs} ms, max ${help[way].maxMs} ms; CPU median ${help[way].cpuMedianMs} ms`);
  }

  const serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const db = await benchDatabase(serverUrl);
  const start: Record<string, Timing & { bannerMedianS: number }> = {};
  let firstStart: { wallMs: number; cpuMs: number; bannerS: number };
  try {
    const port = await freePort();
    const base = { DATABASE_URL: db.url, PORT: String(port), LOG_LEVEL: 'warn' };
    // The first start migrates the fresh database and seeds the demo warehouse: the database exists from then on.
    firstStart = await startToReady(cleanEnv({ ...base, PAKLOG_ADMIN_API_KEY: 'pk_bench_startup_0123456789abcdef0123' }));
    console.log(`first start (migrations, demo seed): ${Math.round(firstStart.wallMs)} ms`);
    for (const [way, extra] of Object.entries(ways)) {
      const ms: number[] = [];
      const cpu: number[] = [];
      const banner: number[] = [];
      for (let i = 0; i < starts; i++) {
        const r = await startToReady(cleanEnv({ ...base, ...extra, PAKLOG_ADMIN_API_KEY: 'pk_bench_startup_0123456789abcdef0123' }));
        ms.push(r.wallMs);
        cpu.push(r.cpuMs);
        banner.push(r.bannerS);
      }
      start[way] = { ...timing(ms, cpu), bannerMedianS: median(banner) };
      console.log(`start to ready from ${way} on an existing database: median ${start[way].medianMs} ms, max ${start[way].maxMs} ms (banner ${start[way].bannerMedianS} s); CPU median ${start[way].cpuMedianMs} ms`);
    }
  } finally {
    await db.drop();
  }
  const result = {
    benchmark: 'startup', machine: machine(),
    database: 'PostgreSQL at PAKLOG_BENCH_DATABASE_URL (default: the machine\'s server), a fresh database migrated and seeded by a first start',
    builtDistSeconds: builtS,
    help: { command: 'node bin/paklog.js --help, spawn to exit', ...help },
    firstStart: { wallMs: Math.round(firstStart.wallMs), cpuMs: Math.round(firstStart.cpuMs), bannerS: firstStart.bannerS },
    start: { command: `node ${startNodeFlags().join(' ')} bin/paklog.js start (as npm start), spawn to the ready banner, then SIGTERM`, ...start },
    targets: {
      helpMsAtMost: 1000, startMsAtMost: 3000,
      met: (help.dist?.maxMs ?? Infinity) <= 1000 && (start.dist?.medianMs ?? Infinity) <= 3000,
    },
  };
  console.log(`written to ${writeResult(stringArg(args, 'out', 'startup'), result)}`);
}
