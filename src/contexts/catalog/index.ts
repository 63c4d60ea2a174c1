// Scaffold: replaced by the context's real module.
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { PlatformDeps, ContextModule } from '../../platform/module.ts';

export function catalogContext(_deps: PlatformDeps): ContextModule<CatalogApi> & { api: CatalogApi } {
  return { name: 'catalog', schema: 'catalog', migrations: [], api: { getBySkus: async () => new Map() } };
}
