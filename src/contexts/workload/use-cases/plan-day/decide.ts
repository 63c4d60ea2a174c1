import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';

export interface PlanWindow {
  readonly day: string;
  readonly dayStart: Date;
  /** Minute of the day the plan starts from: now for today, midnight for a later day. */
  readonly fromMin: number;
}

/** Which day a plan is for (default today, UTC) and from which minute: a plan is for today or later, never the past. */
export const decidePlanDay: Decide<null, { date: string | undefined }, PlanWindow, 'PLAN_DATE_PAST'> = (_state, command, now) => {
  const today = now.toISOString().slice(0, 10);
  const day = command.date ?? today;
  const dayStart = new Date(`${day}T00:00:00.000Z`);
  if (day < today) return reject('PLAN_DATE_PAST', `${day} is before today (${today})`, [{ field: '/querystring/date', message: 'must be today or later' }]);
  const fromMin = day === today ? Math.floor((now.getTime() - dayStart.getTime()) / 60_000) : 0;
  return ok({ day, dayStart, fromMin });
};
