import type { CatalogApi } from '../../contracts/catalog.ts';
import type { InventoryApi } from '../../contracts/inventory.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import type { PackShipApi } from '../../contracts/pack-ship.ts';
import type { PhysicalTrackingApi } from '../../contracts/physical-tracking.ts';
import { defineContext, siteOfRow, type ContextWithApi, type PlatformDeps } from '../../platform/module.ts';
import { physicalTrackingRoutes } from './http.ts';
import { physicalTrackingService } from './service.ts';
import * as store from './store.ts';
import { physicalTrackingProjections, physicalTrackingSubscriptions } from './subscriptions.ts';

/**
 * A SHIP scan's claim is a lease: the scanning process renews it every second (service.ts) while it waits for pack &
 * ship and runs its transaction, and the dock-claims job (every `DOCK_CLAIM_JOB_MS`) abandons one not renewed for
 * `DOCK_CLAIM_ABANDON_MS` — its process is gone (killed, or cut from the database). A live scan, however slow, keeps its
 * claim; a dead one holds the order's cancel (409 ORDER_SHIPPING) for at most about 7 s, not a minute and a half.
 */
export const DOCK_CLAIM_ABANDON_MS = 5_000;
export const DOCK_CLAIM_JOB_MS = 2_000;
/**
 * A RECEIVE_LPN scan's admission at inventory is a lease the same way (ADR 0029 addendum 2026-12-07): renewed every
 * second while the scan runs, abandoned by the arrival-admissions job when not renewed for `ARRIVAL_ABANDON_MS`, and its
 * arrival then withdrawn: a scan killed between the admission and its commit holds its ASN for some 7 s, not for good.
 */
export const ARRIVAL_ABANDON_MS = 5_000;
export const ARRIVAL_JOB_MS = 2_000;

export interface PhysicalTrackingOptions {
  /** Resolves the site a request names (id or code). */
  readonly locations: Pick<LocationMasterApi, 'getSite' | 'getLocations' | 'getLocationByCode'>;
  /** The logical side of the reconciliation: on-hand per location. */
  readonly inventory: Pick<InventoryApi, 'locationBalances' | 'openCountsAt' | 'getOwner' | 'admitAsnLpnArrival' | 'withdrawAsnLpnArrival'>;
  /** The products an LPN's declared contents name. */
  readonly catalog: Pick<CatalogApi, 'getBySkus'>;
  /** Whether the orders a SHIP scan would take out had their shipping stopped (a cancel decided at the dock). */
  readonly packShip: Pick<PackShipApi, 'claimDockShip' | 'settleDockShip' | 'packageSsccs'>;
}

/**
 * physical-tracking: LPNs (handling units), every scan, and the reconciliation of physical against logical stock. Its
 * API (PhysicalTrackingApi) tells location tracking whether an LPN it is asked to track exists, and at which site.
 */
export function physicalTrackingContext(deps: PlatformDeps, options: PhysicalTrackingOptions): ContextWithApi<PhysicalTrackingApi> {
  const service = physicalTrackingService(deps, { inventory: options.inventory, locations: options.locations, catalog: options.catalog, packShip: options.packShip });
  const api: PhysicalTrackingApi = {
    async getLpn(id) {
      const row = await store.lpn(deps.db, id);
      if (row === undefined) return undefined;
      const ref = { id: row.id, siteId: row.site_id, code: row.code, status: row.status };
      return row.sscc === null ? ref : { ...ref, sscc: row.sscc };
    },
  };
  return defineContext({
    name: 'physical-tracking',
    schema: 'physical_tracking',
    migrations: new URL('./migrations/', import.meta.url),
    requires: { locations: options.locations, inventory: options.inventory, catalog: options.catalog, packShip: options.packShip },
    routes: (app) => physicalTrackingRoutes(app, deps, service, options.locations),
    sitesOf: { lpn: siteOfRow(deps.db, 'physical_tracking.lpns') },
    subscriptions: physicalTrackingSubscriptions(service),
    projections: physicalTrackingProjections(service),
    jobs: [
      // SHIP scans' claims at pack & ship whose scan's process stopped (no longer renewed) or whose settlement was lost:
      // ended, so the orders' cancels are answered again (ADR 0011 addenda 2026-12-06 bis and ter). A short period: its
      // own timer (ADR 0055), a statement on the unsettled claims' index a run.
      { name: 'physical-tracking.dock-claims', everyMs: DOCK_CLAIM_JOB_MS, run: async () => { await service.settleDockClaims(DOCK_CLAIM_ABANDON_MS); } },
      // RECEIVE_LPN scans' admissions at inventory whose scan's process stopped before its commit (no longer renewed) or
      // whose withdrawal failed: withdrawn, so the ASN is cancelled or closed again as if nothing arrived (ADR 0029
      // addendum 2026-12-07). A statement on the admissions' index a run.
      { name: 'physical-tracking.arrival-admissions', everyMs: ARRIVAL_JOB_MS, run: async () => { await service.withdrawAbandonedArrivals(ARRIVAL_ABANDON_MS); } },
      // Cartons sealed before package.packed carried the SSCC (migration 011): given it, a few hundred a minute, until none are left.
      { name: 'physical-tracking.carton-ssccs', everyMs: 60_000, run: async () => { await service.backfillCartonSsccs(200); } },
    ],
    api,
  });
}
