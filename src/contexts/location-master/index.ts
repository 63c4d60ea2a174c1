import type { LocationMasterApi } from '../../contracts/location-master.ts';
import { loadMigrations } from '../../platform/db/migrations.ts';
import type { ContextWithApi, PlatformDeps } from '../../platform/module.ts';
import { locationMasterRoutes } from './http.ts';
import { LocationMasterService } from './service.ts';

/** The location-master context: sites, locations with coordinates and pick sequence, and the layout generator. */
export function locationMasterContext(deps: PlatformDeps): ContextWithApi<LocationMasterApi> {
  const service = new LocationMasterService(deps);
  return {
    name: 'location-master',
    schema: 'location_master',
    migrations: loadMigrations(new URL('./migrations/', import.meta.url)),
    routes: locationMasterRoutes(deps, service),
    api: {
      getLocations: (ids) => service.getLocations(ids),
      getLocationByCode: (siteId, code) => service.getLocationByCode(siteId, code),
      getSite: (siteId) => service.findSite(siteId),
      listLocations: (siteId, types) => service.listLocationsOfSite(siteId, types),
    },
  };
}
