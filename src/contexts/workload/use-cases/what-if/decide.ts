import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { zoneAllowed } from '../set-roster/decide.ts';

/**
 * The zone a what-if adds heads to: one the plan can name, i.e. one a roster could (the site's locations' zones, PACK),
 * or ALL while the plan's floor is one pool (the site has no zones, or no work is placed in a zone yet). Once work is
 * placed in zones (`zoned`) there is no pool ALL: heads added to it would change nothing, so it is refused, naming the
 * zones to choose from.
 */
export const decideWhatIfZone: Decide<{ readonly zones: ReadonlySet<string> | null; readonly zoned?: boolean }, { readonly zone: string }, string, 'UNKNOWN_ZONE'> = (state, command) => {
  if (state.zones !== null && command.zone !== 'ALL' && !zoneAllowed(state.zones, command.zone)) {
    return reject('UNKNOWN_ZONE', `Unknown zone ${command.zone}: heads are added to a zone of the site's locations, PACK or ALL`,
      [{ field: '/querystring/zone', message: `no location of the site in use is in zone ${command.zone}` }]);
  }
  if (command.zone === 'ALL' && state.zoned === true) {
    const names = [...(state.zones ?? [])].sort().concat('PACK').join(', ');
    return reject('UNKNOWN_ZONE', `Zone ALL is no pool of this plan: its work is placed in zones; add heads to one of ${names}`,
      [{ field: '/querystring/zone', message: `the plan's zones are ${names}` }]);
  }
  return ok(command.zone);
};
