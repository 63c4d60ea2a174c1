import type { CatalogApi } from '../../contracts/catalog.ts';
import type { InventoryApi } from '../../contracts/inventory.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import { defineContext, siteOfRow, type ContextModule, type PlatformDeps } from '../../platform/module.ts';
import { physicalTrackingRoutes } from './http.ts';
import { physicalTrackingService } from './service.ts';
import { physicalTrackingProjections, physicalTrackingSubscriptions } from './subscriptions.ts';

export interface PhysicalTrackingOptions {
  /** Resolves the site a request names (id or code). */
  readonly locations: Pick<LocationMasterApi, 'getSite' | 'getLocations' | 'getLocationByCode'>;
  /** The logical side of the reconciliation: on-hand per location. */
  readonly inventory: Pick<InventoryApi, 'locationBalances' | 'openCountsAt'>;
  /** The products an LPN's declared contents name. */
  readonly catalog: Pick<CatalogApi, 'getBySkus'>;
}

/** physical-tracking: LPNs (handling units), every scan, and the reconciliation of physical against logical stock. */
export function physicalTrackingContext(deps: PlatformDeps, options: PhysicalTrackingOptions): ContextModule {
  const service = physicalTrackingService(deps, { inventory: options.inventory, locations: options.locations, catalog: options.catalog });
  return defineContext({
    name: 'physical-tracking',
    schema: 'physical_tracking',
    migrations: new URL('./migrations/', import.meta.url),
    requires: { locations: options.locations, inventory: options.inventory, catalog: options.catalog },
    routes: (app) => physicalTrackingRoutes(app, deps, service, options.locations),
    sitesOf: { lpn: siteOfRow(deps.db, 'physical_tracking.lpns') },
    subscriptions: physicalTrackingSubscriptions(service),
    projections: physicalTrackingProjections(service),
  });
}
