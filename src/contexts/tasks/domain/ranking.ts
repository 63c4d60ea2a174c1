/**
 * Which queued task a worker gets (ADR 0023). Pure: the claim query gathers candidates in this order, `chooseTask`
 * picks one of them.
 *
 * - **Ageing.** A task's effective priority improves by one step per AGEING_STEP_MIN minutes of waiting, down to 1:
 *   `effective = max(1, priority − floor(wait / step))`. Ordering by `rankAt = createdAt + priority × step` is the
 *   same order (effective = max(1, ceil((rankAt − now) / step))), and `rankAt` is fixed when the task is queued, so the
 *   claim walks an index instead of computing a score per row. Equal effective priorities go to the older task.
 * - **Due-time escalation.** A task whose `dueAt` is less than DUE_WINDOW_MIN minutes away (or past) is escalated:
 *   effective priority 0, above every other task, and escalated tasks go by `dueAt`, earliest first.
 * - **Interleaving.** Among the first INTERLEAVE_TOP_K candidates, the ones with the SAME effective priority as the
 *   best compete on travel from where the worker stands; the closest wins (ties keep the queue order). A task of a
 *   worse effective priority is never taken before a better one, however close: a priority-1 task is never skipped
 *   for a closer priority-5 one. Escalated tasks are never interleaved: they go strictly by due time.
 */

/** Minutes of waiting that improve a task's effective priority by one step. */
export const AGEING_STEP_MIN = 15;
export const AGEING_STEP_MS = AGEING_STEP_MIN * 60_000;
/** A task due within this many minutes (or overdue) is escalated above every other task. */
export const DUE_WINDOW_MIN = 30;
export const DUE_WINDOW_MS = DUE_WINDOW_MIN * 60_000;
/** How many candidates, in queue order, interleaving chooses among. */
export const INTERLEAVE_TOP_K = 8;

/** The moment a task reaches effective priority 0 if it keeps waiting: the key the queue is ordered by. */
export function rankAt(createdAt: Date, priority: number): Date {
  return new Date(createdAt.getTime() + priority * AGEING_STEP_MS);
}

/** Whether a task's due time is within the escalation window (or past). */
export function isEscalated(dueAt: Date | null, now: Date): boolean {
  return dueAt !== null && dueAt.getTime() <= now.getTime() + DUE_WINDOW_MS;
}

/** What the ranking reads of a task. */
export interface Rankable {
  readonly id: string;
  readonly priority: number;
  readonly createdAt: Date;
  readonly dueAt: Date | null;
}

/** The task's priority now: 0 when escalated by its due time, else its priority improved by waiting, at best 1. */
export function effectivePriority(t: Rankable, now: Date): number {
  if (isEscalated(t.dueAt, now)) return 0;
  const waited = Math.max(0, now.getTime() - t.createdAt.getTime());
  return Math.max(1, t.priority - Math.floor(waited / AGEING_STEP_MS));
}

/** Queue order: escalated tasks by due time, then the rest by rankAt; ties by id. */
export function compareRank(a: Rankable, b: Rankable, now: Date): number {
  const ea = isEscalated(a.dueAt, now);
  const eb = isEscalated(b.dueAt, now);
  if (ea !== eb) return ea ? -1 : 1;
  const ka = ea ? (a.dueAt as Date).getTime() : rankAt(a.createdAt, a.priority).getTime();
  const kb = eb ? (b.dueAt as Date).getTime() : rankAt(b.createdAt, b.priority).getTime();
  if (ka !== kb) return ka - kb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Why `chooseTask` chose what it chose (for the log and the tests). */
export type ChoiceReason = 'queue-order' | 'escalated' | 'nearest';

/**
 * Chooses among candidates in queue order (best first). `travel(c)` is the walking distance from where the worker
 * stands to the task's start, undefined when unknown (no position, no location, or not on the site's layout).
 * Returns the index of the chosen candidate, or -1 when there is none.
 */
export function chooseTask<T extends Rankable>(
  ranked: readonly T[], now: Date, travel: ((c: T) => number | undefined) | undefined, topK = INTERLEAVE_TOP_K,
): { readonly index: number; readonly reason: ChoiceReason } {
  const best = ranked[0];
  if (best === undefined) return { index: -1, reason: 'queue-order' };
  const level = effectivePriority(best, now);
  if (level === 0) return { index: 0, reason: 'escalated' };
  if (travel === undefined || topK <= 1) return { index: 0, reason: 'queue-order' };
  let chosen = -1;
  let shortest = Infinity;
  const n = Math.min(topK, ranked.length);
  for (let i = 0; i < n; i++) {
    const c = ranked[i] as T;
    if (effectivePriority(c, now) !== level) continue;
    const d = travel(c);
    if (d === undefined || !Number.isFinite(d)) continue;
    if (d < shortest) {
      shortest = d;
      chosen = i;
    }
  }
  if (chosen <= 0) return { index: 0, reason: 'queue-order' };
  return { index: chosen, reason: 'nearest' };
}
