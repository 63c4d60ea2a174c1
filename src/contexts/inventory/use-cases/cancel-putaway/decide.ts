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
  /**
   * Units of the putaway's owner, SKU, lot and status on hand at its receiving location that no other OPEN putaway
   * covers (read by the handler; undefined: not read).
   */
  readonly uncoveredAtDock?: number | undefined;
}

export interface CancelPutawayDecision {
  readonly events: readonly PublishedEvent[];
}

export type CancelPutawayRejection = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'ILLEGAL_TRANSITION';

/**
 * A putaway nobody will finish (its units left the dock another way, or a dock lead will move them by hand): an OPEN one
 * is withdrawn, nothing moves — the units it still covered stay where they are, on the books as they were. A reason is
 * required; its PUTAWAY task is withdrawn by tasks on the event. An AVAILABLE one says how many of its units it leaves
 * at the dock with no putaway (`leftAtDock`: orchestration raises UNITS_LEFT_AT_DOCK).
 */
export const decideCancelPutaway: Decide<CancelPutawayState, CancelPutawayCommand, CancelPutawayDecision, CancelPutawayRejection> = (state, cmd) => {
  const reason = cmd.reason.trim();
  if (reason === '') return reject('VALIDATION_FAILED', 'A cancel needs a reason', [{ field: '/reason', message: 'must not be blank' }]);
  const p = state.putaway;
  if (p === undefined) return reject('NOT_FOUND', `No putaway ${cmd.putawayId}`);
  const moved = putawayLifecycle.check(p.status, 'CANCELLED', `Putaway ${p.id} is ${p.status}: only an OPEN putaway is cancelled`);
  if (!moved.ok) return moved;
  const remaining = p.quantity - p.put_away;
  // AVAILABLE units the cancel leaves at the dock with no putaway: nobody would be told (held ones get one on release).
  const leftAtDock = p.stock_status === 'AVAILABLE' && state.uncoveredAtDock !== undefined
    ? Math.max(0, Math.min(remaining, state.uncoveredAtDock)) : undefined;
  const data: PutawayCancelled = {
    putawayId: p.id, siteId: p.site_id, ownerId: p.owner_id, sku: p.sku, lot: fromLotKey(p.lot), status: p.stock_status,
    fromLocationId: p.from_location_id, putAway: p.put_away, remaining, reason, ...(leftAtDock === undefined ? {} : { leftAtDock }),
  };
  return ok({ events: [{ type: InventoryEvents.putawayCancelled, subject: p.id, siteId: p.site_id, data }] });
};
