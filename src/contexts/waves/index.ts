import type { InventoryApi } from '../../contracts/inventory.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import type { WavesApi } from '../../contracts/waves.ts';
import { defineContext, siteOfRow, type ContextWithApi, type PlatformDeps } from '../../platform/module.ts';
import { waveRoutes } from './http.ts';
import { waveService } from './service.ts';
import { waveSubscriptions } from './subscriptions.ts';

/**
 * waves: the pool of allocated orders and the waves planned from it. The locations and inventory APIs are read
 * when a wave is released for batch picking (where each order will be picked, to group orders into carts).
 */
export function wavesContext(deps: PlatformDeps, apis: { locations: LocationMasterApi; inventory: InventoryApi }): ContextWithApi<WavesApi> {
  const service = waveService(deps, apis);
  const api: WavesApi = { holdForChange: service.holdForChange, cancelledWith: service.cancelledWith };
  return defineContext({
    api,
    name: 'waves',
    schema: 'waves',
    migrations: new URL('./migrations/', import.meta.url),
    requires: apis,
    routes: waveRoutes(deps, service, apis.locations),
    sitesOf: { wav: siteOfRow(deps.db, 'waves.waves') },
    subscriptions: waveSubscriptions(service),
  });
}
