import type { ShipmentDispatched } from '../../../../contracts/pack-ship.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { stockKey, type BalanceKey } from '../../domain/ledger.ts';
import { inProcessLocation } from '../../domain/stock.ts';
import * as serialStore from '../../serial-store.ts';
import * as store from '../../store.ts';
import { record } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { decideShipment, type ToteBalance } from './decide.ts';

/**
 * On `pack-ship.shipment.dispatched`. Locks the order's allocation rows, then its tote's balances SKU by SKU (one
 * statement), decides, and writes balances, allocations and SKU stock in one statement, then the ledger and the event.
 */
export function shipShipmentHandler(deps: PlatformDeps, counters: InventoryCounters) {
  return async (tx: Tx, shipment: ShipmentDispatched, meta: EventMeta): Promise<void> => {
    const allocations = await store.lockAllocations(tx, shipment.orderId);
    const skus = [...new Set(shipment.lines.filter((l) => l.quantity > 0).map((l) => l.sku))].sort();
    const tote = new Map<string, ToteBalance[]>(skus.map((sku) => [sku, []]));
    for (const b of await store.lockInProcessOfSkus(tx, shipment.siteId, skus, inProcessLocation(shipment.orderId))) {
      tote.get(b.sku)?.push({
        key: { siteId: b.site_id, ownerId: b.owner_id, sku: b.sku, locationId: b.location_id, lot: b.lot, status: b.status }, free: b.on_hand - b.reserved,
      });
    }
    const d = unwrap(decideShipment({ allocations, tote }, shipment, deps.clock.now()));
    // One statement for the decision's writes: summed per balance and per SKU row, the last state of each allocation.
    const takes = new Map<string, { key: BalanceKey; deltaOnHand: number }>();
    for (const t of d.takes) {
      const k = store.balanceKeyOf(t.key);
      takes.set(k, { key: t.key, deltaOnHand: (takes.get(k)?.deltaOnHand ?? 0) - t.quantity });
    }
    const allocationChanges = new Map(d.allocationChanges.map((c) => [`${c.orderId}\u0000${c.lineId}`, c]));
    const stock = new Map<string, { siteId: string; ownerId: string; sku: string; released: number; shipped: number }>();
    const sku = (ownerId: string, s: string) => {
      const k = stockKey(ownerId, s);
      const row = stock.get(k) ?? { siteId: shipment.siteId, ownerId, sku: s, released: 0, shipped: 0 };
      stock.set(k, row);
      return row;
    };
    for (const r of d.releases) sku(r.ownerId, r.sku).released += r.quantity;
    for (const l of d.onHand) sku(d.ownerId, l.sku).shipped += l.quantity;
    const shipping = [...stock.values()].filter((s) => s.shipped > 0).length;
    const written = await store.writeShipment(tx, [...takes.values()], [...allocationChanges.values()], [...stock.values()]);
    if (written.balances !== takes.size) throw new Error(`in-process balances of ${shipment.orderId} cannot give what shipment ${shipment.shipmentId} ships`);
    if (written.shipped !== shipping) throw new Error(`shipment ${shipment.shipmentId} would take SKU stock below allocated`);
    await record(tx, deps, d.movements, d.events, meta);
    // Serial-controlled units of the order (ADR 0058): as many PICKED as the shipment ships of each SKU are SHIPPED in it.
    await serialStore.markShipped(tx, {
      siteId: shipment.siteId, orderId: shipment.orderId, shipmentId: shipment.shipmentId, at: deps.clock.now(),
      lines: d.onHand.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    });
    tx.afterCommit(() => counters.shipped.inc(d.units));
  };
}
