import type { CatalogApi } from '../../contracts/catalog.ts';
import type { InventoryApi } from '../../contracts/inventory.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import { loadMigrations } from '../../platform/db/migrations.ts';
import type { PlatformDeps, ContextModule } from '../../platform/module.ts';
import { inventoryRoutes } from './http.ts';
import { InventoryService } from './service.ts';
import { inventorySubscriptions } from './subscriptions.ts';

/** The stock ledger: receipts, adjustments, allocation, reservations, picks and shipments as movements. */
export function inventoryContext(deps: PlatformDeps, apis: { catalog: CatalogApi; locations: LocationMasterApi }): ContextModule<InventoryApi> & { api: InventoryApi } {
  const service = new InventoryService(deps, apis);
  return {
    name: 'inventory',
    schema: 'inventory',
    migrations: loadMigrations(new URL('./migrations/', import.meta.url)),
    routes: (app) => inventoryRoutes(app, deps, service, apis.locations),
    subscriptions: inventorySubscriptions(service),
    api: {
      async atp(siteId, skus) {
        const rows = await service.atp(siteId, skus);
        const bySku = new Map(rows.map((r) => [r.sku, r.atp]));
        // Unknown or never-received SKUs have nothing to promise.
        return new Map(skus.map((s) => [s, bySku.get(s) ?? 0]));
      },
      candidateLocations: (siteId, skus) => service.candidateLocations(siteId, skus),
    },
  };
}
