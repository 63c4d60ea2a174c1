import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as inbound from '../../inbound-store.ts';
import { putawayView, type PutawayView } from '../../inbound-views.ts';
import { decideCancelPutaway, type CancelPutawayCommand, type CancelPutawayRejection } from './decide.ts';

/** POST /inventory/putaways/{id}/cancel: the putaway row locked (a confirm queues behind it), decided, written. */
export function cancelPutawayHandler(deps: PlatformDeps) {
  return async (input: CancelPutawayCommand, meta: EventMeta): Promise<Outcome<PutawayView, CancelPutawayRejection>> => decideInTx(deps.db, async (tx) => {
    const putaway = await inbound.getPutaway(tx, input.putawayId, true);
    const decision = decideCancelPutaway({ putaway }, input, deps.clock.now());
    if (!decision.ok) return decision;
    await inbound.setPutawayStatus(tx, input.putawayId, 'CANCELLED', deps.clock.now());
    await deps.bus.append(tx, 'inventory', decision.value.events, meta);
    return ok(putawayView((await inbound.getPutaway(tx, input.putawayId))!, await inbound.putawayConfirmationsOf(tx, [input.putawayId])));
  });
}
