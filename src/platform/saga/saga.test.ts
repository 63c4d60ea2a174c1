import { describe, expect, it } from 'vitest';
import {
  SAGA_STATUSES, advance, backoffMs, decide, defineSaga, finish, initialState, nextCompensable, sagaLifecycle, wait,
  type SagaState,
} from './saga.ts';

const noop = () => Promise.resolve(advance(null));
const undo = () => Promise.resolve();
const def = defineSaga<unknown>({
  type: 'test-saga',
  steps: [
    { name: 'a', run: noop, compensate: undo, timeoutMs: 1_000, retry: { attempts: 3, backoffMs: 100 } },
    { name: 'b', run: noop, timeoutMs: 1_000, retry: { attempts: 1, backoffMs: 0 } },
    { name: 'c', run: noop, compensate: undo, timeoutMs: 1_000, retry: { attempts: 2, backoffMs: 50 } },
    { name: 'd', run: noop, timeoutMs: 5_000, retry: { attempts: 2, backoffMs: 10 } },
  ],
});
const t0 = new Date('2026-01-01T00:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const at = (step: number, extra: Partial<SagaState> = {}): SagaState => ({ ...initialState(def, {}, t0), step, ...extra });

describe('saga lifecycle', () => {
  it('is the table of DOMAIN.md, every state reachable, final states final', () => {
    expect(sagaLifecycle.unreachable()).toEqual([]);
    expect(sagaLifecycle.can('RUNNING', 'COMPLETED')).toBe(true);
    expect(sagaLifecycle.can('RUNNING', 'COMPENSATING')).toBe(true);
    expect(sagaLifecycle.can('COMPENSATING', 'COMPENSATED')).toBe(true);
    expect(sagaLifecycle.can('COMPENSATING', 'FAILED')).toBe(true);
    expect(sagaLifecycle.can('RUNNING', 'FAILED')).toBe(false);
    for (const to of SAGA_STATUSES) for (const from of ['COMPLETED', 'COMPENSATED'] as const) expect(sagaLifecycle.can(from, to)).toBe(false);
    // A failed compensation is retried by a person, never anything else.
    expect(SAGA_STATUSES.filter((to) => sagaLifecycle.can('FAILED', to))).toEqual(['COMPENSATING']);
  });

  it('refuses bad definitions', () => {
    expect(() => defineSaga({ type: 'Bad', steps: def.steps })).toThrow(/kebab/);
    expect(() => defineSaga({ type: 'x', steps: [] })).toThrow(/no step/);
    expect(() => defineSaga({ type: 'x', steps: [def.steps[0]!, def.steps[0]!] })).toThrow(/two steps/);
    expect(() => defineSaga({ type: 'x', steps: [{ ...def.steps[0]!, retry: { attempts: 0, backoffMs: 1 } }] })).toThrow(/attempts/);
    expect(() => defineSaga({ type: 'x', steps: [{ ...def.steps[0]!, timeoutMs: 0 }] })).toThrow(/timeoutMs/);
  });
});

describe('decide', () => {
  it('starts RUNNING on its first step, due now', () => {
    expect(initialState(def, { n: 1 }, t0)).toMatchObject({ status: 'RUNNING', step: 0, nextRunAt: t0, deadline: null, data: { n: 1 } });
  });

  it('advances step by step, recording each success once, and completes after the last', () => {
    let s = at(0);
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = decide(def, s, { kind: 'result', result: advance({ i }) }, later(i));
      names.push(d.history?.step ?? '-');
      expect(d.history).toMatchObject({ kind: 'RUN', status: 'SUCCEEDED', attempt: 1 });
      s = d.state;
      if (i < 3) expect(d).toMatchObject({ finished: null, state: { status: 'RUNNING', step: i + 1, nextRunAt: later(i) } });
      else expect(d).toMatchObject({ finished: 'COMPLETED', state: { status: 'COMPLETED', nextRunAt: null, data: { i: 3 } } });
    }
    expect(names).toEqual(['a', 'b', 'c', 'd']);
  });

  it('finish completes the saga at once, whatever steps are left', () => {
    const d = decide(def, at(1), { kind: 'result', result: finish('done') }, t0);
    expect(d).toMatchObject({ finished: 'COMPLETED', state: { status: 'COMPLETED', data: 'done' } });
  });

  it('retries a failed step with exponential backoff until its attempts are spent', () => {
    const first = decide(def, at(0), { kind: 'failed', error: 'boom', timedOut: false }, t0);
    expect(first.history).toMatchObject({ step: 'a', attempt: 1, status: 'FAILED', error: 'boom' });
    expect(first.state).toMatchObject({ status: 'RUNNING', step: 0, attempts: 1, nextRunAt: later(100), lastError: 'boom' });
    const second = decide(def, first.state, { kind: 'failed', error: 'boom', timedOut: false }, t0);
    expect(second.state).toMatchObject({ status: 'RUNNING', attempts: 2, nextRunAt: later(200) });
    expect(backoffMs(def.steps[0]!, 3)).toBe(400);
    const third = decide(def, second.state, { kind: 'failed', error: 'boom', timedOut: false }, t0);
    expect(third.history).toMatchObject({ attempt: 3, status: 'FAILED' });
    // Step a has nothing before it to compensate.
    expect(third.state).toMatchObject({ status: 'COMPENSATING', step: -1 });
    const end = decide(def, third.state, { kind: 'compensated' }, t0);
    expect(end).toMatchObject({ finished: 'COMPENSATED', history: null, state: { status: 'COMPENSATED' } });
  });

  it('a transient fault (a dependency unreachable) uses up no attempt and never compensates or escalates: the run is due again', () => {
    let s = at(1);
    for (let i = 0; i < 10; i++) {
      const d = decide(def, s, { kind: 'failed', error: 'inventory did not answer', timedOut: false, transient: true }, t0);
      expect(d).toMatchObject({ history: null, finished: null, escalate: false });
      expect(d.state).toMatchObject({ status: 'RUNNING', step: 1, attempts: 0, lastError: 'transient: inventory did not answer', nextRunAt: later(5_000) });
      s = d.state;
    }
    // Step b has one attempt: the same failure, not transient, compensates at once.
    expect(decide(def, s, { kind: 'failed', error: 'broken', timedOut: false }, t0).state.status).toBe('COMPENSATING');

    let c: SagaState = { ...at(2), status: 'COMPENSATING' };
    for (let i = 0; i < 5; i++) {
      const d = decide(def, c, { kind: 'compensation-failed', error: 'ECONNREFUSED', transient: true }, t0);
      expect(d).toMatchObject({ finished: null, escalate: false, state: { status: 'COMPENSATING', step: 2, attempts: 0 } });
      c = d.state;
    }
  });

  it('compensates the steps done before the failed one, newest first, skipping steps without a compensation', () => {
    expect(nextCompensable(def, 2)).toBe(2);
    expect(nextCompensable(def, 1)).toBe(0);
    const failed = decide(def, at(3, { attempts: 1 }), { kind: 'failed', error: 'no', timedOut: false }, t0);
    expect(failed.state).toMatchObject({ status: 'COMPENSATING', step: 2, attempts: 0, lastError: 'no' });
    const c = decide(def, failed.state, { kind: 'compensated' }, t0);
    expect(c.history).toMatchObject({ step: 'c', kind: 'COMPENSATE', status: 'SUCCEEDED' });
    expect(c.state).toMatchObject({ status: 'COMPENSATING', step: 0 });
    const a = decide(def, c.state, { kind: 'compensated' }, t0);
    expect(a).toMatchObject({ finished: 'COMPENSATED', history: { step: 'a', kind: 'COMPENSATE' }, state: { status: 'COMPENSATED' } });
  });

  it('retries a failed compensation, then FAILS and escalates', () => {
    const s: SagaState = { ...at(2), status: 'COMPENSATING' };
    const once = decide(def, s, { kind: 'compensation-failed', error: 'stuck' }, t0);
    expect(once).toMatchObject({ escalate: false, finished: null, state: { status: 'COMPENSATING', attempts: 1, nextRunAt: later(50) } });
    const twice = decide(def, once.state, { kind: 'compensation-failed', error: 'stuck' }, t0);
    expect(twice).toMatchObject({ escalate: true, finished: 'FAILED', history: { step: 'c', kind: 'COMPENSATE', attempt: 2, status: 'FAILED' }, state: { status: 'FAILED', lastError: 'stuck' } });
  });

  it('a waiting step sleeps until its signal, its wake-up time or its timeout, and the timeout restarts after its path', () => {
    const w = decide(def, at(3), { kind: 'result', result: wait('w', later(1_000)) }, t0);
    expect(w).toMatchObject({ history: null, state: { step: 3, deadline: later(5_000), nextRunAt: later(1_000), data: 'w' } });
    const noUntil = decide(def, w.state, { kind: 'result', result: wait('w') }, later(1_000));
    expect(noUntil.state).toMatchObject({ deadline: later(5_000), nextRunAt: later(5_000) });
    const afterTimeout = decide(def, noUntil.state, { kind: 'result', result: wait('w') }, later(5_000));
    expect(afterTimeout.state).toMatchObject({ deadline: later(10_000), nextRunAt: later(10_000) });
  });

  it('a step that timed out with no timeout path fails for good (no retry) and compensates', () => {
    const d = decide(def, at(3, { deadline: t0 }), { kind: 'failed', error: 'timed out', timedOut: true }, t0);
    expect(d.history).toMatchObject({ status: 'TIMED_OUT', attempt: 1 });
    expect(d.state).toMatchObject({ status: 'COMPENSATING', step: 2 });
  });
});
