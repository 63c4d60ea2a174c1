import { defineContext, siteOfRow, type ContextModule, type PlatformDeps } from '../../platform/module.ts';
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { InventoryApi } from '../../contracts/inventory.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import { qualityRoutes } from './http.ts';
import { qualityService } from './service.ts';
import { qualitySubscriptions } from './subscriptions.ts';

/** quality: inspection plans and sampling, inspections, quality holds and dispositions, non-conformances, KPIs (ADR 0031). */
export function qualityContext(
  deps: PlatformDeps, apis: { catalog: CatalogApi; locations: Pick<LocationMasterApi, 'getSite'>; inventory: Pick<InventoryApi, 'getOwner'> },
): ContextModule {
  const quality = qualityService(deps, { catalog: apis.catalog, inventory: apis.inventory });
  return defineContext({
    name: 'quality',
    schema: 'quality',
    migrations: new URL('./migrations/', import.meta.url),
    requires: { catalog: apis.catalog, locations: apis.locations, inventory: apis.inventory },
    routes: (app) => qualityRoutes(app, deps, quality, apis.locations),
    sitesOf: {
      qpl: siteOfRow(deps.db, 'quality.plans'), qin: siteOfRow(deps.db, 'quality.inspections'), qnc: siteOfRow(deps.db, 'quality.non_conformances'),
    },
    subscriptions: qualitySubscriptions(quality),
  });
}
