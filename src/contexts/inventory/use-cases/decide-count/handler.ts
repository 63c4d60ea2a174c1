import type { CatalogApi } from '../../../../contracts/catalog.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as store from '../../store.ts';
import { countView, type CountView } from '../../views.ts';
import { countedProductLotControlled, lockCountedStock, releaseCountLock, writeCountAdjustment } from '../count-writes.ts';
import { record } from '../ledger-writes.ts';
import { decideCountApproval, type CountApprovalInput, type CountApprovalRejection } from './decide.ts';

/** POST /inventory/counts/{id}/approve and /reject: the count row, then its location, balance and SKU row, locked. */
export function decideCountHandler(deps: PlatformDeps, catalog: CatalogApi) {
  return async (input: CountApprovalInput, meta: EventMeta): Promise<Outcome<CountView, CountApprovalRejection>> => {
    const movementId = deps.ids.next('mov');
    const lotControlled = await countedProductLotControlled(deps.db, catalog, input.countId);
    return decideInTx(deps.db, async (tx) => {
      const count = await store.lockCount(tx, input.countId);
      const stock = count === undefined ? { balance: undefined, skuStock: undefined, pickable: true, paused: false } : { ...await lockCountedStock(tx, count), lotControlled };
      const submissions = count === undefined ? [] : await store.submissionsOf(tx, [count.id]);
      const now = deps.clock.now();
      const decision = decideCountApproval({ ...stock, count, variance: submissions.at(-1)?.variance }, { ...input, movementId }, now);
      if (!decision.ok) return decision;
      const d = decision.value;
      const c = count!;
      await writeCountAdjustment(tx, d.adjustment);
      await store.updateCount(tx, c.id, {
        status: d.status, applied: d.adjustment?.delta ?? 0, movementId: d.adjustment?.movement.id ?? null, decidedBy: input.decidedBy,
        reason: input.reason?.trim() === '' ? null : (input.reason?.trim() ?? null), now, closed: true,
      });
      const released = await releaseCountLock(tx, c);
      await record(tx, deps, d.adjustment === null ? [] : [d.adjustment.movement], [...d.events, ...released], meta);
      return ok(countView((await store.getCount(tx, c.id))!, submissions, false));
    });
  };
}
