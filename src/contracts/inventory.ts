/** inventory: the stock ledger, balances, allocations and reservations. */
import type { EventMeta } from '../platform/bus/envelope.ts';
import { Type, type Static } from 'typebox';
import { List } from '../platform/bus/published-language.ts';
import { ok, reject, type ErrorSpecs, type Outcome } from '../platform/errors.ts';
import { DISPOSITIONS } from './quality.ts';

export const STOCK_STATUSES = ['AVAILABLE', 'HOLD', 'QUARANTINE', 'DAMAGED'] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

export const MOVEMENT_TYPES = ['RECEIPT', 'PUTAWAY', 'MOVE', 'ALLOCATE', 'DEALLOCATE', 'RESERVE', 'UNRESERVE', 'PICK', 'PACK', 'SHIP', 'ADJUST', 'COUNT', 'HOLD', 'RELEASE'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

/**
 * A return to stock is OPEN while units of it are still in the tote, COMPLETED once every unit was put back by scan,
 * CANCELLED when a manager withdrew it with units still open (they were no longer in the tote: written off the books).
 */
export const RETURN_STATUSES = ['OPEN', 'COMPLETED', 'CANCELLED'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/**
 * An advance shipping notice (expected receipt): OPEN until its first unit is received, RECEIVING while goods arrive,
 * CLOSED when the dock says it is done (differences recorded as discrepancies), CANCELLED if it never arrives.
 */
export const ASN_STATUSES = ['OPEN', 'RECEIVING', 'CLOSED', 'CANCELLED'] as const;
export type AsnStatus = (typeof ASN_STATUSES)[number];
/** How an ASN line's receipts differ from what was expected, recorded when the ASN is closed. */
export const DISCREPANCY_KINDS = ['OVER', 'UNDER', 'DAMAGED'] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];
/**
 * A putaway request is OPEN while units wait at the receiving location, COMPLETED once every unit was put away by scan,
 * CANCELLED when withdrawn with units still open (they stay where they are: moved by hand, or gone another way).
 */
export const PUTAWAY_STATUSES = ['OPEN', 'COMPLETED', 'CANCELLED'] as const;
export type PutawayStatus = (typeof PUTAWAY_STATUSES)[number];
/** A replenishment is OPEN until its move is confirmed by scan (COMPLETED) or it is withdrawn (CANCELLED). */
export const REPLENISHMENT_STATUSES = ['OPEN', 'COMPLETED', 'CANCELLED'] as const;
export type ReplenishmentStatus = (typeof REPLENISHMENT_STATUSES)[number];
/** What asked for a replenishment: a face's free units below min, a short pick, a released wave's demand, or a person. */
export const REPLENISHMENT_TRIGGERS = ['LOW_STOCK', 'SHORT_PICK', 'WAVE_DEMAND', 'MANUAL'] as const;
export type ReplenishmentTrigger = (typeof REPLENISHMENT_TRIGGERS)[number];

/** A customer return (RMA): AUTHORISED → RECEIVED → INSPECTED → CLOSED, or CANCELLED before anything arrived. */
export const RMA_STATUSES = ['AUTHORISED', 'RECEIVED', 'INSPECTED', 'CLOSED', 'CANCELLED'] as const;
export type RmaStatus = (typeof RMA_STATUSES)[number];
/** What becomes of inspected returned units. */
export const RMA_DISPOSITIONS = ['RESTOCK', 'QUARANTINE', 'SCRAP', 'RETURN_TO_VENDOR'] as const;
export type RmaDisposition = (typeof RMA_DISPOSITIONS)[number];

export const ADJUSTMENT_REASONS = ['DAMAGED', 'LOST', 'FOUND', 'COUNT', 'SHORT_PICK', 'EXPIRED', 'CORRECTION'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

/** Why units moved between two locations (`inventory.stock.moved` `purpose`). */
export const MOVE_PURPOSES = ['MOVE', 'PUTAWAY', 'REPLENISH', 'LPN_FOUND'] as const;
export type MovePurpose = (typeof MOVE_PURPOSES)[number];

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
  asnCreated: 'inventory.asn.created.v1',
  asnCancelled: 'inventory.asn.cancelled.v1',
  asnClosed: 'inventory.asn.closed.v1',
  putawayRequested: 'inventory.stock.putaway-requested.v1',
  putawayConfirmed: 'inventory.stock.putaway-confirmed.v1',
  putawayCancelled: 'inventory.stock.putaway-cancelled.v1',
  putawayReduced: 'inventory.stock.putaway-reduced.v1',
  returnCancelled: 'inventory.stock.return-cancelled.v1',
  held: 'inventory.stock.held.v1',
  holdReleased: 'inventory.stock.hold-released.v1',
  countRequested: 'inventory.count.requested.v1',
  countSubmitted: 'inventory.count.submitted.v1',
  countClosed: 'inventory.count.closed.v1',
  replenishmentRequested: 'inventory.replenishment.requested.v1',
  replenishmentCompleted: 'inventory.replenishment.completed.v1',
  replenishmentCancelled: 'inventory.replenishment.cancelled.v1',
  replenishmentWaiting: 'inventory.replenishment.waiting.v1',
  replenishmentWaitEnded: 'inventory.replenishment.wait-ended.v1',
  rmaAuthorised: 'inventory.rma.authorised.v1',
  rmaReceived: 'inventory.rma.received.v1',
  rmaInspected: 'inventory.rma.inspected.v1',
  rmaClosed: 'inventory.rma.closed.v1',
  rmaCancelled: 'inventory.rma.cancelled.v1',
  qualityHoldPlaced: 'inventory.quality-hold.placed.v1',
  lpnHoldPlaced: 'inventory.lpn-hold.placed.v1',
  qualityHoldDisposed: 'inventory.quality-hold.disposed.v1',
  safetyStockSet: 'inventory.safety-stock.set.v1',
} as const;

/** Statuses stock can be held in (issue 11): never allocatable nor reservable until released back to AVAILABLE. */
export const HELD_STATUSES = ['HOLD', 'QUARANTINE', 'DAMAGED'] as const;
export type HeldStatus = (typeof HELD_STATUSES)[number];

/**
 * A cycle count of one SKU and lot at one location (docs/operations/counting.md): OPEN until its first count, RECOUNT
 * when that count was beyond tolerance, AWAITING_APPROVAL when the recount was too; COMPLETED once its variance was
 * applied (COUNT movement), REJECTED when a manager refused the variance (nothing adjusted).
 */
export const COUNT_STATUSES = ['OPEN', 'RECOUNT', 'AWAITING_APPROVAL', 'COMPLETED', 'REJECTED'] as const;
export type CountStatus = (typeof COUNT_STATUSES)[number];
/** Why a count exists: the ABC schedule (`inventory.count-scheduler`) or a request (`POST /inventory/counts`). */
export const COUNT_ORIGINS = ['SCHEDULED', 'ON_DEMAND'] as const;
export type CountOrigin = (typeof COUNT_ORIGINS)[number];
/** A SKU's counting class: A counted weekly, B monthly, C quarterly. */
export const ABC_CLASSES = ['A', 'B', 'C'] as const;
export type AbcClass = (typeof ABC_CLASSES)[number];
/** What a submitted count led to. */
export const COUNT_RESULTS = ['ADJUSTED', 'RECOUNT', 'AWAITING_APPROVAL'] as const;

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

/**
 * The owner (3PL client, ADR 0028) whose units an event is about. Optional so events written before owners existed stay
 * valid; absent means the default owner `own_default`.
 */
export const OwnerIdField = Type.Optional(Type.String({ description: "The units' owner (3PL client, ADR 0028); absent: the default owner `own_default`." }));

const SkuQuantity = Type.Object({ sku: Type.String(), quantity: Type.Integer() });
const NullableText = Type.Union([Type.String(), Type.Null()]);

export const AsnDiscrepancySchema = Type.Object({
  lineNo: Type.Integer(), sku: Type.String(), lot: Lot, kind: Type.Enum(DISCREPANCY_KINDS),
  expected: Type.Integer(), received: Type.Integer({ description: 'Every unit received against the line, damaged ones included.' }),
  damaged: Type.Integer(),
  quantity: Type.Integer({ description: 'OVER: received − expected; UNDER: expected − received; DAMAGED: the damaged units.' }),
});
export type AsnDiscrepancy = Static<typeof AsnDiscrepancySchema>;

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
  ownerId: OwnerIdField,
  sku: Type.String(),
  locationId: Type.String(),
  lot: Lot,
  quantity: Type.Integer(),
  expiresOn: Type.Optional(Type.String({ description: "The expiry (YYYY-MM-DD) of the reserved balance's lot: picking refuses a confirm after it (409 LOT_EXPIRED). Absent for undated stock, and in older events (added in place 2026-12-06)." })),
});
export type Reservation = Static<typeof ReservationSchema>;

const ReplenishmentProperties = {
  replenishmentId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), lot: Lot,
  fromLocationId: Type.String({ description: 'The reserve/storage location the units come from (first to expire, then oldest).' }),
  toLocationId: Type.String({ description: 'The pick face they go to.' }),
  quantity: Type.Integer({ description: 'Units asked for: up to the face\'s max (or the units a short missed), no more than the source holds free.' }),
};

/** The payload of every inventory event, by type name; the description says when it is emitted. */
export const InventoryEventSchemas = {
  [InventoryEvents.received]: Type.Object({
    siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), locationId: Type.String(), lot: Lot, expiresOn: Type.Union([Type.String(), Type.Null()]),
    quantity: Type.Integer(), movementId: Type.String(),
    status: Type.Optional(Type.Enum(STOCK_STATUSES, { description: 'The status the units were received in when not AVAILABLE (an inbound receipt of DAMAGED or QUARANTINE units: held already, not inspected at receiving); absent: AVAILABLE. Added in place (2026-12-04).' })),
    serials: Type.Optional(List(Type.String(), { description: 'The units\' serial numbers, one per unit, registered IN_STOCK (a serial-controlled product, ADR 0058). Added in place: optional, absent for other products and in older events.' })),
  }, { description: 'Units were received at a location (`POST /inventory/receipts`): one RECEIPT movement. Frees stock for backorders.' }),
  [InventoryEvents.adjusted]: Type.Object({
    siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), locationId: Type.String(), lot: Lot, delta: Type.Integer(),
    reason: Type.Enum(ADJUSTMENT_REASONS), movementId: Type.String(),
    uncoveredAtDock: Type.Optional(Type.Integer({ description: 'Set when the location is a receiving location (`POST /inventory/adjustments`): the AVAILABLE units of this owner, SKU and lot still on hand there after it that no OPEN putaway covers (orchestration resolves UNITS_LEFT_AT_DOCK at 0). Added in place: absent in older events and at other locations.' })),
  }, { description: 'On-hand at a location was adjusted with a reason (`POST /inventory/adjustments`, or SHORT_PICK when a short pick finds the units gone, or LOST / DAMAGED out of an order\'s in-process stock when picked units were shorted at packing, `pack-ship.units.short-at-pack`). A positive one frees stock for backorders.' }),
  [InventoryEvents.allocated]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), lines: List(AllocationLineSchema),
    complete: Type.Boolean({ description: 'True when every line is allocated.' }),
  }, { description: 'Outcome of SKU-level allocation for one order (on `orders.order.received`, or a backorder retry): per line allocated or backordered.' }),
  [InventoryEvents.deallocated]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), lines: List(Type.Object({ lineId: Type.String(), sku: Type.String(), quantity: Type.Integer() })),
  }, { description: "An order's allocation released: its cancellation, a short pick or a reservation shortage (frees stock for backorders)." }),
  [InventoryEvents.reserved]: Type.Object({
    waveId: Type.String(), siteId: Type.String(), reservations: List(ReservationSchema),
    shortages: List(Type.Object({ orderId: Type.String(), lineId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), quantity: Type.Integer() }), {
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
    orderId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField,
    lines: List(Type.Object({ sku: Type.String(), locationId: Type.String(), lot: Lot, quantity: Type.Integer() })),
  }, { description: 'Units picked for an order that was then cancelled were put back into stock: a return confirmed by scan (`POST /inventory/returns/{id}/confirm`), at the location scanned (MOVE movements, reason RETURN_TO_STOCK). Into a pickable location it frees stock for backorders.' }),
  [InventoryEvents.returnRequested]: Type.Object({
    returnId: Type.String(), orderId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), lot: Lot, quantity: Type.Integer(),
    fromLocationId: Type.String({ description: "The order's in-process location (`IN_PROCESS:<orderId>`): the units stay there, on hand but not promisable, until the return is confirmed." }),
    suggestedLocationId: Type.String({ description: 'Where the units were picked from: where the return task suggests putting them.' }),
  }, { description: 'Units picked for an order that was cancelled (before or after packing, or picked after the cancel) must be walked back to stock: one return per SKU, lot and pick location. Tasks queues a MOVE task for it (reference = returnId).' }),
  [InventoryEvents.returnConfirmed]: Type.Object({
    returnId: Type.String(), orderId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), lot: Lot,
    quantity: Type.Integer({ description: 'Units this confirm put back.' }),
    locationId: Type.String({ description: 'The location scanned: where the units now are.' }),
    suggestedLocationId: Type.String(),
    returned: Type.Integer({ description: 'Units of the return put back so far.' }),
    remaining: Type.Integer({ description: 'Units still in the tote; 0 when the return is COMPLETED.' }),
    status: Type.Enum(['OPEN', 'COMPLETED'] as const),
    workerId: Type.Union([Type.String(), Type.Null()], { description: 'The worker who scanned (the signed-in person\'s worker id), when known.' }),
    movementId: Type.String({ description: 'The MOVE movement out of the tote; the one at the location references the return.' }),
    serials: Type.Optional(List(Type.String(), {
      description: 'Of a serial-controlled product, the serials of the units put back (ADR 0058): the order\'s PICKED units of the SKU, last '
        + 'picked first, now IN_STOCK at the location scanned. Added in place: optional, absent for other products and in older events.',
    })),
  }, { description: 'A return to stock was confirmed by scan, in full (COMPLETED: tasks finishes its MOVE task) or in part.' }),
  [InventoryEvents.returnCancelled]: Type.Object({
    returnId: Type.String(), orderId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), lot: Lot,
    fromLocationId: Type.String({ description: "The order's in-process location (`IN_PROCESS:<orderId>`) the units were written off." }),
    returned: Type.Integer({ description: 'Units of the return put back by scan before it was cancelled.' }),
    writtenOff: Type.Integer({ description: 'Units still open, written off the tote (an ADJUST movement, reason LOST, reference = the return). 0 when a short at packing took them (`pack-ship.units.short-at-pack`: its own ADJUST, reference = the order, wrote them off).' }),
    movementId: Type.String({ description: 'The ADJUST movement out of the tote (for a short at packing, its write-off of the lot).' }),
    reason: Type.String(),
  }, { description: 'A return to stock was withdrawn with units still open (`POST /inventory/returns/{id}/cancel`): its units were no longer in the tote, so they are written off it (`inventory.stock.adjusted`, reason LOST, comes with it); tasks withdraws its MOVE task. Also when the units a return waited for were shorted at packing (the short accepted before the order\'s cancel, heard by inventory after it): `writtenOff` 0, reason `Units shorted at packing`.' }),
  [InventoryEvents.moved]: Type.Object({
    siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), lot: Lot, status: Type.Enum(STOCK_STATUSES), quantity: Type.Integer(),
    fromLocationId: Type.String(), toLocationId: Type.String(),
    fromPickable: Type.Boolean({ description: 'Pickability of the source when the move committed: AVAILABLE units moved from false to true grew ATP.' }),
    toPickable: Type.Boolean({ description: 'Pickability of the target when the move committed.' }),
    movementId: Type.String({ description: 'The MOVE movement at the source; the one at the target references it.' }),
    sourceOnHand: Type.Optional(Type.Integer({ minimum: 0, description: 'Set by `POST /inventory/moves`: the units of this owner, SKU and lot still on hand at the source after the move, every status together. Physical tracking takes the units the source no longer holds out of the LPNs there (loose units moved first). Added in place: absent in older events and other moves.' })),
    sourcePicked: Type.Optional(Type.Integer({ minimum: 0, description: 'Set with `sourceOnHand`: the units of this SKU (every owner and lot) the books had picked out of the source when the move committed. Physical tracking subtracts from `sourceOnHand` the picks there it heard beyond these (confirmed on the floor, not booked by inventory yet: their units left the LPNs already). Added in place 2026-12-06: absent in older events and other moves.' })),
    sourcePickedOwnerLot: Type.Optional(Type.Integer({ minimum: 0, description: 'Set with `sourcePicked`: the units of this owner, SKU and lot the books had picked out of the source when the move committed. Physical tracking sets it against the picks of this owner and lot it heard there (`sourcePicked`, every owner and lot, made a pick of another lot or owner not booked yet take this one\'s units out of its LPNs). Added in place 2026-12-06: absent in older events and other moves.' })),
    uncoveredAtDock: Type.Optional(Type.Integer({ description: 'Set when AVAILABLE units moved off a receiving location by `POST /inventory/moves` (the source): the AVAILABLE units of this owner, SKU and lot still on hand there after it that no OPEN putaway covers (orchestration resolves UNITS_LEFT_AT_DOCK at 0). Added in place: absent in older events and at other locations.' })),
    purpose: Type.Optional(Type.Enum(MOVE_PURPOSES, {
      description: 'Why the units moved: a plain move (`POST /inventory/moves`), a putaway (`inventory.stock.putaway-confirmed` follows with the same `movementId`) or a replenishment; LPN_FOUND: the held units of a lost LPN follow it to where it was found (`physical-tracking.lpn.found.v1`; the LPN moved already). Added in place (issue 12): absent in older events.',
    })),
  }, { description: 'Units moved between two locations of a site (`POST /inventory/moves`, MOVE movements); into a pickable location it frees stock for backorders.' }),
  [InventoryEvents.pickabilityChanged]: Type.Object({
    siteId: Type.String(), locationId: Type.String(), pickable: Type.Boolean(),
    lines: List(SkuQuantity, { description: 'AVAILABLE on-hand at the location per SKU when it flipped (in SKU order): what entered (pickable) or left ATP.' }),
  }, { description: 'A location holding AVAILABLE units became pickable or not (blocked, unblocked, its type learned): they entered or left ATP.' }),
  [InventoryEvents.shortResolved]: Type.Object({
    orderId: Type.String(), lineId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(),
    waveId: Type.String({ description: 'The wave of the shorted reservation; a re-reservation belongs to it too.' }),
    pickListId: Type.String(), pickLineId: Type.String({ description: 'The shorted pick line this recovery is for.' }),
    shortedLocationId: Type.String({ description: 'The location the units were shorted at; for a short at packing (`origin` PACK), the location they were picked from.' }),
    origin: Type.Optional(Type.Literal('PACK', { description: 'PACK: the units of a shipComplete order went missing or were damaged at the pack bench (`pack-ship.units.short-at-pack`) and are picked again; `pickListId` and `pickLineId` then name the short at packing (`pack:<event id>`), no pick list. Absent: a short pick.' })),
    quantity: Type.Integer({ description: 'Units the recovery is about: the units the short took from the order line.' }),
    outcome: Type.Enum(SHORT_OUTCOMES),
    reservations: List(ReservationSchema, { description: 'RE_RESERVED: where the units are reserved now (never the shorted location).' }),
    task: Type.Union([Type.Object({
      type: Type.Enum(SHORT_TASK_TYPES),
      locationId: Type.String({ description: 'COUNT: the shorted location; REPLENISH: the reserve/storage location holding the most units.' }),
      reference: Type.String({ description: 'COUNT: the work reference the task is queued under (one open task per location and SKU). REPLENISH: the replenishment asked for (its id; tasks queues the task on `inventory.replenishment.requested`), or the face, SKU and pick line when no source had free units.' }),
    }), Type.Null()], { description: 'When nothing could be re-reserved at once: the replenishment or count the short calls for.' }),
  }, { description: 'The recovery of a short pick (on `picking.line.shorted`, or of a shipComplete order\'s short at packing, `pack-ship.units.short-at-pack`, or when stock arrives for a recovery that waits): re-reserved elsewhere, shipped short, or waiting for stock.' }),
  [InventoryEvents.asnCreated]: Type.Object({
    asnId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, supplier: Type.String(), reference: NullableText,
    expectedOn: Type.Union([Type.String(), Type.Null()], { description: 'The expected arrival date (YYYY-MM-DD).' }),
    lines: List(Type.Object({
      lineNo: Type.Integer(), sku: Type.String(), lot: Lot, expiresOn: NullableText, quantity: Type.Integer(),
      serials: List(Type.String()), expectedLpn: NullableText,
    })),
  }, { description: 'An advance shipping notice (expected receipt) was registered (`POST /inventory/asns`).' }),
  [InventoryEvents.asnCancelled]: Type.Object({
    asnId: Type.String(), siteId: Type.String(), reason: NullableText,
  }, { description: 'An ASN nothing was received against was cancelled (`POST /inventory/asns/{id}/cancel`).' }),
  [InventoryEvents.asnClosed]: Type.Object({
    asnId: Type.String(), siteId: Type.String(), supplier: Type.String(),
    discrepancies: List(AsnDiscrepancySchema, { description: 'Per line and kind: over, under and damaged receipts (empty: received as expected).' }),
  }, { description: 'Receiving against an ASN was closed (`POST /inventory/asns/{id}/close`); its differences are recorded as discrepancies.' }),
  [InventoryEvents.putawayRequested]: Type.Object({
    putawayId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), lot: Lot, status: Type.Enum(STOCK_STATUSES), quantity: Type.Integer(),
    asnId: NullableText,
    fromLocationId: Type.String({ description: 'The receiving location the units wait at.' }),
    suggestedLocationId: Type.Union([Type.String(), Type.Null()], { description: 'Where the putaway strategy suggests putting them (null: no location fits); the scan decides.' }),
    receiptMovementId: Type.String({ description: 'The movement that left the units at the dock: the RECEIPT, or the RELEASE of held units released there.' }),
  }, { description: 'Units were received (`POST /inventory/inbound-receipts`), or held units were released at the receiving location with no OPEN putaway covering them (`POST /inventory/hold-releases`), and wait there to be put away: tasks queues a PUTAWAY task (reference = putawayId).' }),
  [InventoryEvents.putawayConfirmed]: Type.Object({
    putawayId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), lot: Lot, status: Type.Enum(STOCK_STATUSES),
    quantity: Type.Integer({ description: 'Units this confirm put away.' }),
    locationId: Type.String({ description: 'The location scanned: where the units now are.' }),
    suggestedLocationId: Type.Union([Type.String(), Type.Null()]),
    putAway: Type.Integer({ description: 'Units of the request put away so far.' }),
    remaining: Type.Integer({ description: 'Units still at the receiving location; 0 when the putaway is COMPLETED.' }),
    putawayStatus: Type.Enum(['OPEN', 'COMPLETED'] as const),
    workerId: Type.Union([Type.String(), Type.Null()]),
    movementId: Type.String({ description: 'The PUTAWAY movement out of the receiving location.' }),
    fromLocationId: Type.Optional(Type.String({ description: 'The receiving location the units were put away from. Added in place (issue 12): absent in older events.' })),
  }, { description: 'A putaway was confirmed by scanning the target location (`POST /inventory/putaways/{id}/confirm`), in full (COMPLETED: tasks finishes its PUTAWAY task) or in part.' }),
  [InventoryEvents.putawayCancelled]: Type.Object({
    putawayId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), lot: Lot, status: Type.Enum(STOCK_STATUSES),
    fromLocationId: Type.String({ description: 'The receiving location the units waited at.' }),
    putAway: Type.Integer({ description: 'Units of the request put away before it was cancelled.' }),
    remaining: Type.Integer({ description: 'Units the request no longer covers: left where they are (nothing moves with the cancel).' }),
    reason: Type.String(),
    leftAtDock: Type.Optional(Type.Integer({ description: 'An AVAILABLE putaway cancelled by a person: of its remaining units, those still at the receiving location in that status that no other OPEN putaway covers (0: they left the dock another way). Orchestration raises UNITS_LEFT_AT_DOCK when above 0. Added in place: absent in older events and when a hold release withdrew the putaway.' })),
  }, { description: 'A putaway was withdrawn with units still open (`POST /inventory/putaways/{id}/cancel`, or `POST /inventory/hold-releases` at the receiving location releasing every unit it still covered out of its status, or an LPN lost there found elsewhere, a move, an adjustment down, a cycle count or a stock count import taking every unit it still covered off the receiving location): nothing moves; tasks withdraws its PUTAWAY task.' }),
  [InventoryEvents.putawayReduced]: Type.Object({
    putawayId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), lot: Lot, status: Type.Enum(STOCK_STATUSES),
    fromLocationId: Type.String({ description: 'The receiving location the units wait at.' }),
    previousQuantity: Type.Integer({ description: 'Units the request covered before.' }),
    quantity: Type.Integer({ description: 'Units it covers now (still more than it put away: it stays OPEN, same PUTAWAY task).' }),
    putAway: Type.Integer({ description: 'Units of the request put away so far.' }),
    remaining: Type.Integer({ description: 'Units still to put away: quantity − putAway.' }),
    reason: Type.String(),
    movementId: Type.String({ description: 'The movement that took the units out of the status the request was for (the RELEASE) or off the receiving location (the move, adjustment or count).' }),
  }, { description: 'An OPEN putaway was reduced: some of the units it covered at the receiving location left its status there (`POST /inventory/hold-releases` releasing QUARANTINE or DAMAGED units it covered; they get an AVAILABLE putaway of their own), or left the receiving location (an LPN lost there found elsewhere, a move, an adjustment down, a cycle count or a stock count import took them). Nothing moves; it stays OPEN with its PUTAWAY task.' }),
  [InventoryEvents.held]: Type.Object({
    siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), locationId: Type.String(), lot: Lot, status: Type.Enum(HELD_STATUSES), quantity: Type.Integer(),
    reason: Type.String(), movementId: Type.String({ description: 'The HOLD movement out of AVAILABLE; the one into the held status references it.' }),
    uncoveredAtDock: Type.Optional(Type.Integer({ description: 'Set when the units were held at a receiving location: the AVAILABLE units of this owner, SKU and lot still on hand there after it that no OPEN putaway covers (orchestration resolves UNITS_LEFT_AT_DOCK at 0). Added in place: absent in older events and at other locations.' })),
  }, { description: 'Units were put on HOLD, QUARANTINE or DAMAGED (`POST /inventory/holds`, HOLD movements): they left ATP at once and are never allocated nor reserved until released.' }),
  [InventoryEvents.holdReleased]: Type.Object({
    siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), locationId: Type.String(), lot: Lot, fromStatus: Type.Enum(HELD_STATUSES), quantity: Type.Integer(),
    reason: Type.String(), movementId: Type.String({ description: 'The RELEASE movement out of the held status; the one into AVAILABLE references it.' }),
  }, { description: 'Held units were released back to AVAILABLE (`POST /inventory/hold-releases`, RELEASE movements); at a pickable location they rejoin ATP and free stock for backorders.' }),
  [InventoryEvents.countRequested]: Type.Object({
    countId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, locationId: Type.String(), sku: Type.String(), lot: Lot,
    origin: Type.Enum(COUNT_ORIGINS),
    attempt: Type.Integer({ description: '1: the first count; 2: the recount a count beyond tolerance asks for.' }),
    taskReference: Type.String({ description: 'The reference the COUNT task is queued under (one task per attempt).' }),
    excludedWorkerId: Type.Optional(Type.String({ description: 'The recount\'s: the worker who did the first count, who may not do it (its COUNT task is never offered to them). Absent when the first count named no worker.' })),
  }, { description: 'A blind count is to be done (a count opened, or its recount asked for): tasks queues a COUNT task. The location is under count (not pickable, no moves) until the count closes.' }),
  [InventoryEvents.countSubmitted]: Type.Object({
    countId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, locationId: Type.String(), sku: Type.String(), lot: Lot,
    attempt: Type.Integer(), taskReference: Type.String(),
    counted: Type.Integer({ description: 'Units the counter found.' }),
    expected: Type.Integer({ description: 'Units the ledger held on the shelf there when the count was submitted: the AVAILABLE on-hand and the held units beside it (not a lost LPN\'s); the variance is applied to AVAILABLE.' }),
    variance: Type.Integer({ description: 'counted − expected.' }),
    withinTolerance: Type.Boolean(),
    result: Type.Enum(COUNT_RESULTS, { description: 'ADJUSTED: within tolerance, applied at once; RECOUNT: a second count is asked for; AWAITING_APPROVAL: the recount was beyond tolerance too.' }),
    workerId: Type.Union([Type.String(), Type.Null()]),
  }, { description: 'A counter submitted a count (`POST /inventory/counts/{id}/submit`): tasks finishes that attempt\'s COUNT task.' }),
  [InventoryEvents.countClosed]: Type.Object({
    countId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, locationId: Type.String(), sku: Type.String(), lot: Lot,
    status: Type.Union([Type.Literal('COMPLETED'), Type.Literal('REJECTED')]),
    variance: Type.Integer({ description: 'The variance of the last count submitted.' }),
    applied: Type.Integer({ description: 'Units the COUNT movement changed on-hand by (0 when rejected or when nothing differed).' }),
    movementId: Type.Union([Type.String(), Type.Null()], { description: 'The COUNT movement, when the variance was not 0 and applied.' }),
    decidedBy: Type.Union([Type.String(), Type.Null()], { description: 'The manager who approved or rejected, when a count needed approval or was abandoned.' }),
    reason: Type.Union([Type.String(), Type.Null()]),
    withdrawnTaskReference: Type.Optional(Type.String({ description: 'A count rejected while OPEN or in RECOUNT (abandoned): the reference of the COUNT task nobody submitted, which tasks withdraws.' })),
  }, { description: 'A count closed: its variance applied (within tolerance, or approved) or rejected by a manager (after its recount, or abandoned before: variance 0 when nothing was submitted). The location is released from the count (it rejoins ATP when nothing else counts it).' }),
  [InventoryEvents.replenishmentRequested]: Type.Object({
    ...ReplenishmentProperties,
    trigger: Type.Enum(REPLENISHMENT_TRIGGERS),
    triggerReference: Type.Union([Type.String(), Type.Null()], { description: 'What caused it: the movement or pick line that left the face low, the wave whose demand it is, the short pick line.' }),
  }, { description: 'A pick face needs units from a reserve/storage location (below its min, a short pick, a released wave\'s demand, or asked by hand): tasks queues a REPLENISH task (reference = replenishmentId). One open replenishment per face and SKU.' }),
  [InventoryEvents.replenishmentCompleted]: Type.Object({
    ...ReplenishmentProperties,
    moved: Type.Integer({ description: 'Units moved into the face by the confirm (MOVE movements, reason REPLENISH).' }),
    workerId: Type.Union([Type.String(), Type.Null()]),
    movementId: Type.String({ description: 'The MOVE movement at the source.' }),
  }, { description: 'A replenishment was confirmed by scanning the face (`POST /replenishments/{id}/confirm`): tasks finishes its REPLENISH task; short picks waiting for the SKU and its backorders are retried.' }),
  [InventoryEvents.replenishmentCancelled]: Type.Object({
    ...ReplenishmentProperties, reason: Type.String(),
  }, { description: 'An open replenishment was withdrawn (`POST /replenishments/{id}/cancel`): tasks withdraws its REPLENISH task.' }),
  [InventoryEvents.replenishmentWaiting]: Type.Object({
    waitId: Type.String({ description: 'The wait (one per face, owner and SKU at a time); its wait-ended names it.' }),
    siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(),
    faceLocationId: Type.String({ description: 'The pick face that needs units.' }),
    trigger: Type.Enum(REPLENISHMENT_TRIGGERS), triggerReference: Type.Union([Type.String(), Type.Null()]),
    underCount: List(Type.String(), { description: 'Reserve/storage locations holding free units of the SKU that a cycle count holds (nothing moves from them until it closes); empty: no reserve or storage location holds free AVAILABLE units (held, quarantined, expired, or none).' }),
  }, { description: 'A pick face needs units (below its min, a wave\'s demand, a short pick) but no reserve or storage location has free units to bring: no replenishment could be asked for. Said once per wait; orchestration raises NO_REPLENISHMENT_SOURCE. Inventory asks again each time stock of the SKU is freed.' }),
  [InventoryEvents.replenishmentWaitEnded]: Type.Object({
    waitId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), faceLocationId: Type.String(),
    outcome: Type.Enum(['REQUESTED', 'NOT_NEEDED'] as const, { description: 'REQUESTED: a source was found and a replenishment asked for (or one is open); NOT_NEEDED: the face no longer needs units (above min, at max, no min/max, not ACTIVE).' }),
    replenishmentId: Type.Union([Type.String(), Type.Null()], { description: 'REQUESTED: the open replenishment.' }),
  }, { description: 'A face\'s wait for a replenishment source ended: orchestration resolves its NO_REPLENISHMENT_SOURCE.' }),
  [InventoryEvents.rmaAuthorised]: Type.Object({
    rmaId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, customerRef: Type.String(), orderRef: Type.Union([Type.String(), Type.Null()]),
    lines: List(Type.Object({ lineId: Type.String(), sku: Type.String(), quantity: Type.Integer(), reason: Type.String() })),
  }, { description: 'A customer return was authorised (`POST /rmas`): units of these SKUs may be received against it, no more than authorised.' }),
  [InventoryEvents.rmaReceived]: Type.Object({
    rmaId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, locationId: Type.String({ description: 'Where the units landed, in QUARANTINE (on hand, never promised).' }),
    lines: List(Type.Object({ lineId: Type.String(), sku: Type.String(), lot: Lot, quantity: Type.Integer(), movementId: Type.String() })),
  }, { description: 'Units of an RMA were received (`POST /rmas/{id}/receive`): RECEIPT movements in QUARANTINE status, reason RMA.' }),
  [InventoryEvents.rmaInspected]: Type.Object({
    rmaId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, lineId: Type.String(), sku: Type.String(), lot: Lot,
    disposition: Type.Enum(RMA_DISPOSITIONS), quantity: Type.Integer(),
    locationId: Type.String({ description: 'RESTOCK: the location scanned, where the units are now AVAILABLE; otherwise where they were received.' }),
    toPickable: Type.Boolean({ description: 'RESTOCK: whether that location is pickable (the units joined ATP).' }),
    status: Type.Enum(RMA_STATUSES, { description: 'The RMA after this inspection (INSPECTED once every received unit has a disposition).' }),
  }, { description: 'Units of an RMA line were inspected and dispositioned (`POST /rmas/{id}/lines/{lineId}/inspect`): RESTOCK (RELEASE movements into AVAILABLE; frees stock for backorders), QUARANTINE (stay held), SCRAP or RETURN_TO_VENDOR (ADJUST out, reason SCRAP / RTV).' }),
  [InventoryEvents.rmaClosed]: Type.Object({ rmaId: Type.String(), siteId: Type.String() }, { description: 'An inspected RMA was closed (`POST /rmas/{id}/close`).' }),
  [InventoryEvents.rmaCancelled]: Type.Object({ rmaId: Type.String(), siteId: Type.String(), reason: Type.String() }, { description: 'An RMA nothing was received against was cancelled (`POST /rmas/{id}/cancel`).' }),
  [InventoryEvents.qualityHoldPlaced]: Type.Object({
    inspectionId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), locationId: Type.String(), lot: Lot,
    requested: Type.Integer({ description: 'Units the failed inspection asked to hold there (its target\'s quantity).' }),
    held: Type.Integer({ description: 'Units put on HOLD there: no more than were AVAILABLE, not reserved for picking nor promised to orders.' }),
    shortfall: Type.Integer({ description: 'requested − held: inspected units the hold could not take (put away, moved, reserved or promised meanwhile), still AVAILABLE somewhere; orchestration raises QUALITY_HOLD_INCOMPLETE when above 0. Units another failed inspection of the same receipt already answers for (its hold held them or said them short) are not counted again.' }),
    movementId: Type.Union([Type.String(), Type.Null()], { description: 'The HOLD movement; null when nothing could be held (or the units were on HOLD already, `sharedWith`).' }),
    sharedWith: Type.Optional(Type.String({ description: 'Another failed inspection of the same receipt holds these units already: this hold joined it (no HOLD movement; `held` = the units they now hold together). They stay on HOLD until both are disposed of.' })),
  }, { description: 'Inventory applied a failed stock inspection\'s hold (`quality.hold.placed`) to the units where they were received.' }),
  [InventoryEvents.lpnHoldPlaced]: Type.Object({
    lpnId: Type.String(), lossEventId: Type.String({ description: 'The `physical-tracking.lpn.lost` event this hold answers.' }),
    siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), locationId: Type.String({ description: 'Where the LPN was lost (its last location).' }), lot: Lot,
    requested: Type.Integer({ description: 'Units the LPN held of this SKU and lot (not in process for an order).' }),
    held: Type.Integer({ description: 'Units put on HOLD there (reason LPN_LOST): no more than were AVAILABLE, not reserved for picking nor promised to orders.' }),
    shortfall: Type.Integer({ description: 'requested − held: units of the lost LPN the hold could not take (not there, reserved or promised), still AVAILABLE on the books; orchestration raises LPN_HOLD_INCOMPLETE when above 0.' }),
    movementId: Type.Union([Type.String(), Type.Null()], { description: 'The HOLD movement; null when nothing could be held.' }),
  }, { description: 'Inventory held a lost LPN\'s units at its last location (`physical-tracking.lpn.lost`), one event per LPN, owner, SKU and lot.' }),
  [InventoryEvents.qualityHoldDisposed]: Type.Object({
    inspectionId: Type.String(), siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(), locationId: Type.String(), lot: Lot,
    disposition: Type.Enum(DISPOSITIONS),
    held: Type.Integer({ description: 'Units the inspection\'s hold put on HOLD there.' }),
    disposed: Type.Integer({ description: 'Units released (RELEASE, REWORK) or taken out of stock (SCRAP, RETURN_TO_VENDOR): those still on HOLD there.' }),
    shortfall: Type.Integer({ description: 'held − disposed: held units no longer there (moved, counted or adjusted away meanwhile); orchestration raises QUALITY_HOLD_SHORTFALL when above 0.' }),
    movementId: Type.Union([Type.String(), Type.Null()], { description: 'The RELEASE or ADJUST movement out of HOLD; null when nothing was left to dispose of.' }),
    stillHeldBy: Type.Optional(Type.String({ description: 'RELEASE / REWORK of units another failed inspection of the same receipt still holds: they stay on HOLD for it (`disposed` 0, no shortfall) until its disposition.' })),
    disposedBy: Type.Optional(Type.String({ description: 'The units this hold shared were already scrapped or returned by that inspection\'s disposition: nothing left to dispose of (`held` 0, no shortfall).' })),
  }, { description: 'Inventory applied a stock inspection\'s disposition (`quality.hold.disposed`) to the units its hold put on HOLD.' }),
  [InventoryEvents.safetyStockSet]: Type.Object({
    siteId: Type.String(), ownerId: OwnerIdField, sku: Type.String(),
    quantity: Type.Integer({ description: 'Units of the SKU (of this owner, at this site) no order is allocated from now on; 0: none (cleared).' }),
    previousQuantity: Type.Integer({ description: 'The safety stock before (0: none).' }),
  }, { description: 'A manager set, changed or cleared a SKU\'s safety stock at a site (`PUT` or `DELETE /inventory/safety-stock/{siteId}/{sku}`, ADR 0057); said only when it changed. ATP is net of it; lowered, the SKU\'s backordered lines (and short picks waiting for it) are retried.' }),
} as const;

type Payload<T extends keyof typeof InventoryEventSchemas> = Static<(typeof InventoryEventSchemas)[T]>;
export type StockReceived = Payload<typeof InventoryEvents.received>;
export type StockAdjusted = Payload<typeof InventoryEvents.adjusted>;
export type QualityHoldPlaced = Payload<typeof InventoryEvents.qualityHoldPlaced>;
export type LpnHoldPlaced = Payload<typeof InventoryEvents.lpnHoldPlaced>;
export type QualityHoldDisposed = Payload<typeof InventoryEvents.qualityHoldDisposed>;
export type SafetyStockSet = Payload<typeof InventoryEvents.safetyStockSet>;
export type StockAllocated = Payload<typeof InventoryEvents.allocated>;
export type StockDeallocated = Payload<typeof InventoryEvents.deallocated>;
export type StockReserved = Payload<typeof InventoryEvents.reserved>;
export type StockShipped = Payload<typeof InventoryEvents.shipped>;
export type StockReturned = Payload<typeof InventoryEvents.returned>;
export type StockReturnRequested = Payload<typeof InventoryEvents.returnRequested>;
export type StockReturnConfirmed = Payload<typeof InventoryEvents.returnConfirmed>;
export type StockReturnCancelled = Payload<typeof InventoryEvents.returnCancelled>;
export type StockMoved = Payload<typeof InventoryEvents.moved>;
export type LocationPickabilityChanged = Payload<typeof InventoryEvents.pickabilityChanged>;
export type ShortResolved = Payload<typeof InventoryEvents.shortResolved>;
export type AsnCreated = Payload<typeof InventoryEvents.asnCreated>;
export type AsnCancelled = Payload<typeof InventoryEvents.asnCancelled>;
export type AsnClosed = Payload<typeof InventoryEvents.asnClosed>;
export type PutawayRequested = Payload<typeof InventoryEvents.putawayRequested>;
export type PutawayCancelled = Payload<typeof InventoryEvents.putawayCancelled>;
export type PutawayReduced = Payload<typeof InventoryEvents.putawayReduced>;
export type ReplenishmentWaiting = Payload<typeof InventoryEvents.replenishmentWaiting>;
export type ReplenishmentWaitEnded = Payload<typeof InventoryEvents.replenishmentWaitEnded>;
export type PutawayConfirmed = Payload<typeof InventoryEvents.putawayConfirmed>;
export type StockHeld = Payload<typeof InventoryEvents.held>;
export type StockHoldReleased = Payload<typeof InventoryEvents.holdReleased>;
export type CountRequested = Payload<typeof InventoryEvents.countRequested>;
export type CountSubmitted = Payload<typeof InventoryEvents.countSubmitted>;
export type CountClosed = Payload<typeof InventoryEvents.countClosed>;
export type ReplenishmentRequested = Payload<typeof InventoryEvents.replenishmentRequested>;
export type ReplenishmentCompleted = Payload<typeof InventoryEvents.replenishmentCompleted>;
export type ReplenishmentCancelled = Payload<typeof InventoryEvents.replenishmentCancelled>;
export type RmaAuthorised = Payload<typeof InventoryEvents.rmaAuthorised>;
export type RmaReceived = Payload<typeof InventoryEvents.rmaReceived>;
export type RmaInspected = Payload<typeof InventoryEvents.rmaInspected>;

/** Coded errors of the stock ledger. */
export const InventoryErrors = {
  INSUFFICIENT_STOCK: { status: 409, title: 'Not enough stock' },
  NOT_ON_ASN: { status: 422, title: 'The ASN expects no such SKU and lot' },
  OVER_RECEIPT: { status: 409, title: 'More units than the ASN or RMA line still expects' },
  LPN_ALREADY_EXPECTED: { status: 409, title: 'Another open ASN of the site already expects this pallet label' },
  NOT_A_RECEIVING_LOCATION: { status: 422, title: 'Goods are received at a RECEIVING location' },
  NO_RECEIVING_LOCATION: { status: 422, title: 'The site has no active RECEIVING location' },
  PUTAWAY_TARGET_NOT_ALLOWED: { status: 422, title: 'The scanned location cannot take these units' },
  STOCK_RESERVED: { status: 409, title: 'The units are reserved for picking' },
  STOCK_ALLOCATED: { status: 409, title: 'The units are promised to orders' },
  LOCATION_UNDER_COUNT: { status: 409, title: 'The location is under count' },
  HELD_BY_INSPECTION: { status: 409, title: 'An open quality inspection or RMA inspection holds the units; give its disposition instead' },
  COUNT_ATTEMPT_MISMATCH: { status: 409, title: 'The count is not at that attempt' },
  RECOUNT_BY_SAME_COUNTER: { status: 409, title: 'A recount needs another counter' },
  OWN_COUNT_APPROVAL: { status: 403, title: 'A person who counted may not approve the count\'s variance' },
  NO_REPLENISHMENT_SOURCE: { status: 409, title: 'No reserve or storage location holds free units of the SKU' },
  AS_OF_IN_FUTURE: { status: 422, title: 'Stock is known up to the present, not beyond' },
  UNKNOWN_OWNER: { status: 422, title: 'Unknown owner' },
  OWNER_NOT_ALLOWED: { status: 403, title: 'This caller acts for another owner' },
  OWNER_CODE_TAKEN: { status: 409, title: 'An owner with this code exists' },
  SERIAL_IN_STOCK: { status: 409, title: 'A unit with this serial of the SKU is already in stock (or picked) at the site' },
} as const satisfies ErrorSpecs;

/** The owner every request that names none acts for (ADR 0028): the site's own stock before it had clients. */
export const DEFAULT_OWNER_ID = 'own_default';

/** An owner: a 3PL client whose stock and orders the site keeps apart from every other owner's (ADR 0028). */
export interface Owner {
  readonly id: string;
  readonly code: string;
  readonly name: string;
}

/**
 * The owner a request acts for, from the owner it names (by id; absent: the default owner) and the caller's owner scope
 * (an owner-scoped API key; null: any owner). A scoped caller that names no owner acts for its own; naming another one
 * (known or not) is 403 OWNER_NOT_ALLOWED, so a scoped key learns nothing of other owners; an unknown owner is 422
 * UNKNOWN_OWNER naming `field`. Contexts call it once at their edge and keep the id.
 */
export async function resolveOwnerId(
  api: Pick<InventoryApi, 'getOwner'>, requested: string | undefined, scope: string | null, field = '/ownerId',
): Promise<Outcome<string>> {
  if (scope !== null && requested !== undefined && requested !== scope) {
    return reject('OWNER_NOT_ALLOWED', `This caller acts for owner ${scope} only`, [{ field, message: 'is not the owner this caller acts for' }]);
  }
  // Naming no owner costs no lookup: the default owner always exists (migration 013), a key's owner was set by an admin.
  if (requested === undefined) return ok(scope ?? DEFAULT_OWNER_ID);
  const id = requested;
  const owner = await api.getOwner(id);
  return owner === undefined ? reject('UNKNOWN_OWNER', `No owner ${id}: name an owner by its id (own_…; GET /owners lists them), not its code`, [{ field, message: 'is not the id of an owner' }]) : ok(owner.id);
}

/** The inventory commands other contexts run in-process (orchestration's exception actions); not served over gRPC. */
export interface InventoryCommands {
  /**
   * Runs the backorder retry now for these SKUs (as freed stock does): backordered lines are allocated oldest order
   * first, whole lines only. Returns the orders now completely allocated: those this retry allocated, and `forOrder`
   * (the order the caller retries for) when it is allocated already, none of its lines backordered (an earlier retry
   * or freed stock allocated it, and the caller has not heard yet: a supervisor's retry after a restart).
   */
  retryBackorders(siteId: string, skus: readonly string[], meta: EventMeta, forOrder?: string): Promise<readonly string[]>;
  /**
   * Sets AVAILABLE on-hand to counted quantities (CSV stock import, ADR 0040) in one transaction: per row the difference
   * to what is on hand is one ADJUST movement, reason COUNT (none when it is 0), under the rules of POST
   * /inventory/adjustments (never below reserved, never the SKU's pickable units below allocated). Keys the rows do not
   * name are left as they are. Any error → nothing written; `dryRun` checks and counts only.
   */
  applyStockCounts(rows: readonly StockCountRow[], options: { readonly dryRun: boolean }, meta: EventMeta): Promise<StockCountResult>;
  /** Registers an ASN as `POST /inventory/asns` does (integrations: ASNs from an ERP, ADR 0039). */
  createAsn(input: AsnIntake, meta: EventMeta): Promise<Outcome<{ readonly asnId: string }>>;
  /** Every balance of a site with units on hand or reserved, in key order (integrations: inventory snapshots for an ERP). */
  stockSnapshot(siteId: string): Promise<readonly StockSnapshotLine[]>;
}

/** A counted quantity of a SKU and lot at a location, AVAILABLE status (CSV stock import, ADR 0040). */
export interface StockCountRow {
  readonly siteId: string;
  readonly ownerId: string;
  readonly sku: string;
  /** The location by code, as the floor scans it. */
  readonly locationCode: string;
  readonly lot: string | null;
  /** The expiry of units added to a balance that has none yet (expiry-controlled SKUs need it). */
  readonly expiresOn: string | null;
  readonly quantity: number;
}

/** What a stock import did (or would do): `created` keys that had no balance, `updated` ones adjusted, `unchanged` ones already right. */
export interface StockCountResult {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Units added and removed in all (the sum of the positive and of the negative ADJUST movements). */
  readonly added: number;
  readonly removed: number;
  readonly errors: readonly { readonly index: number; readonly field: string; readonly message: string }[];
  readonly written: boolean;
}

/** An ASN as another context hands it to inventory: the site and owner resolved (owner absent: the default owner). */
export interface AsnIntake {
  readonly siteId: string;
  readonly ownerId?: string | undefined;
  readonly supplier: string;
  readonly reference?: string | undefined;
  readonly expectedOn?: string | undefined;
  readonly lines: readonly { readonly sku: string; readonly quantity: number; readonly lot?: string | undefined; readonly expiresOn?: string | undefined }[];
}

/** One balance of an inventory snapshot. */
export interface StockSnapshotLine {
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly status: string;
  readonly ownerId: string;
  readonly onHand: number;
  readonly reserved: number;
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
  /** An owner (3PL client) by id; undefined when there is none (ADR 0028). */
  getOwner(id: string): Promise<Owner | undefined>;
  /**
   * On-hand per location, SKU, lot and owner (every stock status summed) at the given locations of a site, in that key order;
   * in-process locations (`IN_PROCESS:<orderId>`) may be asked for too. Zero balances are left out. Physical tracking
   * reconciles its LPN contents against it (issue 12).
   */
  locationBalances(siteId: string, locationIds: readonly string[]): Promise<readonly LocationBalance[]>;
  /**
   * The open cycle counts (OPEN, RECOUNT or AWAITING_APPROVAL) at the given locations of a site, by location then count
   * id: a location with one is under count, nothing moves from or to it (409 LOCATION_UNDER_COUNT). Physical tracking
   * asks before an LPN is found somewhere else than where it was lost, since inventory then moves its held units.
   */
  openCountsAt(siteId: string, locationIds: readonly string[]): Promise<readonly OpenCountAt[]>;
  /**
   * The inventory work a task of `taskType` carries under `reference` (its tasks reference), when it is still open: a
   * putaway or return to stock not confirmed in full, a replenishment not confirmed, a count attempt not submitted.
   * undefined when it is done, withdrawn, or inventory holds no such work (a task a short's resolution named). Tasks
   * asks it before a worker completes such a task by hand.
   */
  openTaskWork(taskType: TaskWorkType, reference: string): Promise<OpenTaskWork | undefined>;
  /**
   * How the inventory work a task of `taskType` carries under `reference` stands: OPEN (still to do), DONE (the
   * putaway, replenishment or return confirmed in full, the count attempt submitted) or WITHDRAWN (cancelled, or the
   * count closed before the attempt was submitted). undefined when inventory holds no such work. Tasks asks it to end
   * a held task as its work's event would: DONE → COMPLETED, WITHDRAWN → CANCELLED.
   */
  taskWorkState(taskType: TaskWorkType, reference: string): Promise<TaskWorkState | undefined>;
  /**
   * A RECEIVE_LPN scan about to receive the LPN `lpnId` (label `code`) for these ASNs, asked before it commits: each
   * ASN of the site still OPEN or RECEIVING is locked and the LPN's arrival recorded against it (an ASN with a pallet
   * scanned in is not cancelled, nor closed unbooked unless on purpose), committed before the answer; answers the ASNs
   * that took it. The others (CLOSED, CANCELLED, unknown) take nothing: the scan receives nothing for them. Closes the
   * instant in which a cancel or close passed before inventory heard the scan's event (ADR 0029, addendum of 2026-12-06).
   */
  admitAsnLpnArrival(arrival: AsnLpnArrivalAdmission): Promise<readonly string[]>;
  /**
   * The RECEIVE_LPN scan that was admitted under `lpnId` did not commit (refused after the admission, or its transaction
   * failed): the arrivals recorded under that LPN id at the site are dropped, so its ASNs are cancelled or closed as if
   * it had never been scanned. Only the scan that asked calls it, once its transaction is over without the LPN: an LPN id
   * is never used by another scan. Nothing to drop is no error (ADR 0029, addendum of 2026-12-06, "a refused scan").
   */
  withdrawAsnLpnArrival(withdrawal: { readonly siteId: string; readonly lpnId: string }): Promise<void>;
}

/** What `InventoryApi.admitAsnLpnArrival` is asked. */
export interface AsnLpnArrivalAdmission {
  readonly siteId: string;
  readonly asnIds: readonly string[];
  /** The label as physical tracking reads it (`lpnLabelCode`). */
  readonly code: string;
  readonly lpnId: string;
  readonly locationId: string | null;
}

/** Where a task's inventory work stands (`InventoryApi.taskWorkState`); DONE and WITHDRAWN are final. */
export const TASK_WORK_STATES = ['OPEN', 'DONE', 'WITHDRAWN'] as const;
export type TaskWorkState = (typeof TASK_WORK_STATES)[number];

/** The task types whose work inventory holds (tasks' PUTAWAY, REPLENISH, MOVE — a return to stock —, COUNT). */
export const TASK_WORK_TYPES = ['PUTAWAY', 'REPLENISH', 'MOVE', 'COUNT'] as const;
export type TaskWorkType = (typeof TASK_WORK_TYPES)[number];

/** The id prefix of the record inventory holds behind each task work type (a count attempt: `cnt_…` or `cnt_…:recount`). */
const TASK_WORK_RECORD_PREFIX: Record<TaskWorkType, string> = { PUTAWAY: 'put_', REPLENISH: 'rpl_', MOVE: 'rtn_', COUNT: 'cnt_' };

/**
 * Whether a task's reference names a record inventory holds (a putaway, replenishment, return to stock or count),
 * so that `openTaskWork` answering undefined means that work is closed (`taskWorkState` says how) — not a task a short's resolution named
 * (`<location>:<sku>:<line>`), which has no record and whose work inventory cannot tell.
 */
export function namesTaskWorkRecord(taskType: TaskWorkType, reference: string): boolean {
  return reference.startsWith(TASK_WORK_RECORD_PREFIX[taskType]);
}

/** Inventory work still open behind a task (`InventoryApi.openTaskWork`). */
export interface OpenTaskWork {
  /** What it is: PUTAWAY (`GET /inventory/putaways/{id}`), REPLENISHMENT (`/replenishments/{id}`), RETURN (`/inventory/returns/{id}`), COUNT (`/inventory/counts/{id}`). */
  readonly kind: 'PUTAWAY' | 'REPLENISHMENT' | 'RETURN' | 'COUNT';
  readonly id: string;
  /** Its status now (OPEN; a count OPEN or RECOUNT). */
  readonly status: string;
  /** Units still to move (putaway, replenishment, return); null for a count. */
  readonly remaining: number | null;
}

/** An open cycle count holding a location. */
export interface OpenCountAt {
  readonly locationId: string;
  readonly countId: string;
}

/** Units on hand at one location, of one SKU and lot (null: no lot). */
export interface LocationBalance {
  readonly locationId: string;
  readonly sku: string;
  readonly lot: string | null;
  /** Whose units (ADR 0028). */
  readonly ownerId: string;
  readonly onHand: number;
}
