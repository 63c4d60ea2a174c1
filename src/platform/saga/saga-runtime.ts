/**
 * The saga runtime: durable saga state in PostgreSQL, run one step at a time by a platform job (ADR 0022).
 *
 * A run: claim due sagas (`FOR UPDATE SKIP LOCKED`, then a lease: `locked_until` and a new `version`), run the
 * current step's action outside any transaction (it calls contract APIs, which open their own), then record its
 * outcome in one transaction that checks the claimed `version`: history row, new state, consumed signals, and the
 * owner's events (`onFinished`). A runner that crashed anywhere in between loses nothing: its lease runs out, the step
 * runs again with the same idempotency key (`saga:<id>:<step>:<RUN|COMPENSATE>`), so its effect happens once, and its
 * outcome is recorded once (a runner whose lease was taken over records nothing).
 */
import type { Clock } from '../clock.ts';
import type { Database, Executor, Tx } from '../db/database.ts';
import { ident } from '../db/database.ts';
import type { IdGenerator } from '../ids.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import {
  decide, initialState, type Decision, type Outcome, type SagaDefinition, type SagaSignal, type SagaState, type SagaStatus,
  type SagaStep, type StepContext, type StepResult,
} from './saga.ts';

/** A saga as stored. */
export interface SagaView {
  readonly id: string;
  readonly type: string;
  readonly key: string;
  readonly siteId: string | null;
  readonly status: SagaStatus;
  readonly step: number;
  readonly currentStep: string | null;
  readonly data: unknown;
  readonly attempts: number;
  readonly nextRunAt: Date | null;
  readonly deadline: Date | null;
  readonly lastError: string | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly finishedAt: Date | null;
}

export interface SagaStepRecord {
  readonly seq: number;
  readonly step: string;
  readonly kind: 'RUN' | 'COMPENSATE';
  readonly attempt: number;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly error: string | null;
}

/** A point between saga steps where the crash test kills the process (`PAKLOG_SAGA_CRASH_AT`). */
export interface SagaBoundary {
  readonly type: string;
  readonly step: string;
  readonly when: 'before' | 'after';
  readonly kind: 'run' | 'compensate';
}

export interface SagaRuntimeOptions {
  readonly db: Database;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly log: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  readonly metrics?: Metrics;
  /** The schema holding `sagas`, `saga_steps` and `saga_signals` (the orchestration context's). */
  readonly schema: string;
  readonly sagas: readonly SagaDefinition<never>[];
  /** A claim holds a saga for the step's timeout plus this (default 5 s): a crashed runner's saga is free after it. */
  readonly leaseGraceMs?: number;
  /** Sagas claimed per run (default 20). */
  readonly batch?: number;
  /** In the transaction that records a saga's end: the owner's events and escalations. */
  readonly onFinished?: (tx: Tx, saga: SagaView, escalate: boolean) => Promise<void>;
  /** Called at each step boundary (fault injection for the crash test). */
  readonly boundary?: ((b: SagaBoundary) => void) | undefined;
}

interface SagaRow {
  id: string; type: string; key: string; site_id: string | null; status: SagaStatus; step: number; current_step: string | null;
  data: unknown; attempts: number; next_run_at: Date | null; deadline: Date | null; last_error: string | null; version: number;
  created_at: Date; updated_at: Date; finished_at: Date | null;
}
const SAGA_COLUMNS = 'id, type, key, site_id, status, step, current_step, data, attempts, next_run_at, deadline, last_error, version, created_at, updated_at, finished_at';

const view = (r: SagaRow): SagaView => ({
  id: r.id, type: r.type, key: r.key, siteId: r.site_id, status: r.status, step: r.step, currentStep: r.current_step, data: r.data,
  attempts: r.attempts, nextRunAt: r.next_run_at, deadline: r.deadline, lastError: r.last_error, version: r.version,
  createdAt: r.created_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
});

export interface SagaFilter {
  readonly status?: SagaStatus;
  readonly type?: string;
  /** Ids after this one (ascending). */
  readonly after?: string;
  readonly limit: number;
}

class StepTimeout extends Error {}

/** Runs `fn`, failing with StepTimeout after `ms` (the action may still finish: its idempotency key keeps it single). */
async function within<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, rejectRun) => { timer = setTimeout(() => rejectRun(new StepTimeout(`timed out after ${ms} ms`)), ms); }),
    ]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 2000);

export type SagaRuntime = ReturnType<typeof sagaRuntime>;

export function sagaRuntime(o: SagaRuntimeOptions) {
  const t = (name: string): string => `${ident(o.schema)}.${name}`;
  const defs = new Map<string, SagaDefinition<unknown>>(o.sagas.map((d) => [d.type, d as unknown as SagaDefinition<unknown>]));
  const leaseGraceMs = o.leaseGraceMs ?? 5_000;
  const batch = o.batch ?? 20;
  const finished = o.metrics?.counter('paklog_sagas_finished_total', 'Sagas that ended, by type and final status', ['type', 'status']);
  const stepFailures = o.metrics?.counter('paklog_saga_step_failures_total', 'Failed attempts of saga steps and compensations', ['type', 'step', 'kind']);

  const definition = (type: string): SagaDefinition<unknown> => {
    const d = defs.get(type);
    if (d === undefined) throw new Error(`no saga of type ${type} is defined`);
    return d;
  };

  /** Starts the saga of `type` for `key` in the caller's transaction; a second start for the same key changes nothing. */
  async function start(tx: Executor, type: string, key: string, data: unknown, options: { siteId?: string | null } = {}): Promise<{ id: string; created: boolean }> {
    const def = definition(type);
    const now = o.clock.now();
    const s = initialState(def, data, now);
    const id = o.ids.next('sga');
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO ${t('sagas')} (id, type, key, site_id, status, step, current_step, data, attempts, next_run_at, deadline, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 0, $6, $7, 0, $8, $9, $8, $8)
       ON CONFLICT (type, key) DO NOTHING RETURNING id`,
      [id, type, key, options.siteId ?? null, s.status, def.steps[0]?.name ?? null, JSON.stringify(data), now, s.deadline],
    );
    if (rows[0] !== undefined) return { id: rows[0].id, created: true };
    const existing = await tx.query<{ id: string }>(`SELECT id FROM ${t('sagas')} WHERE type = $1 AND key = $2`, [type, key]);
    return { id: existing[0]?.id ?? id, created: false };
  }

  /**
   * Delivers a signal to the saga of `type` for `key`, in the caller's transaction (the subscriber's, so a redelivered
   * event signals once): the saga runs at the next tick. A signal for a saga not started yet waits for it.
   */
  async function signal(tx: Executor, type: string, key: string, name: string, data: unknown): Promise<void> {
    definition(type);
    const now = o.clock.now();
    await tx.query(`INSERT INTO ${t('saga_signals')} (saga_type, saga_key, name, data, received_at) VALUES ($1, $2, $3, $4, $5)`,
      [type, key, name, JSON.stringify(data), now]);
    await tx.query(`UPDATE ${t('sagas')} SET next_run_at = $3 WHERE type = $1 AND key = $2 AND status IN ('RUNNING', 'COMPENSATING')`, [type, key, now]);
  }

  /** Claims up to `limit` due sagas: each is leased to this runner under a new version. */
  async function claim(limit: number): Promise<SagaRow[]> {
    const now = o.clock.now();
    return o.db.tx(async (tx) => {
      const due = await tx.query<SagaRow>(
        `SELECT ${SAGA_COLUMNS} FROM ${t('sagas')}
          WHERE status IN ('RUNNING', 'COMPENSATING') AND next_run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
            AND type = ANY($3::text[])
          ORDER BY next_run_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit, [...defs.keys()]],
      );
      const claimed: SagaRow[] = [];
      for (const r of due) {
        const timeoutMs = definition(r.type).steps[Math.max(0, r.step)]?.timeoutMs ?? 0;
        await tx.query(`UPDATE ${t('sagas')} SET locked_until = $2, version = version + 1 WHERE id = $1`,
          [r.id, new Date(now.getTime() + timeoutMs + leaseGraceMs)]);
        claimed.push({ ...r, version: r.version + 1 });
      }
      return claimed;
    });
  }

  const stateOf = (r: SagaRow): SagaState => ({
    status: r.status, step: r.step, attempts: r.attempts, data: r.data, deadline: r.deadline, nextRunAt: r.next_run_at, lastError: r.last_error,
  });

  /** Runs the claimed saga's current step (or compensation) once and records what came of it. */
  async function advanceOne(r: SagaRow): Promise<void> {
    const def = definition(r.type);
    const startedAt = o.clock.now();
    const state = stateOf(r);
    if (r.status === 'COMPENSATING' && r.step < 0) {
      await record(r, def, decide(def, state, { kind: 'compensated' }, startedAt), [], startedAt);
      return;
    }
    const step = def.steps[r.step];
    if (step === undefined) throw new Error(`saga ${r.id} (${r.type}) is at step ${r.step}, which its definition lacks`);
    const compensating = r.status === 'COMPENSATING';
    const kind = compensating ? 'compensate' : 'run';
    const signals = compensating ? [] : await openSignals(r);
    const ctx: StepContext<unknown> = {
      sagaId: r.id, type: r.type, key: r.key, siteId: r.site_id, data: r.data, attempt: r.attempts + 1,
      idempotencyKey: `saga:${r.id}:${step.name}:${compensating ? 'COMPENSATE' : 'RUN'}`, signals, now: startedAt,
    };
    o.boundary?.({ type: r.type, step: step.name, when: 'before', kind });
    const outcome = compensating ? await compensateOnce(step, ctx) : await runOnce(step, ctx, r.deadline, signals.length > 0);
    o.boundary?.({ type: r.type, step: step.name, when: 'after', kind });
    if (outcome.kind === 'failed' || outcome.kind === 'compensation-failed') stepFailures?.inc({ type: r.type, step: step.name, kind });
    const now = o.clock.now();
    // A failed run leaves its signals for the retry; anything else has taken them into account.
    const consumed = outcome.kind === 'result' ? signals : [];
    await record(r, def, decide(def, state, outcome, now), consumed, startedAt);
  }

  async function runOnce(step: SagaStep<unknown>, ctx: StepContext<unknown>, deadline: Date | null, signalled: boolean): Promise<Outcome> {
    // A signal is heard first: the event may be what the step waited for. Past its deadline, the timeout path runs.
    const timedOut = !signalled && deadline !== null && deadline.getTime() <= ctx.now.getTime();
    if (timedOut && step.onTimeout === undefined) return { kind: 'failed', error: `step ${step.name} timed out after ${step.timeoutMs} ms`, timedOut: true };
    const action = timedOut && step.onTimeout !== undefined ? step.onTimeout : step.run;
    try {
      const result: StepResult<unknown> = await within(step.timeoutMs, () => action(ctx));
      return { kind: 'result', result };
    } catch (e) {
      return { kind: 'failed', error: message(e), timedOut: false };
    }
  }

  async function compensateOnce(step: SagaStep<unknown>, ctx: StepContext<unknown>): Promise<Outcome> {
    const compensate = step.compensate;
    if (compensate === undefined) return { kind: 'compensated' };
    try {
      await within(step.timeoutMs, () => compensate(ctx));
      return { kind: 'compensated' };
    } catch (e) {
      return { kind: 'compensation-failed', error: message(e) };
    }
  }

  async function openSignals(r: SagaRow): Promise<SagaSignal[]> {
    const rows = await o.db.query<{ seq: number; name: string; data: unknown; received_at: Date }>(
      `SELECT seq, name, data, received_at FROM ${t('saga_signals')} WHERE saga_type = $1 AND saga_key = $2 AND consumed_at IS NULL ORDER BY seq LIMIT 100`,
      [r.type, r.key],
    );
    return rows.map((s) => ({ seq: s.seq, name: s.name, data: s.data, receivedAt: s.received_at }));
  }

  /** Writes a decision if this runner still holds the saga (its claimed version); otherwise nothing. */
  async function record(r: SagaRow, def: SagaDefinition<unknown>, d: Decision, consumed: readonly SagaSignal[], startedAt: Date): Promise<void> {
    const now = o.clock.now();
    const s = d.state;
    const lastSeq = consumed.length === 0 ? 0 : Math.max(...consumed.map((c) => c.seq));
    await o.db.tx(async (tx) => {
      // Lock the row first, in a statement of its own: a signal whose transaction holds it (`signal` bumps next_run_at)
      // commits before this goes on, and the UPDATE below, taking its snapshot after, sees that signal in its EXISTS.
      // In one statement the EXISTS would read the snapshot from before the wait, miss the signal, and put the saga to
      // sleep until its timer (a lost wake-up: an order shipped, its saga waiting an hour at `ship`).
      await tx.query(`SELECT 1 FROM ${t('sagas')} WHERE id = $1 FOR UPDATE`, [r.id]);
      const rows = await tx.query<SagaRow>(
        `UPDATE ${t('sagas')} SET status = $3, step = $4, current_step = $5, data = $6, attempts = $7, deadline = $8, last_error = $9,
                updated_at = $10, finished_at = $11, locked_until = NULL, version = version + 1,
                -- A signal that arrived while the step ran wakes the saga again at once.
                next_run_at = CASE WHEN $12::timestamptz IS NOT NULL AND EXISTS (
                    SELECT 1 FROM ${t('saga_signals')} g WHERE g.saga_type = $13 AND g.saga_key = $14 AND g.consumed_at IS NULL AND g.seq > $15
                  ) THEN LEAST($12::timestamptz, $10) ELSE $12::timestamptz END
          WHERE id = $1 AND version = $2
          RETURNING ${SAGA_COLUMNS}`,
        [r.id, r.version, s.status, s.step, s.status === 'COMPLETED' || s.status === 'COMPENSATED' ? null : def.steps[s.step]?.name ?? null, JSON.stringify(s.data ?? null), s.attempts, s.deadline, s.lastError,
          now, d.finished === null ? null : now, s.nextRunAt, r.type, r.key, lastSeq],
      );
      const saved = rows[0];
      if (saved === undefined) {
        // The lease ran out and another runner took the saga over: its record wins, this one is dropped.
        o.log.warn({ saga: r.id, step: r.current_step }, 'saga step outcome dropped: the saga was taken over');
        return;
      }
      if (consumed.length > 0) {
        await tx.query(`UPDATE ${t('saga_signals')} SET consumed_at = $3 WHERE saga_type = $1 AND saga_key = $2 AND seq = ANY($4::bigint[])`,
          [r.type, r.key, now, consumed.map((c) => c.seq)]);
      }
      if (d.history !== null) {
        const h = d.history;
        await tx.query(
          `INSERT INTO ${t('saga_steps')} (saga_id, seq, step, kind, attempt, status, started_at, finished_at, error)
           VALUES ($1, (SELECT COALESCE(max(seq), 0) + 1 FROM ${t('saga_steps')} WHERE saga_id = $1), $2, $3, $4, $5, $6, $7, $8)`,
          [r.id, h.step, h.kind, h.attempt, h.status, startedAt, now, h.error],
        );
      }
      if (d.finished !== null) {
        await o.onFinished?.(tx, view(saved), d.escalate);
        const status = d.finished;
        tx.afterCommit(() => finished?.inc({ type: r.type, status }));
      }
    });
  }

  /** One run of the job: claims due sagas and advances each by one step; returns how many ran. */
  async function runDue(limit = batch): Promise<number> {
    const claimed = await claim(limit);
    const results = await Promise.allSettled(claimed.map((r) => advanceOne(r)));
    for (const [i, res] of results.entries()) {
      if (res.status === 'rejected') o.log.error({ err: res.reason as unknown, saga: claimed[i]?.id }, 'saga step could not be recorded; it runs again when its lease ends');
    }
    return claimed.length;
  }

  /** Runs due sagas until none is due (tests and the crash test's child). */
  async function drain(maxRounds = 1_000): Promise<void> {
    for (let i = 0; i < maxRounds; i++) if ((await runDue()) === 0) return;
  }

  async function get(id: string): Promise<{ saga: SagaView; steps: SagaStepRecord[] } | undefined> {
    const rows = await o.db.query<SagaRow>(`SELECT ${SAGA_COLUMNS} FROM ${t('sagas')} WHERE id = $1`, [id]);
    const r = rows[0];
    if (r === undefined) return undefined;
    const steps = await o.db.query<{ seq: number; step: string; kind: 'RUN' | 'COMPENSATE'; attempt: number; status: SagaStepRecord['status']; started_at: Date; finished_at: Date; error: string | null }>(
      `SELECT seq, step, kind, attempt, status, started_at, finished_at, error FROM ${t('saga_steps')} WHERE saga_id = $1 ORDER BY seq`, [id]);
    return {
      saga: view(r),
      steps: steps.map((s) => ({ seq: s.seq, step: s.step, kind: s.kind, attempt: s.attempt, status: s.status, startedAt: s.started_at, finishedAt: s.finished_at, error: s.error })),
    };
  }

  async function byKey(db: Executor, type: string, key: string): Promise<SagaView | undefined> {
    const rows = await db.query<SagaRow>(`SELECT ${SAGA_COLUMNS} FROM ${t('sagas')} WHERE type = $1 AND key = $2`, [type, key]);
    return rows[0] === undefined ? undefined : view(rows[0]);
  }

  async function list(f: SagaFilter): Promise<SagaView[]> {
    const rows = await o.db.query<SagaRow>(
      `SELECT ${SAGA_COLUMNS} FROM ${t('sagas')}
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR id > $3)
        ORDER BY id LIMIT $4`,
      [f.status ?? null, f.type ?? null, f.after ?? null, f.limit],
    );
    return rows.map(view);
  }

  /**
   * Running, compensating, stuck and failed sagas, by type. Stuck: active, and past its waiting step's deadline or due
   * for over a minute without a runner taking it (the runner is down, or the step crash-loops).
   */
  async function counts(): Promise<{ type: string; running: number; compensating: number; stuck: number; failed: number }[]> {
    return o.db.query(
      `SELECT type,
              count(*) FILTER (WHERE status = 'RUNNING')::int AS running,
              count(*) FILTER (WHERE status = 'COMPENSATING')::int AS compensating,
              count(*) FILTER (WHERE status IN ('RUNNING', 'COMPENSATING')
                                 AND (deadline < $1::timestamptz - interval '1 minute' OR next_run_at < $1::timestamptz - interval '1 minute'))::int AS stuck,
              count(*) FILTER (WHERE status = 'FAILED')::int AS failed
         FROM ${t('sagas')} GROUP BY type`,
      [o.clock.now()],
    );
  }

  return { start, signal, runDue, drain, get, byKey, list, counts, definitions: () => [...defs.values()] };
}
