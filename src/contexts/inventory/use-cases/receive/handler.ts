import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { AppError, ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { fromLotKey } from '../../domain/stock.ts';
import { learnLocation, NOT_LEARNED } from '../../pickability.ts';
import * as serials from '../../serial-store.ts';
import * as store from '../../store.ts';
import { balanceView, type StockChangeResult } from '../../views.ts';
import { lookUp, record, type StockApis } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { decideReceive, inactiveProduct, locationRef, type ReceiptInput, type ReceiveDecision, type ReceiveRejection } from './decide.ts';
import type { PublishedEvent } from '../../../../contracts/events.ts';
import type { Tx } from '../../../../platform/db/database.ts';

/**
 * A receipt's writes, the one way stock enters the ledger (also for inbound receipts against an ASN): the balance, the
 * SKU's AVAILABLE stock, the RECEIPT movement and the events given, in the caller's transaction.
 */
export async function writeReceipt(
  tx: Tx, deps: Pick<PlatformDeps, 'ids' | 'bus'>, d: ReceiveDecision, events: readonly PublishedEvent[], meta: EventMeta,
  asnId: string | null = null,
): Promise<store.BalanceRow> {
  const balance = await store.addOnHand(tx, d.key, d.quantity, d.expiresOn);
  if (d.available > 0) await store.changeSkuOnHand(tx, d.key.siteId, d.key.ownerId, d.key.sku, d.available, d.unpickable);
  if (d.serials.length > 0) {
    const { siteId, ownerId, sku, locationId, lot } = d.key;
    const taken = await serials.registerSerials(tx, {
      siteId, ownerId, sku, locationId, lot, receiptMovementId: d.movements[0]?.id ?? '', asnId, at: d.at,
      units: d.serials.map((serial) => ({ id: deps.ids.next('ser'), serial })),
    });
    // A receipt of one of these serials committed after the caller's check: the unique index kept it once.
    if (taken.length > 0) {
      throw new AppError('SERIAL_IN_STOCK', `Serial(s) ${taken.join(', ')} of ${sku} already in stock at site ${siteId}`,
        { errors: taken.map((s) => ({ field: `/serials/${d.serials.indexOf(s)}`, message: `serial ${s} of ${sku} is already in stock at the site` })) });
    }
  }
  await record(tx, deps, d.movements, events, meta);
  return balance;
}

/** POST /inventory/receipts: catalog and location-master first, then learn, decide and write in one transaction. */
export function receiveHandler(deps: PlatformDeps, apis: StockApis, counters: InventoryCounters) {
  return async (input: ReceiptInput, meta: EventMeta): Promise<Outcome<StockChangeResult, ReceiveRejection>> => {
    const { product, location } = await lookUp(apis, input.siteId, input.sku, locationRef(input));
    const inactive = inactiveProduct(product);
    if (inactive !== undefined) return inactive;
    const movementId = deps.ids.next('mov');
    const result = await decideInTx(deps.db, async (tx) => {
      const learned = location === undefined ? NOT_LEARNED : await learnLocation(tx, location);
      const serialsLive = await serials.liveSerials(tx, input.siteId, input.sku, input.serials ?? []);
      const decision = decideReceive({ product, location, pickable: learned.pickable, serialsLive }, { ...input, movementId }, deps.clock.now());
      if (!decision.ok) return decision;
      const d = decision.value;
      const balance = await writeReceipt(tx, deps, d, [...learned.events, ...d.events], meta);
      const { siteId, sku, locationId, lot } = d.key;
      return ok({ movementId, siteId, sku, locationId, lot: fromLotKey(lot), quantity: d.quantity, balance: balanceView(balance) });
    });
    if (result.ok) counters.received.inc(input.quantity);
    return result;
  };
}
