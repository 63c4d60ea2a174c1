/** picking: pick lists, scan confirmations, short picks. */
import { Type, type Static } from 'typebox';
import { List } from '../platform/bus/published-language.ts';
import type { EventMeta } from '../platform/bus/envelope.ts';
import type { ErrorSpecs } from '../platform/errors.ts';

/** CANCELLED: the line's order was cancelled before it was picked; nobody picks it. */
export const PICK_LINE_STATUSES = ['PENDING', 'PICKED', 'SHORT', 'SKIPPED', 'CANCELLED'] as const;
export type PickLineStatus = (typeof PICK_LINE_STATUSES)[number];
export const PICK_LIST_STATUSES = ['CREATED', 'IN_PROGRESS', 'COMPLETED', 'PARTIAL', 'CANCELLED'] as const;
export type PickListStatus = (typeof PICK_LIST_STATUSES)[number];
/**
 * Why a line was shorted. NOT_FOUND and DAMAGED take the units off the books (SHORT_PICK adjustment); OTHER and
 * EXPIRED leave them on hand: EXPIRED is the way out of a confirm refused LOT_EXPIRED (the lot expired after its
 * reservation), its units stay where they are, out of ATP as expired stock is (ADR 0024 addendum 2026-12-06).
 */
export const SHORT_REASONS = ['NOT_FOUND', 'DAMAGED', 'OTHER', 'EXPIRED'] as const;
export type ShortReason = (typeof SHORT_REASONS)[number];

export const PickingEvents = {
  listCreated: 'picking.list.created.v1',
  linePicked: 'picking.line.picked.v1',
  lineShorted: 'picking.line.shorted.v1',
  listCompleted: 'picking.list.completed.v1',
  listCancelled: 'picking.list.cancelled.v1',
  orderPicked: 'picking.order.picked.v1',
  listReprioritised: 'picking.list.reprioritised.v1',
} as const;

/** Which pick line, order line, reservation and stock an event about a pick line concerns. */
const PickLineRefProperties = {
  pickListId: Type.String(), pickLineId: Type.String(), orderId: Type.String(), lineId: Type.String(), reservationId: Type.String(),
  siteId: Type.String(), sku: Type.String(), locationId: Type.String(), lot: Type.Union([Type.String(), Type.Null()]),
};

/** The payload of every picking event, by type name; the description says when it is emitted. */
export const PickingEventSchemas = {
  [PickingEvents.listCreated]: Type.Object({
    pickListId: Type.String(), waveId: Type.String(), siteId: Type.String(), orderIds: List(Type.String()), lineCount: Type.Integer(),
    routeLength: Type.Union([Type.Number(), Type.Null()], { description: 'Walking distance of the planned route in metres, when coordinates are known.' }),
    priority: Type.Integer({ description: "The most urgent priority of the list's orders (1 is the most urgent, 9 the least, as on orders); the PICK task is queued with it." }),
    firstLocationId: Type.Optional(Type.String({ description: "The location of the list's first stop, in walking order (added in place: optional). The PICK task starts there." })),
    lastLocationId: Type.Optional(Type.String({ description: "The location of the list's last stop (added in place: optional). The PICK task's worker stands there when done." })),
  }, { description: "A routed pick list was made from a wave's reservations (on `inventory.stock.reserved`): one per order, or per cart batch." }),
  [PickingEvents.linePicked]: Type.Object({
    ...PickLineRefProperties, quantity: Type.Integer(), toteId: Type.String(),
    ownerId: Type.Optional(Type.String({
      description: "Whose units were picked: the reservation's owner (ADR 0028; added in place: optional). Absent in older events and on lines "
        + "made before it: the default owner's. Physical tracking takes the units out of that owner's LPN at the location only.",
    })),
    workerId: Type.Optional(Type.String({
      description: 'Who picked (added in place: optional): the signed-in person who scanned, else the worker whose PICK task holds the '
        + 'list (asked of tasks at the scan where it runs in the same process, else as picking heard of the claim). Absent when '
        + 'neither is known (a key scanning a list no task holds) and in older events. Physical tracking records the tote scan '
        + '(PICK_INTO_TOTE) with it.',
    })),
    serials: Type.Optional(List(Type.String(), {
      description: 'The serials scanned, one per unit picked, of a serial-controlled product (ADR 0058; added in place: optional). Absent for '
        + 'other products and in older events. Inventory marks them PICKED for the order in its serial registry.',
    })),
  }, { description: 'Units of a pick line were confirmed by scan (`POST /pick-lists/{id}/lines/{lineId}/confirm`).' }),
  [PickingEvents.lineShorted]: Type.Object({
    ...PickLineRefProperties,
    shortQuantity: Type.Integer({ description: 'Units that were not picked on this line.' }),
    reason: Type.Enum(SHORT_REASONS),
  }, { description: 'A pick line was shorted (`POST /pick-lists/{id}/lines/{lineId}/short`).' }),
  [PickingEvents.listCompleted]: Type.Object({
    pickListId: Type.String(), waveId: Type.String(), siteId: Type.String(), orderIds: List(Type.String()),
    status: Type.Union([Type.Literal('COMPLETED'), Type.Literal('PARTIAL')]),
    ordersDone: Type.Optional(List(Type.String(), {
      description: "The list's orders whose picking is done with it (no other list of theirs open, no short of theirs awaiting recovery). "
        + 'Absent in events written before short-pick recovery: then every order of the list.',
    })),
    unitsPicked: Type.Optional(List(Type.Object({ orderId: Type.String(), units: Type.Integer({ minimum: 0 }) }), {
      description: 'For each order of `ordersDone`, the units picked for it over all its lists: a consumer that projects '
        + '`picking.line.picked` knows it has heard every pick of the order once its own sum matches. Absent in older events.',
    })),
  }, { description: 'Every line of the list is picked, shorted or cancelled (PARTIAL when any was shorted).' }),
  [PickingEvents.listCancelled]: Type.Object({
    pickListId: Type.String(), waveId: Type.String(), siteId: Type.String(), orderIds: List(Type.String()),
  }, { description: "Every line of the list was cancelled with its order before it was picked: the list's work is withdrawn." }),
  [PickingEvents.orderPicked]: Type.Object({
    orderId: Type.String(), siteId: Type.String(), waveId: Type.String(),
    status: Type.Union([Type.Literal('COMPLETED'), Type.Literal('PARTIAL')], { description: 'PARTIAL when a line of the order stayed short.' }),
    unitsPicked: Type.Optional(Type.Integer({ minimum: 0, description: 'The units picked for the order over all its lists (absent in older events).' })),
  }, { description: "The order's picking is done at a moment no list completes: the recovery of its last short (`inventory.short.resolved`) found nothing more to pick. Otherwise a list's completion says it (`ordersDone`)." }),
  [PickingEvents.listReprioritised]: Type.Object({
    pickListId: Type.String(), waveId: Type.String(), siteId: Type.String(),
    from: Type.Integer(), to: Type.Integer({ description: "The list's priority now: the most urgent of its orders' (1 most urgent)." }),
  }, { description: "An open list's priority changed because one of its orders was reprioritised (`orders.order.reprioritised`)." }),
} as const;

type Payload<T extends keyof typeof PickingEventSchemas> = Static<(typeof PickingEventSchemas)[T]>;
export type PickListCreated = Payload<typeof PickingEvents.listCreated>;
export type LinePicked = Payload<typeof PickingEvents.linePicked>;
export type LineShorted = Payload<typeof PickingEvents.lineShorted>;
/** Which pick line, order line, reservation and stock an event about a pick line concerns. */
export type PickLineRef = Pick<LinePicked, keyof typeof PickLineRefProperties>;
export type PickListCompleted = Payload<typeof PickingEvents.listCompleted>;
export type PickListCancelled = Payload<typeof PickingEvents.listCancelled>;
export type OrderPicked = Payload<typeof PickingEvents.orderPicked>;
export type PickListReprioritised = Payload<typeof PickingEvents.listReprioritised>;

/** Where a pick list's work stands (`PickingApi.pickListProgress`): how many of its lines are still to pick or short. */
export interface PickListProgress {
  readonly pickListId: string;
  readonly status: PickListStatus;
  /** Lines still PENDING: neither picked in full, shorted nor cancelled. 0 once the list is COMPLETED, PARTIAL or CANCELLED. */
  readonly openLines: number;
  /** Every line of the list, whatever its status. */
  readonly lines: number;
}

/** What other contexts may ask picking synchronously (in process, or over gRPC as `paklog.picking.v1.PickingService`). */
export interface PickingApi {
  /** Where a pick list's work stands, read from picking's committed rows; undefined when picking knows no such list. */
  pickListProgress(pickListId: string): Promise<PickListProgress | undefined>;
  /**
   * Stops picking for an order being cancelled (ADR 0011, addendum 2026-12-06 ter): its open lines are cancelled at
   * once, under their row locks, as `orders.order.cancelled` would have them cancelled one event delivery later. Orders
   * calls it before pack & ship decides the cancel, so a confirm committed first is a pick (sent back by the order's
   * return) and one that comes after is refused ORDER_CANCELLED. Idempotent.
   */
  stopPicking(orderId: string, meta: EventMeta): Promise<void>;
}

/** Coded errors of picking. */
export const PickingErrors = {
  WRONG_LOCATION: { status: 422, title: 'Scanned location is not the one to pick from' },
  WRONG_PRODUCT: { status: 422, title: 'Scanned product is not the one to pick' },
  QUANTITY_EXCEEDS_OPEN: { status: 422, title: 'Quantity exceeds what is still open' },
  SCAN_ID_REUSED: { status: 422, title: 'scanId reused for a different scan' },
  LOT_EXPIRED: { status: 409, title: "The line's lot is past its expiry: short the line (reason EXPIRED), do not pick it" },
  UNKNOWN_SERIAL: { status: 422, title: 'No unit of the SKU with this serial was received at the site (it may be another SKU\'s serial)' },
  SERIAL_NOT_IN_STOCK: { status: 409, title: 'The unit with this serial is not in stock: it was picked already' },
} as const satisfies ErrorSpecs;
