import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { ifMatchHolds, type IfMatch } from '../../../../platform/http/if-match.ts';
import type { Shift } from '../../domain/staffing.ts';

/** Pack stations' zone, and the one zone of a site without zones (as the plan names them). */
const PACK = 'PACK';
const ALL = 'ALL';

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

/** What a roster is checked against: the site's zones (its locations', PACK always, ALL where it has none) and its today. */
export interface RosterState {
  /** The zones of the site's locations (null: not asked, nothing checked). */
  readonly zones: ReadonlySet<string> | null;
  /** Today at the site, YYYY-MM-DD (sites carry no time zone yet: UTC). */
  readonly today: string;
  /** The day's roster version, read under the day's lock (0: never set); absent when not asked. */
  readonly version?: number;
}

/** Whether a shift (or a what-if) may name `zone` at a site of `zones`: one of them, PACK, or ALL where there are none. */
export const zoneAllowed = (zones: ReadonlySet<string>, zone: string): boolean => zone === PACK || zones.has(zone) || (zone === ALL && zones.size === 0);

export interface RosterCommand {
  readonly day: string;
  readonly shifts: readonly ShiftInput[];
  /** The If-Match of the request: the version(s) of the day's roster the replacement expects. */
  readonly ifMatch?: IfMatch | undefined;
}

/**
/**
 * How far ahead a roster may be set: a year and a day (a leap year's same date). A plan further out is a typo (9999-12-31)
 * rather than a roster, and would sit among the site's days for ever.
 */
export const ROSTER_DAYS_AHEAD = 366;

/** `day` (YYYY-MM-DD) plus `days`, as YYYY-MM-DD (UTC). */
const addDays = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * A day's roster replaces the last one (the one an If-Match names, when it names one: VERSION_MISMATCH otherwise): it is
 * for today or a later day up to {@link ROSTER_DAYS_AHEAD} days ahead (a past day's plan is history), every shift is in a
 * zone of the site, ends after it starts, and a worker is never in two shifts at once (two zones at the same minute would
 * count them twice), whatever the letter case of their id.
 */
export const decideRoster: Decide<RosterState | null, RosterCommand, Shift[], 'SHIFT_EMPTY' | 'ROSTER_OVERLAP' | 'UNKNOWN_ZONE' | 'ROSTER_DAY_PAST' | 'VALIDATION_FAILED' | 'VERSION_MISMATCH'> = (state, command) => {
  const version = state?.version ?? 0;
  if (!ifMatchHolds(command.ifMatch, version)) {
    const named = command.ifMatch?.any === false ? command.ifMatch.header : '*';
    return reject('VERSION_MISMATCH', `The roster of ${command.day} is at version ${version} ("${version}"), which If-Match ${named} does not match: read it again`);
  }
  if (state !== null && command.day < state.today) {
    return reject('ROSTER_DAY_PAST', `${command.day} is past (today is ${state.today}): a roster is set for today or a later day`, [{ field: '/day', message: `must not be before ${state.today}` }]);
  }
  const last = state === null ? null : addDays(state.today, ROSTER_DAYS_AHEAD);
  if (last !== null && command.day > last) {
    return reject('VALIDATION_FAILED', `${command.day} is more than ${ROSTER_DAYS_AHEAD} days ahead (today is ${state?.today ?? ''}): a roster is set at most that far ahead`,
      [{ field: '/day', message: `must not be after ${last}` }]);
  }
  if (state?.zones != null) {
    const zones = state.zones;
    const allowed = (zone: string): boolean => zoneAllowed(zones, zone);
    const unknown = command.shifts.flatMap((s, i) => (allowed(s.zone) ? [] : [{ field: `/shifts/${i}/zone`, message: `no location of the site in use is in zone ${s.zone}` }]));
    if (unknown.length > 0) {
      const names = [...new Set(command.shifts.filter((s) => !allowed(s.zone)).map((s) => s.zone))];
      return reject('UNKNOWN_ZONE', `Unknown zone ${names.join(', ')}: a shift is in a zone of the site's locations, ${PACK}${zones.size === 0 ? ` or ${ALL}` : ''}`, unknown);
    }
  }
  const shifts = command.shifts.map((s) => ({ workerId: s.workerId, zone: s.zone, fromMin: minutes(s.from), toMin: minutes(s.to) }));
  const empty = shifts.findIndex((s) => s.toMin <= s.fromMin);
  if (empty >= 0) return reject('SHIFT_EMPTY', `Shift ${empty} ends at or before its start`, [{ field: `/shifts/${empty}/to`, message: 'must be after from' }]);
  for (let i = 0; i < shifts.length; i += 1) {
    for (let j = 0; j < i; j += 1) {
      const a = shifts[i]!;
      const b = shifts[j]!;
      // A worker id ignores letter case (ADR 0019): ANA's shift is ana's, not a second person's.
      if (a.workerId.toLowerCase() === b.workerId.toLowerCase() && a.fromMin < b.toMin && b.fromMin < a.toMin) {
        return reject('ROSTER_OVERLAP', `${a.workerId} is in shifts ${j} and ${i} at once`, [{ field: `/shifts/${i}/from`, message: `overlaps shift ${j}` }]);
      }
    }
  }
  return ok(shifts);
};
