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
