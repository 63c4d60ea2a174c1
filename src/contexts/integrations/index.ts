import type { CatalogApi, CatalogCommands } from '../../contracts/catalog.ts';
import type { InventoryApi, InventoryCommands } from '../../contracts/inventory.ts';
import type { LocationMasterApi, LocationMasterCommands } from '../../contracts/location-master.ts';
import type { OrderCommands } from '../../contracts/orders.ts';
import type { PackShipApi, PackShipCommands } from '../../contracts/pack-ship.ts';
import type { PartnerPortsConfig } from '../../platform/config/ports.ts';
import type { Job } from '../../platform/jobs.ts';
import { defineContext, type ContextModule, type PlatformDeps } from '../../platform/module.ts';
import { ediService, type EdiService } from './edi/service.ts';
import { integrationsRoutes } from './http.ts';
import { importService, type ImportService } from './imports/service.ts';
import { integrationsService, type IntegrationsService, type WebhookSettings } from './service.ts';
import { integrationsProjections, integrationsSubscriptions } from './subscriptions.ts';
import { portsRoutes } from './ports/http.ts';
import type { ErpPort, TmsPort } from './ports/port.ts';
import { portsFromConfig, portsService, type PortsService } from './ports/service.ts';
import { portsSubscriptions } from './ports/subscriptions.ts';

export interface IntegrationsOptions {
  readonly locations: Pick<LocationMasterApi, 'getSite'>;
  /** The order intake as a call, when orders runs in this process (storefront webhooks need it). */
  readonly orders: () => OrderCommands | undefined;
  /** The catalog, when it runs in this process: a 940's SKUs are checked before its 997 is written. */
  readonly catalog: () => Pick<CatalogApi, 'getBySkus'> | undefined;
  /** The catalog's bulk upsert, when the catalog runs in this process (CSV product imports). */
  readonly catalogCommands: () => CatalogCommands | undefined;
  /** Location-master's and inventory's import commands, when they run in this process (CSV location and stock imports). */
  readonly locationCommands?: (() => LocationMasterCommands | undefined) | undefined;
  readonly inventoryCommands?: (() => Pick<InventoryCommands, 'applyStockCounts' | 'createAsn'> | undefined) | undefined;
  /** Inventory's owners, here or over gRPC (undefined: neither): a webhook subscription's ownerId is checked against them. */
  readonly inventory?: (() => Pick<InventoryApi, 'getOwner'> | undefined) | undefined;
  /** The carriers pack & ship can book, here or over gRPC: a storefront channel's carrier is checked against them. */
  readonly packShip: Pick<PackShipApi, 'bookableCarriers'>;
  readonly webhooks: WebhookSettings;
  /** PAKLOG_WEBHOOK_TICK_MS: period of the delivery job. */
  readonly tickMs: number;
  /** The ERP and TMS ports (ADR 0039): their configuration, the in-process commands they call, adapters of a test's own. */
  readonly partners?: {
    readonly config: PartnerPortsConfig;
    readonly inventory: () => Pick<InventoryCommands, 'createAsn' | 'stockSnapshot'> | undefined;
    readonly packShip: () => PackShipCommands | undefined;
    readonly adapters?: { readonly erp?: ErpPort; readonly tms?: TmsPort };
  };
}

/** integrations: outbound webhooks and inbound storefront order webhooks (ADR 0034), EDI X12 and CSV imports (ADR 0037). */
export function integrationsContext(deps: PlatformDeps, options: IntegrationsOptions): ContextModule & { readonly service: IntegrationsService; readonly edi: EdiService; readonly imports: ImportService; readonly ports: PortsService | undefined } {
  const service = integrationsService(deps, {
    locations: options.locations, orders: options.orders, inventory: options.inventory ?? (() => undefined), packShip: options.packShip,
  }, options.webhooks);
  const edi = ediService(deps, { locations: options.locations, catalog: options.catalog, orders: options.orders, inventory: options.inventoryCommands ?? (() => undefined) });
  const imports = importService({
    catalog: options.catalogCommands, catalogQueries: options.catalog, orders: options.orders, locations: options.locations,
    locationCommands: options.locationCommands ?? (() => undefined), inventory: options.inventoryCommands ?? (() => undefined),
    db: deps.db,
  });
  const p = options.partners;
  const ports = p === undefined ? undefined : portsService(deps, {
    locations: options.locations, catalog: options.catalog, inventory: p.inventory, packShip: p.packShip, imports,
  }, p.config, p.adapters ?? portsFromConfig(p.config));
  const module = defineContext({
    name: 'integrations',
    schema: 'integrations',
    migrations: new URL('./migrations/', import.meta.url),
    requires: { locations: options.locations, packShip: options.packShip },
    routes: async (app) => {
      await integrationsRoutes(deps, service, edi, imports)(app);
      if (ports !== undefined) portsRoutes(deps, ports)(app);
    },
    subscriptions: [...integrationsSubscriptions(service, edi), ...(ports === undefined ? [] : portsSubscriptions(ports))],
    // Rebuildable with `paklog replay integrations` (docs/operations/distributed.md, Rebuilding projections).
    projections: integrationsProjections(edi),
    jobs: [
      { name: 'integrations.webhook-delivery', everyMs: options.tickMs, run: async () => { await service.deliverDue(); }, settle: service.deliveriesSettled },
      ...(ports === undefined ? [] : portsJobs(ports, p!.config)),
    ],
  });
  return { ...module, service, edi, imports, ports };
}

/** The ports' jobs, only for what is configured: delivery, the file-drop inbox, scheduled snapshots. */
function portsJobs(ports: PortsService, c: PartnerPortsConfig): Job[] {
  if (ports.partners.length === 0) return [];
  return [
    { name: 'integrations.partner-delivery', everyMs: c.delivery.tickMs, run: async () => { await ports.deliverDue(); }, settle: ports.deliveriesSettled },
    ...(c.erp.kind === 'file-drop' ? [{ name: 'integrations.erp-inbox', everyMs: c.erp.pollMs, run: async () => { await ports.pickUpFiles(); } }] : []),
    ...(ports.erp !== undefined && c.snapshotEveryMs > 0 && c.snapshotSites.length > 0
      ? [{ name: 'integrations.erp-snapshot', everyMs: c.snapshotEveryMs, run: () => ports.scheduledSnapshots() }] : []),
  ];
}
