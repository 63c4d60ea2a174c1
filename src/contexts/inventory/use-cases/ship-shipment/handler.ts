import type { ShipmentDispatched } from '../../../../contracts/pack-ship.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { inProcessLocation } from '../../domain/stock.ts';
import * as store from '../../store.ts';
import { changeBalanceOrFail, changeSkuOnHandOrFail, record, saveAllocation } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { decideShipment, type ToteBalance } from './decide.ts';

/** On `pack-ship.shipment.dispatched`. Locks the order's allocation rows, then its tote's balances SKU by SKU. */
export function shipShipmentHandler(deps: PlatformDeps, counters: InventoryCounters) {
  return async (tx: Tx, shipment: ShipmentDispatched, meta: EventMeta): Promise<void> => {
    const allocations = await store.lockAllocations(tx, shipment.orderId);
    const tote = new Map<string, ToteBalance[]>();
    for (const sku of [...new Set(shipment.lines.filter((l) => l.quantity > 0).map((l) => l.sku))].sort()) {
      const rows = await store.lockInProcess(tx, shipment.siteId, sku, inProcessLocation(shipment.orderId));
      tote.set(sku, rows.map((b) => ({
        key: { siteId: b.site_id, ownerId: b.owner_id, sku: b.sku, locationId: b.location_id, lot: b.lot, status: b.status }, free: b.on_hand - b.reserved,
      })));
    }
    const d = unwrap(decideShipment({ allocations, tote }, shipment, deps.clock.now()));
    for (const t of d.takes) await changeBalanceOrFail(tx, t.key, -t.quantity, 0,
      `in-process balance of ${shipment.orderId} cannot give ${t.quantity}`);
    for (const c of d.allocationChanges) await saveAllocation(tx, c);
    for (const r of d.releases) await store.releaseAllocated(tx, r.siteId, r.ownerId, r.sku, r.quantity);
    for (const l of d.onHand) {
      await changeSkuOnHandOrFail(tx, shipment.siteId, d.ownerId, l.sku, -l.quantity, 0,
        `shipping ${l.quantity} ${l.sku} would take SKU stock below allocated`);
    }
    await record(tx, deps, d.movements, d.events, meta);
    tx.afterCommit(() => counters.shipped.inc(d.units));
  };
}
