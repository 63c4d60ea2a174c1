import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type AsnClosed, type AsnDiscrepancy } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { asnLifecycle, discrepancies, type AsnLineFacts } from '../../domain/inbound.ts';
import type { AsnRow } from '../../inbound-store.ts';

export interface CloseAsnCommand {
  readonly asnId: string;
}

export interface CloseAsnState {
  /** The ASN, locked (undefined: none), and its lines as received so far. */
  readonly asn: Pick<AsnRow, 'id' | 'site_id' | 'status' | 'supplier'> | undefined;
  readonly lines: readonly AsnLineFacts[];
}

export interface CloseAsnDecision {
  readonly discrepancies: readonly AsnDiscrepancy[];
  readonly events: readonly PublishedEvent[];
}

export type CloseAsnRejection = 'NOT_FOUND' | 'ILLEGAL_TRANSITION';

/**
 * The dock is done with an ASN (OPEN or RECEIVING): it expects nothing more, and every line's over, under and damaged
 * units are recorded as discrepancies and announced with `inventory.asn.closed`.
 */
export const decideCloseAsn: Decide<CloseAsnState, CloseAsnCommand, CloseAsnDecision, CloseAsnRejection> = (state, input) => {
  const a = state.asn;
  if (a === undefined) return reject('NOT_FOUND', `No ASN ${input.asnId}`);
  const to = asnLifecycle.check(a.status, 'CLOSED', `ASN ${a.id} is ${a.status}: it cannot be closed`);
  if (!to.ok) return to;
  const found = discrepancies(state.lines);
  const data: AsnClosed = { asnId: a.id, siteId: a.site_id, supplier: a.supplier, discrepancies: found };
  return ok({ discrepancies: found, events: [{ type: InventoryEvents.asnClosed, subject: a.id, siteId: a.site_id, data }] });
};
