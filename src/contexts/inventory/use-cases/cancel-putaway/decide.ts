import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type PutawayCancelled } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { putawayLifecycle } from '../../domain/inbound.ts';
import { fromLotKey } from '../../domain/stock.ts';
import type { PutawayRow } from '../../inbound-store.ts';

export interface CancelPutawayCommand {
  readonly putawayId: string;
  readonly reason: string;
}

export interface CancelPutawayState {
  /** The putaway, locked (undefined: none). */
  readonly putaway: Pick<PutawayRow, 'id' | 'site_id' | 'owner_id' | 'sku' | 'lot' | 'stock_status' | 'quantity' | 'put_away' | 'from_location_id' | 'status'> | undefined;
}

export interface CancelPutawayDecision {
  readonly events: readonly PublishedEvent[];
}

export type CancelPutawayRejection = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'ILLEGAL_TRANSITION';

/**
 * A putaway nobody will finish (its units left the dock another way, or a dock lead will move them by hand): an OPEN one
 * is withdrawn, nothing moves — the units it still covered stay where they are, on the books as they were. A reason is
 * required; its PUTAWAY task is withdrawn by tasks on the event.
 */
export const decideCancelPutaway: Decide<CancelPutawayState, CancelPutawayCommand, CancelPutawayDecision, CancelPutawayRejection> = (state, cmd) => {
  const reason = cmd.reason.trim();
  if (reason === '') return reject('VALIDATION_FAILED', 'A cancel needs a reason', [{ field: '/reason', message: 'must not be blank' }]);
  const p = state.putaway;
  if (p === undefined) return reject('NOT_FOUND', `No putaway ${cmd.putawayId}`);
  const moved = putawayLifecycle.check(p.status, 'CANCELLED', `Putaway ${p.id} is ${p.status}: only an OPEN putaway is cancelled`);
  if (!moved.ok) return moved;
  const data: PutawayCancelled = {
    putawayId: p.id, siteId: p.site_id, ownerId: p.owner_id, sku: p.sku, lot: fromLotKey(p.lot), status: p.stock_status,
    fromLocationId: p.from_location_id, putAway: p.put_away, remaining: p.quantity - p.put_away, reason,
  };
  return ok({ events: [{ type: InventoryEvents.putawayCancelled, subject: p.id, siteId: p.site_id, data }] });
};
