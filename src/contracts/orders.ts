/** orders: fulfilment orders and their lifecycle. */

export const ORDER_STATUSES = ['RECEIVED', 'ALLOCATED', 'BACKORDERED', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderLineData {
  readonly lineId: string;
  readonly lineNo: number;
  readonly sku: string;
  readonly quantity: number;
}

export interface ShipTo {
  readonly name: string;
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly postalCode: string;
  readonly country: string;
}

export const OrderEvents = {
  received: 'orders.order.received.v1',
  allocated: 'orders.order.allocated.v1',
  backordered: 'orders.order.backordered.v1',
  waved: 'orders.order.waved.v1',
  released: 'orders.order.released.v1',
  /** The first unit of the order was picked or shorted (payload: OrderStatusChanged). */
  pickingStarted: 'orders.order.picking-started.v1',
  picked: 'orders.order.picked.v1',
  packed: 'orders.order.packed.v1',
  shipped: 'orders.order.shipped.v1',
  cancelled: 'orders.order.cancelled.v1',
  /** WAVED → ALLOCATED: the order's wave was cancelled before release and it waits for a wave again (payload: OrderStatusChanged). */
  unwaved: 'orders.order.unwaved.v1',
} as const;

export interface OrderReceived {
  readonly orderId: string;
  readonly externalId: string;
  readonly siteId: string;
  readonly carrier: string;
  readonly priority: number;
  readonly lines: readonly OrderLineData[];
}

/** The order is ready for wave planning: every line allocated. */
export interface OrderAllocated {
  readonly orderId: string;
  readonly siteId: string;
  readonly carrier: string;
  readonly priority: number;
  readonly lines: readonly OrderLineData[];
}

/** Payload of backordered, waved, unwaved, released, picking-started, picked and packed. */
export interface OrderStatusChanged {
  readonly orderId: string;
  readonly siteId: string;
  readonly from: OrderStatus;
  readonly to: OrderStatus;
  /** Why, when the move is an exception: `RESERVATION_SHORTAGE` for an order sent back from its wave to allocation. */
  readonly reason?: string;
}

/** Cancellation reasons PakLog sets itself (a user's cancel carries the user's free-text reason). */
export const CANCEL_REASONS = {
  /** Every unit of the order was shorted at picking: nothing is left to pack or ship. */
  shorted: 'SHORTED',
} as const;

export interface OrderCancelled {
  readonly orderId: string;
  readonly siteId: string;
  /** Status the order had when cancelled: tells consumers what to undo. */
  readonly previousStatus: OrderStatus;
  readonly lines: readonly OrderLineData[];
  readonly reason: string | null;
}

export interface OrderShipped {
  readonly orderId: string;
  readonly siteId: string;
  readonly partial: boolean;
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly ordered: number; readonly shipped: number }[];
}

/** Order priority: 1 is the most urgent, 9 the least; pick lists and tasks follow the same scale. */
export const ORDER_PRIORITY = { mostUrgent: 1, default: 5, leastUrgent: 9 } as const;
