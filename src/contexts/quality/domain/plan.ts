/** Inspection plans: what they inspect (stage and scope), how they sample, and the checklist an inspector fills in. */
import type { InspectionStage } from '../../../contracts/quality.ts';

export type SamplingRule =
  /** Every lot (or package): ⌈lot × percent / 100⌉ of its units, at least one; accepted with no defect. */
  | { readonly kind: 'PERCENT'; readonly percent: number }
  /** The 1st, (n+1)th, (2n+1)th … lot (or package) the plan sees: all its units; accepted with no defect. */
  | { readonly kind: 'EVERY_NTH'; readonly n: number }
  /** Every lot: ISO 2859-1 single sampling, normal inspection, level II, at this AQL (domain/aql.ts). */
  | { readonly kind: 'AQL'; readonly aql: number };

export type ChecklistItem =
  | { readonly code: string; readonly label: string; readonly kind: 'PASS_FAIL' }
  | { readonly code: string; readonly label: string; readonly kind: 'MEASURE'; readonly unit: string | null; readonly min: number | null; readonly max: number | null };

export interface PlanScope {
  readonly sku: string | null;
  readonly supplierId: string | null;
  readonly ownerId: string | null;
}

export interface Plan extends PlanScope {
  readonly id: string;
  readonly siteId: string;
  readonly name: string;
  readonly stage: InspectionStage;
  readonly sampling: SamplingRule;
  readonly checklist: readonly ChecklistItem[];
  /** Who a non-conformance of this plan is assigned to unless the inspector names someone (a person or a team). */
  readonly ncOwner: string;
  readonly active: boolean;
  readonly seen: number;
  readonly createdAt: string;
  readonly version: number;
}

/** How many scope fields a plan sets: the most specific matching plan decides. */
export const specificity = (s: PlanScope): number => [s.sku, s.supplierId, s.ownerId].filter((v) => v !== null).length;
