/**
 * A saga: a long-running process across contexts, as an ordered list of steps, each with an optional compensation,
 * a timeout and a retry policy. Pure definitions and the state machine the runtime (`saga-runtime.ts`) enforces;
 * see docs/operations/sagas.md and ADR 0022.
 */
import { defineLifecycle } from '../lifecycle.ts';
import { assertNever } from '../errors.ts';

export const SAGA_STATUSES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED'] as const;
export type SagaStatus = (typeof SAGA_STATUSES)[number];

/**
 * DOMAIN.md: `RUNNING → COMPLETED | COMPENSATING → COMPENSATED | FAILED`; a compensation that failed after its retries is
 * escalated (FAILED), and a person who fixed the cause retries it (`FAILED → COMPENSATING`, `SagaRuntime.retry`): FAILED
 * is never a dead end.
 */
export const SAGA_TRANSITIONS: Record<SagaStatus, readonly SagaStatus[]> = {
  RUNNING: ['COMPLETED', 'COMPENSATING'],
  COMPENSATING: ['COMPENSATED', 'FAILED'],
  COMPLETED: [],
  COMPENSATED: [],
  FAILED: ['COMPENSATING'],
};
export const sagaLifecycle = defineLifecycle('saga', SAGA_TRANSITIONS, ['RUNNING']);
export const ACTIVE_SAGA_STATUSES: readonly SagaStatus[] = ['RUNNING', 'COMPENSATING'];

/** A signal delivered to a saga (`SagaRuntime.signal`), e.g. `picked` for the order it follows. */
export interface SagaSignal {
  readonly seq: number;
  readonly name: string;
  readonly data: unknown;
  readonly receivedAt: Date;
}

/** What a step's run (or compensation) is handed. */
export interface StepContext<D> {
  readonly sagaId: string;
  readonly type: string;
  readonly key: string;
  readonly siteId: string | null;
  readonly data: D;
  /** 1 for the first attempt of this run or compensation. */
  readonly attempt: number;
  /**
   * `saga:<id>:<step>:<RUN|COMPENSATE>`: the step's action must use it (an Idempotency-Key, or check-then-act on a
   * row keyed by it), so a rerun after a crash has one effect.
   */
  readonly idempotencyKey: string;
  /** Signals received since the step last ran, oldest first; consumed when the step's outcome is recorded. */
  readonly signals: readonly SagaSignal[];
  readonly now: Date;
}

/** What a step's run (or timeout path) answers. Throwing is a failed attempt. */
export type StepResult<D> =
  /** The step is done: go on with the next one (or complete the saga after the last). */
  | { readonly kind: 'advance'; readonly data: D }
  /** The saga has nothing more to do: COMPLETED now, whatever steps are left. */
  | { readonly kind: 'finish'; readonly data: D }
  /** Wait for a signal, or until `until` (null: until a signal or the step's timeout). */
  | { readonly kind: 'wait'; readonly data: D; readonly until: Date | null };

export const advance = <D>(data: D): StepResult<D> => ({ kind: 'advance', data });
export const finish = <D>(data: D): StepResult<D> => ({ kind: 'finish', data });
export const wait = <D>(data: D, until: Date | null = null): StepResult<D> => ({ kind: 'wait', data, until });

export interface SagaStep<D> {
  /** kebab-case, unique in the saga; part of the idempotency key. */
  readonly name: string;
  readonly run: (ctx: StepContext<D>) => Promise<StepResult<D>>;
  /** Undoes the step's effect, when a later step fails for good. Throwing is a failed attempt. */
  readonly compensate?: (ctx: StepContext<D>) => Promise<void>;
  /**
   * A run that takes longer is a failed attempt; a step still waiting this long after it first answered `wait` runs
   * `onTimeout` (or fails for good without one). After `onTimeout` answers `wait`, the timer restarts.
   */
  readonly timeoutMs: number;
  /** `attempts` in all (1 = no retry); the n-th retry waits `backoffMs × 2^(n-1)`. */
  readonly retry: { readonly attempts: number; readonly backoffMs: number };
  /** The timeout path of a waiting step: what to do when its timeout fires (raise an alarm and wait on, finish…). */
  readonly onTimeout?: (ctx: StepContext<D>) => Promise<StepResult<D>>;
}

export interface SagaDefinition<D> {
  /** kebab-case, e.g. `order-fulfilment`. */
  readonly type: string;
  readonly steps: readonly SagaStep<D>[];
}

/** Checks a definition (names, at least one step, sane timeouts and retries) and returns it. */
export function defineSaga<D>(def: SagaDefinition<D>): SagaDefinition<D> {
  const kebab = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
  if (!kebab.test(def.type)) throw new Error(`saga type ${def.type} is not kebab-case`);
  if (def.steps.length === 0) throw new Error(`saga ${def.type} has no step`);
  const names = new Set<string>();
  for (const s of def.steps) {
    if (!kebab.test(s.name)) throw new Error(`saga ${def.type}: step name ${s.name} is not kebab-case`);
    if (names.has(s.name)) throw new Error(`saga ${def.type}: two steps are named ${s.name}`);
    names.add(s.name);
    if (!(s.timeoutMs > 0)) throw new Error(`saga ${def.type}: step ${s.name} needs a positive timeoutMs`);
    if (!Number.isInteger(s.retry.attempts) || s.retry.attempts < 1) throw new Error(`saga ${def.type}: step ${s.name} needs retry.attempts ≥ 1`);
    if (!(s.retry.backoffMs >= 0)) throw new Error(`saga ${def.type}: step ${s.name} needs retry.backoffMs ≥ 0`);
  }
  return def;
}

/** The durable state of one saga, as the machine sees it. */
export interface SagaState {
  readonly status: SagaStatus;
  readonly step: number;
  readonly attempts: number;
  readonly data: unknown;
  /** When the waiting step's timeout fires (null while the step does not wait). */
  readonly deadline: Date | null;
  readonly nextRunAt: Date | null;
  readonly lastError: string | null;
}

/** What one run of a step or a compensation came to. */
export type Outcome =
  | { readonly kind: 'result'; readonly result: StepResult<unknown> }
  /**
   * The run threw or overran its timeout (`timedOut`: its step's wait timed out with no timeout path). `transient`: it
   * threw because a dependency was unreachable for now (`isTransientFault`), which is not the step's fault.
   */
  | { readonly kind: 'failed'; readonly error: string; readonly timedOut: boolean; readonly transient?: boolean }
  | { readonly kind: 'compensated' }
  | { readonly kind: 'compensation-failed'; readonly error: string; readonly transient?: boolean };

export interface HistoryEntry {
  readonly step: string;
  readonly kind: 'RUN' | 'COMPENSATE';
  readonly attempt: number;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly error: string | null;
}

export interface Decision {
  readonly state: SagaState;
  /** The history row to write, if the outcome ended an attempt (a wait writes none). */
  readonly history: HistoryEntry | null;
  /** The saga ended with this status now. */
  readonly finished: 'COMPLETED' | 'COMPENSATED' | 'FAILED' | null;
  /** A compensation failed for good: a person must look (the supervisor queue). */
  readonly escalate: boolean;
}

/** Delay before retry number `failures` (1 = first retry): exponential, capped at an hour. */
export function backoffMs(step: Pick<SagaStep<unknown>, 'retry'>, failures: number): number {
  return Math.min(3_600_000, step.retry.backoffMs * 2 ** Math.max(0, failures - 1));
}

const at = (now: Date, ms: number): Date => new Date(now.getTime() + ms);

/** The pause before a step or compensation that met a transient fault runs again: its retry backoff, 5–30 s. */
export function transientRetryMs(step: Pick<SagaStep<unknown>, 'retry'>): number {
  return Math.min(30_000, Math.max(5_000, step.retry.backoffMs));
}

/** The highest step index ≤ `from` that has a compensation, or -1. */
export function nextCompensable(def: SagaDefinition<unknown>, from: number): number {
  for (let i = Math.min(from, def.steps.length - 1); i >= 0; i--) if (def.steps[i]?.compensate !== undefined) return i;
  return -1;
}

function stepAt(def: SagaDefinition<unknown>, index: number): SagaStep<unknown> {
  const s = def.steps[index];
  if (s === undefined) throw new Error(`saga ${def.type} has no step ${index}`);
  return s;
}

/** The state a new saga starts in: its first step due now. */
export function initialState(def: SagaDefinition<unknown>, data: unknown, now: Date): SagaState {
  stepAt(def, 0);
  return { status: 'RUNNING', step: 0, attempts: 0, data, deadline: null, nextRunAt: now, lastError: null };
}

/** Starts compensating the steps before `failedStep` (the failed one had no effect to undo), newest first. */
function startCompensating(def: SagaDefinition<unknown>, state: SagaState, failedStep: number, error: string, now: Date): SagaState {
  const next = nextCompensable(def, failedStep - 1);
  return {
    ...state, status: 'COMPENSATING', step: next, attempts: 0, lastError: error, nextRunAt: now, deadline: null,
  };
}

/**
 * The saga's next state after one run of its current step (RUNNING) or compensation (COMPENSATING): pure, so every
 * rule of the lifecycle is tested without a database (saga.test.ts).
 */
export function decide(def: SagaDefinition<unknown>, state: SagaState, outcome: Outcome, now: Date): Decision {
  const none = { history: null, finished: null, escalate: false } as const;
  if (state.status === 'COMPENSATING' && state.step < 0) {
    // Nothing (left) to compensate.
    sagaLifecycle.assertCan(state.status, 'COMPENSATED');
    return { ...none, state: { ...state, status: 'COMPENSATED', nextRunAt: null, deadline: null }, finished: 'COMPENSATED' };
  }
  const step = stepAt(def, state.step);
  const attempt = state.attempts + 1;
  if ((outcome.kind === 'failed' || outcome.kind === 'compensation-failed') && outcome.transient === true) {
    // A dependency unreachable for now (a service restarting, the database failing over) is not the step's fault: no
    // attempt is used up, nothing compensates or escalates over it; the run is due again after a pause and the saga
    // shows why it waits (`lastError`). An outage of any length ends with the saga where it was.
    return { ...none, state: { ...state, lastError: `transient: ${outcome.error}`, nextRunAt: at(now, transientRetryMs(step)) } };
  }
  switch (outcome.kind) {
    case 'result': {
      if (state.status !== 'RUNNING') throw new Error(`a step result for a ${state.status} saga`);
      const r = outcome.result;
      switch (r.kind) {
        case 'wait': {
          // The timer starts when the step first waits; a timeout path that answered `wait` restarts it.
          const deadline = state.deadline ?? at(now, step.timeoutMs);
          const restarted = deadline.getTime() <= now.getTime() ? at(now, step.timeoutMs) : deadline;
          const until = r.until === null || r.until.getTime() > restarted.getTime() ? restarted : r.until;
          return { ...none, state: { ...state, data: r.data, attempts: 0, deadline: restarted, nextRunAt: until } };
        }
        case 'advance':
        case 'finish': {
          const history: HistoryEntry = { step: step.name, kind: 'RUN', attempt, status: 'SUCCEEDED', error: null };
          const last = r.kind === 'finish' || state.step + 1 >= def.steps.length;
          if (last) {
            sagaLifecycle.assertCan(state.status, 'COMPLETED');
            return { ...none, history, finished: 'COMPLETED', state: { ...state, status: 'COMPLETED', data: r.data, attempts: 0, nextRunAt: null, deadline: null, lastError: null } };
          }
          const next = state.step + 1;
          return { ...none, history, state: { ...state, step: next, data: r.data, attempts: 0, nextRunAt: now, deadline: null, lastError: null } };
        }
        default:
          return assertNever(r, 'step result');
      }
    }
    case 'failed': {
      if (state.status !== 'RUNNING') throw new Error(`a step failure for a ${state.status} saga`);
      const history: HistoryEntry = { step: step.name, kind: 'RUN', attempt, status: outcome.timedOut ? 'TIMED_OUT' : 'FAILED', error: outcome.error };
      if (!outcome.timedOut && attempt < step.retry.attempts) {
        return { ...none, history, state: { ...state, attempts: attempt, lastError: outcome.error, nextRunAt: at(now, backoffMs(step, attempt)) } };
      }
      sagaLifecycle.assertCan(state.status, 'COMPENSATING');
      return { ...none, history, state: startCompensating(def, state, state.step, outcome.error, now) };
    }
    case 'compensated': {
      if (state.status !== 'COMPENSATING') throw new Error(`a compensation for a ${state.status} saga`);
      const history: HistoryEntry = { step: step.name, kind: 'COMPENSATE', attempt, status: 'SUCCEEDED', error: null };
      const next = nextCompensable(def, state.step - 1);
      if (next < 0) {
        sagaLifecycle.assertCan(state.status, 'COMPENSATED');
        return { ...none, history, finished: 'COMPENSATED', state: { ...state, status: 'COMPENSATED', step: -1, attempts: 0, nextRunAt: null, deadline: null } };
      }
      return { ...none, history, state: { ...state, step: next, attempts: 0, nextRunAt: now, deadline: null } };
    }
    case 'compensation-failed': {
      if (state.status !== 'COMPENSATING') throw new Error(`a compensation failure for a ${state.status} saga`);
      const history: HistoryEntry = { step: step.name, kind: 'COMPENSATE', attempt, status: 'FAILED', error: outcome.error };
      if (attempt < step.retry.attempts) {
        return { ...none, history, state: { ...state, attempts: attempt, lastError: outcome.error, nextRunAt: at(now, backoffMs(step, attempt)) } };
      }
      sagaLifecycle.assertCan(state.status, 'FAILED');
      return {
        history, finished: 'FAILED', escalate: true,
        state: { ...state, status: 'FAILED', attempts: attempt, lastError: outcome.error, nextRunAt: null, deadline: null },
      };
    }
    default:
      return assertNever(outcome, 'saga outcome');
  }
}
