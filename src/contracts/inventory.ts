/** inventory: the stock ledger, balances, allocations and reservations. */

export const STOCK_STATUSES = ['AVAILABLE', 'HOLD', 'QUARANTINE', 'DAMAGED'] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

export const MOVEMENT_TYPES = ['RECEIPT', 'PUTAWAY', 'MOVE', 'ALLOCATE', 'DEALLOCATE', 'RESERVE', 'UNRESERVE', 'PICK', 'PACK', 'SHIP', 'ADJUST', 'COUNT', 'HOLD', 'RELEASE'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

export const ADJUSTMENT_REASONS = ['DAMAGED', 'LOST', 'FOUND', 'COUNT', 'SHORT_PICK', 'EXPIRED', 'CORRECTION'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

export const InventoryEvents = {
  received: 'inventory.stock.received.v1',
  adjusted: 'inventory.stock.adjusted.v1',
  /** Outcome of SKU-level allocation for one order: per line allocated or backordered. */
  allocated: 'inventory.stock.allocated.v1',
  /** An order's allocation released: its cancellation, a short pick or a reservation shortage (frees stock for backorders). */
  deallocated: 'inventory.stock.deallocated.v1',
  /** Location-level reservations made for a released wave. */
  reserved: 'inventory.stock.reserved.v1',
  unreserved: 'inventory.stock.unreserved.v1',
  picked: 'inventory.stock.picked.v1',
  shipped: 'inventory.stock.shipped.v1',
  /** Units picked for an order that was then cancelled went back to the locations they were picked from (`StockReturned`). */
  returned: 'inventory.stock.returned.v1',
  /** Units moved between two locations of a site (MOVE movements); into a pickable location it frees stock for backorders. */
  moved: 'inventory.stock.moved.v1',
  /** A location holding AVAILABLE units became pickable or not (blocked, unblocked, its type learned): they entered or left ATP. */
  pickabilityChanged: 'inventory.location.pickability-changed.v1',
} as const;

export interface StockReceived {
  readonly siteId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly expiresOn: string | null;
  readonly quantity: number;
  readonly movementId: string;
}

export interface StockAdjusted {
  readonly siteId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly delta: number;
  readonly reason: AdjustmentReason;
  readonly movementId: string;
}

export interface StockMoved {
  readonly siteId: string;
  readonly sku: string;
  readonly lot: string | null;
  readonly status: StockStatus;
  readonly quantity: number;
  readonly fromLocationId: string;
  readonly toLocationId: string;
  /** Pickability of both ends when the move committed: AVAILABLE units moved from false to true grew ATP. */
  readonly fromPickable: boolean;
  readonly toPickable: boolean;
  /** The MOVE movement at the source; the one at the target references it. */
  readonly movementId: string;
}

export interface LocationPickabilityChanged {
  readonly siteId: string;
  readonly locationId: string;
  readonly pickable: boolean;
  /** AVAILABLE on-hand at the location per SKU when it flipped (in SKU order): what entered (pickable) or left ATP. */
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
}

export interface AllocationLine {
  readonly lineId: string;
  readonly sku: string;
  readonly requested: number;
  /** Either `requested` (allocated) or 0 (backordered): allocation is all-or-nothing per line. */
  readonly allocated: number;
}

export interface StockAllocated {
  readonly orderId: string;
  readonly siteId: string;
  readonly lines: readonly AllocationLine[];
  /** True when every line is allocated. */
  readonly complete: boolean;
}

export interface StockDeallocated {
  readonly orderId: string;
  readonly siteId: string;
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: number }[];
}

export interface Reservation {
  readonly reservationId: string;
  readonly orderId: string;
  readonly lineId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly quantity: number;
}

export interface StockReserved {
  readonly waveId: string;
  readonly siteId: string;
  readonly reservations: readonly Reservation[];
  /** Lines that could not be reserved in full (stock moved, blocked or lost since allocation). */
  readonly shortages: readonly { readonly orderId: string; readonly lineId: string; readonly sku: string; readonly quantity: number }[];
  /**
   * Orders with any shortage go back to allocation whole: nothing of theirs is reserved in this wave, their short lines
   * are BACKORDERED (allocated again when stock frees up), the rest stay allocated. `lines` is every line's state.
   * Orders leaves them BACKORDERED, waves takes them out of the wave, picking makes no list for them.
   */
  readonly backordered: readonly { readonly orderId: string; readonly lines: readonly AllocationLine[] }[];
}

export interface StockReturned {
  readonly orderId: string;
  readonly siteId: string;
  readonly lines: readonly { readonly sku: string; readonly locationId: string; readonly lot: string | null; readonly quantity: number }[];
}

export interface StockShipped {
  readonly orderId: string;
  readonly siteId: string;
  readonly shipmentId: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
}

export interface InventoryApi {
  /**
   * Available-to-promise per SKU at a site: on-hand AVAILABLE − units at non-pickable locations (receiving, docks,
   * pack stations, blocked…) − allocated − unreserved expired units at pickable locations; never below 0.
   */
  atp(siteId: string, skus: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /**
   * Read-only hint: per SKU, the location a reservation would most likely take it from (the first AVAILABLE, unexpired
   * balance with free units in rotation order: earliest expiry, then earliest receipt). SKUs without free stock are
   * absent. Nothing is locked or reserved; the real reservation may still choose differently.
   */
  candidateLocations(siteId: string, skus: readonly string[]): Promise<ReadonlyMap<string, string>>;
}
