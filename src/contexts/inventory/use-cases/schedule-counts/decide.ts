import type { AbcClass } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { countDue } from '../../domain/counts.ts';

export interface ScheduleState {
  /** A site's count policies, locked. */
  readonly policies: readonly { readonly sku: string; readonly abc_class: AbcClass; readonly last_scheduled_at: Date | null }[];
}

export interface ScheduleDecision {
  /** SKUs whose class calls for a count now, in SKU order: counted at every location holding them, marked scheduled. */
  readonly due: readonly string[];
}

/** The ABC schedule of one site at `now`: A weekly, B monthly, C quarterly since each SKU's last schedule. */
export const decideSchedule: Decide<ScheduleState, { readonly siteId: string }, ScheduleDecision, never> = (state, _cmd, now) =>
  ok({ due: state.policies.filter((p) => countDue(p, now)).map((p) => p.sku).sort() });
