import { defineContext, siteOfRow, type ContextWithApi, type PlatformDeps } from '../../platform/module.ts';
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { PackShipApi } from '../../contracts/pack-ship.ts';
import type { Carrier } from './domain/carrier.ts';
import { packShipRoutes } from './http.ts';
import { packShipService } from './service.ts';
import { packShipSubscriptions } from './subscriptions.ts';
import { packShipQualitySubscriptions } from './subscriptions-quality.ts';

/** pack-ship: packages, cartons, shipments and the carrier port. */
export function packShipContext(deps: PlatformDeps, apis: { catalog: CatalogApi; carriers?: readonly Carrier[] }): ContextWithApi<PackShipApi> {
  const packShip = packShipService(deps, { catalog: apis.catalog, ...(apis.carriers === undefined ? {} : { carriers: apis.carriers }) });
  return defineContext({
    name: 'pack-ship',
    schema: 'pack_ship',
    migrations: new URL('./migrations/', import.meta.url),
    requires: { catalog: apis.catalog },
    routes: (app) => packShipRoutes(app, deps, packShip),
    sitesOf: { shp: siteOfRow(deps.db, 'pack_ship.shipments'), pkg: siteOfRow(deps.db, 'pack_ship.packages') },
    subscriptions: [...packShipSubscriptions(packShip), ...packShipQualitySubscriptions(deps.clock)],
    api: {
      bookableCarriers: async () => packShip.bookableCarriers(),
      stopShipping: packShip.stopShipping,
    },
  });
}
