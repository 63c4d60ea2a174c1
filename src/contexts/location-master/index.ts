// Scaffold: replaced by the context's real module.
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import type { PlatformDeps, ContextModule } from '../../platform/module.ts';

export function locationMasterContext(_deps: PlatformDeps): ContextModule<LocationMasterApi> & { api: LocationMasterApi } {
  return { name: 'location-master', schema: 'location_master', migrations: [], api: { getLocations: async () => new Map(), getLocationByCode: async () => undefined, getSite: async () => undefined, listLocations: async () => [] } };
}
