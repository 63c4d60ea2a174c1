import type { CatalogApi } from '../../contracts/catalog.ts';
import { serialRoutes } from './http-serials.ts';
import { InventoryEvents, resolveOwnerId, type InventoryApi, type InventoryCommands } from '../../contracts/inventory.ts';
import { on } from '../../contracts/events.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import { openShortCountHandler } from './use-cases/open-counts/handler.ts';
import { ok } from '../../platform/errors.ts';
import { stockSnapshot } from './queries.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import { defineContext, siteOfRow, type ContextWithApi, type PlatformDeps } from '../../platform/module.ts';
import { inventoryRoutes } from './http.ts';
import { inboundRoutes } from './http-inbound.ts';
import { inboundService } from './inbound-service.ts';
import { replenishmentRoutes } from './http-replenishment.ts';
import { rmaRoutes } from './http-rma.ts';
import { rmaService } from './service-rma.ts';
import { replenishmentService } from './service-replenishment.ts';
import { replenishmentSubscriptions } from './subscriptions-replenishment.ts';
import { inventoryService } from './service.ts';
import { SKU_TOTALS_EVERY_MS, SNAPSHOT_CHECK_MS } from './history.ts';
import { learnBackfilledLocations } from './pickability.ts';
import { inventorySubscriptions } from './subscriptions.ts';
import { qualitySubscriptions } from './subscriptions-quality.ts';
import { lpnSubscriptions } from './subscriptions-lpns.ts';
import { ownerLookup } from './http-owners.ts';
import { allocatedWhole, openTaskWork, taskWorkState } from './store.ts';
import { admitAsnLpnArrivalHandler, withdrawAsnLpnArrivalHandler } from './use-cases/admit-lpn-arrival/handler.ts';

/** How often the count scheduler looks for SKUs whose ABC class calls for a count. */
export const COUNT_SCHEDULER_EVERY_MS = 3_600_000;

/** The stock ledger: receipts, adjustments, allocation, reservations, picks and shipments as movements. */
export function inventoryContext(
  deps: PlatformDeps, apis: { catalog: CatalogApi; locations: LocationMasterApi },
): ContextWithApi<InventoryApi> & { readonly commands: InventoryCommands } {
  const service = inventoryService(deps, apis);
  const openShortCount = openShortCountHandler(deps);
  const inbound = inboundService(deps, apis);
  const replenishment = replenishmentService(deps, apis);
  const commands: InventoryCommands = {
    retryBackorders: (siteId, skus, meta, forOrder) => deps.db.tx(async (tx) => {
      const allocated = await service.retryBackorders(tx, { siteId, skus: [...new Set(skus)].sort() }, meta);
      return forOrder === undefined || allocated.includes(forOrder) || !await allocatedWhole(tx, forOrder) ? allocated : [...allocated, forOrder];
    }),
    applyStockCounts: (rows, options, meta) => service.applyStockCounts(rows, options, meta),
    createAsn: async (input, meta) => {
      const owner = await resolveOwnerId(ownerLookup(deps), input.ownerId, null);
      if (!owner.ok) return owner;
      const made = await inbound.createAsn({ ...input, ownerId: owner.value }, meta);
      return made.ok ? ok({ asnId: made.value.id }) : made;
    },
    stockSnapshot: (siteId) => stockSnapshot(deps.db, siteId),
  };
  const module: ContextWithApi<InventoryApi> = defineContext({
    name: 'inventory',
    schema: 'inventory',
    migrations: new URL('./migrations/', import.meta.url),
    requires: apis,
    routes: async (app) => {
      await inventoryRoutes(app, deps, service, apis.locations);
      await inboundRoutes(app, deps, inbound, apis.locations);
      await replenishmentRoutes(app, deps, replenishment, apis.locations, service.unknownSku);
      await rmaRoutes(app, deps, rmaService(deps, apis), apis.locations);
      await serialRoutes(app, deps, apis.locations);
    },
    subscriptions: [
      ...inventorySubscriptions(service, { bus: deps.bus, locations: apis.locations, replenishment }),
      ...replenishmentSubscriptions(service, replenishment),
      ...qualitySubscriptions(deps),
      ...lpnSubscriptions(deps),
      // A short pick that asks for a COUNT gets a count of the shorted SKU there (ADR 0024 addendum 2026-12-05).
      on(InventoryEvents.shortResolved, (short, event, tx) => openShortCount(tx, short, causedBy(event))),
    ],
    // A return's site: a per-site operator confirms returns of the sites they work at (ADR 0019).
    sitesOf: {
      rtn: siteOfRow(deps.db, 'inventory.returns'),
      asn: siteOfRow(deps.db, 'inventory.asns'),
      put: siteOfRow(deps.db, 'inventory.putaways'),
      cnt: siteOfRow(deps.db, 'inventory.counts'),
      rpl: siteOfRow(deps.db, 'inventory.replenishments'),
      rma: siteOfRow(deps.db, 'inventory.rmas'),
      mov: siteOfRow(deps.db, 'inventory.movements'),
    },
    // An order's and a wave's site as their allocations and reservations here say (split mode: GET
    // /inventory/reservations?orderId= of another site's order is refused here).
    projectedSitesOf: {
      ord: async (id) => (await deps.db.query<{ site_id: string }>(
        `(SELECT site_id FROM inventory.allocations WHERE order_id = $1 LIMIT 1) UNION ALL (SELECT site_id FROM inventory.reservations WHERE order_id = $1 LIMIT 1) LIMIT 1`, [id],
      ))[0]?.site_id,
      wav: async (id) => (await deps.db.query<{ site_id: string }>(`SELECT site_id FROM inventory.reservations WHERE wave_id = $1 LIMIT 1`, [id]))[0]?.site_id,
    },
    jobs: [{
      // Cycle counts by ABC class (issue 11): opens the counts that are due, hourly.
      name: 'inventory.count-scheduler', everyMs: COUNT_SCHEDULER_EVERY_MS,
      run: async () => { await service.scheduleCounts(); },
    }, {
      // Point-in-time stock stays fast: a snapshot of every balance key once enough movements came (history.ts).
      name: 'inventory.snapshot', everyMs: SNAPSHOT_CHECK_MS,
      run: () => service.history.snapshotIfDue().then((s) => {
        if (s !== undefined) deps.log.info({ asOf: s.asOf, keys: s.keys, movements: s.movements }, 'inventory took a stock snapshot');
      }),
    }, {
      // The stock summary stays fast: the ledger's tail folded into the per-SKU totals (ADR 0041).
      name: 'inventory.sku-totals', everyMs: SKU_TOTALS_EVERY_MS,
      run: () => service.history.foldSkuTotals().then((f) => {
        if (f !== undefined) deps.log.debug({ foldedBefore: f.foldedBefore, movements: f.movements, skus: f.skus }, 'inventory folded movements into the SKU totals');
      }),
    }, {
      // Once at start: locations backfilled by migration 003 learn their type and status (and leave ATP when not pickable).
      name: 'inventory.learn-backfilled-locations',
      run: () => learnBackfilledLocations(deps, apis.locations).then(
        (n) => { if (n > 0) deps.log.info({ locations: n }, 'inventory learned backfilled locations'); },
        (e: unknown) => { deps.log.warn({ err: e }, 'inventory could not learn backfilled locations yet'); },
      ),
    }],
    api: {
      async atp(siteId, skus) {
        const rows = await service.atp(siteId, skus);
        const bySku = new Map(rows.map((r) => [r.sku, r.atp]));
        // Unknown or never-received SKUs have nothing to promise.
        return new Map(skus.map((s) => [s, bySku.get(s) ?? 0]));
      },
      candidateLocations: (siteId, skus) => service.candidateLocations(siteId, skus),
      locationBalances: (siteId, locationIds) => service.locationBalances(siteId, locationIds),
      openCountsAt: (siteId, locationIds) => service.openCountsAt(siteId, locationIds),
      openTaskWork: (taskType, reference) => openTaskWork(deps.db, taskType, reference),
      taskWorkState: (taskType, reference) => taskWorkState(deps.db, taskType, reference),
      getOwner: (id) => ownerLookup(deps).getOwner(id),
      admitAsnLpnArrival: admitAsnLpnArrivalHandler(deps),
      withdrawAsnLpnArrival: withdrawAsnLpnArrivalHandler(deps),
    },
  });
  return { ...module, commands };
}
