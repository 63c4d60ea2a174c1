/**
 * The saga runtime: durable saga state in PostgreSQL, run step by step by a platform job (ADR 0022).
 *
 * A run: claim due sagas with their open signals in one statement (`FOR UPDATE SKIP LOCKED`, a lease: `locked_until`
 * and a new `version`), run the current step's action outside any transaction (it calls contract APIs, which open
 * their own) — and the next steps at once while each advances to one due now (ADR 0022 addendum) — then record the
 * outcomes of the run's sagas in one statement that checks each claimed `version`: history rows, new states, consumed
 * signals; in a transaction with the owner's events (`onFinished`) when a saga ends (ADR 0022 addendum 2026-12-05).
 * A runner that crashed anywhere in between loses nothing: its lease runs out, the steps run again with the same
 * idempotency keys (`saga:<id>:<step>:<RUN|COMPENSATE>`), so their effects happen once, and their outcome is recorded
 * once (a runner whose lease was taken over records nothing).
 */
import type { Clock } from '../clock.ts';
import type { Database, Executor, Tx } from '../db/database.ts';
import { ident } from '../db/database.ts';
import type { IdGenerator } from '../ids.ts';
import { isTransientFault } from '../errors.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import {
  decide, initialState, sagaLifecycle, type Decision, type HistoryEntry, type Outcome, type SagaDefinition, type SagaSignal, type SagaState, type SagaStatus,
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
  /** Only the sagas of this site (its id). */
  readonly siteId?: string;
  /** Ids after this one (ascending). */
  readonly after?: string;
  readonly limit: number;
}

class StepTimeout extends Error {}

/** The longest delay a Node timer takes: a longer one overflows and fires after 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** Runs `fn`, failing with StepTimeout after `ms` (the action may still finish: its idempotency key keeps it single). */
async function within<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      // A step timeout may be a stall limit of up to 30 days (PAKLOG_ORDER_STALL_S): no run lasts 24.8 days, so the
      // timer stops there rather than overflow into failing every run at once.
      new Promise<never>((_, rejectRun) => {
        timer = setTimeout(() => rejectRun(new StepTimeout(`timed out after ${ms} ms`)), Math.min(ms, MAX_TIMER_MS));
      }),
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
   * `start` for a run of sagas of `type` (a set-based subscriber's run of events), in one statement whatever their
   * number: each key not started yet gets its saga, numbered in the run's order; a key started before, or earlier in
   * the run, keeps the saga it has (the same effect as starting each in turn).
   */
  async function startMany(tx: Executor, type: string, sagas: readonly { readonly key: string; readonly data: unknown; readonly siteId?: string | null }[]): Promise<void> {
    const def = definition(type);
    if (sagas.length === 0) return;
    const now = o.clock.now();
    const rows = sagas.map((x) => {
      const s = initialState(def, x.data, now);
      return { id: o.ids.next('sga'), key: x.key, site_id: x.siteId ?? null, status: s.status, data: x.data, deadline: s.deadline };
    });
    await tx.query(
      `INSERT INTO ${t('sagas')} (id, type, key, site_id, status, step, current_step, data, attempts, next_run_at, deadline, created_at, updated_at)
       SELECT r.id, $1, r.key, r.site_id, r.status, 0, $2, coalesce(r.data, 'null'::jsonb), 0, $4, r.deadline, $4, $4
         FROM ROWS FROM (jsonb_to_recordset($3::jsonb) AS (id text, key text, site_id text, status text, data jsonb, deadline timestamptz))
              WITH ORDINALITY AS r(id, key, site_id, status, data, deadline, n)
        ORDER BY r.n
       ON CONFLICT (type, key) DO NOTHING`,
      [type, def.steps[0]?.name ?? null, JSON.stringify(rows), now],
    );
  }

  /**
   * Delivers a signal to the saga of `type` for `key`, in the caller's transaction (the subscriber's, so a redelivered
   * event signals once): the saga runs at the next tick. A signal for a saga not started yet waits for it.
   */
  async function signal(tx: Executor, type: string, key: string, name: string, data: unknown): Promise<void> {
    await signalMany(tx, type, [{ key, name, data }]);
  }

  /**
   * `signal` for a run of signals to sagas of `type` (a set-based subscriber's run of events), in their order: two
   * statements whatever their number, the same effect as signalling each in turn. The sagas woken are locked in key
   * order, so two runs that wake the same sagas cannot deadlock on them.
   */
  async function signalMany(tx: Executor, type: string, signals: readonly { readonly key: string; readonly name: string; readonly data: unknown }[]): Promise<void> {
    definition(type);
    if (signals.length === 0) return;
    const now = o.clock.now();
    // seq (bigserial) follows the run's order: the rows are produced, and numbered, in ordinality order.
    await tx.query(
      `INSERT INTO ${t('saga_signals')} (saga_type, saga_key, name, data, received_at)
       SELECT $1, s->>'key', s->>'name', s->'data', $3 FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(s, n) ORDER BY n`,
      [type, JSON.stringify(signals.map((s) => ({ key: s.key, name: s.name, data: s.data ?? null }))), now],
    );
    await tx.query(
      `WITH woken AS (
         SELECT id FROM ${t('sagas')} WHERE type = $1 AND key = ANY($2::text[]) AND status IN ('RUNNING', 'COMPENSATING') ORDER BY key FOR UPDATE)
       UPDATE ${t('sagas')} s SET next_run_at = $3 FROM woken WHERE s.id = woken.id`,
      [type, [...new Set(signals.map((s) => s.key))], now],
    );
  }

  /**
   * A claimed saga: its row under the new version, when its lease ends, its open signals (RUNNING only), oldest first,
   * and the `xmin` of the row version the claim wrote (the record tells from it whether a signal woke the saga since).
   */
  type Claimed = SagaRow & { lease_until: Date; signals: SagaSignal[]; claimed_xmin: string };

  /**
   * Claims up to `limit` due sagas in one statement: each is leased to this runner under a new version (for its step's
   * timeout plus the grace), and comes with the signals it has not consumed yet (up to 100). A signal committed after
   * this statement is not lost: the record wakes the saga again for it.
   */
  async function claim(limit: number): Promise<Claimed[]> {
    const now = o.clock.now();
    const timeouts = Object.fromEntries([...defs.values()].map((d) => [d.type, d.steps.map((s) => s.timeoutMs)]));
    const rows = await o.db.query<SagaRow & { lease_until: Date; claimed_xmin: string; signals: { seq: number; name: string; data: unknown; receivedAt: string }[] | null }>(
      `WITH due AS (
         SELECT id FROM ${t('sagas')}
          WHERE status IN ('RUNNING', 'COMPENSATING') AND next_run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
            AND type = ANY($3::text[])
          ORDER BY next_run_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE ${t('sagas')} s
          SET locked_until = $1::timestamptz + make_interval(secs => (COALESCE((($4::jsonb -> s.type) ->> GREATEST(s.step, 0))::float8, 0) + $5) / 1000),
              version = s.version + 1
         FROM due WHERE s.id = due.id
       RETURNING ${SAGA_COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')}, s.locked_until AS lease_until, s.xmin::text AS claimed_xmin,
         CASE WHEN s.status = 'RUNNING' THEN (
           SELECT json_agg(json_build_object('seq', g.seq, 'name', g.name, 'data', g.data, 'receivedAt', g.received_at) ORDER BY g.seq)
             FROM (SELECT seq, name, data, received_at FROM ${t('saga_signals')}
                    WHERE saga_type = s.type AND saga_key = s.key AND consumed_at IS NULL ORDER BY seq LIMIT 100) g) END AS signals`,
      [now, limit, [...defs.keys()], JSON.stringify(timeouts), leaseGraceMs],
    );
    // The order they were due in (RETURNING keeps none).
    const due = (r: SagaRow) => r.next_run_at?.getTime() ?? 0;
    return rows
      .sort((a, b) => due(a) - due(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => ({ ...r, signals: (r.signals ?? []).map((s) => ({ seq: s.seq, name: s.name, data: s.data, receivedAt: new Date(s.receivedAt) })) }));
  }

  const stateOf = (r: SagaRow): SagaState => ({
    status: r.status, step: r.step, attempts: r.attempts, data: r.data, deadline: r.deadline, nextRunAt: r.next_run_at, lastError: r.last_error,
  });

  /** A finished attempt of a step, to be written in the saga's history. */
  interface Attempted { readonly entry: HistoryEntry; readonly startedAt: Date; readonly finishedAt: Date }

  /**
   * Runs the claimed saga's current step (or compensation) and records what came of it. A step that advances to the
   * next one, due now, is followed at once by that step in the same pass while the lease still covers its whole timeout
   * (ADR 0022 addendum): a saga that heard several signals goes through the steps they complete with one claim and one
   * record. Each step still runs with its own idempotency key and boundaries; a crash before the record makes them all
   * run again, as a crash before any record does.
   */
  async function advanceOne(r: Claimed): Promise<Pending> {
    const def = definition(r.type);
    let state = stateOf(r);
    if (r.status === 'COMPENSATING' && r.step < 0) {
      return { r, def, d: decide(def, state, { kind: 'compensated' }, o.clock.now()), consumed: [], attempted: [] };
    }
    const compensating = r.status === 'COMPENSATING';
    const kind = compensating ? 'compensate' : 'run';
    const attempted: Attempted[] = [];
    let consumed: readonly SagaSignal[] = [];
    let signals: readonly SagaSignal[] = compensating ? [] : r.signals;
    for (;;) {
      const startedAt = o.clock.now();
      const step = def.steps[state.step];
      if (step === undefined) throw new Error(`saga ${r.id} (${r.type}) is at step ${state.step}, which its definition lacks`);
      const ctx: StepContext<unknown> = {
        sagaId: r.id, type: r.type, key: r.key, siteId: r.site_id, data: state.data, attempt: state.attempts + 1,
        idempotencyKey: `saga:${r.id}:${step.name}:${compensating ? 'COMPENSATE' : 'RUN'}`, signals, now: startedAt,
      };
      o.boundary?.({ type: r.type, step: step.name, when: 'before', kind });
      const outcome = compensating ? await compensateOnce(step, ctx) : await runOnce(step, ctx, state.deadline, signals.length > 0);
      o.boundary?.({ type: r.type, step: step.name, when: 'after', kind });
      if (outcome.kind === 'failed' || outcome.kind === 'compensation-failed') stepFailures?.inc({ type: r.type, step: step.name, kind });
      const now = o.clock.now();
      // A failed run leaves its signals for the retry; anything else has taken them into account.
      if (outcome.kind === 'result') consumed = [...consumed, ...signals];
      const d = decide(def, state, outcome, now);
      if (d.history !== null) attempted.push({ entry: d.history, startedAt, finishedAt: now });
      const next = d.state.status === 'RUNNING' && d.finished === null && outcome.kind === 'result' && outcome.result.kind === 'advance'
        ? def.steps[d.state.step] : undefined;
      const chain = next !== undefined && d.state.nextRunAt !== null && d.state.nextRunAt.getTime() <= now.getTime()
        && r.lease_until.getTime() - o.clock.now().getTime() >= next.timeoutMs;
      if (!chain) return { r, def, d, consumed, attempted };
      state = d.state;
      signals = [];
    }
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
      return { kind: 'failed', error: message(e), timedOut: false, transient: isTransientFault(e) };
    }
  }

  async function compensateOnce(step: SagaStep<unknown>, ctx: StepContext<unknown>): Promise<Outcome> {
    const compensate = step.compensate;
    if (compensate === undefined) return { kind: 'compensated' };
    try {
      await within(step.timeoutMs, () => compensate(ctx));
      return { kind: 'compensated' };
    } catch (e) {
      return { kind: 'compensation-failed', error: message(e), transient: isTransientFault(e) };
    }
  }

  /** What a pass decided for a claimed saga, to be recorded (with the other sagas of its run: `record`). */
  interface Pending { readonly r: Claimed; readonly def: SagaDefinition<unknown>; readonly d: Decision; readonly consumed: readonly SagaSignal[]; readonly attempted: readonly Attempted[] }

  /**
   * Writes the decisions of a run's passes, each only if this runner still holds its saga (its claimed version);
   * otherwise nothing for that saga. The new states, the consumed signals and the history rows of every pass are one
   * statement whatever their number (issue 18 a, 2026-12-05: a record per saga was 2.4 statements per order line in
   * the flow bench); a transaction only when a saga ends (its owner's events go with it), otherwise that statement alone.
   */
  async function record(entries: readonly Pending[]): Promise<void> {
    if (entries.length === 0) return;
    const now = o.clock.now();
    const rows = entries.map(({ r, def, d, consumed, attempted }) => {
      const st = d.state;
      return {
        id: r.id, version: r.version, status: st.status, step: st.step,
        current_step: st.status === 'COMPLETED' || st.status === 'COMPENSATED' ? null : def.steps[st.step]?.name ?? null,
        data: st.data ?? null, attempts: st.attempts, deadline: st.deadline, last_error: st.lastError, finished: d.finished !== null,
        next_run_at: st.nextRunAt, type: r.type, key: r.key, last_seq: consumed.length === 0 ? 0 : Math.max(...consumed.map((c) => c.seq)),
        consumed: consumed.map((c) => c.seq), claimed_xmin: r.claimed_xmin,
        history: attempted.map((a) => ({
          step: a.entry.step, kind: a.entry.kind, attempt: a.entry.attempt, status: a.entry.status, error: a.entry.error,
          startedAt: a.startedAt.toISOString(), finishedAt: a.finishedAt.toISOString(),
        })),
      };
    });
    // The sagas are locked in key order first (`locked`), as `signalMany`'s wake-up locks them, so a run's record and
    // a run's signals cannot deadlock; the signal and history writes happen only for the states written (this
    // runner's version): their CTEs read `saved`. All parts see one snapshot, so the EXISTS still sees the consumed
    // signals unconsumed (hence `seq > last_seq`). A signal's transaction wakes the saga by updating its row: one that
    // commits while this statement waits for that row sees no signal in the EXISTS (its snapshot is from before the
    // wait) but the row it then updates is the signal's version, with another xmin than the claim's: that wakes the
    // saga too.
    const save = (db: Executor) => db.query<SagaRow>(
      `WITH x AS (
         SELECT id, version, status, step, current_step, data, attempts, deadline, last_error, finished, next_run_at, type, key,
                last_seq, consumed, claimed_xmin, history
           FROM jsonb_to_recordset($1::jsonb) AS x(id text, version int, status text, step int, current_step text, data jsonb,
           attempts int, deadline timestamptz, last_error text, finished boolean, next_run_at timestamptz, type text, key text,
           last_seq bigint, consumed bigint[], claimed_xmin text, history jsonb)),
       locked AS (
         SELECT s.id FROM ${t('sagas')} s WHERE s.id IN (SELECT id FROM x) ORDER BY s.key, s.id FOR UPDATE OF s),
       saved AS (
         UPDATE ${t('sagas')} s SET status = x.status, step = x.step, current_step = x.current_step, data = coalesce(x.data, 'null'::jsonb),
                attempts = x.attempts, deadline = x.deadline, last_error = x.last_error, updated_at = $2,
                finished_at = CASE WHEN x.finished THEN $2::timestamptz END, locked_until = NULL, version = s.version + 1,
                -- A signal that arrived while the step ran wakes the saga again at once.
                next_run_at = CASE WHEN x.next_run_at IS NOT NULL AND (s.xmin::text <> x.claimed_xmin OR EXISTS (
                    SELECT 1 FROM ${t('saga_signals')} g WHERE g.saga_type = x.type AND g.saga_key = x.key AND g.consumed_at IS NULL AND g.seq > x.last_seq
                  )) THEN LEAST(x.next_run_at, $2::timestamptz) ELSE x.next_run_at END
           FROM x, locked
          WHERE s.id = x.id AND s.id = locked.id AND s.version = x.version
          RETURNING ${SAGA_COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')}),
       consumed AS (
         UPDATE ${t('saga_signals')} g SET consumed_at = $2
           FROM saved JOIN x ON x.id = saved.id
          WHERE g.saga_type = saved.type AND g.saga_key = saved.key AND g.seq = ANY(x.consumed)),
       history AS (
         INSERT INTO ${t('saga_steps')} (saga_id, seq, step, kind, attempt, status, started_at, finished_at, error)
         SELECT saved.id, (SELECT COALESCE(max(seq), 0) FROM ${t('saga_steps')} WHERE saga_id = saved.id) + h.n,
                h.e->>'step', h.e->>'kind', (h.e->>'attempt')::int, h.e->>'status', (h.e->>'startedAt')::timestamptz,
                (h.e->>'finishedAt')::timestamptz, h.e->>'error'
           FROM saved JOIN x ON x.id = saved.id, jsonb_array_elements(x.history) WITH ORDINALITY AS h(e, n))
       SELECT ${SAGA_COLUMNS} FROM saved`,
      [JSON.stringify(rows), now],
    );
    const dropped = (missing: readonly Pending[]): void => {
      // The lease ran out and another runner took the saga over: its record wins, this one is dropped.
      for (const { r } of missing) o.log.warn({ saga: r.id, step: r.current_step }, 'saga step outcome dropped: the saga was taken over');
    };
    const missing = (saved: readonly SagaRow[]) => {
      const ids = new Set(saved.map((x) => x.id));
      return entries.filter((e) => !ids.has(e.r.id));
    };
    if (entries.every((e) => e.d.finished === null)) {
      dropped(missing(await save(o.db)));
      return;
    }
    await o.db.tx(async (tx) => {
      const saved = await save(tx);
      dropped(missing(saved));
      const byId = new Map(saved.map((x) => [x.id, x]));
      for (const e of entries) {
        const row = byId.get(e.r.id);
        const ending = e.d.finished;
        if (row === undefined || ending === null) continue;
        await o.onFinished?.(tx, view(row), e.d.escalate);
        tx.afterCommit(() => finished?.inc({ type: e.r.type, status: ending }));
      }
    });
  }

  /** One run of the job: claims due sagas and advances each (by one step, or the steps it can go through at once); returns how many ran. */
  async function runDue(limit = batch): Promise<number> {
    const claimed = await claim(limit);
    const failed = (err: unknown, id: string): void => {
      o.log.error({ err, saga: id }, 'saga step could not be recorded; it runs again when its lease ends');
    };
    // The passes' decisions are recorded together once every pass of the run is done; a decision waits no longer than
    // its lease leaves room for (half the grace before it ends): then what is decided so far is recorded, and the rest
    // later, so a slow pass never costs a fast one its lease.
    let pending: Pending[] = [];
    const records: Promise<void>[] = [];
    let timer: NodeJS.Timeout | undefined;
    let timerAt = Infinity;
    const flush = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      timerAt = Infinity;
      if (pending.length === 0) return;
      const entries = pending;
      pending = [];
      // A record that fails for a run of several (one saga's `onFinished` throws, say) is tried again saga by saga, so
      // one saga that cannot be recorded never holds back the others of its run (their leases would run out each time).
      const alone = (e: Pending) => record([e]).catch((err: unknown) => { failed(err, e.r.id); });
      records.push(record(entries).catch(async (err: unknown) => {
        if (entries.length === 1) failed(err, entries[0]!.r.id);
        else await Promise.all(entries.map(alone));
      }));
    };
    await Promise.all(claimed.map(async (r) => {
      let decided: Pending;
      try {
        decided = await advanceOne(r);
      } catch (err) {
        failed(err, r.id);
        return;
      }
      pending.push(decided);
      const flushAt = r.lease_until.getTime() - leaseGraceMs / 2;
      if (flushAt < timerAt) {
        if (timer !== undefined) clearTimeout(timer);
        timerAt = flushAt;
        timer = setTimeout(flush, Math.max(0, flushAt - o.clock.now().getTime()));
      }
    }));
    flush();
    await Promise.all(records);
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

  /**
   * The signals of a saga not consumed yet, oldest first: what its next step will read. A reader that needs the facts
   * as they stand (not as of the saga's last step) applies them to its data, as the step will.
   */
  async function pendingSignals(db: Executor, type: string, key: string): Promise<SagaSignal[]> {
    const rows = await db.query<{ seq: string; name: string; data: unknown; received_at: Date }>(
      `SELECT seq, name, data, received_at FROM ${t('saga_signals')} WHERE saga_type = $1 AND saga_key = $2 AND consumed_at IS NULL ORDER BY seq`,
      [type, key]);
    return rows.map((r) => ({ seq: Number(r.seq), name: r.name, data: r.data, receivedAt: r.received_at }));
  }

  async function list(f: SagaFilter): Promise<SagaView[]> {
    const rows = await o.db.query<SagaRow>(
      `SELECT ${SAGA_COLUMNS} FROM ${t('sagas')}
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR id > $3)
          AND ($5::text IS NULL OR site_id = $5)
        ORDER BY id LIMIT $4`,
      [f.status ?? null, f.type ?? null, f.after ?? null, f.limit, f.siteId ?? null],
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

  /**
   * A FAILED saga compensates again from the compensation that failed (a person fixed the cause): COMPENSATING, due now,
   * for one more attempt (numbered on from the failed ones, so the history keeps every attempt): if it fails, the saga is
   * FAILED and escalated again at once; if it succeeds, the compensations before it run as usual. Undefined when there
   * is no such saga; the saga unchanged when it is not FAILED (the caller says why). In `db` when given: the caller's
   * transaction, so that what the retry is recorded as (a SAGA_FAILED exception's resolution) commits with it.
   */
  async function retry(id: string, db: Executor = o.db): Promise<SagaView | undefined> {
    sagaLifecycle.assertCan('FAILED', 'COMPENSATING');
    const now = o.clock.now();
    const rows = await db.query<SagaRow>(
      `UPDATE ${t('sagas')} SET status = 'COMPENSATING', next_run_at = $2, deadline = NULL, finished_at = NULL,
              locked_until = NULL, updated_at = $2, version = version + 1
        WHERE id = $1 AND status = 'FAILED'
        RETURNING ${SAGA_COLUMNS}`,
      [id, now],
    );
    if (rows[0] !== undefined) return view(rows[0]);
    const [unchanged] = await db.query<SagaRow>(`SELECT ${SAGA_COLUMNS} FROM ${t('sagas')} WHERE id = $1`, [id]);
    return unchanged === undefined ? undefined : view(unchanged);
  }

  return { start, startMany, signal, signalMany, runDue, drain, get, byKey, pendingSignals, list, counts, retry, definitions: () => [...defs.values()] };
}
