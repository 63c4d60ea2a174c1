import type { UnitsShortAtPack } from '../../../../contracts/pack-ship.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { EventNotReady } from '../../../../platform/bus/not-ready.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { whereabouts } from '../../domain/pickability.ts';
import { inProcessLocation } from '../../domain/stock.ts';
import * as store from '../../store.ts';
import { changeBalanceOrFail, changeSkuOnHandOrFail, record } from '../ledger-writes.ts';
import { openCountsInTx } from '../open-counts/handler.ts';
import { lockRecoverySupply, recoverShort } from '../recover-short/handler.ts';
import { decideWriteOffAtPack, SHORT_AT_PACK_RETURN_REASON, type PutBack } from './decide.ts';

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
    // Where the order's returns put units back (rare: the order was cancelled and a worker confirmed its return): those
    // locations (FOR SHARE) and balances are locked before the tote's, a real location before the in-process one, as a
    // return's confirm locks them.
    const confirmations = await store.putBackOfOrderSku(tx, short.orderId, short.sku);
    const putBack: PutBack[] = [];
    if (confirmations.length > 0) {
      const locations = await store.shareLocations(tx, confirmations.map((c) => c.location_id));
      const keys = confirmations.map((c) => ({ siteId: short.siteId, ownerId: c.owner_id, sku: short.sku, locationId: c.location_id, lot: c.lot, status: 'AVAILABLE' as const }));
      const balances = new Map<string, store.BalanceRow | undefined>();
      for (const k of [...new Map(keys.map((k) => [store.balanceKeyOf(k), k])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        balances.set(k[0], await store.lockBalance(tx, k[1]));
      }
      confirmations.forEach((c, i) => {
        const key = keys[i]!;
        const row = locations.get(c.location_id);
        putBack.push({ key, quantity: c.quantity, balance: balances.get(store.balanceKeyOf(key)), at: row === undefined ? { pickable: true, paused: false } : whereabouts(row) });
      });
    }
    // A shipComplete order's units are picked again (ADR 0024 addendum 2026-12-07): the recovery's supply is locked
    // before the tote and the SKU row (free balances before the SKU row, as a wave and a short pick lock them).
    const alloc = allocations.find((a) => a.line_id === short.lineId);
    const repick = alloc?.status === 'ALLOCATED' && openReturns.length === 0 && await store.shipsComplete(tx, short.orderId);
    const pickedFrom = repick ? await store.pickedFromOfLine(tx, short.orderId, short.lineId) : undefined;
    if (repick && pickedFrom === undefined) throw new EventNotReady(`${short.sku} of ${short.orderId} shorted at packing before its pick was heard`);
    const supply = repick ? await lockRecoverySupply(tx, short.siteId, alloc.owner_id, short.sku) : undefined;
    const tote = (await store.lockInProcessOfSkus(tx, short.siteId, [short.sku], inProcessLocation(short.orderId))).map((b) => ({
      key: { siteId: b.site_id, ownerId: b.owner_id, sku: b.sku, locationId: b.location_id, lot: b.lot, status: b.status }, free: b.on_hand - b.reserved,
    }));
    const picksPending = putBack.length > 0 && await store.picksPendingOfOrderSku(tx, short.orderId, short.sku);
    const skuStock = putBack.length > 0 ? await store.lockExistingSkuStock(tx, short.siteId, putBack[0]!.key.ownerId, short.sku) : undefined;
    const d = unwrap(decideWriteOffAtPack({ allocations, tote, openReturns, putBack, picksPending, skuStock },
      { ...short, movementIds: tote.map(() => deps.ids.next('mov')), putBackMovementIds: putBack.map(() => deps.ids.next('mov')), repick }, deps.clock.now()));
    const units = d.takes.reduce((n, t) => n + t.quantity, 0);
    // Units a return waited for were not promisable (unpickable): they leave that count before they leave on-hand.
    await store.shrinkReturns(tx, d.returnShrinks, SHORT_AT_PACK_RETURN_REASON);
    await store.changeUnpickable(tx, short.siteId, d.ownerId, short.sku, -d.unpickable);
    const written = await store.writeShipment(tx, d.takes.map((t) => ({ key: t.key, deltaOnHand: -t.quantity })), d.allocationChanges,
      [{ siteId: short.siteId, ownerId: d.ownerId, sku: short.sku, released: d.released, shipped: units }]);
    if (written.balances !== d.takes.length) throw new Error(`the tote of ${short.orderId} cannot give up the ${units} ${short.sku} shorted at packing`);
    if (units > 0 && written.shipped !== 1) throw new Error(`writing ${units} ${short.sku} of ${short.orderId} off would take SKU stock below allocated`);
    // Units a confirmed return booked onto a shelf though they were never in the tote leave it (decided on locked rows).
    for (const p of d.putBackTakes) {
      await changeBalanceOrFail(tx, p.key, -p.quantity, 0, `${p.key.locationId} cannot give up the ${p.quantity} ${p.key.sku} of ${short.orderId} shorted at packing`);
      await changeSkuOnHandOrFail(tx, p.key.siteId, p.key.ownerId, p.key.sku, -p.quantity, p.unpickable,
        `writing ${p.quantity} ${p.key.sku} of ${short.orderId} off ${p.key.locationId} would take SKU stock below allocated`);
    }
    await record(tx, deps, d.movements, d.events, meta);
    if (repick && pickedFrom !== undefined) {
      // Allocated again and re-reserved from good stock (the location they were picked from included), else a task and
      // the order waits BACKORDERED (SHORT_PICK): the short pick's chain, keyed by this short at packing.
      const key = `pack:${meta.causationId ?? deps.ids.next('mov')}`;
      await recoverShort(tx, deps, {
        orderId: short.orderId, lineId: short.lineId, siteId: short.siteId, ownerId: d.ownerId, sku: short.sku, waveId: pickedFrom.wave_id,
        pickListId: key, pickLineId: key, shortedLocationId: pickedFrom.location_id, quantity: d.released, origin: 'PACK',
      }, supply, meta);
    }
    // Units the shelf could not give up (reserved or promised since): a count there finds what is missing.
    if (d.recount !== null) {
      const settings = await store.countSettings(tx, short.siteId);
      await openCountsInTx(tx, deps, {
        siteId: short.siteId, origin: 'ON_DEMAND', locationIds: [d.recount.locationId], skus: [short.sku], countEmpty: true,
        tolerance: { units: settings?.tolerance_units ?? null, percent: settings?.tolerance_percent ?? null }, named: true, ownerId: d.ownerId,
      }, meta);
    }
  };
}
