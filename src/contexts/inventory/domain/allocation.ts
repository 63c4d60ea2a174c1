/** Whole-line allocation against a SKU's free stock: the rule order allocation and the backorder retry share. Pure. */

/** A SKU's stock row as allocation sees it, with the unreserved units of expired lots at pickable locations. */
export interface SkuStockFacts {
  readonly onHandAvailable: number;
  readonly unpickable: number;
  readonly allocated: number;
  readonly expiredFree: number;
  /** Units of the SKU (of this owner, at this site) no order is ever allocated (ADR 0057); 0 = none. */
  readonly safetyStock: number;
}

/**
 * What allocation may still promise (the same condition as store.tryAllocate and store.writeAllocations, its last
 * guards): pickable AVAILABLE on-hand, unexpired, unallocated, above the safety stock.
 */
export const allocatable = (s: SkuStockFacts): number => s.onHandAvailable - s.unpickable - s.allocated - s.expiredFree - s.safetyStock;

/**
 * Takes lines in the order given, each whole or not at all, from `free` (units per SKU, updated as lines take them).
 * A line asking for nothing takes nothing. Returns the ids of the lines allocated.
 */
export function allocateWholeLines(
  lines: readonly { readonly lineId: string; readonly sku: string; readonly requested: number }[], free: Map<string, number>,
): Set<string> {
  const won = new Set<string>();
  for (const line of lines) {
    if (line.requested <= 0) continue;
    const left = free.get(line.sku) ?? 0;
    if (left < line.requested) continue;
    free.set(line.sku, left - line.requested);
    won.add(line.lineId);
  }
  return won;
}
