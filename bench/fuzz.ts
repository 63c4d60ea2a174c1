/**
 * Fuzz benchmark (issue 18, scope 7, acceptance d): `--requests` (default 100,000) requests generated from the OpenAPI
 * document, the GraphQL schema and the public `.proto` files (test/support/fuzz/, ADR 0044), sent to one in-process
 * app on a fresh bench database (PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test); `--seed`
 * replays a run. Writes bench/results/fuzz.json: requests per surface, the status histogram, 5xx/internal errors and
 * state changes on rejected requests (both must be 0), requests/s, the machine. Exits 1 when an invariant broke.
 */
import { loadavg } from 'node:os';
import { machine, writeResult } from './machine.ts';
import { benchDatabase, numberArg } from './support.ts';
import { describeFailures, describeReport, runFuzz, startFuzzApp } from '../test/support/fuzz/fuzz.ts';

export async function main(args: string[]): Promise<void> {
  const requests = numberArg(args, 'requests', 100_000);
  const seed = numberArg(args, 'seed', 18);
  const serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const db = await benchDatabase(serverUrl);
  const loadBefore = loadavg()[0] ?? 0;
  let exitCode = 0;
  try {
    const f = await startFuzzApp(db.url);
    try {
      const report = await runFuzz(f, { requests, seed, onProgress: (done) => console.log(`${done} requests…`) });
      console.log(describeReport(report));
      if (report.failures.length > 0) {
        console.error(describeFailures(report.failures));
        exitCode = 1;
      }
      const file = writeResult('fuzz', {
        benchmark: 'fuzz', requests, seed,
        surfaces: report.surfaces, operations: report.operations,
        serverErrors: report.serverErrors, stateChangesOnRejection: report.stateChangesOnRejection,
        otherFailures: report.failures.filter((x) => x.kind === 'no-problem-body').length,
        failures: report.failures.slice(0, 20),
        durationS: Math.round(report.durationMs / 100) / 10,
        requestsPerSecond: Math.round(requests / (report.durationMs / 1000)),
        spentMs: report.spentMs,
        loadAverage1mBefore: Math.round(loadBefore * 100) / 100,
        machine: machine(),
        notes: 'one client, requests in sequence (each refused mutating request is followed by a state check); REST and GraphQL through fastify inject, gRPC over 127.0.0.1',
      });
      console.log(`wrote ${file}`);
    } finally {
      await f.close();
    }
  } finally {
    await db.drop();
  }
  process.exitCode = exitCode;
}
