import { InventoryEvents, type LocationPickabilityChanged } from '../../contracts/inventory.ts';
import type { Location, LocationCreated, LocationMasterApi, LocationStatus, LocationStatusChanged, LocationType } from '../../contracts/location-master.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { isPickable } from './domain/pickability.ts';
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
  /** `inventory.location.pickability-changed` when learning flipped a location that holds stock (rows backfilled by migration). */
  readonly events: PublishedEvent[];
}

/** A location a command named that location-master does not know: nothing learned (the decision refuses it anyway). */
export const NOT_LEARNED: Learned = { pickable: true, events: [] };

/**
 * Sets a location's facts under FOR UPDATE (only when its type is unknown, with `onlyIfUnknown`). When pickability
 * flips, the location's AVAILABLE on-hand moves into or out of `unpickable`, SKU by SKU in SKU order.
 */
async function setFacts(tx: Tx, facts: LocationFacts, onlyIfUnknown: boolean): Promise<Learned> {
  const row = await store.lockLocation(tx, facts.id, facts.siteId);
  if (onlyIfUnknown && row.type !== null) return { pickable: row.pickable, events: [] };
  const pickable = isPickable(facts);
  const samePickSequence = facts.pickSequence === undefined || row.pick_sequence === facts.pickSequence;
  if (row.type === facts.type && row.status === facts.status && row.pickable === pickable && samePickSequence) return { pickable,
    events: [] };
  await store.updateLocation(tx, facts.id, { type: facts.type, status: facts.status, pickable, pickSequence: facts.pickSequence });
  if (row.pickable === pickable) return { pickable, events: [] };
  const lines = await store.availableOnHandAt(tx, facts.siteId, facts.id);
  for (const l of lines) await store.changeUnpickable(tx, facts.siteId, l.sku, pickable ? -l.quantity : l.quantity);
  if (lines.length === 0) return { pickable, events: [] };
  const data: LocationPickabilityChanged = { siteId: facts.siteId, locationId: facts.id, pickable, lines };
  return { pickable, events: [{ type: InventoryEvents.pickabilityChanged, subject: facts.id, siteId: facts.siteId, data }] };
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
    if (row !== undefined) return { pickable: row.pickable, events: [] };
  }
  return setFacts(tx, location, true);
}

/** Pickability for a balance change at a location the command knows only by id (picks, short picks), its row FOR SHARE. */
export async function lockPickable(tx: Tx, locationId: string): Promise<boolean> {
  return (await store.shareLocation(tx, locationId))?.pickable ?? true;
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
