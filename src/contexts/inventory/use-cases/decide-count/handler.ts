import type { CatalogApi } from '../../../../contracts/catalog.ts';
import type { LocationStatusChanged } from '../../../../contracts/location-master.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as store from '../../store.ts';
import { countView, type CountView } from '../../views.ts';
import { countedProductLotControlled, lockCountedDockPutaways, lockCountedStock, releaseCountLock, withdrawCountedOffDock, writeCountAdjustment } from '../count-writes.ts';
import { record } from '../ledger-writes.ts';
import { decideCountApproval, type CountApprovalInput, type CountApprovalRejection } from './decide.ts';

/** A manager's approval or rejection in the caller's transaction: the count row, then its location, balance and SKU row, locked. */
async function decideCountIn(
  tx: Tx, deps: PlatformDeps, input: CountApprovalInput & { readonly movementId: string; readonly lotControlled: boolean }, meta: EventMeta,
): Promise<Outcome<CountView, CountApprovalRejection>> {
  const count = await store.lockCount(tx, input.countId);
  // A count at a dock finding fewer: its OPEN putaways there, locked before the location and balance.
  const dockPutaways = await lockCountedDockPutaways(tx, count);
  const stock = count === undefined ? { balance: undefined, skuStock: undefined, pickable: true, paused: false }
    : { ...await lockCountedStock(tx, count), lotControlled: input.lotControlled };
  const submissions = count === undefined ? [] : await store.submissionsOf(tx, [count.id]);
  const now = deps.clock.now();
  const submittedBy = submissions.map((s) => ({ workerId: s.worker_id, actorId: s.actor_id }));
  const decision = decideCountApproval({ ...stock, count, variance: submissions.at(-1)?.variance, submittedBy }, input, now);
  if (!decision.ok) return decision;
  const d = decision.value;
  const c = count!;
  await writeCountAdjustment(tx, d.adjustment);
  const withdrawn = await withdrawCountedOffDock(tx, deps, dockPutaways, c.id, d.adjustment);
  await store.updateCount(tx, c.id, {
    status: d.status, applied: d.adjustment?.delta ?? 0, movementId: d.adjustment?.movement.id ?? null, decidedBy: input.decidedBy,
    reason: input.reason?.trim() === '' ? null : (input.reason?.trim() ?? null), now, closed: true,
  });
  const released = await releaseCountLock(tx, c);
  await record(tx, deps, d.adjustment === null ? [] : [d.adjustment.movement], [...d.events, ...released, ...withdrawn], meta);
  return ok(countView((await store.getCount(tx, c.id))!, submissions, false));
}

/** POST /inventory/counts/{id}/approve and /reject: the count row, then its location, balance and SKU row, locked. */
export function decideCountHandler(deps: PlatformDeps, catalog: CatalogApi) {
  return async (input: CountApprovalInput, meta: EventMeta): Promise<Outcome<CountView, CountApprovalRejection>> => {
    const movementId = deps.ids.next('mov');
    const lotControlled = await countedProductLotControlled(deps.db, catalog, input.countId);
    return decideInTx(deps.db, (tx) => decideCountIn(tx, deps, { ...input, movementId, lotControlled }, meta));
  };
}

/**
 * Location-master deactivated a location that counts still hold (in the status change's delivery, before the location
 * projection learns it). Location-master refuses a location under count, but asks inventory before its own transaction:
 * a count opened in between is open at a location out of use for good (test/e2e/count-deactivation-races). Each such
 * count is abandoned as a manager's rejection would (REJECTED, nothing adjusted, its location let go, its COUNT task
 * withdrawn), the reason naming the deactivation. The counts' rows are locked first, in id order, as every count
 * command locks a count before its location; then `learn` (the location projection learns the status: the counts'
 * lock keeps it out of ATP), so letting go of the last count leaves an INACTIVE location out of ATP with no flip.
 */
export function abandonCountsAtDeactivatedHandler(deps: PlatformDeps) {
  return async (tx: Tx, change: LocationStatusChanged, meta: EventMeta, learn: () => Promise<void>): Promise<string[]> => {
    const openHere = async () => change.to !== 'INACTIVE' ? []
      : (await store.openCountsAt(tx, [change.locationId])).filter((c) => c.site_id === change.siteId).map((c) => c.id).sort();
    const ids = await openHere();
    for (const id of ids) await store.lockCount(tx, id);
    await learn();
    // Read again with the location locked: a count whose opening held the location while the first read ran has
    // committed by now (it is locked out of order, but it is seconds old: only its own submit could hold it). A count
    // opened after this commit finds the location INACTIVE and is refused.
    const late = (await openHere()).filter((id) => !ids.includes(id));
    for (const id of late) await store.lockCount(tx, id);
    ids.push(...late);
    const abandoned: string[] = [];
    for (const id of ids) {
      const reason = `location ${change.locationId} was deactivated${change.reason === null ? '' : ` (${change.reason})`}: nothing is counted there`;
      const outcome = await decideCountIn(tx, deps, { countId: id, approve: false, reason, decidedBy: null, movementId: deps.ids.next('mov'), lotControlled: false }, meta);
      // Only an open count is rejected; one closed meanwhile (under the lock, nothing closes it) is left alone.
      if (outcome.ok) abandoned.push(id);
    }
    return abandoned;
  };
}
