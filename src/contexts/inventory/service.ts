import type { CatalogApi } from '../../contracts/catalog.ts';
import type { LocationBalance, OpenCountAt } from '../../contracts/inventory.ts';
import { resolveLocationId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { isoDate } from './domain/ledger.ts';
import { fromLotKey, isInProcess } from './domain/stock.ts';
import * as store from './store.ts';
import { adjustHandler } from './use-cases/adjust/handler.ts';
import { applyStockCountsHandler } from './use-cases/apply-counts/handler.ts';
import { allocateOrdersHandler } from './use-cases/allocate-order/handler.ts';
import { changeOrderLinesHandler } from './use-cases/change-order-lines/handler.ts';
import { cancelReturnHandler } from './use-cases/cancel-return/handler.ts';
import { confirmReturnHandler } from './use-cases/confirm-return/handler.ts';
import { deallocateOrderHandler } from './use-cases/deallocate-order/handler.ts';
import { inventoryCounters } from './use-cases/metrics.ts';
import { moveStockHandler } from './use-cases/move-stock/handler.ts';
import { pickLineHandler, pickLinesHandler } from './use-cases/pick-line/handler.ts';
import { receiveHandler } from './use-cases/receive/handler.ts';
import { reserveWaveHandler } from './use-cases/reserve-wave/handler.ts';
import { retryShortRecoveriesHandler } from './use-cases/recover-short/handler.ts';
import { retryBackordersHandler } from './use-cases/retry-backorders/handler.ts';
import { shipShipmentHandler } from './use-cases/ship-shipment/handler.ts';
import { shortLineHandler } from './use-cases/short-line/handler.ts';
import { writeOffAtPackHandler } from './use-cases/write-off-at-pack/handler.ts';
import { abandonCountsAtDeactivatedHandler, decideCountHandler } from './use-cases/decide-count/handler.ts';
import { holdStockHandler } from './use-cases/hold-stock/handler.ts';
import { requestCountsHandler } from './use-cases/open-counts/handler.ts';
import { countPolicyHandler } from './use-cases/count-policy/handler.ts';
import { releaseHoldHandler } from './use-cases/release-hold/handler.ts';
import { scheduleCountsHandler } from './use-cases/schedule-counts/handler.ts';
import { submitCountHandler } from './use-cases/submit-count/handler.ts';
import { stockAsOfHandler } from './use-cases/stock-as-of/handler.ts';
import { setSafetyStockHandler } from './use-cases/set-safety-stock/handler.ts';
import { stockHistory } from './history.ts';

/**
 * The stock ledger's commands, event reactions and promise queries, composed from its use cases
 * (`use-cases/<name>/`: a pure decider beside the handler that loads, decides and writes).
 */
export function inventoryService(deps: PlatformDeps, apis: { catalog: CatalogApi; locations: LocationMasterApi }) {
  const counters = inventoryCounters(deps.metrics);
  const today = (): string => isoDate(deps.clock.now());

  /**
   * What can be promised: AVAILABLE on-hand that can be picked (not at receiving, docks, blocked…), unexpired,
   * unallocated, above the safety stock (ADR 0057). Of one owner, or per SKU summed over the owners (each owner's ATP counted apart: one owner's free
   * units never make up for another's allocations, ADR 0028).
   */
  async function atp(siteId: string, skus: readonly string[] | null, ownerId: string | null = null): Promise<{
    sku: string; onHandAvailable: number; unpickable: number; allocated: number; expired: number; safetyStock: number; atp: number;
  }[]> {
    const rows = await store.skuStock(deps.db, siteId, ownerId, skus);
    // One query per owner for every SKU's expired units, not one per SKU (a site-wide ATP covers every SKU of the site).
    const expired = new Map<string, Map<string, number>>();
    for (const owner of [...new Set(rows.map((r) => r.owner_id))]) expired.set(owner, await store.expiredFreeBySku(deps.db, siteId, owner, skus, today()));
    const bySku = new Map<string, { sku: string; onHandAvailable: number; unpickable: number; allocated: number; expired: number; safetyStock: number; atp: number }>();
    for (const r of rows) {
      const e = expired.get(r.owner_id)?.get(r.sku) ?? 0;
      const s = bySku.get(r.sku) ?? { sku: r.sku, onHandAvailable: 0, unpickable: 0, allocated: 0, expired: 0, safetyStock: 0, atp: 0 };
      bySku.set(r.sku, {
        sku: r.sku, onHandAvailable: s.onHandAvailable + r.on_hand_available, unpickable: s.unpickable + r.unpickable,
        allocated: s.allocated + r.allocated, expired: s.expired + e, safetyStock: s.safetyStock + r.safety_stock,
        atp: s.atp + Math.max(0, r.on_hand_available - r.unpickable - r.allocated - e - r.safety_stock),
      });
    }
    return [...bySku.values()];
  }

  /** Where each SKU would most likely be reserved from (a read-only hint for wave batching; see InventoryApi). */
  async function candidateLocations(siteId: string, skus: readonly string[]): Promise<Map<string, string>> {
    if (skus.length === 0) return new Map();
    const rows = await store.candidateLocations(deps.db, siteId, skus, today());
    return new Map(rows.map((r) => [r.sku, r.location_id]));
  }

  /** On-hand per location, SKU, lot and owner at the given locations (see InventoryApi.locationBalances). */
  async function locationBalances(siteId: string, locationIds: readonly string[]): Promise<LocationBalance[]> {
    if (locationIds.length === 0) return [];
    const rows = await store.locationBalances(deps.db, siteId, locationIds);
    return rows.map((r) => ({ locationId: r.location_id, sku: r.sku, lot: fromLotKey(r.lot), ownerId: r.owner_id, onHand: r.on_hand }));
  }

  /** The open counts at the given locations of a site (see InventoryApi.openCountsAt). */
  async function openCountsAt(siteId: string, locationIds: readonly string[]): Promise<OpenCountAt[]> {
    const rows = await store.openCountsAt(deps.db, locationIds);
    return rows.filter((r) => r.site_id === siteId).map((r) => ({ locationId: r.location_id, countId: r.id }))
      .sort((a, b) => (a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : a.countId < b.countId ? -1 : a.countId > b.countId ? 1 : 0));
  }

  /**
   * The location a list's `locationId` filter names (balances, holds, as-of), by id or by code at the site as commands
   * take it, kept as its id (undefined: no filter); an order's in-process pseudo-location (IN_PROCESS:<orderId>) is kept
   * as given. Neither an id nor a code of the site: 422 UNKNOWN_LOCATION on `field`.
   */
  async function locationFilter(siteId: string, ref: string | undefined, field = '/querystring/locationId'): Promise<Outcome<string | undefined>> {
    if (ref === undefined || isInProcess(ref)) return ok(ref);
    return resolveLocationId(apis.locations, siteId, ref, field);
  }

  /**
   * A read's `sku` filter (atp, balances, holds, ledger, summary, as-of, counts, replenishment lists) whose first page came
   * back empty: a SKU the catalogue does not know is 422 UNKNOWN_SKU on `field`, as an unknown location is UNKNOWN_LOCATION,
   * so a mistyped SKU is not answered "none in stock". A product in the catalogue with nothing at the site answers empty,
   * a deactivated one too (reads take any entity, ADR 0045). The catalogue is asked only when the answer is empty (no
   * extra query otherwise, and a SKU the ledger knows stays queryable whatever the catalogue says).
   */
  async function unknownSku(sku: string | undefined, empty: boolean, field = '/querystring/sku'): Promise<Outcome<true, 'UNKNOWN_SKU'>> {
    if (sku === undefined || !empty) return ok(true);
    if ((await apis.catalog.getBySkus([sku])).has(sku)) return ok(true);
    return reject('UNKNOWN_SKU', `Unknown SKU ${sku}`, [{ field, message: 'is not the SKU of a product' }]);
  }

  return {
    unknownSku,
    receive: receiveHandler(deps, apis, counters),
    adjust: adjustHandler(deps, apis, counters),
    applyStockCounts: applyStockCountsHandler(deps, apis, counters),
    moveStock: moveStockHandler(deps, apis),
    confirmReturn: confirmReturnHandler(deps, apis),
    cancelReturn: cancelReturnHandler(deps),
    atp,
    candidateLocations,
    locationBalances,
    openCountsAt,
    locationFilter,
    allocateOrders: allocateOrdersHandler(deps, counters),
    deallocateOrder: deallocateOrderHandler(deps),
    changeOrderLines: changeOrderLinesHandler(deallocateOrderHandler(deps), allocateOrdersHandler(deps, counters)),
    retryBackorders: retryBackordersHandler(deps, counters),
    retryShortRecoveries: retryShortRecoveriesHandler(deps, counters),
    reserveWave: reserveWaveHandler(deps, counters),
    pickLine: pickLineHandler(deps, counters),
    /** `pickLine` for a run of picks, in one statement per kind of write (ADR 0043). */
    pickLines: pickLinesHandler(deps, counters),
    shortLine: shortLineHandler(deps, counters),
    shipShipment: shipShipmentHandler(deps, counters),
    /** Picked units found missing or damaged at packing leave the order's tote (`pack-ship.units.short-at-pack`). */
    writeOffAtPack: writeOffAtPackHandler(deps),
    // Stock control (issue 11): holds and cycle counts.
    holdStock: holdStockHandler(deps, apis),
    releaseHold: releaseHoldHandler(deps, apis),
    requestCounts: requestCountsHandler(deps, apis.locations),
    putCountPolicy: countPolicyHandler(deps, apis),
    /** A SKU's safety stock at a site (ADR 0057): units allocation never promises. */
    setSafetyStock: setSafetyStockHandler(deps, apis),
    submitCount: submitCountHandler(deps, apis.catalog),
    decideCount: decideCountHandler(deps, apis.catalog),
    /** A deactivation heard: counts still open there are abandoned (`abandonCountsAtDeactivatedHandler`). */
    abandonCountsAtDeactivated: abandonCountsAtDeactivatedHandler(deps),
    scheduleCounts: scheduleCountsHandler(deps),
    stockAsOf: stockAsOfHandler(deps),
    history: stockHistory(deps),
  };
}

export type InventoryService = ReturnType<typeof inventoryService>;
