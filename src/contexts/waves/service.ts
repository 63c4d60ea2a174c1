import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { byStatus } from '../../platform/http/schemas.ts';
import type { InventoryApi } from '../../contracts/inventory.ts';
import type { Location, LocationMasterApi } from '../../contracts/location-master.ts';
import type { OrderAllocated, OrderCancelled } from '../../contracts/orders.ts';
import {
  WAVE_STATUSES, WaveEvents, type WaveCancelled, type WaveCompleted, type WaveOrderHeld, type WavePlanned, type WaveReleased, type WaveStatus, type WavesApi,
} from '../../contracts/waves.ts';
import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { Tx } from '../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { Pick } from '../../optimize/geometry/layout.ts';
import {
  fitSiteLayout, reviveSiteLayoutFit, ROUTING_LOCATION_TYPES, storeSiteLayoutFit, type SiteLayoutFit,
} from '../../optimize/geometry/site-layout.ts';
import { DEFAULT_CART_CAPACITY, MAX_CART_CAPACITY, planBatchesTask, type BatchableOrder } from './domain/batching.ts';
import { isOnTheFloor, isOpenForChanges, pickProgressPath, waveLifecycle } from './domain/wave-lifecycle.ts';
import {
  activeWaveOf, addToPool, cancelledWithOrder, claimWaiting, countWavesByStatus, dropWaitingOrder, firstWaitingCarrier, holdInPool, insertWave, listWaves, markPicked, poolOrders, releaseHold, endChangeHold,
  releasePoolHold,
  releaseMembership, removeFromPool, setPoolPriority, removeOrderFromWave, setWaveStatus, unpickedCount, waveById, waveOrders, waveSummary,
  type PoolOrder, type Wave, type WaveSummary,
} from './store.ts';

export const PICK_STRATEGIES = ['discrete', 'batch'] as const;
export type PickStrategy = (typeof PICK_STRATEGIES)[number];

export interface ReleaseOptions {
  readonly pickStrategy?: PickStrategy | undefined;
  /** Units per cart, batch picking only. */
  readonly cartCapacity?: number | undefined;
}

export interface WaveApis {
  readonly locations: LocationMasterApi;
  readonly inventory: InventoryApi;
}

/** Cache key of the site layout waves fits for cart batching (from the location master's locations of the site). */
export const siteLayoutKey = (siteId: string): string => `waves:site-layout:${siteId}`;
/** How long a fitted site layout is reused if an invalidation is ever missed. */
export const SITE_LAYOUT_TTL_S = 60;

export const DEFAULT_MAX_ORDERS = 50;
export const MAX_ORDERS = 1000;

export interface WavePage {
  readonly items: WaveSummary[];
  readonly nextCursor: string | null;
}

/** Batches limited to the orders still active at release; an active order missing from them goes alone. */
function keepActive(batches: readonly (readonly string[])[], active: readonly string[]): string[][] {
  const live = new Set(active);
  const kept = batches.map((b) => b.filter((id) => live.has(id))).filter((b) => b.length > 0);
  const seen = new Set(kept.flat());
  for (const id of active) if (!seen.has(id)) kept.push([id]);
  return kept;
}

/** Commands and queries of the wave pool, and its reactions to orders, inventory and picking. */
export function waveService(deps: PlatformDeps, apis: WaveApis) {
  const batchesPlanned = deps.metrics.counter('paklog_wave_batches_planned_total', 'Cart batches planned at batch-picking wave release');
  const planned = deps.metrics.counter('paklog_waves_planned_total', 'Waves planned');
  const ordersWaved = deps.metrics.counter('paklog_wave_orders_planned_total', 'Orders put into planned waves');

  /**
   * Plans a wave from the site's waiting orders: one carrier (the given one, or that of the order that goes first),
   * by priority (1 first) then age, up to maxOrders. Claimed rows are locked, so concurrent plans never share an order.
   */
  async function plan(input: { siteId: string; maxOrders: number; carrier: string | null }, meta: EventMeta): Promise<Outcome<Wave>> {
    if (!Number.isInteger(input.maxOrders) || input.maxOrders < 1 || input.maxOrders > MAX_ORDERS) {
      return reject('UNPROCESSABLE', 'maxOrders is out of range', [{ field: '/maxOrders', message: `must be an integer from 1 to ${MAX_ORDERS}` }]);
    }
    const outcome = await deps.db.tx(async (tx): Promise<Outcome<string>> => {
      const carrier = input.carrier ?? (await firstWaitingCarrier(tx, input.siteId));
      const orders = carrier === undefined ? [] : await claimWaiting(tx, input.siteId, carrier, input.maxOrders);
      if (carrier === undefined || orders.length === 0) {
        return reject('NOTHING_TO_PLAN', `No allocated orders of site ${input.siteId}${input.carrier === null ? '' : ` for carrier ${input.carrier}`} are waiting for a wave`);
      }
      const id = deps.ids.next('wav');
      // Created as PLANNED directly: the DRAFT step (editing a wave by hand) has no route yet.
      await insertWave(tx, { id, siteId: input.siteId, carrier, status: 'PLANNED', maxOrders: input.maxOrders }, orders, deps.clock.now());
      const data: WavePlanned = { waveId: id, siteId: input.siteId, orderIds: orders.map((o) => o.orderId) };
      await deps.bus.append(tx, 'waves', [{ type: WaveEvents.planned, subject: id, siteId: input.siteId, data }], meta);
      tx.afterCommit(() => {
        planned.inc();
        ordersWaved.inc(orders.length);
      });
      return ok(id);
    });
    return outcome.ok ? get(outcome.value) : outcome;
  }

  /**
   * Releases a PLANNED wave. Discrete picking: one pick list per order. Batch picking: the orders are grouped into
   * cart batches (domain/batching.ts) before the transaction, since batching reads other contexts and searches for
   * up to 300 ms; the transaction then re-checks the wave and keeps the batches to its still-active orders.
   */
  async function release(id: string, options: ReleaseOptions, meta: EventMeta): Promise<Outcome<Wave>> {
    const strategy = options.pickStrategy ?? 'discrete';
    if (!(PICK_STRATEGIES as readonly string[]).includes(strategy)) {
      return reject('UNPROCESSABLE', 'pickStrategy is not known', [{ field: '/pickStrategy', message: `must be one of ${PICK_STRATEGIES.join(', ')}` }]);
    }
    if (options.cartCapacity !== undefined) {
      if (strategy !== 'batch') return reject('UNPROCESSABLE', 'cartCapacity applies to batch picking only', [{ field: '/cartCapacity', message: 'only with pickStrategy batch' }]);
      if (!Number.isInteger(options.cartCapacity) || options.cartCapacity < 1 || options.cartCapacity > MAX_CART_CAPACITY) {
        return reject('UNPROCESSABLE', 'cartCapacity is out of range', [{ field: '/cartCapacity', message: `must be an integer from 1 to ${MAX_CART_CAPACITY}` }]);
      }
    }
    let batches: string[][] | undefined;
    if (strategy === 'batch') {
      // Fail fast (404/409) before spending the batching budget; the transaction checks again under the lock.
      const before = await waveSummary(deps.db, id);
      if (before === undefined) return reject('NOT_FOUND', `No wave ${id}`);
      const legal = waveLifecycle.check(before.status, 'RELEASED', `Wave ${id} is ${before.status} and cannot become RELEASED`);
      if (!legal.ok) return legal;
      const orders = (await waveOrders(deps.db, id)).filter((o) => o.active);
      batches = await batchesFor(before.siteId, orders, options.cartCapacity ?? DEFAULT_CART_CAPACITY);
    }
    return change(id, 'RELEASED', async (tx, w) => {
      const orders = (await waveOrders(tx, id)).filter((o) => o.active);
      await removeFromPool(tx, orders.map((o) => o.orderId));
      const data: WaveReleased = {
        waveId: id, siteId: w.siteId, pickStrategy: strategy,
        orders: orders.map((o) => ({ orderId: o.orderId, lines: o.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity })) })),
        ...(batches === undefined ? {} : { batches: keepActive(batches, orders.map((o) => o.orderId)) }),
      };
      await deps.bus.append(tx, 'waves', [{ type: WaveEvents.released, subject: id, siteId: w.siteId, data }], meta);
      const n = data.batches?.length ?? 0;
      if (n > 0) tx.afterCommit(() => batchesPlanned.inc(n));
    });
  }

  /**
   * Cart batches for the wave's orders. Inventory says where each SKU will most likely be reserved, the location
   * master gives those locations' codes and the site's coordinates; both are read-only hints (the reservation may
   * pick another location). When they cannot be read, every order is batched FCFS.
   */
  async function batchesFor(siteId: string, orders: readonly BatchableOrder[], capacity: number): Promise<string[][]> {
    let layout: SiteLayoutFit | undefined;
    let pickOf: (sku: string) => Pick | undefined = () => undefined;
    try {
      const skus = [...new Set(orders.flatMap((o) => o.lines.map((l) => l.sku)))];
      const candidates = await apis.inventory.candidateLocations(siteId, skus);
      const locations: ReadonlyMap<string, Location> = candidates.size === 0 ? new Map() : await apis.locations.getLocations([...new Set(candidates.values())]);
      layout = await siteLayout(siteId);
      const fit = layout;
      if (!fit.ok) deps.log.info({ siteId, reason: fit.reason }, 'waves: site layout not fitted; orders batched FCFS');
      pickOf = (sku) => {
        const locationId = candidates.get(sku);
        const code = locationId === undefined ? undefined : locations.get(locationId)?.code;
        return fit.ok && code !== undefined ? fit.site.picks.get(code) : undefined;
      };
    } catch (e) {
      deps.log.warn({ siteId, err: e }, 'waves: pick positions could not be read; orders batched FCFS');
      layout = undefined;
    }
    // The search runs on a worker thread, so it gets plain data: each SKU's position instead of the lookup.
    const picks = new Map<string, Pick>();
    for (const sku of new Set(orders.flatMap((o) => o.lines.map((l) => l.sku)))) {
      const p = pickOf(sku);
      if (p !== undefined) picks.set(sku, p);
    }
    const plan = await deps.workers.run(planBatchesTask, { orders, capacity, layout: layout?.ok === true ? layout.site.layout : undefined, picks });
    if (plan.oversize.length > 0) deps.log.info({ siteId, orders: plan.oversize, capacity }, 'waves: orders larger than a cart go alone');
    return plan.batches;
  }

  /** The site's fitted layout, cached until a location of the site changes (`siteLayoutChanged`). */
  async function siteLayout(siteId: string): Promise<SiteLayoutFit> {
    const stored = await deps.cache.getOrLoad(siteLayoutKey(siteId), SITE_LAYOUT_TTL_S, async () =>
      storeSiteLayoutFit(fitSiteLayout(await apis.locations.listLocations(siteId, ROUTING_LOCATION_TYPES))));
    // The loader always answers, so the cache does too.
    return reviveSiteLayoutFit(stored!);
  }

  /** A location-master event for the site: the cached layout goes once the handler's transaction commits. */
  function siteLayoutChanged(tx: Tx, siteId: string): void {
    tx.afterCommit(() => void deps.cache.delete(siteLayoutKey(siteId)));
  }

  async function cancel(id: string, meta: EventMeta): Promise<Outcome<Wave>> {
    return change(id, 'CANCELLED', async (tx, w) => announceCancelled(tx, w, meta));
  }

  /** Locks the wave, checks the transition, moves it and runs `effects` in the same transaction. */
  async function change(id: string, to: WaveStatus, effects: (tx: Tx, w: WaveSummary) => Promise<void>): Promise<Outcome<Wave>> {
    const outcome = await deps.db.tx(async (tx): Promise<Outcome<null>> => {
      const w = await waveSummary(tx, id, true);
      if (w === undefined) return reject('NOT_FOUND', `No wave ${id}`);
      const legal = waveLifecycle.check(w.status, to, `Wave ${id} is ${w.status} and cannot become ${to}`);
      if (!legal.ok) return legal;
      if (!(await setWaveStatus(tx, id, w.version, to, deps.clock.now()))) return reject('CONFLICT', `Wave ${id} changed meanwhile; retry`);
      await effects(tx, w);
      return ok(null);
    });
    return outcome.ok ? get(id) : outcome;
  }

  /** The wave is already CANCELLED in `tx`: its orders wait in the pool again, and everyone hears of it. */
  async function announceCancelled(tx: Tx, w: WaveSummary, meta: EventMeta): Promise<void> {
    const orders = (await waveOrders(tx, w.id)).filter((o) => o.active);
    await releaseMembership(tx, w.id);
    const data: WaveCancelled = { waveId: w.id, siteId: w.siteId, orderIds: orders.map((o) => o.orderId) };
    await deps.bus.append(tx, 'waves', [{ type: WaveEvents.cancelled, subject: w.id, siteId: w.siteId, data }], meta);
  }

  async function get(id: string): Promise<Outcome<Wave>> {
    const wave = await waveById(deps.db, id);
    return wave === undefined ? reject('NOT_FOUND', `No wave ${id}`) : ok(wave);
  }

  async function list(q: { limit: number; cursor?: string | undefined; siteId?: string | undefined; status?: WaveStatus | undefined }): Promise<Outcome<WavePage>> {
    const after = cursorKey(q.cursor, CURSOR_SHAPES.idOf('wav')); // the last id of the previous page
    if (!after.ok) return after;
    const afterId = after.value;
    const items = await listWaves(deps.db, { limit: q.limit, afterId, siteId: q.siteId ?? null, status: q.status ?? null });
    return ok({ items, nextCursor: nextCursor(items, q.limit, (l) => l.id) });
  }

  /** How many of a site's waves are in each status; every status, 0 when none. */
  async function counts(siteId: string): Promise<Record<WaveStatus, number>> {
    return byStatus(WAVE_STATUSES, await countWavesByStatus(deps.db, siteId));
  }

  async function pool(siteId: string, limit: number): Promise<PoolOrder[]> {
    return poolOrders(deps.db, siteId, limit);
  }

  // ---- reactions to other contexts' events, in the handler's transaction ----

  async function orderAllocated(tx: Tx, d: OrderAllocated, allocatedAt: string): Promise<void> {
    const added = await addToPool(tx, { orderId: d.orderId, siteId: d.siteId, carrier: d.carrier, priority: d.priority, lines: [...d.lines], allocatedAt });
    if (!added) deps.log.info({ orderId: d.orderId }, 'allocated order already pooled or waved; ignored');
  }

  /**
   * The order's active wave, locked. Looked up again once locked (a new statement sees what committed during the
   * wait): a wave cancelled meanwhile let go of its orders, so the order now waits in the pool, or is in the next wave
   * planned from it. Each turn of the loop needs another transaction to have moved the order; a few are plenty.
   */
  async function lockedWaveOf(tx: Tx, orderId: string): Promise<WaveSummary | undefined> {
    for (let turn = 0; turn < 5; turn++) {
      const waveId = await activeWaveOf(tx, orderId);
      if (waveId === undefined) return undefined;
      const w = await waveSummary(tx, waveId, true);
      if (w !== undefined && (await activeWaveOf(tx, orderId)) === waveId) return w;
    }
    throw new Error(`order ${orderId} kept moving between waves while its cancel was handled; retried`);
  }

  /** A cancelled order leaves the pool, and a PLANNED wave; a wave left empty is cancelled. */
  async function orderCancelled(tx: Tx, d: OrderCancelled, meta: EventMeta): Promise<void> {
    // The wave is locked before the pool row, as release does: one lock order, no deadlock.
    let w = await lockedWaveOf(tx, d.orderId);
    if (w === undefined) {
      await removeFromPool(tx, [d.orderId]);
      // A plan holding the pool row made the delete wait; once it committed, the order is in its wave. Look again (a
      // new statement sees that commit). Locking the wave after the pool row can deadlock with its release: PostgreSQL
      // breaks that and the transaction is retried, when the wave is either still PLANNED or released.
      w = await lockedWaveOf(tx, d.orderId);
      if (w === undefined) return;
    }
    if (!isOpenForChanges(w.status)) {
      // On the floor: picking withdraws the order's open lines (its pick list may never complete for it), so it leaves
      // the wave, which completes once the rest is picked. A finished wave keeps its history.
      if (isOnTheFloor(w.status)) await leaveReleasedWave(tx, w, d.orderId, meta);
      return;
    }
    await removeFromPool(tx, [d.orderId]);
    const now = deps.clock.now();
    await removeOrderFromWave(tx, w.id, d.orderId, now);
    const remaining = (await waveOrders(tx, w.id)).filter((o) => o.active);
    if (remaining.length > 0) return;
    const fresh = await waveSummary(tx, w.id);
    if (fresh === undefined || !waveLifecycle.can(fresh.status, 'CANCELLED')) return;
    await setWaveStatus(tx, w.id, fresh.version, 'CANCELLED', now);
    await announceCancelled(tx, fresh, meta);
  }

  /** A locked wave on the floor loses an order (cancelled, or sent back to allocation); it completes if the rest is picked. */
  async function leaveReleasedWave(tx: Tx, w: WaveSummary, orderId: string, meta: EventMeta): Promise<void> {
    await removeOrderFromWave(tx, w.id, orderId, deps.clock.now());
    const open = await unpickedCount(tx, w.id);
    const fresh = await waveSummary(tx, w.id);
    if (fresh !== undefined && open === 0) await progressOnPicks(tx, fresh, true, meta);
  }

  /**
   * The release could not reserve these orders (inventory.stock.reserved `backordered`): they go back to allocation,
   * so no pick list will come for them. They leave the wave, which completes once the rest is picked — or at once
   * when nothing of it could be reserved.
   */
  async function ordersBackordered(tx: Tx, waveId: string, orderIds: readonly string[], meta: EventMeta): Promise<void> {
    if (orderIds.length === 0) return;
    const w = await waveSummary(tx, waveId, true);
    if (w === undefined || !isOnTheFloor(w.status)) {
      deps.log.warn({ waveId, status: w?.status, orderIds }, 'orders sent back from a wave that is not on the floor; ignored');
      return;
    }
    const now = deps.clock.now();
    for (const orderId of [...orderIds].sort()) await removeOrderFromWave(tx, w.id, orderId, now);
    const open = await unpickedCount(tx, w.id);
    const fresh = await waveSummary(tx, w.id);
    if (fresh !== undefined && open === 0) await progressOnPicks(tx, fresh, true, meta);
  }

  /** Pick lists of a wave complete: IN_PROGRESS on the first, COMPLETED once every order of the wave is picked. */
  async function pickListCompleted(tx: Tx, waveId: string, orderIds: readonly string[], meta: EventMeta): Promise<void> {
    const w = await waveSummary(tx, waveId, true);
    if (w === undefined) {
      deps.log.warn({ waveId }, 'pick list of an unknown wave ignored');
      return;
    }
    const open = await markPicked(tx, waveId, orderIds);
    const path = await progressOnPicks(tx, w, open === 0, meta);
    if (path.length === 0) deps.log.info({ waveId, status: w.status, open }, 'pick list completion does not move the wave');
  }

  /** Moves a locked wave on the floor forward (IN_PROGRESS, COMPLETED when every active order is picked) and announces completion. */
  async function progressOnPicks(tx: Tx, w: WaveSummary, allOrdersPicked: boolean, meta: EventMeta): Promise<readonly WaveStatus[]> {
    let version = w.version;
    const now = deps.clock.now();
    const path = pickProgressPath(w.status, allOrdersPicked);
    let from = w.status;
    for (const step of path) {
      waveLifecycle.assertCan(from, step);
      from = step;
      if (!(await setWaveStatus(tx, w.id, version, step, now))) throw new Error(`wave ${w.id} changed under its row lock`);
      version++;
    }
    if (path.at(-1) === 'COMPLETED') {
      const orders = (await waveOrders(tx, w.id)).filter((o) => o.active);
      const data: WaveCompleted = { waveId: w.id, siteId: w.siteId, orderIds: orders.map((o) => o.orderId) };
      await deps.bus.append(tx, 'waves', [{ type: WaveEvents.completed, subject: w.id, siteId: w.siteId, data }], meta);
    }
    return path;
  }

  /**
   * The decision point of a line change (WavesApi.holdForChange, ADR 0046). In no active wave: the order's pool row is
   * held (inserted if it has none), so no plan takes it, and `waves.order.held` says so in the same transaction. A
   * planner holding the row is waited for; a wave that took the order before is named and nothing is held.
   */
  const holdForChange: WavesApi['holdForChange'] = async (input, meta) => deps.db.tx(async (tx) => {
    const before = await activeWaveOf(tx, input.orderId);
    if (before !== undefined) return { held: false, waveId: before };
    const { waveId, inserted } = await holdInPool(tx, input, deps.clock.now());
    // A plan and a release may both have committed between the two statements: the release deleted the pool row, so
    // the hold inserted a new one. The wave's membership (a new statement sees their commits) tells.
    const wave = waveId ?? (await activeWaveOf(tx, input.orderId));
    if (wave !== undefined) {
      if (inserted) await dropWaitingOrder(tx, input.orderId);
      return { held: false, waveId: wave };
    }
    const data: WaveOrderHeld = { orderId: input.orderId, siteId: input.siteId, changeId: input.changeId };
    await deps.bus.append(tx, 'waves', [{ type: WaveEvents.orderHeld, subject: input.orderId, siteId: input.siteId, data }], meta);
    return { held: true };
  });

  /** WavesApi.cancelledWith: the wave's cancel let go of the order (not its own cancel, nor its release's shortage). */
  const cancelledWith: WavesApi['cancelledWith'] = async (input) => cancelledWithOrder(deps.db, input.waveId, input.orderId);

  /**
   * `orders.order.lines-changed`: the row held for this change (or waiting) goes; the allocation of the new lines pools
   * the order again. A hold for a newer change stays (ADR 0046 addendum).
   */
  async function orderLinesChanged(tx: Tx, orderId: string, changeId: string): Promise<void> {
    await endChangeHold(tx, orderId, changeId);
  }

  /** `orders.order.change-dropped`: orders will not apply the change, so a hold still for it ends (ADR 0046 addendum). */
  async function orderChangeDropped(tx: Tx, orderId: string, changeId: string): Promise<void> {
    await releaseHold(tx, orderId, changeId);
  }

  /**
   * `orders.order.hold-released` (ADR 0052): the order's waiting row is no longer held, so planning takes it; a row
   * the hold inserted for an order not allocated yet goes (its allocation, announced with the release, adds it).
   */
  async function orderHoldReleased(tx: Tx, orderId: string): Promise<void> {
    await releasePoolHold(tx, orderId);
  }

  return {
    plan, release, cancel, get, list, counts, pool, orderAllocated, orderCancelled, orderReprioritised: setPoolPriority, ordersBackordered, pickListCompleted,
    siteLayoutChanged, holdForChange, cancelledWith, orderLinesChanged, orderChangeDropped, orderHoldReleased,
  };
}

export type WaveService = ReturnType<typeof waveService>;
