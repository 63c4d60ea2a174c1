import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type StockReturned } from '../../../../contracts/inventory.ts';
import type { LinePicked } from '../../../../contracts/picking.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { reservedBalance, type BalanceKey, type PlannedMovement } from '../../domain/ledger.ts';
import {
  fromLotKey, inProcessLocation, openQuantity, reservationLifecycle, reservationStatusAfter, RETURN_TO_STOCK,
} from '../../domain/stock.ts';
import type { ReservationChange, ReservationFacts } from '../deallocate-order/decide.ts';

export interface PickState {
  /** The reservation picked from, locked (undefined: no such reservation). */
  readonly reservation: ReservationFacts | undefined;
  /** Whether its location is pickable now (projection row FOR SHARE), and the expiry of its balance (locked). */
  readonly sourcePickable: boolean;
  readonly sourceExpiresOn: string | null;
}

export interface PickDecision {
  /** The units leave the location (on-hand and reserved) and land on the order's in-process balance. */
  readonly take: {
    readonly from: BalanceKey; readonly to: BalanceKey; readonly quantity: number; readonly expiresOn: string | null;
  } | undefined;
  /** Units leaving `sku_stock.unpickable`: picked from a location blocked since the reservation. */
  readonly unpickable: number;
  readonly reservationChange: ReservationChange | undefined;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
  readonly units: number;
}

const NOTHING: PickDecision = { take: undefined, unpickable: 0, reservationChange: undefined, movements: [], events: [], units: 0 };

/**
 * PICK of a confirmed line. A reservation cancelled meanwhile (confirmed on the floor before picking heard of the
 * cancel) gets its units back where they came from, recorded as they happened: PICK, then MOVE back; the balances net out.
 */
export const decidePick: Decide<PickState, LinePicked, PickDecision, 'NOT_FOUND' | 'QUANTITY_EXCEEDS_OPEN'> = (state, pick) => {
  const r = state.reservation;
  if (r === undefined) return reject('NOT_FOUND', `No reservation ${pick.reservationId}`);
  const q = pick.quantity;
  if (q <= 0) return ok(NOTHING);
  const inProcess = inProcessLocation(r.order_id);
  const at = { siteId: r.site_id, sku: r.sku, lot: r.lot, reference: r.order_id } as const;
  if (r.status === 'CANCELLED') {
    const back: StockReturned = { orderId: r.order_id, siteId: r.site_id, lines: [{ sku: r.sku, locationId: r.location_id,
      lot: fromLotKey(r.lot), quantity: q }] };
    return ok({
      ...NOTHING,
      movements: [
        { ...at, type: 'PICK', locationId: r.location_id, deltaOnHand: -q },
        { ...at, type: 'PICK', locationId: inProcess, deltaOnHand: q, reason: `tote ${pick.toteId}` },
        { ...at, type: 'MOVE', locationId: inProcess, deltaOnHand: -q, reason: RETURN_TO_STOCK },
        { ...at, type: 'MOVE', locationId: r.location_id, deltaOnHand: q, reason: RETURN_TO_STOCK },
      ],
      events: [{ type: InventoryEvents.returned, subject: r.order_id, siteId: r.site_id, data: back }],
    });
  }
  if (r.status !== 'OPEN' || q > openQuantity(r)) {
    return reject('QUANTITY_EXCEEDS_OPEN', `Pick of ${q} exceeds the ${openQuantity(r)} open on reservation ${r.id} (${r.status})`);
  }
  const status = reservationStatusAfter({ quantity: r.quantity, picked: r.picked + q, shorted: r.shorted });
  reservationLifecycle.assertCan(r.status, status);
  const from = reservedBalance(r);
  return ok({
    take: { from, to: { ...from, locationId: inProcess }, quantity: q, expiresOn: state.sourceExpiresOn },
    unpickable: state.sourcePickable ? 0 : -q,
    reservationChange: { id: r.id, picked: r.picked + q, shorted: r.shorted, status },
    movements: [
      { ...at, type: 'PICK', locationId: r.location_id, deltaOnHand: -q, deltaReserved: -q },
      { ...at, type: 'PICK', locationId: inProcess, deltaOnHand: q, reason: `tote ${pick.toteId}` },
    ],
    events: [],
    units: q,
  });
};
