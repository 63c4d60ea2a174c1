import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { zoneAllowed } from '../set-roster/decide.ts';

/**
 * The zone a what-if adds heads to: one the plan can name, i.e. one a roster could (the site's locations' zones, PACK),
 * or ALL (where the site has no zones, and the plan's work of no zone yet where it has).
 */
export const decideWhatIfZone: Decide<{ readonly zones: ReadonlySet<string> | null }, { readonly zone: string }, string, 'UNKNOWN_ZONE'> = (state, command) => {
  if (state.zones !== null && command.zone !== 'ALL' && !zoneAllowed(state.zones, command.zone)) {
    return reject('UNKNOWN_ZONE', `Unknown zone ${command.zone}: heads are added to a zone of the site's locations, PACK or ALL`,
      [{ field: '/querystring/zone', message: `no location of the site is in zone ${command.zone}` }]);
  }
  return ok(command.zone);
};
