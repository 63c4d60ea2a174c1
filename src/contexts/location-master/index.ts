import type { LocationMasterApi, LocationMasterCommands, Site } from '../../contracts/location-master.ts';
import { defineContext, type ContextWithApi, type PlatformDeps } from '../../platform/module.ts';
import { locationMasterRoutes } from './http.ts';
import { LOCATION_TTL_S, locationCodeKey, locationMasterService } from './service.ts';
import { importLocationsHandler } from './use-cases/import-locations.ts';

/** The location-master context: sites, locations with coordinates and pick sequence, and the layout generator. */
export function locationMasterContext(deps: PlatformDeps): ContextWithApi<LocationMasterApi> & { readonly commands: LocationMasterCommands } {
  const service = locationMasterService(deps);
  // Sites are never renamed or deleted, so a found site is cached: POST /tasks/next resolves its site on every claim.
  const sites = new Map<string, Site>();
  const getSite = async (idOrCode: string): Promise<Site | undefined> => {
    const cached = sites.get(idOrCode);
    if (cached !== undefined) return cached;
    const site = await service.findSite(idOrCode);
    if (site !== undefined && sites.size < 10_000) {
      sites.set(site.id, site);
      sites.set(site.code, site);
    }
    return site;
  };
  const commands: LocationMasterCommands = {
    importLocations: importLocationsHandler(deps, (siteId, code) => void deps.cache.delete(locationCodeKey(siteId, code))),
  };
  const module: ContextWithApi<LocationMasterApi> = defineContext({
    name: 'location-master',
    schema: 'location_master',
    migrations: new URL('./migrations/', import.meta.url),
    routes: locationMasterRoutes(deps, service),
    api: {
      getLocations: (ids) => service.getLocations(ids),
      // A hot read on the floor (scans and receipts name locations by code): cached, forgotten when the location changes.
      getLocationByCode: (siteId, code) => deps.cache.getOrLoad(locationCodeKey(siteId, code), LOCATION_TTL_S, () => service.getLocationByCode(siteId, code)),
      getSite,
      listLocations: (siteId, types) => service.listLocationsOfSite(siteId, types),
    },
  });
  return { ...module, commands };
}
