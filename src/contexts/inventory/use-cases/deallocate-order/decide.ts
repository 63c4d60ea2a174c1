import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type StockDeallocated } from '../../../../contracts/inventory.ts';
import type { OrderCancelled } from '../../../../contracts/orders.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { ownerOfOrder, reservedBalance, skuThenLine, type BalanceKey, type PlannedMovement } from '../../domain/ledger.ts';
import { requestReturn, unpickableBySku, type NewReturn, type ReturnRequest } from '../../domain/returns.ts';
import { allocationLifecycle, openQuantity, reservationLifecycle, type ReservationStatus } from '../../domain/stock.ts';
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
  readonly tote: readonly { readonly sku: string; readonly lot: string; readonly free: number }[];
  /** Units of the tote its OPEN returns already cover, per SKU and lot (a second delivery must not ask twice). */
  readonly openReturns: readonly { readonly sku: string; readonly lot: string; readonly open: number }[];
}

export type CancelCommand = OrderCancelled & {
  readonly newReturnId: () => string;
  /** The ledger's reason for the movements: ORDER_CANCELLED unless said (ORDER_LINES_CHANGED, ADR 0046). */
  readonly movementReason?: string;
};

export interface CancelDecision {
  readonly releases: readonly Release[];
  readonly allocationChanges: readonly AllocationChange[];
  readonly tombstones: readonly NewAllocation[];
  readonly unreserves: readonly { readonly key: BalanceKey; readonly quantity: number; readonly reservationId: string }[];
  readonly reservationChanges: readonly ReservationChange[];
  /** Returns to stock for the units in the tote, and the units per SKU that leave ATP with them (no allocation covers them now). */
  readonly returns: readonly NewReturn[];
  /** Units per SKU of the order's owner (`ownerId`) leaving ATP with the returns. */
  readonly unpickable: readonly { readonly sku: string; readonly delta: number }[];
  readonly ownerId: string;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

/**
 * Undoes exactly what a cancelled order still holds: its allocations and its open reservations. The units already
 * picked into its tote (packed or not: a package is the tote's units, pack & ship voided it) do not move: each SKU,
 * lot and pick location gets a return to stock (`inventory.stock.return-requested`, a MOVE task) that a worker confirms
 * by scan. Never more than the tote holds beyond its open returns, so a second delivery asks nothing twice. Lines
 * never seen get a CANCELLED tombstone, so a late order-received does not allocate them.
 */
export const decideCancel: Decide<CancelState, CancelCommand, CancelDecision, never> = (state, cancel) => {
  const { orderId, siteId } = cancel;
  // The owner inventory allocated the order for; a cancel before inventory saw the order names it itself.
  const ownerId = state.allocations[0]?.owner_id ?? ownerOfOrder(cancel);
  const movements: PlannedMovement[] = [];
  const releases: Release[] = [];
  const released: StockDeallocated['lines'][number][] = [];
  const allocationChanges: AllocationChange[] = [];
  const bySku = [...state.allocations].sort((a, b) => skuThenLine({ sku: a.sku, line: a.line_id }, { sku: b.sku, line: b.line_id }));
  for (const r of bySku) {
    if (r.status === 'CANCELLED' || r.status === 'SHIPPED') continue;
    if (r.allocated > 0) {
      releases.push({ siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, quantity: r.allocated });
      movements.push({
        type: 'DEALLOCATE', siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, locationId: null, lot: '', deltaAllocated: -r.allocated,
          reason: cancel.movementReason ?? 'ORDER_CANCELLED', reference: orderId,
      });
      released.push({ lineId: r.line_id, sku: r.sku, quantity: r.allocated });
    }
    allocationLifecycle.assertCan(r.status, 'CANCELLED');
    allocationChanges.push({ orderId: r.order_id, lineId: r.line_id, allocated: 0, shipped: r.shipped, status: 'CANCELLED' });
  }
  const known = new Set(state.allocations.map((r) => r.line_id));
  const tombstones: NewAllocation[] = cancel.lines.filter((l) => !known.has(l.lineId)).map((l) => ({
    order_id: orderId, line_id: l.lineId, site_id: siteId, owner_id: ownerId, sku: l.sku, requested: l.quantity, allocated: 0, status: 'CANCELLED',
  }));
  const unreserves: CancelDecision['unreserves'][number][] = [];
  const reservationChanges: ReservationChange[] = [];
  for (const r of state.openReservations) {
    const open = openQuantity(r);
    if (open > 0) {
      unreserves.push({ key: reservedBalance(r), quantity: open, reservationId: r.id });
      movements.push({
        type: 'UNRESERVE', siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, locationId: r.location_id, lot: r.lot, deltaReserved: -open,
          reason: cancel.movementReason ?? 'ORDER_CANCELLED', reference: r.wave_id,
      });
    }
    reservationLifecycle.assertCan(r.status, 'CANCELLED');
    reservationChanges.push({ id: r.id, picked: r.picked, shorted: r.shorted, status: 'CANCELLED' });
  }
  const requests = requestReturns(state, cancel, ownerId);
  const data: StockDeallocated = { orderId, siteId, lines: released };
  const events: PublishedEvent[] = [{ type: InventoryEvents.deallocated, subject: orderId, siteId, data }, ...requests.map((r) => r.event)];
  const returns = requests.map((r) => r.row);
  const unpickable = unpickableBySku(returns.map((r) => ({ sku: r.sku, delta: r.quantity })));
  return ok({ releases, allocationChanges, tombstones, unreserves, reservationChanges, returns, unpickable, ownerId, movements, events });
};

/** One return per SKU, lot and pick location for the tote's units no open return covers yet, in SKU then reservation order. */
function requestReturns(state: CancelState, cancel: CancelCommand, ownerId: string): ReturnRequest[] {
  const { orderId, siteId } = cancel;
  const key = (sku: string, lot: string): string => `${sku}\u0000${lot}`;
  const uncovered = new Map(state.tote.map((b) => [key(b.sku, b.lot), b.free]));
  for (const r of state.openReturns) uncovered.set(key(r.sku, r.lot), (uncovered.get(key(r.sku, r.lot)) ?? 0) - r.open);
  const picked = state.picked.filter((r) => r.picked > 0 && r.site_id === siteId)
    .sort((a, b) => skuThenLine({ sku: a.sku, line: a.id }, { sku: b.sku, line: b.id }));
  const byPlace = new Map<string, { sku: string; lot: string; location: string; quantity: number }>();
  for (const r of picked) {
    const k = key(r.sku, r.lot);
    const q = Math.min(r.picked, uncovered.get(k) ?? 0);
    if (q <= 0) continue;
    uncovered.set(k, (uncovered.get(k) ?? 0) - q);
    const place = `${k}\u0000${r.location_id}`;
    const prev = byPlace.get(place);
    byPlace.set(place, { sku: r.sku, lot: r.lot, location: r.location_id, quantity: (prev?.quantity ?? 0) + q });
  }
  return [...byPlace.values()].map((p) => requestReturn({
    id: cancel.newReturnId(), siteId, ownerId, orderId, sku: p.sku, lot: p.lot, quantity: p.quantity, pickedFrom: p.location,
  }));
}
