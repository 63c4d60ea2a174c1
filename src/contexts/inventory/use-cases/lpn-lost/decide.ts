/**
 * Lost LPNs (ADR 0029 addendum): `physical-tracking.lpn.lost` puts the units the LPN held at its last location on HOLD
 * through the hold use case (reason `LPN_LOST <lpnId>`), so ATP, allocation and wave reservation leave them alone;
 * `physical-tracking.lpn.found` moves exactly the units held to where it was found (MOVE movements, status HOLD) and
 * releases them there (RELEASE movements). Driven by events, so quantities are clamped rather than refused.
 */
import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type LpnHoldPlaced, type StockMoved } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import type { BalanceKey, PlannedMovement } from '../../domain/ledger.ts';
import { fromLotKey } from '../../domain/stock.ts';
import { decideClampedHold, type ClampedHoldDecision, type HoldState } from '../hold-stock/decide.ts';
import { decideRelease, type ReleaseDecision } from '../release-hold/decide.ts';

export const LPN_LOST_STATUS = 'HOLD' as const;

export interface LpnLostHoldCommand {
  readonly lpnId: string;
  /** The `physical-tracking.lpn.lost` event answered. */
  readonly lossEventId: string;
  readonly siteId: string;
  readonly ownerId: string;
  readonly sku: string;
  readonly locationId: string;
  /** The lot key ('' for none). */
  readonly lot: string;
  readonly quantity: number;
  readonly movementId: string;
}

/**
 * What the loss puts on HOLD (or nothing), and `inventory.lpn-hold.placed`, which says how many of the LPN's units it
 * could not hold: orchestration raises LPN_HOLD_INCOMPLETE for a shortfall, never silent.
 */
export type LpnLostHoldDecision = ClampedHoldDecision & { readonly placed: PublishedEvent };

/**
 * Holds as many of the lost LPN's units as the hold rules allow (`decideClampedHold`): reserved units keep their
 * picker (the short pick, NOT_FOUND, settles them), promised ones their order (a wave reserves other stock or shorts).
 * Units it cannot hold (not on the books there any more, reserved, promised) stay AVAILABLE: said in the event.
 */
export const decideLpnLostHold: Decide<HoldState, LpnLostHoldCommand, LpnLostHoldDecision, never> = (state, cmd, now) => {
  const clamped = decideClampedHold(state, {
    siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId, lot: fromLotKey(cmd.lot) ?? undefined, quantity: cmd.quantity,
    status: LPN_LOST_STATUS, reason: `LPN_LOST ${cmd.lpnId}`, movementId: cmd.movementId,
  }, now, `lost LPN ${cmd.lpnId}`);
  if (!clamped.ok) return clamped;
  const { held } = clamped.value;
  const data: LpnHoldPlaced = {
    lpnId: cmd.lpnId, lossEventId: cmd.lossEventId, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId,
    lot: fromLotKey(cmd.lot), requested: cmd.quantity, held, shortfall: cmd.quantity - held, movementId: held === 0 ? null : cmd.movementId,
  };
  return ok({ ...clamped.value, placed: { type: InventoryEvents.lpnHoldPlaced, subject: cmd.lpnId, siteId: cmd.siteId, data } });
};

export interface LpnFoundState {
  /** What the loss held, and where. */
  readonly hold: { readonly lpnId: string; readonly held: number; readonly key: Omit<BalanceKey, 'status'> };
  /** The HOLD balance where it was lost, locked (a count may have found fewer since). */
  readonly heldThere: { readonly on_hand: number; readonly expires_on: string | null; readonly first_received_at: Date } | undefined;
  /** The HOLD balance where it was found, locked (undefined: none yet, or the same place). */
  readonly heldHere: { readonly on_hand: number } | undefined;
  /** HOLD units where it was lost that open quality inspections own (ADR 0031): never the LPN's to take (absent: 0). */
  readonly heldByInspections?: number | undefined;
  readonly fromPickable: boolean;
  readonly toPickable: boolean;
}

export interface LpnFoundCommand {
  readonly locationId: string;
  readonly moveId: string;
  readonly releaseId: string;
}

export interface LpnFoundDecision {
  /** Units released where it was found (moved there first when it was lost elsewhere). */
  readonly quantity: number;
  readonly move: { readonly fromKey: BalanceKey; readonly toKey: BalanceKey; readonly movements: readonly PlannedMovement[]; readonly events: readonly PublishedEvent[] } | null;
  readonly release: ReleaseDecision | null;
}

/**
 * The held units (no more than are still on HOLD there and no open inspection owns) follow the LPN to where it was found — two MOVE movements of
 * status HOLD, `inventory.stock.moved` with purpose LPN_FOUND — and are released there to AVAILABLE (at a pickable
 * location they are promised again, and backorders are retried on `inventory.stock.hold-released`).
 */
export const decideLpnFound: Decide<LpnFoundState, LpnFoundCommand, LpnFoundDecision, never> = (state, cmd, now) => {
  const h = state.hold;
  const quantity = Math.max(0, Math.min(h.held, (state.heldThere?.on_hand ?? 0) - (state.heldByInspections ?? 0)));
  if (quantity === 0) return ok({ quantity: 0, move: null, release: null });
  const same = h.key.locationId === cmd.locationId;
  const fromKey: BalanceKey = { ...h.key, status: LPN_LOST_STATUS };
  const toKey: BalanceKey = { ...fromKey, locationId: cmd.locationId };
  const reason = `LPN_FOUND ${h.lpnId}`;
  let move: LpnFoundDecision['move'] = null;
  if (!same) {
    const { siteId, ownerId, sku, lot } = fromKey;
    const data: StockMoved = {
      siteId, ownerId, sku, lot: fromLotKey(lot), status: LPN_LOST_STATUS, quantity, fromLocationId: h.key.locationId, toLocationId: cmd.locationId,
      fromPickable: state.fromPickable, toPickable: state.toPickable, movementId: cmd.moveId, purpose: 'LPN_FOUND',
    };
    move = {
      fromKey, toKey,
      movements: [
        { id: cmd.moveId, type: 'MOVE', siteId, ownerId, sku, locationId: h.key.locationId, lot, status: LPN_LOST_STATUS, deltaOnHand: -quantity, reason, reference: cmd.moveId },
        { type: 'MOVE', siteId, ownerId, sku, locationId: cmd.locationId, lot, status: LPN_LOST_STATUS, deltaOnHand: quantity, reason, reference: cmd.moveId },
      ],
      events: [{ type: InventoryEvents.moved, subject: sku, siteId, data }],
    };
  }
  const heldAtTarget = (same ? state.heldThere?.on_hand ?? 0 : (state.heldHere?.on_hand ?? 0) + quantity);
  const release = decideRelease({
    product: { sku: h.key.sku }, location: { id: cmd.locationId, siteId: h.key.siteId, code: cmd.locationId }, pickable: state.toPickable,
    balance: { on_hand: heldAtTarget },
  }, {
    siteId: h.key.siteId, ownerId: h.key.ownerId, sku: h.key.sku, locationId: cmd.locationId, lot: fromLotKey(h.key.lot) ?? undefined, quantity,
    fromStatus: LPN_LOST_STATUS, reason, movementId: cmd.releaseId,
  }, now);
  if (!release.ok) throw new Error(`found LPN ${h.lpnId}: ${release.code} ${release.message}`);
  return ok({ quantity, move, release: release.value });
};
