import type { OrderStatus } from '../../../contracts/orders.ts';

/** The order lifecycle of DOMAIN.md, as far as this issue goes: who may move where. Enforced only here. */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  RECEIVED: ['ALLOCATED', 'BACKORDERED', 'CANCELLED'],
  // Stock arrived for what was missing.
  BACKORDERED: ['ALLOCATED', 'CANCELLED'],
  ALLOCATED: ['WAVED', 'CANCELLED'],
  // Back to ALLOCATED when its wave is cancelled before release.
  WAVED: ['RELEASED', 'ALLOCATED', 'CANCELLED'],
  // Cancelling after release needs compensation on the floor (a later issue): not allowed yet.
  RELEASED: ['PICKING'],
  PICKING: ['PICKED'],
  PICKED: ['PACKED'],
  PACKED: ['SHIPPED'],
  SHIPPED: [],
  CANCELLED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** The forward path an order walks when nothing goes wrong. */
const MAIN_LINE: readonly OrderStatus[] = ['RECEIVED', 'ALLOCATED', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED'];

/** Position on the main line; BACKORDERED sits beside ALLOCATED, CANCELLED is off the line. */
function rank(status: OrderStatus): number {
  switch (status) {
    case 'BACKORDERED':
      return MAIN_LINE.indexOf('ALLOCATED');
    case 'CANCELLED':
      return -1;
    case 'RECEIVED':
    case 'ALLOCATED':
    case 'WAVED':
    case 'RELEASED':
    case 'PICKING':
    case 'PICKED':
    case 'PACKED':
    case 'SHIPPED':
      return MAIN_LINE.indexOf(status);
    default:
      return assertNeverStatus(status);
  }
}

/**
 * The legal steps from `from` forward to `to` for an event that says the order got there (events from several contexts
 * may arrive late, twice or ahead of one another): empty when the order is already there or past it (never move
 * backwards), or when the order is cancelled; otherwise each step is a legal transition.
 */
export function forwardPath(from: OrderStatus, to: OrderStatus): readonly OrderStatus[] {
  if (from === 'CANCELLED' || to === 'CANCELLED' || to === 'BACKORDERED') return canTransition(from, to) ? [to] : [];
  const a = rank(from);
  const b = rank(to);
  if (b < a || (b === a && from === to)) return [];
  if (from === 'BACKORDERED') return b === a ? ['ALLOCATED'] : ['ALLOCATED', ...MAIN_LINE.slice(a + 1, b + 1)];
  return MAIN_LINE.slice(a + 1, b + 1);
}

/** Cancellation rules of this issue: before release it is a transition, after release a 409 with its own code. */
export function cancelDecision(status: OrderStatus): 'cancel' | 'ORDER_RELEASED' | 'ILLEGAL_TRANSITION' {
  switch (status) {
    case 'RECEIVED':
    case 'ALLOCATED':
    case 'BACKORDERED':
    case 'WAVED':
      return 'cancel';
    case 'RELEASED':
    case 'PICKING':
    case 'PICKED':
    case 'PACKED':
      return 'ORDER_RELEASED';
    case 'SHIPPED':
    case 'CANCELLED':
      return 'ILLEGAL_TRANSITION';
    default:
      return assertNeverStatus(status);
  }
}

function assertNeverStatus(x: never): never {
  throw new Error(`unexpected order status: ${String(x)}`);
}
