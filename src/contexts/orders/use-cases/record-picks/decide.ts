import type { PublishedEvent } from '../../../../contracts/events.ts';
import { BACKORDER_REASONS, OrderEvents, type OrderStatus, type OrderStatusChanged } from '../../../../contracts/orders.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { forwardPath, orderLifecycle } from '../../domain/order-lifecycle.ts';
import type { OrderSummary } from '../../store.ts';

/** One picking report about one line: units picked (`picked`) or found missing (`shorted`), in the run's order. */
export interface PickNews {
  readonly orderId: string;
  readonly lineId: string;
  readonly quantity: number;
  /** The event type (kept in the status history) and the meta its own events carry. */
  readonly cause: { readonly type: string; readonly meta: EventMeta };
}

export interface PicksState {
  /** The orders the run names, locked; an id missing here is unknown. */
  readonly orders: ReadonlyMap<string, OrderSummary>;
  /**
   * Orders held for stock mid-pick (BACKORDERED, SHORT_PICK) with a short still waiting (ADR 0024 addendum
   * 2026-12-05): picks and shorts of their other lines add quantities and leave them held. Absent: none.
   */
  readonly waitingForStock?: ReadonlySet<string>;
}

export interface OrderWrite {
  readonly id: string;
  /** The version read under the lock: the UPDATE's guard. */
  readonly version: number;
  /** How many times the order changed in the run (one per step moved, one per report that only changed quantities). */
  readonly bump: number;
  readonly status: OrderStatus;
  /** Whether the status moved (a move clears the backorder reason, as `updateStatus` does). */
  readonly moved: boolean;
}

export interface PicksDecision {
  /** Line quantities to add, one per report (summed per line when written). */
  readonly lines: readonly { readonly orderId: string; readonly lineId: string; readonly quantity: number }[];
  readonly orders: readonly OrderWrite[];
  readonly history: readonly { readonly orderId: string; readonly from: OrderStatus; readonly to: OrderStatus; readonly cause: string }[];
  /** The arrival events, each with its cause's meta, in the run's order. */
  readonly events: readonly { readonly events: readonly PublishedEvent[]; readonly meta: EventMeta }[];
  /** Reports left alone: the order is unknown or cancelled (a pick heard after the cancel; inventory returns the units). */
  readonly ignored: readonly { readonly orderId: string; readonly type: string; readonly why: 'unknown' | 'cancelled' }[];
}

/**
 * Picking's reports on a run of lines (ADR 0043): each in turn has the effect of `progress(order, 'PICKING', quantities)`
 * on the order as the earlier reports left it. The first report of a released order moves it to PICKING (history and
 * `orders.order.picking-started`); the others only add quantities. An order held for stock mid-pick moves back to
 * PICKING only when no short of it waits any more (`waitingForStock`). Whatever the number of reports, the handler writes
 * each order once.
 */
export const decidePicks: Decide<PicksState, readonly PickNews[], PicksDecision, never> = (state, news) => {
  const current = new Map<string, { status: OrderStatus; backorderReason: OrderSummary['backorderReason']; bump: number; moved: boolean }>();
  const lines: PicksDecision['lines'][number][] = [];
  const history: PicksDecision['history'][number][] = [];
  const events: PicksDecision['events'][number][] = [];
  const ignored: PicksDecision['ignored'][number][] = [];
  for (const n of news) {
    const o = state.orders.get(n.orderId);
    if (o === undefined) {
      ignored.push({ orderId: n.orderId, type: n.cause.type, why: 'unknown' });
      continue;
    }
    let c = current.get(o.id);
    if (c === undefined) {
      c = { status: o.status, backorderReason: o.backorderReason, bump: 0, moved: false };
      current.set(o.id, c);
    }
    const start = c.status;
    if (start === 'CANCELLED') {
      ignored.push({ orderId: o.id, type: n.cause.type, why: 'cancelled' });
      continue;
    }
    lines.push({ orderId: o.id, lineId: n.lineId, quantity: n.quantity });
    const heldAtPicking = c.backorderReason === BACKORDER_REASONS.shortPick;
    const waiting = start === 'BACKORDERED' && heldAtPicking && state.waitingForStock?.has(o.id) === true;
    const path = waiting ? [] : forwardPath(start, 'PICKING', heldAtPicking);
    if (path.length === 0) {
      c.bump++;
      continue;
    }
    let from: OrderStatus = start;
    for (const step of path) {
      orderLifecycle.assertCan(from, step);
      history.push({ orderId: o.id, from, to: step, cause: n.cause.type });
      from = step;
      c.bump++;
      if (step !== 'BACKORDERED') c.backorderReason = null;
    }
    c.status = 'PICKING';
    c.moved = true;
    const data: OrderStatusChanged = { orderId: o.id, siteId: o.siteId, from: path.length === 1 ? start : (path.at(-2) ?? start), to: 'PICKING' };
    events.push({ events: [{ type: OrderEvents.pickingStarted, subject: o.id, siteId: o.siteId, data }], meta: n.cause.meta });
  }
  const orders = [...current.entries()].filter(([, c]) => c.bump > 0)
    .map(([id, c]): OrderWrite => ({ id, version: state.orders.get(id)!.version, bump: c.bump, status: c.status, moved: c.moved }));
  return ok({ lines, orders, history, events, ignored });
};
