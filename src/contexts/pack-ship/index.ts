import { defineContext, siteOfRow, type ContextWithApi, type PlatformDeps } from '../../platform/module.ts';
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import type { PackShipApi, PackShipCommands } from '../../contracts/pack-ship.ts';
import { ok } from '../../platform/errors.ts';
import type { CarrierConfig } from './carriers/config.ts';
import type { Carrier } from './domain/carrier.ts';
import { packShipRoutes } from './http.ts';
import { packShipService, type CarrierCallSettings } from './service.ts';
import { packStore } from './store.ts';
import { packShipSubscriptions } from './subscriptions.ts';
import { packShipQualitySubscriptions } from './subscriptions-quality.ts';

/** pack-ship: packages, cartons, shipments and the carrier port. */
export interface PackShipContextOptions {
  readonly catalog: CatalogApi;
  readonly locations: LocationMasterApi;
  readonly carriers?: readonly Carrier[];
  readonly carrierConfigs?: readonly CarrierConfig[];
  readonly gs1?: { readonly companyPrefix: string; readonly extensionDigit: number };
  /** How often the carriers with a tracking API are polled (ms); default 5 minutes. */
  readonly trackingPollMs?: number;
  /** Remote bookings owed (ADR 0056): PAKLOG_CARRIER_CALL_LEASE_S, _GRACE_S, _ATTEMPTS. */
  readonly carrierCalls?: CarrierCallSettings;
}

export function packShipContext(deps: PlatformDeps, apis: PackShipContextOptions): ContextWithApi<PackShipApi> & { readonly commands: PackShipCommands } {
  const packShip = packShipService(deps, {
    catalog: apis.catalog,
    ...(apis.carriers === undefined ? {} : { carriers: apis.carriers }),
    ...(apis.carrierConfigs === undefined ? {} : { carrierConfigs: apis.carrierConfigs }),
    ...(apis.gs1 === undefined ? {} : { gs1: apis.gs1 }),
    ...(apis.carrierCalls === undefined ? {} : { carrierCalls: apis.carrierCalls }),
  });
  const commands: PackShipCommands = {
    track: async (report, meta) => {
      const { detail, ...rest } = report;
      const s = await packShip.tracked({ ...rest, ...(detail === undefined ? {} : { detail }) }, meta);
      return s.ok ? ok({ shipmentId: s.value.id, status: s.value.status }) : s;
    },
    retryLabelVoid: (shipmentId) => packShip.retryLabelVoid(shipmentId),
    retryBooking: (shipmentId) => packShip.retryBooking(shipmentId),
  };
  const module: ContextWithApi<PackShipApi> = defineContext({
    name: 'pack-ship',
    schema: 'pack_ship',
    migrations: new URL('./migrations/', import.meta.url),
    requires: { catalog: apis.catalog, locations: apis.locations },
    routes: (app) => packShipRoutes(app, deps, packShip, apis.locations),
    sitesOf: { shp: siteOfRow(deps.db, 'pack_ship.shipments'), pkg: siteOfRow(deps.db, 'pack_ship.packages'), mnf: siteOfRow(deps.db, 'pack_ship.manifests') },
    // An order's site as pack-ship copied it (split mode: POST /packages { orderId } of another site's order is refused here).
    projectedSitesOf: { ord: async (id) => (await deps.db.query<{ site_id: string }>(`SELECT site_id FROM pack_ship.orders WHERE order_id = $1`, [id]))[0]?.site_id },
    subscriptions: [...packShipSubscriptions(packShip), ...packShipQualitySubscriptions(deps.clock, deps.bus)],
    jobs: [
      { name: 'pack-ship.tracking-poll', everyMs: apis.trackingPollMs ?? 300_000, run: async () => { await packShip.pollTracking(); } },
      // Orders picked before ADR 0049 and never announced ready to pack (after an upgrade): announced once.
      { name: 'pack-ship.ready-to-pack', everyMs: 60_000, run: async () => { await packShip.announceUnannounced(); } },
      // Cancelled orders' labels whose void never got the carrier's answer (the process stopped): asked again.
      // Cancels decided here whose request stopped before announcing them (ADR 0011 addendum 2026-12-06 quater): announced.
      { name: 'pack-ship.cancel-stops', everyMs: 5_000, run: async () => { await packShip.announceOwedStops(); } },
      { name: 'pack-ship.label-voids', everyMs: 60_000, run: async () => { await packShip.voidOwedLabels(); } },
      // Bookings with remote carriers whose answer was never recorded (the process stopped, the commit failed, no answer): asked again (ADR 0056).
      { name: 'pack-ship.carrier-calls', everyMs: 60_000, run: async () => { await packShip.settleOwedCarrierCalls(); } },
    ],
    api: {
      bookableCarriers: async () => packShip.bookableCarriers(),
      stopShipping: packShip.stopShipping,
      announceStop: packShip.announceStop,
      reserveStop: packShip.reserveStop,
      dropStop: packShip.dropStop,
      openPackWork: (orderId) => packShip.openPackWork(orderId),
      packWorkState: (orderId) => packStore.packWorkState(deps.db, orderId),
      stoppedOrders: (orderIds) => packStore.stoppedOrders(deps.db, orderIds),
      claimDockShip: packShip.claimDockShip,
      settleDockShip: packShip.settleDockShip,
      packageSsccs: (packageIds) => packStore.packageSsccs(deps.db, packageIds),
    },
  });
  return { ...module, commands };
}
