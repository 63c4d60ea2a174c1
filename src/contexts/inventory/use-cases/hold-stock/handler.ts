import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { toLotKey } from '../../domain/stock.ts';
import { expiredToday, learnLocation, NOT_LEARNED, withExpiredCover } from '../../pickability.ts';
import * as store from '../../store.ts';
import { lookUp, record, type StockApis } from '../ledger-writes.ts';
import { locationRef } from '../receive/decide.ts';
import { lockStatusBalances, writeStatusChange, type StatusChangeResult } from '../status-writes.ts';
import { InventoryEvents } from '../../../../contracts/inventory.ts';
import { uncoveredAtDock, withUncoveredAtDock } from '../dock-leftovers.ts';
import { decideHold, type HoldInput, type HoldRejection } from './decide.ts';

/** POST /inventory/holds: location row (FOR SHARE), both balances (status order), then the SKU row, before deciding. */
export function holdStockHandler(deps: PlatformDeps, apis: StockApis) {
  return async (input: HoldInput, meta: EventMeta): Promise<Outcome<StatusChangeResult, HoldRejection>> => {
    const { product, location } = await lookUp(apis, input.siteId, input.sku, locationRef(input));
    const movementId = deps.ids.next('mov');
    return decideInTx(deps.db, async (tx) => {
      const learned = location === undefined ? NOT_LEARNED : await learnLocation(tx, location);
      let balance: store.BalanceRow | undefined;
      let skuStock: (store.SkuStockRow & { expired_free: number }) | undefined;
      if (location !== undefined) {
        const from = { siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, locationId: location.id, lot: toLotKey(input.lot), status: 'AVAILABLE' as const };
        balance = await lockStatusBalances(tx, from, { ...from, status: input.status });
        skuStock = await withExpiredCover(tx, input, await store.lockExistingSkuStock(tx, input.siteId, input.ownerId, input.sku), deps.clock.now());
      }
      const decision = decideHold({ product, location, pickable: learned.pickable, paused: learned.paused, balance, skuStock, hereExpired: expiredToday(balance, deps.clock.now()) },
        { ...input, movementId }, deps.clock.now());
      if (!decision.ok) return decision;
      const result = await writeStatusChange(tx, movementId, decision.value);
      // Held at a dock: the AVAILABLE units left there with no putaway, read after the write (the balance is locked).
      const key = { siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, lot: toLotKey(input.lot) };
      const events = withUncoveredAtDock(decision.value.events, InventoryEvents.held, await uncoveredAtDock(tx, location, key));
      await record(tx, deps, decision.value.movements, [...learned.events, ...events], meta);
      return ok(result);
    });
  };
}
