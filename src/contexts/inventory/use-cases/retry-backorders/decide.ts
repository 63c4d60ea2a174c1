import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type AllocationLine, type StockAllocated } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { allocatable, allocateWholeLines, type SkuStockFacts } from '../../domain/allocation.ts';
import { skuThenLine, type PlannedMovement } from '../../domain/ledger.ts';
import { allocationLifecycle, type FreedStock } from '../../domain/stock.ts';
import type { AllocationFacts } from '../allocate-order/decide.ts';
import type { AllocationChange } from '../ledger-writes.ts';

export interface RetryState {
  /** Orders of ONE owner with backordered lines of the freed SKUs, oldest first, and all their allocation rows (locked). */
  readonly orders: readonly { readonly orderId: string; readonly lines: readonly AllocationFacts[] }[];
  /** That owner's stock rows of the freed SKUs (ADR 0028: an order is only ever allocated its owner's units). */
  readonly stock: ReadonlyMap<string, SkuStockFacts>;
}

export interface RetryDecision {
  readonly allocate: readonly (AllocationChange & { readonly sku: string })[];
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
  readonly units: number;
}

/**
 * Backorder retry (BACKORDERED → ALLOCATED when stock frees up): the freed SKUs' backordered lines, order by order,
 * oldest first, each line whole or not at all. Every order whose allocation changed gets an `inventory.stock.allocated`
 * with all its lines. Cancelled orders (any CANCELLED line) never come back.
 */
export const decideRetry: Decide<RetryState, FreedStock, RetryDecision, never> = (state, freed) => {
  const { siteId, skus } = freed;
  const free = new Map([...state.stock].map(([sku, s]) => [sku, allocatable(s)]));
  const allocate: (AllocationChange & { sku: string })[] = [];
  const movements: PlannedMovement[] = [];
  const events: PublishedEvent[] = [];
  for (const { orderId, lines } of state.orders) {
    if (lines.some((l) => l.status === 'CANCELLED')) continue;
    const waiting = lines.filter((l) => l.status === 'BACKORDERED' && l.requested > 0 && skus.includes(l.sku) && l.site_id === siteId)
      .sort((a, b) => skuThenLine({ sku: a.sku, line: a.line_id }, { sku: b.sku, line: b.line_id }));
    const won = allocateWholeLines(waiting.map((l) => ({ lineId: l.line_id, sku: l.sku, requested: l.requested })), free);
    if (won.size === 0) continue;
    for (const l of waiting.filter((w) => won.has(w.line_id))) {
      allocationLifecycle.assertCan(l.status, 'ALLOCATED');
      allocate.push({ orderId, lineId: l.line_id, sku: l.sku, allocated: l.requested, shipped: l.shipped, status: 'ALLOCATED' });
      movements.push({
        type: 'ALLOCATE', siteId, ownerId: l.owner_id, sku: l.sku, locationId: null, lot: '', deltaAllocated: l.requested, reason: 'BACKORDER_RETRY',
          reference: orderId,
      });
    }
    const state: AllocationLine[] = lines.map((l) => ({
      lineId: l.line_id, sku: l.sku, requested: l.requested,
        allocated: won.has(l.line_id) ? l.requested : l.status === 'ALLOCATED' ? l.allocated : 0,
    }));
    const data: StockAllocated = { orderId, siteId, lines: state, complete: state.every((l) => l.allocated === l.requested) };
    events.push({ type: InventoryEvents.allocated, subject: orderId, siteId, data });
  }
  return ok({ allocate, movements, events, units: allocate.reduce((n, a) => n + a.allocated, 0) });
};
