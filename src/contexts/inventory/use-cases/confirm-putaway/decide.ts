import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type PutawayConfirmed, type PutawayStatus } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { refField, type LocationRefOf } from '../../domain/command-checks.ts';
import { putawayLifecycle, putawayTargetTypes } from '../../domain/inbound.ts';
import { fromLotKey, isInProcess } from '../../domain/stock.ts';
import type { PutawayConfirmationRow, PutawayRow } from '../../inbound-store.ts';
import { decideMove, type MoveDecision, type MoveRejection, type MoveState } from '../move-stock/decide.ts';

/** Movement reason of units put away from the receiving location. */
export const PUTAWAY_REASON = 'PUTAWAY';

export interface ConfirmPutawayInput {
  readonly putawayId: string;
  /** The location scanned: exactly one of its id and its code. */
  readonly locationId?: string | undefined;
  readonly locationCode?: string | undefined;
  /** Units put away (default: every unit still open). */
  readonly quantity?: number | undefined;
  readonly workerId?: string | undefined;
  /** The handheld's id for this scan: a retry with the same scanId and content counts once. */
  readonly scanId?: string | undefined;
}

export type ConfirmPutawayCommand = ConfirmPutawayInput & { readonly movementId: string };

export interface ConfirmPutawayState {
  /** The putaway, locked (undefined: none). */
  readonly putaway: PutawayRow | undefined;
  /** The confirm already recorded under this scanId, if any. */
  readonly earlierScan: PutawayConfirmationRow | undefined;
  /** What a move needs: the product, both locations as location-master answered, their pickability, the source balance locked. */
  readonly move: MoveState;
}

export type ConfirmPutawayDecision = { readonly replay: true } | ({ readonly replay: false } & PutAway);

export interface PutAway {
  /** The move out of the receiving location into the location scanned (its movements typed PUTAWAY). */
  readonly move: MoveDecision;
  readonly putAway: number;
  readonly status: PutawayStatus;
  readonly events: readonly PublishedEvent[];
}

export type ConfirmPutawayRejection =
  | MoveRejection | 'NOT_FOUND' | 'ILLEGAL_TRANSITION' | 'QUANTITY_EXCEEDS_OPEN' | 'SCAN_ID_REUSED' | 'PUTAWAY_TARGET_NOT_ALLOWED';

const scanned = (input: ConfirmPutawayInput): LocationRefOf => ({ name: 'location', id: input.locationId, code: input.locationCode });

/**
 * A worker put received units away and scanned the location: an ordinary move out of the receiving location into the
 * one scanned (the move's rules: ACTIVE target of the site, not the source, enough unreserved units), whatever the
 * suggestion was, as long as it is a location the units' status may go to (storage for good stock, quarantine for
 * damaged or quarantined stock). The movements are PUTAWAY, the event `inventory.stock.moved` (so ATP and backorders
 * follow) and `inventory.stock.putaway-confirmed`. A partial confirm leaves the rest OPEN; a retried scan counts once.
 */
export const decideConfirmPutaway: Decide<ConfirmPutawayState, ConfirmPutawayCommand, ConfirmPutawayDecision, ConfirmPutawayRejection> = (
  state, input, now,
) => {
  const p = state.putaway;
  if (p === undefined) return reject('NOT_FOUND', `No putaway ${input.putawayId}`);
  const ref = scanned(input);
  if (state.earlierScan !== undefined) {
    const e = state.earlierScan;
    const same = (input.quantity === undefined || e.quantity === input.quantity) && e.location_id === state.move.to?.id;
    if (!same) {
      return reject('SCAN_ID_REUSED', `scanId ${input.scanId ?? ''} was used for another confirm of putaway ${p.id}`, [{ field: '/scanId',
        message: 'already used for another confirm of this putaway' }]);
    }
    return ok({ replay: true });
  }
  const code = input.locationId ?? input.locationCode ?? '';
  if (isInProcess(code)) {
    return reject('UNPROCESSABLE', `${code} is an order's tote (in-process stock), not a place in stock`, [{ field: refField(ref),
      message: 'is an in-process location' }]);
  }
  if (p.status !== 'OPEN') return reject('ILLEGAL_TRANSITION', `Putaway ${p.id} is ${p.status}: ${p.status === 'CANCELLED' ? 'it was withdrawn; move the units by hand (POST /inventory/moves)' : 'every unit is put away'}`);
  const open = p.quantity - p.put_away;
  const quantity = input.quantity ?? open;
  if (Number.isInteger(quantity) && quantity > open) {
    return reject('QUANTITY_EXCEEDS_OPEN', `Putaway ${p.id} has ${open} unit(s) still open, not ${quantity}`, [{ field: '/quantity',
      message: `more than the ${open} still open` }]);
  }
  const moved = decideMove(state.move, {
    siteId: p.site_id, ownerId: p.owner_id, sku: p.sku, lot: fromLotKey(p.lot) ?? undefined, status: p.stock_status, quantity, fromLocationId: p.from_location_id,
    toLocationId: input.locationId, toLocationCode: input.locationCode, movementId: input.movementId, purpose: 'PUTAWAY',
  }, now);
  if (!moved.ok) {
    // The move's own rejection (its codes are literal, and tested, in move-stock), with the scanned end's fields renamed:
    // the move calls it `toLocation…`, the putaway's request `location…` (in the fields and in the message).
    const errors = (moved.errors ?? []).map((e) => ({ ...e, field: e.field.replace('/toLocation', '/location') }));
    return { ...moved, message: moved.message.replace(/\btoLocation(Id|Code)\b/g, 'location$1'), errors };
  }
  const m = moved.value;
  const allowed = putawayTargetTypes(p.stock_status);
  if (!allowed.includes(m.to.type)) {
    return reject('PUTAWAY_TARGET_NOT_ALLOWED', `Location ${m.to.code} is ${m.to.type}: ${p.stock_status} units are put away to ${allowed.join(', ')}`,
      [{ field: refField(ref), message: `not a ${allowed.join(' / ')} location` }]);
  }
  const putAway = p.put_away + quantity;
  const status: PutawayStatus = putAway === p.quantity ? 'COMPLETED' : 'OPEN';
  putawayLifecycle.assertCan(p.status, status);
  const data: PutawayConfirmed = {
    putawayId: p.id, siteId: p.site_id, ownerId: p.owner_id, sku: p.sku, lot: fromLotKey(p.lot), status: p.stock_status, quantity, locationId: m.to.id,
    suggestedLocationId: p.suggested_location_id, putAway, remaining: p.quantity - putAway, putawayStatus: status, workerId: input.workerId ?? null,
    movementId: input.movementId, fromLocationId: p.from_location_id,
  };
  const move: MoveDecision = {
    ...m, movements: m.movements.map((mv) => ({ ...mv, type: 'PUTAWAY', reason: PUTAWAY_REASON, reference: p.id })),
  };
  return ok({
    replay: false, move, putAway, status,
    events: [...m.events, { type: InventoryEvents.putawayConfirmed, subject: p.id, siteId: p.site_id, data }],
  });
};

/** The location a confirm scanned, for the handler's lookup. */
export const scannedLocation = scanned;
