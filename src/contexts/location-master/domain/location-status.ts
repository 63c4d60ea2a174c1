import type { LocationStatus } from '../../../contracts/location-master.ts';
import { ok, reject, type Outcome } from '../../../platform/errors.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/** Location status: ACTIVE ↔ BLOCKED (with a reason), ACTIVE → INACTIVE; INACTIVE is final. */
export const LOCATION_TRANSITIONS: Record<LocationStatus, readonly LocationStatus[]> = {
  ACTIVE: ['BLOCKED', 'INACTIVE'],
  BLOCKED: ['ACTIVE'],
  INACTIVE: [],
};

/** The table the code enforces (platform/lifecycle.ts): a location is created ACTIVE. */
export const locationLifecycle = defineLifecycle('location', LOCATION_TRANSITIONS, ['ACTIVE']);

export interface StatusChange {
  readonly from: LocationStatus;
  readonly to: LocationStatus;
  readonly reason: string | null;
}

/**
 * Decides a status change; blocking needs a reason because the floor must know why a slot is out of use. A location an
 * open count holds (`openCounts`: their ids, asked of inventory) is not deactivated: the count would close with units at
 * a location out of use for good. Blocking it is fine: the count lock and the block both keep its units out of ATP.
 */
export function decideStatusChange(from: LocationStatus, to: LocationStatus, reason: string | null, openCounts: readonly string[] = []): Outcome<StatusChange> {
  const legal = locationLifecycle.check(from, to, `A ${from} location cannot become ${to}`);
  if (!legal.ok) return legal;
  if (to === 'INACTIVE' && openCounts.length > 0) {
    return reject('LOCATION_UNDER_COUNT', `The location is under count (count ${openCounts.join(', ')}): deactivate it once the count closes`,
      openCounts.map((countId) => ({ field: '/countId', message: `open count ${countId} holds this location` })));
  }
  const trimmed = reason?.trim() ?? '';
  if (to === 'BLOCKED' && trimmed === '') {
    return reject('UNPROCESSABLE', 'Blocking a location needs a reason', [{ field: '/reason', message: 'must not be blank' }]);
  }
  return ok({ from, to, reason: trimmed === '' ? null : trimmed });
}
