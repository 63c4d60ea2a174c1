import { defineContext, type ContextModule, type PlatformDeps } from '../../platform/module.ts';
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import { pickingRoutes } from './http.ts';
import { pickingService } from './service.ts';
import { pickingSubscriptions } from './subscriptions.ts';

/** picking: pick lists from reservations, scan confirmations, short picks. */
export function pickingContext(deps: PlatformDeps, apis: { catalog: CatalogApi; locations: LocationMasterApi }): ContextModule {
  const picking = pickingService(deps, { catalog: apis.catalog, locations: apis.locations });
  return defineContext({
    name: 'picking',
    schema: 'picking',
    migrations: new URL('./migrations/', import.meta.url),
    requires: apis,
    routes: (app) => pickingRoutes(app, deps, picking),
    subscriptions: pickingSubscriptions(picking),
  });
}
