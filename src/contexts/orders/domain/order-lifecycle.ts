import type { OrderStatus } from '../../../contracts/orders.ts';
import { assertNever } from '../../../platform/errors.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/**
 * The order lifecycle: who may move where. Enforced through `orderLifecycle` below. CANCELLED from any state before SHIPPED
 * (after release the floor compensates: open picks are withdrawn, picked units return to stock, packages are voided).
 */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  // ON_HOLD from the states before a wave takes the order, and back to them when the hold is released (ADR 0052).
  RECEIVED: ['ALLOCATED', 'BACKORDERED', 'ON_HOLD', 'CANCELLED'],
  // Stock arrived for what was missing; PICKING when it was re-reserved for an order held mid-pick (reason SHORT_PICK).
  // RECEIVED (from here and from ALLOCATED): its lines changed before a wave took it, it is allocated again (ADR 0046).
  BACKORDERED: ['ALLOCATED', 'PICKING', 'RECEIVED', 'ON_HOLD', 'CANCELLED'],
  ALLOCATED: ['WAVED', 'RECEIVED', 'ON_HOLD', 'CANCELLED'],
  // Released to where the allocation while held left it (a hold never moves the order forward past ALLOCATED itself).
  ON_HOLD: ['RECEIVED', 'ALLOCATED', 'BACKORDERED', 'CANCELLED'],
  // Back to ALLOCATED when its wave is cancelled before release; BACKORDERED when its release could not reserve it
  // (orders may hear of the shortage before it hears of the release).
  WAVED: ['RELEASED', 'ALLOCATED', 'BACKORDERED', 'CANCELLED'],
  RELEASED: ['PICKING', 'BACKORDERED', 'CANCELLED'],
  // BACKORDERED (reason SHORT_PICK): a shipComplete order whose short found no stock anywhere waits for it (ADR 0024).
  PICKING: ['PICKED', 'BACKORDERED', 'CANCELLED'],
  // BACKORDERED (reason SHORT_PICK): a shipComplete order's units lost at the pack bench wait for stock to be picked
  // again (ADR 0024 addendum 2026-12-07).
  PICKED: ['PACKED', 'BACKORDERED', 'CANCELLED'],
  // Back to PICKED when pack & ship starts another packing round (a sealed package repacked: its units are packed no
  // more; `pack-ship.order.ready-to-pack` with a later round, ADR 0049 addendum 2026-12-04); PACKED again when it ends.
  PACKED: ['SHIPPED', 'PICKED', 'CANCELLED'],
  // The carrier delivered every shipment of it (pack-ship.order.delivered); a return after that is an RMA.
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

/** The table the code enforces (platform/lifecycle.ts): an order is born RECEIVED. */
export const orderLifecycle = defineLifecycle('order', ORDER_TRANSITIONS, ['RECEIVED']);

/** The forward path an order walks when nothing goes wrong. */
const MAIN_LINE: readonly OrderStatus[] = ['RECEIVED', 'ALLOCATED', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'DELIVERED'];

/** Position on the main line; BACKORDERED sits beside ALLOCATED, CANCELLED and ON_HOLD are off the line. */
function rank(status: OrderStatus): number {
  switch (status) {
    case 'BACKORDERED':
      return MAIN_LINE.indexOf('ALLOCATED');
    case 'CANCELLED':
    case 'ON_HOLD':
      return -1;
    case 'RECEIVED':
    case 'ALLOCATED':
    case 'WAVED':
    case 'RELEASED':
    case 'PICKING':
    case 'PICKED':
    case 'PACKED':
    case 'SHIPPED':
    case 'DELIVERED':
      return MAIN_LINE.indexOf(status);
    default:
      return assertNever(status, 'order status');
  }
}

/**
 * The legal steps from `from` forward to `to` for an event that says the order got there (events from several contexts
 * may arrive late, twice or ahead of one another): empty when the order is already there or past it (never move
 * backwards), or when the order is cancelled; otherwise each step is a legal transition.
 */
export function forwardPath(from: OrderStatus, to: OrderStatus, heldAtPicking = false): readonly OrderStatus[] {
  // Only its release moves a held order on (news of allocation is kept for then: `applyAllocation`).
  if (to !== 'CANCELLED' && (from === 'ON_HOLD' || to === 'ON_HOLD')) return [];
  if (from === 'CANCELLED' || to === 'CANCELLED' || to === 'BACKORDERED') return orderLifecycle.can(from, to) ? [to] : [];
  // Held mid-pick for stock (BACKORDERED, reason SHORT_PICK): news of picking moves it on from PICKING, nothing else does
  // (callers first keep it held while a short of it still waits: record-picks, shortResolved; ADR 0024 addendum 2026-12-05).
  if (from === 'BACKORDERED' && heldAtPicking) {
    const b = rank(to);
    return b < rank('PICKING') ? [] : MAIN_LINE.slice(rank('PICKING'), b + 1);
  }
  const a = rank(from);
  const b = rank(to);
  if (b < a || (b === a && from === to)) return [];
  // Only allocation moves a backordered order: news of a wave or of picking is about a wave it has left since
  // (its release could not reserve it), never about one it is in.
  if (from === 'BACKORDERED') return b === a ? ['ALLOCATED'] : [];
  // Nor a received one: a wave takes only an order orders announced allocated, so news of a wave (or of picking) heard
  // while it is RECEIVED is about a wave that let it go before its lines changed or a line was cancelled (waves' gate
  // proved it was in none). Walked through ALLOCATED, it read ALLOCATED with its new lines unallocated, out of the pool.
  if (from === 'RECEIVED') return b === rank('ALLOCATED') ? ['ALLOCATED'] : [];
  return MAIN_LINE.slice(a + 1, b + 1);
}

/**
 * Pack & ship's packing rounds (ADR 0035 addendum 2026-12-05, ADR 0049 addendum 2026-12-04): an order is in round 1
 * until it first goes back from PACKED to PICKED, then in one more round each time. `round` is the round an event of
 * pack & ship names (absent in older events: 1), `current` the order's. The announcement that the order is ready to
 * pack in a later round takes a PACKED order back to PICKED (`reopen`); the same announcement again, or one of an
 * earlier round, changes nothing. An order moves back only from PACKED: one that has shipped stays shipped, one that
 * is not packed yet is in its first round's packing still.
 */
export function readyToPackDecision(status: OrderStatus, current: number, round: number): 'reopen' | 'pick' | 'ignore' {
  if (status === 'PACKED') return round > current ? 'reopen' : 'ignore';
  return 'pick';
}

/** Whether pack & ship's `order.packed` of `round` is an earlier round's than the order's `current` one (a replay): it moves nothing then. */
export function isEarlierRound(current: number, round: number): boolean {
  return round < current;
}

/** Whether the order has left the building: SHIPPED, or DELIVERED since. */
export function hasShipped(status: OrderStatus): boolean {
  return status === 'SHIPPED' || status === 'DELIVERED';
}

/**
 * Whether a cancel request goes ahead: from any state before SHIPPED (pack & ship still has the last word on whether
 * the order has left); a shipped order is ORDER_SHIPPED; a cancelled one is already where the request wants it.
 */
export function cancelDecision(status: OrderStatus): 'cancel' | 'ORDER_SHIPPED' | 'ALREADY_CANCELLED' {
  switch (status) {
    case 'RECEIVED':
    case 'ALLOCATED':
    case 'BACKORDERED':
    case 'WAVED':
    case 'RELEASED':
    case 'PICKING':
    case 'PICKED':
    case 'PACKED':
    case 'ON_HOLD':
      return 'cancel';
    case 'SHIPPED':
    case 'DELIVERED':
      return 'ORDER_SHIPPED';
    case 'CANCELLED':
      return 'ALREADY_CANCELLED';
    default:
      return assertNever(status, 'order status');
  }
}

/**
 * Whether an order may be put on hold (ADR 0052): before a wave takes it (RECEIVED, ALLOCATED, or BACKORDERED for
 * allocation: one held at picking, reason SHORT_PICK, is on the floor); a held order is held already.
 */
export function holdDecision(status: OrderStatus, backorderReason: string | null): 'hold' | 'ALREADY_HELD' | 'ORDER_CANCELLED' | 'ORDER_SHIPPED' | 'ORDER_IN_FULFILMENT' {
  switch (status) {
    case 'RECEIVED':
    case 'ALLOCATED':
      return 'hold';
    case 'BACKORDERED':
      return backorderReason === null ? 'hold' : 'ORDER_IN_FULFILMENT';
    case 'ON_HOLD':
      return 'ALREADY_HELD';
    case 'CANCELLED':
      return 'ORDER_CANCELLED';
    case 'SHIPPED':
    case 'DELIVERED':
      return 'ORDER_SHIPPED';
    case 'WAVED':
    case 'RELEASED':
    case 'PICKING':
    case 'PICKED':
    case 'PACKED':
      return 'ORDER_IN_FULFILMENT';
    default:
      return assertNever(status, 'order status');
  }
}
