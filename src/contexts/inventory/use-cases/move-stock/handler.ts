import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';
import { learnLocation, NOT_LEARNED } from '../../pickability.ts';
import * as store from '../../store.ts';
import { balanceView, type BalanceView } from '../../views.ts';
import { changeBalanceOrFail, findLocation, record, type StockApis } from '../ledger-writes.ts';
import { decideMove, endRef, leavesPickable, type MoveInput, type MoveRejection } from './decide.ts';
import type { StockStatus } from '../../../../contracts/inventory.ts';

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
      let learned = { from: NOT_LEARNED, to: NOT_LEARNED };
      let source: store.BalanceRow | undefined;
      let skuStock: store.SkuStockRow | undefined;
      if (from !== undefined && to !== undefined) {
        const [first, second] = from.id < to.id ? [from, to] : [to, from];
        const learnedFirst = await learnLocation(tx, first);
        const learnedSecond = await learnLocation(tx, second);
        learned = from === first ? { from: learnedFirst, to: learnedSecond } : { from: learnedSecond, to: learnedFirst };
        const fromKey = { siteId: input.siteId, sku: input.sku, locationId: from.id, lot: toLotKey(input.lot),
          status: input.status ?? 'AVAILABLE' };
        await store.lockBalances(tx, [fromKey, { ...fromKey, locationId: to.id }]);
        source = await store.getBalance(tx, fromKey);
        if (leavesPickable(fromKey.status, learned.from.pickable, learned.to.pickable)) {
          skuStock = await store.lockExistingSkuStock(tx, input.siteId, input.sku);
        }
      }
      const state = { product, from, to, fromPickable: learned.from.pickable, toPickable: learned.to.pickable, source, skuStock };
      const decision = decideMove(state, { ...input, movementId }, deps.clock.now());
      if (!decision.ok) return decision;
      const d = decision.value;
      const q = d.quantity;
      const sourceAfter = await changeBalanceOrFail(tx, d.fromKey, -q, 0, `move of ${q} refused at ${d.from.id}`);
      const target = await store.addMovedOnHand(tx, d.toKey, q, d.expiresOn, d.firstReceivedAt);
      await store.changeUnpickable(tx, input.siteId, input.sku, d.unpickable);
      const [firstLearned, secondLearned] = d.from.id < d.to.id ? [learned.from, learned.to] : [learned.to, learned.from];
      await record(tx, deps, d.movements, [...firstLearned.events, ...secondLearned.events, ...d.events], meta);
      const { siteId, sku, lot, status } = d.fromKey;
      return ok({
        movementId, siteId, sku, lot: fromLotKey(lot), status, quantity: q, fromLocationId: d.from.id, toLocationId: d.to.id,
        from: balanceView(sourceAfter), to: balanceView(target),
      });
    });
  };
}
