/** Where the inventory work behind a task stands (InventoryApi.taskWorkState), from its record's status. Pure. */
import type { CountStatus, TaskWorkState } from '../../../contracts/inventory.ts';
import { assertNever } from '../../../platform/errors.ts';
import { awaitedAttempt } from './counts.ts';

/** The statuses of a putaway, a replenishment and a return to stock (their migrations' CHECKs: 018, 010, 020). */
export type MoveWorkStatus = 'OPEN' | 'COMPLETED' | 'CANCELLED';

/**
 * A putaway, replenishment or return to stock: OPEN while not confirmed in full, DONE once COMPLETED (the event that
 * finishes its task: `putaway.confirmed` in full, `replenishment.completed`, `return.confirmed` COMPLETED), WITHDRAWN
 * once CANCELLED (the event that withdraws it: `putaway.cancelled`, `replenishment.cancelled`, `return.cancelled`).
 */
export function moveWorkState(status: MoveWorkStatus): TaskWorkState {
  switch (status) {
    case 'OPEN':
      return 'OPEN';
    case 'COMPLETED':
      return 'DONE';
    case 'CANCELLED':
      return 'WITHDRAWN';
    default:
      return assertNever(status, 'putaway, replenishment or return status');
  }
}

/** What is known of a count for one of its attempts' tasks. */
export interface CountAttemptFacts {
  readonly status: CountStatus;
  /** The attempt the task is for: 1 (the count, reference `<id>`) or 2 (the recount, `<id>:recount`). */
  readonly attempt: 1 | 2;
  /** Whether that attempt was submitted (a `count_submissions` row). */
  readonly submitted: boolean;
  /** Whether the first count was within tolerance; null when it was not submitted. A recount is asked only beyond it. */
  readonly firstWithinTolerance: boolean | null;
}

/**
 * A count attempt's task: DONE once the attempt was submitted (`count.submitted` finishes it), OPEN while the count
 * waits for it (OPEN for the count, RECOUNT for the recount), WITHDRAWN when the count closed without it (rejected
 * while waiting, or its location deactivated: `count.closed` names it withdrawn). A recount never asked for (the first
 * count was within tolerance, or never submitted) is no work at all: undefined.
 */
export function countAttemptState(c: CountAttemptFacts): TaskWorkState | undefined {
  if (c.submitted) return 'DONE';
  if (awaitedAttempt(c.status) === c.attempt) return 'OPEN';
  if (c.attempt === 2 && c.firstWithinTolerance !== false) return undefined;
  return 'WITHDRAWN';
}
