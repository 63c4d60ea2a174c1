import type { CatalogApi } from '../../../../contracts/catalog.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as store from '../../store.ts';
import { countView, type CountView } from '../../views.ts';
import { countedProductLotControlled, lockCountedDockPutaways, lockCountedStock, releaseCountLock, withdrawCountedOffDock, writeCountAdjustment } from '../count-writes.ts';
import { record } from '../ledger-writes.ts';
import { decideSubmitCount, type SubmitCountInput, type SubmitCountRejection } from './decide.ts';

/**
 * POST /inventory/counts/{id}/submit: the count row, then its location, balance and SKU row, locked before deciding.
 * Answers the blind view (the counter learns what happens next, never the expected quantity).
 */
export function submitCountHandler(deps: PlatformDeps, catalog: CatalogApi) {
  return async (input: SubmitCountInput, meta: EventMeta): Promise<Outcome<CountView, SubmitCountRejection>> => {
    const movementId = deps.ids.next('mov');
    const lotControlled = await countedProductLotControlled(deps.db, catalog, input.countId);
    return decideInTx(deps.db, async (tx) => {
      const count = await store.lockCount(tx, input.countId);
      // A count at a dock finding fewer: its OPEN putaways there, locked before the location and balance.
      const dockPutaways = await lockCountedDockPutaways(tx, count);
      const stock = count === undefined ? { balance: undefined, skuStock: undefined, pickable: true, paused: false } : { ...await lockCountedStock(tx, count), lotControlled };
      const first = count === undefined ? undefined : (await store.submissionsOf(tx, [count.id])).find((s) => s.attempt === 1);
      // Units of the counted stock picked, received, moved or adjusted there since this attempt was asked for, by ledger
      // position (read under the location's lock, which each of them takes before it writes); counts opened before
      // migration 025 compare times.
      const at = count === undefined ? undefined : count.status === 'RECOUNT' ? first?.submitted_at : count.created_at;
      const changedSince = count === undefined || at === undefined ? 0 : await store.changedSince(tx, {
        siteId: count.site_id, ownerId: count.owner_id, sku: count.sku, locationId: count.location_id, lot: count.lot }, { seq: count.since_seq ?? null, at });
      const now = deps.clock.now();
      const decision = decideSubmitCount({ ...stock, count, first, changedSince }, { ...input, movementId }, now);
      if (!decision.ok) return decision;
      const d = decision.value;
      const c = count!;
      await store.insertCountSubmission(tx, {
        count_id: c.id, attempt: d.submission.attempt, counted: d.submission.counted, expected: d.submission.expected,
        variance: d.submission.variance, within_tolerance: d.submission.withinTolerance, worker_id: input.workerId,
        actor_id: meta.actor?.id ?? null, submitted_at: now,
      });
      await writeCountAdjustment(tx, d.adjustment);
      const withdrawn = await withdrawCountedOffDock(tx, deps, dockPutaways, c.id, d.adjustment);
      await store.updateCount(tx, c.id, { status: d.status, applied: d.closed ? (d.adjustment?.delta ?? 0) : null,
        movementId: d.adjustment?.movement.id ?? null, now, closed: d.closed });
      // The recount is asked for now: picks from here on are the recount's picks meanwhile.
      if (d.status === 'RECOUNT') await store.watchCountFromNow(tx, c.id);
      const released = d.closed ? await releaseCountLock(tx, c) : [];
      await record(tx, deps, d.adjustment === null ? [] : [d.adjustment.movement], [...d.events, ...released, ...withdrawn], meta);
      return ok(countView((await store.getCount(tx, c.id))!, [], true));
    });
  };
}
