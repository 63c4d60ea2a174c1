import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type StockAdjusted } from '../../../../contracts/inventory.ts';
import type { UnitsShortAtPack } from '../../../../contracts/pack-ship.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { EventNotReady } from '../../../../platform/bus/not-ready.ts';
import { ok } from '../../../../platform/errors.ts';
import type { BalanceKey, PlannedMovement } from '../../domain/ledger.ts';
import { allocationLifecycle, fromLotKey } from '../../domain/stock.ts';
import type { AllocationFacts } from '../allocate-order/decide.ts';
import type { AllocationChange } from '../ledger-writes.ts';
import type { ToteBalance } from '../ship-shipment/decide.ts';

export interface WriteOffAtPackState {
  /** The order's allocation rows, locked. */
  readonly allocations: readonly AllocationFacts[];
  /** The order's in-process balances of the SKU (its tote), locked, oldest lot first. */
  readonly tote: readonly ToteBalance[];
}

export interface WriteOffAtPackDecision {
  readonly takes: readonly { readonly key: BalanceKey; readonly quantity: number }[];
  readonly allocationChanges: readonly AllocationChange[];
  /** Allocated units of the owner's SKU row released (as many as were still allocated to the line, at most the units). */
  readonly released: number;
  readonly ownerId: string;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

/**
 * Picked units found missing or damaged at the pack station (`pack-ship.units.short-at-pack`): they never ship, so they
 * leave the order's in-process balance — an ADJUST movement per lot (reason LOST for MISSING, DAMAGED for DAMAGED,
 * reference = the order) — and their line's allocation is released as a dispatch would release it (the line ends
 * CANCELLED when nothing of it is left allocated nor shipped, SHIPPED when what is left shipped). The SKU's on-hand and
 * allocated fall alike, so ATP does not move. `movementIds` are one per tote balance (the handler draws them).
 */
export const decideWriteOffAtPack: Decide<WriteOffAtPackState, UnitsShortAtPack & { readonly movementIds: readonly string[] }, WriteOffAtPackDecision, never> = (state, short) => {
  const reason = short.reason === 'MISSING' ? 'LOST' : 'DAMAGED';
  const takes: { key: BalanceKey; quantity: number }[] = [];
  const movements: PlannedMovement[] = [];
  const events: PublishedEvent[] = [];
  let need = short.quantity;
  state.tote.forEach((b, i) => {
    const t = Math.min(need, b.free);
    if (t <= 0) return;
    need -= t;
    const id = short.movementIds[i];
    if (id === undefined) throw new Error(`no movement id drawn for tote balance ${i} of ${short.orderId}`);
    takes.push({ key: b.key, quantity: t });
    const { siteId, ownerId, sku, locationId, lot } = b.key;
    movements.push({ id, type: 'ADJUST', siteId, ownerId, sku, locationId, lot, deltaOnHand: -t, reason, reference: short.orderId });
    const adjusted: StockAdjusted = { siteId, ownerId, sku, locationId, lot: fromLotKey(lot), delta: -t, reason, movementId: id };
    events.push({ type: InventoryEvents.adjusted, subject: sku, siteId, data: adjusted });
  });
  if (need > 0) {
    // Pack & ship shorts only picked units: their picks come on picking's stream and may not have been heard yet (a
    // restart, another partition). Wait for them (the bus retries).
    throw new EventNotReady(`${short.quantity} ${short.sku} of ${short.orderId} shorted at packing, but only ${short.quantity - need} are in its tote yet`);
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
  return ok({ takes, allocationChanges, released, ownerId: takes[0]?.key.ownerId ?? alloc?.owner_id ?? '', movements, events });
};
