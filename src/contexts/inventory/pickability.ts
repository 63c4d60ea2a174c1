import { InventoryEvents, type LocationPickabilityChanged } from '../../contracts/inventory.ts';
import type { Location, LocationCreated, LocationMasterApi, LocationStatus, LocationStatusChanged, LocationType } from '../../contracts/location-master.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { isoDate } from './domain/ledger.ts';
import { isPickable, whereabouts, type CoverFacts, type Whereabouts } from './domain/pickability.ts';
import * as store from './store.ts';

/**
 * Inventory's projection of location pickability (`inventory.locations`) and the invariant it feeds:
 * `sku_stock.unpickable` = Σ AVAILABLE on-hand at real locations whose row is not pickable.
 *
 * Locks: a balance change at a location reads its row FOR SHARE before touching the balance; a flip locks the row
 * FOR UPDATE, then the location's SKU rows in SKU order. So a flip never runs beside a balance change there, and a
 * balance change sees the pickability its units are counted under. A missing row counts as pickable (no units counted).
 */

export interface LocationFacts {
  readonly id: string;
  readonly siteId: string;
  readonly type: LocationType;
  readonly status: LocationStatus;
  /** Learned with the rest when the source carries it (created events, command data); status events keep the known one. */
  readonly pickSequence?: number | null | undefined;
}

export interface Learned {
  readonly pickable: boolean;
  /** True while an open cycle count holds the location (issue 11): moves from or to it are refused. */
  readonly underCount: boolean;
  /** A location of a pickable type and status that an open count holds: its units still cover allocations (`Whereabouts`). */
  readonly paused: boolean;
  /** `inventory.location.pickability-changed` when learning flipped a location that holds stock (rows backfilled by migration). */
  readonly events: PublishedEvent[];
}

/** A location a command named that location-master does not know: nothing learned (the decision refuses it anyway). */
export const NOT_LEARNED: Learned = { pickable: true, underCount: false, paused: false, events: [] };

/**
 * Sets a location's facts under FOR UPDATE (only when its type is unknown, with `onlyIfUnknown`). When pickability
 * flips, the location's AVAILABLE on-hand moves into or out of `unpickable`, SKU by SKU in SKU order.
 */
async function setFacts(tx: Tx, facts: LocationFacts, onlyIfUnknown: boolean): Promise<Learned> {
  const row = await store.lockLocation(tx, facts.id, facts.siteId);
  const underCount = row.count_locks > 0;
  if (onlyIfUnknown && row.type !== null) return { ...whereabouts(row), underCount, events: [] };
  // A location under count stays unpickable whatever its status becomes, until its counts close.
  const pickable = isPickable(facts) && !underCount;
  const paused = whereabouts({ ...facts, pickable, count_locks: row.count_locks }).paused;
  const samePickSequence = facts.pickSequence === undefined || row.pick_sequence === facts.pickSequence;
  if (row.type === facts.type && row.status === facts.status && row.pickable === pickable && samePickSequence) return { pickable, paused,
    underCount, events: [] };
  await store.updateLocation(tx, facts.id, { type: facts.type, status: facts.status, pickable, pickSequence: facts.pickSequence });
  if (row.pickable === pickable) return { pickable, paused, underCount, events: [] };
  return { pickable, paused, underCount, events: await flip(tx, facts.siteId, facts.id, pickable) };
}

/**
 * A location's pickability flipped (its row locked FOR UPDATE): its AVAILABLE on-hand moves into or out of
 * `unpickable`, owner by owner and SKU by SKU in that order (the SKU rows' key order), announced (per SKU, all owners
 * summed) when it holds any.
 */
async function flip(tx: Tx, siteId: string, locationId: string, pickable: boolean): Promise<PublishedEvent[]> {
  const held = await store.availableOnHandAt(tx, siteId, locationId);
  for (const l of held) await store.changeUnpickable(tx, siteId, l.owner_id, l.sku, pickable ? -l.quantity : l.quantity);
  if (held.length === 0) return [];
  const bySku = new Map<string, number>();
  for (const l of held) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.quantity);
  const lines = [...bySku].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, quantity]) => ({ sku, quantity }));
  const data: LocationPickabilityChanged = { siteId, locationId, pickable, lines };
  return [{ type: InventoryEvents.pickabilityChanged, subject: locationId, siteId, data }];
}

/**
 * Cycle counts open (+n) or close (−n) at a location: the row locked FOR UPDATE (after the counts' rows), its lock
 * count changed; the first lock takes the location out of ATP, the last release brings it back when location-master's
 * facts allow (an unlearned row counts as pickable, as everywhere).
 */
export async function changeCountLock(tx: Tx, location: { readonly id: string; readonly siteId: string }, delta: number): Promise<PublishedEvent[]> {
  const row = await store.lockLocation(tx, location.id, location.siteId);
  const locks = row.count_locks + delta;
  if (locks < 0) throw new Error(`location ${location.id} has no count lock to release`);
  const byFacts = row.type === null || row.status === null ? true : isPickable({ type: row.type, status: row.status });
  const pickable = byFacts && locks === 0;
  await store.setCountLocks(tx, location.id, locks, pickable);
  return row.pickable === pickable ? [] : flip(tx, location.siteId, location.id, pickable);
}

/**
 * For a command about to change a balance at `location` (data it fetched from location-master): the row locked
 * FOR SHARE when inventory already knows the location, else created (or its backfilled row completed) from that data.
 */
export async function learnLocation(tx: Tx, location: Pick<Location,
  'id' | 'siteId' | 'type' | 'status' | 'pickSequence'>): Promise<Learned> {
  // A known type never becomes unknown again, so the plain read decides which lock to take (no SHARE → UPDATE upgrade).
  if ((await store.getLocation(tx, location.id))?.type != null) {
    const row = await store.shareLocation(tx, location.id);
    if (row !== undefined) return { ...whereabouts(row), underCount: row.count_locks > 0, events: [] };
  }
  return setFacts(tx, location, true);
}

/**
 * For a count opening at a location whose row the caller already locked FOR UPDATE (data it fetched from
 * location-master): the facts learned when inventory does not know them yet. A count is the one command that can put
 * units at a location no other command touched (layout-generated locations have no created event): left unknown, the
 * row would count as pickable when the count lets it go, a dock's or a pack station's counted units promised.
 */
export async function learnCountedLocation(tx: Tx, location: LocationFacts): Promise<PublishedEvent[]> {
  return (await setFacts(tx, location, true)).events;
}

/** Pickability for a balance change at a location the command knows only by id (picks, short picks), its row FOR SHARE. */
export async function lockPickable(tx: Tx, locationId: string): Promise<boolean> {
  return (await lockWhereabouts(tx, locationId)).pickable;
}

/**
 * `lockWhereabouts` with whether an open count holds the location, for a move between two known locations (a
 * replenishment's source): nothing moves from or to a location under count.
 */
export async function lockMoveEnd(tx: Tx, locationId: string): Promise<Whereabouts & { readonly underCount: boolean }> {
  const row = await store.shareLocation(tx, locationId);
  return row === undefined ? { pickable: true, paused: false, underCount: false } : { ...whereabouts(row), underCount: row.count_locks > 0 };
}

/** `lockPickable` with whether an open count pauses the location (a removal's cover check needs both). */
export async function lockWhereabouts(tx: Tx, locationId: string): Promise<Whereabouts> {
  const row = await store.shareLocation(tx, locationId);
  return row === undefined ? { pickable: true, paused: false } : whereabouts(row);
}

/** location-master created a location: learn it, unless a command already did (its data may be newer). */
export async function onLocationCreated(tx: Tx, location: LocationCreated): Promise<PublishedEvent[]> {
  return (await setFacts(tx, location, true)).events;
}

/** A status change (block, unblock, deactivate): units there leave or re-enter ATP at once. */
export async function onLocationStatusChanged(tx: Tx, change: LocationStatusChanged): Promise<PublishedEvent[]> {
  // The event names the type (older producers did not: then what this projection learned, or nothing to do).
  const type = change.type ?? (await store.getLocation(tx, change.locationId))?.type;
  if (type === undefined || type === null) return [];
  return (await setFacts(tx, { id: change.locationId, siteId: change.siteId, type, status: change.to }, false)).events;
}

/**
 * Completes the rows migration 003 backfilled (type unknown, counted pickable) from location-master, a batch at a time.
 * Runs at start; a location-master that cannot answer leaves them for the next start, a status event or a command.
 */
export async function learnBackfilledLocations(deps: Pick<PlatformDeps, 'db' | 'bus'>, locations: LocationMasterApi, batch = 500): Promise<number> {
  let learned = 0;
  let after = '';
  for (;;) {
    const rows = await store.unlearnedLocations(deps.db, after, batch);
    const last = rows.at(-1);
    if (last === undefined) return learned;
    after = last.location_id;
    const known = await locations.getLocations(rows.map((r) => r.location_id));
    for (const r of rows) {
      const location = known.get(r.location_id);
      if (location === undefined || location.siteId !== r.site_id) continue;
      await deps.db.tx(async (tx) => {
        const { events } = await setFacts(tx, location, true);
        await deps.bus.append(tx, 'inventory', events);
      });
      learned++;
    }
  }
}

/**
 * The SKU row the cover rules decide from (`unpromisedAt`), with the unreserved units of its expired lots at pickable
 * locations (`expired_free`), read under the caller's lock of that row (every change of an AVAILABLE on-hand takes it).
 */
export async function withExpiredCover<S extends CoverFacts>(tx: Tx, key: { readonly siteId: string; readonly ownerId: string; readonly sku: string },
  s: S | undefined, now: Date): Promise<(S & { readonly expired_free: number }) | undefined> {
  if (s === undefined) return undefined;
  const expired = await store.expiredFreeBySku(tx, key.siteId, key.ownerId, [key.sku], isoDate(now));
  return { ...s, expired_free: expired.get(key.sku) ?? 0 };
}

/** Whether a balance's lot is expired today (good through its expiry day, as allocation counts it). */
export const expiredToday = (b: { readonly expires_on: string | null } | undefined, now: Date): boolean =>
  b?.expires_on !== undefined && b.expires_on !== null && b.expires_on < isoDate(now);
