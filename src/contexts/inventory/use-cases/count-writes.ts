/** Handler helpers the count commands share (issue 11): what they lock before deciding and how a count's variance is written. */
import type { CatalogApi } from '../../../contracts/catalog.ts';
import type { PublishedEvent } from '../../../contracts/events.ts';
import type { Executor, Tx } from '../../../platform/db/database.ts';
import type { CountAdjustment, CountedStock } from '../domain/counts.ts';
import { whereabouts } from '../domain/pickability.ts';
import { changeCountLock } from '../pickability.ts';
import * as store from '../store.ts';
import { changeBalanceOrFail, changeSkuOnHandOrFail } from './ledger-writes.ts';
import type { PutawayRow } from '../inbound-store.ts';
import type { PlatformDeps } from '../../../platform/module.ts';
import { lockDockPutaways, withdrawTakenOffDock } from './reput-released/handler.ts';

/**
 * A count at a RECEIVING location: the OPEN AVAILABLE putaways of its stock there, locked after the count's row and
 * before `lockCountedStock` (the order a putaway confirm locks in: its putaway, then locations and balances). [] elsewhere.
 */
export async function lockCountedDockPutaways(tx: Tx, count: Pick<store.CountRow, 'site_id' | 'owner_id' | 'location_id' | 'sku' | 'lot'> | undefined): Promise<PutawayRow[]> {
  if (count === undefined) return [];
  const location = await store.getLocation(tx, count.location_id);
  return lockDockPutaways(tx, location === undefined || location.site_id !== count.site_id || location.type === null ? undefined : { id: location.location_id, type: location.type },
    { siteId: count.site_id, ownerId: count.owner_id, sku: count.sku, lot: count.lot });
}

/**
 * After `writeCountAdjustment`: a count at a dock that found fewer has its OPEN putaways there give up what the dock no
 * longer has (`withdrawTakenOffDock`), else they waited for units the count wrote off. Their events, for the caller to record.
 */
export async function withdrawCountedOffDock(tx: Tx, deps: Pick<PlatformDeps, 'clock'>, locked: readonly PutawayRow[], countId: string, a: CountAdjustment | null): Promise<readonly PublishedEvent[]> {
  if (a === null || a.delta >= 0) return [];
  const { status: _status, ...key } = a.key;
  const movementId = a.movement.id ?? countId;
  return withdrawTakenOffDock(tx, deps, locked, key, -a.delta, movementId,
    `counted off the receiving location (count ${countId}, movement ${movementId}): nothing left there to put away`);
}

/**
 * The stock a count is compared with, locked after the count's row: its location FOR UPDATE (a closing count changes
 * the location's lock count; balance changes there wait), then its AVAILABLE balance, then the SKU row; the units held
 * on the shelf there (`heldOnShelf`) are read with them: the counter finds them too.
 */
export async function lockCountedStock(tx: Tx, count: Pick<store.CountRow, 'site_id' | 'owner_id' | 'location_id' | 'sku' | 'lot'>): Promise<CountedStock> {
  const location = await store.lockLocation(tx, count.location_id, count.site_id);
  const balance = await store.lockBalance(tx, { siteId: count.site_id, ownerId: count.owner_id, sku: count.sku, locationId: count.location_id, lot: count.lot, status: 'AVAILABLE' });
  const held = await store.heldOnShelf(tx, { siteId: count.site_id, ownerId: count.owner_id, sku: count.sku, locationId: count.location_id, lot: count.lot });
  const skuStock = await store.lockExistingSkuStock(tx, count.site_id, count.owner_id, count.sku);
  return { balance, skuStock, heldThere: held.onShelf, lostThere: held.lost, ...whereabouts(location) };
}

/**
 * Whether the counted product is lot-controlled (`CountedStock.lotControlled`), asked before the count's transaction
 * (a count's SKU never changes): false for an unknown count or product.
 */
export async function countedProductLotControlled(db: Executor, catalog: CatalogApi, countId: string): Promise<boolean> {
  const sku = (await store.getCount(db, countId))?.sku;
  return sku !== undefined && (await catalog.getBySkus([sku])).get(sku)?.lotControlled === true;
}

/** Writes a count's COUNT movement's balance and SKU changes (decided on locked rows: a refusal is a fault). */
export async function writeCountAdjustment(tx: Tx, a: CountAdjustment | null): Promise<void> {
  if (a === null) return;
  // Units of a dated lot counted in where the lot has no balance carry the lot's known expiry (as an adjustment's, a
  // customer return's): undated, they would never expire. A balance there keeps its own.
  if (a.delta > 0) {
    const missing = await store.getBalance(tx, a.key) === undefined;
    await store.addOnHand(tx, a.key, a.delta, missing ? await store.knownLotExpiry(tx, a.key.ownerId, a.key.sku, a.key.lot) : null);
  }
  else await changeBalanceOrFail(tx, a.key, a.delta, 0, `count adjustment of ${a.delta} refused at ${a.key.locationId}`);
  await changeSkuOnHandOrFail(tx, a.key.siteId, a.key.ownerId, a.key.sku, a.delta, a.unpickable, `count adjustment of ${a.delta} ${a.key.sku} went below allocated`);
}

/** A closed count lets go of its location: the last one brings the location's units back into ATP (a short's count holds none). */
export async function releaseCountLock(tx: Tx, count: Pick<store.CountRow, 'site_id' | 'location_id' | 'locks_location'>): Promise<PublishedEvent[]> {
  if (count.locks_location === false) return [];
  return changeCountLock(tx, { id: count.location_id, siteId: count.site_id }, -1);
}
