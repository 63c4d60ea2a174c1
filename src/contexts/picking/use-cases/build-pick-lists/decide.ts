import type { PublishedEvent } from '../../../../contracts/events.ts';
import type { Reservation, StockReserved } from '../../../../contracts/inventory.ts';
import { ORDER_PRIORITY } from '../../../../contracts/orders.ts';
import { PickingEvents, type PickListCreated } from '../../../../contracts/picking.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import type { IdGenerator } from '../../../../platform/ids.ts';
import type { PickList, PickListHeader } from '../../domain/pick-list.ts';
import type { PickSequencer } from '../../domain/pick-sequence.ts';

/** What picking's projection knows of a product (catalog.product.created). */
export interface KnownProduct {
  readonly gtin: string | null;
}

/** What picking's projection knows of a location (location-master events). */
export interface KnownLocation {
  readonly code: string;
  readonly pickSequence: number | null;
  readonly x: number;
  readonly y: number;
}

export interface ListingState {
  /** Reservations already on a list (a wave reserved again), or of an order picking knows is cancelled. */
  readonly unlistable: ReadonlySet<string>;
  /** The wave's cart batches, when it was released for batch picking and they arrived first. */
  readonly batches: readonly (readonly string[])[] | undefined;
  readonly priorities: ReadonlyMap<string, number>;
  /** By SKU; a product the projection has not heard of is absent. */
  readonly products: ReadonlyMap<string, KnownProduct>;
  /** By location id; a location the projection has not heard of is absent. */
  readonly locations: ReadonlyMap<string, KnownLocation>;
  readonly sequencer: PickSequencer;
}

export interface BuildPickLists {
  readonly reserved: StockReserved;
  /** Where list and line ids come from (time-ordered ids in the app, a counter in tests). */
  readonly ids: IdGenerator;
}

export interface PickListsBuilt {
  readonly lists: readonly PickList[];
  readonly events: readonly PublishedEvent[];
}

/** The reservations that can become pick lines at all: those with units (the handler loads facts for these only). */
export const openReservations = (reserved: StockReserved): Reservation[] => reserved.reservations.filter((r) => r.quantity > 0);

/**
 * Groups reservations into lists: one per batch that has reservations (its orderIds are the batch's orders that do),
 * in batch order, then one per order outside every batch, in order of first appearance.
 */
export function groupByBatch<R extends { readonly orderId: string }>(
  reservations: readonly R[], batches: readonly (readonly string[])[],
): { orderIds: string[]; reservations: R[] }[] {
  const batchOf = new Map<string, number>();
  batches.forEach((b, i) => {
    for (const o of b) if (!batchOf.has(o)) batchOf.set(o, i);
  });
  const byOrder = new Map<string, R[]>();
  for (const r of reservations) byOrder.set(r.orderId, [...(byOrder.get(r.orderId) ?? []), r]);
  const groups: { orderIds: string[]; reservations: R[] }[] = [];
  for (const [i, b] of batches.entries()) {
    // An order named twice (in two batches, or twice in one) goes with its first mention only.
    const orderIds = [...new Set(b)].filter((o) => byOrder.has(o) && batchOf.get(o) === i);
    if (orderIds.length > 0) groups.push({ orderIds, reservations: orderIds.flatMap((o) => byOrder.get(o) ?? []) });
  }
  for (const [orderId, rs] of byOrder) if (!batchOf.has(orderId)) groups.push({ orderIds: [orderId], reservations: rs });
  return groups;
}

/**
 * Pick lists for a wave's reservations, lines in the sequencer's order (one tour per list). Discrete picking: one list
 * per order. Batch picking: one list per cart batch, holding the lines of all its orders, each line keeping its own
 * order, line and reservation. Reservations of an order in no known batch fall back to a list of their own. A product
 * or location the projections do not know gives a line without GTIN (the SKU is scanned) or without location code
 * and sequence (the location id is scanned, the line goes last).
 */
export const decideBuildPickLists: Decide<ListingState, BuildPickLists, PickListsBuilt, never> = (state, command, now) => {
  const { reserved, ids } = command;
  const fresh = openReservations(reserved).filter((r) => !state.unlistable.has(r.reservationId));
  const lists: PickList[] = [];
  const events: PublishedEvent[] = [];
  const stamp = now.toISOString();
  for (const { orderIds, reservations } of groupByBatch(fresh, state.batches ?? [])) {
    const id = ids.next('pkl');
    const planned = state.sequencer.sequence(reservations.map((r) => {
      const loc = state.locations.get(r.locationId);
      return {
        reservation: r, key: r.reservationId, locationId: r.locationId, locationCode: loc?.code ?? null,
        pickSequence: loc?.pickSequence ?? null, x: loc?.x ?? null, y: loc?.y ?? null,
      };
    }));
    const header: PickListHeader = {
      id, siteId: reserved.siteId, waveId: reserved.waveId, orderIds, status: 'CREATED',
      // The list carries its most urgent order's priority (1 is the most urgent, as on orders).
      priority: Math.min(...orderIds.map((o) => state.priorities.get(o) ?? ORDER_PRIORITY.default)), routeLength: planned.routeLength,
      createdAt: stamp, updatedAt: stamp, completedAt: null,
    };
    lists.push({
      ...header,
      lines: planned.stops.map((s, i) => ({
        id: ids.next('pln'), pickListId: id, seq: i + 1, orderId: s.reservation.orderId, orderLineId: s.reservation.lineId,
        reservationId: s.reservation.reservationId, siteId: reserved.siteId, sku: s.reservation.sku,
        expectedBarcode: state.products.get(s.reservation.sku)?.gtin ?? null, locationId: s.locationId, locationCode: s.locationCode,
        pickSequence: s.pickSequence, lot: s.reservation.lot, quantity: s.reservation.quantity, ownerId: s.reservation.ownerId ?? null,
        ...(s.reservation.expiresOn === undefined ? {} : { expiresOn: s.reservation.expiresOn }),
        picked: 0, shortQuantity: 0, shortReason: null, toteId: null, status: 'PENDING' as const, updatedAt: stamp,
      })),
    });
    const data: PickListCreated = {
      pickListId: id, waveId: header.waveId, siteId: header.siteId, orderIds: header.orderIds, lineCount: planned.stops.length,
      routeLength: header.routeLength, priority: header.priority,
      ...(planned.stops.length === 0 ? {} : { firstLocationId: planned.stops[0]!.locationId, lastLocationId: planned.stops[planned.stops.length - 1]!.locationId }),
    };
    events.push({ type: PickingEvents.listCreated, subject: id, siteId: header.siteId, data });
  }
  return ok({ lists, events });
};
