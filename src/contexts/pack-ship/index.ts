// Scaffold: replaced by the context's real module.
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { PlatformDeps, ContextModule } from '../../platform/module.ts';

export function packShipContext(_deps: PlatformDeps, _apis: { catalog: CatalogApi }): ContextModule {
  return { name: 'pack-ship', schema: 'pack_ship', migrations: [] };
}
