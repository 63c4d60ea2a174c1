/** Returns to stock: units of a cancelled order that wait in its tote until a worker puts them back by scan. Pure. */
import type { PublishedEvent } from '../../../contracts/events.ts';
import { InventoryEvents, type StockReturnRequested } from '../../../contracts/inventory.ts';
import { fromLotKey, inProcessLocation } from './stock.ts';

/** A return as a decision creates it (the columns of `inventory.returns` it sets; it starts OPEN, nothing returned). */
export interface NewReturn {
  readonly id: string;
  readonly site_id: string;
  readonly owner_id: string;
  readonly order_id: string;
  readonly sku: string;
  readonly lot: string;
  readonly quantity: number;
  readonly from_location_id: string;
  readonly suggested_location_id: string;
}

/** What a return request is made of: the row, the event tasks queues its MOVE task on, the units leaving ATP. */
export interface ReturnRequest {
  readonly row: NewReturn;
  readonly event: PublishedEvent;
}

/**
 * A return of `quantity` units of a SKU and lot waiting in the order's tote, suggested back to where they were picked
 * from. The units stay where they are (in-process): nothing moves until the return is confirmed.
 */
export function requestReturn(p: {
  readonly id: string; readonly siteId: string; readonly ownerId: string; readonly orderId: string; readonly sku: string; readonly lot: string;
  readonly quantity: number; readonly pickedFrom: string;
}): ReturnRequest {
  const from = inProcessLocation(p.orderId);
  const row: NewReturn = {
    id: p.id, site_id: p.siteId, owner_id: p.ownerId, order_id: p.orderId, sku: p.sku, lot: p.lot, quantity: p.quantity, from_location_id: from,
    suggested_location_id: p.pickedFrom,
  };
  const data: StockReturnRequested = {
    returnId: p.id, orderId: p.orderId, siteId: p.siteId, ownerId: p.ownerId, sku: p.sku, lot: fromLotKey(p.lot), quantity: p.quantity,
    fromLocationId: from, suggestedLocationId: p.pickedFrom,
  };
  return { row, event: { type: InventoryEvents.returnRequested, subject: p.id, siteId: p.siteId, data } };
}

/** Units per SKU entering (or leaving, negative) `sku_stock.unpickable`, summed over a decision's changes, in SKU order. */
export function unpickableBySku(changes: readonly { readonly sku: string; readonly delta: number }[]): { sku: string; delta: number }[] {
  const by = new Map<string, number>();
  for (const c of changes) by.set(c.sku, (by.get(c.sku) ?? 0) + c.delta);
  return [...by].filter(([, d]) => d !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, delta]) => ({ sku, delta }));
}
