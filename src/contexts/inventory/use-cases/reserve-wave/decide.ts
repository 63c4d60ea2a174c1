import type { PublishedEvent } from '../../../../contracts/events.ts';
import { DEFAULT_OWNER_ID, InventoryEvents, type AllocationLine, type Reservation, type StockReserved } from '../../../../contracts/inventory.ts';
import type { LocationStatus, LocationType } from '../../../../contracts/location-master.ts';
import type { WaveReleased } from '../../../../contracts/waves.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import {
  deallocatedEvents, isoDate, skuThenLine, stockKey, type BalanceKey, type DeallocatedLine, type PlannedMovement,
} from '../../domain/ledger.ts';
import { isPickable } from '../../domain/pickability.ts';
import type { ReservationCandidate } from '../../domain/reservation-policy.ts';
import { allocationLifecycle, fromLotKey, isExpired } from '../../domain/stock.ts';
import { planWaveReservations, type SkuSupply, type WaveLine } from '../../domain/wave-reservation.ts';
import type { AllocationFacts } from '../allocate-order/decide.ts';
import type { AllocationChange, Release } from '../ledger-writes.ts';

/** A location as inventory's projection knows it; type and status are null while not learned. */
export interface LocationFacts {
  readonly site_id: string;
  readonly type: LocationType | null;
  readonly status: LocationStatus | null;
  readonly pick_sequence: number | null;
}

export interface FreeBalance {
  readonly location_id: string;
  readonly lot: string;
  readonly on_hand: number;
  readonly reserved: number;
  readonly expires_on: string | null;
  readonly first_received_at: Date;
}

export interface ReserveState {
  /** The wave's orders' allocation rows, locked. */
  readonly allocations: readonly AllocationFacts[];
  /** Per owner and SKU (`stockKey`), the free AVAILABLE balances, locked in key order. */
  readonly balances: ReadonlyMap<string, readonly FreeBalance[]>;
  /** The projection rows of those balances' locations (absent: inventory never heard of the location). */
  readonly locations: ReadonlyMap<string, LocationFacts>;
}

export type ReserveCommand = WaveReleased & { readonly newReservationId: () => string };

export interface NewReservation {
  readonly id: string;
  readonly wave_id: string;
  readonly order_id: string;
  readonly line_id: string;
  readonly site_id: string;
  readonly owner_id: string;
  readonly sku: string;
  readonly location_id: string;
  readonly lot: string;
  readonly quantity: number;
}

export interface ReserveDecision {
  readonly reserve: readonly { readonly key: BalanceKey; readonly quantity: number }[];
  readonly reservations: readonly NewReservation[];
  readonly releases: readonly Release[];
  readonly allocationChanges: readonly AllocationChange[];
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
  readonly units: number;
}

const lineKey = (orderId: string, lineId: string): string => `${orderId}\u0000${lineId}`;

/**
 * The candidates of one SKU: free, unexpired balances at pickable locations of the site, as inventory's projection
 * sees them. A location the projection has not learned (no row, or a backfilled row without type) is skipped, as one
 * location-master did not answer for was before the projection was read instead.
 */
export function candidatesOf(siteId: string, balances: readonly FreeBalance[], locations: ReadonlyMap<string, LocationFacts>, today: string): ReservationCandidate[] {
  const candidates: ReservationCandidate[] = [];
  for (const b of balances) {
    const loc = locations.get(b.location_id);
    if (loc === undefined || loc.type === null || loc.status === null || loc.site_id !== siteId) continue;
    if (!isPickable({ type: loc.type, status: loc.status }) || isExpired(b.expires_on, today)) continue;
    candidates.push({
      locationId: b.location_id, lot: b.lot, free: b.on_hand - b.reserved, expiresOn: b.expires_on,
      firstReceivedAt: b.first_received_at.toISOString(), pickFace: loc.type === 'PICK_FACE', pickSequence: loc.pick_sequence,
    });
  }
  return candidates;
}

/**
 * Location-level reservations for every line of a released wave: the pure planner (domain/wave-reservation.ts)
 * reserves order by order, all-or-nothing, FEFO for SKUs received with dates, FIFO otherwise. An order that cannot be
 * reserved in full goes back to allocation whole: its short lines are deallocated and BACKORDERED (retried when stock
 * frees up), its other lines stay allocated, and the event's `backordered` tells orders, waves and picking. A line
 * whose allocation is not ALLOCATED (a cancel overtook the release) is not reserved.
 */
export const decideReservation: Decide<ReserveState, ReserveCommand, ReserveDecision, never> = (state, wave, now) => {
  const holding = new Map(state.allocations.map((a) => [lineKey(a.order_id, a.line_id), a]));
  const ownerOfLine = (orderId: string, lineId: string): string => holding.get(lineKey(orderId, lineId))?.owner_id ?? DEFAULT_OWNER_ID;
  // Orders in the wave's sequence (who goes first gets the stock), each order's lines by SKU. The planner's "SKU" is the
  // owner's stock of it (ADR 0028): a line only ever takes units of its order's owner.
  const skuOf = new Map<string, string>();
  const lines: WaveLine[] = wave.orders.flatMap((o) => o.lines
    .map((l) => ({ orderId: o.orderId, lineId: l.lineId, sku: l.sku, quantity: l.quantity }))
    .filter((l) => (holding.get(lineKey(l.orderId, l.lineId))?.status ?? 'ALLOCATED') === 'ALLOCATED')
    .sort((a, b) => skuThenLine({ sku: a.sku, line: a.lineId }, { sku: b.sku, line: b.lineId }))
    .map((l) => {
      const key = stockKey(ownerOfLine(l.orderId, l.lineId), l.sku);
      skuOf.set(key, l.sku);
      return { ...l, sku: key };
    }));
  const today = isoDate(now);
  const supply = new Map<string, SkuSupply>();
  for (const key of [...new Set(lines.map((l) => l.sku))].sort()) {
    const candidates = candidatesOf(wave.siteId, state.balances.get(key) ?? [], state.locations, today);
    // Expiry-controlled SKUs are the ones received with dates; dated stock rotates first-expired-first-out.
    supply.set(key, { policy: candidates.some((c) => c.expiresOn !== null) ? 'FEFO' : 'FIFO', candidates });
  }
  const plan = planWaveReservations(lines, supply);
  // Each take's expiry rides on its reservation, so picking can refuse a pick of it once it has passed (LOT_EXPIRED).
  const expiryOf = new Map([...supply].flatMap(([key, s]) => s.candidates.map((c) => [`${key}\u0000${c.locationId}\u0000${c.lot}`, c.expiresOn] as const)));

  const reserve: ReserveDecision['reserve'][number][] = [];
  const reservations: NewReservation[] = [];
  const published: Reservation[] = [];
  const movements: PlannedMovement[] = [];
  for (const { line: planned, takes } of plan.takes) {
    const line = { ...planned, sku: skuOf.get(planned.sku) ?? planned.sku };
    const ownerId = ownerOfLine(line.orderId, line.lineId);
    for (const take of takes) {
      reserve.push({ key: { siteId: wave.siteId, ownerId, sku: line.sku, locationId: take.locationId, lot: take.lot, status: 'AVAILABLE' },
        quantity: take.quantity });
      const id = wave.newReservationId();
      reservations.push({
        id, wave_id: wave.waveId, order_id: line.orderId, line_id: line.lineId, site_id: wave.siteId, owner_id: ownerId, sku: line.sku,
        location_id: take.locationId, lot: take.lot, quantity: take.quantity,
      });
      const expiresOn = expiryOf.get(`${planned.sku}\u0000${take.locationId}\u0000${take.lot}`) ?? null;
      published.push({
        reservationId: id, orderId: line.orderId, lineId: line.lineId, ownerId, sku: line.sku, locationId: take.locationId,
        lot: fromLotKey(take.lot), quantity: take.quantity, ...(expiresOn === null ? {} : { expiresOn }),
      });
      movements.push({
        type: 'RESERVE', siteId: wave.siteId, ownerId, sku: line.sku, locationId: take.locationId, lot: take.lot, deltaReserved: take.quantity,
          reference: wave.waveId,
      });
    }
  }
  // Orders sent back: their short lines are deallocated and wait as backorders; the event carries every line's state.
  const shortLines = new Set(plan.shortages.map((x) => lineKey(x.line.orderId, x.line.lineId)));
  const releases: Release[] = [];
  const allocationChanges: AllocationChange[] = [];
  const deallocated: (DeallocatedLine & { orderId: string })[] = [];
  const backordered: StockReserved['backordered'][number][] = [];
  for (const orderId of plan.backordered) {
    const lineStates: AllocationLine[] = [];
    const ofOrder = state.allocations.filter((r) => r.order_id === orderId)
      .sort((x, y) => skuThenLine({ sku: x.sku, line: x.line_id }, { sku: y.sku, line: y.line_id }));
    for (const a of ofOrder) {
      if (a.status === 'ALLOCATED' && shortLines.has(lineKey(orderId, a.line_id))) {
        if (a.allocated > 0) {
          releases.push({ siteId: a.site_id, ownerId: a.owner_id, sku: a.sku, quantity: a.allocated });
          movements.push({
            type: 'DEALLOCATE', siteId: a.site_id, ownerId: a.owner_id, sku: a.sku, locationId: null, lot: '', deltaAllocated: -a.allocated,
            reason: 'RESERVATION_SHORTAGE', reference: orderId,
          });
          deallocated.push({ orderId, lineId: a.line_id, sku: a.sku, quantity: a.allocated });
        }
        allocationLifecycle.assertCan(a.status, 'BACKORDERED');
        allocationChanges.push({ orderId, lineId: a.line_id, allocated: 0, shipped: a.shipped, status: 'BACKORDERED' });
        lineStates.push({ lineId: a.line_id, sku: a.sku, requested: a.requested, allocated: 0 });
      } else {
        lineStates.push({ lineId: a.line_id, sku: a.sku, requested: a.requested, allocated: a.status === 'ALLOCATED' ? a.allocated : 0 });
      }
    }
    backordered.push({ orderId, lines: lineStates });
  }
  const shortages = plan.shortages.map((x) => ({ orderId: x.line.orderId, lineId: x.line.lineId,
    ownerId: ownerOfLine(x.line.orderId, x.line.lineId), sku: skuOf.get(x.line.sku) ?? x.line.sku, quantity: x.missing }));
  const data: StockReserved = { waveId: wave.waveId, siteId: wave.siteId, reservations: published, shortages, backordered };
  return ok({
    reserve, reservations, releases, allocationChanges, movements,
    events: [{ type: InventoryEvents.reserved, subject: wave.waveId, siteId: wave.siteId, data }, ...deallocatedEvents(wave.siteId,
      deallocated)],
    units: published.reduce((n, r) => n + r.quantity, 0),
  });
};
