import type { LpnStatus } from '../../../contracts/physical-tracking.ts';
import { assertNever } from '../../../platform/errors.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/**
 * The LPN lifecycle. OPEN takes units in; CLOSED is sealed (a received pallet, a packed carton) and may be reopened;
 * STAGED waits at a dock, IN_TRANSIT is on a truck or conveyor between two points; SHIPPED left the site; CONSUMED was
 * emptied (a tote packed out, a pallet picked clean or consolidated into another) and its code is free again.
 * LOST (ADR 0029 addendum): nobody finds it where it should be; any LPN still on the floor can be lost, none that left.
 * Finding it is an event, not a resting state: a found LPN is back OPEN or CLOSED at once (`foundStatus`). The floor
 * never ships a LOST LPN; only its shipment's dispatch ships a lost carton (floor-events.ts, ADR 0029 addendum lpn4).
 */
export const LPN_TRANSITIONS: Record<LpnStatus, readonly LpnStatus[]> = {
  OPEN: ['CLOSED', 'CONSUMED', 'LOST'],
  CLOSED: ['OPEN', 'STAGED', 'IN_TRANSIT', 'SHIPPED', 'CONSUMED', 'LOST'],
  STAGED: ['IN_TRANSIT', 'SHIPPED', 'CLOSED', 'LOST'],
  IN_TRANSIT: ['STAGED', 'SHIPPED', 'CLOSED', 'LOST'],
  SHIPPED: [],
  CONSUMED: [],
  LOST: ['OPEN', 'CLOSED'],
};

/** Built or received LPNs are OPEN; a carton is born CLOSED when it is packed (sealed). */
export const lpnLifecycle = defineLifecycle('LPN', LPN_TRANSITIONS, ['OPEN', 'CLOSED']);

/**
 * An LPN that still exists on the floor: it has a location, holds units and keeps its code. A LOST LPN is not live:
 * floor events never take units from it (but a packed order's: ADR 0029 addendum tote5), the reconciliation does not
 * count it where it was, and its label is free.
 */
export const LIVE_STATUSES: readonly LpnStatus[] = ['OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT'];

/**
 * The status a found LPN resumes, from the one it had when it was lost: an OPEN LPN is OPEN again (it was still taking
 * units in); a sealed one is CLOSED, resting where it was found — no longer at the dock (STAGED) nor on its way
 * (IN_TRANSIT), so it is staged or sent again from there.
 */
export function foundStatus(before: LpnStatus): 'OPEN' | 'CLOSED' {
  switch (before) {
    case 'OPEN':
      return 'OPEN';
    case 'CLOSED':
    case 'STAGED':
    case 'IN_TRANSIT':
      return 'CLOSED';
    case 'SHIPPED':
    case 'CONSUMED':
    case 'LOST':
      throw new Error(`an LPN that was ${before} is never lost`);
    default:
      return assertNever(before, 'LPN status');
  }
}

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
    case 'LOST':
      return [];
    default:
      return assertNever(status, 'LPN status');
  }
}
