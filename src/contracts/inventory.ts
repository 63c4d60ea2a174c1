/** inventory: the stock ledger, balances, allocations and reservations. */
import type { EventMeta } from '../platform/bus/envelope.ts';
import { Type, type Static } from 'typebox';
import { List } from '../platform/bus/published-language.ts';
import type { ErrorSpecs } from '../platform/errors.ts';

export const STOCK_STATUSES = ['AVAILABLE', 'HOLD', 'QUARANTINE', 'DAMAGED'] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

export const MOVEMENT_TYPES = ['RECEIPT', 'PUTAWAY', 'MOVE', 'ALLOCATE', 'DEALLOCATE', 'RESERVE', 'UNRESERVE', 'PICK', 'PACK', 'SHIP', 'ADJUST', 'COUNT', 'HOLD', 'RELEASE'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

/** A return to stock is OPEN while units of it are still in the tote, COMPLETED once every unit was put back by scan. */
export const RETURN_STATUSES = ['OPEN', 'COMPLETED'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

export const ADJUSTMENT_REASONS = ['DAMAGED', 'LOST', 'FOUND', 'COUNT', 'SHORT_PICK', 'EXPIRED', 'CORRECTION'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

export const InventoryEvents = {
  received: 'inventory.stock.received.v1',
  adjusted: 'inventory.stock.adjusted.v1',
  allocated: 'inventory.stock.allocated.v1',
  deallocated: 'inventory.stock.deallocated.v1',
  reserved: 'inventory.stock.reserved.v1',
  shipped: 'inventory.stock.shipped.v1',
  returned: 'inventory.stock.returned.v1',
  returnRequested: 'inventory.stock.return-requested.v1',
  returnConfirmed: 'inventory.stock.return-confirmed.v1',
  moved: 'inventory.stock.moved.v1',
  pickabilityChanged: 'inventory.location.pickability-changed.v1',
  shortResolved: 'inventory.short.resolved.v1',
} as const;

/**
 * What became of the units a short pick left missing (ADR 0024): re-reserved at another pickable location of the site
 * (`RE_RESERVED`, also when stock arrives for a recovery that waited), shipped short (`SHIPS_SHORT`, the order's
 * shipComplete is false), or waiting for stock (`AWAITING_STOCK`, shipComplete true: the order does not ship partial).
 */
export const SHORT_OUTCOMES = ['RE_RESERVED', 'SHIPS_SHORT', 'AWAITING_STOCK'] as const;
export type ShortOutcome = (typeof SHORT_OUTCOMES)[number];
/** The floor work a short with no alternative stock asks for: a replenishment when reserve/storage holds the SKU, else a count. */
export const SHORT_TASK_TYPES = ['REPLENISH', 'COUNT'] as const;

const Lot = Type.Union([Type.String(), Type.Null()]);
const SkuQuantity = Type.Object({ sku: Type.String(), quantity: Type.Integer() });

export const AllocationLineSchema = Type.Object({
  lineId: Type.String(),
  sku: Type.String(),
  requested: Type.Integer(),
  allocated: Type.Integer({ description: 'Either `requested` (allocated) or 0 (backordered): allocation is all-or-nothing per line.' }),
});
export type AllocationLine = Static<typeof AllocationLineSchema>;

export const ReservationSchema = Type.Object({
  reservationId: Type.String(),
  orderId: Type.String(),
  lineId: Type.String(),
  sku: Type.String(),
  locationId: Type.String(),
  lot: Lot,
  quantity: Type.Integer(),
});
export type Reservation = Static<typeof ReservationSchema>;

/** The payload of every inventory event, by type name; the description says when it is emitted. */
export const InventoryEventSchemas = {
  [InventoryEvents.received]: Type.Object({
    siteId: Type.String(), sku: Type.String(), locationId: Type.String(), lot: Lot, expiresOn: Type.Union([Type.String(), Type.Null()]),
    quantity: Type.Integer(), movementId: Type.String(),
  }, { description: 'Units were received at a location (`POST /inventory/receipts`): one RECEIPT movement. Frees stock for backorders.' }),
  [InventoryEvents.adjusted]: Type.Object({
    siteId: Type.String(), sku: Type.String(), locationId: Type.String(), lot: Lot, delta: Type.Integer(),
    reason: Type.Enum(ADJUSTMENT_REASONS), movementId: Type.String(),
  }, { description: 'On-hand at a location was adjusted with a reason (`POST /inventory/adjustments`, or SHORT_PICK when a short pick finds the units gone). A positive one frees stock for backorders.' }),
  [InventoryEvents.allocated]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), lines: List(AllocationLineSchema),
    complete: Type.Boolean({ description: 'True when every line is allocated.' }),
  }, { description: 'Outcome of SKU-level allocation for one order (on `orders.order.received`, or a backorder retry): per line allocated or backordered.' }),
  [InventoryEvents.deallocated]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), lines: List(Type.Object({ lineId: Type.String(), sku: Type.String(), quantity: Type.Integer() })),
  }, { description: "An order's allocation released: its cancellation, a short pick or a reservation shortage (frees stock for backorders)." }),
  [InventoryEvents.reserved]: Type.Object({
    waveId: Type.String(), siteId: Type.String(), reservations: List(ReservationSchema),
    shortages: List(Type.Object({ orderId: Type.String(), lineId: Type.String(), sku: Type.String(), quantity: Type.Integer() }), {
      description: 'Lines that could not be reserved in full (stock moved, blocked or lost since allocation).',
    }),
    backordered: List(Type.Object({ orderId: Type.String(), lines: List(AllocationLineSchema) }), {
      description: 'Orders with any shortage go back to allocation whole: nothing of theirs is reserved in this wave, their short lines are BACKORDERED (allocated again when stock frees up), the rest stay allocated. `lines` is every line\'s state. Orders leaves them BACKORDERED, waves takes them out of the wave, picking makes no list for them.',
    }),
  }, { description: 'Location-level reservations made for a released wave (on `waves.wave.released`), FEFO/FIFO, order by order all-or-nothing.' }),
  [InventoryEvents.shipped]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), shipmentId: Type.String(), lines: List(SkuQuantity),
  }, { description: "A shipment's units left the building (on `pack-ship.shipment.dispatched`): SHIP movements from the order's in-process balance." }),
  [InventoryEvents.returned]: Type.Object({
    orderId: Type.String(), siteId: Type.String(),
    lines: List(Type.Object({ sku: Type.String(), locationId: Type.String(), lot: Lot, quantity: Type.Integer() })),
  }, { description: 'Units picked for an order that was then cancelled were put back into stock: a return confirmed by scan (`POST /inventory/returns/{id}/confirm`), at the location scanned (MOVE movements, reason RETURN_TO_STOCK). Into a pickable location it frees stock for backorders.' }),
  [InventoryEvents.returnRequested]: Type.Object({
    returnId: Type.String(), orderId: Type.String(), siteId: Type.String(), sku: Type.String(), lot: Lot, quantity: Type.Integer(),
    fromLocationId: Type.String({ description: "The order's in-process location (`IN_PROCESS:<orderId>`): the units stay there, on hand but not promisable, until the return is confirmed." }),
    suggestedLocationId: Type.String({ description: 'Where the units were picked from: where the return task suggests putting them.' }),
  }, { description: 'Units picked for an order that was cancelled (before or after packing, or picked after the cancel) must be walked back to stock: one return per SKU, lot and pick location. Tasks queues a MOVE task for it (reference = returnId).' }),
  [InventoryEvents.returnConfirmed]: Type.Object({
    returnId: Type.String(), orderId: Type.String(), siteId: Type.String(), sku: Type.String(), lot: Lot,
    quantity: Type.Integer({ description: 'Units this confirm put back.' }),
    locationId: Type.String({ description: 'The location scanned: where the units now are.' }),
    suggestedLocationId: Type.String(),
    returned: Type.Integer({ description: 'Units of the return put back so far.' }),
    remaining: Type.Integer({ description: 'Units still in the tote; 0 when the return is COMPLETED.' }),
    status: Type.Enum(RETURN_STATUSES),
    workerId: Type.Union([Type.String(), Type.Null()], { description: 'The worker who scanned (the signed-in person\'s worker id), when known.' }),
    movementId: Type.String({ description: 'The MOVE movement out of the tote; the one at the location references the return.' }),
  }, { description: 'A return to stock was confirmed by scan, in full (COMPLETED: tasks finishes its MOVE task) or in part.' }),
  [InventoryEvents.moved]: Type.Object({
    siteId: Type.String(), sku: Type.String(), lot: Lot, status: Type.Enum(STOCK_STATUSES), quantity: Type.Integer(),
    fromLocationId: Type.String(), toLocationId: Type.String(),
    fromPickable: Type.Boolean({ description: 'Pickability of the source when the move committed: AVAILABLE units moved from false to true grew ATP.' }),
    toPickable: Type.Boolean({ description: 'Pickability of the target when the move committed.' }),
    movementId: Type.String({ description: 'The MOVE movement at the source; the one at the target references it.' }),
  }, { description: 'Units moved between two locations of a site (`POST /inventory/moves`, MOVE movements); into a pickable location it frees stock for backorders.' }),
  [InventoryEvents.pickabilityChanged]: Type.Object({
    siteId: Type.String(), locationId: Type.String(), pickable: Type.Boolean(),
    lines: List(SkuQuantity, { description: 'AVAILABLE on-hand at the location per SKU when it flipped (in SKU order): what entered (pickable) or left ATP.' }),
  }, { description: 'A location holding AVAILABLE units became pickable or not (blocked, unblocked, its type learned): they entered or left ATP.' }),
  [InventoryEvents.shortResolved]: Type.Object({
    orderId: Type.String(), lineId: Type.String(), siteId: Type.String(), sku: Type.String(),
    waveId: Type.String({ description: 'The wave of the shorted reservation; a re-reservation belongs to it too.' }),
    pickListId: Type.String(), pickLineId: Type.String({ description: 'The shorted pick line this recovery is for.' }),
    shortedLocationId: Type.String(),
    quantity: Type.Integer({ description: 'Units the recovery is about: the units the short took from the order line.' }),
    outcome: Type.Enum(SHORT_OUTCOMES),
    reservations: List(ReservationSchema, { description: 'RE_RESERVED: where the units are reserved now (never the shorted location).' }),
    task: Type.Union([Type.Object({
      type: Type.Enum(SHORT_TASK_TYPES),
      locationId: Type.String({ description: 'COUNT: the shorted location; REPLENISH: the reserve/storage location holding the most units.' }),
      reference: Type.String({ description: 'The work reference the task is queued under (one open task per location and SKU).' }),
    }), Type.Null()], { description: 'When nothing could be re-reserved at once: the replenishment or count the short calls for.' }),
  }, { description: 'The recovery of a short pick (on `picking.line.shorted`, or when stock arrives for a recovery that waits): re-reserved elsewhere, shipped short, or waiting for stock.' }),
} as const;

type Payload<T extends keyof typeof InventoryEventSchemas> = Static<(typeof InventoryEventSchemas)[T]>;
export type StockReceived = Payload<typeof InventoryEvents.received>;
export type StockAdjusted = Payload<typeof InventoryEvents.adjusted>;
export type StockAllocated = Payload<typeof InventoryEvents.allocated>;
export type StockDeallocated = Payload<typeof InventoryEvents.deallocated>;
export type StockReserved = Payload<typeof InventoryEvents.reserved>;
export type StockShipped = Payload<typeof InventoryEvents.shipped>;
export type StockReturned = Payload<typeof InventoryEvents.returned>;
export type StockReturnRequested = Payload<typeof InventoryEvents.returnRequested>;
export type StockReturnConfirmed = Payload<typeof InventoryEvents.returnConfirmed>;
export type StockMoved = Payload<typeof InventoryEvents.moved>;
export type LocationPickabilityChanged = Payload<typeof InventoryEvents.pickabilityChanged>;
export type ShortResolved = Payload<typeof InventoryEvents.shortResolved>;

/** Coded errors of the stock ledger. */
export const InventoryErrors = {
  INSUFFICIENT_STOCK: { status: 409, title: 'Not enough stock' },
  AS_OF_IN_FUTURE: { status: 422, title: 'Stock is known up to the present, not beyond' },
} as const satisfies ErrorSpecs;

/** The inventory commands other contexts run in-process (orchestration's exception actions); not served over gRPC. */
export interface InventoryCommands {
  /**
   * Runs the backorder retry now for these SKUs (as freed stock does): backordered lines are allocated oldest order
   * first, whole lines only. Returns the orders now completely allocated.
   */
  retryBackorders(siteId: string, skus: readonly string[], meta: EventMeta): Promise<readonly string[]>;
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
