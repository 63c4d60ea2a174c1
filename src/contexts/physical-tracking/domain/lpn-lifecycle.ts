import type { LpnStatus } from '../../../contracts/physical-tracking.ts';
import { assertNever } from '../../../platform/errors.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/**
 * The LPN lifecycle. OPEN takes units in; CLOSED is sealed (a received pallet, a packed carton) and may be reopened;
 * STAGED waits at a dock, IN_TRANSIT is on a truck or conveyor between two points; SHIPPED left the site; CONSUMED was
 * emptied (a tote packed out, a pallet picked clean or consolidated into another) and its code is free again.
 */
export const LPN_TRANSITIONS: Record<LpnStatus, readonly LpnStatus[]> = {
  OPEN: ['CLOSED', 'CONSUMED'],
  CLOSED: ['OPEN', 'STAGED', 'IN_TRANSIT', 'SHIPPED', 'CONSUMED'],
  STAGED: ['IN_TRANSIT', 'SHIPPED', 'CLOSED'],
  IN_TRANSIT: ['STAGED', 'SHIPPED', 'CLOSED'],
  SHIPPED: [],
  CONSUMED: [],
};

/** Built or received LPNs are OPEN; a carton is born CLOSED when it is packed (sealed). */
export const lpnLifecycle = defineLifecycle('LPN', LPN_TRANSITIONS, ['OPEN', 'CLOSED']);

/** An LPN that still exists on the floor: it has a location, holds units and keeps its code. */
export const LIVE_STATUSES: readonly LpnStatus[] = ['OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT'];

/** The legal steps that ship an LPN from where it is (an OPEN one is closed first); none when it is final. */
export function shipPath(status: LpnStatus): readonly LpnStatus[] {
  switch (status) {
    case 'OPEN':
      return ['CLOSED', 'SHIPPED'];
    case 'CLOSED':
    case 'STAGED':
    case 'IN_TRANSIT':
      return ['SHIPPED'];
    case 'SHIPPED':
    case 'CONSUMED':
      return [];
    default:
      return assertNever(status, 'LPN status');
  }
}
