import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';

export interface PerformanceWindow {
  readonly from: Date;
  readonly to: Date;
}

const WEEK_MS = 7 * 24 * 3_600_000;

/**
 * The window [from, to) a performance report reads: `to` defaults to now, `from` to a week before `to`. An empty or
 * inverted window is a mistake in the query, not "nobody worked" (GET /quality-kpis answers it alike).
 */
export const decidePerformanceWindow: Decide<null, { from: Date | null; to: Date | null }, PerformanceWindow, 'VALIDATION_FAILED'> = (_state, command, now) => {
  const to = command.to ?? now;
  const from = command.from ?? new Date(to.getTime() - WEEK_MS);
  if (from.getTime() >= to.getTime()) {
    return reject('VALIDATION_FAILED', `from (${from.toISOString()}) must be before to (${to.toISOString()})`, [{ field: '/querystring/from', message: 'must be before to' }]);
  }
  return ok({ from, to });
};
