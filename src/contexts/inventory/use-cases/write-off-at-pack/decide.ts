import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type StockAdjusted, type StockReturnCancelled } from '../../../../contracts/inventory.ts';
import type { UnitsShortAtPack } from '../../../../contracts/pack-ship.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { EventNotReady } from '../../../../platform/bus/not-ready.ts';
import { ok } from '../../../../platform/errors.ts';
import type { BalanceKey, PlannedMovement } from '../../domain/ledger.ts';
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
export const decideWriteOffAtPack: Decide<WriteOffAtPackState, UnitsShortAtPack & { readonly movementIds: readonly string[] }, WriteOffAtPackDecision, never> = (state, short) => {
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
  if (need > 0) {
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
  const allocationChanges: AllocationChange[] = [];
  let released = 0;
  if (alloc !== undefined && alloc.status === 'ALLOCATED') {
    released = Math.min(short.quantity, alloc.allocated);
    const remaining = alloc.allocated - released;
    const status = remaining > 0 ? 'ALLOCATED' : alloc.shipped > 0 ? 'SHIPPED' : 'CANCELLED';
    allocationLifecycle.assertCan(alloc.status, status);
    allocationChanges.push({ orderId: alloc.order_id, lineId: alloc.line_id, allocated: remaining, shipped: alloc.shipped, status });
    const first = movements[0];
    if (released > 0 && first !== undefined) movements[0] = { ...first, deltaAllocated: -released };
  }
  return ok({ takes, allocationChanges, released, ownerId: takes[0]?.key.ownerId ?? alloc?.owner_id ?? '', returnShrinks, unpickable, movements, events });
};
