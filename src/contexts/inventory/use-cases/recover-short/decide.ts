import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type Reservation, type ShortOutcome, type ShortResolved } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { isoDate, type BalanceKey, type PlannedMovement } from '../../domain/ledger.ts';
import { planReservation, type ReservationCandidate } from '../../domain/reservation-policy.ts';
import { fromLotKey } from '../../domain/stock.ts';
import { candidatesOf, type FreeBalance, type LocationFacts, type NewReservation } from '../reserve-wave/decide.ts';

/** Which shorted units a recovery is about: the short's own facts, or a recovery row waiting for stock. */
export interface ShortedUnits {
  readonly orderId: string;
  readonly lineId: string;
  readonly siteId: string;
  /** The order's owner: only its stock re-reserves the units (ADR 0028). */
  readonly ownerId: string;
  readonly sku: string;
  readonly waveId: string;
  readonly pickListId: string;
  readonly pickLineId: string;
  readonly shortedLocationId: string;
  /** Units the short took from the order line's allocation (0: nothing to recover, e.g. the order was cancelled). */
  readonly quantity: number;
  /**
   * PACK: a shipComplete order's units missing or damaged at the pack bench (ADR 0024 addendum 2026-12-07);
   * `shortedLocationId` is then where they were picked from, which still holds good stock: a candidate like any other.
   */
  readonly origin?: 'PACK' | undefined;
}

export interface RecoveryState {
  /** The SKU's free AVAILABLE balances, locked in key order. */
  readonly balances: readonly FreeBalance[];
  /** Inventory's projection of those balances' locations. */
  readonly locations: ReadonlyMap<string, LocationFacts>;
  /**
   * Units of the SKU that can be allocated now, after the short released this line's units (on-hand AVAILABLE −
   * unpickable − allocated − expired free), on the locked SKU row: a re-reservation never takes stock promised to
   * another order.
   */
  readonly allocatable: number;
  readonly shipComplete: boolean;
  /** AVAILABLE stock at RESERVE/STORAGE locations other than the shorted one, most units first (chooses the task). */
  readonly reserveStock: readonly { readonly location_id: string; readonly quantity: number }[];
  /**
   * The replenishment of the shorted face a REPLENISH answers with (issue 11): the face's open one or the one just
   * asked for; its id is the task's reference. Undefined until asked (or when no source holds free units).
   */
  readonly replenishment?: { readonly id: string; readonly fromLocationId: string } | undefined;
}

export interface RecoverCommand extends ShortedUnits {
  /** `short`: decided with the short (step 1, then 2 and 3); `retry`: a recovery waiting for stock tries again. */
  readonly mode: 'short' | 'retry';
  /**
   * `retry`: where the units that triggered it arrived (`FreedStock.arrivedAt`); the shorted location is a candidate
   * only when they arrived there, or when that is not known (absent).
   */
  readonly arrivedAt?: readonly string[] | undefined;
  readonly newReservationId: () => string;
}

export interface RecoveryDecision {
  /** RE_RESERVED / SHIPS_SHORT / AWAITING_STOCK, or `undefined` for a retry that still finds nothing (no event). */
  readonly outcome: ShortOutcome | undefined;
  readonly reserve: readonly { readonly key: BalanceKey; readonly quantity: number }[];
  readonly reservations: readonly NewReservation[];
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

const NOTHING: RecoveryDecision = { outcome: undefined, reserve: [], reservations: [], movements: [], events: [] };

/**
 * The candidates for a recovery: a wave's (free, unexpired, pickable, of the site); never the shorted location when the
 * short is decided, but its retry may take it when units arrived there: a replenishment of the shorted face (issue 11)
 * brings them exactly there, so does a receipt or a count that found them. A retry that units arriving nowhere set off
 * (a deallocation: the short's own, whose units a short for reason OTHER leaves where the picker could not take them)
 * does not send the picker back there (ADR 0024 addendum 2026-12-05, second).
 */
function recoveryCandidates(units: ShortedUnits, cmd: RecoverCommand, state: RecoveryState, today: string): ReservationCandidate[] {
  // A short at packing said nothing against the location the units were picked from: they were lost after it.
  const shortedAllowed = units.origin === 'PACK' || (cmd.mode === 'retry' && (cmd.arrivedAt === undefined || cmd.arrivedAt.includes(units.shortedLocationId)));
  const balances = shortedAllowed ? state.balances : state.balances.filter((b) => b.location_id !== units.shortedLocationId);
  return candidatesOf(units.siteId, balances, state.locations, today);
}

/**
 * Short-pick recovery (ADR 0024), for the units a short took from an order line:
 * 1. re-reserve them at other pickable locations of the site, by the wave's rules (FEFO for dated stock, else FIFO;
 *    pick faces first), only from stock no other order is promised — all of them or none;
 * 2. if none, ask for a REPLENISH when RESERVE/STORAGE holds the SKU (a replenishment of the shorted face when one
 *    can be asked for: the handler asks and decides again with it), else a COUNT at the shorted location;
 * 3. and then the order's policy: shipComplete false ships what was picked (SHIPS_SHORT), true waits for stock
 *    (AWAITING_STOCK; a `retry` of the waiting recovery re-reserves when stock frees up, and says nothing until then).
 */
export const decideRecovery: Decide<RecoveryState, RecoverCommand, RecoveryDecision, never> = (state, cmd, now) => {
  const q = cmd.quantity;
  const base: Omit<ShortResolved, 'outcome' | 'reservations' | 'task'> = {
    orderId: cmd.orderId, lineId: cmd.lineId, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, waveId: cmd.waveId, pickListId: cmd.pickListId,
    pickLineId: cmd.pickLineId, shortedLocationId: cmd.shortedLocationId, quantity: q, ...(cmd.origin === 'PACK' ? { origin: 'PACK' as const } : {}),
  };
  const resolved = (data: ShortResolved): PublishedEvent => ({ type: InventoryEvents.shortResolved, subject: cmd.orderId, siteId: cmd.siteId, data });
  if (q <= 0) {
    if (cmd.mode === 'retry') return ok(NOTHING);
    // Nothing of the line was allocated any more (a cancel got there first): picking still learns the short is settled.
    return ok({ ...NOTHING, outcome: 'SHIPS_SHORT', events: [resolved({ ...base, outcome: 'SHIPS_SHORT', reservations: [], task: null })] });
  }

  const candidates = recoveryCandidates(cmd, cmd, state, isoDate(now));
  const policy = candidates.some((c) => c.expiresOn !== null) ? 'FEFO' : 'FIFO';
  const takes = state.allocatable >= q ? planReservation(policy, q, candidates) : [];
  if (takes.reduce((n, t) => n + t.quantity, 0) === q) {
    const reserve: RecoveryDecision['reserve'][number][] = [];
    const reservations: NewReservation[] = [];
    const published: Reservation[] = [];
    const movements: PlannedMovement[] = [];
    // The short released the line's units; they are allocated again before they are reserved elsewhere.
    movements.push({ type: 'ALLOCATE', siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: null, lot: '', deltaAllocated: q,
      reason: 'SHORT_RECOVERY', reference: cmd.orderId });
    for (const t of takes) {
      const id = cmd.newReservationId();
      reserve.push({ key: { siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: t.locationId, lot: t.lot, status: 'AVAILABLE' }, quantity: t.quantity });
      reservations.push({
        id, wave_id: cmd.waveId, order_id: cmd.orderId, line_id: cmd.lineId, site_id: cmd.siteId, owner_id: cmd.ownerId, sku: cmd.sku,
        location_id: t.locationId,
        lot: t.lot, quantity: t.quantity,
      });
      const expiresOn = candidates.find((c) => c.locationId === t.locationId && c.lot === t.lot)?.expiresOn ?? null;
      published.push({ reservationId: id, orderId: cmd.orderId, lineId: cmd.lineId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: t.locationId,
        lot: fromLotKey(t.lot), quantity: t.quantity, ...(expiresOn === null ? {} : { expiresOn }) });
      movements.push({ type: 'RESERVE', siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: t.locationId, lot: t.lot, deltaReserved: t.quantity,
        reason: 'SHORT_RECOVERY', reference: cmd.waveId });
    }
    return ok({ outcome: 'RE_RESERVED', reserve, reservations, movements,
      events: [resolved({ ...base, outcome: 'RE_RESERVED', reservations: published, task: null })] });
  }
  if (cmd.mode === 'retry') return ok(NOTHING);

  const from = state.reserveStock[0];
  const rpl = state.replenishment;
  const reference = `${cmd.shortedLocationId}:${cmd.sku}:${cmd.pickLineId}`;
  const task: ShortResolved['task'] = rpl !== undefined
    ? { type: 'REPLENISH', locationId: rpl.fromLocationId, reference: rpl.id }
    : from !== undefined
      ? { type: 'REPLENISH', locationId: from.location_id, reference }
      : { type: 'COUNT', locationId: cmd.shortedLocationId, reference };
  const outcome: ShortOutcome = state.shipComplete ? 'AWAITING_STOCK' : 'SHIPS_SHORT';
  return ok({ ...NOTHING, outcome, events: [resolved({ ...base, outcome, reservations: [], task })] });
};
