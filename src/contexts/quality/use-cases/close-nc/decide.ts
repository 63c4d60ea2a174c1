import type { NonConformanceStatus } from '../../../../contracts/quality.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { nonConformanceLifecycle } from '../../domain/lifecycles.ts';

/** An OPEN non-conformance is closed with a resolution (not blank); a closed one stays closed (ILLEGAL_TRANSITION). */
export const decideCloseNonConformance: Decide<{ readonly status: NonConformanceStatus }, { readonly id: string; readonly resolution: string },
  { readonly resolution: string }, 'ILLEGAL_TRANSITION' | 'VALIDATION_FAILED'> = (state, cmd) => {
  const legal = nonConformanceLifecycle.check(state.status, 'CLOSED', `Non-conformance ${cmd.id} is ${state.status}`);
  if (!legal.ok) return legal;
  const resolution = cmd.resolution.trim();
  if (resolution === '') return reject('VALIDATION_FAILED', 'A closed non-conformance needs its resolution', [{ field: '/resolution', message: 'must not be blank' }]);
  return ok({ resolution });
};
