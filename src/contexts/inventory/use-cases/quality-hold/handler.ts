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
import { decideQualityDisposition, decideQualityHold, QUALITY_HOLD_STATUS, type QualityHoldCommand } from './decide.ts';
import { InventoryEvents, type QualityHoldDisposed, type QualityHoldPlaced } from '../../../../contracts/inventory.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';
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
    if (carrier !== undefined) {
      const shared = carrier.held - carrier.taken;
      const data: QualityHoldPlaced = {
        inspectionId: cmd.inspectionId, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId, lot: cmd.lot,
        requested: cmd.quantity, held: Math.min(shared, cmd.quantity), shortfall: Math.max(0, cmd.quantity - shared), movementId: null, sharedWith: carrier.inspection_id,
      };
      await record(tx, deps, [], [{ type: InventoryEvents.qualityHoldPlaced, subject: cmd.inspectionId, siteId: cmd.siteId, data }], meta);
      await holds.insertQualityHold(tx, { inspectionId: cmd.inspectionId, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId,
        lot: toLotKey(cmd.lot), requested: cmd.quantity, held: 0, now: deps.clock.now(), receiptRef, sharedWith: carrier.inspection_id });
      return;
    }
    const movementId = deps.ids.next('mov');
    const d = decideQualityHold({ product: { sku: cmd.sku }, location: at(cmd.siteId, cmd.locationId), ...where, balance, skuStock },
      { ...cmd, movementId }, deps.clock.now());
    if (!d.ok) return;
    const { held, change, placed } = d.value;
    if (change !== null) await writeStatusChange(tx, movementId, change);
    await record(tx, deps, change?.movements ?? [], [...change?.events ?? [], placed], meta);
    await holds.insertQualityHold(tx, { inspectionId: cmd.inspectionId, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: cmd.locationId, lot: toLotKey(cmd.lot),
      requested: cmd.quantity, held, now: deps.clock.now(), receiptRef, sharedWith: null });
  };
}

/**
 * A disposition of a hold that shares its units with other failed inspections of the same receipt (ADR 0031 addendum
 * of 2026-12-06), with the balance and the hold locked: the units leave HOLD only when no other of them still holds
 * them. 'DONE' when it is settled here — a RELEASE / REWORK while another still holds them (it carries them on: nothing
 * moves), or units already scrapped or returned by another's disposition (nothing left) — else the row to dispose of
 * as usual: this hold's, now carrying the units (a SCRAP / RETURN_TO_VENDOR by a sharer takes them).
 */
async function shareDisposition(tx: Tx, deps: Pick<PlatformDeps, 'ids' | 'bus' | 'clock'>, row: holds.QualityHoldRow, cmd: { inspectionId: string; disposition: Disposition }, meta: EventMeta):
Promise<holds.QualityHoldRow | 'DONE'> {
  const carrier = row.shared_with === null ? row : await holds.lockQualityHold(tx, row.shared_with);
  const others = [...(carrier !== undefined && carrier !== row && carrier.status === 'HELD' ? [carrier] : []),
    ...(carrier === undefined ? [] : await holds.lockSharers(tx, carrier.inspection_id)).filter((h) => h.inspection_id !== row.inspection_id)];
  const settled = async (status: string, extra: Pick<QualityHoldDisposed, 'held'> & ({ stillHeldBy: string } | { disposedBy: string })): Promise<'DONE'> => {
    const data: QualityHoldDisposed = {
      inspectionId: cmd.inspectionId, siteId: row.site_id, ownerId: row.owner_id, sku: row.sku, locationId: row.location_id, lot: fromLotKey(row.lot),
      disposition: cmd.disposition, disposed: 0, shortfall: 0, movementId: null, ...extra,
    };
    await record(tx, deps, [], [{ type: InventoryEvents.qualityHoldDisposed, subject: cmd.inspectionId, siteId: row.site_id, data }], meta);
    await holds.setQualityHoldStatus(tx, cmd.inspectionId, status, deps.clock.now());
    return 'DONE';
  };
  if (row.shared_with !== null && (carrier === undefined || carrier.status !== 'HELD')) {
    // The carrier's SCRAP / RETURN_TO_VENDOR took the units this hold shared.
    return settled(dispositionStatus(cmd.disposition), { held: 0, disposedBy: row.shared_with });
  }
  if (others.length === 0) return row;
  const owned = carrier!.held - carrier!.taken;
  if (cmd.disposition === 'RELEASE' || cmd.disposition === 'REWORK') {
    const next = others[0]!;
    if (row.shared_with === null) await holds.handOverCarrying(tx, row, next.inspection_id);
    return settled('RELEASED', { held: owned, stillHeldBy: row.shared_with === null ? next.inspection_id : row.shared_with });
  }
  // SCRAP / RETURN_TO_VENDOR by a sharer: it carries the units, then takes them; the others find them gone.
  if (row.shared_with !== null) await holds.handOverCarrying(tx, carrier!, row.inspection_id);
  return (await holds.lockQualityHold(tx, row.inspection_id))!;
}

const dispositionStatus = (d: Disposition): string => (d === 'SCRAP' ? 'SCRAPPED' : d === 'RETURN_TO_VENDOR' ? 'RETURNED' : 'RELEASED');

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
