import { PLAN_UTILISATION } from '../../contracts/workload.ts';
import type { TaskType } from '../../contracts/tasks.ts';
import type { Executor } from '../../platform/db/database.ts';
import { decideInTx } from '../../platform/decider.ts';
import { ok, type Outcome } from '../../platform/errors.ts';
import type { IfMatch } from '../../platform/http/if-match.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { backtest, forecastSeries, type BacktestReport } from './domain/forecast.ts';
import {
  DAY_MINUTES, headsOf, requiredHeads, simulateDay, withExtraHeads, type Heads, type PlannedWork, type Shift, type Simulation,
} from './domain/staffing.ts';
import { correctionFactor, standardSeconds, standardsWithDefaults, type LaborStandard } from './domain/standards.ts';
import { workloadStore as store, type ArrivalHour, type ObservedWork, type OpenWork } from './store.ts';
import { decidePerformanceWindow } from './use-cases/performance-window/decide.ts';
import { decidePlanDay, type PlanWindow } from './use-cases/plan-day/decide.ts';
import { decideRoster, type ShiftInput } from './use-cases/set-roster/decide.ts';
import { decideWhatIfZone } from './use-cases/what-if/decide.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How far back the forecast and the learned corrections look. */
export const HISTORY_DAYS = 28;
/** The zone of work when the site's locations have no zones (or none of its work has been placed yet). */
export const ALL_ZONES = 'ALL';
/** Where PACK work is done. */
export const PACK_ZONE = 'PACK';

const hhmm = (min: number): string => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(Math.round(min % 60)).padStart(2, '0')}`;
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export interface WorkerPerformance {
  readonly workerId: string;
  readonly tasks: number;
  readonly lines: number;
  readonly units: number;
  readonly busyHours: number;
  readonly linesPerHour: number;
  readonly unitsPerHour: number;
  readonly travelM: number;
  readonly travelHours: number;
  readonly idleHours: number;
  readonly linesPicked: number;
  readonly linesShorted: number;
  /** linesPicked ÷ (linesPicked + linesShorted); null when the worker closed no pick line. */
  readonly accuracy: number | null;
  readonly byTaskType: {
    taskType: TaskType; tasks: number; observedS: number; standardS: number; correction: number;
    linesPicked: number; linesShorted: number; accuracy: number | null;
  }[];
}

/** Lines picked in full and shorted, and the share picked in full (4 digits; null with neither). */
export function accuracyOf(a: { linesPicked: number; linesShorted: number } | undefined): { linesPicked: number; linesShorted: number; accuracy: number | null } {
  const linesPicked = a?.linesPicked ?? 0;
  const linesShorted = a?.linesShorted ?? 0;
  return { linesPicked, linesShorted, accuracy: linesPicked + linesShorted === 0 ? null : round(linesPicked / (linesPicked + linesShorted), 4) };
}

export interface ForecastHour { readonly hour: number; readonly taskType: string; readonly zone: string; readonly lines: number }

/** workload: standards, rosters, performance, forecast and plan; every read is from its own tables (projections). */
/** The zones of a site's locations (location-master's), asked before a roster is replaced; null: not known here. */
export type SiteZones = (siteId: string) => Promise<ReadonlySet<string> | null>;

/** How long the zones in use of a site are kept for the plan's split of forecast work. */
const ZONES_TTL_MS = 30_000;

export function workloadService(deps: PlatformDeps, zonesOf: SiteZones = async () => null) {
  const inUseCache = new Map<string, { zones: Promise<ReadonlySet<string> | null>; at: number }>();
  async function standards(siteId: string): Promise<(LaborStandard & { isDefault: boolean })[]> {
    const set = await store.standards(deps.db, siteId);
    return standardsWithDefaults(set).map((s) => ({ ...s, isDefault: !set.some((x) => x.taskType === s.taskType) }));
  }

  /**
   * The zones of the site's locations in use, for where forecast work may go; null when location-master cannot say (out
   * of reach in a split deployment): the plan is then made as before, over every zone work was placed in.
   */
  const zonesInUse = (siteId: string): Promise<ReadonlySet<string> | null> => {
    // Kept for ZONES_TTL_MS: a plan is read often and the site's locations are many; a zone retired a moment ago is
    // left out of the split at the next read after that.
    const hit = inUseCache.get(siteId);
    if (hit !== undefined && Date.now() - hit.at < ZONES_TTL_MS) return hit.zones;
    const zones = zonesOf(siteId).catch(() => null);
    inUseCache.set(siteId, { zones, at: Date.now() });
    return zones;
  };

  /** Standard seconds of observed work (its own routes where it had one). */
  const observedStandardS = (std: LaborStandard, o: ObservedWork): number =>
    standardSeconds(std, { tasks: o.tasks, lines: o.lines, units: o.units, travelM: o.routeM + o.linesWithoutRoute * std.travelPerLineM });

  /** `onlyWorker`: that worker's figures alone (an operator reads its own, not its colleagues'). */
  async function performance(siteId: string, fromAt: Date | null, toAt: Date | null, limit: number, afterWorker: string | null,
    onlyWorker: string | null = null): Promise<Outcome<WorkerPerformance[]>> {
    const window = decidePerformanceWindow(null, { from: fromAt, to: toAt }, deps.clock.now());
    if (!window.ok) return window;
    const { from, to } = window.value;
    const [stds, rows] = await Promise.all([standards(siteId), store.observedWork(deps.db, siteId, from, to, afterWorker, limit, onlyWorker)]);
    const byWorker = new Map<string, ObservedWork[]>();
    for (const r of rows) byWorker.set(r.workerId, [...(byWorker.get(r.workerId) ?? []), r]);
    const picking = new Map((await store.pickAccuracy(deps.db, siteId, from, to, [...byWorker.keys()])).map((a) => [a.workerId, a]));
    return ok([...byWorker].map(([workerId, list]) => {
      const sum = (f: (o: ObservedWork) => number): number => list.reduce((s, o) => s + f(o), 0);
      const busyS = sum((o) => o.busyS);
      const stdOf = (t: TaskType): LaborStandard => stds.find((s) => s.taskType === t)!;
      const travelM = sum((o) => o.routeM + o.linesWithoutRoute * stdOf(o.taskType).travelPerLineM);
      const travelS = sum((o) => (o.routeM + o.linesWithoutRoute * stdOf(o.taskType).travelPerLineM) / stdOf(o.taskType).walkSpeedMps);
      const spanS = (Math.max(...list.map((o) => new Date(o.lastAt).getTime())) - Math.min(...list.map((o) => new Date(o.firstAt).getTime()))) / 1000;
      const busyH = busyS / 3600;
      return {
        workerId, tasks: sum((o) => o.tasks), lines: sum((o) => o.lines), units: sum((o) => o.units), busyHours: round(busyH, 3),
        linesPerHour: busyH > 0 ? round(sum((o) => o.lines) / busyH) : 0, unitsPerHour: busyH > 0 ? round(sum((o) => o.units) / busyH) : 0,
        travelM: round(travelM, 1), travelHours: round(travelS / 3600, 3), idleHours: round(Math.max(0, spanS - busyS) / 3600, 3),
        ...accuracyOf(picking.get(workerId)),
        byTaskType: list.map((o) => {
          const standardS = observedStandardS(stdOf(o.taskType), o);
          return {
            taskType: o.taskType, tasks: o.tasks, observedS: round(o.busyS, 1), standardS: round(standardS, 1), correction: round(correctionFactor(o.busyS, standardS), 3),
            // Only PICK work has pick lines.
            ...accuracyOf(o.taskType === 'PICK' ? picking.get(workerId) : undefined),
          };
        }),
      };
    }));
  }

  /** Site-wide observed ÷ standard per task type over the history window (1 where nothing was observed). */
  async function corrections(siteId: string, stds: readonly LaborStandard[], now: Date): Promise<Map<TaskType, number>> {
    const rows = await store.observedWork(deps.db, siteId, new Date(now.getTime() - HISTORY_DAYS * DAY_MS), now, null, null);
    const out = new Map<TaskType, number>();
    for (const std of stds) {
      const mine = rows.filter((r) => r.taskType === std.taskType);
      out.set(std.taskType, correctionFactor(mine.reduce((s, r) => s + r.busyS, 0), mine.reduce((s, r) => s + observedStandardS(std, r), 0)));
    }
    return out;
  }

  /** The history the forecast learns from: [day − 28 d, min(now floored to the hour, end of day)). */
  function historyWindow(w: PlanWindow, now: Date): { from: Date; to: Date } {
    const end = Math.min(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS, w.dayStart.getTime() + DAY_MS);
    return { from: new Date(w.dayStart.getTime() - HISTORY_DAYS * DAY_MS), to: new Date(Math.max(end, w.dayStart.getTime() - HISTORY_DAYS * DAY_MS)) };
  }

  interface Series { readonly taskType: string; readonly lines: number[] }

  /**
   * One series per task type, whatever the zone: recent work is not placed in a zone yet (its pick list is not made),
   * so per-zone series would all dip at their end. The zones get their share of the forecast by the site's mix.
   */
  function seriesOf(rows: readonly ArrivalHour[], hours: number): Series[] {
    const map = new Map<string, Series>();
    for (const r of rows) {
      let s = map.get(r.taskType);
      if (s === undefined) {
        s = { taskType: r.taskType, lines: new Array<number>(hours).fill(0) };
        map.set(r.taskType, s);
      }
      if (r.hourIndex >= 0 && r.hourIndex < hours) s.lines[r.hourIndex] = (s.lines[r.hourIndex] ?? 0) + r.lines;
    }
    return [...map.values()];
  }

  /** Each series forecast over the rest of the day: lines per hour of the day (from the history's end); zone not yet split. */
  function forecastDay(series: readonly Series[], historyEnd: Date, w: PlanWindow): { method: string; hours: { hour: number; taskType: string; lines: number }[] } {
    const firstHour = Math.round((historyEnd.getTime() - w.dayStart.getTime()) / HOUR_MS);
    const horizon = 24 - firstHour;
    const hours: { hour: number; taskType: string; lines: number }[] = [];
    let method = 'none';
    if (horizon <= 0) return { method, hours };
    for (const s of series) {
      const f = forecastSeries(s.lines, horizon);
      if (f.method === 'holt-winters' || method === 'none') method = f.method;
      f.values.forEach((lines, k) => {
        const hour = firstHour + k;
        if (hour >= 0 && hour < 24) hours.push({ hour, taskType: s.taskType, lines });
      });
    }
    return { method, hours };
  }

  /**
   * Where work of no known zone goes: the zones of the site's placed PICK work (open and in the history), in proportion
   * to their lines; one pool `ALL` when none is placed. PACK work is always at the pack stations. Only zones still in
   * use (`inUse`, location-master's; null: not known here) share it: a zone whose locations were all deactivated gets
   * no new work, since no roster or what-if may name it (its history would otherwise send it work for 28 days that no
   * one could ever be rostered for). Open work placed there already stays where it is.
   */
  function zoneMix(open: readonly OpenWork[], arrivals: readonly ArrivalHour[], inUse: ReadonlySet<string> | null): {
    zoned: boolean; spread(taskType: string, zone: string | null): [string, number][];
  } {
    const zoneLines = new Map<string, number>();
    const counts = (zone: string | null): zone is string => zone !== null && (inUse === null || inUse.has(zone));
    for (const o of open) if (counts(o.zone) && o.stage === 'PICK') zoneLines.set(o.zone, (zoneLines.get(o.zone) ?? 0) + o.lines);
    for (const a of arrivals) if (counts(a.zone) && a.taskType === 'PICK') zoneLines.set(a.zone, (zoneLines.get(a.zone) ?? 0) + a.lines);
    const total = [...zoneLines.values()].reduce((x, v) => x + v, 0);
    const mix: [string, number][] = total > 0 ? [...zoneLines].sort(([a], [b]) => a.localeCompare(b)).map(([z, v]) => [z, v / total]) : [[ALL_ZONES, 1]];
    return {
      zoned: total > 0,
      spread: (taskType, zone) => (taskType === 'PACK' ? [[PACK_ZONE, 1]] : zone === null || total === 0 ? mix : [[zone, 1]]),
    };
  }

  async function forecast(siteId: string, date: string | undefined): Promise<Outcome<{
    siteId: string; date: string; method: string; hours: ForecastHour[]; backtest: (BacktestReport & { taskType: string })[];
  }>> {
    const now = deps.clock.now();
    const w = decidePlanDay(null, { date }, now);
    if (!w.ok) return w;
    const hist = historyWindow(w.value, now);
    const hours = Math.round((hist.to.getTime() - hist.from.getTime()) / HOUR_MS);
    const [arrivals, { work: open }, inUse] = await Promise.all([
      store.arrivalsByHour(deps.db, siteId, hist.from, hist.to), store.openWork(deps.db, siteId), zonesInUse(siteId),
    ]);
    const series = seriesOf(arrivals, hours);
    const day = forecastDay(series, hist.to, w.value);
    const mix = zoneMix(open, arrivals, inUse);
    const byType = new Map<string, number[]>();
    for (const s of series) {
      const total = byType.get(s.taskType) ?? new Array<number>(hours).fill(0);
      s.lines.forEach((v, i) => { total[i] = (total[i] ?? 0) + v; });
      byType.set(s.taskType, total);
    }
    const reports = [...byType].sort(([a], [b]) => a.localeCompare(b)).flatMap(([taskType, y]) => {
      const r = backtest(y, 7, 24);
      return r === null ? [] : [{ taskType, ...r }];
    });
    const split: ForecastHour[] = day.hours.flatMap((h) => mix.spread(h.taskType, null).map(([zone, share]) => ({ hour: h.hour, taskType: h.taskType, zone, lines: round(h.lines * share) })));
    return ok({ siteId, date: w.value.day, method: day.method, hours: split, backtest: reports });
  }

  interface DayModel {
    readonly window: PlanWindow;
    /** Whether the plan's pools are the site's zones (some work is placed in one); else one pool ALL (and PACK). */
    readonly zoned: boolean;
    readonly work: PlannedWork[];
    readonly heads: Heads;
    readonly backlog: { orders: number; lines: number; units: number; workHours: number; heldOrders: number };
    readonly forecast: { method: string; lines: number; workHours: number };
    readonly corrections: Map<TaskType, number>;
  }

  /** Open work and the forecast of the rest of the day as planned work (corrected standard seconds per zone), and the roster's heads. */
  async function dayModel(siteId: string, date: string | undefined, known?: ReadonlySet<string> | null): Promise<Outcome<DayModel>> {
    const now = deps.clock.now();
    const decided = decidePlanDay(null, { date }, now);
    if (!decided.ok) return decided;
    const w = decided.value;
    const hist = historyWindow(w, now);
    const historyHours = Math.round((hist.to.getTime() - hist.from.getTime()) / HOUR_MS);
    const stds = await standards(siteId);
    const [cutoffs, { work: open, heldOrders }, shifts, arrivals, corr, inUse] = await Promise.all([
      store.cutoffs(deps.db, siteId), store.openWork(deps.db, siteId), store.roster(deps.db, siteId, w.day).then((r) => r.shifts),
      store.arrivalsByHour(deps.db, siteId, hist.from, hist.to), corrections(siteId, stds, now), known === undefined ? zonesInUse(siteId) : known,
    ]);
    const std = (t: string): LaborStandard => stds.find((s) => s.taskType === t) ?? stds[0]!;
    const factor = (t: string): number => corr.get(t as TaskType) ?? 1;

    const mix = zoneMix(open, arrivals, inUse);

    // Per task type, from history: orders per line and units per line (PICK and PACK work arrives as orders).
    const ratio = (t: string, f: (a: ArrivalHour) => number, fallback: number): number => {
      const rows = arrivals.filter((a) => a.taskType === t);
      const lines = rows.reduce((s, a) => s + a.lines, 0);
      return lines > 0 ? rows.reduce((s, a) => s + f(a), 0) / lines : fallback;
    };
    const openLines = open.reduce((s, o) => s + o.lines, 0);
    const ordersPerLine = ratio('PICK', (a) => a.tasks, openLines > 0 ? open.reduce((s, o) => s + o.orders, 0) / openLines : 0.5);
    const unitsPerLine = ratio('PICK', (a) => a.units, openLines > 0 ? open.reduce((s, o) => s + o.units, 0) / openLines : 1);

    const work: PlannedWork[] = [];
    const add = (taskType: string, zone: string | null, amount: { tasks: number; lines: number; units: number }, availableMin: number, carrier: string | null): number => {
      const seconds = factor(taskType) * standardSeconds(std(taskType), { ...amount, travelM: null });
      const cutoff = carrier === null ? undefined : cutoffs.get(carrier);
      const dueMin = cutoff !== undefined && cutoff > availableMin ? cutoff : null;
      const zones = mix.spread(taskType, zone);
      for (const [z, share] of zones) work.push({ zone: z, taskType, seconds: seconds * share, availableMin, dueMin, carrier: dueMin === null ? null : carrier });
      return seconds;
    };
    let backlogS = 0;
    for (const o of open) {
      const amount = { tasks: o.orders, lines: o.lines, units: o.units };
      if (o.stage === 'PICK') backlogS += add('PICK', o.zone, amount, w.fromMin, o.carrier);
      backlogS += add('PACK', null, amount, w.fromMin, o.carrier);
    }
    const series = seriesOf(arrivals, historyHours);
    const fc = forecastDay(series, hist.to, w);
    let forecastLines = 0;
    let forecastS = 0;
    for (const h of fc.hours) {
      const start = h.hour * 60;
      if (start + 60 <= w.fromMin) continue;
      // The hour under way: only its part still to come (what came already is open work).
      const lines = h.lines * Math.min(1, (start + 60 - w.fromMin) / 60);
      if (lines <= 0) continue;
      forecastLines += h.taskType === 'PICK' ? lines : 0;
      const amount = h.taskType === 'PICK' || h.taskType === 'PACK'
        ? { tasks: lines * ordersPerLine, lines, units: lines * unitsPerLine }
        : { tasks: lines, lines, units: 0 };
      forecastS += add(h.taskType, null, amount, Math.max(start, w.fromMin), null);
    }
    // Without zones every floor shift serves the one pool; pack stations stay apart.
    const rosterShifts: Shift[] = mix.zoned ? shifts : shifts.map((s) => (s.zone === PACK_ZONE ? s : { ...s, zone: ALL_ZONES }));
    return ok({
      window: w, zoned: mix.zoned, work, heads: headsOf(rosterShifts), corrections: corr,
      backlog: {
        orders: open.reduce((s, o) => s + o.orders, 0), lines: openLines, units: open.reduce((s, o) => s + o.units, 0), workHours: round(backlogS / 3600), heldOrders,
      },
      forecast: { method: fc.method, lines: round(forecastLines), workHours: round(forecastS / 3600) },
    });
  }

  const at = (w: PlanWindow, min: number | null): string | null => (min === null ? null : new Date(w.dayStart.getTime() + min * 60_000).toISOString());
  const outcomeOf = (w: PlanWindow, sim: Simulation) => ({
    zones: sim.zones.map((z) => ({ zone: z.zone, workHours: round(z.workS / 3600), finishAt: at(w, z.finishMin), leftHours: round(z.leftS / 3600) })),
    carriers: sim.carriers.map((c) => ({ carrier: c.carrier, cutoff: hhmm(c.cutoffMin), workHours: round(c.workS / 3600), finishAt: at(w, c.finishMin), missed: c.missed })),
  });

  async function plan(siteId: string, date: string | undefined) {
    const m = await dayModel(siteId, date);
    if (!m.ok) return m;
    const { window: w, work, heads } = m.value;
    const sim = simulateDay(work, heads, w.fromMin, PLAN_UTILISATION);
    const hours = requiredHeads(work, heads, w.fromMin, DAY_MINUTES, PLAN_UTILISATION).map((h) => ({
      hour: h.hour, zone: h.zone, workHours: round(h.workS / 3600), requiredHeads: round(h.requiredHeads), rosteredHeads: round(h.rosteredHeads),
      shortHeads: round(Math.max(0, h.requiredHeads - h.rosteredHeads)),
    }));
    return ok({
      siteId, date: w.day, from: at(w, w.fromMin)!, utilisation: PLAN_UTILISATION, backlog: m.value.backlog, forecast: m.value.forecast,
      corrections: [...m.value.corrections].map(([taskType, f]) => ({ taskType, factor: round(f, 3) })),
      hours, ...outcomeOf(w, sim),
    });
  }

  async function whatIf(siteId: string, date: string | undefined, zone: string, add: number, fromHour: number) {
    const zones = await zonesOf(siteId);
    const known = decideWhatIfZone({ zones }, { zone }, deps.clock.now());
    if (!known.ok) return known;
    const m = await dayModel(siteId, date, zones);
    if (!m.ok) return m;
    const { window: w, work, heads, zoned } = m.value;
    // Once work is placed in zones the plan has no pool ALL: heads added there would change nothing.
    const pooled = decideWhatIfZone({ zones, zoned }, { zone }, deps.clock.now());
    if (!pooled.ok) return pooled;
    const fromMin = Math.max(w.fromMin, fromHour * 60);
    // While no work is placed in a zone the plan has one pool for the floor: heads added to a zone of the site join it,
    // as the roster's shifts in that zone do (added to the zone itself, they had no work and changed nothing).
    const pool = zoned || zone === PACK_ZONE ? zone : ALL_ZONES;
    const before = simulateDay(work, heads, w.fromMin, PLAN_UTILISATION);
    const after = simulateDay(work, withExtraHeads(heads, pool, add, fromMin), w.fromMin, PLAN_UTILISATION);
    return ok({ siteId, date: w.day, zone, add, from: at(w, fromMin)!, before: outcomeOf(w, before), after: outcomeOf(w, after) });
  }

  const today = (): string => deps.clock.now().toISOString().slice(0, 10);

  /** A day's roster and its version (the ETag): the version is read first, so it is never newer than the shifts beside it. */
  /** A day's roster and its version, of one committed replacement (read by `db`: the replacing transaction reads its own). */
  async function roster(siteId: string, dayOrToday: string | undefined, db: Executor = deps.db) {
    const day = dayOrToday ?? today();
    const read = await store.roster(db, siteId, day);
    const shifts = read.shifts.map((s) => ({ workerId: s.workerId, zone: s.zone, from: hhmm(s.fromMin), to: hhmm(s.toMin) }));
    return { siteId, day, shifts, version: read.version };
  }


  return {
    standards,
    async setStandard(siteId: string, s: LaborStandard) {
      // What this PUT wrote, not a read afterwards (a concurrent PUT of the task type may have replaced it meanwhile).
      return { ...await store.saveStandard(deps.db, siteId, s, deps.clock.now()), isDefault: false };
    },
    roster,
    /** Replaces a day's roster; an If-Match naming no current version of the day is VERSION_MISMATCH and changes nothing. */
    async setRoster(siteId: string, dayOrToday: string | undefined, shifts: readonly ShiftInput[], ifMatch?: IfMatch) {
      const day = dayOrToday ?? today();
      // Sites carry no time zone yet: today is UTC's (a roster for today stays allowed).
      const state = { zones: await zonesOf(siteId), today: today() };
      const out = await decideInTx(deps.db, async (tx) => {
        // The check and the replacement under the day's lock: two planners who read one version cannot both replace it.
        await store.lockRosterDay(tx, siteId, day);
        const version = await store.rosterVersion(tx, siteId, day);
        const decided = decideRoster({ ...state, version }, { day, shifts, ifMatch }, deps.clock.now());
        if (!decided.ok) return decided;
        await store.replaceRoster(tx, siteId, day, decided.value);
        // Answered from this transaction, under the day's lock: read after the commit, the answer could be the roster
        // (or the version) of a replacement committed meanwhile (race8).
        return ok(await roster(siteId, day, tx));
      });
      return out;
    },
    performance, forecast, plan, whatIf,
  };
}

export type WorkloadService = ReturnType<typeof workloadService>;
