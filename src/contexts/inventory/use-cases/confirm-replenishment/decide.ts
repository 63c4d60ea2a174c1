import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type ReplenishmentCancelled, type ReplenishmentCompleted, type StockMoved } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { located, refField, type LocationRefOf } from '../../domain/command-checks.ts';
import { isoDate, type BalanceKey, type PlannedMovement, type SourceBalance } from '../../domain/ledger.ts';
import { REPLENISH, replenishmentLifecycle } from '../../domain/replenishment.ts';
import { fromLotKey, isExpired } from '../../domain/stock.ts';
import { leavesPickable } from '../move-stock/decide.ts';
import type { ReplenishmentRow } from '../../replenishment-store.ts';

export interface ConfirmReplenishmentInput {
  readonly replenishmentId: string;
  /** The location scanned: exactly one of its id and its code; it must be the face the replenishment fills. */
  readonly locationId?: string | undefined;
  readonly locationCode?: string | undefined;
  /** Units brought (default: the replenishment's quantity); fewer when the worker found fewer. */
  readonly quantity?: number | undefined;
  readonly workerId?: string | undefined;
}

export type ConfirmReplenishmentCommand = ConfirmReplenishmentInput & { readonly movementId: string };

export interface ConfirmReplenishmentState {
  /** The replenishment, locked (undefined: none). */
  readonly replenishment: ReplenishmentRow | undefined;
  /** The location scanned, as location-master answered. */
  readonly scanned: Location | undefined;
  /** Pickability of the source and the face (projection rows, FOR SHARE). */
  readonly fromPickable: boolean;
  readonly toPickable: boolean;
  /** An open cycle count holds the source or the face: nothing moves from or to it until counted. */
  readonly fromUnderCount?: boolean | undefined;
  readonly toUnderCount?: boolean | undefined;
  /** The source balance (locked, with the face's, in location order). */
  readonly source: SourceBalance | undefined;
  /**
   * The SKU's row, locked after the balances, when the units go from a pickable source to a location nobody picks from
   * (`leavesPickable`; a face asked for by hand may be any location of the site): what is allocated must stay covered.
   */
  readonly skuStock?: { readonly on_hand_available: number; readonly unpickable: number; readonly allocated: number } | undefined;
}

export interface ConfirmReplenishmentDecision {
  readonly quantity: number;
  readonly from: BalanceKey;
  readonly to: BalanceKey;
  readonly expiresOn: string | null;
  readonly firstReceivedAt: Date;
  /** `sku_stock.unpickable` change (a blocked source emptied into the face: the units join ATP). */
  readonly unpickable: number;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

export type ConfirmReplenishmentRejection =
  | 'NOT_FOUND' | 'VALIDATION_FAILED' | 'UNKNOWN_LOCATION' | 'WRONG_LOCATION' | 'LOCATION_NOT_ACTIVE' | 'ILLEGAL_TRANSITION'
  | 'QUANTITY_EXCEEDS_OPEN' | 'INSUFFICIENT_STOCK' | 'LOCATION_UNDER_COUNT';

export const scannedFace = (input: ConfirmReplenishmentInput): LocationRefOf => ({ name: 'location', id: input.locationId, code: input.locationCode });

/**
 * A worker brought the units to the face and scanned it: an ordinary move (MOVE −q at the source, +q at the face,
 * reason REPLENISH, reference = the replenishment), lot, expiry and first receipt kept. The scan must be the face; only
 * free (unreserved) units at the source move, and never units of a lot that has expired since the request; the
 * replenishment is COMPLETED with what was moved (one trip).
 */
export const decideConfirmReplenishment: Decide<
  ConfirmReplenishmentState, ConfirmReplenishmentCommand, ConfirmReplenishmentDecision, ConfirmReplenishmentRejection
> = (state, input, now) => {
  const r = state.replenishment;
  if (r === undefined) return reject('NOT_FOUND', `No replenishment ${input.replenishmentId}`);
  const ref = scannedFace(input);
  const found = located(r.site_id, ref, state.scanned);
  if (!found.ok) return found;
  const face = found.value;
  if (face.id !== r.to_location_id) {
    return reject('WRONG_LOCATION', `Location ${face.code} is not the face replenishment ${r.id} fills`, [{ field: refField(ref),
      message: 'not the face to replenish' }]);
  }
  if (face.status !== 'ACTIVE') {
    return reject('LOCATION_NOT_ACTIVE', `Location ${face.code} is ${face.status}: nothing is put to it`, [{ field: refField(ref),
      message: `location is ${face.status}` }]);
  }
  const check = replenishmentLifecycle.check(r.status, 'COMPLETED', `Replenishment ${r.id} is ${r.status}`);
  if (!check.ok) return check;
  // A move like any other: a count under way at either end would take the units that arrive or leave meanwhile for a
  // variance (the counting guide: nothing moves from or to a location under count).
  for (const [end, underCount, id] of [['source', state.fromUnderCount, r.from_location_id], ['face', state.toUnderCount, face.code]] as const) {
    if (underCount === true) {
      return reject('LOCATION_UNDER_COUNT', `The ${end} ${id} is under count: the units move once it is counted`, [{ field: refField(ref),
        message: `the ${end} is under count` }]);
    }
  }
  const quantity = input.quantity ?? r.quantity;
  if (!Number.isInteger(quantity) || quantity <= 0) {
    return reject('VALIDATION_FAILED', 'The confirm is not valid', [{ field: '/quantity', message: 'must be a positive integer' }]);
  }
  if (quantity > r.quantity) {
    return reject('QUANTITY_EXCEEDS_OPEN', `Replenishment ${r.id} brings ${r.quantity} unit(s), not ${quantity}`, [{ field: '/quantity',
      message: `more than the ${r.quantity} asked for` }]);
  }
  const src = state.source;
  const free = src === undefined ? 0 : src.on_hand - src.reserved;
  if (src === undefined || free < quantity) {
    // Nothing free there (emptied, held or reserved since the request): a confirm of 0 is not one; the way out is the cancel.
    const next = free === 0 ? 'nothing can be brought from it: a planner cancels the replenishment' : 'confirm what was found';
    return reject('INSUFFICIENT_STOCK', `The source holds ${free} free unit(s) of ${r.sku}, not ${quantity}: ${next}`, [{
      field: '/quantity', message: `more than the ${free} free at the source` }]);
  }
  // The request never takes an expired source (`chooseSource`); a lot that expired since is not brought either: expired
  // units on a pick face fill it to its min with units nobody may pick (they are never allocated), and it asks no more.
  if (isExpired(src.expires_on, isoDate(now))) {
    return reject('INSUFFICIENT_STOCK', `The source's units of ${r.sku} (lot ${fromLotKey(r.lot) ?? 'none'}) expired on ${src.expires_on ?? ''}: nothing that `
      + 'may be picked can be brought from it: a planner cancels the replenishment, and the face asks again from a fresh source', [{
      field: '/quantity', message: 'the source lot has expired' }]);
  }
  // As a move's (move-stock): units leaving the pickable stock never leave fewer pickable units than are allocated.
  const s = state.skuStock;
  if (leavesPickable('AVAILABLE', state.fromPickable, state.toPickable) && s !== undefined && s.on_hand_available - s.unpickable - quantity < s.allocated) {
    return reject('INSUFFICIENT_STOCK', `Bringing ${quantity} ${r.sku} to ${face.code}, where nobody picks, would leave fewer pickable units than are `
      + 'allocated to orders: confirm fewer, or a planner cancels the replenishment', [{ field: '/quantity',
      message: 'more than the pickable units not allocated to orders' }]);
  }
  const from: BalanceKey = { siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, locationId: r.from_location_id, lot: r.lot, status: 'AVAILABLE' };
  const at = { siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, lot: r.lot, reason: REPLENISH, reference: r.id } as const;
  const moved: StockMoved = {
    siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, lot: fromLotKey(r.lot), status: 'AVAILABLE', quantity, fromLocationId: r.from_location_id,
    toLocationId: r.to_location_id, fromPickable: state.fromPickable, toPickable: state.toPickable, movementId: input.movementId,
    purpose: 'REPLENISH',
  };
  const completed: ReplenishmentCompleted = {
    replenishmentId: r.id, siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, lot: fromLotKey(r.lot), fromLocationId: r.from_location_id,
    toLocationId: r.to_location_id, quantity: r.quantity, moved: quantity, workerId: input.workerId ?? null, movementId: input.movementId,
  };
  return ok({
    quantity, from, to: { ...from, locationId: r.to_location_id }, expiresOn: src.expires_on, firstReceivedAt: src.first_received_at,
    unpickable: (state.toPickable ? 0 : quantity) - (state.fromPickable ? 0 : quantity),
    movements: [
      { ...at, id: input.movementId, type: 'MOVE', locationId: r.from_location_id, deltaOnHand: -quantity },
      { ...at, type: 'MOVE', locationId: r.to_location_id, deltaOnHand: quantity },
    ],
    events: [
      { type: InventoryEvents.moved, subject: r.sku, siteId: r.site_id, data: moved },
      { type: InventoryEvents.replenishmentCompleted, subject: r.id, siteId: r.site_id, data: completed },
    ],
  });
};

/** A planner withdraws an open replenishment (the face was refilled another way, the source is gone): its task goes. */
export const decideCancelReplenishment: Decide<
  { readonly replenishment: ReplenishmentRow | undefined }, { readonly replenishmentId: string; readonly reason: string },
  { readonly events: readonly PublishedEvent[] }, 'NOT_FOUND' | 'ILLEGAL_TRANSITION'
> = (state, cmd) => {
  const r = state.replenishment;
  if (r === undefined) return reject('NOT_FOUND', `No replenishment ${cmd.replenishmentId}`);
  const check = replenishmentLifecycle.check(r.status, 'CANCELLED', `Replenishment ${r.id} is ${r.status}`);
  if (!check.ok) return check;
  const data: ReplenishmentCancelled = {
    replenishmentId: r.id, siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, lot: fromLotKey(r.lot), fromLocationId: r.from_location_id,
    toLocationId: r.to_location_id, quantity: r.quantity, reason: cmd.reason,
  };
  return ok({ events: [{ type: InventoryEvents.replenishmentCancelled, subject: r.id, siteId: r.site_id, data }] });
};
