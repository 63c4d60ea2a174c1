import type { PublishedEvent } from '../../../../contracts/events.ts';
import { DEFAULT_OWNER_ID, InventoryEvents, type StockShipped } from '../../../../contracts/inventory.ts';
import type { ShipmentDispatched } from '../../../../contracts/pack-ship.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { EventNotReady } from '../../../../platform/bus/not-ready.ts';
import { ok } from '../../../../platform/errors.ts';
import { skuThenLine, type BalanceKey, type PlannedMovement } from '../../domain/ledger.ts';
import { allocationLifecycle } from '../../domain/stock.ts';
import type { AllocationFacts } from '../allocate-order/decide.ts';
import type { AllocationChange, Release } from '../ledger-writes.ts';

/** An in-process balance of the order and the units it can still give. */
export interface ToteBalance {
  readonly key: BalanceKey;
  readonly free: number;
}

export interface ShipState {
  /** The order's allocation rows, locked. */
  readonly allocations: readonly AllocationFacts[];
  /** Per SKU, the order's in-process balances (its tote), locked, oldest lot first. */
  readonly tote: ReadonlyMap<string, readonly ToteBalance[]>;
}

export interface ShipDecision {
  readonly takes: readonly { readonly key: BalanceKey; readonly quantity: number }[];
  readonly allocationChanges: readonly AllocationChange[];
  readonly releases: readonly Release[];
  /** Per line, the SKU on-hand that leaves the site. */
  readonly onHand: readonly { readonly sku: string; readonly quantity: number }[];
  /** The order's owner: whose SKU stock `onHand` leaves (ADR 0028). */
  readonly ownerId: string;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
  readonly units: number;
}

/**
 * SHIP: the dispatched units leave the order's in-process balance and their allocation is released. Shipping more
 * than was picked is a broken invariant (pack & ship packs only picked units): thrown, not returned.
 */
export const decideShipment: Decide<ShipState, ShipmentDispatched, ShipDecision, never> = (state, shipment) => {
  const lines = [...shipment.lines].filter((l) => l.quantity > 0)
    .sort((a, b) => skuThenLine({ sku: a.sku, line: a.lineId }, { sku: b.sku, line: b.lineId }));
  const allocations = new Map(state.allocations.map((a) => [a.line_id, a]));
  const left = new Map([...state.tote].map(([sku, bs]) => [sku, bs.map((b) => ({ ...b }))]));
  const takes: ShipDecision['takes'][number][] = [];
  const allocationChanges: AllocationChange[] = [];
  const releases: Release[] = [];
  const movements: PlannedMovement[] = [];
  const perSku = new Map<string, number>();
  for (const line of lines) {
    let need = line.quantity;
    const firstMovement = movements.length;
    for (const b of left.get(line.sku) ?? []) {
      if (need === 0) break;
      const t = Math.min(need, b.free);
      if (t <= 0) continue;
      b.free -= t;
      takes.push({ key: b.key, quantity: t });
      const { siteId, ownerId, sku, locationId, lot } = b.key;
      movements.push({ type: 'SHIP', siteId, ownerId, sku, locationId, lot, deltaOnHand: -t, reference: shipment.shipmentId });
      need -= t;
    }
    if (need > 0) {
      // Pack & ship packs only picked units, so the picks exist: they come on picking's stream, the dispatch on pack &
      // ship's, and after a restart this consumer may hear of the dispatch first. Wait for them (the bus retries).
      const got = line.quantity - need;
      const what = `${line.quantity} ${line.sku}`;
      throw new EventNotReady(`shipment ${shipment.shipmentId} ships ${what} but only ${got} picks of ${shipment.orderId} have been heard of yet`);
    }
    const alloc = allocations.get(line.lineId);
    if (alloc !== undefined && alloc.status === 'ALLOCATED') {
      const release = Math.min(line.quantity, alloc.allocated);
      const remaining = alloc.allocated - release;
      const status = remaining === 0 ? 'SHIPPED' : 'ALLOCATED';
      allocationLifecycle.assertCan(alloc.status, status);
      const change = { orderId: alloc.order_id, lineId: alloc.line_id, allocated: remaining, shipped: alloc.shipped + line.quantity,
        status } as const;
      allocationChanges.push(change);
      allocations.set(line.lineId, { ...alloc, allocated: remaining, shipped: change.shipped, status });
      if (release > 0) {
        releases.push({ siteId: shipment.siteId, ownerId: alloc.owner_id, sku: line.sku, quantity: release });
        const m = movements[firstMovement];
        if (m !== undefined) movements[firstMovement] = { ...m, deltaAllocated: -release };
      }
    }
    perSku.set(line.sku, (perSku.get(line.sku) ?? 0) + line.quantity);
  }
  const data: StockShipped = {
    orderId: shipment.orderId, siteId: shipment.siteId, shipmentId: shipment.shipmentId, lines: [...perSku].map(([sku,
      quantity]) => ({ sku, quantity })),
  };
  return ok({
    takes, allocationChanges, releases, ownerId: takes[0]?.key.ownerId ?? state.allocations[0]?.owner_id ?? DEFAULT_OWNER_ID, onHand: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })), movements,
    events: [{ type: InventoryEvents.shipped, subject: shipment.orderId, siteId: shipment.siteId, data }],
    units: [...perSku.values()].reduce((a, b) => a + b, 0),
  });
};
