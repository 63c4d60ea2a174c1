import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type StockReturned } from '../../../../contracts/inventory.ts';
import type { LinePicked } from '../../../../contracts/picking.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { reservedBalance, type BalanceKey, type PlannedMovement } from '../../domain/ledger.ts';
import {
  fromLotKey, inProcessLocation, openQuantity, reservationLifecycle, reservationStatusAfter, RETURN_TO_STOCK,
} from '../../domain/stock.ts';
import { requestReturn, type ReturnRequest } from '../../domain/returns.ts';
import type { ReservationChange, ReservationFacts } from '../deallocate-order/decide.ts';

export interface PickState {
  /** The reservation picked from, locked (undefined: no such reservation). */
  readonly reservation: ReservationFacts | undefined;
  /** Whether its location is pickable now (projection row FOR SHARE), and the expiry of its balance (locked). */
  readonly sourcePickable: boolean;
  readonly sourceExpiresOn: string | null;
  /** Unreserved units of the source balance (locked): what a pick for a cancelled reservation can take from it. */
  readonly sourceFree: number;
  /**
   * Units that may leave the source's AVAILABLE on-hand without leaving the SKU's allocations uncovered (`unpromisedAt`,
   * less what earlier picks of the run kept): what a pick for a cancelled reservation may keep in the tote. Read only
   * for a cancelled reservation; `Infinity` where the source covers no allocation (a dock, a pack station).
   */
  readonly sourceUnpromised: number;
}

export type PickCommand = LinePicked & { readonly newReturnId: () => string };

export interface PickDecision {
  /** The units leave the location (on-hand and reserved) and land on the order's in-process balance. */
  readonly take: {
    readonly from: BalanceKey; readonly to: BalanceKey; readonly quantity: number; readonly expiresOn: string | null;
    /** Reserved units the pick consumes at the source: all of them for an open reservation, none for a cancelled one. */
    readonly reserved: number;
  } | undefined;
  /** Units leaving `sku_stock.unpickable`: picked from a location blocked since the reservation. */
  readonly unpickable: number;
  readonly reservationChange: ReservationChange | undefined;
  /** A pick for a cancelled order: the units it took wait in the tote for their return to stock. */
  readonly returnRequest: ReturnRequest | undefined;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
  readonly units: number;
}

const NOTHING: PickDecision = {
  take: undefined, unpickable: 0, reservationChange: undefined, returnRequest: undefined, movements: [], events: [], units: 0,
};

/**
 * PICK of a confirmed line. A reservation cancelled meanwhile (confirmed on the floor before picking heard of the
 * cancel) is recorded as the PICK it was, into the order's tote, and gets a return to stock like the units picked
 * before the cancel: they wait in the tote until a worker puts them back by scan. Units the location cannot give are
 * recorded as put straight back (PICK then MOVE, reason RETURN_TO_STOCK): those other reservations took since the cancel
 * (the location's record still owes them to those reservations), and those other orders were promised since (a
 * backorder retried on the units the cancel freed): kept in the tote they would leave those orders' allocations
 * without pickable units to cover them (issue 11: nothing is allocated beyond the pickable AVAILABLE on-hand).
 */
export const decidePick: Decide<PickState, PickCommand, PickDecision, 'NOT_FOUND' | 'QUANTITY_EXCEEDS_OPEN'> = (state, pick) => {
  const r = state.reservation;
  if (r === undefined) return reject('NOT_FOUND', `No reservation ${pick.reservationId}`);
  const q = pick.quantity;
  if (q <= 0) return ok(NOTHING);
  const inProcess = inProcessLocation(r.order_id);
  const at = { siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, lot: r.lot, reference: r.order_id } as const;
  if (r.status === 'CANCELLED') {
    const taken = Math.max(0, Math.min(q, state.sourceFree, state.sourceUnpromised));
    const rest = q - taken;
    const from = reservedBalance(r);
    const movements: PlannedMovement[] = [
      { ...at, type: 'PICK', locationId: r.location_id, deltaOnHand: -q },
      { ...at, type: 'PICK', locationId: inProcess, deltaOnHand: q, reason: `tote ${pick.toteId}` },
    ];
    const events: PublishedEvent[] = [];
    if (rest > 0) {
      movements.push(
        { ...at, type: 'MOVE', locationId: inProcess, deltaOnHand: -rest, reason: RETURN_TO_STOCK },
        { ...at, type: 'MOVE', locationId: r.location_id, deltaOnHand: rest, reason: RETURN_TO_STOCK },
      );
      const back: StockReturned = { orderId: r.order_id, siteId: r.site_id, lines: [{ sku: r.sku, locationId: r.location_id,
        lot: fromLotKey(r.lot), quantity: rest }] };
      events.push({ type: InventoryEvents.returned, subject: r.order_id, siteId: r.site_id, data: back });
    }
    const returnRequest = taken > 0
      ? requestReturn({ id: pick.newReturnId(), siteId: r.site_id, ownerId: r.owner_id, orderId: r.order_id, sku: r.sku, lot: r.lot, quantity: taken,
        pickedFrom: r.location_id })
      : undefined;
    if (returnRequest !== undefined) events.push(returnRequest.event);
    return ok({
      ...NOTHING,
      take: taken > 0 ? { from, to: { ...from, locationId: inProcess }, quantity: taken, expiresOn: state.sourceExpiresOn, reserved: 0 } : undefined,
      // Out of the source (unpickable there or not), into the tote where no allocation covers them: not promisable.
      unpickable: state.sourcePickable ? taken : 0,
      returnRequest,
      movements,
      events,
    });
  }
  if (r.status !== 'OPEN' || q > openQuantity(r)) {
    return reject('QUANTITY_EXCEEDS_OPEN', `Pick of ${q} exceeds the ${openQuantity(r)} open on reservation ${r.id} (${r.status})`);
  }
  const status = reservationStatusAfter({ quantity: r.quantity, picked: r.picked + q, shorted: r.shorted });
  reservationLifecycle.assertCan(r.status, status);
  const from = reservedBalance(r);
  return ok({
    take: { from, to: { ...from, locationId: inProcess }, quantity: q, expiresOn: state.sourceExpiresOn, reserved: q },
    unpickable: state.sourcePickable ? 0 : -q,
    reservationChange: { id: r.id, picked: r.picked + q, shorted: r.shorted, status },
    returnRequest: undefined,
    movements: [
      { ...at, type: 'PICK', locationId: r.location_id, deltaOnHand: -q, deltaReserved: -q },
      { ...at, type: 'PICK', locationId: inProcess, deltaOnHand: q, reason: `tote ${pick.toteId}` },
    ],
    events: [],
    units: q,
  });
};
