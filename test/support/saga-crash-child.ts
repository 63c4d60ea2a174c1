/**
 * The crash test's runner process (test/e2e/saga-crash.test.ts): loads, prints LOADED, then waits for one line on
 * stdin — `{"sagaId": "...", "lane": 0, "crashAt": "s2:after:run"}` (crashAt as PAKLOG_SAGA_CRASH_AT) — and runs the saga
 * runtime on DATABASE_URL until that saga ends. At the named boundary it SIGKILLs itself: nothing after that point
 * runs, as when the machine loses power.
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../../src/platform/clock.ts';
import { Database } from '../../src/platform/db/database.ts';
import { uuidv7Ids } from '../../src/platform/ids.ts';
import { sagaRuntime } from '../../src/platform/saga/saga-runtime.ts';
import { crashSagas, LEASE_GRACE_MS, parseCrashAt, recordFinished } from './saga-crash-sagas.ts';

const db = new Database(process.env['DATABASE_URL'] ?? '', { max: 4 });
const log = { error: (o: object, m: string) => console.error(m, o), warn: () => undefined };
// Connected before it says it is ready: the kill measures the saga, not a connection's handshake.
void Promise.all([db.query('SELECT 1'), db.query('SELECT 1')]).then(() => {
  console.log('LOADED');
  createInterface({ input: process.stdin }).once('line', run);
});

function run(line: string): void {
  const order = JSON.parse(line) as { sagaId: string; lane: number; crashAt?: string };
  const crashAt = parseCrashAt(order.crashAt ?? process.env['PAKLOG_SAGA_CRASH_AT']);
  const runtime = sagaRuntime({
    db, clock: systemClock, ids: uuidv7Ids, log, schema: 'orchestration', sagas: crashSagas(db, order.lane), leaseGraceMs: LEASE_GRACE_MS,
    onFinished: (tx, saga) => recordFinished(tx, saga),
    boundary: (b) => {
      if (crashAt !== undefined && b.step === crashAt.step && b.when === crashAt.when && b.kind === crashAt.kind) process.kill(process.pid, 'SIGKILL');
    },
  });
  void (async () => {
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      await runtime.runDue();
      const s = await runtime.get(order.sagaId);
      if (s !== undefined && !['RUNNING', 'COMPENSATING'].includes(s.saga.status)) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    console.log('DONE');
    await db.close();
    process.exit(0);
  })();
}
