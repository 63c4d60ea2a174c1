import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type AsnCancelled } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { asnLifecycle } from '../../domain/inbound.ts';
import type { AsnRow } from '../../inbound-store.ts';

export interface CancelAsnCommand {
  readonly asnId: string;
  readonly reason?: string | undefined;
}

export interface CancelAsnState {
  /** The ASN, locked (undefined: none). */
  readonly asn: Pick<AsnRow, 'id' | 'site_id' | 'status'> | undefined;
  /** The labels of its LPNs scanned in at the dock (RECEIVE_LPN): goods that arrived, booked or not. */
  readonly arrivedLpns?: readonly string[] | undefined;
}

export interface CancelAsnDecision {
  readonly reason: string | null;
  readonly events: readonly PublishedEvent[];
}

export type CancelAsnRejection = 'NOT_FOUND' | 'ILLEGAL_TRANSITION';

/**
 * An ASN that never arrived: only one nothing was received against (OPEN) and none of whose LPNs was scanned in at the
 * dock can be cancelled; it expects nothing more. A pallet scanned in is goods on the dock: the ASN is closed instead.
 */
export const decideCancelAsn: Decide<CancelAsnState, CancelAsnCommand, CancelAsnDecision, CancelAsnRejection> = (state, input) => {
  const a = state.asn;
  if (a === undefined) return reject('NOT_FOUND', `No ASN ${input.asnId}`);
  const to = asnLifecycle.check(a.status, 'CANCELLED', a.status === 'RECEIVING'
    ? `ASN ${a.id} is RECEIVING: goods arrived against it; close it instead (POST /inventory/asns/${a.id}/close)`
    : `ASN ${a.id} is ${a.status}: it cannot be cancelled`);
  if (!to.ok) return to;
  const arrived = state.arrivedLpns ?? [];
  if (arrived.length > 0) {
    return reject('ILLEGAL_TRANSITION', `ASN ${a.id}: its LPN ${arrived.join(', ')} was scanned in at the dock (RECEIVE_LPN), so goods arrived against `
      + `it: book their receipt (POST /inventory/asns/${a.id}/receipts) and close it instead (POST /inventory/asns/${a.id}/close)`);
  }
  const reason = input.reason ?? null;
  const data: AsnCancelled = { asnId: a.id, siteId: a.site_id, reason };
  return ok({ reason, events: [{ type: InventoryEvents.asnCancelled, subject: a.id, siteId: a.site_id, data }] });
};
