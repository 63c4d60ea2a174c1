/** orders: fulfilment orders and their lifecycle. */
import { Type, type Static } from 'typebox';
import { List } from '../platform/bus/published-language.ts';
import type { EventMeta } from '../platform/bus/envelope.ts';
import type { ErrorSpecs, Outcome } from '../platform/errors.ts';

export const ORDER_STATUSES = ['RECEIVED', 'ALLOCATED', 'BACKORDERED', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'ON_HOLD'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const OrderLineDataSchema = Type.Object({ lineId: Type.String(), lineNo: Type.Integer(), sku: Type.String(), quantity: Type.Integer() });
export type OrderLineData = Static<typeof OrderLineDataSchema>;

export interface ShipTo {
  readonly name: string;
  /** The consignee's company, when there is one. */
  readonly company?: string;
  readonly line1: string;
  readonly line2?: string;
  readonly line3?: string;
  readonly city: string;
  /** State, province or region (US state, CA province…) as the storefront sends it. */
  readonly state?: string;
  readonly postalCode: string;
  readonly country: string;
  /** For the carrier's delivery notice. */
  readonly phone?: string;
  readonly email?: string;
}

/** An order as the intake receives it (`POST /orders` as a call); carrier and priority fall back to the route's defaults. */
export interface OrderIntake {
  readonly externalId: string;
  /** Site id or code. */
  readonly siteId: string;
  readonly carrier?: string;
  readonly priority?: number;
  readonly shipTo: ShipTo;
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
}

export const OrderEvents = {
  received: 'orders.order.received.v1',
  allocated: 'orders.order.allocated.v1',
  backordered: 'orders.order.backordered.v1',
  waved: 'orders.order.waved.v1',
  released: 'orders.order.released.v1',
  pickingStarted: 'orders.order.picking-started.v1',
  picked: 'orders.order.picked.v1',
  packed: 'orders.order.packed.v1',
  shipped: 'orders.order.shipped.v1',
  delivered: 'orders.order.delivered.v1',
  cancelled: 'orders.order.cancelled.v1',
  unwaved: 'orders.order.unwaved.v1',
  reprioritised: 'orders.order.reprioritised.v1',
  updated: 'orders.order.updated.v1',
  linesChanged: 'orders.order.lines-changed.v1',
  heldOnRequest: 'orders.order.held.v1',
  holdReleased: 'orders.order.hold-released.v1',
  changeDropped: 'orders.order.change-dropped.v1',
} as const;

/** Cancellation reasons PakLog sets itself (a user's cancel carries the user's free-text reason). */
export const CANCEL_REASONS = {
  /** Every unit of the order was shorted at picking: nothing is left to pack or ship. */
  shorted: 'SHORTED',
} as const;

/** Why a packed order is PICKED again: a sealed package of it was opened, its units are to pack in another round (ADR 0049 addendum 2026-12-04). */
export const PACKING_REOPENED = 'PACKING_REOPENED';

/** Why an order is BACKORDERED when it is not plain allocation. */
export const BACKORDER_REASONS = {
  /** Its release could not reserve it: it left its wave and waits for allocation. */
  reservationShortage: 'RESERVATION_SHORTAGE',
  /** A short pick left units missing, no other location holds them and the order ships complete: it waits for stock, picked units in its tote. */
  shortPick: 'SHORT_PICK',
} as const;

const Status = Type.Enum(ORDER_STATUSES);
/** Payload of backordered, waved, unwaved, released, picking-started, picked and packed. */
const OrderStatusChangedSchema = (description: string) => Type.Object({
  orderId: Type.String(), siteId: Type.String(), from: Status, to: Status,
  ownerId: Type.Optional(Type.String({ description: "The order's owner (ADR 0028). Absent: the default owner." })),
  reason: Type.Optional(Type.String({ description: 'Why, when the move is an exception: `RESERVATION_SHORTAGE` for an order sent back from its wave to allocation, `SHORT_PICK` for a shipComplete order waiting for stock after a short pick, `PACKING_REOPENED` for a packed order whose sealed package was opened again (PACKED → PICKED).' })),
}, { description });

/** The payload of every orders event, by type name; the description says when it is emitted. */
export const OrderEventSchemas = {
  [OrderEvents.received]: Type.Object({
    orderId: Type.String(), externalId: Type.String(), siteId: Type.String(), carrier: Type.String(),
    priority: Type.Integer({ description: '1 is the most urgent, 9 the least.' }), lines: List(OrderLineDataSchema),
    shipComplete: Type.Optional(Type.Boolean({ description: 'True: the order never ships partial (a short pick with no stock elsewhere waits for stock). Absent: false.' })),
    shipTo: Type.Optional(Type.Object({
      name: Type.String(), line1: Type.String(), line2: Type.Optional(Type.String()), city: Type.String(), postalCode: Type.String(), country: Type.String(),
    }, { description: 'Where the order goes (labels, carriers). Absent in older events.' })),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (3PL client, ADR 0028): it is fulfilled from that owner's stock only. Absent: the default owner `own_default`." })),
    shipBy: Type.Optional(Type.String({ description: "The order's own ship-by (ISO instant, UTC), as given at intake: orchestration raises SHIP_BY_MISSED when the order has not shipped by then. Absent: none given (and in older events; added in place 2026-12-06)." })),
  }, { description: 'An order was accepted (`POST /orders`); emitted once per order, not for an idempotent repeat.' }),
  [OrderEvents.allocated]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), carrier: Type.String(), priority: Type.Integer(), lines: List(OrderLineDataSchema),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (ADR 0028). Absent: the default owner." })),
  }, { description: 'The order is ready for wave planning: every line allocated (RECEIVED or BACKORDERED → ALLOCATED).' }),
  [OrderEvents.backordered]: OrderStatusChangedSchema('Some line could not be allocated (→ BACKORDERED), a release could not reserve the order (`reason` RESERVATION_SHORTAGE), or a shipComplete order waits for stock after a short pick (`reason` SHORT_PICK).'),
  [OrderEvents.waved]: OrderStatusChangedSchema('The order was planned into a wave (→ WAVED).'),
  [OrderEvents.released]: OrderStatusChangedSchema("The order's wave was released to the floor (→ RELEASED)."),
  [OrderEvents.pickingStarted]: OrderStatusChangedSchema('The first unit of the order was picked or shorted (→ PICKING), or stock was re-reserved for a shipComplete order waiting after a short pick (BACKORDERED → PICKING).'),
  [OrderEvents.picked]: OrderStatusChangedSchema('Picking of the order is done and pack & ship has heard of every picked unit (`pack-ship.order.ready-to-pack`, ADR 0049): it can be packed whole (→ PICKED). '
    + 'Also PACKED → PICKED (`reason` PACKING_REOPENED) when a sealed package of the packed order was opened again and pack & ship starts another packing round: its units are no longer packed (ADR 0049 addendum 2026-12-04); `packed` follows when that round ends.'),
  [OrderEvents.packed]: OrderStatusChangedSchema('Every picked unit of the order is packed (→ PACKED): once per packing round (again after a PACKED → PICKED `picked` with `reason` PACKING_REOPENED).'),
  [OrderEvents.shipped]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), partial: Type.Boolean(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (ADR 0028). Absent: the default owner." })),
    lines: List(Type.Object({
      lineId: Type.String(), sku: Type.String(), ordered: Type.Integer(), shipped: Type.Integer(),
      cancelled: Type.Optional(Type.Integer({ minimum: 1, description: 'Units of the line cancelled before it shipped (a line cancel, ADR 0046 addendum): not short. Absent: none.' })),
    })),
  }, { description: 'The order left on a dispatched shipment (→ SHIPPED); `partial` when lines were shorted.' }),
  [OrderEvents.delivered]: Type.Object({
    orderId: Type.String(), siteId: Type.String(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (ADR 0028). Absent: the default owner." })),
    deliveredAt: Type.String({ description: 'When the carrier delivered the last of its shipments (ISO-8601, as the carrier reported it).' }),
    shipmentIds: List(Type.String(), { description: 'The shipments that carried the order, every one delivered.' }),
  }, { description: 'The carrier delivered every shipment of the shipped order (`pack-ship.order.delivered`): SHIPPED → DELIVERED, final. A return goes through an RMA.' }),
  [OrderEvents.cancelled]: Type.Object({
    orderId: Type.String(), siteId: Type.String(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (ADR 0028). Absent: the default owner." })),
    previousStatus: Type.Enum(ORDER_STATUSES, { description: 'Status the order had when cancelled: tells consumers what to undo.' }),
    lines: List(Type.Object({
      lineId: Type.String(), lineNo: Type.Integer(), sku: Type.String(), quantity: Type.Integer({ description: 'Units ordered (as received or last changed).' }),
      cancelled: Type.Optional(Type.Integer({ minimum: 1, description: 'Units of the line cancelled by a line cancel before the order was cancelled whole (ADR 0046 addendum): not short. Absent: none.' })),
    })),
    reason: Type.Union([Type.String(), Type.Null()], { description: "The user's reason, or `SHORTED` when every unit was shorted at picking." }),
  }, { description: 'The order was cancelled (`POST /orders/{id}/cancel` once pack & ship stopped shipping, or every unit shorted).' }),
  [OrderEvents.unwaved]: OrderStatusChangedSchema("WAVED → ALLOCATED: the order's wave was cancelled before release and it waits for a wave again."),
  [OrderEvents.reprioritised]: Type.Object({
    orderId: Type.String(), siteId: Type.String(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (ADR 0028). Absent: the default owner." })),
    from: Type.Integer({ description: 'The priority it had (1 most urgent, 9 least).' }), to: Type.Integer({ description: 'Its priority now.' }),
  }, { description: "The order's priority changed (`POST /orders/{id}/reprioritise`, or a supervisor's expedite of an exception): the wave pool, its open pick lists and their tasks that are not started follow." }),
  [OrderEvents.updated]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), externalId: Type.String(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (ADR 0028). Absent: the default owner." })),
    shipTo: Type.Object({
      name: Type.String(), line1: Type.String(), line2: Type.Optional(Type.String()), city: Type.String(), postalCode: Type.String(), country: Type.String(),
    }, { description: 'Where the order goes now (the fields `received` carries).' }),
  }, { description: "The order's ship-to changed before it was waved (`OrderCommands.update`: a storefront's orders/updated, an EDI 940 change): pack & ship prints the new address." }),
  [OrderEvents.linesChanged]: Type.Object({
    orderId: Type.String(), externalId: Type.String(), siteId: Type.String(), carrier: Type.String(), priority: Type.Integer(),
    changeId: Type.String({ description: 'The change, as waves held the order for it (`waves.order.held`).' }),
    previousStatus: Type.Enum(ORDER_STATUSES, { description: 'RECEIVED, ALLOCATED or BACKORDERED: what the order was before it went back to allocation.' }),
    previousLines: List(OrderLineDataSchema, { description: 'The lines it had: what inventory releases.' }),
    lines: List(OrderLineDataSchema, { description: 'Its lines now, each with a new lineId: what inventory allocates. After a line cancel (`lineCancelled`) the same lineIds, each with its open units; a line with none left is not listed.' }),
    shipComplete: Type.Optional(Type.Boolean({ description: 'As in `received`. Absent: false.' })),
    shipTo: Type.Object({
      name: Type.String(), line1: Type.String(), line2: Type.Optional(Type.String()), city: Type.String(), postalCode: Type.String(), country: Type.String(),
    }, { description: 'Where the order goes now (it may change with the lines).' }),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (ADR 0028). Absent: the default owner." })),
    lineCancelled: Type.Optional(Type.Object({
      lineId: Type.String(), sku: Type.String(),
      quantity: Type.Integer({ minimum: 1, description: 'Units of the line cancelled by this change (the line\'s `cancelled` grew by as many).' }),
      reason: Type.Union([Type.String(), Type.Null()], { description: "The user's reason, if given." }),
    }, { description: 'Present when the change is a line cancel (`POST /orders/{id}/lines/{lineId}/cancel`, ADR 0046 addendum 2026-12-05): the lines keep their ids, `previousLines` and `lines` carry open units. Absent: a change of the lines (new lineIds).' })),
  }, { description: "The order's lines changed before it was waved (`OrderCommands.update`: a storefront's orders/updated, an EDI 940 change; ADR 0046), or units of a line were cancelled (`lineCancelled`): the order is RECEIVED again; inventory releases the previous lines and allocates these, the wave pool drops it until then, pack & ship, workload and orchestration follow." }),
  [OrderEvents.heldOnRequest]: Type.Object({
    orderId: Type.String(), siteId: Type.String(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (ADR 0028). Absent: the default owner." })),
    holdId: Type.String({ description: 'The hold, as waves held the order out of planning for it (`waves.order.held`).' }),
    from: Type.Enum(ORDER_STATUSES, { description: 'RECEIVED, ALLOCATED or BACKORDERED: where the order was when it was held.' }),
    reason: Type.String({ description: "The user's reason (credit check, address check, customer's request…)." }),
  }, { description: 'The order was put on hold before a wave took it (`POST /orders/{id}/hold`, ADR 0052): ON_HOLD; it keeps its allocation, is allocated while held if it was not, and no wave plans it until the hold is released or it is cancelled.' }),
  [OrderEvents.holdReleased]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), holdId: Type.String(),
    ownerId: Type.Optional(Type.String({ description: "The order's owner (ADR 0028). Absent: the default owner." })),
    to: Type.Enum(ORDER_STATUSES, { description: 'RECEIVED, ALLOCATED or BACKORDERED: where the order goes on, with what was allocated while it was held.' }),
  }, { description: 'The hold of an order was released (`POST /orders/{id}/release-hold`): the wave pool takes it again. When it was allocated (or backordered) while held, `orders.order.allocated` (or `backordered`) follows in the same transaction.' }),
  [OrderEvents.changeDropped]: Type.Object({
    orderId: Type.String(), siteId: Type.String(),
    changeId: Type.String({ description: 'The line change (`chg_…`) or order hold (`hld_…`) waves held the order for (`waves.order.held`).' }),
  }, { description: "Waves held the order for line change or hold `changeId` (`waves.order.held`) but orders will not apply it: it was applied already, replaced by a newer request, or the order can no longer change or be held (ADRs 0046, 0052). Waves releases a pool hold that is still this one's. Not sent while the order is ON_HOLD (the hold's release clears the pool row)." }),
} as const;

type Payload<T extends keyof typeof OrderEventSchemas> = Static<(typeof OrderEventSchemas)[T]>;
export type OrderReceived = Payload<typeof OrderEvents.received>;
/** The order is ready for wave planning: every line allocated. */
export type OrderAllocated = Payload<typeof OrderEvents.allocated>;
/** Payload of backordered, waved, unwaved, released, picking-started, picked and packed. */
export type OrderStatusChanged = Payload<typeof OrderEvents.waved>;
export type OrderCancelled = Payload<typeof OrderEvents.cancelled>;
export type OrderShipped = Payload<typeof OrderEvents.shipped>;
export type OrderDelivered = Payload<typeof OrderEvents.delivered>;
export type OrderReprioritised = Payload<typeof OrderEvents.reprioritised>;
export type OrderUpdated = Payload<typeof OrderEvents.updated>;
export type OrderLinesChanged = Payload<typeof OrderEvents.linesChanged>;
export type OrderHeld = Payload<typeof OrderEvents.heldOnRequest>;
export type OrderHoldReleased = Payload<typeof OrderEvents.holdReleased>;
export type OrderChangeDropped = Payload<typeof OrderEvents.changeDropped>;

/** The order commands other contexts run in-process (orchestration's exception actions). */
export interface OrderCommands {
  /**
   * `POST /orders` as a call (storefront webhooks): the order, `created` false when the same order existed already
   * (idempotent on externalId), or UNKNOWN_SITE / UNKNOWN_SKU / UNKNOWN_CARRIER / UNPROCESSABLE / ORDER_CONFLICT.
   */
  receive(order: OrderIntake, meta: EventMeta): Promise<Outcome<{ orderId: string; status: OrderStatus; created: boolean }>>;
  /**
   * What `receive` would answer for this order, writing nothing (a CSV import checks every order before it writes any):
   * `created` true for a new order, false for a repeat of one received with the same content; or receive's rejection
   * (ORDER_CONFLICT for a repeat with other content, PRODUCT_INACTIVE, SITE_INACTIVE, UNKNOWN_CARRIER…).
   */
  check(order: OrderIntake): Promise<Outcome<{ created: boolean }>>;
  /** `POST /orders/{id}/cancel` as a call: the cancelled order's status, or NOT_FOUND / ORDER_SHIPPED. */
  cancel(orderId: string, reason: string | null, meta: EventMeta): Promise<Outcome<{ orderId: string; status: OrderStatus }>>;
  /** `POST /orders/{id}/reprioritise` as a call: the order's priority now, or NOT_FOUND / ORDER_SHIPPED / ORDER_CANCELLED. */
  reprioritise(orderId: string, priority: number, meta: EventMeta): Promise<Outcome<{ orderId: string; priority: number }>>;
  /**
   * An order sent again with changes, by its externalId (storefront orders/updated, EDI 940 change; ADRs 0040, 0046):
   * while the order is RECEIVED, BACKORDERED or ALLOCATED and in no wave, the ship-to is replaced
   * (`orders.order.updated.v1`) and changed lines are replaced (`orders.order.lines-changed.v1`: the order is allocated
   * again); `changed` false when nothing differs. NOT_FOUND for an unknown externalId; 409 ORDER_IN_FULFILMENT once it
   * is waved or on the floor, ORDER_CANCELLED, ORDER_SHIPPED; 409 ORDER_CHANGE_NOT_SUPPORTED when the site or carrier
   * differ; UNKNOWN_SKU for a new line's SKU, PRODUCT_INACTIVE for more units of a deactivated product than the order
   * holds (its own units of it, kept or fewer, go with the change: ADR 0045 addendum 2026-12-07).
   */
  update(order: OrderIntake, meta: EventMeta): Promise<Outcome<{ orderId: string; status: OrderStatus; changed: boolean }>>;
  /**
   * The id of the order received under this externalId at this site, if any: a channel or partner of one site finds
   * none of another site's orders, even under an externalId its own naming gives too.
   */
  orderIdOf(externalId: string, siteId: string): Promise<string | undefined>;
  /**
   * The order's own ship-by as given at intake (ISO instant), null when it gave none, undefined for an unknown order:
   * what orchestration's fulfilment saga reads for an order received before `orders.order.received` carried it.
   */
  shipByOf(orderId: string): Promise<string | null | undefined>;
}

/** Coded errors of orders. */
export const OrdersErrors = {
  ORDER_CONFLICT: { status: 409, title: 'An order with this external id exists with other content' },
  ORDER_CANCELLED: { status: 409, title: 'The order is cancelled' },
  ORDER_SHIPPED: { status: 409, title: 'The order has already been dispatched' },
  ORDER_SHIPPING: { status: 409, title: 'A SHIP scan of the order\'s units is under way at the dock: ask again in a moment' },
  ORDER_IN_FULFILMENT: { status: 409, title: 'The order is in a wave or on the floor: it can be cancelled, not changed' },
  ORDER_CHANGE_NOT_SUPPORTED: { status: 409, title: 'The site or carrier of an order cannot change; cancel it and send a new one' },
  ORDER_ON_HOLD: { status: 409, title: 'The order is on hold: release the hold first (or cancel it)' },
  ORDER_NOT_ON_HOLD: { status: 409, title: 'The order is not on hold' },
} as const satisfies ErrorSpecs;

/** Order priority: 1 is the most urgent, 9 the least; pick lists and tasks follow the same scale. */
export const ORDER_PRIORITY = { mostUrgent: 1, default: 5, leastUrgent: 9 } as const;
