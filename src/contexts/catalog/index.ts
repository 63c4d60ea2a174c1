import type { CatalogApi, CatalogCommands } from '../../contracts/catalog.ts';
import { defineContext, type ContextWithApi, type PlatformDeps } from '../../platform/module.ts';
import { catalogRoutes } from './http.ts';
import { catalogService } from './service.ts';
import { productUpserter } from './upsert-products.ts';

/** The catalog context: the item master (products, barcodes, dimensions, handling flags). */
export function catalogContext(deps: PlatformDeps): ContextWithApi<CatalogApi> & { readonly commands: CatalogCommands } {
  const service = catalogService(deps);
  const commands: CatalogCommands = { upsertProducts: productUpserter(deps) };
  const module = defineContext<CatalogApi>({
    name: 'catalog',
    schema: 'catalog',
    migrations: new URL('./migrations/', import.meta.url),
    routes: catalogRoutes(deps, service),
    api: { getBySkus: (skus) => service.getBySkus(skus) },
  });
  return { ...module, commands };
}
