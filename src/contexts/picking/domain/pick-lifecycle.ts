import type { PickLineStatus, PickListStatus } from '../../../contracts/picking.ts';
import { defineLifecycle, type Lifecycle } from '../../../platform/lifecycle.ts';

/** Pick line lifecycle: a line closes once, as PICKED, SHORT or SKIPPED, or CANCELLED with its order. */
export const PICK_LINE_TRANSITIONS: Record<PickLineStatus, readonly PickLineStatus[]> = {
  PENDING: ['PICKED', 'SHORT', 'SKIPPED', 'CANCELLED'],
  PICKED: [],
  SHORT: [],
  SKIPPED: [],
  CANCELLED: [],
};

/** Pick list lifecycle: CREATED → IN_PROGRESS → COMPLETED | PARTIAL, or CANCELLED. */
export const PICK_LIST_TRANSITIONS: Record<PickListStatus, readonly PickListStatus[]> = {
  CREATED: ['IN_PROGRESS', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'PARTIAL', 'CANCELLED'],
  COMPLETED: [],
  PARTIAL: [],
  CANCELLED: [],
};

/** The tables the code enforces (platform/lifecycle.ts); store.ts moves lines and lists in SQL, the service checks each move. */
export const pickLineLifecycle = defineLifecycle('pick line', PICK_LINE_TRANSITIONS, ['PENDING']);
export const pickListLifecycle = defineLifecycle('pick list', PICK_LIST_TRANSITIONS, ['CREATED']);

/**
 * Checks a move one statement made: nothing when the status stayed, else `from → to` — or, for a list's first action
 * that also closes its last line (CREATED → COMPLETED in one statement), the two steps through IN_PROGRESS.
 */
export function assertMoved<S extends string>(lifecycle: Lifecycle<S>, from: S, to: S, via?: S): void {
  if (from === to) return;
  if (via !== undefined && !lifecycle.can(from, to) && from !== via && to !== via) {
    lifecycle.assertCan(from, via);
    lifecycle.assertCan(via, to);
    return;
  }
  lifecycle.assertCan(from, to);
}

/**
 * Where a list in progress goes once its lines are as given: still IN_PROGRESS while a line is PENDING, CANCELLED when
 * every line was cancelled with its order, else COMPLETED when nothing went short and PARTIAL when something did.
 * (store.ts applies the same rule in SQL, on the list's line counters.)
 */
export function listOutcome(lines: readonly PickLineStatus[]): 'IN_PROGRESS' | 'COMPLETED' | 'PARTIAL' | 'CANCELLED' {
  if (lines.includes('PENDING')) return 'IN_PROGRESS';
  if (lines.length > 0 && lines.every((s) => s === 'CANCELLED')) return 'CANCELLED';
  return lines.some((s) => s === 'SHORT' || s === 'SKIPPED') ? 'PARTIAL' : 'COMPLETED';
}
