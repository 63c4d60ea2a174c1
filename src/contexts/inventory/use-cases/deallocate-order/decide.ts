import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type StockDeallocated, type StockReturned } from '../../../../contracts/inventory.ts';
import type { OrderCancelled } from '../../../../contracts/orders.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { reservedBalance, skuThenLine, type BalanceKey, type PlannedMovement } from '../../domain/ledger.ts';
import {
  allocationLifecycle, fromLotKey, inProcessLocation, openQuantity, reservationLifecycle, RETURN_TO_STOCK, type ReservationStatus,
} from '../../domain/stock.ts';
import type { AllocationFacts, NewAllocation } from '../allocate-order/decide.ts';
import type { AllocationChange, Release } from '../ledger-writes.ts';
import type { NewReservation } from '../reserve-wave/decide.ts';

/** A reservation row as the deciders read it: what reserve-wave wrote, and how far picking got. */
export type ReservationFacts = NewReservation & {
  readonly picked: number;
  readonly shorted: number;
  readonly status: ReservationStatus;
};

export interface ReservationChange {
  readonly id: string;
  readonly picked: number;
  readonly shorted: number;
  readonly status: ReservationStatus;
}

export interface CancelState {
  /** The order's allocation rows and OPEN reservations, locked. */
  readonly allocations: readonly AllocationFacts[];
  readonly openReservations: readonly ReservationFacts[];
  /** Its reservations with picked units, and what its tote (in-process balances, locked) still holds. */
  readonly picked: readonly ReservationFacts[];
  readonly tote: readonly { readonly sku: string; readonly lot: string; readonly free: number; readonly expiresOn: string | null }[];
  /** Pickability of the locations picked units go back to (projection rows FOR SHARE). */
  readonly pickable: ReadonlyMap<string, boolean>;
}

export interface StockReturn {
  readonly tote: BalanceKey;
  readonly target: BalanceKey;
  readonly quantity: number;
  readonly expiresOn: string | null;
  /** Units that join `sku_stock.unpickable`: back at a location blocked since the pick, on hand but not promisable. */
  readonly unpickable: number;
}

export interface CancelDecision {
  readonly releases: readonly Release[];
  readonly allocationChanges: readonly AllocationChange[];
  readonly tombstones: readonly NewAllocation[];
  readonly unreserves: readonly { readonly key: BalanceKey; readonly quantity: number; readonly reservationId: string }[];
  readonly reservationChanges: readonly ReservationChange[];
  readonly returns: readonly StockReturn[];
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

/**
 * Undoes exactly what a cancelled order still holds: its allocations, its open reservations, and the units already
 * picked into its tote, which go back where they were picked from (MOVE, reason RETURN_TO_STOCK), never more than the
 * tote holds, so a second delivery moves nothing. Lines never seen get a CANCELLED tombstone, so a late
 * order-received does not allocate them.
 */
export const decideCancel: Decide<CancelState, OrderCancelled, CancelDecision, never> = (state, cancel) => {
  const { orderId, siteId } = cancel;
  const movements: PlannedMovement[] = [];
  const releases: Release[] = [];
  const released: StockDeallocated['lines'][number][] = [];
  const allocationChanges: AllocationChange[] = [];
  const bySku = [...state.allocations].sort((a, b) => skuThenLine({ sku: a.sku, line: a.line_id }, { sku: b.sku, line: b.line_id }));
  for (const r of bySku) {
    if (r.status === 'CANCELLED' || r.status === 'SHIPPED') continue;
    if (r.allocated > 0) {
      releases.push({ siteId: r.site_id, sku: r.sku, quantity: r.allocated });
      movements.push({
        type: 'DEALLOCATE', siteId: r.site_id, sku: r.sku, locationId: null, lot: '', deltaAllocated: -r.allocated,
          reason: 'ORDER_CANCELLED', reference: orderId,
      });
      released.push({ lineId: r.line_id, sku: r.sku, quantity: r.allocated });
    }
    allocationLifecycle.assertCan(r.status, 'CANCELLED');
    allocationChanges.push({ orderId: r.order_id, lineId: r.line_id, allocated: 0, shipped: r.shipped, status: 'CANCELLED' });
  }
  const known = new Set(state.allocations.map((r) => r.line_id));
  const tombstones: NewAllocation[] = cancel.lines.filter((l) => !known.has(l.lineId)).map((l) => ({
    order_id: orderId, line_id: l.lineId, site_id: siteId, sku: l.sku, requested: l.quantity, allocated: 0, status: 'CANCELLED',
  }));
  const unreserves: CancelDecision['unreserves'][number][] = [];
  const reservationChanges: ReservationChange[] = [];
  for (const r of state.openReservations) {
    const open = openQuantity(r);
    if (open > 0) {
      unreserves.push({ key: reservedBalance(r), quantity: open, reservationId: r.id });
      movements.push({
        type: 'UNRESERVE', siteId: r.site_id, sku: r.sku, locationId: r.location_id, lot: r.lot, deltaReserved: -open,
          reason: 'ORDER_CANCELLED', reference: r.wave_id,
      });
    }
    reservationLifecycle.assertCan(r.status, 'CANCELLED');
    reservationChanges.push({ id: r.id, picked: r.picked, shorted: r.shorted, status: 'CANCELLED' });
  }
  const { returns, lines } = returnPickedUnits(state, cancel, movements);
  const data: StockDeallocated = { orderId, siteId, lines: released };
  const events: PublishedEvent[] = [{ type: InventoryEvents.deallocated, subject: orderId, siteId, data }];
  if (lines.length > 0) {
    const back: StockReturned = { orderId, siteId, lines };
    events.push({ type: InventoryEvents.returned, subject: orderId, siteId, data: back });
  }
  return ok({ releases, allocationChanges, tombstones, unreserves, reservationChanges, returns, movements, events });
};

function returnPickedUnits(
  state: CancelState, cancel: OrderCancelled, movements: PlannedMovement[],
): { returns: StockReturn[]; lines: StockReturned['lines'][number][] } {
  const { orderId, siteId } = cancel;
  const picked = state.picked.filter((r) => r.picked > 0 && r.site_id === siteId)
    .sort((a, b) => skuThenLine({ sku: a.sku, line: a.id }, { sku: b.sku, line: b.id }));
  const inProcess = inProcessLocation(orderId);
  const inTote = new Map(state.tote.map((b) => [`${b.sku}\u0000${b.lot}`, b.free]));
  const expiry = new Map(state.tote.map((b) => [`${b.sku}\u0000${b.lot}`, b.expiresOn]));
  const returns: StockReturn[] = [];
  const lines: StockReturned['lines'][number][] = [];
  for (const r of picked) {
    const k = `${r.sku}\u0000${r.lot}`;
    const q = Math.min(r.picked, inTote.get(k) ?? 0);
    if (q <= 0) continue;
    inTote.set(k, (inTote.get(k) ?? 0) - q);
    const tote: BalanceKey = { siteId, sku: r.sku, locationId: inProcess, lot: r.lot, status: 'AVAILABLE' };
    const pickable = state.pickable.get(r.location_id) ?? true;
    returns.push({ tote, target: { ...tote, locationId: r.location_id }, quantity: q, expiresOn: expiry.get(k) ?? null,
      unpickable: pickable ? 0 : q });
    movements.push(
      { type: 'MOVE', siteId, sku: r.sku, locationId: inProcess, lot: r.lot, deltaOnHand: -q, reason: RETURN_TO_STOCK, reference: orderId },
      { type: 'MOVE', siteId, sku: r.sku, locationId: r.location_id, lot: r.lot, deltaOnHand: q, reason: RETURN_TO_STOCK,
        reference: orderId },
    );
    lines.push({ sku: r.sku, locationId: r.location_id, lot: fromLotKey(r.lot), quantity: q });
  }
  return { returns, lines };
}
