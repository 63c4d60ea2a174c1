import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type AsnClosed, type AsnDiscrepancy } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { asnLifecycle, discrepancies, type AsnLineFacts } from '../../domain/inbound.ts';
import type { AsnRow } from '../../inbound-store.ts';

export interface CloseAsnCommand {
  readonly asnId: string;
  /** Close although an LPN of it scanned in at the dock has none of its units booked (they stay off the books). */
  readonly acceptUnbooked?: boolean | undefined;
}

export interface CloseAsnState {
  /** The ASN, locked (undefined: none), and its lines as received so far. */
  readonly asn: Pick<AsnRow, 'id' | 'site_id' | 'status' | 'supplier'> | undefined;
  readonly lines: readonly AsnLineFacts[];
  /**
   * The labels of its LPNs scanned in at the dock (RECEIVE_LPN) none of whose lines has a unit booked (received or
   * damaged): a pallet on the dock that is not on the books.
   */
  readonly unbookedLpns?: readonly string[] | undefined;
}

export interface CloseAsnDecision {
  readonly discrepancies: readonly AsnDiscrepancy[];
  readonly events: readonly PublishedEvent[];
}

export type CloseAsnRejection = 'NOT_FOUND' | 'ILLEGAL_TRANSITION';

/**
 * The dock is done with an ASN (OPEN or RECEIVING): it expects nothing more, and every line's over, under and damaged
 * units are recorded as discrepancies and announced with `inventory.asn.closed`. An LPN of it scanned in at the dock
 * with nothing of it booked is goods on the dock that the books would never hold: the close is refused (book the
 * receipt first) unless it says so (`acceptUnbooked`: the pallet is not there, or holds nothing of the ASN).
 */
export const decideCloseAsn: Decide<CloseAsnState, CloseAsnCommand, CloseAsnDecision, CloseAsnRejection> = (state, input) => {
  const a = state.asn;
  if (a === undefined) return reject('NOT_FOUND', `No ASN ${input.asnId}`);
  const to = asnLifecycle.check(a.status, 'CLOSED', `ASN ${a.id} is ${a.status}: it cannot be closed`);
  if (!to.ok) return to;
  const unbooked = state.unbookedLpns ?? [];
  if (unbooked.length > 0 && input.acceptUnbooked !== true) {
    return reject('ILLEGAL_TRANSITION', `ASN ${a.id}: its LPN ${unbooked.join(', ')} was scanned in at the dock (RECEIVE_LPN) and none of its units `
      + `is booked: book what is on it (POST /inventory/asns/${a.id}/receipts), or close with acceptUnbooked when it holds nothing of the ASN`,
    [{ field: '/acceptUnbooked', message: `LPN ${unbooked.join(', ')} scanned in, nothing of it booked` }]);
  }
  const found = discrepancies(state.lines);
  const data: AsnClosed = { asnId: a.id, siteId: a.site_id, supplier: a.supplier, discrepancies: found };
  return ok({ discrepancies: found, events: [{ type: InventoryEvents.asnClosed, subject: a.id, siteId: a.site_id, data }] });
};
