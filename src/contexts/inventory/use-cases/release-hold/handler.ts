import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { toLotKey } from '../../domain/stock.ts';
import { learnLocation, NOT_LEARNED } from '../../pickability.ts';
import * as holds from '../../quality-hold-store.ts';
import * as lpnHolds from '../../lpn-hold-store.ts';
import * as rmas from '../../rma-store.ts';
import type * as store from '../../store.ts';
import { lookUp, record, type StockApis } from '../ledger-writes.ts';
import { locationRef } from '../receive/decide.ts';
import { lockStatusBalances, writeStatusChange, type StatusChangeResult } from '../status-writes.ts';
import { QUALITY_HOLD_STATUS } from '../quality-hold/decide.ts';
import { decideRelease, type ReleaseInput, type ReleaseRejection } from './decide.ts';
import { closestFreePolicy, type PutawayPolicy } from '../../domain/putaway-policy.ts';
import { putawayReleased, reputFacts, withdrawReleased } from '../reput-released/handler.ts';
import * as inbound from '../../inbound-store.ts';

/**
 * POST /inventory/hold-releases: location row (FOR SHARE), both balances in status order, then the SKU row by its upsert.
 * Read with the balances locked, the units open inspections keep there: a failed quality inspection's HOLD units, an
 * RMA's QUARANTINE units awaiting its inspection (an RMA receipt and inspection change that balance under the same lock).
 * Units released at a RECEIVING location get a putaway (and a PUTAWAY task) for what no OPEN putaway covers there
 * (`reput-released`): a putaway cancelled while they were held leaves them nowhere otherwise. OPEN putaways there of
 * the status the units leave (a QUARANTINE receipt's) give those units up in the same transaction (reduced, or
 * cancelled with their task withdrawn): locked first, before the location and balances, as a putaway confirm locks.
 */
export function releaseHoldHandler(deps: PlatformDeps, apis: StockApis, policy: PutawayPolicy = closestFreePolicy) {
  return async (input: ReleaseInput, meta: EventMeta): Promise<Outcome<StatusChangeResult, ReleaseRejection>> => {
    const { product, location } = await lookUp(apis, input.siteId, input.sku, locationRef(input));
    // Released at the dock: the units get a putaway again, suggested as a receipt's is (read before the transaction).
    const dock = await reputFacts(deps.db, apis, input.siteId, input.sku, location);
    const movementId = deps.ids.next('mov');
    return decideInTx(deps.db, async (tx) => {
      // At the dock, first (before the location and balances, the order a putaway confirm locks in): the OPEN putaways
      // of the status the units leave, which give up the released units below.
      const lotKey = toLotKey(input.lot);
      const held = dock === undefined ? [] : await inbound.lockOpenPutawaysAt(tx, {
        siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, locationId: dock.dock.id, lot: lotKey, status: input.fromStatus,
      });
      const learned = location === undefined ? NOT_LEARNED : await learnLocation(tx, location);
      let balance: store.BalanceRow | undefined;
      let inspectionHolds: { inspectionId: string; held: number; sharedBy?: string[] }[] = [];
      let lostLpnHolds: { lpnId: string; held: number }[] = [];
      if (location !== undefined) {
        const from = { siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, locationId: location.id, lot: toLotKey(input.lot), status: input.fromStatus };
        balance = await lockStatusBalances(tx, from, { ...from, status: 'AVAILABLE' });
        // Read with the balances locked: a quality hold placed there commits its row with the balance it changed.
        if (input.fromStatus === QUALITY_HOLD_STATUS) {
          inspectionHolds = (await holds.openQualityHoldsOn(tx, from)).map((h) => ({ inspectionId: h.inspection_id, held: h.held, sharedBy: h.shared_by }));
          lostLpnHolds = await lpnHolds.lostHoldsOn(tx, from);
        }
        // Returned units waiting in QUARANTINE for their RMA's inspection are the inspection's to dispose of: released
        // by hand, the inspection would find fewer than it awaits and the RMA could never be inspected nor closed.
        if (input.fromStatus === 'QUARANTINE') {
          inspectionHolds = (await rmas.awaitingInspectionOn(tx, from)).map((r) => ({ inspectionId: r.rma_id, held: r.awaiting }));
        }
      }
      const decision = decideRelease({ product, location, pickable: learned.pickable, balance, inspectionHolds, lostLpnHolds }, { ...input, movementId }, deps.clock.now());
      if (!decision.ok) return decision;
      const result = await writeStatusChange(tx, movementId, decision.value);
      const withdrawn = dock === undefined ? [] : await withdrawReleased(tx, deps, held, result.from.onHand - result.from.reserved, {
        siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, lot: lotKey, locationId: dock.dock.id, status: input.fromStatus,
        released: result.quantity, releaseMovementId: movementId,
      });
      const reput = dock === undefined ? [] : await putawayReleased(tx, deps, policy, dock, result.to.onHand - result.to.reserved, {
        siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, lot: toLotKey(input.lot), released: result.quantity, releaseMovementId: movementId,
      });
      await record(tx, deps, decision.value.movements, [...learned.events, ...decision.value.events, ...withdrawn, ...reput], meta);
      return ok(result);
    });
  };
}
