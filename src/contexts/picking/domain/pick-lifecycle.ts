import type { PickLineStatus, PickListStatus } from '../../../contracts/picking.ts';
import { defineLifecycle, type Lifecycle } from '../../../platform/lifecycle.ts';
import type { CountedPickList } from './pick-list.ts';

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

/** The tables the code enforces (platform/lifecycle.ts): the use cases' deciders check every move they decide. */
export const pickLineLifecycle = defineLifecycle('pick line', PICK_LINE_TRANSITIONS, ['PENDING']);
export const pickListLifecycle = defineLifecycle('pick list', PICK_LIST_TRANSITIONS, ['CREATED']);

/** A list still on the floor: its lines may be picked, shorted or cancelled. */
export const isOpenList = (list: { readonly status: PickListStatus }): boolean =>
  list.status === 'CREATED' || list.status === 'IN_PROGRESS';

/**
 * Checks a decided move: nothing when the status stayed, else `from → to` — or, for a list's first action
 * that also closes its last line (CREATED → COMPLETED at once), the two steps through IN_PROGRESS.
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

/** What decides where a list goes: its open and short line counts, and whether every line was cancelled with its order. */
export interface ListCounts {
  readonly open: number;
  readonly short: number;
  readonly cancelledOnly: boolean;
}

/**
 * Where a list in progress goes once its lines are as counted: still IN_PROGRESS while a line is open, CANCELLED when
 * every line was cancelled with its order, else COMPLETED when nothing went short and PARTIAL when something did.
 */
export function listOutcomeOf(c: ListCounts): 'IN_PROGRESS' | 'COMPLETED' | 'PARTIAL' | 'CANCELLED' {
  if (c.open > 0) return 'IN_PROGRESS';
  if (c.cancelledOnly) return 'CANCELLED';
  return c.short > 0 ? 'PARTIAL' : 'COMPLETED';
}

/** The same rule over the lines' statuses. */
export function listOutcome(lines: readonly PickLineStatus[]): 'IN_PROGRESS' | 'COMPLETED' | 'PARTIAL' | 'CANCELLED' {
  return listOutcomeOf({
    open: lines.filter((s) => s === 'PENDING').length,
    short: lines.filter((s) => s === 'SHORT' || s === 'SKIPPED').length,
    cancelledOnly: lines.length > 0 && lines.every((s) => s === 'CANCELLED'),
  });
}

/**
 * A floor action moved one of the list's lines `from → to`: the list's counters and status after it. Its first action
 * takes a CREATED list IN_PROGRESS; the action that closes its last open line completes it (COMPLETED or PARTIAL).
 */
export function lineMoved(list: CountedPickList, from: PickLineStatus, to: PickLineStatus, now: Date): CountedPickList {
  assertMoved(pickLineLifecycle, from, to);
  const closed = from === 'PENDING' && to !== 'PENDING';
  const openLines = list.openLines - (closed ? 1 : 0);
  const shortLines = list.shortLines + (closed && (to === 'SHORT' || to === 'SKIPPED') ? 1 : 0);
  const status = listOutcomeOf({ open: openLines, short: shortLines, cancelledOnly: false });
  assertMoved(pickListLifecycle, list.status, status, 'IN_PROGRESS');
  const stamp = now.toISOString();
  return { ...list, openLines, shortLines, status, updatedAt: stamp, completedAt: openLines === 0 ? stamp : list.completedAt };
}
