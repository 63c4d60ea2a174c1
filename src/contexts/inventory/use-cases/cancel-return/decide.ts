import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type StockAdjusted, type StockReturnCancelled } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import type { BalanceKey, PlannedMovement } from '../../domain/ledger.ts';
import { fromLotKey, returnLifecycle } from '../../domain/stock.ts';
import type { ReturnRow } from '../../store.ts';

export interface CancelReturnCommand {
  readonly returnId: string;
  readonly reason: string;
}

export type CancelReturnState = {
  /** The return, locked (undefined: none). */
  readonly ret: ReturnRow | undefined;
  /** The tote's balance of the return's SKU and lot (locked). */
  readonly tote: { readonly on_hand: number; readonly reserved: number } | undefined;
  /** The owner's SKU row (locked): the units written off leave its on-hand and its unpickable units. */
  readonly skuStock: { readonly on_hand_available: number; readonly unpickable: number; readonly allocated: number } | undefined;
};

export interface CancelReturnDecision {
  readonly from: BalanceKey;
  /** Units written off the tote (every unit the return still had open). */
  readonly writtenOff: number;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

export type CancelReturnRejection = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'ILLEGAL_TRANSITION' | 'INSUFFICIENT_STOCK';

/** Why the write-off is booked: the units of a cancelled return were not in the tote any more. */
const WRITE_OFF_REASON = 'LOST';

/**
 * A return nobody will confirm (its units left the tote another way: lost, carried back to a shelf without a scan): an
 * OPEN one is withdrawn with a reason. The tote is not a place anyone can count, move or adjust, so the units it still
 * covered are written off it — an ADJUST movement (reason LOST, reference = the return) out of the order's in-process
 * balance, which leaves the SKU's on-hand and its not-promisable units alike (ATP unchanged). Units that turn up are
 * added back where they are found (an adjustment, reason FOUND, or a count). Its MOVE task is withdrawn by tasks on the
 * event. Refused (409 INSUFFICIENT_STOCK) when orders are allocated beyond what would remain on hand (a blocked
 * location after allocation): the write-off would leave them promised units nobody holds.
 */
export const decideCancelReturn: Decide<CancelReturnState, CancelReturnCommand & { readonly movementId: string }, CancelReturnDecision,
  CancelReturnRejection> = (state, cmd) => {
  const reason = cmd.reason.trim();
  if (reason === '') return reject('VALIDATION_FAILED', 'A cancel needs a reason', [{ field: '/reason', message: 'must not be blank' }]);
  const r = state.ret;
  if (r === undefined) return reject('NOT_FOUND', `No return ${cmd.returnId}`);
  const moved = returnLifecycle.check(r.status, 'CANCELLED', `Return ${r.id} is ${r.status}: only an OPEN return is cancelled`);
  if (!moved.ok) return moved;
  const open = r.quantity - r.returned;
  const tote = state.tote;
  if (tote === undefined || tote.on_hand - tote.reserved < open) {
    // The tote's units are only ever taken by their returns: fewer than an open return covers is a broken invariant.
    throw new Error(`tote ${r.from_location_id} holds fewer than the ${open} ${r.sku} return ${r.id} covers`);
  }
  const s = state.skuStock;
  if (s === undefined || s.on_hand_available - open < s.allocated) {
    return reject('INSUFFICIENT_STOCK', `Writing ${open} ${r.sku} off the tote would take its on-hand below what is allocated to orders: `
      + 'unblock the locations holding the allocated units, or deallocate, then cancel again');
  }
  const from: BalanceKey = { siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, locationId: r.from_location_id, lot: r.lot, status: 'AVAILABLE' };
  const adjusted: StockAdjusted = {
    siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, locationId: r.from_location_id, lot: fromLotKey(r.lot), delta: -open, reason: WRITE_OFF_REASON,
    movementId: cmd.movementId,
  };
  const cancelled: StockReturnCancelled = {
    returnId: r.id, orderId: r.order_id, siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, lot: fromLotKey(r.lot), fromLocationId: r.from_location_id,
    returned: r.returned, writtenOff: open, movementId: cmd.movementId, reason,
  };
  return ok({
    from, writtenOff: open,
    movements: [{ id: cmd.movementId, type: 'ADJUST', siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, locationId: r.from_location_id, lot: r.lot,
      deltaOnHand: -open, reason: WRITE_OFF_REASON, reference: r.id }],
    events: [
      { type: InventoryEvents.adjusted, subject: r.sku, siteId: r.site_id, data: adjusted },
      { type: InventoryEvents.returnCancelled, subject: r.id, siteId: r.site_id, data: cancelled },
    ],
  });
};
