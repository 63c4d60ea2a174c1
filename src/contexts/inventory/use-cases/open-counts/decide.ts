import type { PublishedEvent } from '../../../../contracts/events.ts';
import { DEFAULT_OWNER_ID, InventoryEvents, type CountOrigin, type CountRequested } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { countTaskReference, type Tolerance } from '../../domain/counts.ts';
import { fromLotKey } from '../../domain/stock.ts';
import type { NewCount } from '../../store.ts';

/** Units a count covers: one owner's SKU and lot (AVAILABLE status) at one location (no owner: the default owner's). */
export interface CountTarget {
  readonly owner_id?: string | undefined;
  readonly location_id: string;
  readonly sku: string;
  readonly lot: string;
}

export interface OpenCountsState {
  /** What the request or the schedule covers, read with the locations locked FOR UPDATE, in key order. */
  readonly targets: readonly CountTarget[];
  /** Counts already open at those locations: their units are being counted, nothing is opened twice. */
  readonly open: readonly (CountTarget & { readonly id: string })[];
  /** Locations of the request location-master has deactivated (INACTIVE, as inventory knows them): none is counted. */
  readonly inactive?: readonly string[] | undefined;
}

export interface OpenCountsCommand {
  readonly siteId: string;
  readonly origin: CountOrigin;
  readonly tolerance: Tolerance;
  readonly newCountId: () => string;
  /** The request named its locations: one deactivated is refused rather than passed over. */
  readonly namedLocations?: boolean | undefined;
}

export interface OpenCountsDecision {
  readonly counts: readonly NewCount[];
  /** Ids of the open counts that already cover part of the request. */
  readonly alreadyOpen: readonly string[];
  /** New count locks per location, in location order. */
  readonly locks: readonly { readonly locationId: string; readonly counts: number }[];
  readonly events: readonly PublishedEvent[];
}

export type OpenCountsRejection = 'UNPROCESSABLE' | 'LOCATION_NOT_ACTIVE';

const keyOf = (t: CountTarget): string => `${t.location_id}\u0000${t.sku}\u0000${t.lot}\u0000${t.owner_id ?? DEFAULT_OWNER_ID}`;

/**
 * Opens a blind count per target not already being counted: each asks tasks for a COUNT task
 * (`inventory.count.requested`, attempt 1) and locks its location until it closes. A request that covers nothing is
 * refused (UNPROCESSABLE); a schedule that finds nothing opens nothing. A deactivated location is never counted (its
 * count could close by adding units at a location out of use for good): named, it is refused (LOCATION_NOT_ACTIVE);
 * found by its stock (a SKU-wide or scheduled count), it is passed over.
 */
export const decideOpenCounts: Decide<OpenCountsState, OpenCountsCommand, OpenCountsDecision, OpenCountsRejection> = (given, cmd) => {
  const inactive = new Set(given.inactive ?? []);
  if (cmd.namedLocations === true && inactive.size > 0) {
    const ids = [...inactive].sort();
    return reject('LOCATION_NOT_ACTIVE', `Location ${ids.join(', ')} is deactivated: nothing is counted there`,
      ids.map((id) => ({ field: '/locationIds', message: `${id} is INACTIVE` })));
  }
  const state: OpenCountsState = inactive.size === 0 ? given : { ...given, targets: given.targets.filter((t) => !inactive.has(t.location_id)) };
  if (state.targets.length === 0 && cmd.origin === 'ON_DEMAND') {
    return reject('UNPROCESSABLE', 'Nothing to count: no AVAILABLE units of the SKU at the locations named',
      [{ field: '/locationIds', message: 'holds nothing to count' }]);
  }
  const open = new Map(state.open.map((o) => [keyOf(o), o.id]));
  const alreadyOpen: string[] = [];
  const counts: NewCount[] = [];
  const seen = new Set<string>();
  for (const t of state.targets) {
    const key = keyOf(t);
    if (seen.has(key)) continue;
    seen.add(key);
    const existing = open.get(key);
    if (existing !== undefined) {
      alreadyOpen.push(existing);
      continue;
    }
    counts.push({
      id: cmd.newCountId(), site_id: cmd.siteId, owner_id: t.owner_id ?? DEFAULT_OWNER_ID, location_id: t.location_id, sku: t.sku, lot: t.lot, origin: cmd.origin,
      tolerance_units: cmd.tolerance.units, tolerance_percent: cmd.tolerance.percent,
    });
  }
  const perLocation = new Map<string, number>();
  for (const c of counts) perLocation.set(c.location_id, (perLocation.get(c.location_id) ?? 0) + 1);
  const events: PublishedEvent[] = counts.map((c) => {
    const data: CountRequested = {
      countId: c.id, siteId: c.site_id, locationId: c.location_id, sku: c.sku, lot: fromLotKey(c.lot), origin: c.origin, attempt: 1,
      taskReference: countTaskReference(c.id, 1),
    };
    return { type: InventoryEvents.countRequested, subject: c.id, siteId: c.site_id, data };
  });
  return ok({
    counts, alreadyOpen,
    locks: [...perLocation].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([locationId, n]) => ({ locationId, counts: n })),
    events,
  });
};
