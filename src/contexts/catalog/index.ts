import type { CatalogApi } from '../../contracts/catalog.ts';
import { defineContext, type ContextWithApi, type PlatformDeps } from '../../platform/module.ts';
import { catalogRoutes } from './http.ts';
import { catalogService } from './service.ts';

/** The catalog context: the item master (products, barcodes, dimensions, handling flags). */
export function catalogContext(deps: PlatformDeps): ContextWithApi<CatalogApi> {
  const service = catalogService(deps);
  return defineContext({
    name: 'catalog',
    schema: 'catalog',
    migrations: new URL('./migrations/', import.meta.url),
    routes: catalogRoutes(deps, service),
    api: { getBySkus: (skus) => service.getBySkus(skus) },
  });
}
