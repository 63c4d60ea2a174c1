/**
 * The sagas of the saga crash test (test/e2e/saga-crash.test.ts), shared by the test and its child process
 * (saga-crash-child.ts). Each step's effect is a balance change that is NOT idempotent by itself (`balance + 1`),
 * guarded by check-then-act on the step's idempotency key in the same transaction — what a real step does with a
 * contract call's Idempotency-Key. Every invocation is also counted (in its own transaction, before the effect), so
 * the test sees that killed steps really ran again.
 */
import type { Database, Executor, Tx } from '../../src/platform/db/database.ts';
import { advance, defineSaga, type SagaDefinition, type StepContext } from '../../src/platform/saga/saga.ts';
import type { SagaView } from '../../src/platform/saga/saga-runtime.ts';

export const CRASH_SCHEMA = 'crash_test';
export const HAPPY = 'crash-happy';
export const COMPENSATING = 'crash-compensating';
export const STEPS = ['s1', 's2', 's3', 's4'] as const;
/** Each step's timeout; a killed runner's saga is free again after it plus the lease grace. */
export const STEP_TIMEOUT_MS = 300;
export const LEASE_GRACE_MS = 50;

export async function createCrashTables(db: Executor): Promise<void> {
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${CRASH_SCHEMA}`);
  await db.query(`CREATE TABLE IF NOT EXISTS ${CRASH_SCHEMA}.accounts (saga_key text PRIMARY KEY, balance integer NOT NULL DEFAULT 0)`);
  await db.query(`CREATE TABLE IF NOT EXISTS ${CRASH_SCHEMA}.effects (
    idempotency_key text PRIMARY KEY, saga_key text NOT NULL, step text NOT NULL, kind text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  await db.query(`CREATE TABLE IF NOT EXISTS ${CRASH_SCHEMA}.invocations (
    seq bigserial PRIMARY KEY, idempotency_key text NOT NULL, saga_key text NOT NULL, pid integer NOT NULL)`);
  await db.query(`CREATE TABLE IF NOT EXISTS ${CRASH_SCHEMA}.finished (seq bigserial PRIMARY KEY, saga_id text NOT NULL, status text NOT NULL)`);
}

/** The step's effect, once per idempotency key: +1 on a run, −1 on a compensation. */
async function effect(db: Database, ctx: StepContext<unknown>, step: string, kind: 'RUN' | 'COMPENSATE'): Promise<void> {
  await db.query(`INSERT INTO ${CRASH_SCHEMA}.invocations (idempotency_key, saga_key, pid) VALUES ($1, $2, $3)`, [ctx.idempotencyKey, ctx.key, process.pid]);
  await db.tx(async (tx) => {
    const fresh = await tx.query(
      `INSERT INTO ${CRASH_SCHEMA}.effects (idempotency_key, saga_key, step, kind) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING idempotency_key`,
      [ctx.idempotencyKey, ctx.key, step, kind],
    );
    if (fresh.length === 0) return; // done before the crash: one effect
    await tx.query(
      `INSERT INTO ${CRASH_SCHEMA}.accounts (saga_key, balance) VALUES ($1, $2)
       ON CONFLICT (saga_key) DO UPDATE SET balance = accounts.balance + EXCLUDED.balance`,
      [ctx.key, kind === 'RUN' ? 1 : -1],
    );
  });
}

/**
 * The two sagas of one lane (`crash-happy-<lane>`, `crash-compensating-<lane>`): lanes run side by side, and a runner
 * only claims the types it defines, so a lane's runner never takes another lane's saga.
 */
export function crashSagas(db: Database, lane: number): SagaDefinition<never>[] {
  const step = (name: string, fails: boolean) => ({
    name,
    run: async (ctx: StepContext<unknown>) => {
      if (fails) {
        await db.query(`INSERT INTO ${CRASH_SCHEMA}.invocations (idempotency_key, saga_key, pid) VALUES ($1, $2, $3)`, [ctx.idempotencyKey, ctx.key, process.pid]);
        throw new Error(`${name} refuses`);
      }
      await effect(db, ctx, name, 'RUN');
      return advance(ctx.data);
    },
    compensate: async (ctx: StepContext<unknown>) => effect(db, ctx, name, 'COMPENSATE'),
    timeoutMs: STEP_TIMEOUT_MS,
    retry: { attempts: 2, backoffMs: 10 },
  });
  return [
    defineSaga({ type: `${HAPPY}-${lane}`, steps: STEPS.map((s) => step(s, false)) }),
    defineSaga({ type: `${COMPENSATING}-${lane}`, steps: STEPS.map((s) => step(s, s === 's4')) }),
  ] as unknown as SagaDefinition<never>[];
}

/** The runtime's `onFinished`: one row per recorded end (the test checks there is exactly one per saga). */
export async function recordFinished(tx: Tx, saga: SagaView): Promise<void> {
  await tx.query(`INSERT INTO ${CRASH_SCHEMA}.finished (saga_id, status) VALUES ($1, $2)`, [saga.id, saga.status]);
}

/** `s2:after:run` → the boundary the child dies at. */
export function parseCrashAt(value: string | undefined): { step: string; when: 'before' | 'after'; kind: 'run' | 'compensate' } | undefined {
  if (value === undefined || value === '') return undefined;
  const m = /^([a-z0-9-]+):(before|after):(run|compensate)$/.exec(value);
  if (m === null) throw new Error(`PAKLOG_SAGA_CRASH_AT must be <step>:<before|after>:<run|compensate>, got ${value}`);
  return { step: m[1] ?? '', when: m[2] as 'before' | 'after', kind: m[3] as 'run' | 'compensate' };
}
