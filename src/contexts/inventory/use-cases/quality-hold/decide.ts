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
export type QualityHoldDecision = ClampedHoldDecision & { readonly placed: PublishedEvent; readonly shortfall: number };

/** What a receipt's other failed inspections answer for already of the inspected units (`receiptAnswered`). */
export interface Answered {
  /** The most a hold of them still HELD, or whose SCRAP / RETURN_TO_VENDOR took its units, was asked to hold. */
  readonly all: number;
  /** The most a RELEASED one said short (QUALITY_HOLD_INCOMPLETE raised for them): the units it held are AVAILABLE again. */
  readonly saidShort: number;
}

/** The hold rules' state, and what the receipt's other failed inspections answer for already (none when absent). */
export type QualityHoldState = HoldState & { readonly answered?: Answered | undefined };

/**
 * Units of one receipt failed by an inspection another failed inspection of that receipt already answers for are not
 * short again (QUALITY_HOLD_INCOMPLETE is raised once for one cause): the shortfall is the inspected units neither held
 * now (with those a released hold said short: other units) nor answered for by a hold that holds, scrapped or returned
 * them.
 */
const unanswered = (quantity: number, held: number, answered: Answered | undefined): number =>
  Math.max(0, quantity - Math.max(held + (answered?.saidShort ?? 0), answered?.all ?? 0));

/**
 * Holds as many of the inspected units as the hold rules allow (`decideClampedHold`); zero when the units left. Units
 * it cannot hold (put away or moved before the inspection failed, reserved for picking, promised to orders) failed
 * their inspection and are still AVAILABLE: the shortfall is said in the event, so orchestration raises
 * QUALITY_HOLD_INCOMPLETE — never silent.
 */
export const decideQualityHold: Decide<QualityHoldState, QualityHoldCommand, QualityHoldDecision, never> = (state, cmd, now) => {
  const clamped = decideClampedHold(state, {
    siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId, lot: cmd.lot ?? undefined, quantity: cmd.quantity,
    status: QUALITY_HOLD_STATUS, reason: cmd.reason, movementId: cmd.movementId,
  }, now, `quality hold ${cmd.inspectionId}`);
  if (!clamped.ok) return clamped;
  const { held } = clamped.value;
  const data: QualityHoldPlaced = {
    inspectionId: cmd.inspectionId, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId, lot: cmd.lot,
    requested: cmd.quantity, held, shortfall: unanswered(cmd.quantity, held, state.answered), movementId: held === 0 ? null : cmd.movementId,
  };
  return ok({ ...clamped.value, shortfall: data.shortfall, placed: { type: InventoryEvents.qualityHoldPlaced, subject: cmd.inspectionId, siteId: cmd.siteId, data } });
};

/** A quality hold as the sharing rules of one receipt's failed inspections read it (ADR 0031 addendum of 2026-12-06). */
export interface ReceiptHold {
  readonly inspectionId: string;
  readonly status: string;
  /** Units it placed on HOLD (0 for a hold sharing another's) and, of them, those that left otherwise (moved away). */
  readonly held: number;
  readonly taken: number;
  readonly requested: number;
  /** The hold whose HOLD units this one shares (null: it carries its own). */
  readonly sharedWith: string | null;
}

/**
 * A failed inspection of a receipt whose units another failed inspection of it still holds there (`carrier`): this
 * hold joins it — no movement; `held` = the units they now hold together. Its shortfall is only what neither holds
 * nor the receipt's other holds answer for (`answered`, at least the carrier's `requested`): the carrier's own
 * shortfall was said by the carrier, and units since moved away from the hold are said by the disposition
 * (QUALITY_HOLD_SHORTFALL), so one cause raises one exception.
 */
export function decideJoinedHold(state: { readonly carrier: ReceiptHold; readonly answered: Answered }, cmd: Omit<QualityHoldCommand, 'movementId'>):
{ readonly event: PublishedEvent; readonly data: QualityHoldPlaced } {
  const held = Math.min(state.carrier.held - state.carrier.taken, cmd.quantity);
  const data: QualityHoldPlaced = {
    inspectionId: cmd.inspectionId, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId, lot: cmd.lot,
    requested: cmd.quantity, held, shortfall: unanswered(cmd.quantity, held, { ...state.answered, all: Math.max(state.answered.all, state.carrier.requested) }), movementId: null,
    sharedWith: state.carrier.inspectionId,
  };
  return { event: { type: InventoryEvents.qualityHoldPlaced, subject: cmd.inspectionId, siteId: cmd.siteId, data }, data };
}

export interface SharedDispositionState {
  /** This inspection's hold, HELD. */
  readonly hold: ReceiptHold;
  readonly key: Omit<BalanceKey, 'status'>;
  /** The hold carrying the units: `hold` itself when it carries them, else its `sharedWith`'s (undefined: not found). */
  readonly carrier: ReceiptHold | undefined;
  /** The HELD holds sharing the carrier's units (this one among them when it shares). */
  readonly sharers: readonly ReceiptHold[];
}

export type SharedDispositionDecision =
  /** Disposed of as a hold of its own (`decideQualityDisposition`), after taking over carrying the units from `takeOverFrom` when set. */
  | { readonly kind: 'OWN'; readonly takeOverFrom: string | null }
  /** Settled with nothing moved: `handOverTo` carries the units on when set; `disposed` says `stillHeldBy` or `disposedBy`. */
  | { readonly kind: 'SETTLED'; readonly status: 'RELEASED' | 'SCRAPPED' | 'RETURNED'; readonly handOverTo: string | null; readonly disposed: PublishedEvent };

const settledStatus = (d: Disposition): 'RELEASED' | 'SCRAPPED' | 'RETURNED' => (d === 'SCRAP' ? 'SCRAPPED' : d === 'RETURN_TO_VENDOR' ? 'RETURNED' : 'RELEASED');

/**
 * The disposition of a hold that shares its units with other failed inspections of the same receipt (ADR 0031
 * addendum of 2026-12-06): the units leave HOLD only when no other of them still holds them.
 * - Units already taken by another's SCRAP / RETURN_TO_VENDOR (its carrier is no longer HELD): settled, nothing left
 *   (`held` 0, `disposedBy`, no shortfall).
 * - Nobody else HELD shares them: disposed of as its own.
 * - RELEASE / REWORK while another still holds them: settled, nothing moves (`stillHeldBy`, no shortfall); a carrier
 *   hands the units over to the first other (`handOverTo`).
 * - SCRAP / RETURN_TO_VENDOR: disposed of as its own, a sharer first taking over carrying them; the others then find
 *   them gone.
 */
export function decideSharedDisposition(state: SharedDispositionState, cmd: { readonly inspectionId: string; readonly disposition: Disposition }): SharedDispositionDecision {
  const { hold, carrier } = state;
  const settled = (handOverTo: string | null, extra: Pick<QualityHoldDisposed, 'held'> & ({ stillHeldBy: string } | { disposedBy: string })): SharedDispositionDecision => {
    const data: QualityHoldDisposed = {
      inspectionId: cmd.inspectionId, siteId: state.key.siteId, ownerId: state.key.ownerId, sku: state.key.sku, locationId: state.key.locationId,
      lot: fromLotKey(state.key.lot), disposition: cmd.disposition, disposed: 0, shortfall: 0, movementId: null, ...extra,
    };
    return { kind: 'SETTLED', status: settledStatus(cmd.disposition), handOverTo,
      disposed: { type: InventoryEvents.qualityHoldDisposed, subject: cmd.inspectionId, siteId: state.key.siteId, data } };
  };
  if (hold.sharedWith !== null && (carrier === undefined || carrier.status !== 'HELD')) return settled(null, { held: 0, disposedBy: hold.sharedWith });
  const carries = hold.sharedWith === null;
  const others = [...(!carries && carrier !== undefined ? [carrier] : []), ...state.sharers.filter((h) => h.inspectionId !== hold.inspectionId && h.status === 'HELD')];
  if (others.length === 0 || carrier === undefined) return { kind: 'OWN', takeOverFrom: null };
  if (cmd.disposition === 'RELEASE' || cmd.disposition === 'REWORK') {
    const next = others[0]!.inspectionId;
    return settled(carries ? next : null, { held: carrier.held - carrier.taken, stillHeldBy: carries ? next : carrier.inspectionId });
  }
  return { kind: 'OWN', takeOverFrom: carries ? null : carrier.inspectionId };
}

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
