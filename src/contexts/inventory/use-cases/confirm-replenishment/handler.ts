import { withoutDefaultOwner } from '../../domain/ledger.ts';
import { InventoryEvents, type ReplenishmentWaitEnded } from '../../../../contracts/inventory.ts';
import type { LocationStatusChanged } from '../../../../contracts/location-master.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { namesOne } from '../../domain/command-checks.ts';
import { learnLocation, lockMoveEnd, NOT_LEARNED } from '../../pickability.ts';
import * as store from '../../store.ts';
import * as replenishments from '../../replenishment-store.ts';
import { replenishmentView, type ReplenishmentView } from '../../views-replenishment.ts';
import { changeBalanceOrFail, findLocation, record, type StockApis } from '../ledger-writes.ts';
import {
  decideCancelReplenishment, decideConfirmReplenishment, scannedFace, type ConfirmReplenishmentInput, type ConfirmReplenishmentRejection,
} from './decide.ts';
import { leavesPickable } from '../move-stock/decide.ts';

/**
 * POST /replenishments/{id}/confirm. The replenishment's site is read first (to look the scan up there, before the
 * transaction); then under lock: the replenishment row, both locations' projection rows in id order (FOR SHARE: an
 * open count at either end refuses it, as it refuses a move), both balances in location order — as a move takes them,
 * so a move and a confirm between the same places queue.
 */
export function confirmReplenishmentHandler(deps: PlatformDeps, apis: StockApis) {
  return async (input: ConfirmReplenishmentInput, meta: EventMeta): Promise<Outcome<ReplenishmentView, ConfirmReplenishmentRejection>> => {
    const known = await replenishments.getReplenishment(deps.db, input.replenishmentId);
    const ref = scannedFace(input);
    const scanned = known === undefined || !namesOne(ref) ? undefined : await findLocation(apis.locations, known.site_id, ref);
    const movementId = deps.ids.next('mov');
    return decideInTx(deps.db, async (tx) => {
      const r = await replenishments.lockReplenishment(tx, input.replenishmentId);
      let fromPickable = true;
      let toPickable = true;
      let fromUnderCount = false;
      let toUnderCount = false;
      let learned = NOT_LEARNED;
      let source: store.BalanceRow | undefined;
      let skuStock: store.SkuStockRow | undefined;
      if (r !== undefined && r.status === 'OPEN' && scanned !== undefined && scanned.id === r.to_location_id) {
        // The face is learned from the scan (if new); the source is known to the projection (a balance is there).
        const [first, second] = r.from_location_id < r.to_location_id ? ['from', 'to'] as const : ['to', 'from'] as const;
        for (const end of [first, second]) {
          if (end === 'to') {
            learned = await learnLocation(tx, scanned);
            toPickable = learned.pickable;
            toUnderCount = learned.underCount;
          } else {
            ({ pickable: fromPickable, underCount: fromUnderCount } = await lockMoveEnd(tx, r.from_location_id));
          }
        }
        const fromKey = { siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, locationId: r.from_location_id, lot: r.lot, status: 'AVAILABLE' as const };
        await store.lockBalances(tx, [fromKey, { ...fromKey, locationId: r.to_location_id }]);
        source = await store.getBalance(tx, fromKey);
        // Out of the pickable stock: the SKU row, after the balances (as a move locks it), says how much is allocated.
        if (leavesPickable('AVAILABLE', fromPickable, toPickable)) skuStock = await store.lockExistingSkuStock(tx, r.site_id, r.owner_id, r.sku);
      }
      const decision = decideConfirmReplenishment({ replenishment: r, scanned, fromPickable, toPickable, fromUnderCount, toUnderCount, source, skuStock },
        { ...input, movementId }, deps.clock.now());
      if (!decision.ok) return decision;
      const d = decision.value;
      await changeBalanceOrFail(tx, d.from, -d.quantity, 0, `replenishment move of ${d.quantity} refused at ${d.from.locationId}`);
      await store.addMovedOnHand(tx, d.to, d.quantity, d.expiresOn, d.firstReceivedAt);
      await store.changeUnpickable(tx, d.from.siteId, d.from.ownerId, d.from.sku, d.unpickable);
      const updated = await replenishments.finishReplenishment(tx, input.replenishmentId, {
        status: 'COMPLETED', moved: d.quantity, confirmedBy: input.workerId ?? meta.actor?.id ?? null, at: deps.clock.now(),
      });
      await record(tx, deps, d.movements, [...learned.events, ...d.events], meta);
      return ok(replenishmentView(updated));
    });
  };
}

/** POST /replenishments/{id}/cancel: an open replenishment is withdrawn, and its REPLENISH task with it. */
export function cancelReplenishmentHandler(deps: PlatformDeps) {
  return async (input: { replenishmentId: string; reason: string }, meta: EventMeta): Promise<Outcome<ReplenishmentView, 'NOT_FOUND' | 'ILLEGAL_TRANSITION'>> =>
    decideInTx(deps.db, async (tx) => {
      const r = await replenishments.lockReplenishment(tx, input.replenishmentId);
      const decision = decideCancelReplenishment({ replenishment: r }, input, deps.clock.now());
      if (!decision.ok) return decision;
      const updated = await replenishments.finishReplenishment(tx, input.replenishmentId, { status: 'CANCELLED', moved: 0, confirmedBy: null, at: null });
      await deps.bus.append(tx, 'inventory', withoutDefaultOwner(decision.value.events), meta);
      return ok(replenishmentView(updated));
    });
}

/**
 * `location-master.location.status-changed` to INACTIVE heard (in the event's transaction, before the location projection
 * learns it): the face's OPEN replenishments can never be confirmed (nothing is put to an INACTIVE location, for good), so
 * each is cancelled as a planner would (its REPLENISH task withdrawn, whoever holds it), the reason naming the
 * deactivation. Rows locked in id order, before the location. A blocked face keeps them (it may be unblocked). The face's
 * waits for a replenishment source end as well (`inventory.replenishment.wait-ended`, NOT_NEEDED): no stock freed later
 * would ever ask for it again, and its NO_REPLENISHMENT_SOURCE would stay open for good.
 */
export function withdrawReplenishmentsAtDeactivatedHandler(deps: PlatformDeps) {
  return async (tx: Tx, change: LocationStatusChanged, meta: EventMeta): Promise<string[]> => {
    if (change.to !== 'INACTIVE') return [];
    const reason = `face ${change.locationId} was deactivated${change.reason === null ? '' : ` (${change.reason})`}: nothing is put to it`;
    const withdrawn: string[] = [];
    for (const { id } of await replenishments.openReplenishmentsTo(tx, change.locationId)) {
      const r = await replenishments.lockReplenishment(tx, id);
      const decision = decideCancelReplenishment({ replenishment: r }, { replenishmentId: id, reason }, deps.clock.now());
      // Confirmed or cancelled since the read: left alone.
      if (!decision.ok) continue;
      await replenishments.finishReplenishment(tx, id, { status: 'CANCELLED', moved: 0, confirmedBy: null, at: null });
      await deps.bus.append(tx, 'inventory', withoutDefaultOwner(decision.value.events), meta);
      withdrawn.push(id);
    }
    // Its waits for a source end too: nothing will ever be asked for it, so NO_REPLENISHMENT_SOURCE resolves (NOT_NEEDED).
    for (const w of await replenishments.endWaitsAt(tx, change.locationId)) {
      const data: ReplenishmentWaitEnded = {
        waitId: w.id, siteId: w.site_id, ownerId: w.owner_id, sku: w.sku, faceLocationId: w.location_id, outcome: 'NOT_NEEDED', replenishmentId: null,
      };
      await deps.bus.append(tx, 'inventory', withoutDefaultOwner([{ type: InventoryEvents.replenishmentWaitEnded, subject: w.id, siteId: w.site_id, data }]), meta);
    }
    return withdrawn;
  };
}
