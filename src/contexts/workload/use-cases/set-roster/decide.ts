import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import type { Shift } from '../../domain/staffing.ts';

export interface ShiftInput {
  readonly workerId: string;
  readonly zone: string;
  /** HH:MM, UTC. */
  readonly from: string;
  /** HH:MM, UTC; 24:00 = midnight at the end of the day. */
  readonly to: string;
}

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * A day's roster replaces the last: every shift ends after it starts, and a worker is never in two shifts at once
 * (two zones at the same minute would count them twice).
 */
export const decideRoster: Decide<null, { shifts: readonly ShiftInput[] }, Shift[], 'SHIFT_EMPTY' | 'ROSTER_OVERLAP'> = (_state, command) => {
  const shifts = command.shifts.map((s) => ({ workerId: s.workerId, zone: s.zone, fromMin: minutes(s.from), toMin: minutes(s.to) }));
  const empty = shifts.findIndex((s) => s.toMin <= s.fromMin);
  if (empty >= 0) return reject('SHIFT_EMPTY', `Shift ${empty} ends at or before its start`, [{ field: `/shifts/${empty}/to`, message: 'must be after from' }]);
  for (let i = 0; i < shifts.length; i += 1) {
    for (let j = 0; j < i; j += 1) {
      const a = shifts[i]!;
      const b = shifts[j]!;
      if (a.workerId === b.workerId && a.fromMin < b.toMin && b.fromMin < a.toMin) {
        return reject('ROSTER_OVERLAP', `${a.workerId} is in shifts ${j} and ${i} at once`, [{ field: `/shifts/${i}/from`, message: `overlaps shift ${j}` }]);
      }
    }
  }
  return ok(shifts);
};
