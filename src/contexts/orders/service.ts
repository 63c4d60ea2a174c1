import { DEFAULT_OWNER_ID } from '../../contracts/inventory.ts';
import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { byStatus } from '../../platform/http/schemas.ts';
import { inactiveSkuErrors, type CatalogApi } from '../../contracts/catalog.ts';
import type { AllocationLine, ShortResolved } from '../../contracts/inventory.ts';
import { activeSite, type LocationMasterApi } from '../../contracts/location-master.ts';
import type { PackShipApi } from '../../contracts/pack-ship.ts';
import type { PickingApi } from '../../contracts/picking.ts';
import {
  BACKORDER_REASONS, CANCEL_REASONS, OrderEvents, type OrderAllocated, type OrderCancelled, type OrderLineData, type OrderReceived, type OrderShipped, type OrderDelivered,
  type OrderReprioritised, type OrderStatus, type OrderStatusChanged, type OrderUpdated, type OrderLinesChanged, type OrderChangeDropped, type ShipTo,
  type OrderHeld, type OrderHoldReleased, PACKING_REOPENED, ORDER_STATUSES,
} from '../../contracts/orders.ts';
import { WaveEvents, type WavesApi } from '../../contracts/waves.ts';
import type { EventMeta } from '../../platform/bus/envelope.ts';
import { EventNotReady } from '../../platform/bus/not-ready.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import type { Tx } from '../../platform/db/database.ts';
import { ifMatchHolds, type IfMatch } from '../../platform/http/if-match.ts';
import { assertNever, ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { cancelDecision, forwardPath, hasShipped, holdDecision, isEarlierRound, orderLifecycle, readyToPackDecision } from './domain/order-lifecycle.ts';
import { recordPicksHandler } from './use-cases/record-picks/handler.ts';
import { decideCancelLine, openLineData, openUnits } from './use-cases/cancel-line/decide.ts';
import { isPartialShipment, orderDifferences, skusWithMoreUnits, unknownSkuErrors, validateNewOrder, type NewOrder } from './domain/order.ts';
import {
  addShortAtPack, createdAsOf, lostAtPackOf, cancelLineUnits, cancelLines, countOrdersByStatus, insertHistory, setLineAllocated, insertOrder, linesOfOrders, listOrders, orderById, orderIdByExternalId, orderLines,
  lockOrders, orderSummary, packRounds, putOnHold, releaseHoldOf, replaceLines, savePendingChange, savePendingHold, setPriority, setResumeStatus, setShipTo,
  ordersWithShorts, takePendingChange, takePendingHold, unshortLine, updateStatus, writeOrder, writeOrders, type HoldableStatus, type LineCancel, type LineQuantity, type Order, type OrderLine, type OrderRunWrite, type OrderSummary, type OrderWrite,
} from './store.ts';

/** An orders event's `ownerId`: the order's owner, left out for the default owner (as on `received`, ADR 0028). */
const owned = (o: { readonly ownerId: string }): { ownerId?: string } => (o.ownerId === DEFAULT_OWNER_ID ? {} : { ownerId: o.ownerId });

export interface OrderPage {
  /** Summaries; with their lines when the list was asked `withLines`. */
  readonly items: (OrderSummary & { lines?: OrderLine[] })[];
  readonly nextCursor: string | null;
}

const lineData = (lines: readonly OrderLine[]): OrderLineData[] =>
  lines.map((l) => ({ lineId: l.id, lineNo: l.lineNo, sku: l.sku, quantity: l.ordered }));

/** Why an event moved an order: the event type, kept in the status history. */
export interface Cause {
  readonly type: string;
  readonly meta: EventMeta;
}

/** One order's `progress` in a run (`progressRun`). */
export interface ProgressStep {
  readonly orderId: string;
  readonly to: OrderStatus | null;
  readonly cause: Cause;
  readonly options?: ProgressOptions;
}

/** What an event adds on its way: line quantities, the wave it is about. */
export interface ProgressOptions {
  quantities?: { column: LineQuantity; lines: readonly { lineId: string; quantity: number }[] } | undefined;
  waveId?: string | undefined;
  /** The packing round pack & ship's `order.packed` names (ADR 0049 addendum 2026-12-04): an earlier round's moves nothing. */
  packRound?: number | undefined;
}

/** Commands and queries of fulfilment orders, and the lifecycle moves other contexts' events cause. */
/** The ship-to as events carry it (`received`, `updated`): the fields a label and a carrier quote need. */
const shipToData = (s: ShipTo): OrderReceived['shipTo'] & object => ({
  name: s.name, line1: s.line1, ...(s.line2 === undefined ? {} : { line2: s.line2 }), city: s.city, postalCode: s.postalCode, country: s.country,
});

export function orderService(
  deps: PlatformDeps, catalog: CatalogApi, locations: Pick<LocationMasterApi, 'getSite'>, packShip: PackShipApi, waves: WavesApi,
  picking: () => Pick<PickingApi, 'stopPicking'> | undefined = () => undefined,
) {
  const received = deps.metrics.counter('paklog_orders_received_total', 'Orders received');
  const shipped = deps.metrics.counter('paklog_orders_shipped_total', 'Orders shipped');
  const cancelled = deps.metrics.counter('paklog_orders_cancelled_total', 'Orders cancelled');

  /**
   * The intake's checks of an order, in the order `receive` makes them: validated, its site (id or code) resolved with
   * location-master, its carrier checked against those pack-ship can book; then — unless its external id was received
   * before, which is answered as that order (`foundAgain`) even when its site or a product was deactivated since — its
   * site active and its SKUs known and active (ADR 0045). Writes nothing: `receive` and `check` share it.
   */
  async function admit(request: NewOrder): Promise<Outcome<{ readonly input: NewOrder } | { readonly repeat: { order: Order; created: boolean } }>> {
    const errors = validateNewOrder(request);
    if (errors.length > 0) return reject('UNPROCESSABLE', 'The order is not valid', errors);
    const site = await locations.getSite(request.siteId);
    if (site === undefined) return reject('UNKNOWN_SITE', `No site ${request.siteId}`, [{ field: '/siteId', message: 'is not the id or code of a site' }]);
    const bookable = await packShip.bookableCarriers();
    if (!bookable.includes(request.carrier)) {
      return reject('UNKNOWN_CARRIER', `PakLog cannot book carrier ${request.carrier}; bookable carriers: ${bookable.join(', ')}`, [
        { field: '/carrier', message: `is not a bookable carrier (${bookable.join(', ')})` },
      ]);
    }
    const input: NewOrder = { ...request, siteId: site.id };
    // A repeat of an order received before is answered as such, even when its site or a product was deactivated since.
    const refused = async (rejection: Outcome<never>): Promise<Outcome<{ repeat: { order: Order; created: boolean } }>> => {
      const existing = await orderIdByExternalId(deps.db, input.externalId);
      if (existing === undefined) return rejection;
      const again = await foundAgain(existing, input);
      return again.ok ? ok({ repeat: again.value }) : again;
    };
    // A deactivated site or product takes no new order (ADR 0045).
    const siteActive = activeSite(site);
    if (!siteActive.ok) return refused(siteActive);
    const products = await catalog.getBySkus(input.lines.map((l) => l.sku));
    const unknown = unknownSkuErrors(input.lines, new Set(products.keys()));
    if (unknown.length > 0) return refused(reject('UNKNOWN_SKU', unknown.map((e) => e.message).join('; '), unknown));
    const inactive = inactiveSkuErrors(input.lines, products, (i) => `/lines/${i}/sku`);
    if (inactive.length > 0) return refused(reject('PRODUCT_INACTIVE', inactive.map((e) => e.message).join('; '), inactive));
    return ok({ input });
  }

  /**
   * What `receive` would answer, writing nothing (a CSV import's check before it writes, ADR 0037 addendum): `created`
   * true for a new order, false for a repeat of one received before with the same content; or the rejection, an
   * ORDER_CONFLICT for a repeat with other content included. A concurrent writer may still change the answer.
   */
  async function check(request: NewOrder): Promise<Outcome<{ created: boolean }>> {
    const admitted = await admit(request);
    if (!admitted.ok) return admitted;
    if ('repeat' in admitted.value) return ok({ created: admitted.value.repeat.created });
    const existing = await orderIdByExternalId(deps.db, admitted.value.input.externalId);
    if (existing === undefined) return ok({ created: true });
    const again = await foundAgain(existing, admitted.value.input);
    return again.ok ? ok({ created: again.value.created }) : again;
  }

  /**
   * Receives an order: checked by `admit`, written with its RECEIVED event in one transaction. Idempotent on the
   * external id: a repeat with the same content (also a concurrent one) returns the existing order; one with other
   * content is ORDER_CONFLICT naming what differs.
   */
  async function receive(request: NewOrder, meta: EventMeta): Promise<Outcome<{ order: Order; created: boolean }>> {
    const admitted = await admit(request);
    if (!admitted.ok) return admitted;
    if ('repeat' in admitted.value) return ok(admitted.value.repeat);
    const { input } = admitted.value;

    const orderId = deps.ids.next('ord');
    const lines = input.lines.map((l, i) => ({ id: deps.ids.next('oln'), lineNo: i + 1, sku: l.sku, ordered: l.quantity }));
    const data: OrderReceived = {
      orderId, externalId: input.externalId, siteId: input.siteId, carrier: input.carrier, priority: input.priority,
      lines: lines.map((l) => ({ lineId: l.id, lineNo: l.lineNo, sku: l.sku, quantity: l.ordered })),
      // Only when set (ADR 0012: an optional field; consumers read absent as false).
      ...(input.shipComplete ? { shipComplete: true } : {}),
      // Optional too (issue 13): pack & ship prints the address on labels and quotes carriers with it.
      shipTo: shipToData(input.shipTo),
      ...(input.ownerId === DEFAULT_OWNER_ID ? {} : { ownerId: input.ownerId }),
      // Only when set: orchestration raises SHIP_BY_MISSED when the order has not shipped by then.
      ...(input.shipBy === null ? {} : { shipBy: new Date(input.shipBy).toISOString() }),
    };
    const events = deps.bus.envelopes('orders', [{ type: OrderEvents.received, subject: orderId, siteId: input.siteId, data }], meta);
    // The order, its lines, history and RECEIVED event in ONE statement (autocommitted alone, or in the caller's unit
    // of work), unless its external id was received before: no look-up first (ADR 0003 addendum 2026-12-03).
    const inserted = await insertOrder(deps.bus.writer(deps.db), { ...input, id: orderId, lines }, deps.clock.now(), events);
    if (inserted === undefined) {
      // Received before (or by a concurrent request: the insert waited for its commit, so this later read sees it).
      const other = await orderIdByExternalId(deps.db, input.externalId);
      if (other === undefined) throw new Error(`order ${input.externalId} conflicted but cannot be read`);
      return foundAgain(other, input);
    }
    const tx = deps.db.openTx();
    if (tx === undefined) received.inc();
    else tx.afterCommit(() => received.inc());
    return ok({ order: inserted, created: true });
  }

  /**
   * The order already received under this external id: the same order when the content is the content of the create
   * that made it (ADR 0040 addendum integ4) — a retry of that create, whatever a supervisor, a 940 change or a
   * storefront update changed since (its priority, lines, ship-to) — or the order as it is now; else a conflict naming
   * what differs from that create. The answer changes nothing. An order of another site or owner is not the sender's to
   * read (ADRs 0019, 0028): the conflict names the site or owner alone, so that a caller of some sites or owners cannot
   * guess its content field by field.
   */
  async function foundAgain(id: string, input: NewOrder): Promise<Outcome<{ order: Order; created: boolean }>> {
    const order = await orderById(deps.db, id);
    if (order === undefined) throw new Error(`order ${id} vanished`);
    const now = orderDifferences(order, input);
    if (now.length === 0) return ok({ order, created: false });
    const created = await createdAsOf(deps.db, id);
    // An order received before its create was kept (migration 011) is compared with the order as it is, as before.
    const everything = created === undefined || created === null ? now : orderDifferences({ ...created, siteId: order.siteId, ownerId: order.ownerId }, input);
    if (everything.length === 0) return ok({ order, created: false });
    const elsewhere = everything.filter((d) => d.field === '/siteId' || d.field === '/ownerId');
    const differs = elsewhere.length > 0 ? elsewhere : everything;
    return reject('ORDER_CONFLICT', `Order ${input.externalId} was received with other content (${differs.map((d) => d.field).join(', ')}); send it with a new externalId, or cancel the first`, differs);
  }

  async function get(id: string): Promise<Outcome<Order>> {
    const order = await orderById(deps.db, id);
    return order === undefined ? reject('NOT_FOUND', `No order ${id}`) : ok(order);
  }

  /** How many of a site's orders (of one owner's, with `ownerId`) are in each status; every status, 0 when none. */
  async function counts(siteId: string, ownerId: string | null): Promise<Record<OrderStatus, number>> {
    return byStatus(ORDER_STATUSES, await countOrdersByStatus(deps.db, siteId, ownerId));
  }

  /** A page of orders; `ids` and `waveId` narrow it, `withLines` adds every order's lines (one more statement). */
  async function list(q: {
    limit: number; cursor?: string | undefined; status?: OrderStatus | undefined; siteId?: string | undefined; ownerId?: string | undefined;
    externalId?: string | undefined;
    ids?: readonly string[] | undefined; waveId?: string | undefined; withLines?: boolean | undefined;
  }): Promise<Outcome<OrderPage>> {
    const after = cursorKey(q.cursor, CURSOR_SHAPES.idOf('ord')); // the last id of the previous page
    if (!after.ok) return after;
    const afterId = after.value;
    const items = await listOrders(deps.db, {
      limit: q.limit, afterId, status: q.status ?? null, siteId: q.siteId ?? null, ownerId: q.ownerId ?? null, externalId: q.externalId ?? null, ids: q.ids ?? null, waveId: q.waveId ?? null,
    });
    const next = nextCursor(items, q.limit, (l) => l.id);
    if (q.withLines !== true) return ok({ items, nextCursor: next });
    const lines = await linesOfOrders(deps.db, items.map((o) => o.id));
    return ok({ items: items.map((o) => ({ ...o, lines: lines.get(o.id) ?? [] })), nextCursor: next });
  }

  /**
   * A decided cancel stops picking before it is announced (ADR 0011, addenda 2026-12-06 ter and quater): the order's
   * open pick lines are cancelled under their row locks, so a confirm and the cancel are decided one after the other —
   * the confirm committed first is a pick the order's return sends back, one after is refused ORDER_CANCELLED. After
   * pack & ship decided (a cancel it refuses stops nothing: the order's picking goes on), before the decision is
   * announced (`shipping-stopped`, on which orders may record the cancel before this request goes on: a confirm
   * committed then would be a pick of an order already CANCELLED). Picking not in this process nor its peers, or
   * unreachable, leaves it to `orders.order.cancelled`.
   */
  async function stopPicking(id: string, meta: EventMeta): Promise<void> {
    const api = picking();
    if (api === undefined) return;
    try {
      await api.stopPicking(id, meta);
    } catch (e) {
      deps.log.warn({ orderId: id, err: (e as Error).message }, 'orders: could not stop picking for a cancelled order; picking hears of it by event');
    }
  }

  /**
   * The stop of a cancel with If-Match, in two phases (ADR 0011 addendum 2026-12-07 quater): pack & ship records it
   * pending under its order lock (packs, bookings, dispatches and dock scans of the order answer "try again" meanwhile),
   * the order's version is checked again under its row lock, then pack & ship decides the stop (stopShipping) or drops
   * the pending one, changing nothing (412 VERSION_MISMATCH); the check and the decision in one unit of work, the row
   * lock held between them (addendum 2026-12-07 sexies). The floor's events that change the order come through pack
   * & ship's refusals or come before the check; a request that stops between the phases leaves a lease of seconds.
   */
  async function stopIfUnchanged(
    id: string, siteId: string, reason: string | null, ifMatch: IfMatch, meta: EventMeta,
  ): Promise<Awaited<ReturnType<typeof packShip.stopShipping>> | { stopped: true; alreadyCancelled: true } | Extract<Outcome<never>, { ok: false }>> {
    const stopId = deps.ids.next('stp');
    const reserved = await packShip.reserveStop({ orderId: id, siteId, stopId });
    // Refused (dispatched, a dock scan) or stopped already (a cancel decided, its record here maybe lost): as stopShipping answers.
    if (!('reserved' in reserved)) return reserved;
    // The version checked and the stop decided under the order's row lock, held between the two: a change of the order
    // (a line change, a hold, a reprioritise) either committed before the check (412) or waits for the decided stop.
    // Before, the lock went with the check's own transaction, and a change committed between it and the stop was
    // cancelled under an If-Match it no longer matched (200; with an Idempotency-Key the request's unit kept the lock).
    let version: number | undefined;
    let cancelledMeanwhile = false;
    let asked = false;
    let decided: Awaited<ReturnType<typeof packShip.stopShipping>> | undefined;
    const checkAndStop = async (): Promise<typeof decided> => {
      const o = await deps.db.tx((tx) => orderSummary(tx, id, true));
      version = o?.version;
      // Cancelled since the first read (another cancel decided first): the state asked for, whatever the version (as a
      // cancelled order answers any If-Match, addendum quinquies); before, 412 VERSION_MISMATCH.
      if (o !== undefined && cancelDecision(o.status) === 'ALREADY_CANCELLED') {
        cancelledMeanwhile = true;
        return undefined;
      }
      if (version === undefined || !ifMatchHolds(ifMatch, version)) return undefined;
      asked = true;
      return packShip.stopShipping({ orderId: id, siteId, reason, announce: false }, meta);
    };
    try {
      // ONE unit of work (the request's, under an Idempotency-Key): pack & ship in this process joins it; a remote one
      // decides in its own while the row lock waits here.
      decided = deps.db.openTx() === undefined ? await deps.db.unitOfWork(checkAndStop) : await checkAndStop();
    } catch (e) {
      // Not asked: the pending stop goes. Asked: pack & ship may have decided it; its lease, or the owed stop, settles it.
      if (!asked) await dropStop(id, stopId);
      throw e;
    }
    if (decided !== undefined) return decided;
    await dropStop(id, stopId);
    if (cancelledMeanwhile) return { stopped: true, alreadyCancelled: true };
    return { ok: false, ...(version === undefined
      ? { code: 'NOT_FOUND', message: `No order ${id}` }
      : { code: 'VERSION_MISMATCH', message: `The order is at version ${version} ("${version}"), which If-Match ${ifMatch.any ? '*' : ifMatch.header} does not match` }) };
  }

  /** Drops a pending stop; not reachable, its lease ends it in seconds. */
  async function dropStop(id: string, stopId: string): Promise<void> {
    try {
      await packShip.dropStop({ orderId: id, stopId });
    } catch (e) {
      deps.log.warn({ orderId: id, stopId, err: (e as Error).message }, 'orders: could not drop a refused cancel\'s pending stop at pack & ship; its lease ends it');
    }
  }

  /**
   * Cancels an order in any state before it ships. Pack & ship decides first (PackShipApi.stopShipping): it stops
   * every future pack, label and dispatch of the order, or answers that the order has left, under the same lock its
   * dispatch takes, so a dispatch and a cancellation never both succeed. Once it has stopped shipping the cancel is
   * decided: this transaction records it, and if it never commits (a crash) orders completes it when it hears
   * `pack-ship.order.shipping-stopped`. The floor compensates on `orders.order.cancelled` (open picks withdrawn,
   * picked units back to stock, the order out of its wave). The optional If-Match is checked on a read first (a stale one
   * asks pack & ship nothing), then again under the order's row lock between the two phases of the stop
   * (`stopIfUnchanged`): a change of the order meanwhile answers 412 with nothing stopped.
   */
  async function cancel(id: string, reason: string | null, ifMatch: IfMatch | undefined, meta: EventMeta): Promise<Outcome<Order>> {
    const seen = await orderSummary(deps.db, id);
    if (seen === undefined) return reject('NOT_FOUND', `No order ${id}`);
    const decision = cancelDecision(seen.status);
    // Cancelled already: the change asked for is the order's state, whatever version the caller saw (RFC 9110 §13.1.1
    // lets a precondition that fails answer 2xx then). Above all a retry of this very cancel, whose first attempt's
    // process stopped after pack & ship decided it: orders completed it since, at a new version, and the retry's
    // If-Match (the version the client saw) was answered 412 as if another change had won.
    if (decision === 'ALREADY_CANCELLED') return cancelledOrder(id);
    if (ifMatch !== undefined && !ifMatchHolds(ifMatch, seen.version)) {
      return reject('VERSION_MISMATCH', `The order is at version ${seen.version} ("${seen.version}"), which If-Match ${ifMatch.any ? '*' : ifMatch.header} does not match`);
    }
    if (decision === 'ORDER_SHIPPED') return reject('ORDER_SHIPPED', `Order ${id} has shipped; it can no longer be cancelled`);
    // Pack & ship decides first, its announcement owed: a cancel it refuses has changed nothing anywhere. With If-Match
    // in two phases, so that a change of the order since the read above is caught before anything is voided.
    // Inside a unit of work (an Idempotency-Key, a 940's interchange) the order's row is locked first and held to the
    // end, as the If-Match path's check holds it: the lock order is orders', then pack & ship's, for every cancel. Before,
    // such a unit took pack & ship's row first and orders' last, and deadlocked with an If-Match cancel of the order.
    if (ifMatch === undefined && deps.db.openTx() !== undefined) await deps.db.tx((tx) => orderSummary(tx, id, true));
    const gate = ifMatch === undefined
      ? await packShip.stopShipping({ orderId: id, siteId: seen.siteId, reason, announce: false }, meta)
      : await stopIfUnchanged(id, seen.siteId, reason, ifMatch, meta);
    if ('code' in gate) return gate;
    if ('alreadyCancelled' in gate) return cancelledOrder(id);
    if (!gate.stopped) {
      if ('shipmentId' in gate) return reject('ORDER_SHIPPED', `Order ${id} has been dispatched (shipment ${gate.shipmentId}); it can no longer be cancelled`);
      // A SHIP scan at the dock claimed the order first: it shipped, or is deciding whether it ships (ask again).
      return gate.dockShip === 'SHIPPED'
        ? reject('ORDER_SHIPPED', `Order ${id} was shipped by a SHIP scan at the dock; it can no longer be cancelled`)
        : reject('ORDER_SHIPPING', `A SHIP scan of order ${id}'s units is under way at the dock: ask again in a moment (the answer is then final)`);
    }
    await stopPicking(id, meta);
    try {
      await packShip.announceStop(id, meta);
    } catch (e) {
      // Decided all the same: the cancel-stops job announces it, and pack & ship hears orders.order.cancelled below.
      deps.log.warn({ orderId: id, err: (e as Error).message }, 'orders: could not announce a decided cancel at pack & ship; it is announced later');
    }
    await deps.db.tx(async (tx) => {
      const o = await orderSummary(tx, id, true);
      if (o !== undefined) await cancelLocked(tx, o, reason, meta);
    });
    return cancelledOrder(id);
  }

  /**
   * Gives a not yet shipped order another priority (1 most urgent): the wave pool, its open pick lists and their tasks
   * not started yet follow `orders.order.reprioritised`. The same priority again changes nothing and announces nothing.
   */
  async function reprioritise(id: string, priority: number, meta: EventMeta): Promise<Outcome<Order>> {
    const outcome = await deps.db.tx(async (tx): Promise<Outcome<null>> => {
      const o = await orderSummary(tx, id, true);
      if (o === undefined) return reject('NOT_FOUND', `No order ${id}`);
      if (hasShipped(o.status)) return reject('ORDER_SHIPPED', `Order ${id} has shipped; its priority no longer matters`);
      if (o.status === 'CANCELLED') return reject('ORDER_CANCELLED', `Order ${id} is cancelled`);
      if (o.priority === priority) return ok(null);
      await setPriority(tx, id, priority, deps.clock.now());
      const data: OrderReprioritised = { orderId: id, siteId: o.siteId, ...owned(o), from: o.priority, to: priority };
      await deps.bus.append(tx, 'orders', [{ type: OrderEvents.reprioritised, subject: id, siteId: o.siteId, data }], meta);
      return ok(null);
    });
    return outcome.ok ? cancelledOrder(id) : outcome;
  }

  /**
   * An order sent again with changes (storefront orders/updated, EDI 940 change; ADRs 0040, 0046), decided under the
   * order's row lock. Same content: unchanged, no event. Only while RECEIVED, BACKORDERED or ALLOCATED (nothing on the
   * floor has read it yet), and ON_HOLD for a ship-to alone: a ship-to alone is replaced at once (`orders.order.updated`); changed lines are recorded as
   * a pending change, waves is asked to hold the order out of planning (the one decision point, as pack & ship's is
   * for a cancel: a planner that has the order wins, and the answer is ORDER_IN_FULFILMENT), then the change is applied
   * (`orders.order.lines-changed`, the order RECEIVED again). Site, carrier and owner cannot change.
   */
  async function update(request: NewOrder, meta: EventMeta): Promise<Outcome<{ order: Order; changed: boolean }>> {
    const id = await orderIdByExternalId(deps.db, request.externalId);
    if (id === undefined) return reject('NOT_FOUND', `No order ${request.externalId}`, [{ field: '/externalId', message: 'no order was received with this externalId' }]);
    const site = await locations.getSite(request.siteId);
    const products = await catalog.getBySkus(request.lines.map((l) => l.sku));
    const changeId = deps.ids.next('chg');
    const command = async (): Promise<Outcome<{ order: Order; changed: boolean }>> => {
      await catchUpWaveCancel(id, meta);
      const decided = await deps.db.tx(async (tx): Promise<Outcome<'unchanged' | 'ship-to' | 'lines'>> => {
        const o = await orderSummary(tx, id, true);
        if (o === undefined) return reject('NOT_FOUND', `No order ${request.externalId}`);
        const input: NewOrder = { ...request, siteId: site?.id ?? request.siteId, ownerId: o.ownerId, priority: o.priority, shipBy: o.shipBy, shipComplete: o.shipComplete };
        const errors = validateNewOrder(input);
        if (errors.length > 0) return reject('UNPROCESSABLE', 'The order is not valid', errors);
        const current = await orderLines(tx, id);
        const differs = orderDifferences({ ...o, lines: current }, input);
        const unsupported = differs.filter((d) => d.field !== '/shipTo' && d.field !== '/lines');
        if (unsupported.length > 0) {
          return reject('ORDER_CHANGE_NOT_SUPPORTED', `Order ${o.externalId}: ${unsupported.map((d) => d.field.slice(1)).join(', ')} cannot change; cancel it and send a new order`, unsupported);
        }
        if (differs.length === 0) return ok('unchanged');
        const shipToOnly = !differs.some((d) => d.field === '/lines');
        const refused = changeRefusal(o, shipToOnly);
        if (refused !== undefined) return refused;
        if (shipToOnly) {
          const now = deps.clock.now();
          await setShipTo(tx, id, input.shipTo, now);
          await insertHistory(tx, id, o.status, o.status, now, 'ship-to changed');
          const data: OrderUpdated = { orderId: id, siteId: o.siteId, ...owned(o), externalId: o.externalId, shipTo: shipToData(input.shipTo) };
          await deps.bus.append(tx, 'orders', [{ type: OrderEvents.updated, subject: id, siteId: o.siteId, data }], meta);
          return ok('ship-to');
        }
        const unknown = unknownSkuErrors(input.lines, new Set(products.keys()));
        if (unknown.length > 0) return reject('UNKNOWN_SKU', unknown.map((e) => e.message).join('; '), unknown);
        // A product deactivated since refuses new demand only: the order's own units of it (kept or fewer) still change
        // with the rest of the order (ADR 0045: open work completes; before 2026-12-07 any line naming it was refused).
        const more = skusWithMoreUnits(current, input.lines);
        const inactive = inactiveSkuErrors(input.lines, new Map([...products].filter(([sku]) => more.has(sku))), (i) => `/lines/${i}/sku`);
        if (inactive.length > 0) return reject('PRODUCT_INACTIVE', inactive.map((e) => e.message).join('; '), inactive);
        await savePendingChange(tx, id, { changeId, lines: input.lines, shipTo: input.shipTo }, deps.clock.now());
        return ok('lines');
      });
      if (!decided.ok) return decided;
      if (decided.value === 'lines') {
        const o = await orderSummary(deps.db, id);
        if (o === undefined) return reject('NOT_FOUND', `No order ${request.externalId}`);
        const gate = await waves.holdForChange({ orderId: id, siteId: o.siteId, carrier: o.carrier, priority: o.priority, changeId }, meta);
        if (!gate.held) {
          await deps.db.tx((tx) => takePendingChange(tx, id, changeId));
          return reject('ORDER_IN_FULFILMENT', `Order ${o.externalId} is in wave ${gate.waveId}: once waved an order can be cancelled, not changed`);
        }
        const applied = await deps.db.tx((tx) => applyPendingChange(tx, id, changeId, { type: 'update', meta }));
        if (!applied.ok) return applied;
      }
      const order = await orderById(deps.db, id);
      return order === undefined ? reject('NOT_FOUND', `No order ${id}`) : ok({ order, changed: decided.value !== 'unchanged' });
    };
    // ONE transaction (joining the caller's unit of work), as a line cancel's and a hold's: the order's row lock taken by
    // the decision is held through the gate and the apply. In separate transactions a cancel could commit between them
    // and orders hear `waves.order.held` first: the handler dropped the change (the order is cancelled), and the request,
    // finding no pending change, answered it made (a storefront's 200 with no `refused`). Now the cancel waits for it.
    return deps.db.openTx() === undefined ? deps.db.unitOfWork(command) : command();
  }

  /**
   * Cancels `quantity` open units of one line (all of them when absent; ADR 0046 addendum 2026-12-05), decided by
   * `decideCancelLine` under the order's row lock. Before a wave has the order it takes a line change's path: recorded
   * as a pending change, waves asked to hold the order out of planning (the one decision point: a planner that has the
   * order wins, ORDER_IN_FULFILMENT naming the wave), then applied — the line's `cancelled` grows, the order is RECEIVED
   * again and `orders.order.lines-changed` (with `lineCancelled`) has inventory release the old allocation and allocate
   * the open units. When no line would keep an open unit the whole order is cancelled through `cancel`. The same
   * cancel of a line with nothing open again answers the order unchanged.
   */
  async function cancelLine(
    id: string, lineId: string, request: { readonly quantity?: number | undefined; readonly reason: string | null }, meta: EventMeta,
  ): Promise<Outcome<Order>> {
    const changeId = deps.ids.next('chg');
    const command = async (): Promise<Outcome<Order>> => {
      await catchUpWaveCancel(id, meta);
      const decided = await deps.db.tx(async (tx): Promise<Outcome<'unchanged' | 'cancel-order' | 'pending'>> => {
        const o = await orderSummary(tx, id, true);
        if (o === undefined) return reject('NOT_FOUND', `No order ${id}`);
        const decision = decideCancelLine({ order: o, lines: await orderLines(tx, id) }, { lineId, quantity: request.quantity }, deps.clock.now());
        if (!decision.ok) return decision;
        if (decision.value.kind !== 'cancel-units') return ok(decision.value.kind);
        const { quantity } = decision.value;
        await savePendingChange(tx, id, { changeId, lines: [], shipTo: o.shipTo, lineCancel: { lineId, quantity, reason: request.reason } }, deps.clock.now());
        return ok('pending');
      });
      if (!decided.ok) return decided;
      if (decided.value === 'cancel-order') return cancel(id, request.reason, undefined, meta);
      if (decided.value === 'pending') {
        const o = await orderSummary(deps.db, id);
        if (o === undefined) return reject('NOT_FOUND', `No order ${id}`);
        const gate = await waves.holdForChange({ orderId: id, siteId: o.siteId, carrier: o.carrier, priority: o.priority, changeId }, meta);
        if (!gate.held) {
          await deps.db.tx((tx) => takePendingChange(tx, id, changeId));
          return reject('ORDER_IN_FULFILMENT', `Order ${o.externalId} is in wave ${gate.waveId}: a line can be cancelled only before a wave takes the order; `
            + `cancel the whole order (POST /orders/${id}/cancel) or short the line at picking`);
        }
        const applied = await deps.db.tx((tx) => applyPendingChange(tx, id, changeId, { type: 'line cancel', meta }));
        if (!applied.ok) return applied;
        if (!applied.value) {
          // Another change of the order's lines was recorded meanwhile and replaced this one (one pending change per order).
          return reject('CONFLICT', `Order ${o.externalId} was changed by another request meanwhile; read it again and retry the line cancel`);
        }
      }
      return cancelledOrder(id);
    };
    // ONE transaction (joining the request's unit of work under an Idempotency-Key): the order's row lock taken by the
    // decision is held through the gate and the apply. In separate transactions `waves.order.held` of this change could
    // be handled first (orders applies the pending change it finds), and the request, finding none, answered 409
    // CONFLICT ("retry") for a cancel it had made; another request could also replace the change between the two.
    return deps.db.openTx() === undefined ? deps.db.unitOfWork(command) : command();
  }

  /**
   * Puts an order on hold before a wave takes it (ADR 0052), decided as a line change is (ADR 0046): under the order's
   * row lock the hold is recorded as pending (a second request while one is pending takes the same hold), waves is
   * asked to keep the order out of planning (the one decision point: a planner that has the order wins, and the
   * answer is ORDER_IN_FULFILMENT naming the wave), then the order goes ON_HOLD with `orders.order.held`. If the
   * request dies after waves held the order, orders completes the hold on `waves.order.held`. A held order answers
   * 200 again, unchanged.
   */
  async function hold(id: string, reason: string, meta: EventMeta): Promise<Outcome<Order>> {
    const command = async (): Promise<Outcome<Order>> => {
      await catchUpWaveCancel(id, meta);
      const decided = await deps.db.tx(async (tx): Promise<Outcome<{ holdId: string } | null>> => {
        const o = await orderSummary(tx, id, true);
        if (o === undefined) return reject('NOT_FOUND', `No order ${id}`);
        const refused = holdRefusal(o);
        if (refused !== undefined) return refused;
        if (o.status === 'ON_HOLD') return ok(null);
        return ok(await savePendingHold(tx, id, { holdId: deps.ids.next('hld'), reason }, deps.clock.now()));
      });
      if (!decided.ok) return decided;
      if (decided.value !== null) {
        const { holdId } = decided.value;
        const o = await orderSummary(deps.db, id);
        if (o === undefined) return reject('NOT_FOUND', `No order ${id}`);
        const gate = await waves.holdForChange({ orderId: id, siteId: o.siteId, carrier: o.carrier, priority: o.priority, changeId: holdId }, meta);
        if (!gate.held) {
          await deps.db.tx((tx) => takePendingHold(tx, id, holdId));
          return reject('ORDER_IN_FULFILMENT', `Order ${o.externalId} is in wave ${gate.waveId}: cancel the wave (its orders go back to the pool) to hold it, or cancel the order`);
        }
        const applied = await deps.db.tx((tx) => applyPendingHold(tx, id, holdId, { type: 'hold', meta }));
        if (!applied.ok) return applied;
      }
      return cancelledOrder(id);
    };
    // ONE transaction (joining the request's unit of work under an Idempotency-Key), as a line cancel's: the order's row
    // lock taken by the decision is held through the gate and the apply. In separate transactions a cancel could commit
    // between them and orders hear `waves.order.held` first: the handler dropped the hold (the order is cancelled), and
    // the request, finding no pending hold, answered 200 for a hold that never was. Now the cancel waits for the hold.
    return deps.db.openTx() === undefined ? deps.db.unitOfWork(command) : command();
  }

  /**
   * A hold, a line change or a line cancel may come right after `POST /waves/{id}/cancel` answered, before orders has
   * heard `waves.wave.cancelled` (ADR 0052 addendum 2026-12-06): the order still reads WAVED. Waves is asked whether
   * that wave was cancelled with the order in it (`WavesApi.cancelledWith`); if so the cancel's step is taken here
   * (`unwave`: WAVED → ALLOCATED, `orders.order.unwaved`), and the event finds it taken and does nothing. Only that
   * answer unwaves: an order its release sent back for want of stock also left its wave, but is not ALLOCATED, and
   * stays WAVED until `inventory.stock.reserved` says so. Waves unreachable: the order is decided as orders last heard it.
   */
  async function catchUpWaveCancel(id: string, meta: EventMeta): Promise<void> {
    const o = await orderSummary(deps.db, id);
    if (o?.status !== 'WAVED' || o.waveId === null) return;
    const waveId = o.waveId;
    let cancelled: boolean;
    try {
      cancelled = await waves.cancelledWith({ waveId, orderId: id });
    } catch (e) {
      deps.log.warn({ orderId: id, waveId, err: (e as Error).message }, 'orders: could not ask waves whether the order\'s wave was cancelled');
      return;
    }
    if (cancelled) await deps.db.tx((tx) => unwave(tx, id, waveId, { type: WaveEvents.cancelled, meta }));
  }

  /** Why the order cannot be held, if it cannot: final, or in a wave or on the floor. A held order can (idempotent). */
  function holdRefusal(o: OrderSummary): Outcome<never> | undefined {
    const decision = holdDecision(o.status, o.backorderReason);
    switch (decision) {
      case 'hold':
      case 'ALREADY_HELD':
        return undefined;
      case 'ORDER_CANCELLED':
        return reject('ORDER_CANCELLED', `Order ${o.externalId} is cancelled`);
      case 'ORDER_SHIPPED':
        return reject('ORDER_SHIPPED', `Order ${o.externalId} has shipped`);
      case 'ORDER_IN_FULFILMENT':
        // The way out named for where the order is: a planned wave can still be cancelled; past release the floor has it.
        return reject('ORDER_IN_FULFILMENT', `Order ${o.externalId} is ${o.status}${o.backorderReason === null ? '' : ` (${o.backorderReason})`}: `
          + 'only an order no wave has taken can be held; ' + (o.status === 'WAVED'
            ? `cancel its wave before release (POST /waves/${o.waveId ?? '{id}'}/cancel: its orders wait in the pool again) to hold it, or cancel the order`
            : `it is on the floor now (released), so a hold would not stop it: cancel the order (POST /orders/${o.id}/cancel; picked units go back to stock) if it must not ship`));
      default:
        return assertNever(decision, 'hold decision');
    }
  }

  /**
   * Applies the order's pending hold `holdId` (waves holds the order out of planning): ON_HOLD with `orders.order.held`.
   * Run by the request, and on `waves.order.held` in case the request's transaction never committed; whichever comes
   * second finds no pending hold and does nothing. A hold the order can no longer take (cancelled meanwhile) is dropped.
   */
  async function applyPendingHold(tx: Tx, orderId: string, holdId: string, cause: Cause): Promise<Outcome<boolean>> {
    const o = await lockForEvent(tx, orderId, cause);
    if (o === undefined) return reject('NOT_FOUND', `No order ${orderId}`);
    const pending = await takePendingHold(tx, orderId, holdId);
    if (pending === undefined || o.status === 'ON_HOLD') return ok(false);
    const refused = holdRefusal(o);
    if (refused !== undefined) {
      deps.log.info({ orderId, status: o.status, holdId, type: cause.type }, 'hold dropped: the order can no longer be held');
      return refused;
    }
    const from = o.status as HoldableStatus;
    orderLifecycle.assertCan(from, 'ON_HOLD');
    if (!(await putOnHold(tx, { id: orderId, version: o.version, from, hold: pending }, deps.clock.now()))) throw new Error(`order ${orderId} changed under its row lock`);
    const data: OrderHeld = { orderId, siteId: o.siteId, ...owned(o), holdId, from, reason: pending.reason };
    await deps.bus.append(tx, 'orders', [{ type: OrderEvents.heldOnRequest, subject: orderId, siteId: o.siteId, data }], cause.meta);
    return ok(true);
  }

  /**
   * Releases the order's hold: it goes on where the allocation while held left it (RECEIVED, ALLOCATED or
   * BACKORDERED), with `orders.order.hold-released` (the wave pool takes it again) and, when it was allocated or
   * backordered while held, the `allocated` or `backordered` it did not announce then. 409 ORDER_NOT_ON_HOLD otherwise
   * (a hold still pending completes on its own; release it after).
   */
  async function releaseHold(id: string, meta: EventMeta): Promise<Outcome<Order>> {
    const outcome = await deps.db.tx(async (tx): Promise<Outcome<null>> => {
      const o = await orderSummary(tx, id, true);
      if (o === undefined) return reject('NOT_FOUND', `No order ${id}`);
      if (o.status !== 'ON_HOLD' || o.hold === null) return reject('ORDER_NOT_ON_HOLD', `Order ${o.id} (${o.externalId}) is ${o.status}, not on hold`);
      const { holdId, from, resumeTo: to } = o.hold;
      orderLifecycle.assertCan('ON_HOLD', to);
      const now = deps.clock.now();
      if (!(await releaseHoldOf(tx, { id, version: o.version, to, cause: 'hold released' }, now))) throw new Error(`order ${id} changed under its row lock`);
      const released: OrderHoldReleased = { orderId: id, siteId: o.siteId, ...owned(o), holdId, to };
      const events: PublishedEvent[] = [{ type: OrderEvents.holdReleased, subject: id, siteId: o.siteId, data: released }];
      if (to !== from && (to === 'ALLOCATED' || to === 'BACKORDERED')) {
        const event = arrivalEvent(o, 'ON_HOLD', to, await orderLines(tx, id));
        if (event !== undefined) events.push(event);
      }
      await deps.bus.append(tx, 'orders', events, meta);
      return ok(null);
    });
    return outcome.ok ? cancelledOrder(id) : outcome;
  }

  /**
   * Why the order can no longer change, if it cannot: it is final, or waved or further (the floor has it). A held order
   * takes a new ship-to (`shipToOnly`): holding it to confirm the address is what a hold is for, and no wave can take it
   * meanwhile (ADR 0052 addendum 2026-12-05); its lines change once the hold is released.
   */
  function changeRefusal(o: OrderSummary, shipToOnly = false): Outcome<never> | undefined {
    if (o.status === 'CANCELLED') return reject('ORDER_CANCELLED', `Order ${o.externalId} is cancelled`);
    if (hasShipped(o.status)) return reject('ORDER_SHIPPED', `Order ${o.externalId} has shipped`);
    if (o.status === 'ON_HOLD') {
      return shipToOnly ? undefined
        : reject('ORDER_ON_HOLD', `Order ${o.externalId} is on hold (${o.hold?.reason ?? 'no reason'}): release the hold (POST /orders/${o.id}/release-hold) before changing its lines`);
    }
    if ((o.status !== 'RECEIVED' && o.status !== 'BACKORDERED' && o.status !== 'ALLOCATED') || o.backorderReason !== null) {
      return reject('ORDER_IN_FULFILMENT', `Order ${o.externalId} is ${o.status}${o.backorderReason === null ? '' : ` (${o.backorderReason})`}: once waved an order can be cancelled, not changed`);
    }
    return undefined;
  }

  /**
   * Applies the order's pending line change `changeId` (waves holds the order): new lines with new ids, the order
   * RECEIVED again, `orders.order.lines-changed` for inventory to release the old lines and allocate these. Run by the
   * request, and on `waves.order.held` in case the request's transaction never committed; whichever comes second finds
   * no pending change (applied, or replaced by a newer one) and does nothing. A change the order can no longer take
   * (cancelled meanwhile) is dropped.
   */
  async function applyPendingChange(tx: Tx, orderId: string, changeId: string, cause: Cause): Promise<Outcome<boolean>> {
    const o = await lockForEvent(tx, orderId, cause);
    if (o === undefined) return reject('NOT_FOUND', `No order ${orderId}`);
    const change = await takePendingChange(tx, orderId, changeId);
    if (change === undefined) return ok(false);
    const refused = changeRefusal(o);
    if (refused !== undefined) {
      deps.log.info({ orderId, status: o.status, changeId, type: cause.type }, 'line change dropped: the order can no longer change');
      return refused;
    }
    if (change.lineCancel != null) return applyLineCancel(tx, o, changeId, change.lineCancel, cause);
    const previous = await orderLines(tx, orderId);
    const lines = change.lines.map((l, i) => ({ id: deps.ids.next('oln'), lineNo: i + 1, sku: l.sku, ordered: l.quantity }));
    const now = deps.clock.now();
    if (o.status !== 'RECEIVED') {
      orderLifecycle.assertCan(o.status, 'RECEIVED');
      if (!(await updateStatus(tx, orderId, o.version, 'RECEIVED', now))) throw new Error(`order ${orderId} changed under its row lock`);
    }
    await replaceLines(tx, orderId, lines, change.shipTo, now);
    await insertHistory(tx, orderId, o.status, 'RECEIVED', now, 'lines changed');
    const data: OrderLinesChanged = {
      orderId, externalId: o.externalId, siteId: o.siteId, carrier: o.carrier, priority: o.priority, changeId, previousStatus: o.status,
      previousLines: openLineData(previous), lines: lines.map((l) => ({ lineId: l.id, lineNo: l.lineNo, sku: l.sku, quantity: l.ordered })),
      ...(o.shipComplete ? { shipComplete: true } : {}),
      shipTo: shipToData(change.shipTo),
      ...(o.ownerId === DEFAULT_OWNER_ID ? {} : { ownerId: o.ownerId }),
    };
    await deps.bus.append(tx, 'orders', [{ type: OrderEvents.linesChanged, subject: orderId, siteId: o.siteId, data }], cause.meta);
    return ok(true);
  }

  /**
   * A pending line cancel applied to the locked order (waves holds it): decided again on the lines as they are now (a
   * cancel the order can no longer take is dropped with its rejection), the line's `cancelled` grown, every line's
   * allocation back to 0, the order RECEIVED again, and `orders.order.lines-changed` with `lineCancelled` (the same
   * line ids; inventory releases the open units before and allocates those after).
   */
  async function applyLineCancel(tx: Tx, o: OrderSummary, changeId: string, cancel: LineCancel, cause: Cause): Promise<Outcome<boolean>> {
    const orderId = o.id;
    const previous = await orderLines(tx, orderId);
    const decision = decideCancelLine({ order: o, lines: previous }, { lineId: cancel.lineId, quantity: cancel.quantity }, deps.clock.now());
    if (!decision.ok || decision.value.kind !== 'cancel-units') {
      deps.log.info({ orderId, status: o.status, changeId, type: cause.type }, 'line cancel dropped: the order can no longer take it');
      return decision.ok ? reject('CONFLICT', `Order ${o.externalId} changed meanwhile; read it again and retry the line cancel`) : decision;
    }
    const d = decision.value;
    const now = deps.clock.now();
    if (!(await cancelLineUnits(tx, orderId, d.lineId, d.quantity))) throw new Error(`line ${d.lineId} of order ${orderId} changed under its row lock`);
    if (o.status !== 'RECEIVED') orderLifecycle.assertCan(o.status, 'RECEIVED');
    if (!(await updateStatus(tx, orderId, o.version, 'RECEIVED', now))) throw new Error(`order ${orderId} changed under its row lock`);
    const line = previous.find((l) => l.id === d.lineId);
    await insertHistory(tx, orderId, o.status, 'RECEIVED', now,
      `line ${line?.lineNo ?? d.lineId} (${d.sku}): ${d.quantity} cancelled${cancel.reason === null ? '' : `: ${cancel.reason}`}`);
    const data: OrderLinesChanged = {
      orderId, externalId: o.externalId, siteId: o.siteId, carrier: o.carrier, priority: o.priority, changeId, previousStatus: o.status,
      previousLines: [...d.previousLines], lines: [...d.lines],
      ...(o.shipComplete ? { shipComplete: true } : {}),
      shipTo: shipToData(o.shipTo),
      ...(o.ownerId === DEFAULT_OWNER_ID ? {} : { ownerId: o.ownerId }),
      lineCancelled: { lineId: d.lineId, sku: d.sku, quantity: d.quantity, reason: cancel.reason },
    };
    await deps.bus.append(tx, 'orders', [{ type: OrderEvents.linesChanged, subject: orderId, siteId: o.siteId, data }], cause.meta);
    return ok(true);
  }

  /**
   * `waves.order.held`: waves holds the order for `changeId` (a line change, or a hold). It is applied if the request has not done it yet;
   * otherwise (applied already, replaced by a newer request whose own gate may never come, or refused because the order
   * can no longer change) `orders.order.change-dropped` tells waves to release a hold that is still this change's: no
   * one else would, and a held order is never planned (ADR 0046 addendum).
   */
  async function orderHeld(tx: Tx, held: { readonly orderId: string; readonly siteId: string; readonly changeId: string }, cause: Cause): Promise<void> {
    // Holds (ADR 0052) have `hld_` ids, line changes `chg_` ids.
    const isHold = held.changeId.startsWith('hld_');
    const applied = isHold
      ? await applyPendingHold(tx, held.orderId, held.changeId, cause)
      : await applyPendingChange(tx, held.orderId, held.changeId, cause);
    if (applied.ok && applied.value) return;
    if (!applied.ok && applied.code === 'NOT_FOUND') return;
    // An order on hold keeps its pool row held whoever held it last: releasing the hold clears it (ADR 0052).
    if ((await orderSummary(tx, held.orderId))?.status === 'ON_HOLD') return;
    const data: OrderChangeDropped = { orderId: held.orderId, siteId: held.siteId, changeId: held.changeId };
    await deps.bus.append(tx, 'orders', [{ type: OrderEvents.changeDropped, subject: held.orderId, siteId: held.siteId, data }], cause.meta);
  }

  async function cancelledOrder(id: string): Promise<Outcome<Order>> {
    const order = await orderById(deps.db, id);
    return order === undefined ? reject('NOT_FOUND', `No order ${id}`) : ok(order);
  }

  /** CANCELLED with its event, unless the locked order is already final. */
  async function cancelLocked(tx: Tx, o: OrderSummary, reason: string | null, meta: EventMeta): Promise<boolean> {
    if (o.status === 'CANCELLED') return false;
    if (hasShipped(o.status)) {
      // Pack & ship said it had stopped shipping, yet the order shipped: a broken invariant, never papered over.
      throw new Error(`order ${o.id} shipped after its shipping was stopped`);
    }
    orderLifecycle.assertCan(o.status, 'CANCELLED');
    const cancelledBefore = await cancelLines(tx, o.id);
    const { lines } = await write(tx, o, {
      ...step(o.status, 'CANCELLED', reason === null ? 'cancelled' : `cancelled: ${reason}`), set: { cancelReason: reason }, readLines: true,
    });
    // Each line's units a line cancel took before: not short, whatever the order's reason (a SHORTED cancel's EDI 945).
    const cancelledLines = lineData(lines ?? []).map((l) => {
      const before = cancelledBefore.get(l.lineId) ?? 0;
      return before > 0 ? { ...l, cancelled: before } : l;
    });
    const data: OrderCancelled = { orderId: o.id, siteId: o.siteId, ...owned(o), previousStatus: o.status, lines: cancelledLines, reason };
    await deps.bus.append(tx, 'orders', [{ type: OrderEvents.cancelled, subject: o.id, siteId: o.siteId, data }], meta);
    tx.afterCommit(() => cancelled.inc());
    return true;
  }

  /** Pack & ship stopped shipping for a cancel whose own transaction did not commit: the cancel is completed here. */
  async function shippingStopped(tx: Tx, orderId: string, reason: string | null, cause: Cause): Promise<void> {
    const o = await lockForEvent(tx, orderId, cause);
    if (o !== undefined) await cancelLocked(tx, o, reason, cause.meta);
  }

  /**
   * The order's picking is done and pack & ship has heard of its `unitsPicked` picked units
   * (`pack-ship.order.ready-to-pack`, ADR 0049): PICKED — or, when every unit was shorted and nothing was picked,
   * CANCELLED with reason SHORTED, since nothing is left to pack or ship and no other call could move it on. Orders
   * hears the picks and shorts itself, from picking, maybe later than pack & ship: until it has heard of as many picked
   * units (and, when nothing was picked and picking says PARTIAL, of a short), the event waits (`EventNotReady`), so
   * PICKED, and the cancel of an all-shorted order, are decided on what pack & ship knew. The announcement of a later
   * packing round (`round`) takes a PACKED order back to PICKED (`reopenPacking`, ADR 0049 addendum 2026-12-04); one of
   * a round the order is in or past already changes nothing.
   */
  async function pickingDone(
    tx: Tx, orderId: string, done: { readonly unitsPicked: number; readonly status: 'COMPLETED' | 'PARTIAL'; readonly round?: number | undefined }, cause: Cause,
  ): Promise<void> {
    const o = await lockForEvent(tx, orderId, cause);
    if (o === undefined || o.status === 'CANCELLED') return;
    const round = done.round ?? 1;
    const decision = o.status === 'PACKED' ? readyToPackDecision(o.status, (await packRounds(tx, [orderId])).get(orderId) ?? 1, round) : 'pick';
    if (decision === 'reopen') {
      await reopenPacking(tx, o, round, cause);
      return;
    }
    if (decision === 'ignore') {
      deps.log.info({ orderId, round, type: cause.type }, 'ready to pack in a round the order has packed already; ignored');
      return;
    }
    const lines = await orderLines(tx, orderId);
    const toPicked = forwardPath(o.status, 'PICKED', o.backorderReason === BACKORDER_REASONS.shortPick).length > 0;
    if (toPicked) {
      // Units lost at the pack bench and picked again are picking's too (ADR 0024 addendum 2026-12-07).
      const heard = lines.reduce((n, l) => n + l.picked, 0) + await lostAtPackOf(tx, orderId);
      if (heard < done.unitsPicked) {
        throw new EventNotReady(`pack & ship is ready to pack ${orderId} with ${done.unitsPicked} picked units, but orders has heard of ${heard} yet`);
      }
      if (done.unitsPicked === 0 && done.status === 'PARTIAL' && lines.every((l) => l.shorted === 0)) {
        throw new EventNotReady(`picking of ${orderId} ended PARTIAL with nothing picked, but orders has heard of no short of it yet`);
      }
    }
    const nothingPicked = lines.every((l) => l.picked === 0) && lines.some((l) => l.shorted > 0);
    if (nothingPicked && orderLifecycle.can(o.status, 'CANCELLED') && toPicked) {
      deps.log.info({ orderId, type: cause.type }, 'every unit of the order was shorted: cancelled with reason SHORTED');
      await cancelLocked(tx, o, CANCEL_REASONS.shorted, cause.meta);
      return;
    }
    await progressLocked(tx, o, 'PICKED', cause);
  }

  /**
   * PACKED → PICKED: pack & ship starts packing round `round` of the packed order, a sealed package of it having been
   * opened again (ADR 0049 addendum 2026-12-04). Announced as any arrival at PICKED, `orders.order.picked`, from PACKED
   * with reason PACKING_REOPENED; the history row is the round's record (`packRounds`). The line quantities follow
   * `pack-ship.package.repacked` (another subject: maybe heard before, maybe after this).
   */
  async function reopenPacking(tx: Tx, o: OrderSummary, round: number, cause: Cause): Promise<void> {
    orderLifecycle.assertCan('PACKED', 'PICKED');
    await write(tx, o, step('PACKED', 'PICKED', `${cause.type}: round ${round}, ${PACKING_REOPENED}`));
    const data: OrderStatusChanged = { orderId: o.id, siteId: o.siteId, ...owned(o), from: 'PACKED', to: 'PICKED', reason: PACKING_REOPENED };
    await deps.bus.append(tx, 'orders', [{ type: OrderEvents.picked, subject: o.id, siteId: o.siteId, data }], cause.meta);
  }

  /**
   * The carrier delivered every shipment of the order (`pack-ship.order.delivered`): SHIPPED → DELIVERED, announced
   * with `orders.order.delivered`. Pack & ship says so once per order, after its dispatches; should orders not have
   * heard of a dispatch yet (another subject, another partition), the event waits (`EventNotReady`) until it has. A
   * repeat finds the order DELIVERED and changes nothing; a cancelled order never ships, so it never hears this.
   */
  async function delivered(tx: Tx, d: { readonly orderId: string; readonly deliveredAt: string; readonly shipmentIds: readonly string[] }, cause: Cause): Promise<void> {
    const o = await lockForEvent(tx, d.orderId, cause);
    if (o === undefined || o.status === 'DELIVERED') return;
    if (o.status === 'CANCELLED') {
      deps.log.warn({ orderId: o.id, type: cause.type }, 'delivery reported for a cancelled order; ignored');
      return;
    }
    if (o.status !== 'SHIPPED') throw new EventNotReady(`the carrier delivered ${o.id}, but orders has not heard of its dispatch yet (${o.status})`);
    orderLifecycle.assertCan(o.status, 'DELIVERED');
    await write(tx, o, step('SHIPPED', 'DELIVERED', cause.type));
    const data: OrderDelivered = { orderId: o.id, siteId: o.siteId, ...owned(o), deliveredAt: d.deliveredAt, shipmentIds: [...d.shipmentIds] };
    await deps.bus.append(tx, 'orders', [{ type: OrderEvents.delivered, subject: o.id, siteId: o.siteId, data }], cause.meta);
  }

  /**
   * The wave's release could not reserve the whole order: it leaves the wave and waits for allocation again
   * (BACKORDERED with reason RESERVATION_SHORTAGE); `lines` is inventory's allocation state of every line.
   */
  async function backorderedAtRelease(tx: Tx, orderId: string, waveId: string, lines: readonly AllocationLine[], cause: Cause): Promise<void> {
    const o = await lockForEvent(tx, orderId, cause);
    if (o === undefined) return;
    if (!orderLifecycle.can(o.status, 'BACKORDERED') || (o.waveId !== null && o.waveId !== waveId) || o.status === 'RECEIVED' || o.status === 'ON_HOLD'
      || o.status === 'PICKED') {
      deps.log.info({ orderId, waveId, status: o.status, type: cause.type }, 'reservation shortage does not concern this order now');
      return;
    }
    await setLineAllocated(tx, orderId, lines.map((l) => ({ lineId: l.lineId, quantity: l.allocated })));
    await write(tx, o, { ...step(o.status, 'BACKORDERED', `${cause.type}: RESERVATION_SHORTAGE`), set: { waveId: null } });
    const data: OrderStatusChanged = { orderId, siteId: o.siteId, ...owned(o), from: o.status, to: 'BACKORDERED', reason: 'RESERVATION_SHORTAGE' };
    await deps.bus.append(tx, 'orders', [{ type: OrderEvents.backordered, subject: orderId, siteId: o.siteId, data }], cause.meta);
  }

  /**
   * What became of a short pick's missing units (ADR 0024). RE_RESERVED: they are back in play (no longer counted
   * shorted) and an order held for stock goes back to PICKING; AWAITING_STOCK: a shipComplete order is held,
   * BACKORDERED with reason SHORT_PICK (not packable or shippable: picking is not done); SHIPS_SHORT: nothing to do,
   * the short was counted when it happened.
   */
  async function shortResolved(tx: Tx, r: ShortResolved, cause: Cause): Promise<void> {
    const o = await lockForEvent(tx, r.orderId, cause);
    if (o === undefined || o.status === 'CANCELLED' || hasShipped(o.status)) return;
    switch (r.outcome) {
      case 'SHIPS_SHORT':
        return;
      case 'RE_RESERVED': {
        const clamped = await unshortLine(tx, r.orderId, r.lineId, r.quantity);
        if (clamped) deps.log.warn({ orderId: r.orderId, lineId: r.lineId, type: cause.type }, 're-reserved more units than the line counts shorted');
        // Back to PICKING once no short of the order waits for stock any more: another line's may still (ADR 0024
        // addendum 2026-12-05), and the order stays held until its own re-reservation.
        const waiting = o.status === 'BACKORDERED' && o.backorderReason === BACKORDER_REASONS.shortPick
          && (await ordersWithShorts(tx, [r.orderId])).size > 0;
        if (o.status === 'BACKORDERED' && o.backorderReason === BACKORDER_REASONS.shortPick && !waiting) {
          orderLifecycle.assertCan(o.status, 'PICKING');
          await write(tx, o, step(o.status, 'PICKING', `${cause.type}: stock re-reserved`));
          const data: OrderStatusChanged = { orderId: o.id, siteId: o.siteId, ...owned(o), from: o.status, to: 'PICKING' };
          await deps.bus.append(tx, 'orders', [{ type: OrderEvents.pickingStarted, subject: o.id, siteId: o.siteId, data }], cause.meta);
        } else {
          await write(tx, o, { bump: 1, history: [] });
        }
        return;
      }
      case 'AWAITING_STOCK': {
        // A PICKED order waits only for its own units lost at packing (origin PACK, ADR 0024 addendum 2026-12-07) — or
        // for their re-pick, shorted at the pick list when re-reserved at once (the order stayed PICKED meanwhile): a
        // short pick's outcome heard after pack & ship said the order ready to pack is older news otherwise.
        if (o.status === 'PICKED' && r.origin !== 'PACK' && await lostAtPackOf(tx, o.id) === 0) return;
        if (o.status === 'BACKORDERED' || o.status === 'ON_HOLD' || !orderLifecycle.can(o.status, 'BACKORDERED')) return;
        await write(tx, o, { ...step(o.status, 'BACKORDERED', `${cause.type}: SHORT_PICK`), set: { backorderReason: BACKORDER_REASONS.shortPick } });
        const data: OrderStatusChanged = { orderId: o.id, siteId: o.siteId, ...owned(o), from: o.status, to: 'BACKORDERED', reason: BACKORDER_REASONS.shortPick };
        await deps.bus.append(tx, 'orders', [{ type: OrderEvents.backordered, subject: o.id, siteId: o.siteId, data }], cause.meta);
        return;
      }
      default:
        assertNever(r.outcome, 'short outcome');
    }
  }

  // ---- event-driven changes; each runs in the handler's transaction (inbox idempotency) ----

  /** Records an allocation outcome: ALLOCATED when every line is allocated, else BACKORDERED. */
  async function applyAllocation(tx: Tx, orderId: string, lines: readonly { lineId: string; allocated: number; requested?: number }[], cause: Cause): Promise<void> {
    const o = await lockForEvent(tx, orderId, cause);
    if (o === undefined) return;
    const held = o.hold !== null && o.hold.resumeTo !== 'ALLOCATED' ? o.hold : null;
    if (held === null && ((o.status !== 'RECEIVED' && o.status !== 'BACKORDERED') || o.backorderReason === BACKORDER_REASONS.shortPick)) {
      deps.log.info({ orderId, status: o.status, type: cause.type }, 'allocation for an order past allocation ignored');
      return;
    }
    // The quantities first, answering every line: whether the order is complete is decided on them.
    const added = await write(tx, o, {
      bump: 0, history: [], readLines: true,
      quantities: { column: 'allocated', lines: lines.map((l) => ({ lineId: l.lineId, quantity: l.allocated, ...(l.requested === undefined ? {} : { requested: l.requested }) })) },
    });
    if (added.changedLines === 0 && lines.length > 0) {
      // The allocation of lines the order no longer has, or of units since cancelled on a line it keeps: its lines changed
      // since (ADR 0046 and its addendum of 2026-12-05); the allocation of the lines as they are now follows.
      deps.log.info({ orderId, type: cause.type }, 'allocation of replaced lines ignored');
      return;
    }
    const now = added.lines ?? [];
    // Cancelled units are not wanted any more (a line cancel, ADR 0046 addendum 2026-12-05).
    const complete = now.every((l) => l.allocated >= openUnits(l));
    if (held !== null) {
      // Held (ADR 0052): the allocation is kept for the release, which announces it; the order stays ON_HOLD.
      if (!(await setResumeStatus(tx, orderId, o.version, complete ? 'ALLOCATED' : 'BACKORDERED', deps.clock.now()))) throw new Error(`order ${orderId} changed under its row lock`);
      return;
    }
    if (!complete && o.status === 'BACKORDERED') {
      await write(tx, o, { bump: 1, history: [] });
      return;
    }
    await advance(tx, o, complete ? 'ALLOCATED' : 'BACKORDERED', cause, { lines: now });
  }

  /** Moves the order forward to `to` (never backwards, never out of CANCELLED), optionally adding line quantities first. */
  async function progress(tx: Tx, orderId: string, to: OrderStatus | null, cause: Cause, options: ProgressOptions = {}): Promise<void> {
    const o = await lockForEvent(tx, orderId, cause);
    if (o !== undefined) await progressLocked(tx, o, to, cause, options);
  }

  /** `progress` of an order its caller has locked. */
  async function progressLocked(tx: Tx, o: OrderSummary, to: OrderStatus | null, cause: Cause, options: ProgressOptions = {}): Promise<void> {
    const orderId = o.id;
    if (o.status === 'CANCELLED') {
      deps.log.warn({ orderId, type: cause.type }, 'event for a cancelled order ignored');
      return;
    }
    if (options.waveId !== undefined && o.waveId !== null && o.waveId !== options.waveId) {
      deps.log.warn({ orderId, waveId: options.waveId, orderWaveId: o.waveId, type: cause.type }, 'event of another wave ignored');
      return;
    }
    if (to === 'PACKED' && options.packRound !== undefined && o.status === 'PICKED'
      && isEarlierRound((await packRounds(tx, [orderId])).get(orderId) ?? 1, options.packRound)) {
      deps.log.info({ orderId, round: options.packRound, type: cause.type }, 'packed event of an earlier packing round ignored');
      return;
    }
    const q = options.quantities;
    const moved = to !== null && (await advance(tx, o, to, cause, { waveId: options.waveId, quantities: q }));
    // Quantities alone (or with an event that finds the order there already): the version still moves on.
    if (!moved && q !== undefined) await write(tx, o, { bump: 1, history: [], quantities: q });
  }

  /**
   * `progress` for a run of steps (ADR 0043; the waves and pack & ship events a run delivers together), each order
   * locked once (all in one statement, in id order), its steps folded in memory in their order as `progressLocked`
   * would apply them one by one, and every order's quantities, row and history written in one statement (`writeOrders`);
   * the arrivals are announced in the order the steps came. A run whose quantities follow a SHIPPED arrival of the same
   * order (the shipped event carries the lines as they were then) is applied step by step instead.
   */
  async function progressRun(tx: Tx, steps: readonly ProgressStep[]): Promise<void> {
    if (steps.length === 0) return;
    const shippedAt = new Set<string>();
    for (const s of steps) {
      if (s.options?.quantities !== undefined && shippedAt.has(s.orderId)) {
        for (const t of steps) await progress(tx, t.orderId, t.to, t.cause, t.options);
        return;
      }
      if (s.to === 'SHIPPED') shippedAt.add(s.orderId);
    }
    // With their packing rounds, read by the lock's statement, when a packed event names one (no step of a run moves an
    // order back to PICKED: that is `pickingDone`'s, on an event no run holds, so the rounds hold for the whole run).
    const ids = steps.map((s) => s.orderId);
    const locked: Map<string, OrderSummary & { packRound?: number }> = steps.some((s) => s.to === 'PACKED' && s.options?.packRound !== undefined)
      ? await lockOrders(tx, ids, true) : await lockOrders(tx, ids);
    type Fold = { o: OrderSummary; now: OrderSummary; bump: number; waveId?: string; clear: boolean; readLines: boolean };
    const folds = new Map<string, Fold>();
    const quantities: { orderId: string; lineId: string; column: 'picked' | 'shorted' | 'packed' | 'shipped'; quantity: number }[] = [];
    const moves: { orderId: string; from: OrderStatus; to: OrderStatus; cause: string }[] = [];
    const arrivals: { orderId: string; from: OrderStatus; to: OrderStatus; meta: Cause['meta'] }[] = [];
    const named = new Map<string, Set<string>>();
    for (const { orderId, to, cause, options = {} } of steps) {
      const o = locked.get(orderId);
      if (o === undefined) {
        deps.log.warn({ orderId, type: cause.type }, 'event for an unknown order ignored');
        continue;
      }
      const f = folds.get(orderId) ?? { o, now: o, bump: 0, clear: false, readLines: false };
      folds.set(orderId, f);
      const cur = f.now;
      if (cur.status === 'CANCELLED') {
        deps.log.warn({ orderId, type: cause.type }, 'event for a cancelled order ignored');
        continue;
      }
      if (options.waveId !== undefined && cur.waveId !== null && cur.waveId !== options.waveId) {
        deps.log.warn({ orderId, waveId: options.waveId, orderWaveId: cur.waveId, type: cause.type }, 'event of another wave ignored');
        continue;
      }
      if (to === 'PACKED' && options.packRound !== undefined && cur.status === 'PICKED' && isEarlierRound(o.packRound ?? 1, options.packRound)) {
        deps.log.info({ orderId, round: options.packRound, type: cause.type }, 'packed event of an earlier packing round ignored');
        continue;
      }
      const q = options.quantities;
      const addQuantities = (): void => {
        if (q === undefined) return;
        if (q.column === 'allocated') throw new Error('an allocation is not a progress step');
        const column = q.column;
        for (const l of q.lines) quantities.push({ orderId, lineId: l.lineId, column, quantity: l.quantity });
        const ids = named.get(orderId) ?? new Set<string>();
        for (const l of q.lines) ids.add(l.lineId);
        named.set(orderId, ids);
      };
      const path = to === null ? [] : forwardPath(cur.status, to, cur.backorderReason === BACKORDER_REASONS.shortPick);
      if (to !== null && path.length === 0) deps.log.info({ orderId, status: cur.status, to, type: cause.type }, 'order already there or past it; event ignored');
      if (to === null || path.length === 0) {
        // Quantities alone (or with an event that finds the order there already): the version still moves on.
        if (q !== undefined) {
          addQuantities();
          f.bump += 1;
        }
        continue;
      }
      addQuantities();
      let from: OrderStatus = cur.status;
      for (const s of path) {
        orderLifecycle.assertCan(from, s);
        moves.push({ orderId, from, to: s, cause: cause.type });
        from = s;
      }
      const wave = path.includes('WAVED') ? options.waveId : undefined;
      if (wave !== undefined) f.waveId = wave;
      const clears = path.some((s) => s !== 'BACKORDERED');
      if (clears) f.clear = true;
      f.bump += path.length;
      arrivals.push({ orderId, from: path.length === 1 ? cur.status : (path.at(-2) ?? cur.status), to, meta: cause.meta });
      if (to === 'ALLOCATED' || to === 'SHIPPED') f.readLines = true;
      f.now = { ...cur, status: to, waveId: wave ?? cur.waveId, backorderReason: clears ? null : cur.backorderReason };
    }
    const writes: OrderRunWrite[] = [...folds.values()].filter((f) => f.bump > 0).map((f) => ({
      id: f.o.id, version: f.o.version, bump: f.bump, status: f.now.status === f.o.status ? null : f.now.status,
      ...(f.waveId === undefined ? {} : { waveId: f.waveId }), clearBackorder: f.clear, readLines: f.readLines,
    }));
    if (writes.length === 0) return;
    const r = await writeOrders(tx, quantities, writes, moves, deps.clock.now());
    // The rows were read under their locks, so a version guard failing is a fault.
    if (r.written !== writes.length) throw new Error('an order changed under its row lock');
    for (const [orderId, ids] of named) {
      if ([...ids].some((id) => !r.changed.has(`${orderId} ${id}`))) deps.log.warn({ orderId }, 'event names lines this order does not have; those were ignored');
    }
    const groups = arrivals.flatMap((a) => {
      const event = arrivalEvent(folds.get(a.orderId)!.o, a.from, a.to, r.lines.get(a.orderId) ?? []);
      if (a.to === 'SHIPPED') tx.afterCommit(() => shipped.inc());
      return event === undefined ? [] : [{ events: [event], meta: a.meta }];
    });
    await deps.bus.appendMany(tx, 'orders', groups);
  }

  /** WAVED → ALLOCATED when the order's wave was cancelled before release; it goes back to the pool. */
  async function unwave(tx: Tx, orderId: string, waveId: string, cause: Cause): Promise<void> {
    const o = await lockForEvent(tx, orderId, cause);
    if (o === undefined) return;
    if (o.status !== 'WAVED' || o.waveId !== waveId) {
      deps.log.info({ orderId, waveId, status: o.status, type: cause.type }, 'wave cancellation does not concern this order now');
      return;
    }
    orderLifecycle.assertCan(o.status, 'ALLOCATED');
    await write(tx, o, { ...step('WAVED', 'ALLOCATED', cause.type), set: { waveId: null } });
    const data: OrderStatusChanged = { orderId, siteId: o.siteId, ...owned(o), from: 'WAVED', to: 'ALLOCATED' };
    await deps.bus.append(tx, 'orders', [{ type: OrderEvents.unwaved, subject: orderId, siteId: o.siteId, data }], cause.meta);
  }

  /**
   * Units of a line found missing or damaged at the pack station (`pack-ship.units.short-at-pack`): counted on the line
   * as shorted at packing (`shortAtPack`), apart from the units shorted at picking. The status does not move here: the
   * order is packed (pack-ship.order.packed) once the rest is. A shipComplete order's units are picked again instead
   * (ADR 0024 addendum 2026-12-07): they leave `picked` and count `shorted` until re-reserved (`inventory.short.resolved`,
   * which also holds the order BACKORDERED while no stock is found). A redelivery is the inbox's no-op.
   */
  async function shortAtPack(tx: Tx, d: { readonly orderId: string; readonly lineId: string; readonly quantity: number }, cause: Cause): Promise<void> {
    const o = await lockForEvent(tx, d.orderId, cause);
    if (o === undefined) return;
    if (!await addShortAtPack(tx, d.orderId, d.lineId, d.quantity, deps.clock.now())) {
      deps.log.warn({ orderId: d.orderId, lineId: d.lineId, type: cause.type }, 'short at packing for an unknown line ignored');
    }
  }

  async function lockForEvent(tx: Tx, orderId: string, cause: Cause): Promise<OrderSummary | undefined> {
    const o = await orderSummary(tx, orderId, true);
    if (o === undefined) deps.log.warn({ orderId, type: cause.type }, 'event for an unknown order ignored');
    return o;
  }

  /**
   * Walks the legal steps to `to` (with `quantities` added first), recording each in the history, in one statement,
   * and announces the arrival. False when the order is already there or past it: nothing is written then.
   */
  async function advance(
    tx: Tx, o: OrderSummary, to: OrderStatus, cause: Cause,
    options: { waveId?: string | undefined; quantities?: ProgressOptions['quantities']; lines?: readonly OrderLine[] } = {},
  ): Promise<boolean> {
    const path = forwardPath(o.status, to, o.backorderReason === BACKORDER_REASONS.shortPick);
    if (path.length === 0) {
      deps.log.info({ orderId: o.id, status: o.status, to, type: cause.type }, 'order already there or past it; event ignored');
      return false;
    }
    const history: { from: OrderStatus; to: OrderStatus; cause: string }[] = [];
    let from = o.status;
    for (const s of path) {
      orderLifecycle.assertCan(from, s);
      history.push({ from, to: s, cause: cause.type });
      from = s;
    }
    // The events that carry lines read them from the same statement, after its quantities.
    const needsLines = (to === 'ALLOCATED' || to === 'SHIPPED') && (options.lines === undefined || options.quantities !== undefined);
    const { lines } = await write(tx, o, {
      bump: path.length, status: to, history,
      // As a step-by-step walk would: the wave is set on WAVED, a move that leaves BACKORDERED clears its reason.
      ...(path.includes('WAVED') && options.waveId !== undefined ? { set: { waveId: options.waveId } } : {}),
      clearBackorder: path.some((s) => s !== 'BACKORDERED'),
      quantities: options.quantities, readLines: needsLines,
    });
    const event = arrivalEvent(o, path.length === 1 ? o.status : (path.at(-2) ?? o.status), to, lines ?? options.lines ?? []);
    if (event !== undefined) await deps.bus.append(tx, 'orders', [event], cause.meta);
    if (to === 'SHIPPED') tx.afterCommit(() => shipped.inc());
    return true;
  }

  /** One status step of a locked order (its history row with it). */
  function step(from: OrderStatus, to: OrderStatus, cause: string): Pick<OrderWrite, 'bump' | 'status' | 'history' | 'clearBackorder'> {
    return { bump: 1, status: to, history: [{ from, to, cause }], clearBackorder: to !== 'BACKORDERED' };
  }

  /** The locked order written in one statement; the version guard failing under the lock is a fault. */
  async function write(tx: Tx, o: OrderSummary, w: Omit<OrderWrite, 'id' | 'version'>): Promise<Awaited<ReturnType<typeof writeOrder>>> {
    const r = await writeOrder(tx, { id: o.id, version: o.version, ...w }, deps.clock.now());
    if (w.bump > 0 && !r.written) throw new Error(`order ${o.id} changed under its row lock`);
    if (w.quantities !== undefined && r.changedLines < new Set(w.quantities.lines.map((l) => l.lineId)).size) {
      deps.log.warn({ orderId: o.id }, 'event names lines this order does not have; those were ignored');
    }
    return r;
  }

  function arrivalEvent(o: OrderSummary, from: OrderStatus, to: OrderStatus, lines: readonly OrderLine[]): PublishedEvent | undefined {
    const base = { subject: o.id, siteId: o.siteId };
    const changed: OrderStatusChanged = { orderId: o.id, siteId: o.siteId, ...owned(o), from, to };
    switch (to) {
      case 'ALLOCATED': {
        // The open units: a line's cancelled units are not to pick (ADR 0046 addendum 2026-12-05).
        const data: OrderAllocated = { orderId: o.id, siteId: o.siteId, ...owned(o), carrier: o.carrier, priority: o.priority, lines: openLineData(lines) };
        return { ...base, type: OrderEvents.allocated, data };
      }
      case 'BACKORDERED':
        return { ...base, type: OrderEvents.backordered, data: changed };
      case 'WAVED':
        return { ...base, type: OrderEvents.waved, data: changed };
      case 'RELEASED':
        return { ...base, type: OrderEvents.released, data: changed };
      case 'PICKING':
        return { ...base, type: OrderEvents.pickingStarted, data: changed };
      case 'PICKED':
        return { ...base, type: OrderEvents.picked, data: changed };
      case 'PACKED':
        return { ...base, type: OrderEvents.packed, data: changed };
      case 'SHIPPED': {
        const data: OrderShipped = {
          orderId: o.id, siteId: o.siteId, ...owned(o), partial: isPartialShipment(lines),
          lines: lines.map((l) => ({ lineId: l.id, sku: l.sku, ordered: l.ordered, shipped: l.shipped, ...(l.cancelled > 0 ? { cancelled: l.cancelled } : {}) })),
        };
        return { ...base, type: OrderEvents.shipped, data };
      }
      case 'RECEIVED':
      case 'CANCELLED':
      case 'ON_HOLD':
      case 'DELIVERED':
        // Announced by the commands (or the handler, `delivered`) that cause them, never reached through `progress`.
        return undefined;
      default:
        return assertNever(to, 'order status');
    }
  }

  return {
    receive, check, update, get, list, counts, cancel, cancelLine, reprioritise, hold, releaseHold, applyPendingHold, shippingStopped, pickingDone, delivered, backorderedAtRelease, applyAllocation, progress, progressRun, unwave,
    shortResolved, shortAtPack,
    applyPendingChange, orderHeld,
    /** Picking's reports on a run of lines: `progress(order, 'PICKING', quantities)` for each in turn, each order written once. */
    recordPicks: recordPicksHandler(deps),
  };
}

export type OrderService = ReturnType<typeof orderService>;
