import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';
import { expiredToday, learnLocation, NOT_LEARNED, withExpiredCover } from '../../pickability.ts';
import * as store from '../../store.ts';
import { balanceView, type StockChangeResult } from '../../views.ts';
import { changeBalanceOrFail, changeSkuOnHandOrFail, lookUp, record, type StockApis } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { locationRef } from '../receive/decide.ts';
import { InventoryEvents } from '../../../../contracts/inventory.ts';
import { uncoveredAtDock, withUncoveredAtDock } from '../dock-leftovers.ts';
import { lockDockPutaways, withdrawTakenOffDock } from '../reput-released/handler.ts';
import { decideAdjust, type AdjustmentInput, type AdjustRejection } from './decide.ts';

/** POST /inventory/adjustments: the balance and the SKU row are locked (in that order) before deciding a removal. */
export function adjustHandler(deps: PlatformDeps, apis: StockApis, counters: InventoryCounters) {
  return async (input: AdjustmentInput, meta: EventMeta): Promise<Outcome<StockChangeResult, AdjustRejection>> => {
    const { product, location } = await lookUp(apis, input.siteId, input.sku, locationRef(input));
    const movementId = deps.ids.next('mov');
    const result = await decideInTx(deps.db, async (tx) => {
      // Units adjusted away at a dock: its OPEN putaways, locked first (the order a putaway confirm locks in), give up
      // below what the dock no longer has.
      const dockPutaways = input.delta >= 0 ? []
        : await lockDockPutaways(tx, location, { siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, lot: toLotKey(input.lot) });
      const learned = location === undefined ? NOT_LEARNED : await learnLocation(tx, location);
      const key = { siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, locationId: location?.id ?? '', lot: toLotKey(input.lot),
        status: 'AVAILABLE' as const };
      const balance = location === undefined ? undefined : await store.lockBalance(tx, key);
      const skuStock = location === undefined ? undefined
        : await withExpiredCover(tx, input, await store.lockExistingSkuStock(tx, input.siteId, input.ownerId, input.sku), deps.clock.now());
      const decision = decideAdjust({ product, location, pickable: learned.pickable, paused: learned.paused, balance, skuStock, hereExpired: expiredToday(balance, deps.clock.now()) },
        { ...input, movementId }, deps.clock.now());
      if (!decision.ok) return decision;
      const d = decision.value;
      const after = d.delta > 0
        // Units found of a dated lot where it has no balance yet carry the lot's known expiry (undated, they never expire).
        ? await store.addOnHand(tx, d.key, d.delta, balance === undefined ? await store.knownLotExpiry(tx, d.key.ownerId, d.key.sku, d.key.lot) : null)
        : await changeBalanceOrFail(tx, d.key, d.delta, 0, `adjustment of ${d.delta} refused at ${d.key.locationId}`);
      await changeSkuOnHandOrFail(tx, d.key.siteId, d.key.ownerId, d.key.sku, d.delta, d.unpickable,
        `adjustment of ${d.delta} ${d.key.sku} went below allocated`);
      const { status: _status, ...dockKey } = d.key;
      const withdrawn = await withdrawTakenOffDock(tx, deps, dockPutaways, dockKey, -d.delta, movementId,
        `adjusted away at the receiving location (${input.reason}, movement ${movementId}): nothing left there to put away`);
      // Adjusted at a dock: the AVAILABLE units left there with no putaway, read after the write (the balance is locked).
      const events = withUncoveredAtDock(d.events, InventoryEvents.adjusted, await uncoveredAtDock(tx, location, d.key));
      await record(tx, deps, d.movements, [...learned.events, ...events, ...withdrawn], meta);
      const { siteId, sku, locationId, lot } = d.key;
      return ok({ movementId, siteId, sku, locationId, lot: fromLotKey(lot), quantity: d.delta, balance: balanceView(after) });
    });
    if (result.ok) counters.adjusted.inc(Math.abs(input.delta));
    return result;
  };
}
