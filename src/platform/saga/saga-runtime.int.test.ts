import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.ts';
import { Database } from '../db/database.ts';
import { loadMigrations, migrate } from '../db/migrations.ts';
import { sequentialIds } from '../ids.ts';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { advance, defineSaga, finish, wait, type SagaDefinition, type StepContext } from './saga.ts';
import { sagaRuntime, type SagaRuntime, type SagaView } from './saga-runtime.ts';

/** The runtime on real PostgreSQL, with a clock the test moves: retries, timeouts, compensation, escalation, resume. */
let dbInfo: { url: string; drop: () => Promise<void> };
let db: Database;
const clock = manualClock(new Date('2026-03-01T08:00:00Z'));
const log = { error: () => undefined, warn: () => undefined };
/** What the steps did, in order: `run s1`, `undo s2`… */
const journal: string[] = [];
const ended: { saga: SagaView; escalate: boolean }[] = [];
let failures: Record<string, number> = {};
/** Failures of a step as an unreachable dependency (a lost database connection) instead of a broken step. */
let outages: Record<string, number> = {};
let duringStep: (() => Promise<void>) | undefined;
/** The key of a saga whose owner's end hook throws (a poison saga). */
let poisonKey: string | undefined;

const act = (kind: 'run' | 'undo', name: string) => async (ctx: StepContext<unknown>) => {
  journal.push(`${kind} ${name} #${ctx.attempt} ${ctx.idempotencyKey}`);
  const down = outages[`${kind} ${name}`] ?? 0;
  if (down > 0) {
    outages[`${kind} ${name}`] = down - 1;
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }
  const left = failures[`${kind} ${name}`] ?? 0;
  if (left > 0) {
    failures[`${kind} ${name}`] = left - 1;
    throw new Error(`${kind} ${name} broke`);
  }
  return advance(ctx.data);
};
const step = (name: string, attempts = 3) => ({
  name, run: act('run', name), compensate: async (ctx: StepContext<unknown>) => { await act('undo', name)(ctx); },
  timeoutMs: 10_000, retry: { attempts, backoffMs: 1_000 },
});

const sagas = [
  defineSaga({ type: 'three-steps', steps: [step('s1'), step('s2'), step('s3', 2)] }),
  defineSaga<{ picked: boolean; alarms: number }>({
    type: 'waits', steps: [{
      name: 'wait-for-pick', timeoutMs: 60_000, retry: { attempts: 1, backoffMs: 0 },
      run: async (ctx) => {
        if (ctx.signals.some((s) => s.name === 'picked')) return finish({ ...ctx.data, picked: true });
        return wait(ctx.data);
      },
      onTimeout: async (ctx) => wait({ ...ctx.data, alarms: ctx.data.alarms + 1 }),
    }],
  }),
  defineSaga({ type: 'times-out', steps: [step('s1'), { name: 'never', run: async (ctx: StepContext<unknown>) => wait(ctx.data), timeoutMs: 5_000, retry: { attempts: 3, backoffMs: 10 } }] }),
  // Hears its signals, in order, until `done`.
  defineSaga<{ heard: string[] }>({
    type: 'collects', steps: [{
      name: 'listen', timeoutMs: 60_000, retry: { attempts: 1, backoffMs: 0 },
      run: async (ctx) => {
        const heard = [...ctx.data.heard, ...ctx.signals.map((g) => `${g.name}:${String((g.data as { n: number }).n)}`)];
        return heard.some((h) => h.startsWith('done')) ? finish({ heard }) : wait({ heard });
      },
    }],
  }),
  // Waits for `picked`; while its step runs, the test may do something (`duringStep`).
  defineSaga<{ picked: boolean }>({
    type: 'raced', steps: [{
      name: 'wait-for-pick', timeoutMs: 60_000, retry: { attempts: 1, backoffMs: 0 },
      run: async (ctx) => {
        if (ctx.signals.some((g) => g.name === 'picked')) return finish({ picked: true });
        await duringStep?.();
        return wait(ctx.data);
      },
    }],
  }),
  // Its second step may take longer than what is left of the first one's lease.
  defineSaga({
    type: 'long-next', steps: [step('l1'), { ...step('l2'), timeoutMs: 60_000 }],
  }),
  // A step whose timeout is a month (PAKLOG_ORDER_STALL_S may be 30 days): longer than a timer can count in one go.
  defineSaga({
    type: 'month-long', steps: [{
      name: 'm1', timeoutMs: 30 * 86_400_000, retry: { attempts: 1, backoffMs: 0 },
      run: async (ctx: StepContext<unknown>) => {
        await db.query('SELECT pg_sleep(0.05)');
        return advance(ctx.data);
      },
    }],
  }),
] as unknown as SagaDefinition<never>[];

let rt: SagaRuntime;
const drain = () => rt.drain(100);
const history = async (id: string) => (await rt.get(id))!.steps.map((s) => `${s.kind} ${s.step} ${s.attempt} ${s.status}`);

beforeAll(async () => {
  dbInfo = await createTestDatabase();
  db = new Database(dbInfo.url, { max: 4 });
  await migrate(db, [{ schema: 'orchestration', migrations: loadMigrations(new URL('../../contexts/orchestration/migrations/', import.meta.url)) }]);
  rt = sagaRuntime({
    db, clock, ids: sequentialIds(), log, schema: 'orchestration', sagas, leaseGraceMs: 1_000,
    // An owner's events commit with the record, or not at all: `ended` lists the committed ends only.
    onFinished: async (tx, saga, escalate) => {
      if (saga.key === poisonKey) throw new Error(`the end of ${saga.key} cannot be recorded`);
      tx.afterCommit(() => ended.push({ saga, escalate }));
    },
  });
});
afterAll(async () => {
  await db?.close();
  await dbInfo?.drop();
});

describe('saga runtime', () => {
  it('runs the steps in order, once each, with the idempotency key saga:<id>:<step>:<kind>; a second start is the same saga', async () => {
    journal.length = 0;
    failures = {};
    const { id, created } = await db.tx((tx) => rt.start(tx, 'three-steps', 'order-1', { n: 1 }));
    expect(created).toBe(true);
    expect(await db.tx((tx) => rt.start(tx, 'three-steps', 'order-1', { n: 2 }))).toEqual({ id, created: false });
    await drain();
    expect(journal).toEqual([`run s1 #1 saga:${id}:s1:RUN`, `run s2 #1 saga:${id}:s2:RUN`, `run s3 #1 saga:${id}:s3:RUN`]);
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'COMPLETED', data: { n: 1 }, currentStep: null });
    expect(await history(id)).toEqual(['RUN s1 1 SUCCEEDED', 'RUN s2 1 SUCCEEDED', 'RUN s3 1 SUCCEEDED']);
    expect(ended.filter((e) => e.saga.id === id)).toEqual([expect.objectContaining({ escalate: false })]);
  });

  // Failed before: a timeout above 2^31 − 1 ms overflowed Node's timer, which then fired after 1 ms: every run of the
  // step "timed out" (the fulfilment saga's steps, whose timeout is PAKLOG_ORDER_STALL_S, above 24.8 days).
  it('runs a step whose timeout is a month to its end (the timer never overflows into an immediate timeout)', async () => {
    const { id } = await db.tx((tx) => rt.start(tx, 'month-long', 'order-month', {}));
    await drain();
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'COMPLETED', lastError: null });
    expect(await history(id)).toEqual(['RUN m1 1 SUCCEEDED']);
  });

  it('retries a failing step with exponential backoff (1 s, then 2 s) and goes on when it succeeds', async () => {
    journal.length = 0;
    failures = { 'run s2': 2 };
    const { id } = await db.tx((tx) => rt.start(tx, 'three-steps', 'order-2', {}));
    await drain();
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'RUNNING', currentStep: 's2', attempts: 1, lastError: 'run s2 broke' });
    clock.advance(999);
    expect(await rt.runDue()).toBe(0);
    clock.advance(1);
    await drain();
    expect((await rt.get(id))!.saga).toMatchObject({ attempts: 2 });
    clock.advance(1_999);
    expect(await rt.runDue()).toBe(0);
    clock.advance(1);
    await drain();
    expect((await rt.get(id))!.saga.status).toBe('COMPLETED');
    expect(await history(id)).toEqual(['RUN s1 1 SUCCEEDED', 'RUN s2 1 FAILED', 'RUN s2 2 FAILED', 'RUN s2 3 SUCCEEDED', 'RUN s3 1 SUCCEEDED']);
  });

  it('waits out a dependency that is unreachable (transient fault) past its attempts: no attempt used, no compensation', async () => {
    journal.length = 0;
    outages = { 'run s3': 4 };
    const { id } = await db.tx((tx) => rt.start(tx, 'three-steps', 'order-outage', {}));
    await drain();
    for (let i = 0; i < 4; i++) {
      expect((await rt.get(id))!.saga).toMatchObject({ status: 'RUNNING', currentStep: 's3', attempts: 0, lastError: expect.stringMatching(/^transient: .*ECONNREFUSED/) });
      clock.advance(5_000);
      await drain();
    }
    outages = {};
    expect((await rt.get(id))!.saga.status).toBe('COMPLETED');
    expect(journal.map((j) => j.split(' #')[0])).toEqual(['run s1', 'run s2', 'run s3', 'run s3', 'run s3', 'run s3', 'run s3']);
    expect(await history(id)).toEqual(['RUN s1 1 SUCCEEDED', 'RUN s2 1 SUCCEEDED', 'RUN s3 1 SUCCEEDED']);
  });

  it('compensates the done steps in reverse order when a step fails for good: COMPENSATED', async () => {
    journal.length = 0;
    failures = { 'run s3': 2 };
    const { id } = await db.tx((tx) => rt.start(tx, 'three-steps', 'order-3', {}));
    await drain();
    clock.advance(1_000);
    await drain();
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'COMPENSATED', lastError: 'run s3 broke' });
    expect(journal.map((j) => j.split(' #')[0])).toEqual(['run s1', 'run s2', 'run s3', 'run s3', 'undo s2', 'undo s1']);
    expect(journal.at(-1)).toMatch(new RegExp(`saga:${id}:s1:COMPENSATE$`));
    expect(await history(id)).toEqual([
      'RUN s1 1 SUCCEEDED', 'RUN s2 1 SUCCEEDED', 'RUN s3 1 FAILED', 'RUN s3 2 FAILED', 'COMPENSATE s2 1 SUCCEEDED', 'COMPENSATE s1 1 SUCCEEDED',
    ]);
    expect(ended.find((e) => e.saga.id === id)).toMatchObject({ escalate: false, saga: { status: 'COMPENSATED' } });
  });

  it('retries a failing compensation, then ends FAILED and escalates (once)', async () => {
    journal.length = 0;
    failures = { 'run s3': 2, 'undo s1': 5 };
    const { id } = await db.tx((tx) => rt.start(tx, 'three-steps', 'order-4', {}));
    for (let i = 0; i < 6; i++) {
      await drain();
      clock.advance(10_000);
    }
    const s = (await rt.get(id))!;
    expect(s.saga).toMatchObject({ status: 'FAILED', currentStep: 's1', lastError: 'undo s1 broke' });
    expect((await history(id)).filter((h) => h.startsWith('COMPENSATE s1'))).toEqual(['COMPENSATE s1 1 FAILED', 'COMPENSATE s1 2 FAILED', 'COMPENSATE s1 3 FAILED']);
    expect(ended.filter((e) => e.saga.id === id)).toEqual([expect.objectContaining({ escalate: true })]);
  });

  it('retries a FAILED saga from the compensation that failed, one attempt per retry: FAILED and escalated again while the cause is there, then COMPENSATED', async () => {
    journal.length = 0;
    failures = { 'run s3': 2, 'undo s2': 4 };
    const { id } = await db.tx((tx) => rt.start(tx, 'three-steps', 'order-retry', {}));
    for (let i = 0; i < 6; i++) {
      await drain();
      clock.advance(10_000);
    }
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'FAILED', currentStep: 's2', attempts: 3 });
    // Retried while the cause is still there: one more attempt fails, and the saga escalates a second time.
    expect(await rt.retry(id)).toMatchObject({ status: 'COMPENSATING', currentStep: 's2', finishedAt: null });
    await drain();
    expect((await rt.get(id))!.saga.status).toBe('FAILED');
    expect(ended.filter((e) => e.saga.id === id).map((e) => [e.saga.status, e.escalate])).toEqual([['FAILED', true], ['FAILED', true]]);
    // The cause fixed: the retry undoes s2, then s1, and the saga ends COMPENSATED.
    expect((await rt.retry(id))?.status).toBe('COMPENSATING');
    await drain();
    expect((await rt.get(id))!.saga.status).toBe('COMPENSATED');
    expect((await history(id)).filter((h) => h.startsWith('COMPENSATE'))).toEqual([
      'COMPENSATE s2 1 FAILED', 'COMPENSATE s2 2 FAILED', 'COMPENSATE s2 3 FAILED', 'COMPENSATE s2 4 FAILED',
      'COMPENSATE s2 5 SUCCEEDED', 'COMPENSATE s1 1 SUCCEEDED',
    ]);
    expect(ended.filter((e) => e.saga.id === id).map((e) => [e.saga.status, e.escalate])).toEqual([['FAILED', true], ['FAILED', true], ['COMPENSATED', false]]);
    // Only a FAILED saga goes back: anything else is answered as it is.
    expect(await rt.retry(id)).toMatchObject({ status: 'COMPENSATED' });
    expect(await rt.retry('sga_none')).toBeUndefined();
  });

  it('a waiting step wakes on its signal; its timeout path runs every timeout while it waits', async () => {
    const { id } = await db.tx((tx) => rt.start(tx, 'waits', 'order-5', { picked: false, alarms: 0 }));
    await drain();
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'RUNNING', deadline: new Date(clock.now().getTime() + 60_000) });
    clock.advance(60_000);
    await drain();
    expect((await rt.get(id))!.saga.data).toEqual({ picked: false, alarms: 1 });
    clock.advance(30_000);
    expect(await rt.runDue()).toBe(0);
    // A signal before the saga started waits for it too; this one wakes the running saga at once.
    await db.tx((tx) => rt.signal(tx, 'waits', 'order-5', 'picked', { at: 'now' }));
    await drain();
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'COMPLETED', data: { picked: true, alarms: 1 } });
  });

  it('a waiting step without a timeout path fails for good at its timeout (TIMED_OUT, no retry) and compensates', async () => {
    journal.length = 0;
    failures = {};
    const { id } = await db.tx((tx) => rt.start(tx, 'times-out', 'order-6', {}));
    await drain();
    clock.advance(5_000);
    await drain();
    expect((await rt.get(id))!.saga.status).toBe('COMPENSATED');
    expect(await history(id)).toEqual(['RUN s1 1 SUCCEEDED', 'RUN never 1 TIMED_OUT', 'COMPENSATE s1 1 SUCCEEDED']);
  });

  it('resumes a saga whose runner died mid-step once its lease runs out, and records the outcome once', async () => {
    journal.length = 0;
    failures = {};
    const { id } = await db.tx((tx) => rt.start(tx, 'three-steps', 'order-7', {}));
    // A runner claims the saga and dies before recording: its lease (step timeout + grace) holds the saga meanwhile.
    await db.query(`UPDATE orchestration.sagas SET locked_until = $2, version = version + 1 WHERE id = $1`, [id, new Date(clock.now().getTime() + 11_000)]);
    expect(await rt.runDue()).toBe(0);
    clock.advance(11_000);
    await drain();
    expect((await rt.get(id))!.saga.status).toBe('COMPLETED');
    expect(await history(id)).toEqual(['RUN s1 1 SUCCEEDED', 'RUN s2 1 SUCCEEDED', 'RUN s3 1 SUCCEEDED']);
  });

  it('signals a run in two statements whatever its length, with the effect of signalling each in turn', async () => {
    const names = (k: number) => Array.from({ length: k }, (_, i) => ({ name: i === k - 1 ? 'done' : 'moved', data: { n: i } }));
    const sent: number[] = [];
    for (const k of [2, 9]) {
      const [one, many] = [`each-${k}`, `run-${k}`];
      await db.tx(async (tx) => {
        await rt.start(tx, 'collects', one, { heard: [] });
        await rt.start(tx, 'collects', many, { heard: [] });
      });
      await drain();
      for (const g of names(k)) await db.tx((tx) => rt.signal(tx, 'collects', one, g.name, g.data));
      const { statements } = await db.countStatements(() => db.tx((tx) => rt.signalMany(tx, 'collects', names(k).map((g) => ({ key: many, ...g })))));
      sent.push(statements.length);
      await drain();
      const [a, b] = [(await rt.byKey(db, 'collects', one))!, (await rt.byKey(db, 'collects', many))!];
      expect(b).toMatchObject({ status: 'COMPLETED', data: a.data });
      expect(b.data).toEqual({ heard: names(k).map((g) => `${g.name}:${g.data.n}`) });
    }
    // BEGIN, the signals, the wake-up, COMMIT: for 2 signals as for 9.
    expect(sent).toEqual([4, 4]);
  });

  it('goes on at once with each next step due now: one claim and one record for the steps a pass goes through', async () => {
    journal.length = 0;
    failures = {};
    const { id } = await db.tx((tx) => rt.start(tx, 'three-steps', 'order-9', {}));
    const { value: ran, statements } = await db.countStatements(() => rt.runDue());
    expect(ran).toBe(1);
    expect(journal).toEqual([`run s1 #1 saga:${id}:s1:RUN`, `run s2 #1 saga:${id}:s2:RUN`, `run s3 #1 saga:${id}:s3:RUN`]);
    // The claim (with the open signals), then BEGIN, the state with its three history rows, COMMIT (the saga ended:
    // its owner's events go in the same transaction).
    expect(statements).toHaveLength(4);
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'COMPLETED', currentStep: null });
    expect(await history(id)).toEqual(['RUN s1 1 SUCCEEDED', 'RUN s2 1 SUCCEEDED', 'RUN s3 1 SUCCEEDED']);
    expect(ended.filter((e) => e.saga.id === id)).toEqual([expect.objectContaining({ escalate: false })]);
  });

  it('runs a next step whose timeout the lease no longer covers in a pass of its own', async () => {
    journal.length = 0;
    failures = {};
    const { id } = await db.tx((tx) => rt.start(tx, 'long-next', 'order-10', {}));
    expect(await rt.runDue()).toBe(1);
    // l1's lease is 10 s + 1 s of grace: l2 may take 60 s.
    expect(journal.map((j) => j.split(' #')[0])).toEqual(['run l1']);
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'RUNNING', currentStep: 'l2' });
    expect(await rt.runDue()).toBe(1);
    expect(journal.map((j) => j.split(' #')[0])).toEqual(['run l1', 'run l2']);
    expect(await history(id)).toEqual(['RUN l1 1 SUCCEEDED', 'RUN l2 1 SUCCEEDED']);
  });

  it('a step that fails after a step it followed at once records both, and retries from the failed one', async () => {
    journal.length = 0;
    failures = { 'run s2': 1 };
    const { id } = await db.tx((tx) => rt.start(tx, 'three-steps', 'order-11', {}));
    expect(await rt.runDue()).toBe(1);
    expect(await history(id)).toEqual(['RUN s1 1 SUCCEEDED', 'RUN s2 1 FAILED']);
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'RUNNING', currentStep: 's2', attempts: 1, nextRunAt: new Date(clock.now().getTime() + 1_000) });
    clock.advance(1_000);
    await drain();
    expect(journal.map((j) => j.split(' #')[0])).toEqual(['run s1', 'run s2', 'run s2', 'run s3']);
    expect(await history(id)).toEqual(['RUN s1 1 SUCCEEDED', 'RUN s2 1 FAILED', 'RUN s2 2 SUCCEEDED', 'RUN s3 1 SUCCEEDED']);
  });

  it('a signal that commits while the record waits for the saga\'s row wakes the saga all the same (no lost wake-up)', async () => {
    const { id } = await db.tx((tx) => rt.start(tx, 'raced', 'order-12', { picked: false }));
    let signalled: Promise<void> | undefined;
    let sawRecordWait = false;
    duringStep = () => new Promise<void>((locked) => {
      duringStep = undefined;
      signalled = db.tx(async (tx) => {
        // The signal and its wake-up, which holds the saga's row until this commits...
        await rt.signal(tx, 'raced', 'order-12', 'picked', {});
        locked();
        // ...after the record has started to wait for that row: its snapshot is from before the signal.
        for (let i = 0; i < 500 && !sawRecordWait; i++) {
          sawRecordWait = (await db.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%orchestration%sagas%'`,
          )).length > 0;
          if (!sawRecordWait) await new Promise((r) => setTimeout(r, 10));
        }
      });
    });
    expect(await rt.runDue()).toBe(1);
    await signalled;
    expect(sawRecordWait).toBe(true);
    // The step did not hear the signal (it came after the claim), so the record must leave the saga due now.
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'RUNNING', nextRunAt: clock.now() });
    expect(await rt.runDue()).toBe(1);
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'COMPLETED', data: { picked: true } });
  });

  it('records a step that does not end the saga in one statement, without a transaction', async () => {
    const { id } = await db.tx((tx) => rt.start(tx, 'collects', 'order-13', { heard: [] }));
    const { value: ran, statements } = await db.countStatements(() => rt.runDue());
    expect(ran).toBe(1);
    // The claim, then the record.
    expect(statements).toHaveLength(2);
    expect(statements[1]).toMatch(/^WITH x AS[\s\S]*saved AS \(\s*UPDATE/);
    expect((await rt.get(id))!.saga).toMatchObject({ status: 'RUNNING', currentStep: 'listen', nextRunAt: new Date(clock.now().getTime() + 60_000) });
  });

  it('records the passes of a run of sagas in one statement whatever their number (issue 18 a)', async () => {
    await rt.runDue(); // whatever earlier tests left due
    const keys = ['order-14a', 'order-14b', 'order-14c'];
    const ids = await db.tx(async (tx) => Promise.all(keys.map(async (k) => (await rt.start(tx, 'collects', k, { heard: [] })).id)));
    const { value: ran, statements } = await db.countStatements(() => rt.runDue());
    expect(ran).toBe(3);
    // The claim, then one record for the three (was one each).
    expect(statements).toHaveLength(2);
    for (const id of ids) {
      expect((await rt.get(id))!.saga).toMatchObject({ status: 'RUNNING', currentStep: 'listen', nextRunAt: new Date(clock.now().getTime() + 60_000) });
    }
    // Each consumes its own signals only, and goes on from them.
    await db.tx((tx) => rt.signalMany(tx, 'collects', [{ key: 'order-14a', name: 'moved', data: { n: 1 } }, { key: 'order-14c', name: 'done', data: { n: 2 } }]));
    const again = await db.countStatements(() => rt.runDue());
    expect(again.value).toBe(2);
    // A saga ended (order-14c): the claim, then BEGIN, one record for both, COMMIT (its owner's events go with it).
    expect(again.statements).toHaveLength(4);
    expect((await rt.byKey(db, 'collects', 'order-14a'))).toMatchObject({ status: 'RUNNING', data: { heard: ['moved:1'] } });
    expect((await rt.byKey(db, 'collects', 'order-14b'))).toMatchObject({ status: 'RUNNING', data: { heard: [] } });
    expect((await rt.byKey(db, 'collects', 'order-14c'))).toMatchObject({ status: 'COMPLETED', data: { heard: ['done:2'] } });
    expect(await rt.pendingSignals(db, 'collects', 'order-14a')).toEqual([]);
    expect(ended.filter((e) => ids.includes(e.saga.id)).map((e) => e.saga.key)).toEqual(['order-14c']);
  });

  it('records the others of a run when one of its sagas was taken over meanwhile: that one only is dropped', async () => {
    await rt.runDue(); // whatever earlier tests left due
    const [raced, other] = await db.tx(async (tx) => [
      (await rt.start(tx, 'raced', 'order-15a', { picked: false })).id, (await rt.start(tx, 'collects', 'order-15b', { heard: [] })).id,
    ]);
    duringStep = async () => {
      duringStep = undefined;
      // Another runner took the raced saga over (its lease ran out): a new version.
      await db.query(`UPDATE orchestration.sagas SET version = version + 1 WHERE id = $1`, [raced]);
    };
    expect(await rt.runDue()).toBe(2);
    const held = async (id: string) => (await db.query<{ held: boolean; version: number }>(
      `SELECT locked_until IS NOT NULL AS held, version FROM orchestration.sagas WHERE id = $1`, [id]))[0];
    // The taken-over saga keeps the other runner's version and lease: nothing recorded by this one.
    expect(await held(raced)).toEqual({ held: true, version: 3 });
    expect(await rt.pendingSignals(db, 'raced', 'order-15a')).toEqual([]);
    // The other one is recorded (its lease released, waiting for its signals).
    expect(await held(other)).toEqual({ held: false, version: 3 });
    expect((await rt.get(other))!.saga).toMatchObject({ status: 'RUNNING', nextRunAt: new Date(clock.now().getTime() + 60_000) });
  });

  it('records the others of a run when the end of one of them cannot be recorded: that one only runs again after its lease', async () => {
    await rt.runDue(); // whatever earlier tests left due
    const keys = ['order-16a', 'order-16b', 'order-16c'];
    const ids = await db.tx(async (tx) => Promise.all(keys.map(async (k) => (await rt.start(tx, 'collects', k, { heard: [] })).id)));
    await rt.runDue();
    poisonKey = 'order-16b';
    try {
      await db.tx((tx) => rt.signalMany(tx, 'collects', keys.map((key, n) => ({ key, name: 'done', data: { n } }))));
      expect(await rt.runDue()).toBe(3);
      // The two others ended, their owner's events with them; the poison saga is still held by its lease, unrecorded.
      expect((await rt.byKey(db, 'collects', 'order-16a'))).toMatchObject({ status: 'COMPLETED', data: { heard: ['done:0'] } });
      expect((await rt.byKey(db, 'collects', 'order-16c'))).toMatchObject({ status: 'COMPLETED', data: { heard: ['done:2'] } });
      expect((await rt.byKey(db, 'collects', 'order-16b'))).toMatchObject({ status: 'RUNNING', data: { heard: [] } });
      expect(ended.filter((e) => ids.includes(e.saga.id)).map((e) => e.saga.key).sort()).toEqual(['order-16a', 'order-16c']);
    } finally {
      poisonKey = undefined;
    }
    // Once its lease runs out it runs again, its signal still pending, and ends.
    clock.advance(70_000);
    await drain();
    expect((await rt.byKey(db, 'collects', 'order-16b'))).toMatchObject({ status: 'COMPLETED', data: { heard: ['done:1'] } });
  });

  it('starts a run of sagas in one statement: each key once, the first of the run wins, a key started before keeps its saga', async () => {
    const before = await rt.byKey(db, 'collects', 'order-13');
    expect(before).toBeDefined();
    const { statements } = await db.countStatements(() => db.tx((tx) => rt.startMany(tx, 'collects', [
      { key: 'order-14', data: { heard: ['first'] } }, { key: 'order-13', data: { heard: ['again'] } },
      { key: 'order-14', data: { heard: ['second'] } }, { key: 'order-15', data: { heard: [] }, siteId: 'site-1' },
    ])));
    // BEGIN, the insert, COMMIT.
    expect(statements).toHaveLength(3);
    expect(await rt.byKey(db, 'collects', 'order-13')).toEqual(before);
    const [a, b] = [await rt.byKey(db, 'collects', 'order-14'), await rt.byKey(db, 'collects', 'order-15')];
    expect(a).toMatchObject({ status: 'RUNNING', step: 0, currentStep: 'listen', data: { heard: ['first'] }, attempts: 0, nextRunAt: clock.now(), siteId: null });
    expect(b).toMatchObject({ status: 'RUNNING', currentStep: 'listen', data: { heard: [] }, siteId: 'site-1' });
    expect(a!.id < b!.id).toBe(true);
    expect(await db.query(`SELECT 1 FROM orchestration.sagas WHERE key = 'order-14'`)).toHaveLength(1);
  });

  it('lists by status and type, and counts running, compensating, stuck and failed', async () => {
    expect((await rt.list({ status: 'FAILED', limit: 10 })).map((s) => s.key)).toEqual(['order-4']);
    expect((await rt.list({ type: 'waits', limit: 10 })).map((s) => s.key)).toEqual(['order-5']);
    await db.tx((tx) => rt.start(tx, 'waits', 'order-8', { picked: false, alarms: 0 }));
    // Due for over a minute and nobody ran it: stuck.
    clock.advance(61_000);
    const counts = await rt.counts();
    expect(counts.find((c) => c.type === 'three-steps')).toMatchObject({ running: 0, failed: 1 });
    expect(counts.find((c) => c.type === 'waits')).toMatchObject({ running: 1, stuck: 1 });
  });
});
