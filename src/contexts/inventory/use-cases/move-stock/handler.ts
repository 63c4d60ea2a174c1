import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';
import { expiredToday, learnLocation, NOT_LEARNED, withExpiredCover, type Learned } from '../../pickability.ts';
import type { PublishedEvent } from '../../../../contracts/events.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import type { BalanceKey } from '../../domain/ledger.ts';
import * as rmas from '../../rma-store.ts';
import * as lpnHolds from '../../lpn-hold-store.ts';
import * as qualityHolds from '../../quality-hold-store.ts';
import { QUALITY_HOLD_STATUS } from '../quality-hold/decide.ts';
import { LPN_LOST_STATUS } from '../lpn-lost/decide.ts';
import * as store from '../../store.ts';
import { balanceView, type BalanceView } from '../../views.ts';
import { changeBalanceOrFail, findLocation, record, type StockApis } from '../ledger-writes.ts';
import { uncoveredAtDock, withUncoveredAtDock } from '../dock-leftovers.ts';
import { lockDockPutaways, withdrawTakenOffDock } from '../reput-released/handler.ts';
import { decideMove, endRef, leavesPickable, type MoveDecision, type MoveInput, type MoveRejection } from './decide.ts';
import { InventoryEvents, type StockStatus } from '../../../../contracts/inventory.ts';

export interface MoveResult {
  readonly movementId: string;
  readonly siteId: string;
  readonly sku: string;
  readonly lot: string | null;
  readonly status: StockStatus;
  readonly quantity: number;
  readonly fromLocationId: string;
  readonly toLocationId: string;
  readonly from: BalanceView;
  readonly to: BalanceView;
}

/** Both ends of a move learned (a new location's row made) and their pickability. */
export interface MoveEnds {
  readonly learned: { readonly from: Learned; readonly to: Learned };
  readonly source: store.BalanceRow | undefined;
}

/**
 * Locks a move's two ends: both locations' projection rows in id order, then both balances in id order (no deadlock
 * with the reverse move), and reads the source balance.
 */
export async function lockMoveEnds(tx: Tx, key: Omit<BalanceKey, 'locationId'>, from: Location, to: Location): Promise<MoveEnds> {
  const [first, second] = from.id < to.id ? [from, to] : [to, from];
  const learnedFirst = await learnLocation(tx, first);
  const learnedSecond = await learnLocation(tx, second);
  const learned = from === first ? { from: learnedFirst, to: learnedSecond } : { from: learnedSecond, to: learnedFirst };
  const fromKey = { ...key, locationId: from.id };
  await store.lockBalances(tx, [fromKey, { ...fromKey, locationId: to.id }]);
  return { learned, source: await store.getBalance(tx, fromKey) };
}

/**
 * A decided move's writes (also a putaway's): source down (HOLD units past those held by hand are `taken` from the
 * inspections holding them there), target up, `unpickable`, the movements and `events`.
 */
export async function writeMove(
  tx: Tx, deps: Pick<PlatformDeps, 'ids' | 'bus'>, d: MoveDecision, learned: MoveEnds['learned'], events: readonly PublishedEvent[], meta: EventMeta,
): Promise<{ sourceAfter: store.BalanceRow; target: store.BalanceRow }> {
  const q = d.quantity;
  const sourceAfter = await changeBalanceOrFail(tx, d.fromKey, -q, 0, `move of ${q} refused at ${d.from.id}`);
  if (d.fromKey.status === QUALITY_HOLD_STATUS) {
    // HOLD units moved away past those held by hand: the open inspections there no longer own them (read and written
    // with the source balance locked, as a hold, a release and a disposition there read them).
    await qualityHolds.takeFromQualityHolds(tx, d.fromKey, sourceAfter.on_hand, await lpnHolds.lostHeldOn(tx, d.fromKey));
  }
  const target = await store.addMovedOnHand(tx, d.toKey, q, d.expiresOn, d.firstReceivedAt);
  await store.changeUnpickable(tx, d.fromKey.siteId, d.fromKey.ownerId, d.fromKey.sku, d.unpickable);
  const [firstLearned, secondLearned] = d.from.id < d.to.id ? [learned.from, learned.to] : [learned.to, learned.from];
  await record(tx, deps, d.movements, [...firstLearned.events, ...secondLearned.events, ...events], meta);
  return { sourceAfter, target };
}

/**
 * POST /inventory/moves. Both locations' projection rows are taken in id order, then both balances in id order: no
 * deadlock with the reverse move; then (a move out of the pickable stock) the SKU row, after the balances as everywhere.
 */
export function moveStockHandler(deps: PlatformDeps, apis: StockApis) {
  return async (input: MoveInput, meta: EventMeta): Promise<Outcome<MoveResult, MoveRejection>> => {
    const product = (await apis.catalog.getBySkus([input.sku])).get(input.sku);
    const from = await findLocation(apis.locations, input.siteId, endRef(input, 'from'));
    const to = await findLocation(apis.locations, input.siteId, endRef(input, 'to'));
    const movementId = deps.ids.next('mov');
    return decideInTx(deps.db, async (tx) => {
      // AVAILABLE units moved off a dock: the OPEN putaways there, locked first (the order a putaway confirm locks in),
      // give up below what the dock no longer has.
      const dockPutaways = to === undefined || (input.status ?? 'AVAILABLE') !== 'AVAILABLE' ? []
        : await lockDockPutaways(tx, from, { siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, lot: toLotKey(input.lot) });
      const { learned, source } = from !== undefined && to !== undefined
        ? await lockMoveEnds(tx, { siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, lot: toLotKey(input.lot), status: input.status ?? 'AVAILABLE' }, from, to)
        : { learned: { from: NOT_LEARNED, to: NOT_LEARNED }, source: undefined };
      // A move of AVAILABLE units out of the pickable stock must leave what is allocated covered: the SKU row, locked
      // after the balances (as adjust does), says how much is.
      const skuStock = from !== undefined && to !== undefined && leavesPickable(input.status ?? 'AVAILABLE', learned.from.pickable, learned.to.pickable, learned.from.paused)
        ? await withExpiredCover(tx, input, await store.lockExistingSkuStock(tx, input.siteId, input.ownerId, input.sku), deps.clock.now())
        : undefined;
      // Read with the source balance locked: an RMA receipt and its inspection change that balance under the same lock.
      const awaitingInspection = from !== undefined && input.status === 'QUARANTINE'
        ? (await rmas.awaitingInspectionOn(tx, { siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, locationId: from.id, lot: toLotKey(input.lot) }))
          .map((r) => ({ rmaId: r.rma_id, units: r.awaiting }))
        : undefined;
      // Read with the source balance locked: a loss and a find of an LPN there change its HOLD balance under the same lock.
      const lostLpnHolds = from !== undefined && (input.status ?? 'AVAILABLE') === LPN_LOST_STATUS
        ? await lpnHolds.lostHoldsOn(tx, { siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, locationId: from.id, lot: toLotKey(input.lot) })
        : undefined;
      const state = {
        product, from, to, lostLpnHolds, fromPickable: learned.from.pickable, fromPaused: learned.from.paused, toPickable: learned.to.pickable,
        fromUnderCount: learned.from.underCount, toUnderCount: learned.to.underCount, source, skuStock, awaitingInspection,
        sourceExpired: expiredToday(source, deps.clock.now()),
      };
      const decision = decideMove(state, { ...input, movementId }, deps.clock.now());
      if (!decision.ok) return decision;
      const d = decision.value;
      // AVAILABLE units moved off a dock: how many are left there with no putaway (the source's balance is locked).
      const docked = d.fromKey.status === 'AVAILABLE' && d.from.type === 'RECEIVING'
        ? withUncoveredAtDock(d.events, InventoryEvents.moved, Math.max(0, (await uncoveredAtDock(tx, d.from, d.fromKey) ?? 0) - d.quantity))
        : d.events;
      // What stays of the owner's SKU and lot at the source, every status (its balance locked): physical tracking takes
      // the units the source no longer holds out of the LPNs there, the loose ones first.
      const { status: _status, ...sourceKey } = d.fromKey;
      const sourceOnHand = Math.max(0, await store.onHandAllStatuses(tx, sourceKey) - d.quantity);
      // The picks at the source the books hold so far: physical tracking may have heard picks there that inventory books
      // after this move (both hear `picking.line.picked`), whose units sourceOnHand still counts but its LPNs gave already.
      const sourcePicked = await store.pickedAt(tx, sourceKey.siteId, sourceKey.sku, sourceKey.locationId);
      // …and those of the owner's SKU and lot: physical tracking sets its picks heard of the owner and lot against them.
      const sourcePickedOwnerLot = await store.pickedAtOwnerLot(tx, sourceKey);
      const events = docked.map((e) => (e.type === InventoryEvents.moved ? { ...e, data: { ...e.data, sourceOnHand, sourcePicked, sourcePickedOwnerLot } } : e));
      const { status: _s, ...dockKey } = d.fromKey;
      const withdrawn = await withdrawTakenOffDock(tx, deps, dockPutaways, dockKey, d.quantity, movementId,
        `moved off the receiving location by hand to ${d.to.code} (move ${movementId}): nothing left there to put away`, false);
      const { sourceAfter, target } = await writeMove(tx, deps, d, learned, [...events, ...withdrawn], meta);
      const { siteId, sku, lot, status } = d.fromKey;
      return ok({
        movementId, siteId, sku, lot: fromLotKey(lot), status, quantity: d.quantity, fromLocationId: d.from.id, toLocationId: d.to.id,
        from: balanceView(sourceAfter), to: balanceView(target),
      });
    });
  };
}
