// Offload benchmark (issue 6, item 16): how long the event loop stalls while heavy optimisation runs, on the event loop
// versus on the WorkerPool. Four correlated slotting runs (200 SKUs, 2,000 orders of 100 SKUs: the size of a 1.3 MB
// slotting request) start at once; a 10 ms timer probes the event loop meanwhile. `--concurrent=N` changes the four.
import { availableParallelism } from 'node:os';
import { machine, percentile, writeResult } from './machine.ts';
import { SLOTTING_LAYOUT } from './instances/slotting.ts';
import { locationPick } from './instances/batching.ts';
import type { SlottingInput } from '../src/optimize/slotting/index.ts';
import { WorkerPool, workerTask } from '../src/platform/workers/worker-pool.ts';
import { correlatedSlotting } from './offload-tasks.ts';

const task = workerTask<typeof correlatedSlotting>(new URL('./offload-tasks.ts', import.meta.url), 'correlatedSlotting');
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

function instance(orderCount: number): SlottingInput {
  const skus = Array.from({ length: 200 }, (_, i) => ({ id: `S${i}`, picks: 1 + ((i * 37) % 500) }));
  const orders = Array.from({ length: orderCount }, (_, o) => Array.from({ length: 100 }, (_, k) => `S${(o * 7 + k * 3) % 200}`));
  return { skus, locations: Array.from({ length: 200 }, (_, k) => locationPick(k)), layout: SLOTTING_LAYOUT, orders };
}

interface Run { wallMs: number; timerLateMaxMs: number; timerLateP99Ms: number }

async function measure(runAll: () => Promise<unknown>): Promise<Run> {
  const gaps: number[] = [];
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last - 10);
    last = now;
  }, 10);
  const started = performance.now();
  await runAll();
  const wallMs = performance.now() - started;
  // A blocked loop fires the timer only when it turns again: let it fire once more.
  await new Promise((resolve) => setTimeout(resolve, 50));
  clearInterval(probe);
  const sorted = [...gaps].sort((a, b) => a - b);
  return { wallMs: round(wallMs), timerLateMaxMs: round(Math.max(0, percentile(sorted, 100))), timerLateP99Ms: round(Math.max(0, percentile(sorted, 99))) };
}

export async function main(args: string[]): Promise<void> {
  const concurrentArg = args.find((a) => a.startsWith('--concurrent='));
  const concurrent = concurrentArg === undefined ? 4 : Number(concurrentArg.slice('--concurrent='.length));
  const input = instance(2000);
  const threads = Math.max(1, Math.min(4, availableParallelism() - 1));

  // On the event loop: each run is one synchronous block, as the request handler ran it before.
  const inline = await measure(() => Promise.all(Array.from({ length: concurrent }, () => new Promise((resolve) => setImmediate(() => resolve(correlatedSlotting(input)))))));

  const pool = new WorkerPool({ threads, maxQueue: concurrent });
  await pool.run(task, instance(10)); // thread start-up and module loading, once per process
  const offloaded = await measure(() => Promise.all(Array.from({ length: concurrent }, () => pool.run(task, input))));
  await pool.close();

  const result = {
    machine: machine(),
    setup: { concurrent, threads, skus: 200, orders: 2000, skusPerOrder: 100, method: 'correlated', probe: 'a 10 ms interval timer: how late it fires is how long any request would wait' },
    inline, offloaded,
  };
  writeResult('offload', result);
  console.log(`offload: ${concurrent} correlated slotting runs, ${threads} worker thread(s)`);
  for (const [name, r] of [['on the event loop', inline], ['on the worker pool', offloaded]] as const) {
    console.log(`${name.padEnd(20)} wall ${r.wallMs} ms, 10 ms timer late by at most ${r.timerLateMaxMs} ms (p99 ${r.timerLateP99Ms} ms)`);
  }
}
