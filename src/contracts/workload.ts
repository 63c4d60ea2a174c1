/**
 * workload: labour standards, learned corrections, worker performance, the forecast of work and the day's staffing
 * plan (issue 14, ADR 0033). It reads other contexts only through their events (orders, picking, tasks,
 * location-master, orchestration's carrier cut-offs) and publishes none: nobody reacts to a plan.
 */
import type { ErrorSpecs } from '../platform/errors.ts';

/** Productive share of a rostered hour the plan assumes (breaks, walking to the zone, small talk): 0.85. */
export const PLAN_UTILISATION = 0.85;

/** Coded errors of workload. */
export const WorkloadErrors = {
  ROSTER_OVERLAP: { status: 422, title: "A worker's shifts overlap in the roster" },
  SHIFT_EMPTY: { status: 422, title: 'A shift ends before it starts' },
  UNKNOWN_ZONE: { status: 422, title: 'No location of the site is in that zone' },
  ROSTER_DAY_PAST: { status: 422, title: 'A roster is set for today or a later day' },
  PLAN_DATE_PAST: { status: 422, title: 'The plan is for today or a later day' },
} as const satisfies ErrorSpecs;
