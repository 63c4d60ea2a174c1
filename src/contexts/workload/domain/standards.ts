/**
 * Engineered labour standards (ADR 0033): the standard time of a task is
 *   fixed + perLine · lines + perUnit · units + travel metres / walking speed,
 * travel being the planned route's length from the routing core (`picking.list.created` `routeLength`, made by
 * src/optimize/routing) when known, else `travelPerLineM` per line. Learned corrections compare observed durations
 * (started → completed) with the standard. Pure.
 */
import { TASK_TYPES, type TaskType } from '../../../contracts/tasks.ts';

export interface LaborStandard {
  readonly taskType: TaskType;
  readonly fixedS: number;
  readonly perLineS: number;
  readonly perUnitS: number;
  /** Metres walked per line when no route is known (open orders not yet released). */
  readonly travelPerLineM: number;
  readonly walkSpeedMps: number;
}

/** Used until a manager sets the site's own (PUT /workload/standards). Typical manual picking figures. */
export const DEFAULT_STANDARDS: Readonly<Record<TaskType, Omit<LaborStandard, 'taskType'>>> = {
  PICK: { fixedS: 60, perLineS: 12, perUnitS: 3, travelPerLineM: 15, walkSpeedMps: 1.0 },
  PACK: { fixedS: 45, perLineS: 8, perUnitS: 4, travelPerLineM: 0, walkSpeedMps: 1.0 },
  PUTAWAY: { fixedS: 60, perLineS: 20, perUnitS: 2, travelPerLineM: 40, walkSpeedMps: 1.0 },
  REPLENISH: { fixedS: 60, perLineS: 20, perUnitS: 2, travelPerLineM: 40, walkSpeedMps: 1.0 },
  MOVE: { fixedS: 45, perLineS: 15, perUnitS: 2, travelPerLineM: 30, walkSpeedMps: 1.0 },
  COUNT: { fixedS: 30, perLineS: 45, perUnitS: 1, travelPerLineM: 20, walkSpeedMps: 1.0 },
  LOAD: { fixedS: 120, perLineS: 30, perUnitS: 0, travelPerLineM: 25, walkSpeedMps: 1.0 },
};

export function defaultStandard(taskType: TaskType): LaborStandard {
  return { taskType, ...DEFAULT_STANDARDS[taskType] };
}

/** The site's standards: those set, the defaults for the rest, in TASK_TYPES order. */
export function standardsWithDefaults(set: readonly LaborStandard[]): LaborStandard[] {
  return TASK_TYPES.map((t) => set.find((s) => s.taskType === t) ?? defaultStandard(t));
}

export interface WorkAmount {
  readonly tasks: number;
  readonly lines: number;
  readonly units: number;
  /** Planned walking metres; null = estimate from travelPerLineM. */
  readonly travelM: number | null;
}

/** Standard seconds of an amount of work. */
export function standardSeconds(std: LaborStandard, work: WorkAmount): number {
  const travelM = work.travelM ?? std.travelPerLineM * work.lines;
  return std.fixedS * work.tasks + std.perLineS * work.lines + std.perUnitS * work.units + travelM / std.walkSpeedMps;
}

/**
 * Observed ÷ standard, shrunk towards 1 by a prior worth `priorS` seconds of standard work, so a worker with two tasks
 * does not get a factor of 3 from one slow pick (empirical-Bayes style credibility weighting).
 */
export const CORRECTION_PRIOR_S = 1800;

export function correctionFactor(observedS: number, standardS: number, priorS = CORRECTION_PRIOR_S): number {
  return (observedS + priorS) / (standardS + priorS);
}
