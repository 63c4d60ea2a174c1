import type { PlatformDeps } from '../../../platform/module.ts';

/** The stock ledger's counters, made once per context and handed to the use cases that move them. */
export function inventoryCounters(metrics: PlatformDeps['metrics']) {
  return {
    received: metrics.counter('paklog_inventory_units_received_total', 'Units received into stock'),
    adjusted: metrics.counter('paklog_inventory_units_adjusted_total', 'Units changed by adjustments (absolute)'),
    allocated: metrics.counter('paklog_inventory_units_allocated_total', 'Units allocated to order lines'),
    backordered: metrics.counter('paklog_inventory_lines_backordered_total', 'Order lines that could not be allocated'),
    reserved: metrics.counter('paklog_inventory_units_reserved_total', 'Units reserved at locations for released waves'),
    picked: metrics.counter('paklog_inventory_units_picked_total', 'Units picked'),
    shorted: metrics.counter('paklog_inventory_units_shorted_total', 'Units short-picked'),
    shipped: metrics.counter('paklog_inventory_units_shipped_total', 'Units shipped'),
  };
}

export type InventoryCounters = ReturnType<typeof inventoryCounters>;
