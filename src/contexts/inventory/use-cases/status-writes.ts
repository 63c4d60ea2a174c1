/** The writes of a hold or a release (issue 11), in one place: both move units between statuses of one location. */
import type { Tx } from '../../../platform/db/database.ts';
import type { BalanceKey } from '../domain/ledger.ts';
import type { StatusChange } from '../domain/holds.ts';
import { fromLotKey } from '../domain/stock.ts';
import * as store from '../store.ts';
import { balanceView, type BalanceView } from '../views.ts';
import { changeBalanceOrFail, changeSkuOnHandOrFail } from './ledger-writes.ts';

/** What a hold or a release answers: the units, the two statuses and both balances after the change. */
export interface StatusChangeResult {
  readonly movementId: string;
  readonly siteId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly quantity: number;
  readonly fromStatus: string;
  readonly toStatus: string;
  readonly from: BalanceView;
  readonly to: BalanceView;
}

/**
 * Locks both balances of the change (the status left, then the one joined, in status order so a hold and a release at
 * one location queue instead of deadlocking) and returns the one units leave. The SKU row is locked after them.
 */
export async function lockStatusBalances(tx: Tx, from: BalanceKey, to: BalanceKey): Promise<store.BalanceRow | undefined> {
  const [first, second] = from.status < to.status ? [from, to] : [to, from];
  const a = await store.lockBalance(tx, first);
  const b = await store.lockBalance(tx, second);
  return first === from ? a : b;
}

/** Writes the decided change on rows the handler locked: a refusal here is a broken invariant. */
export async function writeStatusChange(tx: Tx, movementId: string, d: StatusChange): Promise<StatusChangeResult> {
  const q = d.quantity;
  const source = await changeBalanceOrFail(tx, d.fromKey, -q, 0, `status change of ${q} refused at ${d.fromKey.locationId}`);
  // The units keep their lot's expiry and their first receipt, so rotation does not see released stock as fresh.
  const target = await store.addMovedOnHand(tx, d.toKey, q, source.expires_on, source.first_received_at);
  if (d.availableDelta !== 0) {
    await changeSkuOnHandOrFail(tx, d.fromKey.siteId, d.fromKey.ownerId, d.fromKey.sku, d.availableDelta, d.unpickableDelta,
      `status change of ${q} ${d.fromKey.sku} went below allocated`);
  }
  const { siteId, sku, locationId, lot } = d.fromKey;
  return {
    movementId, siteId, sku, locationId, lot: fromLotKey(lot), quantity: q, fromStatus: d.fromKey.status, toStatus: d.toKey.status,
    from: balanceView(source), to: balanceView(target),
  };
}
