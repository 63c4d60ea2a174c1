import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that kill processes, run a split deployment or a browser, or race many requests against their timeouts: one
 * of them at a time in the whole run (test/setup-alone.ts: a lock each holds from its first hook to its last), after
 * the in-process files, beside at most two process files (they share the `processes` group, three workers). Until
 * 2026-12-03 they ran last, one worker after the process files: some 195 s of the quiet CI run's 493 s with one file
 * at a time on a 2-core machine, for 174 s of their own; side by side with the process files, the two groups took
 * 385 → 290 s in alternated runs at load 2–6 (docs/performance.md, test speed). The first of them (ALONE_FIRST)
 * starts at once, the others are queued after every process file, so that none holds a worker while it waits.
 * The kills they do, against the issues' minimums (issue 18 d: ≥ 200 in CI across the crash suites): split-faults 50
 * (issue 8 c: ≥ 50), crash-idempotency 20 (issue 6 d: ≥ 20), saga-crash 132 runner kills at step boundaries (issue
 * 10 c: ≥ 100) + 3 kills of `paklog start` inside the fulfilment saga, and crash-recovery (processes) 1: 206 in all,
 * so none is trimmed.
 */
const ALONE = [
  'test/e2e/split.test.ts', 'test/e2e/split-faults.test.ts', 'test/e2e/crash-idempotency.test.ts', 'test/e2e/saga-crash.test.ts',
  // 240 flows poll at once for event handlers that share the machine with them (60 s per wait): beside another long
  // file at load 20 a wait timed out (2026-12-02).
  'test/e2e/cancel-races.test.ts',
  // Browser tests (real chromium, one per worker: test/support/ui-browser.ts) and the UI build they share.
  'test/ui/*.test.ts',
  // A `paklog start` killed and started again on each of three buses, then waits for its outbox to drain twice: mostly
  // waiting. In the main lane's process files it kept that lane running ~240 s after this lane ended (2026-12-05, 1,401 s
  // run); here it fills this lane's idle moments.
  'test/e2e/crash-outbox-redelivery.test.ts',
  // Picks, counts, moves, replenishments, shorts and cancels raced at one face, ~70 s of one in-process app: the main
  // lane's longest in-process file; here it balances the two lanes (same run).
  'test/e2e/pick-face-races.test.ts',
];
// test/e2e/fuzz.test.ts (5,000 generated requests, ~40 s) stays in the parallel project: in-process app, no tight timing.
/**
 * Files that start `paklog` processes (or a build) but time nothing tightly, and long in-process files that check an
 * outcome, not a timing (generous timeouts, a simulated clock): after the in-process files, two at a time beside the
 * one `alone` file that runs (three while none does). Everything
 * else runs two files at a time (the CI machine has two cores; each file has its own database). Every project runs
 * its files in long-lived workers that import the app's modules once (`isolate: false`: importing them again for each
 * of ~200 files cost more CPU than the tests themselves; a fresh worker per process file cost 5–12 s of collection
 * before each at load 8–16, 2026-12-03). A test file must therefore leave no global state behind (no `process.env`
 * written, no module mocked): each starts its own app or processes on its own database, and stops them.
 */
const PROCESSES = [
  'test/e2e/root-quickstart.test.ts', 'test/e2e/running-server.test.ts', 'test/e2e/start-output.test.ts', 'test/e2e/walkthrough.test.ts',
  'test/e2e/dist-build.test.ts', 'test/e2e/logs.test.ts', 'test/deploy/helm.test.ts', 'src/platform/db/embedded.int.test.ts',
  'test/e2e/concurrency.test.ts', 'test/e2e/inventory-properties.test.ts',
  // One round through a `paklog start` process, then the chaos post-mortem read back (test/support/chaos.ts).
  'test/e2e/chaos-diagnosis.test.ts',
  // Two simulated days through the whole flow (hundreds of requests each, on a simulated clock).
  'src/simulate/simulate.int.test.ts',
  // A private broker stopped and started again (30 s of outage in the split one): mostly waiting, with minutes-long
  // deadlines; they ran alone, one after the other, for some 100 s of the suite (2026-12-02).
  'src/platform/bus/broker-outage.int.test.ts', 'test/e2e/split-broker-outage.test.ts',
  // One order through a split deployment over NATS and its spans read back (60 s per wait, no kill); one process killed
  // once after it committed, then the outbox checked (no timing at all). They ran alone (2026-12-03).
  'test/e2e/split-traces.test.ts', 'test/e2e/crash-recovery.test.ts',
  // A split deployment over Kafka (one cluster for the file): an order cancelled at each moment of its life, cancels racing
  // the floor and each other, the storefront's cancel during a SHIP scan, and last the stock service stopped (SIGTERM) for
  // some 20 s and started again; every wait a poll of minutes, no kill.
  'test/e2e/split-cancel-moments.test.ts',
  // `paklog start` killed twice while a count's variance is approved: either outcome is checked, no timing.
  'test/e2e/crash-count-approval.test.ts',
  // `paklog start` SIGKILLed 2.5 s after each start for three periods of a 6 s job (some 20–60 s, mostly restarts): it still runs.
  'test/e2e/crash-job-cadence.test.ts',
  // `paklog start` SIGKILLed once while a carrier holds the answer to a booking it made: the label recorded after the restart.
  'test/e2e/crash-carrier-booking.test.ts',
  // `paklog start` SIGKILLed while a carrier holds its answer to a void it made (three kills) and to a booking the job then
  // records; while the TMS holds a load's answer; five times during LPN build, split, lost, found and consolidate.
  'test/e2e/crash-partner-void.test.ts', 'test/e2e/crash-tms-load.test.ts', 'test/e2e/crash-lpn-lost-found.test.ts',
  // `paklog start` SIGKILLed inside a cancel with If-Match between pack & ship's stop and orders' record: the retry is 200.
  'test/e2e/crash-cancel-if-match.test.ts',
  // `paklog start` SIGKILLed five times during an ASN receipt, a putaway confirm, a count submission and an RMA restock,
  // each retried with its Idempotency-Key: outcomes and the ledger checked, no timing.
  'test/e2e/crash-inbound-control.test.ts',
  // `paklog start` SIGKILLed about eleven times around a count's recount, rejection and approval, a face falling below its
  // min and its replenishment's confirm, a customer return's receipt and restock, and the task-timeout job's runs (10 s
  // timeout): outcomes checked, no timing.
  'test/e2e/crash-count-replenish-timeout.test.ts',
  // `paklog start` on Kafka SIGKILLed mid-burst and once a wave's release committed: mostly the group's rebalances (10 s).
  'test/e2e/crash-kafka-relay.test.ts',
  // `paklog start` SIGKILLed eleven times during an LPN receipt scan, putaway scans retried by scanId, a count, quality
  // dispositions and a two-parcel shipment's packs, booking and dispatch, each retried: outcomes and the ledger checked.
  'test/e2e/crash-floor-scans.test.ts',
  // `paklog start` SIGKILLed twice while a RECEIVE_LPN scan, admitted at inventory, waits for its label: the admissions'
  // leases lapse and the job withdraws them (some 10 s of waiting), no timing.
  'test/e2e/crash-asn-arrival.test.ts',
  // `paklog start` SIGKILLed five times around order cancellations (every stage at once after the answers, between pack &
  // ship's stop and orders' record, two returns to stock): outcomes and the ledger checked, no timing.
  'test/e2e/crash-cancel.test.ts',
  // `paklog start` SIGKILLed once in the middle of a SHIP scan (its claim made, its transaction held at a lock), after a
  // live scan held 8 s at the same lock: the cancel answered within seconds of the restart (some 40 s in all).
  'test/e2e/crash-dock-claim.test.ts',
  // `paklog start` SIGKILLed once while a webhook receiver holds its POSTs unanswered (one of them replayed meanwhile):
  // every delivery sent again and DELIVERED once, in order per order (some 30 s, mostly the restart).
  'test/e2e/crash-webhook-delivery.test.ts',
  // `paklog start` SIGKILLed eight times: a CSV order import and a stock import part-way through their file, a wave release
  // between its transactions, a replenishment asked for and confirmed, a hold and its release, an RMA receipt: each retried.
  'test/e2e/crash-imports-release.test.ts',
  // `paklog start` SIGKILLed six times: a 940 batch and a 943 mid-interchange (re-sent), a 940 line change part-way, an
  // order hold and a line cancel part-way (retried with their keys), then a sixth with every event put back in the
  // outbox: each once, nothing left held or pending, every copy dropped.
  'test/e2e/crash-order-changes.test.ts',
  // `paklog start` SIGKILLed ten times or more: an inspection's results and its non-conformance's close (with a key and
  // without), a day's roster PUT (key, If-Match, neither), a storefront order between its creation and its webhook id's
  // record, a blind receipt: each once (crash8).
  'test/e2e/crash-quality-roster-intake.test.ts',
  // `paklog start` SIGKILLed while its Redis cache does not answer, between a product's deactivation (and an edit) and
  // the removal of their cache entries: the process started in its place reads the committed products; then four times
  // during an LPN move (in flight, committed), an inventory move and an RMA's SCRAP and RTV dispositions; last a split
  // deployment over NATS whose stock service is killed so: another service's order is refused (crash9).
  'test/e2e/crash-master-data.test.ts',
  // A split deployment over NATS (one cluster for the file) whose consuming service is SIGKILLed six times while it
  // handles a quality hold, its release, a replenishment and a count (requested, then finished): each effect once (crash8).
  'test/e2e/split-consumer-kills.test.ts',
  // Eleven one-shot `paklog` commands against broken setups (no server, a killed connection, an edited migration).
  'test/e2e/cli-errors.test.ts',
];

/**
 * Files that take long for their size, started first in their project. Without vitest's cache of durations (CI installs
 * afresh) files run largest first, and a small long file started last kept one worker busy while the other idled:
 * `fuzz` (30 s) began last of the `parallel` project (2026-12-03).
 */
const LONG_FIRST = [
  'test/e2e/fuzz.test.ts', 'test/e2e/brokers.test.ts', 'test/e2e/openapi-examples.test.ts', 'test/e2e/authorization-matrix.test.ts',
  'test/e2e/platform.test.ts', 'test/e2e/gateway-roles.test.ts', 'src/contexts/inventory/stock-history.int.test.ts', 'test/e2e/boundaries.test.ts',
  'src/contexts/location-tracking/rtls-feed.int.test.ts', 'src/contexts/location-master/slotting-concurrency.int.test.ts',
  // processes: two simulated days, the README's walkthrough, the outages, the split deployment's trace.
  'src/simulate/simulate.int.test.ts', 'test/e2e/walkthrough.test.ts', 'test/e2e/split-broker-outage.test.ts',
  'test/e2e/split-traces.test.ts', 'src/platform/bus/broker-outage.int.test.ts', 'test/e2e/inventory-properties.test.ts',
  'test/e2e/running-server.test.ts',
];

/**
 * The `alone` files in the order they take the lock: the longest first, beside the process files; the rest after them.
 */
const ALONE_FIRST = [
  'test/e2e/split-faults.test.ts', 'test/e2e/crash-idempotency.test.ts', 'test/e2e/saga-crash.test.ts', 'test/e2e/split.test.ts',
  'test/e2e/cancel-races.test.ts',
];

class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = LONG_FIRST.findIndex((p) => f.moduleId.endsWith(`/${p}`));
      return i < 0 ? LONG_FIRST.length : i;
    };
    // `processes` and `alone` share a group: the first `alone` file starts at once beside two process files, the other
    // `alone` files are queued after every process file, so that none of them holds a worker while it waits for the
    // lock (test/setup-alone.ts) and a process file could have run.
    const aloneRank = (f: TestSpecification): number => {
      const i = ALONE_FIRST.findIndex((p) => f.moduleId.endsWith(`/${p}`));
      return i < 0 ? ALONE_FIRST.length : i;
    };
    const slot = (f: TestSpecification): number => {
      if (f.project.name !== 'alone') return 1;
      return aloneRank(f) === 0 ? 0 : 2;
    };
    // Within each group only: the groups' order (groupOrder) is the base sequencer's.
    const at = new Map(sorted.map((f, i) => [f, i]));
    return [...sorted].sort((a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder
      || slot(a) - slot(b)
      || (a.project.name === b.project.name ? (a.project.name === 'alone' ? aloneRank(a) - aloneRank(b) : rank(a) - rank(b)) : 0)
      || at.get(a)! - at.get(b)!);
  }
}

/**
 * `npm test` runs two vitest processes (scripts/test.ts): PAKLOG_TEST_LANE=alone runs the `alone` files one at a time
 * in a worker of their own; =main runs the rest, the process files two at a time (the `alone` lane is the third file
 * beside them). Unset (`npx vitest run`, one process), the `alone` files share the process files' group and workers.
 */
const LANE = process.env.PAKLOG_TEST_LANE;
const GROUP_WORKERS = LANE === 'alone' ? 1 : LANE === 'main' ? 2 : 3;
/**
 * In the main lane the process files go first, beside the `alone` lane's kills and split deployments (as the two
 * groups ran side by side before the lanes), and the in-process files last: ~300 short files that keep both cores busy
 * to the end. In-process files first (2026-12-05, 10:31 run) left the process files for a tail of 265 s of their own,
 * two at a time, where they wait on starts and kills.
 */
const PARALLEL_GROUP = LANE === 'main' ? 1 : 0;
const PROCESSES_GROUP = LANE === 'main' ? 0 : 1;

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-fast-check.ts', 'test/setup-cpu-probe.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for what a test drives to show (a console list after Load more, a dashboard's count): vitest's
    // 1 s default failed such waits in CI runs at load 6-20 (console-paging twice, 2026-12-06) though the screen got
    // there. A poll ends as soon as it holds, so 10 s costs a passing test nothing; a call may still name its own.
    expect: { poll: { timeout: 10_000 } },
    sequence: { sequencer: LongFirst },
    projects: [
      { extends: true, test: { name: 'parallel', include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'ui/lib/**/*.test.ts'], exclude: [...ALONE, ...PROCESSES], maxWorkers: 2, isolate: false, sequence: { groupOrder: PARALLEL_GROUP } } },
      { extends: true, test: { name: 'processes', include: PROCESSES, maxWorkers: GROUP_WORKERS, isolate: false, sequence: { groupOrder: PROCESSES_GROUP } } },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, setupFiles: ['test/setup-alone.ts'], maxWorkers: GROUP_WORKERS, isolate: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
