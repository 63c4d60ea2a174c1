/** Pure stock rules of the inventory context (stock arithmetic; the database enforces them too: migrations/001_init.sql). */
import type { EnvelopeFor } from '../../../contracts/events.ts';
import { InventoryEvents, type ReturnStatus } from '../../../contracts/inventory.ts';
import { assertNever } from '../../../platform/errors.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/** The balance key cannot hold NULL, so "no lot" is stored as ''. */
export const NO_LOT = '';
export const toLotKey = (lot: string | null | undefined): string => lot ?? NO_LOT;
export const fromLotKey = (lot: string): string | null => (lot === NO_LOT ? null : lot);

/**
 * Picked units leave their location but stay on hand until shipped: they sit on a pseudo-location per order, so the
 * SKU total is unchanged by a pick and a dispatch knows exactly which units to remove.
 */
export const IN_PROCESS_PREFIX = 'IN_PROCESS:';
export const inProcessLocation = (orderId: string): string => `${IN_PROCESS_PREFIX}${orderId}`;
export const isInProcess = (locationId: string): boolean => locationId.startsWith(IN_PROCESS_PREFIX);

/** Movement reason of units picked for an order that was cancelled, put back into stock by a confirmed return. */
export const RETURN_TO_STOCK = 'RETURN_TO_STOCK';

/**
 * A return to stock (units of a cancelled order waiting in its tote): OPEN while units remain, a partial confirm keeps
 * it OPEN, the last units put back make it COMPLETED; a manager cancels an OPEN one whose units left the tote another way.
 */
export const RETURN_TRANSITIONS: Record<ReturnStatus, readonly ReturnStatus[]> = {
  OPEN: ['OPEN', 'COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};
export const returnLifecycle = defineLifecycle('return', RETURN_TRANSITIONS, ['OPEN']);

export const ALLOCATION_STATUSES = ['ALLOCATED', 'BACKORDERED', 'SHIPPED', 'CANCELLED'] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

/**
 * An order line's allocation: allocated or backordered; a backorder is allocated when stock frees up; then shipped or
 * cancelled. An allocated line stays ALLOCATED while a short pick or a partial shipment lowers it, and goes back to
 * BACKORDERED when its wave's release could not reserve it (reservation shortage).
 */
export const ALLOCATION_TRANSITIONS: Record<AllocationStatus, readonly AllocationStatus[]> = {
  ALLOCATED: ['ALLOCATED', 'BACKORDERED', 'SHIPPED', 'CANCELLED'],
  BACKORDERED: ['ALLOCATED', 'CANCELLED'],
  SHIPPED: [],
  CANCELLED: [],
};

export const RESERVATION_STATUSES = ['OPEN', 'PICKED', 'SHORT', 'CANCELLED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** A reservation stays OPEN while units are left to pick; it ends PICKED (all picked), SHORT (some short) or CANCELLED. */
export const RESERVATION_TRANSITIONS: Record<ReservationStatus, readonly ReservationStatus[]> = {
  OPEN: ['OPEN', 'PICKED', 'SHORT', 'CANCELLED'],
  PICKED: [],
  SHORT: [],
  CANCELLED: [],
};

/** The tables the code enforces (platform/lifecycle.ts): a line is claimed BACKORDERED (a tombstone CANCELLED), a reservation made OPEN. */
export const allocationLifecycle = defineLifecycle('allocation', ALLOCATION_TRANSITIONS, ['BACKORDERED', 'CANCELLED']);
export const reservationLifecycle = defineLifecycle('reservation', RESERVATION_TRANSITIONS, ['OPEN']);

export interface ReservationProgress {
  readonly quantity: number;
  readonly picked: number;
  readonly shorted: number;
}

export const openQuantity = (r: ReservationProgress): number => r.quantity - r.picked - r.shorted;

/** Status after picking or shorting: open while units remain, else PICKED when nothing was short. */
export function reservationStatusAfter(r: ReservationProgress): ReservationStatus {
  if (openQuantity(r) > 0) return 'OPEN';
  return r.shorted > 0 ? 'SHORT' : 'PICKED';
}

/** Short reasons that mean the units are not where the system thought: the balance is adjusted down. */
export function shortRemovesStock(reason: 'NOT_FOUND' | 'DAMAGED' | 'OTHER' | 'EXPIRED'): boolean {
  switch (reason) {
    case 'NOT_FOUND':
    case 'DAMAGED':
      return true;
    // EXPIRED: the units are there, past their date; they stay on hand, out of ATP as every expired unit is.
    case 'OTHER':
    case 'EXPIRED':
      return false;
    default: {
      const never: never = reason;
      return never;
    }
  }
}

/** A lot expired before `today` (ISO date) is not allocatable nor reservable; it stays on hand until adjusted. */
export function isExpired(expiresOn: string | null, today: string): boolean {
  return expiresOn !== null && expiresOn < today;
}

/** SKUs of a site whose free stock grew. */
export interface FreedStock {
  readonly siteId: string;
  readonly skus: string[];
  /**
   * Where units arrived: the location of a receipt, adjustment, release, count, return or pickability flip, a move's
   * target; `[]` for a deallocation (SKU-level promises let go, no unit moved anywhere). Absent: not known, anywhere. A
   * short's waiting recovery is retried at the location it was shorted at only when units arrived there (ADR 0024
   * addendum 2026-12-05, second).
   */
  readonly arrivedAt?: readonly string[];
}

/**
 * The SKUs whose free (allocatable) stock at a site an inventory event may have grown: receipts, positive adjustments,
 * deallocations, AVAILABLE units moved from a non-pickable location into a pickable one, returns put back into stock
 * (from a tote, where nobody could promise them), locations that became pickable while holding stock, held units
 * released and counts that found units. Undefined when the event frees nothing. Backordered lines of these SKUs are worth a retry.
 */
type FreeingType =
  | typeof InventoryEvents.received | typeof InventoryEvents.adjusted | typeof InventoryEvents.deallocated
  | typeof InventoryEvents.moved | typeof InventoryEvents.pickabilityChanged | typeof InventoryEvents.returned
  | typeof InventoryEvents.holdReleased | typeof InventoryEvents.countClosed;
/** An inventory event that may free stock, with its payload (`type` narrows `data`). */
export type FreeingEvent = { [T in FreeingType]: { readonly type: T; readonly data: EnvelopeFor<T>['data'] } }[FreeingType];

export function freedStock(event: FreeingEvent): FreedStock | undefined {
  const skusOf = (lines: readonly { sku: string; quantity: number }[]): string[] =>
    [...new Set(lines.filter((l) => l.quantity > 0).map((l) => l.sku))].sort();
  switch (event.type) {
    case InventoryEvents.received: {
      const d = event.data;
      return d.quantity > 0 ? { siteId: d.siteId, skus: [d.sku], arrivedAt: [d.locationId] } : undefined;
    }
    case InventoryEvents.adjusted: {
      const d = event.data;
      return d.delta > 0 ? { siteId: d.siteId, skus: [d.sku], arrivedAt: [d.locationId] } : undefined;
    }
    case InventoryEvents.deallocated: {
      const skus = skusOf(event.data.lines);
      return skus.length > 0 ? { siteId: event.data.siteId, skus, arrivedAt: [] } : undefined;
    }
    case InventoryEvents.moved: {
      const d = event.data;
      return d.status === 'AVAILABLE' && d.quantity > 0 && d.toPickable && !d.fromPickable ? { siteId: d.siteId, skus: [d.sku], arrivedAt: [d.toLocationId] } : undefined;
    }
    case InventoryEvents.returned: {
      const skus = skusOf(event.data.lines);
      const arrivedAt = [...new Set(event.data.lines.filter((l) => l.quantity > 0).map((l) => l.locationId))].sort();
      return skus.length > 0 ? { siteId: event.data.siteId, skus, arrivedAt } : undefined;
    }
    case InventoryEvents.pickabilityChanged: {
      const skus = skusOf(event.data.lines);
      return event.data.pickable && skus.length > 0 ? { siteId: event.data.siteId, skus, arrivedAt: [event.data.locationId] } : undefined;
    }
    case InventoryEvents.holdReleased: {
      const d = event.data;
      return d.quantity > 0 ? { siteId: d.siteId, skus: [d.sku], arrivedAt: [d.locationId] } : undefined;
    }
    case InventoryEvents.countClosed: {
      const d = event.data;
      return d.applied > 0 ? { siteId: d.siteId, skus: [d.sku], arrivedAt: [d.locationId] } : undefined;
    }
    default:
      return assertNever(event, 'stock event');
  }
}

/**
 * What a short waiting for stock may be retried on (ADR 0024 addendum 2026-12-05, second): freed stock, and AVAILABLE
 * units moved into a pickable location from another pickable one. Such a move leaves ATP as it was (no backorder gains
 * from it), but the units are no longer where a short for reason OTHER left them, which its retry does not go back to.
 */
export function recoverableStock(event: FreeingEvent): FreedStock | undefined {
  if (event.type === InventoryEvents.moved) {
    const d = event.data;
    return d.status === 'AVAILABLE' && d.quantity > 0 && d.toPickable ? { siteId: d.siteId, skus: [d.sku], arrivedAt: [d.toLocationId] } : undefined;
  }
  return freedStock(event);
}

/**
 * The SKUs an inventory event that may free stock is about, whatever its sign: what a face waiting for a replenishment
 * source asks again for. Wider than `freedStock`: a count that closed with no variance still lets its location go (a
 * source again), and a move into a reserve location from another one gives that source free units.
 */
export function stockTouched(event: FreeingEvent): FreedStock {
  switch (event.type) {
    case InventoryEvents.received:
    case InventoryEvents.adjusted:
    case InventoryEvents.moved:
    case InventoryEvents.holdReleased:
    case InventoryEvents.countClosed:
      return { siteId: event.data.siteId, skus: [event.data.sku] };
    case InventoryEvents.deallocated:
    case InventoryEvents.returned:
    case InventoryEvents.pickabilityChanged:
      return { siteId: event.data.siteId, skus: [...new Set(event.data.lines.map((l) => l.sku))].sort() };
    default:
      return assertNever(event, 'stock event');
  }
}
