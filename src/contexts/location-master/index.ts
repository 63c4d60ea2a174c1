import type { LocationMasterApi, LocationMasterCommands, Site } from '../../contracts/location-master.ts';
import { defineContext, siteOfRow, type ContextWithApi, type PlatformDeps } from '../../platform/module.ts';
import { locationMasterRoutes } from './http.ts';
import { LOCATION_TTL_S, locationCodeKey, locationMasterService, type CatalogLookup, type OpenCountsLookup } from './service.ts';
import { importLocationsHandler } from './use-cases/import-locations.ts';

/** How long a cached site may be served after another process changed it. */
const SITE_TTL_MS = 5_000;

/** The location-master context: sites, locations with coordinates and pick sequence, and the layout generator. */
/**
 * `apis.inventory` finds inventory's API when it is needed (location-master is composed before inventory, which needs
 * it): a location under count is not deactivated. `apis.catalog` finds the catalog: slotting refuses SKUs it does not know.
 */
export function locationMasterContext(deps: PlatformDeps, apis: { readonly inventory?: OpenCountsLookup; readonly catalog?: CatalogLookup } = {}): ContextWithApi<LocationMasterApi> & { readonly commands: LocationMasterCommands } {
  // A found site is cached (POST /tasks/next resolves its site on every claim): its id and code never change, but its
  // name and active flag may (ADR 0045). A change made here drops it at once; one made by another process running
  // location-master is seen within SITE_TTL_MS.
  const sites = new Map<string, { site: Site; at: number }>();
  const forget = (site: Site): void => {
    sites.delete(site.id);
    sites.delete(site.code);
  };
  const counts: OpenCountsLookup = apis.inventory ?? (() => undefined);
  const service = locationMasterService(deps, forget, counts, apis.catalog ?? (() => undefined));
  const getSite = async (idOrCode: string): Promise<Site | undefined> => {
    const cached = sites.get(idOrCode);
    if (cached !== undefined && Date.now() - cached.at < SITE_TTL_MS) return cached.site;
    const site = await service.findSite(idOrCode);
    if (site !== undefined && sites.size < 10_000) {
      const entry = { site, at: Date.now() };
      sites.set(site.id, entry);
      sites.set(site.code, entry);
    }
    return site;
  };
  const commands: LocationMasterCommands = {
    importLocations: importLocationsHandler(deps, (siteId, code) => void deps.cache.delete(locationCodeKey(siteId, code)), counts),
  };
  const module: ContextWithApi<LocationMasterApi> = defineContext({
    name: 'location-master',
    schema: 'location_master',
    migrations: new URL('./migrations/', import.meta.url),
    routes: locationMasterRoutes(deps, service),
    // A location's site: a caller of some sites only blocks, unblocks or reads the locations of those (ADR 0019).
    sitesOf: { loc: siteOfRow(deps.db, 'location_master.locations') },
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
