import type { LocationStatus, LocationType } from '../../../contracts/location-master.ts';

/** Location types whose stock is picked; elsewhere stock is arriving, leaving, staged, packed or quarantined. */
export const PICKABLE_TYPES: readonly LocationType[] = ['STORAGE', 'PICK_FACE', 'RESERVE'];

/**
 * Whether units at a location can be picked, hence promised (ATP) and allocated: the location is ACTIVE and of a
 * pickable type. A blocked location is never picked from, so its stock leaves ATP at once.
 */
export function isPickable(location: { readonly type: LocationType; readonly status: LocationStatus }): boolean {
  return location.status === 'ACTIVE' && PICKABLE_TYPES.includes(location.type);
}

/**
 * Where AVAILABLE units leave from, as a SKU's allocations see it. `pickable`: the units there cover allocations.
 * `paused`: a location of a pickable type out for a while, an open cycle count holding it (ACTIVE) or a block: its
 * units sit in `unpickable` meanwhile, yet still cover what orders were promised before, and cover it again once the
 * count closes or the block lifts (the rule `allocated ≤ on_hand_available − unpickable + units paused`). A block
 * after allocation leaves the allocation unbacked for its time; taking the blocked units away where nobody picks
 * (a move to the dock, a hold, a removal) would leave it unbacked for good, so those keep the same rule as at a
 * pickable location.
 */
export interface Whereabouts {
  readonly pickable: boolean;
  readonly paused: boolean;
}

/** A location's projection row as `Whereabouts`: a row whose type is not known yet counts as pickable, as everywhere. */
export function whereabouts(row: { readonly pickable: boolean; readonly count_locks: number; readonly type: LocationType | null;
  readonly status: LocationStatus | null }): Whereabouts {
  const byFacts = row.type === null || row.status === null || isPickable({ type: row.type, status: row.status });
  const blocked = row.status === 'BLOCKED' && row.type !== null && PICKABLE_TYPES.includes(row.type);
  return { pickable: row.pickable, paused: !row.pickable && ((row.count_locks > 0 && byFacts) || blocked) };
}

/**
 * A SKU's stock row as the cover rules read it; `expired_free`: the unreserved AVAILABLE units of expired lots at
 * pickable locations (allocation never counts them, and a pick of them is 409 LOT_EXPIRED, ADR 0024), absent when the
 * caller did not read them (then 0).
 */
export interface CoverFacts {
  readonly on_hand_available: number;
  readonly unpickable: number;
  readonly allocated: number;
  readonly expired_free?: number | undefined;
}

/**
 * Units of a SKU that may leave AVAILABLE at a location without leaving its allocations uncovered (issue 11: nothing is
 * allocated beyond the pickable AVAILABLE on-hand). At a pickable location its units are part of the cover; at a
 * paused one (under count, blocked) `here` (the AVAILABLE units of the balance concerned, counted in `unpickable`) are
 * too; elsewhere (the dock, a pack station) units cover nothing, and only the on-hand rule applies. Units of expired
 * lots cover nothing either (since 2026-12-07: before, a hold, removal or move to the dock of the only good units was
 * accepted while an expired lot "covered" the orders, which then shorted EXPIRED at the face): good units leave only
 * while the pickable on-hand less the SKU's `expired_free` units still covers what is allocated. A balance that is
 * itself expired (`hereExpired`) keeps the rule as it was (pickable on-hand, expired units included, covers what is
 * allocated): its units are no cover to lose, and the rule `allocated ≤ on_hand_available − unpickable` still holds.
 */
export function unpromisedAt(s: CoverFacts, at: Whereabouts, here: number, hereExpired = false): number {
  const expired = hereExpired ? 0 : s.expired_free ?? 0;
  if (at.pickable) return s.on_hand_available - s.unpickable - s.allocated - expired;
  if (at.paused) return s.on_hand_available - s.unpickable + here - s.allocated - expired;
  return s.on_hand_available - s.allocated;
}
