import { describe, expect, it } from 'vitest';
import { TASK_STATUSES, type TaskStatus } from '../../../contracts/tasks.ts';
import { TASK_TRANSITIONS, failureOutcome, finishPath, taskLifecycle, withdrawPath } from './task-lifecycle.ts';

const canTransition = taskLifecycle.can;

describe('task lifecycle', () => {
  it('follows the lifecycle: CREATED → QUEUED → ASSIGNED → IN_PROGRESS → COMPLETED', () => {
    expect(canTransition('CREATED', 'QUEUED')).toBe(true);
    expect(canTransition('QUEUED', 'ASSIGNED')).toBe(true);
    expect(canTransition('ASSIGNED', 'IN_PROGRESS')).toBe(true);
    expect(canTransition('IN_PROGRESS', 'COMPLETED')).toBe(true);
  });

  it('allows reject/timeout, pause, failure-retry and early cancellation', () => {
    expect(canTransition('ASSIGNED', 'QUEUED')).toBe(true);
    expect(canTransition('IN_PROGRESS', 'PAUSED')).toBe(true);
    expect(canTransition('PAUSED', 'IN_PROGRESS')).toBe(true);
    expect(canTransition('IN_PROGRESS', 'FAILED')).toBe(true);
    expect(canTransition('PAUSED', 'FAILED')).toBe(true);
    expect(canTransition('FAILED', 'QUEUED')).toBe(true);
    for (const s of ['CREATED', 'QUEUED', 'ASSIGNED'] as const) expect(canTransition(s, 'CANCELLED')).toBe(true);
  });

  it('refuses skipping steps and leaving final states', () => {
    expect(canTransition('QUEUED', 'IN_PROGRESS')).toBe(false);
    expect(canTransition('ASSIGNED', 'COMPLETED')).toBe(false);
    expect(canTransition('COMPLETED', 'CANCELLED')).toBe(false);
    for (const to of TASK_STATUSES) {
      expect(canTransition('COMPLETED', to)).toBe(false);
      expect(canTransition('CANCELLED', to)).toBe(false);
    }
  });

  it('has a row for every status and only known targets', () => {
    expect(Object.keys(TASK_TRANSITIONS).sort()).toEqual([...TASK_STATUSES].sort());
    for (const targets of Object.values(TASK_TRANSITIONS)) for (const t of targets) expect(TASK_STATUSES).toContain(t);
  });

  it('finishes a task only through legal steps', () => {
    for (const from of TASK_STATUSES) {
      let at: TaskStatus = from;
      for (const next of finishPath(from)) {
        expect(canTransition(at, next)).toBe(true);
        at = next;
      }
    }
    expect(finishPath('ASSIGNED')).toEqual(['IN_PROGRESS', 'COMPLETED']);
    expect(finishPath('QUEUED')).toEqual(['CANCELLED']);
  });

  it('withdraws a task in any unfinished state when its work is cancelled, a FAILED one too', () => {
    for (const s of ['CREATED', 'QUEUED', 'ASSIGNED', 'IN_PROGRESS', 'PAUSED', 'FAILED'] as const) {
      expect(withdrawPath(s)).toEqual(['CANCELLED']);
      expect(canTransition(s, 'CANCELLED')).toBe(true);
    }
    for (const s of ['COMPLETED', 'CANCELLED'] as const) expect(withdrawPath(s)).toEqual([]);
    expect(finishPath('COMPLETED')).toEqual([]);
  });

  it('fails a task its worker holds (in progress or paused), nothing else; a FAILED task is re-queued or cancelled', () => {
    for (const s of TASK_STATUSES) expect(canTransition(s, 'FAILED')).toBe(s === 'IN_PROGRESS' || s === 'PAUSED');
    expect([...TASK_TRANSITIONS.FAILED].sort()).toEqual(['CANCELLED', 'QUEUED']);
    // Its work done by someone else (the rest of the pick list shorted): nobody was at it, so it is cancelled.
    expect(finishPath('FAILED')).toEqual(['CANCELLED']);
  });

  it('retries a failed task below the limit and keeps it FAILED at the limit', () => {
    expect(failureOutcome(0, 3)).toEqual({ attempt: 1, retry: true });
    expect(failureOutcome(1, 3)).toEqual({ attempt: 2, retry: true });
    expect(failureOutcome(2, 3)).toEqual({ attempt: 3, retry: false });
    expect(failureOutcome(0, 1)).toEqual({ attempt: 1, retry: false });
  });
});

describe('taskLifecycle (platform/lifecycle.ts)', () => {
  it('every state is reachable from the initial ones', () => {
    expect(taskLifecycle.unreachable()).toEqual([]);
  });
});
