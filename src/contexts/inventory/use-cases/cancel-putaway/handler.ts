import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import * as inbound from '../../inbound-store.ts';
import type { PutawayRow } from '../../inbound-store.ts';
import * as store from '../../store.ts';
import { putawayView, type PutawayView } from '../../inbound-views.ts';
import { decideCancelPutaway, type CancelPutawayCommand, type CancelPutawayRejection } from './decide.ts';

/**
 * Units on hand at the putaway's receiving location (its owner, SKU, lot, status) that the other OPEN putaways there do
 * not cover. The balance is locked (after the putaway row, the order a confirm takes them in): a move, adjustment or hold
 * of those units in flight commits first and is counted, rather than the units it is taking away.
 */
async function uncoveredAtDock(tx: Tx, p: PutawayRow): Promise<number> {
  const key = { siteId: p.site_id, ownerId: p.owner_id, sku: p.sku, locationId: p.from_location_id, lot: p.lot, status: p.stock_status };
  const onHand = (await store.lockBalance(tx, key))?.on_hand ?? 0;
  const others = await inbound.openPutawayUnits(tx, key) - (p.status === 'OPEN' ? p.quantity - p.put_away : 0);
  return Math.max(0, onHand - others);
}

/** POST /inventory/putaways/{id}/cancel: the putaway row locked (a confirm queues behind it), decided, written. */
export function cancelPutawayHandler(deps: PlatformDeps) {
  return async (input: CancelPutawayCommand, meta: EventMeta): Promise<Outcome<PutawayView, CancelPutawayRejection>> => decideInTx(deps.db, async (tx) => {
    const putaway = await inbound.getPutaway(tx, input.putawayId, true);
    const decision = decideCancelPutaway({ putaway, uncoveredAtDock: putaway === undefined ? undefined : await uncoveredAtDock(tx, putaway) }, input, deps.clock.now());
    if (!decision.ok) return decision;
    await inbound.setPutawayStatus(tx, input.putawayId, 'CANCELLED', deps.clock.now());
    await deps.bus.append(tx, 'inventory', decision.value.events, meta);
    return ok(putawayView((await inbound.getPutaway(tx, input.putawayId))!, await inbound.putawayConfirmationsOf(tx, [input.putawayId])));
  });
}
