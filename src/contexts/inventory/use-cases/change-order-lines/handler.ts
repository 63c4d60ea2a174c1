import type { OrderLinesChanged } from '../../../../contracts/orders.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import * as store from '../../store.ts';
import type { ReceivedOrder } from '../allocate-order/handler.ts';
import type { CancelCommand } from '../deallocate-order/decide.ts';

type Deallocate = (tx: Tx, cancel: Omit<CancelCommand, 'newReturnId'>, meta: EventMeta) => Promise<void>;
type Allocate = (tx: Tx, received: readonly ReceivedOrder[]) => Promise<void>;

/**
 * On `orders.order.lines-changed` (ADR 0046), in one transaction: what the order's previous lines hold is released
 * exactly as a cancel releases it (allocations, and open reservations if a release ever reserved it; ledger reason
 * ORDER_LINES_CHANGED), their allocation rows are deleted, and the new lines are claimed and allocated as a received
 * order's are. Freed units reach backorders through `inventory.stock.deallocated`, after this order took what it needs.
 */
export function changeOrderLinesHandler(deallocate: Deallocate, allocate: Allocate) {
  return async (tx: Tx, change: OrderLinesChanged, meta: EventMeta): Promise<void> => {
    const owner = change.ownerId === undefined ? {} : { ownerId: change.ownerId };
    await deallocate(tx, {
      orderId: change.orderId, siteId: change.siteId, ...owner, previousStatus: change.previousStatus, lines: change.previousLines,
      reason: 'lines changed', movementReason: 'ORDER_LINES_CHANGED',
    }, meta);
    await store.deleteAllocationsOfLines(tx, change.orderId, change.previousLines.map((l) => l.lineId));
    await allocate(tx, [{
      order: {
        orderId: change.orderId, externalId: change.externalId, siteId: change.siteId, carrier: change.carrier, priority: change.priority,
        lines: change.lines, shipTo: change.shipTo, ...(change.shipComplete === true ? { shipComplete: true } : {}), ...owner,
      },
      meta,
    }]);
  };
}
