import type { InspectionStatus } from '../../../../contracts/quality.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject, type FieldError } from '../../../../platform/errors.ts';
import { inspectionLifecycle } from '../../domain/lifecycles.ts';
import type { ChecklistItem } from '../../domain/plan.ts';

/** One checklist item as the inspector recorded it: pass/fail, or the value measured; `defects` = sampled units failing it. */
export interface ItemInput {
  readonly code: string;
  readonly passed?: boolean | undefined;
  readonly value?: number | undefined;
  readonly defects?: number | undefined;
}

export interface ItemResult {
  readonly code: string;
  readonly passed: boolean;
  readonly value: number | null;
  readonly defects: number;
}

export interface RecordResultsState {
  readonly status: InspectionStatus;
  readonly checklist: readonly ChecklistItem[];
  readonly sampleSize: number;
  readonly acceptance: number;
  readonly ncOwner: string;
}

export interface RecordResultsCommand {
  readonly inspectionId: string;
  readonly inspector: string;
  readonly items: readonly ItemInput[];
  /** Non-conformance cause and owner when it fails; defaults: the failed items, the plan's owner. */
  readonly cause?: string | undefined;
  readonly owner?: string | undefined;
  readonly nonConformanceId: string;
}

export interface RecordResultsDecision {
  readonly status: 'PASSED' | 'FAILED';
  readonly items: readonly ItemResult[];
  readonly defects: number;
  /** Chances for a defect: every checklist item on every sampled unit (DPMO's denominator). */
  readonly opportunities: number;
  /** Opened when it fails: its target goes on hold and a non-conformance is recorded. */
  readonly nonConformance: { readonly id: string; readonly cause: string; readonly owner: string } | null;
}

const limits = (item: Extract<ChecklistItem, { kind: 'MEASURE' }>): string =>
  `${item.min ?? '−∞'} … ${item.max ?? '+∞'}${item.unit === null ? '' : ` ${item.unit}`}`;

/**
 * The results of an OPEN inspection: exactly one entry per checklist item (CHECKLIST_MISMATCH otherwise, naming the
 * field): `passed` for a PASS_FAIL item, `value` for a MEASURE item (out of its limits = failed). A failed item counts
 * `defects` defects (1 when not given; at most the sample). The inspection passes with at most Ac defects, else fails.
 */
export const decideRecordResults: Decide<RecordResultsState, RecordResultsCommand, RecordResultsDecision,
  'ILLEGAL_TRANSITION' | 'CHECKLIST_MISMATCH'> = (state, cmd) => {
  if (state.status !== 'OPEN') {
    const legal = inspectionLifecycle.check(state.status, 'PASSED', `Inspection ${cmd.inspectionId} is ${state.status}: ${state.status === 'CANCELLED' ? 'it was withdrawn, its target gone' : 'its results are recorded'}`);
    if (!legal.ok) return legal;
  }
  const errors: FieldError[] = [];
  const byCode = new Map(state.checklist.map((i) => [i.code, i]));
  const given = new Set<string>();
  const results: ItemResult[] = [];
  cmd.items.forEach((input, i) => {
    const item = byCode.get(input.code);
    if (item === undefined) return void errors.push({ field: `/items/${i}/code`, message: `${input.code} is not on the checklist` });
    if (given.has(input.code)) return void errors.push({ field: `/items/${i}/code`, message: `${input.code} is given twice` });
    given.add(input.code);
    if (input.defects !== undefined && (!Number.isInteger(input.defects) || input.defects < 0 || input.defects > state.sampleSize)) {
      return void errors.push({ field: `/items/${i}/defects`, message: `must be an integer from 0 to the sample (${state.sampleSize})` });
    }
    if (item.kind === 'PASS_FAIL') {
      if (input.passed === undefined || input.value !== undefined) return void errors.push({ field: `/items/${i}`, message: `${item.code} is pass/fail: give passed, not value` });
      const defects = input.passed ? 0 : Math.max(1, input.defects ?? 1);
      return void results.push({ code: item.code, passed: input.passed, value: null, defects });
    }
    if (input.value === undefined || input.passed !== undefined) return void errors.push({ field: `/items/${i}`, message: `${item.code} is measured (${limits(item)}): give value, not passed` });
    const passed = (item.min === null || input.value >= item.min) && (item.max === null || input.value <= item.max);
    results.push({ code: item.code, passed, value: input.value, defects: passed ? 0 : Math.max(1, input.defects ?? 1) });
  });
  state.checklist.forEach((item) => {
    if (!given.has(item.code) && !errors.some((e) => e.message.startsWith(item.code))) errors.push({ field: '/items', message: `${item.code} is missing` });
  });
  if (errors.length > 0) return reject('CHECKLIST_MISMATCH', `The results do not match the checklist of inspection ${cmd.inspectionId}`, errors);
  const defects = results.reduce((n, r) => n + r.defects, 0);
  const opportunities = state.sampleSize * state.checklist.length;
  if (defects <= state.acceptance) return ok({ status: 'PASSED', items: results, defects, opportunities, nonConformance: null });
  const failed = results.filter((r) => !r.passed).map((r) => (r.value === null ? r.code : `${r.code} = ${r.value}`));
  const cause = cmd.cause?.trim() || `Failed: ${failed.join(', ')} (${defects} defect(s), Ac ${state.acceptance})`;
  return ok({
    status: 'FAILED', items: results, defects, opportunities,
    nonConformance: { id: cmd.nonConformanceId, cause, owner: cmd.owner?.trim() || state.ncOwner },
  });
};
