// Scaffold: replaced by the context's real module.
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { InventoryApi } from '../../contracts/inventory.ts';
import type { PlatformDeps, ContextModule } from '../../platform/module.ts';

export function ordersContext(_deps: PlatformDeps, _apis: { catalog: CatalogApi; inventory: InventoryApi }): ContextModule {
  return { name: 'orders', schema: 'orders', migrations: [] };
}
