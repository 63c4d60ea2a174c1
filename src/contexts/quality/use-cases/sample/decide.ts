import type { InspectionStage, InspectionTarget } from '../../../../contracts/quality.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { assertNever, ok } from '../../../../platform/errors.ts';
import { aqlPlan } from '../../domain/aql.ts';
import { specificity, type Plan } from '../../domain/plan.ts';

/** Something a plan may inspect happened: units received (RECEIVING) or a package packed (PACKING). */
export interface Trigger {
  readonly siteId: string;
  readonly stage: InspectionStage;
  /** The event's own id for it (the receipt movement, the package): one inspection per trigger. */
  readonly sourceRef: string;
  readonly target: InspectionTarget;
  /** The ASN's supplier when the receipt was against one. */
  readonly supplierId: string | null;
  readonly ownerId: string | null;
}

export interface SamplingState {
  /** The site's active plans of the trigger's stage (with how many triggers each has seen). */
  readonly plans: readonly Plan[];
}

export interface SamplingCommand {
  readonly trigger: Trigger;
  /** The id the inspection gets if one is opened. */
  readonly inspectionId: string;
}

export interface OpenInspection {
  readonly id: string;
  readonly planId: string;
  readonly sampleSize: number;
  readonly acceptance: number;
  readonly rejection: number;
}

/** The plan that matched (its counter moves on) and the inspection opened, if the sampling chose this trigger. */
export type SamplingDecision =
  | { readonly plan: null; readonly inspection: null }
  | { readonly plan: { readonly id: string; readonly seen: number }; readonly inspection: OpenInspection | null };

const matches = (p: Plan, t: Trigger): boolean => {
  if (!p.active || p.stage !== t.stage || p.siteId !== t.siteId) return false;
  if (p.sku !== null && !t.target.skus.includes(p.sku)) return false;
  // A trigger naming a supplier (an ASN receipt's putaway) is for that supplier's plans only: the receipt itself was
  // offered to the other plans already.
  if (p.supplierId !== t.supplierId && (p.supplierId !== null || t.supplierId !== null)) return false;
  return p.ownerId === null || p.ownerId === t.ownerId;
};

/**
 * Which plan inspects a trigger, and whether it does this time: the most specific active plan of the stage whose scope
 * (SKU, owner; unset = any; the supplier exactly: a trigger naming one only meets that supplier's plans) matches, the oldest among equals. PERCENT and AQL inspect every lot (a share of
 * its units, or the ISO 2859-1 sample); EVERY_NTH counts the triggers it has seen and inspects the 1st, n+1st, … whole.
 */
export const decideSampling: Decide<SamplingState, SamplingCommand, SamplingDecision, never> = (state, cmd) => {
  const t = cmd.trigger;
  const plan = state.plans.filter((p) => matches(p, t))
    .sort((a, b) => specificity(b) - specificity(a) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))[0];
  if (plan === undefined) return ok({ plan: null, inspection: null });
  const seen = plan.seen + 1;
  const lot = Math.max(1, t.target.quantity);
  const open = (sampleSize: number, acceptance: number, rejection: number): SamplingDecision => ({
    plan: { id: plan.id, seen }, inspection: { id: cmd.inspectionId, planId: plan.id, sampleSize, acceptance, rejection },
  });
  const rule = plan.sampling;
  switch (rule.kind) {
    case 'PERCENT':
      return ok(open(Math.min(lot, Math.max(1, Math.ceil((lot * rule.percent) / 100))), 0, 1));
    case 'EVERY_NTH':
      return ok((seen - 1) % rule.n === 0 ? open(lot, 0, 1) : { plan: { id: plan.id, seen }, inspection: null });
    case 'AQL': {
      // The plan was checked against the table when it was made: a missing column here is a broken invariant.
      const p = aqlPlan(lot, rule.aql);
      if (p === undefined) throw new Error(`plan ${plan.id}: AQL ${rule.aql} has no column in ISO 2859-1 Table 2-A`);
      return ok(open(p.sampleSize, p.acceptance, p.rejection));
    }
    default:
      return assertNever(rule, 'sampling rule');
  }
};
