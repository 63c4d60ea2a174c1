import type { PickLineStatus, PickListStatus } from '../../../contracts/picking.ts';

/** Pick line lifecycle (DOMAIN.md): a line closes once, as PICKED, SHORT or SKIPPED, or CANCELLED with its order. */
export const PICK_LINE_TRANSITIONS: Record<PickLineStatus, readonly PickLineStatus[]> = {
  PENDING: ['PICKED', 'SHORT', 'SKIPPED', 'CANCELLED'],
  PICKED: [],
  SHORT: [],
  SKIPPED: [],
  CANCELLED: [],
};

/** Pick list lifecycle (DOMAIN.md): CREATED → IN_PROGRESS → COMPLETED | PARTIAL, or CANCELLED. */
export const PICK_LIST_TRANSITIONS: Record<PickListStatus, readonly PickListStatus[]> = {
  CREATED: ['IN_PROGRESS', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'PARTIAL', 'CANCELLED'],
  COMPLETED: [],
  PARTIAL: [],
  CANCELLED: [],
};

export const canMoveLine = (from: PickLineStatus, to: PickLineStatus): boolean => PICK_LINE_TRANSITIONS[from].includes(to);
export const canMoveList = (from: PickListStatus, to: PickListStatus): boolean => PICK_LIST_TRANSITIONS[from].includes(to);

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
