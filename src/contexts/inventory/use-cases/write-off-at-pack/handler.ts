import type { UnitsShortAtPack } from '../../../../contracts/pack-ship.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { inProcessLocation } from '../../domain/stock.ts';
import * as store from '../../store.ts';
import { record } from '../ledger-writes.ts';
import { decideWriteOffAtPack, SHORT_AT_PACK_RETURN_REASON } from './decide.ts';

/**
 * On `pack-ship.units.short-at-pack`. Locks the order's allocation rows, its open returns of the SKU, then its tote's
 * balances of the SKU, decides, shrinks the returns whose units were taken (and the SKU's unpickable units with them),
 * and writes balances, the allocation and the SKU row in one statement (as a dispatch does: the units leave on-hand and
 * allocated alike), then the ledger and the events.
 */
export function writeOffAtPackHandler(deps: PlatformDeps) {
  return async (tx: Tx, short: UnitsShortAtPack, meta: EventMeta): Promise<void> => {
    const allocations = await store.lockAllocations(tx, short.orderId);
    // A return row before its tote's balance, as a confirm or a cancel of the return locks them.
    const openReturns = await store.lockOpenReturnsOfOrderSku(tx, short.orderId, short.sku);
    const tote = (await store.lockInProcessOfSkus(tx, short.siteId, [short.sku], inProcessLocation(short.orderId))).map((b) => ({
      key: { siteId: b.site_id, ownerId: b.owner_id, sku: b.sku, locationId: b.location_id, lot: b.lot, status: b.status }, free: b.on_hand - b.reserved,
    }));
    const d = unwrap(decideWriteOffAtPack({ allocations, tote, openReturns }, { ...short, movementIds: tote.map(() => deps.ids.next('mov')) }, deps.clock.now()));
    const units = d.takes.reduce((n, t) => n + t.quantity, 0);
    // Units a return waited for were not promisable (unpickable): they leave that count before they leave on-hand.
    await store.shrinkReturns(tx, d.returnShrinks, SHORT_AT_PACK_RETURN_REASON);
    await store.changeUnpickable(tx, short.siteId, d.ownerId, short.sku, -d.unpickable);
    const written = await store.writeShipment(tx, d.takes.map((t) => ({ key: t.key, deltaOnHand: -t.quantity })), d.allocationChanges,
      [{ siteId: short.siteId, ownerId: d.ownerId, sku: short.sku, released: d.released, shipped: units }]);
    if (written.balances !== d.takes.length) throw new Error(`the tote of ${short.orderId} cannot give up the ${units} ${short.sku} shorted at packing`);
    if (written.shipped !== 1) throw new Error(`writing ${units} ${short.sku} of ${short.orderId} off would take SKU stock below allocated`);
    await record(tx, deps, d.movements, d.events, meta);
  };
}
