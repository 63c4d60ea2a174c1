import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type StockAdjusted, type StockReturnCancelled } from '../../../../contracts/inventory.ts';
import type { UnitsShortAtPack } from '../../../../contracts/pack-ship.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { EventNotReady } from '../../../../platform/bus/not-ready.ts';
import { ok } from '../../../../platform/errors.ts';
import type { BalanceKey, PlannedMovement } from '../../domain/ledger.ts';
import { unpromisedAt, type Whereabouts } from '../../domain/pickability.ts';
import { allocationLifecycle, fromLotKey, returnLifecycle } from '../../domain/stock.ts';
import type { AllocationFacts } from '../allocate-order/decide.ts';
import type { AllocationChange } from '../ledger-writes.ts';
import type { ToteBalance } from '../ship-shipment/decide.ts';

export interface WriteOffAtPackState {
  /** The order's allocation rows, locked. */
  readonly allocations: readonly AllocationFacts[];
  /** The order's in-process balances of the SKU (its tote), locked, oldest lot first. */
  readonly tote: readonly ToteBalance[];
  /**
   * The order's OPEN returns to stock of the SKU (locked, id order): a cancel heard before the short asked to put the
   * tote's units back, the missing ones too.
   */
  readonly openReturns: readonly OpenReturn[];
  /**
   * Where the order's returns of the SKU put units back, newest confirmation first (each confirmation's units, its
   * target balance locked, the location's pickability): a return confirmed in full before the short was heard counted
   * the shorted units among those it put back.
   */
  readonly putBack: readonly PutBack[];
  /** True while a reservation of the order's SKU is OPEN with units neither picked nor shorted: a pick may still come. */
  readonly picksPending: boolean;
  /** The owner's SKU row, locked (undefined when no return put units back: not read). */
  readonly skuStock?: { readonly on_hand_available: number; readonly unpickable: number; readonly allocated: number } | undefined;
}

export interface PutBack {
  readonly key: BalanceKey;
  /** Units the confirmation put there. */
  readonly quantity: number;
  readonly balance: { readonly on_hand: number; readonly reserved: number } | undefined;
  readonly at: Whereabouts;
}

export interface OpenReturn {
  readonly id: string;
  readonly owner_id: string;
  readonly lot: string;
  readonly quantity: number;
  readonly returned: number;
  readonly from_location_id: string;
}

/** A return the short took units from: fewer units to put back (`quantity`), or none (CANCELLED). */
export interface ReturnShrink {
  readonly id: string;
  readonly quantity: number;
  readonly status: 'OPEN' | 'CANCELLED';
}

export interface WriteOffAtPackDecision {
  readonly takes: readonly { readonly key: BalanceKey; readonly quantity: number }[];
  readonly allocationChanges: readonly AllocationChange[];
  /** Allocated units of the owner's SKU row released (as many as were still allocated to the line, at most the units). */
  readonly released: number;
  readonly ownerId: string;
  /** Returns of the order the shorted units were waiting on, and how many of their units left sku_stock.unpickable. */
  readonly returnShrinks: readonly ReturnShrink[];
  readonly unpickable: number;
  /**
   * Units written off where a return put them back (the return was confirmed in full before the short was heard, so
   * it counted units that were not in the tote): an ADJUST there each; `unpickable` for one at a non-pickable location.
   */
  readonly putBackTakes: readonly { readonly key: BalanceKey; readonly quantity: number; readonly unpickable: number }[];
  /**
   * Units the books still show where a return put them back but that cannot be written off there (reserved or promised
   * since, or moved on): a count of the SKU at that location is opened, and its variance settles them.
   */
  readonly recount: { readonly locationId: string; readonly units: number } | null;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

/** Why a return emptied by a short at packing ended (its `cancel_reason`, and the event's `reason`). */
export const SHORT_AT_PACK_RETURN_REASON = 'Units shorted at packing';

/**
 * Picked units found missing or damaged at the pack station (`pack-ship.units.short-at-pack`): they never ship, so they
 * leave the order's in-process balance — an ADJUST movement per lot (reason LOST for MISSING, DAMAGED for DAMAGED,
 * reference = the order) — and their line's allocation is released as a dispatch would release it (the line ends
 * CANCELLED when nothing of it is left allocated nor shipped, SHIPPED when what is left shipped). The SKU's on-hand and
 * allocated fall alike, so ATP does not move. `movementIds` are one per tote balance (the handler draws them).
 */
export const decideWriteOffAtPack: Decide<WriteOffAtPackState, UnitsShortAtPack & {
  readonly movementIds: readonly string[];
  /** One per `putBack` entry. */
  readonly putBackMovementIds?: readonly string[];
  /**
   * The units are picked again (a shipComplete order, ADR 0024 addendum 2026-12-07): the line's allocation is released
   * as a short pick releases it, staying ALLOCATED for the recovery that allocates them again.
   */
  readonly repick?: boolean;
}, WriteOffAtPackDecision, never> = (state, short) => {
  const reason = short.reason === 'MISSING' ? 'LOST' : 'DAMAGED';
  // Units of each lot an open return waits for: taken last, and then off the return (a cancel heard first asked to put
  // back every unit of the tote, the missing ones too). Units no return covers are the order's own, taken first.
  const covered = new Map<string, number>();
  for (const r of state.openReturns) covered.set(r.lot, (covered.get(r.lot) ?? 0) + r.quantity - r.returned);
  const taken = state.tote.map(() => 0);
  let need = short.quantity;
  state.tote.forEach((b, i) => {
    const t = Math.min(need, Math.max(0, b.free - (covered.get(b.key.lot) ?? 0)));
    taken[i]! += t;
    need -= t;
  });
  const fromReturns = new Map<string, number>();
  state.tote.forEach((b, i) => {
    const t = Math.min(need, b.free - taken[i]!);
    if (t <= 0) return;
    taken[i]! += t;
    need -= t;
    fromReturns.set(b.key.lot, (fromReturns.get(b.key.lot) ?? 0) + t);
  });
  // A return confirmed in full before the short was heard (the cancel reached inventory first, a worker put the tote's
  // units back at once) emptied the tote of units that were never in it: the units shorted were booked onto the shelf
  // the return put them on. Written off there when no pick of the order's SKU may still come (else wait for it).
  const putBackUnits = state.putBack.reduce((n, p) => n + p.quantity, 0);
  const fromPutBack = need > 0 && !state.picksPending && putBackUnits >= need;
  if (need > 0 && !fromPutBack) {
    // Pack & ship shorts only picked units: their picks come on picking's stream and may not have been heard yet (a
    // restart, another partition). Wait for them (the bus retries).
    throw new EventNotReady(`${short.quantity} ${short.sku} of ${short.orderId} shorted at packing, but only ${short.quantity - need} are in its tote yet`);
  }
  const takes: { key: BalanceKey; quantity: number }[] = [];
  const movements: PlannedMovement[] = [];
  const events: PublishedEvent[] = [];
  const movementOfLot = new Map<string, string>();
  state.tote.forEach((b, i) => {
    const t = taken[i]!;
    if (t <= 0) return;
    const id = short.movementIds[i];
    if (id === undefined) throw new Error(`no movement id drawn for tote balance ${i} of ${short.orderId}`);
    if (!movementOfLot.has(b.key.lot)) movementOfLot.set(b.key.lot, id);
    takes.push({ key: b.key, quantity: t });
    const { siteId, ownerId, sku, locationId, lot } = b.key;
    movements.push({ id, type: 'ADJUST', siteId, ownerId, sku, locationId, lot, deltaOnHand: -t, reason, reference: short.orderId });
    const adjusted: StockAdjusted = { siteId, ownerId, sku, locationId, lot: fromLotKey(lot), delta: -t, reason, movementId: id };
    events.push({ type: InventoryEvents.adjusted, subject: sku, siteId, data: adjusted });
  });
  // The returns waiting for the units taken off them put back fewer; one left with nothing to put back ends CANCELLED
  // (its MOVE task is withdrawn on the event; the units left the tote by the ADJUST above, so it writes nothing off).
  const returnShrinks: ReturnShrink[] = [];
  let unpickable = 0;
  for (const r of state.openReturns) {
    const cut = Math.min(fromReturns.get(r.lot) ?? 0, r.quantity - r.returned);
    if (cut <= 0) continue;
    fromReturns.set(r.lot, (fromReturns.get(r.lot) ?? 0) - cut);
    unpickable += cut;
    if (cut < r.quantity - r.returned) {
      returnShrinks.push({ id: r.id, quantity: r.quantity - cut, status: 'OPEN' });
      continue;
    }
    returnLifecycle.assertCan('OPEN', 'CANCELLED');
    returnShrinks.push({ id: r.id, quantity: r.quantity, status: 'CANCELLED' });
    const cancelled: StockReturnCancelled = {
      returnId: r.id, orderId: short.orderId, siteId: short.siteId, ownerId: r.owner_id, sku: short.sku, lot: fromLotKey(r.lot), fromLocationId: r.from_location_id,
      returned: r.returned, writtenOff: 0, movementId: movementOfLot.get(r.lot) ?? '', reason: SHORT_AT_PACK_RETURN_REASON,
    };
    events.push({ type: InventoryEvents.returnCancelled, subject: r.id, siteId: short.siteId, data: cancelled });
  }
  const alloc = state.allocations.find((a) => a.line_id === short.lineId);
  const putBackTakes: { key: BalanceKey; quantity: number; unpickable: number }[] = [];
  let recount: WriteOffAtPackDecision['recount'] = null;
  if (fromPutBack) {
    const toteUnits = taken.reduce((n, t) => n + t, 0);
    const releasing = alloc !== undefined && alloc.status === 'ALLOCATED' ? Math.min(short.quantity, alloc.allocated) : 0;
    // The SKU row as the tote's write-off leaves it: what the shelf may give without leaving allocations uncovered.
    const s0 = state.skuStock ?? { on_hand_available: 0, unpickable: 0, allocated: 0 };
    let sku = { on_hand_available: s0.on_hand_available - toteUnits, unpickable: s0.unpickable - unpickable, allocated: s0.allocated - releasing };
    const takenAt = new Map<string, number>();
    state.putBack.forEach((p, i) => {
      if (need <= 0 || p.balance === undefined) return;
      const id = `${p.key.locationId}\u0000${p.key.lot}\u0000${p.key.ownerId}`;
      const already = takenAt.get(id) ?? 0;
      const onHand = p.balance.on_hand - already;
      const t = Math.min(need, p.quantity, onHand - p.balance.reserved, unpromisedAt(sku, p.at, onHand));
      if (t <= 0) return;
      const movementId = short.putBackMovementIds?.[i];
      if (movementId === undefined) throw new Error(`no movement id drawn for the units ${short.orderId}'s return put back at ${p.key.locationId}`);
      takenAt.set(id, already + t);
      need -= t;
      const off = p.at.pickable ? 0 : t;
      sku = { on_hand_available: sku.on_hand_available - t, unpickable: sku.unpickable - off, allocated: sku.allocated };
      putBackTakes.push({ key: p.key, quantity: t, unpickable: off === 0 ? 0 : -off });
      const { siteId, ownerId, sku: skuCode, locationId, lot } = p.key;
      movements.push({ id: movementId, type: 'ADJUST', siteId, ownerId, sku: skuCode, locationId, lot, deltaOnHand: -t, reason, reference: short.orderId });
      const adjusted: StockAdjusted = { siteId, ownerId, sku: skuCode, locationId, lot: fromLotKey(lot), delta: -t, reason, movementId };
      events.push({ type: InventoryEvents.adjusted, subject: skuCode, siteId, data: adjusted });
    });
    if (need > 0) recount = { locationId: state.putBack[0]!.key.locationId, units: need };
  }
  const allocationChanges: AllocationChange[] = [];
  let released = 0;
  if (alloc !== undefined && alloc.status === 'ALLOCATED') {
    released = Math.min(short.quantity, alloc.allocated);
    const remaining = alloc.allocated - released;
    const status = remaining > 0 || short.repick === true ? 'ALLOCATED' : alloc.shipped > 0 ? 'SHIPPED' : 'CANCELLED';
    allocationLifecycle.assertCan(alloc.status, status);
    allocationChanges.push({ orderId: alloc.order_id, lineId: alloc.line_id, allocated: remaining, shipped: alloc.shipped, status });
    const first = movements[0];
    if (released > 0 && first !== undefined) movements[0] = { ...first, deltaAllocated: -released };
  }
  const ownerId = takes[0]?.key.ownerId ?? putBackTakes[0]?.key.ownerId ?? alloc?.owner_id ?? '';
  return ok({ takes, allocationChanges, released, ownerId, returnShrinks, unpickable, putBackTakes, recount, movements, events });
};
