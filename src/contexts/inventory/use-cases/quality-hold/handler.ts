import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import type { Disposition } from '../../../../contracts/quality.ts';
import { lockPickable, lockWhereabouts } from '../../pickability.ts';
import * as store from '../../store.ts';
import * as holds from '../../quality-hold-store.ts';
import * as lpnHolds from '../../lpn-hold-store.ts';
import { changeBalanceOrFail, record } from '../ledger-writes.ts';
import { lockStatusBalances, writeStatusChange } from '../status-writes.ts';
import { decideJoinedHold, decideQualityDisposition, decideQualityHold, decideSharedDisposition, QUALITY_HOLD_STATUS, type QualityHoldCommand, type ReceiptHold } from './decide.ts';
import { toLotKey } from '../../domain/stock.ts';
import { closestFreePolicy, type PutawayPolicy } from '../../domain/putaway-policy.ts';
import { putawayReleased, reputFactsInTx } from '../reput-released/handler.ts';

/** The location as the hold and release deciders read it: inventory's own projection knows ids, not codes. */
const at = (siteId: string, locationId: string) => ({ id: locationId, siteId, code: locationId });

/**
 * `quality.hold.placed` heard (in the event's transaction): the location row (FOR SHARE), both balances in status
 * order, the SKU row — the hold use case's order — then the hold is decided, written and remembered. A second delivery
 * finds the remembered row and does nothing.
 */
export function placeQualityHold(deps: Pick<PlatformDeps, 'ids' | 'bus' | 'clock'>) {
  return async (tx: Tx, cmd: Omit<QualityHoldCommand, 'movementId'>, meta: EventMeta): Promise<void> => {
    if (await holds.knowsQualityHold(tx, cmd.inspectionId)) return;
    const where = await lockWhereabouts(tx, cmd.locationId);
    const from = { siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId, lot: toLotKey(cmd.lot), status: 'AVAILABLE' as const };
    const balance = await lockStatusBalances(tx, from, { ...from, status: QUALITY_HOLD_STATUS });
    const skuStock = await store.lockExistingSkuStock(tx, cmd.siteId, cmd.ownerId, cmd.sku);
    // Another failed inspection of the same receipt holds these units already (the general plan's and the supplier's
    // audit): this hold joins it rather than look for AVAILABLE units that are not there (ADR 0031 addendum of 2026-12-06).
    const receiptRef = cmd.receiptRef ?? null;
    const carrier = receiptRef === null ? undefined : await holds.lockReceiptCarrier(tx, receiptRef, from);
    const answered = receiptRef === null ? { all: 0, saidShort: 0 } : await holds.receiptAnswered(tx, receiptRef, from, cmd.inspectionId);
    if (carrier !== undefined) {
      const placed = decideJoinedHold({ carrier: receiptHold(carrier), answered }, cmd);
      await record(tx, deps, [], [placed.event], meta);
      await holds.insertQualityHold(tx, { inspectionId: cmd.inspectionId, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId,
        lot: toLotKey(cmd.lot), requested: cmd.quantity, held: 0, now: deps.clock.now(), receiptRef, sharedWith: carrier.inspection_id, shortfall: placed.data.shortfall });
      return;
    }
    const movementId = deps.ids.next('mov');
    const d = decideQualityHold({ product: { sku: cmd.sku }, location: at(cmd.siteId, cmd.locationId), ...where, balance, skuStock, answered },
      { ...cmd, movementId }, deps.clock.now());
    if (!d.ok) return;
    const { held, change, placed, shortfall } = d.value;
    if (change !== null) await writeStatusChange(tx, movementId, change);
    await record(tx, deps, change?.movements ?? [], [...change?.events ?? [], placed], meta);
    await holds.insertQualityHold(tx, { inspectionId: cmd.inspectionId, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId, lot: toLotKey(cmd.lot),
      requested: cmd.quantity, held, now: deps.clock.now(), receiptRef, sharedWith: null, shortfall });
  };
}

const receiptHold = (r: holds.QualityHoldRow): ReceiptHold => ({
  inspectionId: r.inspection_id, status: r.status, held: r.held, taken: r.taken, requested: r.requested, sharedWith: r.shared_with,
});

/**
 * A disposition of a hold that may share its units with other failed inspections of the same receipt (ADR 0031
 * addendum of 2026-12-06), with the balance and the hold locked: the carrier, then the holds sharing its units, locked
 * in that order, and the rules decided (`decideSharedDisposition`). 'DONE' when settled there, else the row to dispose
 * of as usual: this hold's, now carrying the units when it took them over.
 */
async function shareDisposition(tx: Tx, deps: Pick<PlatformDeps, 'ids' | 'bus' | 'clock'>, row: holds.QualityHoldRow, cmd: { inspectionId: string; disposition: Disposition }, meta: EventMeta):
Promise<holds.QualityHoldRow | 'DONE'> {
  const carrier = row.shared_with === null ? row : await holds.lockQualityHold(tx, row.shared_with);
  const sharers = carrier === undefined ? [] : await holds.lockSharers(tx, carrier.inspection_id);
  const key = { siteId: row.site_id, ownerId: row.owner_id, sku: row.sku, locationId: row.location_id, lot: row.lot };
  const d = decideSharedDisposition({ hold: receiptHold(row), key, carrier: carrier === undefined ? undefined : receiptHold(carrier), sharers: sharers.map(receiptHold) }, cmd);
  if (d.kind === 'SETTLED') {
    if (d.handOverTo !== null) await holds.handOverCarrying(tx, row, d.handOverTo);
    await record(tx, deps, [], [d.disposed], meta);
    await holds.setQualityHoldStatus(tx, cmd.inspectionId, d.status, deps.clock.now());
    return 'DONE';
  }
  if (d.takeOverFrom === null) return row;
  await holds.handOverCarrying(tx, carrier!, row.inspection_id);
  return (await holds.lockQualityHold(tx, row.inspection_id))!;
}

/**
 * `quality.hold.disposed` heard: the hold row (read), the location (FOR SHARE), the HOLD and AVAILABLE balances in
 * status order, the hold row again (FOR UPDATE: after its balance, as a move that takes from it locks), then the release
 * or the removal is decided and written; the row records what became of it.
 * Units a RELEASE or REWORK brings back to AVAILABLE at a RECEIVING location get a putaway (and its PUTAWAY task) for
 * what no OPEN putaway covers there, as a release by hand does (`reput-released`): else they waited at the dock with no
 * task. Whether it is a RECEIVING location is read from inventory's projection after the hold row, before the balances.
 */
export function disposeQualityHold(deps: Pick<PlatformDeps, 'ids' | 'bus' | 'clock'>, policy: PutawayPolicy = closestFreePolicy) {
  return async (tx: Tx, cmd: { inspectionId: string; disposition: Disposition }, meta: EventMeta): Promise<void> => {
    const seen = await holds.getQualityHold(tx, cmd.inspectionId);
    if (seen === undefined || seen.status !== 'HELD') return;
    const releases = cmd.disposition === 'RELEASE' || cmd.disposition === 'REWORK';
    const dock = releases ? await reputFactsInTx(tx, seen.site_id, seen.location_id) : undefined;
    const key = { siteId: seen.site_id, ownerId: seen.owner_id, sku: seen.sku, locationId: seen.location_id, lot: seen.lot };
    const pickable = await lockPickable(tx, seen.location_id);
    const heldBalance = await lockStatusBalances(tx, { ...key, status: QUALITY_HOLD_STATUS }, { ...key, status: 'AVAILABLE' });
    // The row after its balance (a move takes from it under that lock): read again, a second disposition finds it done.
    const locked = await holds.lockQualityHold(tx, cmd.inspectionId);
    if (locked === undefined || locked.status !== 'HELD') return;
    const shared = await shareDisposition(tx, deps, locked, cmd, meta);
    if (shared === 'DONE') return;
    const row = shared;
    // Read with the HOLD balance locked: other holds are placed under the same lock.
    const others = (await holds.openQualityHoldsOn(tx, key)).filter((h) => h.inspection_id !== cmd.inspectionId).reduce((n, h) => n + h.held, 0);
    const heldByOthers = others + await lpnHolds.lostHeldOn(tx, key);
    const movementId = deps.ids.next('mov');
    const d = decideQualityDisposition({ hold: { status: row.status, held: row.held, taken: row.taken, key }, heldBalance, heldByOthers, location: at(row.site_id, row.location_id), pickable },
      { inspectionId: cmd.inspectionId, disposition: cmd.disposition, movementId }, deps.clock.now());
    if (!d.ok || d.value.kind === 'NONE') return;
    const v = d.value;
    if (v.kind === 'RELEASE' && v.change !== null) {
      const result = await writeStatusChange(tx, movementId, v.change);
      const reput = dock === undefined ? [] : await putawayReleased(tx, deps, policy, dock, result.to.onHand - result.to.reserved, {
        siteId: row.site_id, ownerId: row.owner_id, sku: row.sku, lot: row.lot, released: result.quantity, releaseMovementId: movementId,
      });
      await record(tx, deps, v.change.movements, [...v.change.events, v.disposed, ...reput], meta);
    } else if (v.kind === 'REMOVE' && v.quantity > 0) {
      await changeBalanceOrFail(tx, v.key, -v.quantity, 0, `quality ${cmd.inspectionId}: held units vanished under lock`);
      await record(tx, deps, v.movements, [v.disposed], meta);
    } else {
      await record(tx, deps, [], [v.disposed], meta);
    }
    await holds.setQualityHoldStatus(tx, cmd.inspectionId, v.status, deps.clock.now());
  };
}
