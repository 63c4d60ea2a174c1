import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as store from '../../store.ts';
import { returnView, type ReturnView } from '../../views.ts';
import { changeBalanceOrFail, changeSkuOnHandOrFail, record } from '../ledger-writes.ts';
import { decideCancelReturn, type CancelReturnCommand, type CancelReturnRejection } from './decide.ts';

/**
 * POST /inventory/returns/{id}/cancel. Under lock, in this order: the return row (a confirm queues behind it), the
 * tote's balance, the SKU row — a balance before its SKU row, as adjustments lock them.
 */
export function cancelReturnHandler(deps: PlatformDeps) {
  return async (input: CancelReturnCommand, meta: EventMeta): Promise<Outcome<ReturnView, CancelReturnRejection>> => {
    const movementId = deps.ids.next('mov');
    return decideInTx(deps.db, async (tx) => {
      const ret = await store.lockReturn(tx, input.returnId);
      const open = ret !== undefined && ret.status === 'OPEN';
      const key = ret === undefined ? undefined
        : { siteId: ret.site_id, ownerId: ret.owner_id, sku: ret.sku, locationId: ret.from_location_id, lot: ret.lot, status: 'AVAILABLE' as const };
      const tote = open && key !== undefined ? await store.lockBalance(tx, key) : undefined;
      const skuStock = open ? await store.lockExistingSkuStock(tx, ret.site_id, ret.owner_id, ret.sku) : undefined;
      const decision = decideCancelReturn({ ret, tote, skuStock }, { ...input, movementId }, deps.clock.now());
      if (!decision.ok) return decision;
      const d = decision.value;
      await changeBalanceOrFail(tx, d.from, -d.writtenOff, 0, `tote ${d.from.locationId} cannot give up ${d.writtenOff} ${d.from.sku}`);
      await changeSkuOnHandOrFail(tx, d.from.siteId, d.from.ownerId, d.from.sku, -d.writtenOff, -d.writtenOff,
        `writing ${d.writtenOff} ${d.from.sku} off a tote went below allocated`);
      const updated = await store.cancelReturn(tx, input.returnId, input.reason.trim());
      await record(tx, deps, d.movements, d.events, meta);
      return ok(returnView(updated, await store.confirmationsOf(tx, [updated.id])));
    });
  };
}
