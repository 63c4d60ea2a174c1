/**
 * Held units released at a receiving location get a putaway again. Units held at the dock cannot be put away (a
 * putaway moves AVAILABLE units: its confirm is 409 INSUFFICIENT_STOCK), so a manager cancels their putaway; when the
 * hold is released (by hand, a found LPN, an inspection's RELEASE disposition) they would wait at the dock with no
 * putaway and no task, seen only as `unpickable`. The release's event makes a putaway request for the released units
 * no OPEN putaway covers yet, as a receipt does (`inventory.stock.putaway-requested`: tasks queues its PUTAWAY task).
 */
import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type PutawayRequested } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { putawayTargetTypes } from '../../domain/inbound.ts';
import type { PutawayCandidate, PutawayPolicy } from '../../domain/putaway-policy.ts';
import { fromLotKey } from '../../domain/stock.ts';
import type { NewPutaway } from '../../inbound-store.ts';

export interface ReputState {
  /** The location the units were released at (location-master's data); undefined: unknown. */
  readonly dock: Pick<Location, 'id' | 'type' | 'x' | 'y'> | undefined;
  /** AVAILABLE units there now, less reserved ones (the balance locked). */
  readonly available: number;
  /** Units OPEN putaways of these units (AVAILABLE, same owner, SKU, lot) still have to move from there. */
  readonly covered: number;
  readonly unit: { readonly volumeCm3: number; readonly weightG: number } | null;
  readonly candidates: readonly PutawayCandidate[];
  readonly policy: PutawayPolicy;
}

export interface ReputCommand {
  readonly siteId: string;
  readonly ownerId: string;
  readonly sku: string;
  /** The lot key ('' for none). */
  readonly lot: string;
  readonly locationId: string;
  /** Units the release brought back to AVAILABLE there. */
  readonly released: number;
  /** The RELEASE movement: the new putaway's `receipt_movement_id` (unique: one putaway per release). */
  readonly releaseMovementId: string;
  readonly putawayId: string;
}

export type ReputDecision = { readonly putaway: NewPutaway; readonly events: readonly PublishedEvent[] } | null;

/**
 * A putaway of min(released, available − covered) units from the dock to where the strategy suggests; none when the
 * release was not at a RECEIVING location or OPEN putaways cover every unit there already (a putaway kept while the
 * units were held, or a release heard twice under another id).
 */
export const decideReputReleased: Decide<ReputState, ReputCommand, ReputDecision, never> = (state, cmd) => {
  const dock = state.dock;
  if (dock?.type !== 'RECEIVING') return ok(null);
  const quantity = Math.min(cmd.released, state.available - state.covered);
  if (quantity <= 0) return ok(null);
  const allowed = putawayTargetTypes('AVAILABLE');
  const suggested = state.policy({ sku: cmd.sku, status: 'AVAILABLE', quantity, unit: state.unit, from: dock },
    state.candidates.filter((c) => allowed.includes(c.location.type)));
  const putaway: NewPutaway = {
    id: cmd.putawayId, site_id: cmd.siteId, owner_id: cmd.ownerId, receipt_movement_id: cmd.releaseMovementId, asn_id: null, line_no: null,
    sku: cmd.sku, lot: cmd.lot, stock_status: 'AVAILABLE', quantity, from_location_id: dock.id, suggested_location_id: suggested?.id ?? null,
  };
  const data: PutawayRequested = {
    putawayId: putaway.id, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, lot: fromLotKey(cmd.lot), status: 'AVAILABLE', quantity, asnId: null,
    fromLocationId: dock.id, suggestedLocationId: putaway.suggested_location_id, receiptMovementId: cmd.releaseMovementId,
  };
  return ok({ putaway, events: [{ type: InventoryEvents.putawayRequested, subject: putaway.id, siteId: cmd.siteId, data }] });
};
