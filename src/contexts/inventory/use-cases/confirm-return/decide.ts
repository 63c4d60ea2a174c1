import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type ReturnStatus, type StockReturnConfirmed, type StockReturned } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { located, refField, type LocationRefOf } from '../../domain/command-checks.ts';
import type { BalanceKey, PlannedMovement, SourceBalance } from '../../domain/ledger.ts';
import { fromLotKey, isInProcess, returnLifecycle, RETURN_TO_STOCK } from '../../domain/stock.ts';
import type { ReturnConfirmationRow, ReturnRow } from '../../store.ts';

export interface ConfirmReturnInput {
  readonly returnId: string;
  /** The location scanned: exactly one of its id and its code. */
  readonly locationId?: string | undefined;
  readonly locationCode?: string | undefined;
  /** Units put back (default: every unit still open). */
  readonly quantity?: number | undefined;
  /** Who scanned: the signed-in person's worker id, or the one a key names. */
  readonly workerId?: string | undefined;
  /** The handheld's id for this scan: a retry with the same scanId and content counts once. */
  readonly scanId?: string | undefined;
}

export type ConfirmReturnCommand = ConfirmReturnInput & { readonly movementId: string };

export interface ConfirmReturnState {
  /** The return, locked (undefined: no such return). */
  readonly ret: ReturnRow | undefined;
  /** The location scanned, as location-master answered, and its pickability (projection row FOR SHARE). */
  readonly location: Location | undefined;
  readonly targetPickable: boolean;
  /**
   * An open cycle count holds the location scanned: nothing is put to it until counted (the count's expected quantity is
   * read at its submission, so units put back meanwhile would be taken for a variance and adjusted away). Absent: no.
   */
  readonly targetUnderCount?: boolean | undefined;
  /** The tote's balance of the return's SKU and lot (locked): the units to put back are there. */
  readonly tote: SourceBalance | undefined;
  /** The confirm already recorded under this scanId, if any. */
  readonly earlierScan: ReturnConfirmationRow | undefined;
}

/** What a confirm writes; a retried scan (`replay`) writes nothing and the return is answered as it is. */
export type ConfirmReturnDecision = { readonly replay: true } | ({ readonly replay: false } & ReturnPutBack);

export interface ReturnPutBack {
  readonly quantity: number;
  readonly from: BalanceKey;
  readonly to: BalanceKey;
  readonly expiresOn: string | null;
  readonly firstReceivedAt: Date;
  /** `sku_stock.unpickable` change: the units leave the tote (not promisable) for the location (promisable when pickable). */
  readonly unpickable: number;
  readonly returned: number;
  readonly status: ReturnStatus;
  readonly locationId: string;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

export type ConfirmReturnRejection =
  | 'NOT_FOUND' | 'VALIDATION_FAILED' | 'UNPROCESSABLE' | 'UNKNOWN_LOCATION' | 'LOCATION_NOT_ACTIVE' | 'ILLEGAL_TRANSITION'
  | 'QUANTITY_EXCEEDS_OPEN' | 'SCAN_ID_REUSED' | 'LOCATION_UNDER_COUNT';

export const scannedRef = (input: ConfirmReturnInput): LocationRefOf => ({ name: 'location', id: input.locationId, code: input.locationCode });

/**
 * A worker put units of a return back into stock and scanned the location: MOVE out of the order's tote, MOVE into
 * the location scanned (reason RETURN_TO_STOCK, reference = the return), whatever location the return suggested. The
 * location must be a real, ACTIVE location of the return's site, not under count; no more than the return still has open; a partial
 * confirm leaves the rest OPEN. A retry under the same scanId counts once.
 */
export const decideConfirmReturn: Decide<ConfirmReturnState, ConfirmReturnCommand, ConfirmReturnDecision, ConfirmReturnRejection> = (
  state, input,
) => {
  const r = state.ret;
  if (r === undefined) return reject('NOT_FOUND', `No return ${input.returnId}`);
  const open = r.quantity - r.returned;
  const quantity = input.quantity ?? open;
  const ref = scannedRef(input);
  const scanned = input.locationId ?? input.locationCode ?? '';
  if (state.earlierScan !== undefined) {
    const e = state.earlierScan;
    const same = (input.quantity === undefined || e.quantity === input.quantity) && e.location_id === state.location?.id;
    if (!same) {
      return reject('SCAN_ID_REUSED', `scanId ${input.scanId ?? ''} was used for another confirm of return ${r.id}`, [{ field: '/scanId',
        message: 'already used for another confirm of this return' }]);
    }
    return ok({ replay: true });
  }
  if (isInProcess(scanned)) {
    return reject('UNPROCESSABLE', `${scanned} is an order's tote (in-process stock), not a place in stock`, [{ field: refField(ref),
      message: 'is an in-process location' }]);
  }
  const found = located(r.site_id, ref, state.location);
  if (!found.ok) return found;
  const location = found.value;
  if (location.status !== 'ACTIVE') {
    return reject('LOCATION_NOT_ACTIVE', `Location ${location.code} is ${location.status}: nothing is put to it`, [{ field: refField(ref),
      message: `location is ${location.status}` }]);
  }
  if (state.targetUnderCount === true) {
    return reject('LOCATION_UNDER_COUNT', `Location ${location.code} is under count: nothing is put to it until counted`, [{ field: refField(ref),
      message: 'location is under count' }]);
  }
  if (r.status !== 'OPEN') {
    return reject('ILLEGAL_TRANSITION', `Return ${r.id} is ${r.status}: ${r.status === 'CANCELLED'
      ? 'it was withdrawn and its units written off the tote; units found are added where they are (POST /inventory/adjustments, reason FOUND)'
      : 'every unit is back in stock'}`);
  }
  if (!Number.isInteger(quantity) || quantity <= 0) {
    return reject('VALIDATION_FAILED', 'The confirm is not valid', [{ field: '/quantity', message: 'must be a positive integer' }]);
  }
  if (quantity > open) {
    return reject('QUANTITY_EXCEEDS_OPEN', `Return ${r.id} has ${open} unit(s) still open, not ${quantity}`, [{ field: '/quantity',
      message: `more than the ${open} still open` }]);
  }
  const tote = state.tote;
  if (tote === undefined || tote.on_hand - tote.reserved < quantity) {
    // The tote's units are only ever taken by their returns: fewer than an open return covers is a broken invariant.
    throw new Error(`tote ${r.from_location_id} holds fewer than the ${quantity} ${r.sku} return ${r.id} puts back`);
  }
  const returned = r.returned + quantity;
  const status: 'OPEN' | 'COMPLETED' = returned === r.quantity ? 'COMPLETED' : 'OPEN';
  returnLifecycle.assertCan(r.status, status);
  const from: BalanceKey = { siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, locationId: r.from_location_id, lot: r.lot, status: 'AVAILABLE' };
  const at = { siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, lot: r.lot, reason: RETURN_TO_STOCK, reference: r.id } as const;
  const back: StockReturned = { orderId: r.order_id, siteId: r.site_id, lines: [{ sku: r.sku, locationId: location.id, lot: fromLotKey(r.lot), quantity }] };
  const confirmed: StockReturnConfirmed = {
    returnId: r.id, orderId: r.order_id, siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, lot: fromLotKey(r.lot), quantity, locationId: location.id,
    suggestedLocationId: r.suggested_location_id, returned, remaining: r.quantity - returned, status, workerId: input.workerId ?? null,
    movementId: input.movementId,
  };
  return ok({
    replay: false, quantity, from, to: { ...from, locationId: location.id }, expiresOn: tote.expires_on, firstReceivedAt: tote.first_received_at,
    unpickable: -quantity + (state.targetPickable ? 0 : quantity),
    returned, status, locationId: location.id,
    movements: [
      { ...at, id: input.movementId, type: 'MOVE', locationId: r.from_location_id, deltaOnHand: -quantity },
      { ...at, type: 'MOVE', locationId: location.id, deltaOnHand: quantity },
    ],
    events: [
      { type: InventoryEvents.returned, subject: r.order_id, siteId: r.site_id, data: back },
      { type: InventoryEvents.returnConfirmed, subject: r.id, siteId: r.site_id, data: confirmed },
    ],
  });
};
