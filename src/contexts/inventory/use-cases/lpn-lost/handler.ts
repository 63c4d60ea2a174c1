import { DEFAULT_OWNER_ID } from '../../../../contracts/inventory.ts';
import type { LpnFound, LpnLost } from '../../../../contracts/physical-tracking.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { toLotKey } from '../../domain/stock.ts';
import * as holds from '../../lpn-hold-store.ts';
import * as qualityHolds from '../../quality-hold-store.ts';
import { lockMoveEnd, lockWhereabouts } from '../../pickability.ts';
import * as store from '../../store.ts';
import { changeBalanceOrFail, record } from '../ledger-writes.ts';
import { lockStatusBalances, writeStatusChange } from '../status-writes.ts';
import { decideLpnFound, decideLpnLostHold, LPN_LOST_STATUS } from './decide.ts';
import { closestFreePolicy, type PutawayPolicy } from '../../domain/putaway-policy.ts';
import { putawayReleased, reputFactsInTx, withdrawReleased } from '../reput-released/handler.ts';
import * as inbound from '../../inbound-store.ts';

/** The location as the hold and release deciders read it: inventory's own projection knows ids, not codes. */
const at = (siteId: string, locationId: string) => ({ id: locationId, siteId, code: locationId });

/** The lost LPNs' units per LPN and (owner, SKU, lot), in lock order: what one loss holds. In-process units stay their order's. */
function holdLines(d: LpnLost): { lpnId: string; ownerId: string; sku: string; lot: string; quantity: number }[] {
  const byKey = new Map<string, { lpnId: string; ownerId: string; sku: string; lot: string; quantity: number }>();
  for (const l of d.lines) {
    if (l.orderId !== null || l.quantity <= 0) continue;
    const line = { lpnId: l.lpnId, ownerId: l.owner ?? DEFAULT_OWNER_ID, sku: l.sku, lot: toLotKey(l.lot), quantity: l.quantity };
    const k = [line.sku, line.ownerId, line.lot, line.lpnId].join('\u0000');
    const had = byKey.get(k);
    byKey.set(k, had === undefined ? line : { ...had, quantity: had.quantity + line.quantity });
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/**
 * `physical-tracking.lpn.lost` heard (in the event's transaction): per LPN and (owner, SKU, lot), in SKU order, the
 * location row (FOR SHARE), both balances in status order and the SKU row — the hold use case's order — then the
 * clamped hold is decided and written, and remembered with what it held. A second delivery finds the rows and does nothing.
 */
export function holdLostLpn(deps: Pick<PlatformDeps, 'ids' | 'bus' | 'clock'>) {
  return async (tx: Tx, lost: LpnLost, lossEventId: string, meta: EventMeta): Promise<void> => {
    const locationId = lost.locationId;
    // A carried LPN's units are on the books where it was picked up or at IN_PROCESS: nothing to hold by location.
    if (locationId === null || await holds.knowsLoss(tx, lossEventId)) return;
    const rows: Parameters<typeof holds.insertLpnHolds>[1][number][] = [];
    for (const line of holdLines(lost)) {
      const where = await lockWhereabouts(tx, locationId);
      const from = { siteId: lost.siteId, ownerId: line.ownerId, sku: line.sku, locationId, lot: line.lot, status: 'AVAILABLE' as const };
      const balance = await lockStatusBalances(tx, from, { ...from, status: LPN_LOST_STATUS });
      const skuStock = await store.lockExistingSkuStock(tx, lost.siteId, line.ownerId, line.sku);
      const movementId = deps.ids.next('mov');
      const d = decideLpnLostHold({ product: { sku: line.sku }, location: at(lost.siteId, locationId), ...where, balance, skuStock },
        { ...line, lossEventId, siteId: lost.siteId, locationId, movementId }, deps.clock.now());
      if (!d.ok) continue;
      const { held, change, placed } = d.value;
      if (change !== null) await writeStatusChange(tx, movementId, change);
      await record(tx, deps, change?.movements ?? [], [...change?.events ?? [], placed], meta);
      rows.push({ loss_event_id: lossEventId, lpn_id: line.lpnId, owner_id: line.ownerId, sku: line.sku, lot: line.lot, site_id: lost.siteId,
        location_id: locationId, requested: line.quantity, held });
    }
    await holds.insertLpnHolds(tx, rows, deps.clock.now());
  };
}

/**
 * `physical-tracking.lpn.found` heard: the found LPNs' HELD rows (FOR UPDATE, in SKU order), then per row both ends'
 * location rows (FOR SHARE), the HOLD balances there and the AVAILABLE one where it was found, before deciding.
 *
 * A count may hold either end: physical tracking refuses such a find (409 LOCATION_UNDER_COUNT), but a count opened
 * after its check and before this delivery is not seen there. The find is applied anyway, as a receipt at a location
 * under count is: the LPN is already physically where it was found, so the counter there counts its units, and the
 * count's expected quantity is what the ledger holds on the shelf when it is submitted — the released units included,
 * no variance. Held back until the count closed (retried, dead-lettered, or waited for: EventNotReady dead-letters at
 * once on the inline bus and after 10 minutes on a broker, shorter than a count may stay open), the counter would
 * find units the ledger does not hold there, the count would add them, and the find would add them a second time.
 * Where it was lost, only HOLD units leave: a count there never expected the LPN's units (`heldOnShelf` leaves the
 * HELD `lpn_holds` out), which were not there.
 */
export function releaseFoundLpn(deps: Pick<PlatformDeps, 'ids' | 'bus' | 'clock'>, policy: PutawayPolicy = closestFreePolicy) {
  return async (tx: Tx, found: LpnFound, meta: EventMeta): Promise<void> => {
    const rows = await holds.lockHeld(tx, found.lpns.map((l) => l.lpnId));
    // Found at a RECEIVING location (the dock it was lost at, or another), its released units get a putaway (and a
    // PUTAWAY task) for what no OPEN putaway covers there, as a release by hand does (`reput-released`): else they
    // waited at the dock with no task. Read from inventory's projection before the balance locks.
    const dock = rows.length === 0 ? undefined : await reputFactsInTx(tx, found.siteId, found.locationId);
    for (const row of rows) {
      const key = { siteId: row.site_id, ownerId: row.owner_id, sku: row.sku, locationId: row.location_id, lot: row.lot };
      const same = row.location_id === found.locationId;
      // Lost at a RECEIVING location and found elsewhere: the OPEN putaways of its AVAILABLE units there give up what the
      // find takes off the dock (below), else they waited for units no longer there, their tasks refused at every scan
      // (409 INSUFFICIENT_STOCK). Locked first, before the locations and balances, the order a putaway confirm locks in.
      const lostDock = same ? undefined : await reputFactsInTx(tx, row.site_id, row.location_id);
      const stranded = lostDock === undefined ? [] : await inbound.lockOpenPutawaysAt(tx, { ...key, status: 'AVAILABLE' });
      const fromEnd = await lockMoveEnd(tx, row.location_id);
      const toEnd = same ? fromEnd : await lockMoveEnd(tx, found.locationId);
      const heldKey = { ...key, status: LPN_LOST_STATUS };
      const here = { ...heldKey, locationId: found.locationId };
      const availableThere = { ...key, status: 'AVAILABLE' as const };
      const locked = await store.lockBalancesByKey(tx, same ? [heldKey, { ...here, status: 'AVAILABLE' as const }]
        : [heldKey, ...(stranded.length === 0 ? [] : [availableThere]), here, { ...here, status: 'AVAILABLE' as const }]);
      const heldThere = locked.get(store.balanceKeyOf(heldKey));
      const heldHere = same ? undefined : locked.get(store.balanceKeyOf(here));
      // Read with the HOLD balance locked: an inspection's hold there is placed, taken from and disposed of under it.
      const heldByInspections = (await qualityHolds.openQualityHoldsOn(tx, key)).reduce((n, h) => n + h.held, 0);
      const moveId = deps.ids.next('mov');
      const releaseId = deps.ids.next('mov');
      const d = decideLpnFound({
        hold: { lpnId: row.lpn_id, held: row.held, key }, heldThere, heldHere, heldByInspections, fromPickable: fromEnd.pickable, toPickable: toEnd.pickable,
      }, { locationId: found.locationId, moveId, releaseId }, deps.clock.now());
      if (!d.ok) continue;
      const { quantity, move, release } = d.value;
      if (move !== null && heldThere !== undefined) {
        await changeBalanceOrFail(tx, move.fromKey, -quantity, 0, `found LPN ${row.lpn_id}: held units vanished under lock`);
        await store.addMovedOnHand(tx, move.toKey, quantity, heldThere.expires_on, heldThere.first_received_at);
        // What may still be put away from the dock: its AVAILABLE units, and units still held there (another lost LPN's,
        // a hold by hand) that may come back to AVAILABLE there; the putaways give up only what is beyond them.
        const available = locked.get(store.balanceKeyOf(availableThere));
        const left = (available === undefined ? 0 : available.on_hand - available.reserved) + heldThere.on_hand - quantity;
        const withdrawn = await withdrawReleased(tx, deps, stranded, left, {
          ...availableThere, released: quantity, releaseMovementId: moveId,
          why: `taken off the receiving location by lost LPN ${row.lpn_id} found at ${found.locationId} (move ${moveId}): nothing left there to put away`,
        });
        await record(tx, deps, move.movements, [...move.events, ...withdrawn], meta);
      }
      if (release !== null) {
        const result = await writeStatusChange(tx, releaseId, release);
        const reput = dock === undefined ? [] : await putawayReleased(tx, deps, policy, dock, result.to.onHand - result.to.reserved, {
          siteId: row.site_id, ownerId: row.owner_id, sku: row.sku, lot: row.lot, released: result.quantity, releaseMovementId: releaseId,
        });
        await record(tx, deps, release.movements, [...release.events, ...reput], meta);
      }
      await holds.markReleased(tx, row, quantity, found.locationId, deps.clock.now());
    }
  };
}

