// Scaffold: replaced by the context's real module.
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import type { PlatformDeps, ContextModule } from '../../platform/module.ts';

export function pickingContext(_deps: PlatformDeps, _apis: { catalog: CatalogApi; locations: LocationMasterApi }): ContextModule {
  return { name: 'picking', schema: 'picking', migrations: [] };
}
