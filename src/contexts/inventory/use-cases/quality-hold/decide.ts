/**
 * Quality holds (issue 13, ADR 0031): a failed inspection puts the received units on HOLD through the hold use case,
 * and its disposition releases them through the release use case or takes them out of stock (ADJUST out of HOLD, as a
 * scrapped RMA unit leaves QUARANTINE). Driven by quality's events, so the quantities are clamped rather than refused:
 * an event cannot be answered with a 4xx.
 */
import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type QualityHoldDisposed, type QualityHoldPlaced } from '../../../../contracts/inventory.ts';
import type { Disposition } from '../../../../contracts/quality.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { assertNever, ok } from '../../../../platform/errors.ts';
import type { BalanceKey, PlannedMovement } from '../../domain/ledger.ts';
import { decideClampedHold, type ClampedHoldDecision, type HoldState } from '../hold-stock/decide.ts';
import { decideRelease, type ReleaseDecision } from '../release-hold/decide.ts';
import { fromLotKey } from '../../domain/stock.ts';

export const QUALITY_HOLD_STATUS = 'HOLD' as const;

export interface QualityHoldCommand {
  readonly inspectionId: string;
  readonly siteId: string;
  /** The units' owner (ADR 0028): the inspected receipt's. */
  readonly ownerId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly quantity: number;
  readonly reason: string;
  readonly movementId: string;
  /** The receipt the units came in with (quality's `receiptRef`): failed inspections of one receipt share one hold; null: none said. */
  readonly receiptRef?: string | null | undefined;
}

/**
 * What the hold puts on HOLD: the decided status change, or nothing when no unit there may be held; and
 * `inventory.quality-hold.placed`, which says how many of the inspected units it could not hold.
 */
export type QualityHoldDecision = ClampedHoldDecision & { readonly placed: PublishedEvent };

/**
 * Holds as many of the inspected units as the hold rules allow (`decideClampedHold`); zero when the units left. Units
 * it cannot hold (put away or moved before the inspection failed, reserved for picking, promised to orders) failed
 * their inspection and are still AVAILABLE: the shortfall is said in the event, so orchestration raises
 * QUALITY_HOLD_INCOMPLETE — never silent.
 */
export const decideQualityHold: Decide<HoldState, QualityHoldCommand, QualityHoldDecision, never> = (state, cmd, now) => {
  const clamped = decideClampedHold(state, {
    siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId, lot: cmd.lot ?? undefined, quantity: cmd.quantity,
    status: QUALITY_HOLD_STATUS, reason: cmd.reason, movementId: cmd.movementId,
  }, now, `quality hold ${cmd.inspectionId}`);
  if (!clamped.ok) return clamped;
  const { held } = clamped.value;
  const data: QualityHoldPlaced = {
    inspectionId: cmd.inspectionId, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId, lot: cmd.lot,
    requested: cmd.quantity, held, shortfall: cmd.quantity - held, movementId: held === 0 ? null : cmd.movementId,
  };
  return ok({ ...clamped.value, placed: { type: InventoryEvents.qualityHoldPlaced, subject: cmd.inspectionId, siteId: cmd.siteId, data } });
};

export interface QualityDispositionState {
  /** The hold this inspection placed (undefined: never heard of, e.g. its event is not here yet). */
  readonly hold: {
    readonly status: string; readonly held: number;
    /** Of `held`, the units that left the hold otherwise (moved away past the units held by hand): no longer its own (absent: 0). */
    readonly taken?: number | undefined;
    readonly key: Omit<BalanceKey, 'status'>;
  } | undefined;
  /** The HOLD balance there, locked. */
  readonly heldBalance: { readonly on_hand: number } | undefined;
  /**
   * HOLD units there other holds account for: other open inspections' and LPNs lost there (not on the shelf). A
   * disposition never takes them, so a shortfall is this inspection's to report, not theirs to find later (0 when absent).
   */
  readonly heldByOthers?: number | undefined;
  readonly location: HoldState['location'];
  readonly pickable: boolean;
}

export interface QualityDispositionCommand {
  readonly inspectionId: string;
  readonly disposition: Disposition;
  readonly movementId: string;
}

export type QualityDispositionDecision =
  | { readonly kind: 'NONE' }
  | { readonly kind: 'RELEASE'; readonly status: 'RELEASED'; readonly quantity: number; readonly change: ReleaseDecision | null; readonly disposed: PublishedEvent }
  | {
    readonly kind: 'REMOVE'; readonly status: 'SCRAPPED' | 'RETURNED'; readonly quantity: number; readonly key: BalanceKey; readonly movements: readonly PlannedMovement[];
    readonly disposed: PublishedEvent;
  };

/**
 * `inventory.quality-hold.disposed`: what the disposition found of the units the hold placed. A shortfall (units moved,
 * counted or adjusted away meanwhile) is said there, so orchestration raises QUALITY_HOLD_SHORTFALL: never silent.
 */
function disposedEvent(h: NonNullable<QualityDispositionState['hold']>, cmd: QualityDispositionCommand, quantity: number, movementId: string | null): PublishedEvent {
  const data: QualityHoldDisposed = {
    inspectionId: cmd.inspectionId, siteId: h.key.siteId, ownerId: h.key.ownerId, sku: h.key.sku, locationId: h.key.locationId, lot: fromLotKey(h.key.lot),
    disposition: cmd.disposition, held: h.held, disposed: quantity, shortfall: h.held - quantity, movementId,
  };
  return { type: InventoryEvents.qualityHoldDisposed, subject: cmd.inspectionId, siteId: h.key.siteId, data };
}

/**
 * RELEASE and REWORK put the held units back to AVAILABLE (RELEASE movements; at a pickable location they are promised
 * again); SCRAP and RETURN_TO_VENDOR take them out of stock (ADJUST out of HOLD, reason SCRAP / RTV). Only units the
 * hold still owns (`held - taken`: units held by hand there since are not its own) and still held there count (moved,
 * counted or adjusted away meanwhile: the shortfall is published, `disposedEvent`); a hold already disposed of, or never
 * placed, is left alone.
 */
export const decideQualityDisposition: Decide<QualityDispositionState, QualityDispositionCommand, QualityDispositionDecision, never> = (state, cmd, now) => {
  const h = state.hold;
  if (h === undefined || h.status !== 'HELD') return ok({ kind: 'NONE' });
  const quantity = Math.max(0, Math.min(h.held - (h.taken ?? 0), (state.heldBalance?.on_hand ?? 0) - (state.heldByOthers ?? 0)));
  const reason = `QUALITY ${cmd.disposition} ${cmd.inspectionId}`;
  switch (cmd.disposition) {
    case 'RELEASE':
    case 'REWORK': {
      if (quantity === 0) return ok({ kind: 'RELEASE', status: 'RELEASED', quantity, change: null, disposed: disposedEvent(h, cmd, 0, null) });
      const release = decideRelease({ product: { sku: h.key.sku }, location: state.location, pickable: state.pickable, balance: state.heldBalance }, {
        siteId: h.key.siteId, ownerId: h.key.ownerId, sku: h.key.sku, locationId: h.key.locationId, lot: h.key.lot, quantity, fromStatus: QUALITY_HOLD_STATUS, reason,
        movementId: cmd.movementId,
      }, now);
      if (!release.ok) throw new Error(`quality release ${cmd.inspectionId}: ${release.code} ${release.message}`);
      return ok({ kind: 'RELEASE', status: 'RELEASED', quantity, change: release.value, disposed: disposedEvent(h, cmd, quantity, cmd.movementId) });
    }
    case 'SCRAP':
    case 'RETURN_TO_VENDOR': {
      const key: BalanceKey = { ...h.key, status: QUALITY_HOLD_STATUS };
      const movements: PlannedMovement[] = quantity === 0 ? [] : [{
        id: cmd.movementId, type: 'ADJUST', siteId: key.siteId, ownerId: key.ownerId, sku: key.sku, locationId: key.locationId, lot: key.lot, status: QUALITY_HOLD_STATUS,
        deltaOnHand: -quantity, reason: cmd.disposition === 'SCRAP' ? 'SCRAP' : 'RTV', reference: cmd.inspectionId,
      }];
      return ok({
        kind: 'REMOVE', status: cmd.disposition === 'SCRAP' ? 'SCRAPPED' : 'RETURNED', quantity, key, movements,
        disposed: disposedEvent(h, cmd, quantity, quantity === 0 ? null : cmd.movementId),
      });
    }
    default:
      return assertNever(cmd.disposition, 'disposition');
  }
};
