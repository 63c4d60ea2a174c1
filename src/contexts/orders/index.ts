import type { CatalogApi } from '../../contracts/catalog.ts';
import { DEFAULT_OWNER_ID, type InventoryApi } from '../../contracts/inventory.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import type { OrderCommands, OrderIntake } from '../../contracts/orders.ts';
import type { PackShipApi } from '../../contracts/pack-ship.ts';
import type { PickingApi } from '../../contracts/picking.ts';
import type { WavesApi } from '../../contracts/waves.ts';
import { defineContext, siteOfRow, type ContextModule, type PlatformDeps } from '../../platform/module.ts';
import { DEFAULT_CARRIER, DEFAULT_PRIORITY, type NewOrder } from './domain/order.ts';
import { orderRoutes } from './http.ts';
import { orderService } from './service.ts';
import { orderIdByExternalId, orderShipBy } from './store.ts';
import { orderSubscriptions } from './subscriptions.ts';

/** orders: fulfilment orders, idempotent intake, and a lifecycle that follows the floor through events. */
export function ordersContext(
  deps: PlatformDeps,
  apis: {
    catalog: CatalogApi; inventory: InventoryApi; locations: LocationMasterApi; packShip: PackShipApi; waves: WavesApi;
    /** Picking, where this process runs it or reaches it (asked lazily: picking is composed after orders). */
    picking?: (() => Pick<PickingApi, 'stopPicking'> | undefined) | undefined;
  },
): ContextModule & { readonly commands: OrderCommands } {
  const service = orderService(deps, apis.catalog, apis.locations, apis.packShip, apis.waves, apis.picking);
  /** An intake as the orders command takes it: the intake's defaults filled in. */
  const newOrder = (order: OrderIntake): NewOrder => ({
    externalId: order.externalId, siteId: order.siteId, carrier: order.carrier ?? DEFAULT_CARRIER, priority: order.priority ?? DEFAULT_PRIORITY,
    shipBy: null, shipTo: order.shipTo, shipComplete: false, lines: order.lines,
    // A storefront's orders are the default owner's until channels name an owner (ADR 0028, 0034).
    ownerId: DEFAULT_OWNER_ID,
  });
  const commands: OrderCommands = {
    async receive(order, meta) {
      const outcome = await service.receive(newOrder(order), meta);
      return outcome.ok ? { ok: true, value: { orderId: outcome.value.order.id, status: outcome.value.order.status, created: outcome.value.created } } : outcome;
    },
    check: (order) => service.check(newOrder(order)),
    async update(order, meta) {
      const outcome = await service.update({
        externalId: order.externalId, siteId: order.siteId, carrier: order.carrier ?? DEFAULT_CARRIER, priority: order.priority ?? DEFAULT_PRIORITY,
        shipBy: null, shipTo: order.shipTo, shipComplete: false, lines: order.lines, ownerId: DEFAULT_OWNER_ID,
      }, meta);
      return outcome.ok ? { ok: true, value: { orderId: outcome.value.order.id, status: outcome.value.order.status, changed: outcome.value.changed } } : outcome;
    },
    orderIdOf: (externalId, siteId) => orderIdByExternalId(deps.db, externalId, siteId),
    shipByOf: (orderId) => orderShipBy(deps.db, orderId),
    async cancel(orderId, reason, meta) {
      const outcome = await service.cancel(orderId, reason, undefined, meta);
      return outcome.ok ? { ok: true, value: { orderId: outcome.value.id, status: outcome.value.status } } : outcome;
    },
    async reprioritise(orderId, priority, meta) {
      const outcome = await service.reprioritise(orderId, priority, meta);
      return outcome.ok ? { ok: true, value: { orderId: outcome.value.id, priority: outcome.value.priority } } : outcome;
    },
  };
  // Open orders by status for the business dashboard, counted at scrape from the (status, site_id, id) index.
  deps.metrics.gauge('paklog_orders_open', 'Orders not yet shipped or cancelled, by status', ['status'], async (g) => {
    const rows = await deps.db.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM orders.orders WHERE status NOT IN ('SHIPPED', 'DELIVERED', 'CANCELLED') GROUP BY status`);
    g.reset();
    for (const r of rows) g.set({ status: r.status }, Number(r.n));
  });
  const module = defineContext({
    name: 'orders',
    schema: 'orders',
    migrations: new URL('./migrations/', import.meta.url),
    requires: apis,
    routes: orderRoutes(deps, service, apis.locations, apis.inventory),
    sitesOf: { ord: siteOfRow(deps.db, 'orders.orders') },
    subscriptions: orderSubscriptions(service),
  });
  return { ...module, commands };
}
