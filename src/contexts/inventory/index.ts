// Scaffold: replaced by the context's real module.
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { InventoryApi } from '../../contracts/inventory.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import type { PlatformDeps, ContextModule } from '../../platform/module.ts';

export function inventoryContext(_deps: PlatformDeps, _apis: { catalog: CatalogApi; locations: LocationMasterApi }): ContextModule<InventoryApi> & { api: InventoryApi } {
  return { name: 'inventory', schema: 'inventory', migrations: [], api: { atp: async () => new Map() } };
}
