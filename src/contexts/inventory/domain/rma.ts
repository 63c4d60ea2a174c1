/** Customer returns (RMA, issue 11): the lifecycle and the arithmetic of a line. Pure. */
import type { RmaDisposition, RmaStatus } from '../../../contracts/inventory.ts';
import { assertNever } from '../../../platform/errors.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/** Movement reason of units received against an RMA (RECEIPT, in QUARANTINE) and restocked from it (RELEASE). */
export const RMA = 'RMA';
/** Movement reasons of units leaving stock after inspection. */
export const SCRAP = 'SCRAP';
export const RTV = 'RTV';

/**
 * AUTHORISED → RECEIVED (units arrived; more may follow) → INSPECTED (every received unit has a disposition) → CLOSED.
 * More units of an inspected RMA make it RECEIVED again; only an RMA nothing arrived for can be CANCELLED.
 */
export const RMA_TRANSITIONS: Record<RmaStatus, readonly RmaStatus[]> = {
  AUTHORISED: ['RECEIVED', 'CANCELLED'],
  RECEIVED: ['RECEIVED', 'INSPECTED'],
  INSPECTED: ['RECEIVED', 'CLOSED'],
  CLOSED: [],
  CANCELLED: [],
};
export const rmaLifecycle = defineLifecycle('RMA', RMA_TRANSITIONS, ['AUTHORISED']);

/** A line's counters as stored. */
export interface RmaLineCounts {
  readonly authorised: number;
  readonly received: number;
  readonly restocked: number;
  readonly quarantined: number;
  readonly scrapped: number;
  readonly returned_to_vendor: number;
}

/** Units received and not yet given a disposition. */
export const awaitingInspection = (l: RmaLineCounts): number => l.received - l.restocked - l.quarantined - l.scrapped - l.returned_to_vendor;

/** The counter column a disposition adds to. */
export function dispositionColumn(d: RmaDisposition): 'restocked' | 'quarantined' | 'scrapped' | 'returned_to_vendor' {
  switch (d) {
    case 'RESTOCK': return 'restocked';
    case 'QUARANTINE': return 'quarantined';
    case 'SCRAP': return 'scrapped';
    case 'RETURN_TO_VENDOR': return 'returned_to_vendor';
    default:
      return assertNever(d, 'disposition');
  }
}
