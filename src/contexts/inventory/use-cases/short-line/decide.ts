import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type StockAdjusted } from '../../../../contracts/inventory.ts';
import type { LineShorted } from '../../../../contracts/picking.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { deallocatedEvents, reservedBalance, type BalanceKey, type PlannedMovement } from '../../domain/ledger.ts';
import {
  allocationLifecycle, fromLotKey, openQuantity, reservationLifecycle, reservationStatusAfter, shortRemovesStock,
} from '../../domain/stock.ts';
import type { AllocationFacts } from '../allocate-order/decide.ts';
import type { ReservationChange, ReservationFacts } from '../deallocate-order/decide.ts';
import type { AllocationChange, Release } from '../ledger-writes.ts';

export interface ShortState {
  /** The reservation shorted, locked (undefined: no such reservation). */
  readonly reservation: ReservationFacts | undefined;
  /** The allocation of its order line, locked (undefined: none). */
  readonly allocation: AllocationFacts | undefined;
  /** Whether its location is pickable now (projection row FOR SHARE). */
  readonly pickable: boolean;
}

/** The id the ADJUST movement gets when the short removes stock (the adjusted event names it). */
export type ShortCommand = LineShorted & { readonly movementId: string };

export interface ShortDecision {
  readonly unreserve: { readonly key: BalanceKey; readonly quantity: number } | undefined;
  readonly reservationChange: ReservationChange | undefined;
  readonly release: (Release & { readonly change: AllocationChange }) | undefined;
  /** Units adjusted away (NOT_FOUND, DAMAGED): off the balance and the SKU's on-hand, after the release. */
  readonly remove: { readonly key: BalanceKey; readonly quantity: number; readonly unpickable: number } | undefined;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
  readonly units: number;
}

const NOTHING: ShortDecision = { unreserve: undefined, reservationChange: undefined, release: undefined, remove: undefined, movements: [],
  events: [], units: 0 };

/**
 * Short pick: unreserve and deallocate the missing units (never more than the line holds); when they are not there
 * at all, adjust them away with reason SHORT_PICK. Deallocated first, so SKU on-hand may drop by the same amount
 * without going below allocated.
 */
export const decideShort: Decide<ShortState, ShortCommand, ShortDecision, 'NOT_FOUND'> = (state, short) => {
  const r = state.reservation;
  if (r === undefined) return reject('NOT_FOUND', `No reservation ${short.reservationId}`);
  const s = Math.min(short.shortQuantity, openQuantity(r));
  if (r.status !== 'OPEN' || s <= 0) return ok(NOTHING);
  const key = reservedBalance(r);
  const at = { siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, lot: r.lot, reference: r.order_id } as const;
  const movements: PlannedMovement[] = [{ ...at, type: 'UNRESERVE', locationId: r.location_id, deltaReserved: -s,
    reason: `SHORT_${short.reason}` }];
  const status = reservationStatusAfter({ quantity: r.quantity, picked: r.picked, shorted: r.shorted + s });
  reservationLifecycle.assertCan(r.status, status);

  let release: ShortDecision['release'];
  const a = state.allocation;
  const q = a === undefined || a.status !== 'ALLOCATED' ? 0 : Math.min(s, a.allocated);
  if (a !== undefined && q > 0) {
    allocationLifecycle.assertCan(a.status, 'ALLOCATED');
    const change: AllocationChange = { orderId: r.order_id, lineId: r.line_id, allocated: a.allocated - q, shipped: a.shipped,
      status: 'ALLOCATED' };
    release = { siteId: a.site_id, ownerId: a.owner_id, sku: a.sku, quantity: q, change };
    movements.push({ ...at, siteId: a.site_id, ownerId: a.owner_id, sku: a.sku, type: 'DEALLOCATE', locationId: null, lot: '', deltaAllocated: -q,
      reason: 'SHORT_PICK' });
  }
  const events = deallocatedEvents(r.site_id, release === undefined ? [] : [{ orderId: r.order_id, lineId: r.line_id, sku: release.sku,
    quantity: q }]);
  let remove: ShortDecision['remove'];
  if (shortRemovesStock(short.reason)) {
    remove = { key, quantity: s, unpickable: state.pickable ? 0 : -s };
    movements.push({ ...at, id: short.movementId, type: 'ADJUST', locationId: r.location_id, deltaOnHand: -s, reason: 'SHORT_PICK' });
    const data: StockAdjusted = { siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, locationId: r.location_id, lot: fromLotKey(r.lot), delta: -s,
      reason: 'SHORT_PICK', movementId: short.movementId };
    events.push({ type: InventoryEvents.adjusted, subject: r.sku, siteId: r.site_id, data });
  }
  return ok({
    unreserve: { key, quantity: s }, reservationChange: { id: r.id, picked: r.picked, shorted: r.shorted + s, status }, release, remove,
      movements, events, units: s,
  });
};
