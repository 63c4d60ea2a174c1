/**
 * The staffing plan of a day (ADR 0033): work (standard seconds, corrected) per zone with the hour it becomes available
 * and the hour it is due (its carrier's cut-off), against the heads the roster puts in each zone minute by minute.
 * - required heads per hour: each piece of work spread evenly from when it is available until it is due (or the end of
 *   the day), divided by an hour of productive time (`utilisation`);
 * - finish times: a minute-by-minute simulation where each zone's heads serve its available work earliest due first;
 * - cut-off risk: a carrier whose work is not finished by its cut-off;
 * - what-if: the same simulation with N more heads in a zone from an hour.
 * Pure: no I/O, no clock.
 */

export const DAY_MINUTES = 1440;

export interface PlannedWork {
  readonly zone: string;
  readonly taskType: string;
  readonly seconds: number;
  /** Minute of the day it becomes available (0 = midnight UTC). */
  readonly availableMin: number;
  /** Minute of the day it must be done by (its carrier's cut-off), or null when no cut-off applies. */
  readonly dueMin: number | null;
  readonly carrier: string | null;
}

/** Heads present per zone and minute of the day. */
export type Heads = ReadonlyMap<string, Float64Array>;

export interface Shift {
  readonly workerId: string;
  readonly zone: string;
  readonly fromMin: number;
  readonly toMin: number;
}

export function headsOf(shifts: readonly Shift[]): Map<string, Float64Array> {
  const heads = new Map<string, Float64Array>();
  for (const s of shifts) {
    let row = heads.get(s.zone);
    if (row === undefined) {
      row = new Float64Array(DAY_MINUTES);
      heads.set(s.zone, row);
    }
    for (let m = Math.max(0, s.fromMin); m < Math.min(DAY_MINUTES, s.toMin); m += 1) row[m] = (row[m] ?? 0) + 1;
  }
  return heads;
}

/** `add` more heads in `zone` from minute `fromMin` to the end of the day (a what-if; negative takes away, never below none). */
export function withExtraHeads(heads: Heads, zone: string, add: number, fromMin: number): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const [z, row] of heads) out.set(z, Float64Array.from(row));
  const row = out.get(zone) ?? new Float64Array(DAY_MINUTES);
  for (let m = Math.max(0, fromMin); m < DAY_MINUTES; m += 1) row[m] = Math.max(0, (row[m] ?? 0) + add);
  out.set(zone, row);
  return out;
}

export interface ZoneOutcome {
  readonly zone: string;
  readonly workS: number;
  /** Minute of the day the zone's last work is done; null when work is left at midnight. */
  readonly finishMin: number | null;
  /** Standard seconds left at midnight. */
  readonly leftS: number;
}

export interface CarrierOutcome {
  readonly carrier: string;
  readonly cutoffMin: number;
  readonly workS: number;
  /** When the carrier's last work is done (every zone); null when some is left at midnight. */
  readonly finishMin: number | null;
  readonly missed: boolean;
}

export interface Simulation {
  readonly zones: readonly ZoneOutcome[];
  readonly carriers: readonly CarrierOutcome[];
}

/**
 * Each zone's heads work its available work, earliest due first (work without a cut-off last, then by availability);
 * a head gives `utilisation` × 60 productive seconds a minute. Starts at `fromMin` (now, for today).
 */
export function simulateDay(work: readonly PlannedWork[], heads: Heads, fromMin: number, utilisation: number): Simulation {
  const byZone = new Map<string, { w: PlannedWork; left: number; doneMin: number | null }[]>();
  for (const w of work) {
    if (w.seconds <= 0) continue;
    const list = byZone.get(w.zone) ?? [];
    list.push({ w, left: w.seconds, doneMin: null });
    byZone.set(w.zone, list);
  }
  const zones: ZoneOutcome[] = [];
  const all: { w: PlannedWork; left: number; doneMin: number | null }[] = [];
  for (const [zone, items] of [...byZone].sort(([a], [b]) => a.localeCompare(b))) {
    items.sort((a, b) => (a.w.dueMin ?? Infinity) - (b.w.dueMin ?? Infinity) || a.w.availableMin - b.w.availableMin);
    const row = heads.get(zone);
    let next = 0;
    for (let m = fromMin; m < DAY_MINUTES && next < items.length; m += 1) {
      let capacity = (row?.[m] ?? 0) * 60 * utilisation;
      // Earliest-due available item first; unavailable ones are skipped this minute, not waited for.
      for (let i = next; i < items.length && capacity > 0; i += 1) {
        const it = items[i]!;
        if (it.left <= 0 || it.w.availableMin > m) continue;
        const used = Math.min(capacity, it.left);
        it.left -= used;
        capacity -= used;
        if (it.left <= 1e-9) it.doneMin = m + used / ((row?.[m] ?? 1) * 60 * utilisation);
      }
      while (next < items.length && items[next]!.left <= 1e-9) next += 1;
    }
    const leftS = items.reduce((s, it) => s + Math.max(0, it.left), 0);
    const workS = items.reduce((s, it) => s + it.w.seconds, 0);
    const finishMin = leftS > 1e-6 ? null : Math.max(fromMin, ...items.map((it) => it.doneMin ?? fromMin));
    zones.push({ zone, workS, finishMin, leftS });
    all.push(...items);
  }
  const carriers = new Map<string, { cutoffMin: number; workS: number; finish: number | null; open: boolean }>();
  for (const it of all) {
    if (it.w.carrier === null || it.w.dueMin === null) continue;
    const c = carriers.get(it.w.carrier) ?? { cutoffMin: it.w.dueMin, workS: 0, finish: fromMin, open: false };
    c.workS += it.w.seconds;
    if (it.left > 1e-6) c.open = true;
    else c.finish = Math.max(c.finish ?? fromMin, it.doneMin ?? fromMin);
    carriers.set(it.w.carrier, c);
  }
  return {
    zones,
    carriers: [...carriers].sort(([a], [b]) => a.localeCompare(b)).map(([carrier, c]) => {
      const finishMin = c.open ? null : c.finish;
      return { carrier, cutoffMin: c.cutoffMin, workS: c.workS, finishMin, missed: finishMin === null || finishMin > c.cutoffMin };
    }),
  };
}

export interface HourRequirement {
  readonly hour: number;
  readonly zone: string;
  readonly workS: number;
  /** Heads needed to do the hour's share of work in the hour (fractional; round up to staff it). */
  readonly requiredHeads: number;
  /** Average heads the roster has in the zone over the hour. */
  readonly rosteredHeads: number;
}

/**
 * Each piece of work spread evenly over the minutes from when it is available (not before `fromMin`) until it is due,
 * or `endMin` when it has no cut-off (or the cut-off is already behind); summed per hour and zone.
 */
export function requiredHeads(work: readonly PlannedWork[], heads: Heads, fromMin: number, endMin: number, utilisation: number): HourRequirement[] {
  const perZone = new Map<string, Float64Array>();
  for (const w of work) {
    const start = Math.max(fromMin, w.availableMin);
    let end = w.dueMin !== null && w.dueMin > start ? w.dueMin : Math.max(endMin, start + 60);
    end = Math.min(DAY_MINUTES, end);
    if (end <= start) continue;
    const row = perZone.get(w.zone) ?? new Float64Array(24);
    const perMin = w.seconds / (end - start);
    for (let h = Math.floor(start / 60); h * 60 < end; h += 1) {
      const overlap = Math.min(end, (h + 1) * 60) - Math.max(start, h * 60);
      if (overlap > 0) row[h] = (row[h] ?? 0) + perMin * overlap;
    }
    perZone.set(w.zone, row);
  }
  const zones = [...new Set([...perZone.keys(), ...heads.keys()])].sort();
  const out: HourRequirement[] = [];
  for (let hour = Math.floor(fromMin / 60); hour < 24; hour += 1) {
    for (const zone of zones) {
      const workS = perZone.get(zone)?.[hour] ?? 0;
      const row = heads.get(zone);
      let sum = 0;
      for (let m = hour * 60; m < hour * 60 + 60; m += 1) sum += row?.[m] ?? 0;
      out.push({ hour, zone, workS, requiredHeads: workS / (3600 * utilisation), rosteredHeads: sum / 60 });
    }
  }
  return out;
}
