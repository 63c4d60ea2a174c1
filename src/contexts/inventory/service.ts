import type { CatalogApi } from '../../contracts/catalog.ts';
import {
  InventoryEvents, type AdjustmentReason, type AllocationLine, type Reservation, type StockAdjusted, type StockAllocated,
  type StockDeallocated, type StockReceived, type StockReserved, type StockReturned, type StockShipped,
} from '../../contracts/inventory.ts';
import type { Location, LocationMasterApi } from '../../contracts/location-master.ts';
import type { OrderCancelled, OrderReceived } from '../../contracts/orders.ts';
import type { ShipmentDispatched } from '../../contracts/pack-ship.ts';
import type { LineShorted, LinePicked } from '../../contracts/picking.ts';
import type { WaveReleased } from '../../contracts/waves.ts';
import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import type { Tx } from '../../platform/db/database.ts';
import { AppError, ok, reject, type FieldError, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import {
  allocationLifecycle, fromLotKey, inProcessLocation, isExpired, openQuantity, reservationLifecycle, reservationStatusAfter,
  shortRemovesStock, toLotKey, type FreedStock,
} from './domain/stock.ts';
import { isPickable } from './domain/pickability.ts';
import type { ReservationCandidate } from './domain/reservation-policy.ts';
import { planWaveReservations, type SkuSupply, type WaveLine } from './domain/wave-reservation.ts';
import { learnLocation, lockPickable } from './pickability.ts';
import * as store from './store.ts';

const CONTEXT = 'inventory';
/** Movement reason of units picked for an order that was cancelled, put back where they were picked. */
const RETURN_TO_STOCK = 'RETURN_TO_STOCK';

type DeallocatedLine = StockDeallocated['lines'][number];

export interface LocationRef {
  readonly siteId: string;
  readonly locationId?: string | undefined;
  readonly locationCode?: string | undefined;
}

export interface ReceiptInput extends LocationRef {
  readonly sku: string;
  readonly quantity: number;
  readonly lot?: string | undefined;
  readonly expiresOn?: string | undefined;
}

export interface AdjustmentInput extends LocationRef {
  readonly sku: string;
  readonly lot?: string | undefined;
  readonly delta: number;
  readonly reason: AdjustmentReason;
}

export interface BalanceView {
  readonly siteId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly status: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  readonly expiresOn: string | null;
  readonly firstReceivedAt: string;
}

export interface StockChangeResult {
  readonly movementId: string;
  readonly siteId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly quantity: number;
  readonly balance: BalanceView;
}

/** A business rejection raised inside a transaction: it rolls the transaction back and becomes an Outcome. */
class Rejected extends Error {
  constructor(readonly outcome: Outcome<never>) {
    super(outcome.ok ? 'rejected' : outcome.message);
  }
}

const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

export function balanceView(b: store.BalanceRow): BalanceView {
  return {
    siteId: b.site_id, sku: b.sku, locationId: b.location_id, lot: fromLotKey(b.lot), status: b.status,
    onHand: b.on_hand, reserved: b.reserved, available: b.on_hand - b.reserved, expiresOn: b.expires_on,
    firstReceivedAt: b.first_received_at.toISOString(),
  };
}

/** Commands, queries and event reactions of the stock ledger. */
export function inventoryService(deps: PlatformDeps, apis: { catalog: CatalogApi; locations: LocationMasterApi }) {
  const counters = {
    received: deps.metrics.counter('paklog_inventory_units_received_total', 'Units received into stock'),
    adjusted: deps.metrics.counter('paklog_inventory_units_adjusted_total', 'Units changed by adjustments (absolute)'),
    allocated: deps.metrics.counter('paklog_inventory_units_allocated_total', 'Units allocated to order lines'),
    backordered: deps.metrics.counter('paklog_inventory_lines_backordered_total', 'Order lines that could not be allocated'),
    reserved: deps.metrics.counter('paklog_inventory_units_reserved_total', 'Units reserved at locations for released waves'),
    picked: deps.metrics.counter('paklog_inventory_units_picked_total', 'Units picked'),
    shorted: deps.metrics.counter('paklog_inventory_units_shorted_total', 'Units short-picked'),
    shipped: deps.metrics.counter('paklog_inventory_units_shipped_total', 'Units shipped'),
  };

  function todayIso(): string {
    return isoDate(deps.clock.now());
  }

  // ---------------------------------------------------------------- edge validation shared by commands

  async function resolveLocation(ref: LocationRef): Promise<Outcome<Location>> {
    const field = ref.locationId !== undefined ? '/locationId' : '/locationCode';
    if ((ref.locationId === undefined) === (ref.locationCode === undefined)) {
      return reject('VALIDATION_FAILED', 'Give exactly one of locationId and locationCode', [{ field: '/locationId', message: 'give exactly one of locationId and locationCode' }]);
    }
    const location = ref.locationId !== undefined
      ? (await apis.locations.getLocations([ref.locationId])).get(ref.locationId)
      : await apis.locations.getLocationByCode(ref.siteId, ref.locationCode ?? '');
    if (location === undefined || location.siteId !== ref.siteId) {
      return reject('UNKNOWN_LOCATION', `No location ${ref.locationId ?? ref.locationCode} at site ${ref.siteId}`, [{ field, message: 'unknown location at this site' }]);
    }
    return ok(location);
  }

  async function run<T>(fn: (tx: Tx) => Promise<T>): Promise<Outcome<T>> {
    try {
      return ok(await deps.db.tx(fn));
    } catch (e) {
      if (e instanceof Rejected) return e.outcome;
      throw e;
    }
  }

  // ---------------------------------------------------------------- commands

  /** A receipt: validated against catalog and location master, then one RECEIPT movement onto an AVAILABLE balance. */
  async function receive(input: ReceiptInput, meta: EventMeta): Promise<Outcome<StockChangeResult>> {
    const errors: FieldError[] = [];
    if (!Number.isInteger(input.quantity) || input.quantity <= 0) errors.push({ field: '/quantity', message: 'must be a positive integer' });
    // Year 0000 passes the pattern but PostgreSQL has no year zero: refused here rather than failing the insert.
    if (input.expiresOn !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(input.expiresOn) || input.expiresOn.startsWith('0000'))) errors.push({ field: '/expiresOn', message: 'must be a date (YYYY-MM-DD)' });
    if (errors.length > 0) return reject('VALIDATION_FAILED', 'The receipt is not valid', errors);

    const product = (await apis.catalog.getBySkus([input.sku])).get(input.sku);
    if (product === undefined) return reject('UNKNOWN_SKU', `Unknown SKU ${input.sku}`, [{ field: '/sku', message: 'unknown SKU' }]);
    const located = await resolveLocation(input);
    if (!located.ok) return located;
    const location = located.value;
    if (location.status !== 'ACTIVE') {
      return reject('LOCATION_NOT_ACTIVE', `Location ${location.code} is ${location.status}`, [{ field: input.locationId !== undefined ? '/locationId' : '/locationCode', message: `location is ${location.status}` }]);
    }
    if (product.lotControlled && (input.lot === undefined || input.lot === '')) errors.push({ field: '/lot', message: 'required: the product is lot-controlled' });
    if (product.expiryControlled && input.expiresOn === undefined) errors.push({ field: '/expiresOn', message: 'required: the product is expiry-controlled' });
    if (errors.length > 0) return reject('UNPROCESSABLE', 'The receipt misses lot or expiry data', errors);

    const lot = toLotKey(input.lot);
    const expiresOn = input.expiresOn ?? null;
    const movementId = deps.ids.next('mov');
    const result = await run(async (tx) => {
      const key = { siteId: input.siteId, sku: input.sku, locationId: location.id, lot, status: 'AVAILABLE' as const };
      const { pickable, events: learned } = await learnLocation(tx, location);
      const balance = await store.addOnHand(tx, key, input.quantity, expiresOn);
      await store.changeSkuOnHand(tx, input.siteId, input.sku, input.quantity, pickable ? 0 : input.quantity);
      await store.insertMovements(tx, [{ id: movementId, type: 'RECEIPT', siteId: input.siteId, sku: input.sku, locationId: location.id, lot, deltaOnHand: input.quantity, reference: movementId }]);
      const data: StockReceived = { siteId: input.siteId, sku: input.sku, locationId: location.id, lot: fromLotKey(lot), expiresOn, quantity: input.quantity, movementId };
      await deps.bus.append(tx, CONTEXT, [...learned, { type: InventoryEvents.received, subject: input.sku, siteId: input.siteId, data }], meta);
      return { movementId, siteId: input.siteId, sku: input.sku, locationId: location.id, lot: fromLotKey(lot), quantity: input.quantity, balance: balanceView(balance) };
    });
    if (result.ok) counters.received.inc(input.quantity);
    return result;
  }

  /** An adjustment with a reason; a negative one never takes on-hand below reserved nor SKU stock below allocated. */
  async function adjust(input: AdjustmentInput, meta: EventMeta): Promise<Outcome<StockChangeResult>> {
    if (!Number.isInteger(input.delta) || input.delta === 0) return reject('VALIDATION_FAILED', 'The adjustment is not valid', [{ field: '/delta', message: 'must be a non-zero integer' }]);
    const product = (await apis.catalog.getBySkus([input.sku])).get(input.sku);
    if (product === undefined) return reject('UNKNOWN_SKU', `Unknown SKU ${input.sku}`, [{ field: '/sku', message: 'unknown SKU' }]);
    const located = await resolveLocation(input);
    if (!located.ok) return located;
    const location = located.value;
    const lot = toLotKey(input.lot);
    const key = { siteId: input.siteId, sku: input.sku, locationId: location.id, lot, status: 'AVAILABLE' as const };
    const movementId = deps.ids.next('mov');
    const result = await run(async (tx) => {
      const { pickable, events: learned } = await learnLocation(tx, location);
      let balance: store.BalanceRow;
      if (input.delta > 0) {
        balance = await store.addOnHand(tx, key, input.delta, null);
      } else {
        const changed = await store.changeBalance(tx, key, input.delta, 0);
        if (changed === undefined) {
          throw new Rejected(reject('INSUFFICIENT_STOCK', `Removing ${-input.delta} would take on-hand below reserved (or below zero) at ${location.code}`, [{ field: '/delta', message: 'more than the unreserved on-hand' }]));
        }
        balance = changed;
      }
      const sku = await store.changeSkuOnHand(tx, input.siteId, input.sku, input.delta, pickable ? 0 : input.delta);
      if (sku === undefined) {
        throw new Rejected(reject('INSUFFICIENT_STOCK', `Removing ${-input.delta} would take ${input.sku} below what is allocated to orders`, [{ field: '/delta', message: 'more than the unallocated on-hand' }]));
      }
      await store.insertMovements(tx, [{ id: movementId, type: 'ADJUST', siteId: input.siteId, sku: input.sku, locationId: location.id, lot, deltaOnHand: input.delta, reason: input.reason, reference: movementId }]);
      const data: StockAdjusted = { siteId: input.siteId, sku: input.sku, locationId: location.id, lot: fromLotKey(lot), delta: input.delta, reason: input.reason, movementId };
      await deps.bus.append(tx, CONTEXT, [...learned, { type: InventoryEvents.adjusted, subject: input.sku, siteId: input.siteId, data }], meta);
      return { movementId, siteId: input.siteId, sku: input.sku, locationId: location.id, lot: fromLotKey(lot), quantity: input.delta, balance: balanceView(balance) };
    });
    if (result.ok) counters.adjusted.inc(Math.abs(input.delta));
    return result;
  }

  // ---------------------------------------------------------------- queries

  /** What can be promised: AVAILABLE on-hand that can be picked (not at receiving, docks, blocked…), unexpired, unallocated. */
  async function atp(siteId: string, skus: readonly string[] | null): Promise<{ sku: string; onHandAvailable: number; unpickable: number; allocated: number; expired: number; atp: number }[]> {
    const rows = await store.skuStock(deps.db, siteId, skus);
    // One query for every SKU's expired units, not one per SKU (a site-wide ATP covers every SKU of the site).
    const expiredBySku = await store.expiredFreeBySku(deps.db, siteId, skus, todayIso());
    return rows.map((r) => {
      const expired = expiredBySku.get(r.sku) ?? 0;
      return {
        sku: r.sku, onHandAvailable: r.on_hand_available, unpickable: r.unpickable, allocated: r.allocated, expired,
        atp: Math.max(0, r.on_hand_available - r.unpickable - r.allocated - expired),
      };
    });
  }

  /** Where each SKU would most likely be reserved from (a read-only hint for wave batching; see InventoryApi). */
  async function candidateLocations(siteId: string, skus: readonly string[]): Promise<Map<string, string>> {
    if (skus.length === 0) return new Map();
    const rows = await store.candidateLocations(deps.db, siteId, skus, todayIso());
    return new Map(rows.map((r) => [r.sku, r.location_id]));
  }

  // ---------------------------------------------------------------- reactions (each runs in the inbox transaction `tx`)

  /** Allocates each line all-or-nothing, in SKU order, with a conditional update per line. */
  async function allocateOrder(tx: Tx, order: OrderReceived, meta: EventMeta): Promise<void> {
    const existing = await store.lockAllocations(tx, order.orderId);
    // Cancelled before we saw it (or already handled under another event id): nothing to allocate.
    if (existing.some((r) => r.status === 'CANCELLED')) return;
    // Claim the lines first: a line is allocated at most once, even if the order arrives twice under two event ids.
    const claimed = await store.insertAllocations(tx, order.lines.map((l) => ({
      order_id: order.orderId, line_id: l.lineId, site_id: order.siteId, sku: l.sku, requested: l.quantity, allocated: 0, status: 'BACKORDERED' as const,
    })));
    if (claimed.length === 0) return;
    const today = todayIso();
    const allocatedByLine = new Map<string, number>();
    const movements: store.NewMovement[] = [];
    const bySku = [...claimed].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.line_id < b.line_id ? -1 : 1));
    for (const line of bySku) {
      if (line.requested <= 0) continue;
      // Queues behind a stock change in flight, so a line backordered here is seen by the retry that change triggers.
      await store.lockSkuStock(tx, order.siteId, line.sku);
      const expired = await store.expiredFreeQuantity(tx, order.siteId, line.sku, today);
      const won = await store.tryAllocate(tx, order.siteId, line.sku, line.requested, expired);
      if (!won) continue;
      allocatedByLine.set(line.line_id, line.requested);
      allocationLifecycle.assertCan(line.status, 'ALLOCATED');
      await store.updateAllocation(tx, order.orderId, line.line_id, line.requested, 0, 'ALLOCATED');
      movements.push({ id: deps.ids.next('mov'), type: 'ALLOCATE', siteId: order.siteId, sku: line.sku, locationId: null, lot: '', deltaAllocated: line.requested, reference: order.orderId });
    }
    await store.insertMovements(tx, movements);
    const claimedIds = new Set(claimed.map((c) => c.line_id));
    const lines: AllocationLine[] = order.lines.filter((l) => claimedIds.has(l.lineId)).map((l) => ({
      lineId: l.lineId, sku: l.sku, requested: l.quantity, allocated: allocatedByLine.get(l.lineId) ?? 0,
    }));
    const data: StockAllocated = { orderId: order.orderId, siteId: order.siteId, lines, complete: lines.every((l) => l.allocated === l.requested) };
    await deps.bus.append(tx, CONTEXT, [{ type: InventoryEvents.allocated, subject: order.orderId, siteId: order.siteId, data }], meta);
    const units = [...allocatedByLine.values()].reduce((a, b) => a + b, 0);
    const backordered = lines.filter((l) => l.allocated === 0).length;
    tx.afterCommit(() => {
      counters.allocated.inc(units);
      counters.backordered.inc(backordered);
    });
  }

  /** Undoes exactly what the order still holds: its allocations and any open reservations. */
  async function deallocateOrder(tx: Tx, cancel: OrderCancelled, meta: EventMeta): Promise<void> {
    const rows = await store.lockAllocations(tx, cancel.orderId);
    const movements: store.NewMovement[] = [];
    const released: { lineId: string; sku: string; quantity: number }[] = [];
    const bySku = [...rows].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.line_id < b.line_id ? -1 : 1));
    for (const r of bySku) {
      if (r.status === 'CANCELLED' || r.status === 'SHIPPED') continue;
      if (r.allocated > 0) {
        await store.releaseAllocated(tx, r.site_id, r.sku, r.allocated);
        movements.push({ id: deps.ids.next('mov'), type: 'DEALLOCATE', siteId: r.site_id, sku: r.sku, locationId: null, lot: '', deltaAllocated: -r.allocated, reason: 'ORDER_CANCELLED', reference: cancel.orderId });
        released.push({ lineId: r.line_id, sku: r.sku, quantity: r.allocated });
      }
      allocationLifecycle.assertCan(r.status, 'CANCELLED');
      await store.updateAllocation(tx, r.order_id, r.line_id, 0, r.shipped, 'CANCELLED');
    }
    // Lines never seen (the cancel overtook the order): a tombstone keeps a late order-received from allocating them.
    const known = new Set(rows.map((r) => r.line_id));
    await store.insertAllocations(tx, cancel.lines.filter((l) => !known.has(l.lineId)).map((l) => ({
      order_id: cancel.orderId, line_id: l.lineId, site_id: cancel.siteId, sku: l.sku, requested: l.quantity, allocated: 0, status: 'CANCELLED' as const,
    })));
    for (const r of await store.lockOpenReservationsOfOrder(tx, cancel.orderId)) {
      const open = openQuantity(r);
      if (open > 0) {
        const key = { siteId: r.site_id, sku: r.sku, locationId: r.location_id, lot: r.lot, status: 'AVAILABLE' as const };
        if ((await store.changeBalance(tx, key, 0, -open)) === undefined) throw new Error(`reservation ${r.id} holds more than its balance`);
        movements.push({ id: deps.ids.next('mov'), type: 'UNRESERVE', siteId: r.site_id, sku: r.sku, locationId: r.location_id, lot: r.lot, deltaReserved: -open, reason: 'ORDER_CANCELLED', reference: r.wave_id });
      }
      reservationLifecycle.assertCan(r.status, 'CANCELLED');
      await store.updateReservation(tx, r.id, r.picked, r.shorted, 'CANCELLED');
    }
    const returned = await returnPickedUnits(tx, cancel.orderId, cancel.siteId, movements);
    await store.insertMovements(tx, movements);
    const data: StockDeallocated = { orderId: cancel.orderId, siteId: cancel.siteId, lines: released };
    const events: PublishedEvent[] = [{ type: InventoryEvents.deallocated, subject: cancel.orderId, siteId: cancel.siteId, data }];
    if (returned.length > 0) {
      const back: StockReturned = { orderId: cancel.orderId, siteId: cancel.siteId, lines: returned };
      events.push({ type: InventoryEvents.returned, subject: cancel.orderId, siteId: cancel.siteId, data: back });
    }
    await deps.bus.append(tx, CONTEXT, events, meta);
  }

  /**
   * Units picked for an order that is now cancelled sit in its tote (the in-process balance): they go back to the
   * locations they were picked from, lot by lot, as MOVE movements with reason RETURN_TO_STOCK. Never more than the
   * tote holds, so running it again moves nothing.
   */
  async function returnPickedUnits(tx: Tx, orderId: string, siteId: string, movements: store.NewMovement[]): Promise<StockReturned['lines'][number][]> {
    const picked = (await store.listReservations(tx, { orderId })).filter((r) => r.picked > 0 && r.site_id === siteId)
      .sort((a, b) => (a.sku !== b.sku ? (a.sku < b.sku ? -1 : 1) : a.id < b.id ? -1 : 1));
    if (picked.length === 0) return [];
    const inProcess = inProcessLocation(orderId);
    const inTote = new Map<string, number>();
    const expiry = new Map<string, string | null>();
    for (const sku of [...new Set(picked.map((r) => r.sku))]) {
      for (const b of await store.lockInProcess(tx, siteId, sku, inProcess)) {
        inTote.set(`${sku}\u0000${b.lot}`, b.on_hand - b.reserved);
        expiry.set(`${sku}\u0000${b.lot}`, b.expires_on);
      }
    }
    const lines: StockReturned['lines'][number][] = [];
    for (const r of picked) {
      const k = `${r.sku}\u0000${r.lot}`;
      const q = Math.min(r.picked, inTote.get(k) ?? 0);
      if (q <= 0) continue;
      inTote.set(k, (inTote.get(k) ?? 0) - q);
      const tote = { siteId, sku: r.sku, locationId: inProcess, lot: r.lot, status: 'AVAILABLE' as const };
      if ((await store.changeBalance(tx, tote, -q, 0)) === undefined) throw new Error(`tote of ${orderId} cannot give back ${q} ${r.sku}`);
      await store.addOnHand(tx, { ...tote, locationId: r.location_id }, q, expiry.get(k) ?? null);
      // Back at a location blocked since the pick: on hand there, but not promisable.
      if (!(await lockPickable(tx, r.location_id))) await store.changeUnpickable(tx, siteId, r.sku, q);
      movements.push(
        { id: deps.ids.next('mov'), type: 'MOVE', siteId, sku: r.sku, locationId: inProcess, lot: r.lot, deltaOnHand: -q, reason: RETURN_TO_STOCK, reference: orderId },
        { id: deps.ids.next('mov'), type: 'MOVE', siteId, sku: r.sku, locationId: r.location_id, lot: r.lot, deltaOnHand: q, reason: RETURN_TO_STOCK, reference: orderId },
      );
      lines.push({ sku: r.sku, locationId: r.location_id, lot: fromLotKey(r.lot), quantity: q });
    }
    return lines;
  }

  /** Releases `quantity` of an order line's allocation (short pick, reservation shortage); never more than it holds. */
  async function deallocateLine(tx: Tx, orderId: string, lineId: string, quantity: number, reason: string, movements: store.NewMovement[]): Promise<DeallocatedLine | undefined> {
    const row = (await store.lockAllocations(tx, orderId)).find((r) => r.line_id === lineId);
    if (row === undefined || row.status !== 'ALLOCATED') return undefined;
    const q = Math.min(quantity, row.allocated);
    if (q <= 0) return undefined;
    await store.releaseAllocated(tx, row.site_id, row.sku, q);
    allocationLifecycle.assertCan(row.status, 'ALLOCATED');
    await store.updateAllocation(tx, orderId, lineId, row.allocated - q, row.shipped, 'ALLOCATED');
    movements.push({ id: deps.ids.next('mov'), type: 'DEALLOCATE', siteId: row.site_id, sku: row.sku, locationId: null, lot: '', deltaAllocated: -q, reason, reference: orderId });
    return { lineId, sku: row.sku, quantity: q };
  }

  /** `inventory.stock.deallocated` per order for partial releases (short picks, reservation shortages): they free units too. */
  function deallocatedEvents(siteId: string, released: readonly (DeallocatedLine & { orderId: string })[]): PublishedEvent[] {
    const byOrder = new Map<string, DeallocatedLine[]>();
    for (const r of released) byOrder.set(r.orderId, [...(byOrder.get(r.orderId) ?? []), { lineId: r.lineId, sku: r.sku, quantity: r.quantity }]);
    return [...byOrder].map(([orderId, lines]) => {
      const data: StockDeallocated = { orderId, siteId, lines };
      return { type: InventoryEvents.deallocated, subject: orderId, siteId, data };
    });
  }

  /**
   * Backorder retry (BACKORDERED → ALLOCATED when stock arrives), run on inventory's own events that free
   * stock, so it is as durable as they are. Backordered lines of the freed SKUs are tried order by order, oldest first,
   * each all-or-nothing with the same conditional update as allocation; every order whose allocation changed gets an
   * `inventory.stock.allocated` with all its lines. Locks: the orders' allocation rows first (id order), then the SKU
   * rows, as allocation and cancellation take them. Cancelled orders have no BACKORDERED line left, so they never come back.
   */
  async function retryBackorders(tx: Tx, freed: FreedStock | undefined, meta: EventMeta): Promise<void> {
    if (freed === undefined) return;
    const { siteId, skus } = freed;
    const orderIds = await store.backorderedOrders(tx, siteId, skus);
    if (orderIds.length === 0) return;
    const rows = new Map<string, store.AllocationRow[]>();
    for (const r of await store.lockAllocationsOfOrders(tx, orderIds)) rows.set(r.order_id, [...(rows.get(r.order_id) ?? []), { ...r }]);
    // The SKU rows up front, in SKU order (the order allocation and pickability flips take them), not order by order.
    for (const sku of [...skus].sort()) await store.lockSkuStock(tx, siteId, sku);
    const today = todayIso();
    const expired = new Map<string, number>();
    const movements: store.NewMovement[] = [];
    const events: PublishedEvent[] = [];
    let units = 0;
    for (const orderId of orderIds) {
      const lines = rows.get(orderId) ?? [];
      if (lines.some((l) => l.status === 'CANCELLED')) continue;
      const waiting = lines.filter((l) => l.status === 'BACKORDERED' && l.requested > 0 && skus.includes(l.sku) && l.site_id === siteId)
        .sort((a, b) => (a.sku !== b.sku ? (a.sku < b.sku ? -1 : 1) : a.line_id < b.line_id ? -1 : 1));
      let changed = false;
      for (const line of waiting) {
        const exp = expired.get(line.sku) ?? await store.expiredFreeQuantity(tx, siteId, line.sku, today);
        expired.set(line.sku, exp);
        if (!(await store.tryAllocate(tx, siteId, line.sku, line.requested, exp))) continue;
        allocationLifecycle.assertCan(line.status, 'ALLOCATED');
        await store.updateAllocation(tx, orderId, line.line_id, line.requested, line.shipped, 'ALLOCATED');
        line.allocated = line.requested;
        line.status = 'ALLOCATED';
        movements.push({ id: deps.ids.next('mov'), type: 'ALLOCATE', siteId, sku: line.sku, locationId: null, lot: '', deltaAllocated: line.requested, reason: 'BACKORDER_RETRY', reference: orderId });
        units += line.requested;
        changed = true;
      }
      if (!changed) continue;
      const state: AllocationLine[] = lines.map((l) => ({ lineId: l.line_id, sku: l.sku, requested: l.requested, allocated: l.status === 'ALLOCATED' ? l.allocated : 0 }));
      const data: StockAllocated = { orderId, siteId, lines: state, complete: state.every((l) => l.allocated === l.requested) };
      events.push({ type: InventoryEvents.allocated, subject: orderId, siteId, data });
    }
    await store.insertMovements(tx, movements);
    await deps.bus.append(tx, CONTEXT, events, meta);
    tx.afterCommit(() => counters.allocated.inc(units));
  }

  /**
   * Location-level reservations for every line of a released wave. The free balances of every SKU are locked in key
   * order (SKU by SKU), the pure planner (domain/wave-reservation.ts) reserves order by order all-or-nothing, and each
   * take is a guarded update of `reserved`. An order that cannot be reserved in full goes back to allocation whole: its
   * short lines are deallocated and BACKORDERED (retried when stock frees up), its other lines stay allocated, and the
   * event's `backordered` tells orders, waves and picking.
   */
  async function reserveWave(tx: Tx, wave: WaveReleased, meta: EventMeta): Promise<void> {
    if (await store.hasReservationsForWave(tx, wave.waveId)) return;
    // A cancel can overtake the release (the order was cancelled while WAVED, the wave released before it heard):
    // a line whose allocation is cancelled (or backordered, or shipped) is not reserved, else its units would stay
    // reserved for an order nobody will pick. Locked, so a concurrent cancel waits for these reservations and then undoes them.
    const allocations = await store.lockAllocationsOfOrders(tx, wave.orders.map((o) => o.orderId));
    const holding = new Map(allocations.map((a) => [`${a.order_id}\u0000${a.line_id}`, a]));
    const bySkuThenLine = (a: WaveLine, b: WaveLine) => (a.sku !== b.sku ? (a.sku < b.sku ? -1 : 1) : a.lineId < b.lineId ? -1 : 1);
    // Orders in the wave's sequence (who goes first gets the stock), each order's lines by SKU.
    const lines: WaveLine[] = wave.orders.flatMap((o) => o.lines.map((l) => ({ orderId: o.orderId, lineId: l.lineId, sku: l.sku, quantity: l.quantity }))
      .filter((l) => (holding.get(`${l.orderId}\u0000${l.lineId}`)?.status ?? 'ALLOCATED') === 'ALLOCATED')
      .sort(bySkuThenLine));
    const skus = [...new Set(lines.map((l) => l.sku))].sort();
    const today = todayIso();
    const supply = new Map<string, SkuSupply>();
    for (const sku of skus) {
      const balances = await store.lockFreeBalances(tx, wave.siteId, sku);
      const locations = balances.length === 0 ? new Map<string, Location>() : await apis.locations.getLocations([...new Set(balances.map((b) => b.location_id))]);
      const candidates: ReservationCandidate[] = [];
      for (const b of balances) {
        const loc = locations.get(b.location_id);
        if (loc === undefined || loc.siteId !== wave.siteId || !isPickable(loc)) continue;
        if (isExpired(b.expires_on, today)) continue;
        candidates.push({
          locationId: b.location_id, lot: b.lot, free: b.on_hand - b.reserved, expiresOn: b.expires_on,
          firstReceivedAt: b.first_received_at.toISOString(), pickFace: loc.type === 'PICK_FACE', pickSequence: loc.pickSequence,
        });
      }
      // Expiry-controlled SKUs are the ones received with dates; dated stock rotates first-expired-first-out.
      supply.set(sku, { policy: candidates.some((c) => c.expiresOn !== null) ? 'FEFO' : 'FIFO', candidates });
    }
    const plan = planWaveReservations(lines, supply);

    const reservations: Reservation[] = [];
    const movements: store.NewMovement[] = [];
    const rows: Omit<store.ReservationRow, 'picked' | 'shorted' | 'status'>[] = [];
    for (const { line, takes } of plan.takes) {
      for (const take of takes) {
        const key = { siteId: wave.siteId, sku: line.sku, locationId: take.locationId, lot: take.lot, status: 'AVAILABLE' as const };
        // The rows are locked, so this cannot fail unless the plan is wrong; the guard keeps it honest anyway.
        if ((await store.changeBalance(tx, key, 0, take.quantity)) === undefined) throw new Error(`over-reservation refused at ${take.locationId}`);
        const id = deps.ids.next('rsv');
        rows.push({ id, wave_id: wave.waveId, order_id: line.orderId, line_id: line.lineId, site_id: wave.siteId, sku: line.sku, location_id: take.locationId, lot: take.lot, quantity: take.quantity });
        reservations.push({ reservationId: id, orderId: line.orderId, lineId: line.lineId, sku: line.sku, locationId: take.locationId, lot: fromLotKey(take.lot), quantity: take.quantity });
        movements.push({ id: deps.ids.next('mov'), type: 'RESERVE', siteId: wave.siteId, sku: line.sku, locationId: take.locationId, lot: take.lot, deltaReserved: take.quantity, reference: wave.waveId });
      }
    }
    // Orders sent back: their short lines are deallocated and wait as backorders; the event carries every line's state.
    const shortLines = new Set(plan.shortages.map((x) => `${x.line.orderId}\u0000${x.line.lineId}`));
    const deallocated: (DeallocatedLine & { orderId: string })[] = [];
    const backordered: StockReserved['backordered'][number][] = [];
    for (const orderId of plan.backordered) {
      const state: AllocationLine[] = [];
      for (const a of allocations.filter((r) => r.order_id === orderId).sort((x, y) => (x.sku !== y.sku ? (x.sku < y.sku ? -1 : 1) : x.line_id < y.line_id ? -1 : 1))) {
        if (a.status === 'ALLOCATED' && shortLines.has(`${orderId}\u0000${a.line_id}`)) {
          if (a.allocated > 0) {
            await store.releaseAllocated(tx, a.site_id, a.sku, a.allocated);
            movements.push({ id: deps.ids.next('mov'), type: 'DEALLOCATE', siteId: a.site_id, sku: a.sku, locationId: null, lot: '', deltaAllocated: -a.allocated, reason: 'RESERVATION_SHORTAGE', reference: orderId });
            deallocated.push({ orderId, lineId: a.line_id, sku: a.sku, quantity: a.allocated });
          }
          allocationLifecycle.assertCan(a.status, 'BACKORDERED');
          await store.updateAllocation(tx, orderId, a.line_id, 0, a.shipped, 'BACKORDERED');
          state.push({ lineId: a.line_id, sku: a.sku, requested: a.requested, allocated: 0 });
        } else {
          state.push({ lineId: a.line_id, sku: a.sku, requested: a.requested, allocated: a.status === 'ALLOCATED' ? a.allocated : 0 });
        }
      }
      backordered.push({ orderId, lines: state });
    }
    await store.insertReservations(tx, rows);
    await store.insertMovements(tx, movements);
    const shortages = plan.shortages.map((x) => ({ orderId: x.line.orderId, lineId: x.line.lineId, sku: x.line.sku, quantity: x.missing }));
    const data: StockReserved = { waveId: wave.waveId, siteId: wave.siteId, reservations, shortages, backordered };
    await deps.bus.append(tx, CONTEXT, [{ type: InventoryEvents.reserved, subject: wave.waveId, siteId: wave.siteId, data }, ...deallocatedEvents(wave.siteId, deallocated)], meta);
    const units = reservations.reduce((a, r) => a + r.quantity, 0);
    tx.afterCommit(() => counters.reserved.inc(units));
  }

  async function lockReservationFor(tx: Tx, reservationId: string): Promise<store.ReservationRow> {
    const r = await store.lockReservation(tx, reservationId);
    if (r === undefined) throw new AppError('NOT_FOUND', `No reservation ${reservationId}`);
    return r;
  }

  /** PICK: the units leave the location (on-hand and reserved) and land on the order's in-process balance. */
  async function pickLine(tx: Tx, pick: LinePicked, meta: EventMeta): Promise<void> {
    const r = await lockReservationFor(tx, pick.reservationId);
    const q = pick.quantity;
    if (q <= 0) return;
    if (r.status === 'CANCELLED') {
      // Confirmed on the floor before picking heard that the order was cancelled: the units went into the tote and
      // go straight back where they came from. Recorded as they happened (PICK, then MOVE back); the balances net out.
      const inProcess = inProcessLocation(r.order_id);
      await store.insertMovements(tx, [
        { id: deps.ids.next('mov'), type: 'PICK', siteId: r.site_id, sku: r.sku, locationId: r.location_id, lot: r.lot, deltaOnHand: -q, reference: r.order_id },
        { id: deps.ids.next('mov'), type: 'PICK', siteId: r.site_id, sku: r.sku, locationId: inProcess, lot: r.lot, deltaOnHand: q, reason: `tote ${pick.toteId}`, reference: r.order_id },
        { id: deps.ids.next('mov'), type: 'MOVE', siteId: r.site_id, sku: r.sku, locationId: inProcess, lot: r.lot, deltaOnHand: -q, reason: RETURN_TO_STOCK, reference: r.order_id },
        { id: deps.ids.next('mov'), type: 'MOVE', siteId: r.site_id, sku: r.sku, locationId: r.location_id, lot: r.lot, deltaOnHand: q, reason: RETURN_TO_STOCK, reference: r.order_id },
      ]);
      const back: StockReturned = { orderId: r.order_id, siteId: r.site_id, lines: [{ sku: r.sku, locationId: r.location_id, lot: fromLotKey(r.lot), quantity: q }] };
      await deps.bus.append(tx, CONTEXT, [{ type: InventoryEvents.returned, subject: r.order_id, siteId: r.site_id, data: back }], meta);
      return;
    }
    if (r.status !== 'OPEN' || q > openQuantity(r)) {
      throw new AppError('QUANTITY_EXCEEDS_OPEN', `Pick of ${q} exceeds the ${openQuantity(r)} open on reservation ${r.id} (${r.status})`);
    }
    const key = { siteId: r.site_id, sku: r.sku, locationId: r.location_id, lot: r.lot, status: 'AVAILABLE' as const };
    const sourcePickable = await lockPickable(tx, r.location_id);
    const from = await store.changeBalance(tx, key, -q, -q);
    if (from === undefined) throw new Error(`balance at ${r.location_id} cannot give ${q} reserved units`);
    // Units picked from a location blocked since the reservation leave `unpickable`; in process they are never counted.
    if (!sourcePickable) await store.changeUnpickable(tx, r.site_id, r.sku, -q);
    const inProcess = inProcessLocation(r.order_id);
    await store.addOnHand(tx, { ...key, locationId: inProcess }, q, from.expires_on);
    const picked = reservationStatusAfter({ quantity: r.quantity, picked: r.picked + q, shorted: r.shorted });
    reservationLifecycle.assertCan(r.status, picked);
    await store.updateReservation(tx, r.id, r.picked + q, r.shorted, picked);
    await store.insertMovements(tx, [
      { id: deps.ids.next('mov'), type: 'PICK', siteId: r.site_id, sku: r.sku, locationId: r.location_id, lot: r.lot, deltaOnHand: -q, deltaReserved: -q, reference: r.order_id },
      { id: deps.ids.next('mov'), type: 'PICK', siteId: r.site_id, sku: r.sku, locationId: inProcess, lot: r.lot, deltaOnHand: q, reason: `tote ${pick.toteId}`, reference: r.order_id },
    ]);
    tx.afterCommit(() => counters.picked.inc(q));
  }

  /** Short pick: unreserve and deallocate the missing units; when they are not there at all, adjust them away. */
  async function shortLine(tx: Tx, short: LineShorted, meta: EventMeta): Promise<void> {
    const r = await lockReservationFor(tx, short.reservationId);
    const s = Math.min(short.shortQuantity, openQuantity(r));
    if (r.status !== 'OPEN' || s <= 0) return;
    const key = { siteId: r.site_id, sku: r.sku, locationId: r.location_id, lot: r.lot, status: 'AVAILABLE' as const };
    // Read before any SKU row is locked: a pickability flip takes the location row first, then SKU rows.
    const pickable = await lockPickable(tx, r.location_id);
    const movements: store.NewMovement[] = [];
    if ((await store.changeBalance(tx, key, 0, -s)) === undefined) throw new Error(`reservation ${r.id} holds more than its balance`);
    movements.push({ id: deps.ids.next('mov'), type: 'UNRESERVE', siteId: r.site_id, sku: r.sku, locationId: r.location_id, lot: r.lot, deltaReserved: -s, reason: `SHORT_${short.reason}`, reference: r.order_id });
    const shorted = reservationStatusAfter({ quantity: r.quantity, picked: r.picked, shorted: r.shorted + s });
    reservationLifecycle.assertCan(r.status, shorted);
    await store.updateReservation(tx, r.id, r.picked, r.shorted + s, shorted);
    const released = await deallocateLine(tx, r.order_id, r.line_id, s, 'SHORT_PICK', movements);
    const events: PublishedEvent[] = deallocatedEvents(r.site_id, released === undefined ? [] : [{ orderId: r.order_id, ...released }]);
    if (shortRemovesStock(short.reason)) {
      // Deallocated first, so SKU on-hand may drop by the same amount without going below allocated.
      if ((await store.changeBalance(tx, key, -s, 0)) === undefined) throw new Error(`balance at ${r.location_id} cannot lose ${s} units`);
      if ((await store.changeSkuOnHand(tx, r.site_id, r.sku, -s, pickable ? 0 : -s)) === undefined) throw new Error(`SKU ${r.sku} would go below allocated`);
      const movementId = deps.ids.next('mov');
      movements.push({ id: movementId, type: 'ADJUST', siteId: r.site_id, sku: r.sku, locationId: r.location_id, lot: r.lot, deltaOnHand: -s, reason: 'SHORT_PICK', reference: r.order_id });
      const data: StockAdjusted = { siteId: r.site_id, sku: r.sku, locationId: r.location_id, lot: fromLotKey(r.lot), delta: -s, reason: 'SHORT_PICK', movementId };
      events.push({ type: InventoryEvents.adjusted, subject: r.sku, siteId: r.site_id, data });
    }
    await store.insertMovements(tx, movements);
    await deps.bus.append(tx, CONTEXT, events, meta);
    tx.afterCommit(() => counters.shorted.inc(s));
  }

  /** SHIP: the dispatched units leave the order's in-process balance and their allocation is released. */
  async function shipShipment(tx: Tx, shipment: ShipmentDispatched, meta: EventMeta): Promise<void> {
    const inProcess = inProcessLocation(shipment.orderId);
    const movements: store.NewMovement[] = [];
    const perSku = new Map<string, number>();
    const lines = [...shipment.lines].filter((l) => l.quantity > 0)
      .sort((a, b) => (a.sku !== b.sku ? (a.sku < b.sku ? -1 : 1) : a.lineId < b.lineId ? -1 : 1));
    const allocations = new Map((await store.lockAllocations(tx, shipment.orderId)).map((a) => [a.line_id, a]));
    for (const line of lines) {
      let left = line.quantity;
      const firstMovement = movements.length;
      for (const b of await store.lockInProcess(tx, shipment.siteId, line.sku, inProcess)) {
        if (left === 0) break;
        const t = Math.min(left, b.on_hand - b.reserved);
        if (t <= 0) continue;
        const key = { siteId: b.site_id, sku: b.sku, locationId: b.location_id, lot: b.lot, status: b.status };
        if ((await store.changeBalance(tx, key, -t, 0)) === undefined) throw new Error(`in-process balance of ${shipment.orderId} cannot give ${t}`);
        movements.push({ id: deps.ids.next('mov'), type: 'SHIP', siteId: b.site_id, sku: b.sku, locationId: b.location_id, lot: b.lot, deltaOnHand: -t, reference: shipment.shipmentId });
        left -= t;
      }
      if (left > 0) throw new Error(`shipment ${shipment.shipmentId} ships ${line.quantity} ${line.sku} but only ${line.quantity - left} were picked for ${shipment.orderId}`);
      const alloc = allocations.get(line.lineId);
      const release = alloc === undefined || alloc.status !== 'ALLOCATED' ? 0 : Math.min(line.quantity, alloc.allocated);
      if (alloc !== undefined && alloc.status === 'ALLOCATED') {
        const remaining = alloc.allocated - release;
        allocationLifecycle.assertCan(alloc.status, remaining === 0 ? 'SHIPPED' : 'ALLOCATED');
        await store.updateAllocation(tx, alloc.order_id, alloc.line_id, remaining, alloc.shipped + line.quantity, remaining === 0 ? 'SHIPPED' : 'ALLOCATED');
        allocations.set(line.lineId, { ...alloc, allocated: remaining, shipped: alloc.shipped + line.quantity, status: remaining === 0 ? 'SHIPPED' : 'ALLOCATED' });
      }
      if (release > 0) {
        await store.releaseAllocated(tx, shipment.siteId, line.sku, release);
        const m = movements[firstMovement];
        if (m !== undefined) movements[firstMovement] = { ...m, deltaAllocated: -release };
      }
      if ((await store.changeSkuOnHand(tx, shipment.siteId, line.sku, -line.quantity)) === undefined) {
        throw new Error(`shipping ${line.quantity} ${line.sku} would take SKU stock below allocated`);
      }
      perSku.set(line.sku, (perSku.get(line.sku) ?? 0) + line.quantity);
    }
    await store.insertMovements(tx, movements);
    const data: StockShipped = { orderId: shipment.orderId, siteId: shipment.siteId, shipmentId: shipment.shipmentId, lines: [...perSku].map(([sku, quantity]) => ({ sku, quantity })) };
    await deps.bus.append(tx, CONTEXT, [{ type: InventoryEvents.shipped, subject: shipment.orderId, siteId: shipment.siteId, data }], meta);
    const units = [...perSku.values()].reduce((a, b) => a + b, 0);
    tx.afterCommit(() => counters.shipped.inc(units));
  }

  return {
    receive, adjust, atp, candidateLocations, allocateOrder, deallocateOrder, retryBackorders, reserveWave, pickLine, shortLine, shipShipment,
  };
}

export type InventoryService = ReturnType<typeof inventoryService>;
