/**
 * A live list (re-read when the live stream reports a change) keeps the row whose form is open: a change that takes
 * that row off the list — someone else decided it meanwhile, and the filter no longer matches — must not take the form
 * away with what the user typed in it. The row stays as it was when the form opened, and `now` says what the list holds
 * for it today (undefined: it left the list), so the form can say what changed before the user sends it.
 */
export function withOpenRow<T extends { id: string }>(items: readonly T[] | undefined, open: T | undefined): { rows: readonly T[]; now: T | undefined; left: boolean } {
  const rows = items ?? [];
  if (open === undefined) return { rows, now: undefined, left: false };
  const now = rows.find((r) => r.id === open.id);
  if (now !== undefined) return { rows, now, left: false };
  // Not read yet: nothing to compare with, and nothing to keep but the row itself.
  return { rows: [open, ...rows], now: undefined, left: items !== undefined };
}
