import type { InspectionStage } from '../../../../contracts/quality.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject, type FieldError } from '../../../../platform/errors.ts';
import { isTabulatedAql } from '../../domain/aql.ts';
import type { ChecklistItem, Plan, SamplingRule } from '../../domain/plan.ts';

export interface PlanInput {
  readonly siteId: string;
  readonly name: string;
  readonly stage: InspectionStage;
  readonly sku: string | null;
  readonly supplierId: string | null;
  readonly ownerId: string | null;
  readonly sampling: SamplingRule;
  readonly checklist: readonly ChecklistItem[];
  readonly ncOwner: string;
}

export interface CreatePlanState {
  /** Whether catalog knows the plan's SKU (true when the plan names none). */
  readonly skuKnown: boolean;
  /** Whether inventory knows the plan's owner (true when the plan names none). */
  readonly ownerKnown?: boolean | undefined;
}

export type CreatePlanCommand = PlanInput & { readonly id: string };

/**
 * A plan is made when its sampling can be applied and its checklist can be filled in: a percent in (0, 100], an n of at
 * least 1, an AQL that is a column of ISO 2859-1 Table 2-A (UNSUPPORTED_AQL otherwise), unique item codes, measured
 * items with a limit and min ≤ max; a SKU scope must name a SKU catalog knows, an owner scope an owner (ADR 0028).
 */
export const decideCreatePlan: Decide<CreatePlanState, CreatePlanCommand, Plan, 'VALIDATION_FAILED' | 'UNSUPPORTED_AQL' | 'UNKNOWN_SKU' | 'UNKNOWN_OWNER'> = (
  state, cmd, now,
) => {
  const errors: FieldError[] = [];
  const s = cmd.sampling;
  if (s.kind === 'PERCENT' && !(s.percent > 0 && s.percent <= 100)) errors.push({ field: '/sampling/percent', message: 'must be in (0, 100]' });
  if (s.kind === 'EVERY_NTH' && !(Number.isInteger(s.n) && s.n >= 1)) errors.push({ field: '/sampling/n', message: 'must be an integer ≥ 1' });
  // Codes that read alike are one code (ADR 0007, addendum 2026-12-07): `seal`, `SEAL` and full-width `ＳＥＡＬ` are one item.
  const codes = new Map<string, string>();
  cmd.checklist.forEach((item, i) => {
    const folded = item.code.normalize('NFKC').toUpperCase();
    const first = codes.get(folded);
    if (first !== undefined) errors.push({ field: `/checklist/${i}/code`, message: first === item.code ? `${item.code} is listed twice` : `${item.code} is listed twice (as ${first}: codes ignore letter case and width)` });
    else codes.set(folded, item.code);
    if (item.kind === 'MEASURE') {
      if (item.min === null && item.max === null) errors.push({ field: `/checklist/${i}`, message: 'a measured item needs min or max' });
      if (item.min !== null && item.max !== null && item.min > item.max) errors.push({ field: `/checklist/${i}/min`, message: 'must not exceed max' });
    }
  });
  if (cmd.checklist.length === 0) errors.push({ field: '/checklist', message: 'needs at least one item' });
  if (errors.length > 0) return reject('VALIDATION_FAILED', 'The plan is not valid', errors);
  if (s.kind === 'AQL' && !isTabulatedAql(s.aql)) {
    return reject('UNSUPPORTED_AQL', `AQL ${s.aql} is not a column of ISO 2859-1 Table 2-A (0.010 … 10)`, [{ field: '/sampling/aql', message: 'not a tabulated AQL' }]);
  }
  if (cmd.sku !== null && !state.skuKnown) return reject('UNKNOWN_SKU', `Unknown SKU ${cmd.sku}`, [{ field: '/sku', message: 'unknown SKU' }]);
  if (cmd.ownerId !== null && state.ownerKnown === false) {
    return reject('UNKNOWN_OWNER', `No owner ${cmd.ownerId}: a plan for an owner names one of GET /owners`, [{ field: '/ownerId', message: 'is not the id of an owner' }]);
  }
  const { id, siteId, name, stage, sku, supplierId, ownerId, sampling, checklist, ncOwner } = cmd;
  return ok({ id, siteId, name, stage, sku, supplierId, ownerId, sampling, checklist, ncOwner, active: true, seen: 0, createdAt: now.toISOString(), version: 1 });
};
