/** picking: pick lists, scan confirmations, short picks. */

/** CANCELLED: the line's order was cancelled before it was picked; nobody picks it. */
export const PICK_LINE_STATUSES = ['PENDING', 'PICKED', 'SHORT', 'SKIPPED', 'CANCELLED'] as const;
export type PickLineStatus = (typeof PICK_LINE_STATUSES)[number];
export const PICK_LIST_STATUSES = ['CREATED', 'IN_PROGRESS', 'COMPLETED', 'PARTIAL', 'CANCELLED'] as const;
export type PickListStatus = (typeof PICK_LIST_STATUSES)[number];
export const SHORT_REASONS = ['NOT_FOUND', 'DAMAGED', 'OTHER'] as const;
export type ShortReason = (typeof SHORT_REASONS)[number];

export const PickingEvents = {
  listCreated: 'picking.list.created.v1',
  linePicked: 'picking.line.picked.v1',
  lineShorted: 'picking.line.shorted.v1',
  listCompleted: 'picking.list.completed.v1',
  /** Every line of the list was cancelled with its order before it was picked: the list's work is withdrawn (`PickListCancelled`). */
  listCancelled: 'picking.list.cancelled.v1',
} as const;

export interface PickListCreated {
  readonly pickListId: string;
  readonly waveId: string;
  readonly siteId: string;
  readonly orderIds: readonly string[];
  readonly lineCount: number;
  /** Walking distance of the planned route in metres, when coordinates are known. */
  readonly routeLength: number | null;
  /** The most urgent priority of the list's orders (1 is the most urgent, 9 the least, as on orders); the PICK task is queued with it. */
  readonly priority: number;
}

/** Which pick line, order line, reservation and stock an event about a pick line concerns. */
export interface PickLineRef {
  readonly pickListId: string;
  readonly pickLineId: string;
  readonly orderId: string;
  readonly lineId: string;
  readonly reservationId: string;
  readonly siteId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
}

export interface LinePicked extends PickLineRef {
  readonly quantity: number;
  readonly toteId: string;
}

export interface LineShorted extends PickLineRef {
  /** Units that were not picked on this line. */
  readonly shortQuantity: number;
  readonly reason: ShortReason;
}

export interface PickListCompleted {
  readonly pickListId: string;
  readonly waveId: string;
  readonly siteId: string;
  readonly orderIds: readonly string[];
  readonly status: 'COMPLETED' | 'PARTIAL';
}

export interface PickListCancelled {
  readonly pickListId: string;
  readonly waveId: string;
  readonly siteId: string;
  readonly orderIds: readonly string[];
}
