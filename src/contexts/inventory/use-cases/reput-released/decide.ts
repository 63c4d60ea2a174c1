/**
 * Held units released at a receiving location get a putaway again. Units held at the dock cannot be put away (a
 * putaway moves AVAILABLE units: its confirm is 409 INSUFFICIENT_STOCK), so a manager cancels their putaway; when the
 * hold is released (by hand, a found LPN, an inspection's RELEASE disposition) they would wait at the dock with no
 * putaway and no task, seen only as `unpickable`. The release's event makes a putaway request for the released units
 * no OPEN putaway covers yet, as a receipt does (`inventory.stock.putaway-requested`: tasks queues its PUTAWAY task).
 */
import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type PutawayCancelled, type PutawayReduced, type PutawayRequested } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { putawayTargetTypes } from '../../domain/inbound.ts';
import type { PutawayCandidate, PutawayPolicy } from '../../domain/putaway-policy.ts';
import { fromLotKey } from '../../domain/stock.ts';
import type { NewPutaway, PutawayRow } from '../../inbound-store.ts';

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

/** An OPEN putaway of the released status at the dock, locked: what withdrawing its released units needs. */
export type HeldPutaway = Pick<PutawayRow, 'id' | 'site_id' | 'owner_id' | 'sku' | 'lot' | 'stock_status' | 'quantity' | 'put_away' | 'from_location_id'>;

export interface WithdrawState {
  /** The OPEN putaways of the released status there, locked (id order). */
  readonly putaways: readonly HeldPutaway[];
  /** Units every OPEN putaway of that status there still covers (read under the balance lock). */
  readonly covered: number;
  /** Units of that status left there after the release (on hand − reserved). */
  readonly left: number;
}

export interface WithdrawCommand {
  /** Units the release moved out of the status. */
  readonly released: number;
  readonly releaseMovementId: string;
  /**
   * Why the units left, in the events' reasons (default: released out of the putaways' status, an AVAILABLE putaway
   * covering them). A lost LPN found elsewhere took them off the dock (`lpn-lost` handler).
   */
  readonly why?: string;
}

/**
 * A putaway reduced to `quantity` (still OPEN, `inventory.stock.putaway-reduced`), or cancelled with its
 * `inventory.stock.putaway-cancelled` (task withdrawn).
 */
export interface WithdrawStep {
  readonly putawayId: string;
  readonly kind: 'REDUCE' | 'CANCEL';
  readonly quantity: number;
  readonly event: PublishedEvent;
}

/**
 * Held units released at the dock leave the status their putaway was for (a QUARANTINE receipt's putaway, its units
 * released to AVAILABLE): it could never be confirmed (409 INSUFFICIENT_STOCK) and its task would wait for a manager.
 * The putaways of that status give up the units the status no longer has there — min(released, covered − left) — newest
 * first: one covering only those is cancelled (its task withdrawn, `putAway` kept), one covering more is reduced. The
 * released units are then covered by an AVAILABLE putaway (`decideReputReleased`), so exactly one OPEN putaway covers them.
 */
export function decideWithdrawReleased(state: WithdrawState, cmd: WithdrawCommand): WithdrawStep[] {
  let excess = Math.min(cmd.released, state.covered - state.left);
  const steps: WithdrawStep[] = [];
  for (const p of [...state.putaways].sort((a, b) => (a.id < b.id ? 1 : -1))) {
    if (excess <= 0) break;
    const open = p.quantity - p.put_away;
    if (open <= 0) continue;
    if (open <= excess) {
      const data: PutawayCancelled = {
        putawayId: p.id, siteId: p.site_id, ownerId: p.owner_id, sku: p.sku, lot: fromLotKey(p.lot), status: p.stock_status,
        fromLocationId: p.from_location_id, putAway: p.put_away, remaining: open,
        reason: cmd.why ?? `units released out of ${p.stock_status} at the receiving location (hold release ${cmd.releaseMovementId}): an AVAILABLE putaway covers them`,
      };
      steps.push({ putawayId: p.id, kind: 'CANCEL', quantity: p.quantity, event: { type: InventoryEvents.putawayCancelled, subject: p.id, siteId: p.site_id, data } });
      excess -= open;
    } else {
      const quantity = p.quantity - excess;
      const data: PutawayReduced = {
        putawayId: p.id, siteId: p.site_id, ownerId: p.owner_id, sku: p.sku, lot: fromLotKey(p.lot), status: p.stock_status,
        fromLocationId: p.from_location_id, previousQuantity: p.quantity, quantity, putAway: p.put_away, remaining: quantity - p.put_away,
        reason: `${excess} units ${cmd.why ?? `released out of ${p.stock_status} at the receiving location (hold release ${cmd.releaseMovementId}): an AVAILABLE putaway covers them`}`,
        movementId: cmd.releaseMovementId,
      };
      steps.push({ putawayId: p.id, kind: 'REDUCE', quantity, event: { type: InventoryEvents.putawayReduced, subject: p.id, siteId: p.site_id, data } });
      excess = 0;
    }
  }
  return steps;
}
