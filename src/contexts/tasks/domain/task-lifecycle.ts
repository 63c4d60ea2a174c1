import type { TaskStatus } from '../../../contracts/tasks.ts';
import { assertNever } from '../../../platform/errors.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/** The task lifecycle: who may move where. Enforced through `taskLifecycle` below. */
export const TASK_TRANSITIONS: Record<TaskStatus, readonly TaskStatus[]> = {
  CREATED: ['QUEUED', 'CANCELLED'],
  QUEUED: ['ASSIGNED', 'CANCELLED'],
  // Back to the queue when the worker rejects it or it times out.
  ASSIGNED: ['IN_PROGRESS', 'QUEUED', 'CANCELLED'],
  // CANCELLED from IN_PROGRESS or PAUSED: the work was withdrawn under the worker (its order was cancelled).
  // FAILED: the worker (or a supervisor) reports it cannot be done (`POST /tasks/{id}/fail`), also from PAUSED: a task
  // set aside because, say, the reach truck broke down is the same case.
  IN_PROGRESS: ['COMPLETED', 'PAUSED', 'FAILED', 'CANCELLED'],
  PAUSED: ['IN_PROGRESS', 'FAILED', 'CANCELLED'],
  // Re-queued at once below PAKLOG_TASK_MAX_FAILURES, else by a supervisor; CANCELLED when its work is withdrawn
  // (the order cancelled) or finished by someone else (the pick list's rest shorted): a FAILED task never blocks them.
  FAILED: ['QUEUED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};

/** The table the code enforces (platform/lifecycle.ts): tasks are born CREATED or, from a pick list, QUEUED. */
export const taskLifecycle = defineLifecycle('task', TASK_TRANSITIONS, ['CREATED', 'QUEUED']);

/**
 * How long `next` keeps a rejected task away from the worker who rejected it. Long enough that the handheld's next
 * tap brings other work, short enough that a task only this worker can reach (one zone, one qualified picker) still
 * comes back to them rather than waiting forever. Only the last rejecting worker is remembered.
 */
export const REJECT_COOLDOWN_MS = 5 * 60_000;

/** How many times a task may fail before it stays FAILED for a supervisor (PAKLOG_TASK_MAX_FAILURES). */
export const DEFAULT_MAX_FAILURES = 3;

/**
 * What a failure report comes to: the failure count after it, and whether the task goes back to the queue at once
 * (below the limit) or stays FAILED (at it). `failures` is the count before this report.
 */
export function failureOutcome(failures: number, maxFailures: number): { readonly attempt: number; readonly retry: boolean } {
  const attempt = failures + 1;
  return { attempt, retry: attempt < maxFailures };
}

/** Statuses that count toward a worker's max tasks (profile, default 1); a PAUSED task stays theirs but does not count (ADR 0023). */
export const ACTIVE_STATUSES: readonly TaskStatus[] = ['ASSIGNED', 'IN_PROGRESS'];

/**
 * The moves that finish a task whose work was done (its pick list completed): an assigned task passes through
 * IN_PROGRESS so that every step stays a legal transition and emits its event; a task nobody claimed is cancelled.
 */
export function finishPath(status: TaskStatus): readonly TaskStatus[] {
  switch (status) {
    case 'ASSIGNED':
      return ['IN_PROGRESS', 'COMPLETED'];
    case 'PAUSED':
      return ['IN_PROGRESS', 'COMPLETED'];
    case 'IN_PROGRESS':
      return ['COMPLETED'];
    // Nobody is at it (a FAILED task waits for a supervisor): the work was done without it.
    case 'CREATED':
    case 'QUEUED':
    case 'FAILED':
      return ['CANCELLED'];
    case 'COMPLETED':
    case 'CANCELLED':
      return [];
    default:
      return assertNever(status, 'task status');
  }
}

/** The moves that withdraw a task whose work no longer exists (every line of its pick list was cancelled with its order). */
export function withdrawPath(status: TaskStatus): readonly TaskStatus[] {
  switch (status) {
    case 'CREATED':
    case 'QUEUED':
    case 'ASSIGNED':
    case 'IN_PROGRESS':
    case 'PAUSED':
    case 'FAILED':
      return ['CANCELLED'];
    case 'COMPLETED':
    case 'CANCELLED':
      return [];
    default:
      return assertNever(status, 'task status');
  }
}
