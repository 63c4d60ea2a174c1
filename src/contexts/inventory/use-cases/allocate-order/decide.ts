import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type AllocationLine, type StockAllocated } from '../../../../contracts/inventory.ts';
import type { OrderReceived } from '../../../../contracts/orders.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { allocatable, allocateWholeLines, type SkuStockFacts } from '../../domain/allocation.ts';
import { ownerOfOrder, skuThenLine, type PlannedMovement } from '../../domain/ledger.ts';
import { allocationLifecycle, type AllocationStatus } from '../../domain/stock.ts';
import type { AllocationChange } from '../ledger-writes.ts';

/** An allocation row as allocate-order claims it. */
export interface NewAllocation {
  readonly order_id: string;
  readonly line_id: string;
  readonly site_id: string;
  /** The order's owner: the line is only ever allocated from that owner's stock (ADR 0028). */
  readonly owner_id: string;
  readonly sku: string;
  readonly requested: number;
  readonly allocated: number;
  readonly status: AllocationStatus;
}

/** An allocation row as the deciders read it: as claimed, and what has shipped of it. */
export type AllocationFacts = NewAllocation & { readonly shipped: number };

/**
 * Which lines of a received order to claim (insert BACKORDERED, at most once per line): none when the order was
 * cancelled before inventory saw it (its tombstones are CANCELLED rows), else the lines not claimed yet.
 */
export const decideClaim: Decide<{ readonly existing: readonly AllocationFacts[] }, OrderReceived, readonly NewAllocation[],
  never> = (state, order) => {
  if (state.existing.some((r) => r.status === 'CANCELLED')) return ok([]);
  const known = new Set(state.existing.map((r) => r.line_id));
  return ok(order.lines.filter((l) => !known.has(l.lineId)).map((l) => ({
    order_id: order.orderId, line_id: l.lineId, site_id: order.siteId, owner_id: ownerOfOrder(order), sku: l.sku, requested: l.quantity, allocated: 0,
      status: 'BACKORDERED' as const,
  })));
};

export interface AllocateState {
  /** The lines this delivery claimed (another delivery of the same order claims none). */
  readonly claimed: readonly AllocationFacts[];
  /** The claimed SKUs' stock rows of the order's owner, locked in SKU order. */
  readonly stock: ReadonlyMap<string, SkuStockFacts>;
}

export interface AllocateDecision {
  /** In SKU order, each guarded by the SKU row UPDATE of store.writeAllocations. */
  readonly allocate: readonly (AllocationChange & { readonly sku: string })[];
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
  readonly units: number;
  readonly backorderedLines: number;
}

/**
 * Allocates each claimed line all-or-nothing, in SKU order (within a SKU in the order's line order), against what each
 * SKU can still promise.
 */
export const decideAllocation: Decide<AllocateState, OrderReceived, AllocateDecision, never> = (state, order) => {
  if (state.claimed.length === 0) return ok({ allocate: [], movements: [], events: [], units: 0, backorderedLines: 0 });
  const free = new Map([...state.stock].map(([sku, s]) => [sku, allocatable(s)]));
  // SKU order (the locks' order); within a SKU the order's own line order: its earlier line wins the last units.
  const position = new Map(order.lines.map((l, i) => [l.lineId, i]));
  const at = (lineId: string): number => position.get(lineId) ?? order.lines.length;
  const bySku = [...state.claimed].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : at(a.line_id) - at(b.line_id))
    || skuThenLine({ sku: a.sku, line: a.line_id }, { sku: b.sku, line: b.line_id }));
  const won = allocateWholeLines(bySku.map((l) => ({ lineId: l.line_id, sku: l.sku, requested: l.requested })), free);
  const allocate = bySku.filter((l) => won.has(l.line_id)).map((l) => {
    allocationLifecycle.assertCan(l.status, 'ALLOCATED');
    return { orderId: order.orderId, lineId: l.line_id, sku: l.sku, allocated: l.requested, shipped: 0, status: 'ALLOCATED' as const };
  });
  const movements: PlannedMovement[] = allocate.map((a) => ({
    type: 'ALLOCATE', siteId: order.siteId, ownerId: ownerOfOrder(order), sku: a.sku, locationId: null, lot: '', deltaAllocated: a.allocated, reference: order.orderId,
  }));
  const allocatedByLine = new Map(allocate.map((a) => [a.lineId, a.allocated]));
  const claimedIds = new Set(state.claimed.map((c) => c.line_id));
  const lines: AllocationLine[] = order.lines.filter((l) => claimedIds.has(l.lineId)).map((l) => ({
    lineId: l.lineId, sku: l.sku, requested: l.quantity, allocated: allocatedByLine.get(l.lineId) ?? 0,
  }));
  const data: StockAllocated = { orderId: order.orderId, siteId: order.siteId, lines,
    complete: lines.every((l) => l.allocated === l.requested) };
  return ok({
    allocate, movements, events: [{ type: InventoryEvents.allocated, subject: order.orderId, siteId: order.siteId, data }],
    units: allocate.reduce((n, a) => n + a.allocated, 0), backorderedLines: lines.filter((l) => l.allocated === 0).length,
  });
};
