import type { PackShipApi } from '../../contracts/pack-ship.ts';
import type { PickingApi } from '../../contracts/picking.ts';
import { defineContext, siteOfRow, type ContextWithApi, type PlatformDeps } from '../../platform/module.ts';
import { pickingRoutes } from './http.ts';
import { pickingService } from './service.ts';
import { pickStore } from './store.ts';
import { pickingProjections, pickingSubscriptions } from './subscriptions.ts';

/**
 * picking: pick lists from reservations, scan confirmations, short picks. It requires no other context's API: what
 * it needs of orders, the catalog and the location master it keeps from their events — but a floor action asks pack &
 * ship, where a cancel is decided, whether the line's order was cancelled (when it can reach it). Its API (PickingApi)
 * tells tasks whether a pick list still has open lines, and stops an order's picking when orders cancels it.
 */
export function pickingContext(deps: PlatformDeps, apis: { packShip?: Pick<PackShipApi, 'stoppedOrders'> | undefined } = {}): ContextWithApi<PickingApi> {
  const picking = pickingService(deps, apis.packShip === undefined ? {} : { packShip: apis.packShip });
  const api: PickingApi = {
    pickListProgress: (id) => picking.progress(id),
    // The cancel's own transaction: the handler of `orders.order.cancelled` then finds nothing left to cancel.
    stopPicking: (orderId, meta) => deps.db.tx((tx) => picking.orderCancelled(tx, orderId, meta)),
  };
  return defineContext({
    name: 'picking',
    schema: 'picking',
    migrations: new URL('./migrations/', import.meta.url),
    routes: (app) => pickingRoutes(app, deps, picking),
    sitesOf: { pkl: siteOfRow(deps.db, 'picking.pick_lists') },
    // `tote:<orderId>:<label>` (an LPN holding an order's units, heldTaskGuard): the worker whose live pick list of the
    // order is filling that tote.
    workerHolding: async (reference) => {
      const m = /^tote:([^:]+):(.+)$/s.exec(reference);
      return m === null ? undefined : pickStore.toteFiller(deps.db, m[1]!, m[2]!);
    },
    subscriptions: pickingSubscriptions(picking),
    // Rebuildable with `paklog replay picking` (docs/operations/distributed.md, Rebuilding projections).
    projections: pickingProjections(picking),
    api,
  });
}
