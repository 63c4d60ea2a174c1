import { ORDER_PRIORITY } from '../../contracts/orders.ts';
import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import type { Tx } from '../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { StockReserved } from '../../contracts/inventory.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import {
  PickingEvents, type LinePicked, type LineShorted, type PickListCancelled, type PickListCompleted, type PickListCreated, type ShortReason,
} from '../../contracts/picking.ts';
import { assertMoved, pickLineLifecycle, pickListLifecycle } from './domain/pick-lifecycle.ts';
import { decideConfirm, type PickScan } from './domain/confirm-pick.ts';
import type { PickSequencer } from './domain/pick-sequence.ts';
import { routingSequencer } from './domain/route-sequence.ts';
import { siteLayouts, type SiteLayouts } from './site-layouts.ts';
import { pickStore, type LineAction, type NewPickLine, type PickLine, type PickList, type PickListFilter, type PickListHeader } from './store.ts';

export interface PickingOptions {
  readonly catalog: CatalogApi;
  readonly locations: LocationMasterApi;
  /**
   * How the stops of a list are ordered. Default: the optimal picker route over the site's location coordinates
   * (domain/route-sequence.ts), falling back to the pick-sequence order when the layout is unknown or unfit.
   */
  readonly sequencer?: PickSequencer;
  /** Fitted site layouts for the default sequencer; one in-memory cache per service by default. */
  readonly layouts?: SiteLayouts;
}

/**
 * The confirm's tote. With batch picking a list serves several orders and the picker puts each order's units in that
 * order's tote (one tote per order on the cart); the API is the same, the tote id is simply per line confirmed.
 */
export type Confirm = PickScan & { readonly toteId: string; readonly scanId?: string | undefined };

/** The same action: a retry of a scan, not another scan under a reused scanId. */
function sameAction(a: LineAction, b: LineAction): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].every((k) => x[k] === y[k]);
}

/**
 * Why a floor action wrote nothing, from what is known of the list and line: unknown line, closed list, or the
 * domain rule's refusal. Undefined when all of it looks fine, i.e. the line changed after it was seen.
 */
function refusal(list: PickListHeader, line: PickLine | undefined, lineId: string, explain: (line: PickLine) => Outcome<unknown>): Outcome<never> | undefined {
  if (line === undefined) return reject('NOT_FOUND', `No line ${lineId} on pick list ${list.id}`);
  // A line withdrawn with its cancelled order says so, whatever became of its list.
  if (line.status === 'CANCELLED') {
    const explained = explain(line);
    if (!explained.ok) return explained;
  }
  if (list.status !== 'CREATED' && list.status !== 'IN_PROGRESS') return reject('ILLEGAL_TRANSITION', `The pick list is ${list.status}`);
  const explained = explain(line);
  return explained.ok ? undefined : explained;
}

/**
 * Groups reservations into lists: one per batch that has reservations (its orderIds are the batch's orders that do),
 * in batch order, then one per order outside every batch, in order of first appearance. Pure.
 */
export function groupByBatch<R extends { readonly orderId: string }>(
  reservations: readonly R[], batches: readonly (readonly string[])[],
): { orderIds: string[]; reservations: R[] }[] {
  const batchOf = new Map<string, number>();
  batches.forEach((b, i) => {
    for (const o of b) if (!batchOf.has(o)) batchOf.set(o, i);
  });
  const byOrder = new Map<string, R[]>();
  for (const r of reservations) byOrder.set(r.orderId, [...(byOrder.get(r.orderId) ?? []), r]);
  const groups: { orderIds: string[]; reservations: R[] }[] = [];
  for (const [i, b] of batches.entries()) {
    // An order named twice (in two batches, or twice in one) goes with its first mention only.
    const orderIds = [...new Set(b)].filter((o) => byOrder.has(o) && batchOf.get(o) === i);
    if (orderIds.length > 0) groups.push({ orderIds, reservations: orderIds.flatMap((o) => byOrder.get(o) ?? []) });
  }
  for (const [orderId, rs] of byOrder) if (!batchOf.has(orderId)) groups.push({ orderIds: [orderId], reservations: rs });
  return groups;
}

/** Commands and queries of pick execution. */
export function pickingService(deps: PlatformDeps, options: PickingOptions) {
  const layouts = options.layouts ?? siteLayouts(options.locations);
  async function sequencerFor(siteId: string): Promise<PickSequencer> {
    if (options.sequencer !== undefined) return options.sequencer;
    const fit = await layouts.get(siteId);
    return routingSequencer(fit, (reason) => deps.log.debug({ siteId, reason }, 'picking: pick-sequence order, not routed'));
  }
  const unitsPicked = deps.metrics.counter('paklog_units_picked_total', 'Units confirmed picked');
  const unitsShorted = deps.metrics.counter('paklog_units_short_picked_total', 'Units closed short at picking');
  const emit = (tx: Tx, events: PublishedEvent[], meta: EventMeta) => deps.bus.append(tx, 'picking', events, meta);

  /**
   * A floor action on one line: one statement acts and moves the list (store.ts actOnLine), one appends the events.
   * Nothing is read before: the statement's guard decides, and only a refusal is explained, by the domain rules on the
   * line as the statement saw it — or, when that line still looked fine (a racing action got there first), on a fresh
   * read of it (the one extra round trip, under contention only).
   *
   * With a client `scanId`, the scan is recorded first (one more statement): a retry of a recorded scan answers the
   * list as it is now and writes nothing; the id reused for another action is refused (SCAN_ID_REUSED).
   */
  async function actOnLine(
    listId: string, lineId: string, action: LineAction, explain: (line: PickLine) => Outcome<unknown>,
    eventOf: (list: PickListHeader, line: PickLine) => PublishedEvent, meta: EventMeta, scanId?: string,
  ): Promise<Outcome<PickList>> {
    return deps.db.tx(async (tx) => {
      const now = deps.clock.now();
      if (scanId !== undefined) {
        const seen = await pickStore.recordScan(tx, listId, scanId, lineId, action, now);
        if (seen !== undefined) {
          if (seen.pickLineId !== lineId || !sameAction(seen.action, action)) {
            return reject('SCAN_ID_REUSED', `scanId ${scanId} was used for another scan on pick list ${listId}`, [{ field: '/scanId', message: 'was used for another scan' }]);
          }
          const header = await pickStore.header(tx, listId);
          if (header === undefined) throw new Error(`pick list ${listId} of a recorded scan vanished`);
          return ok({ ...header, lines: await pickStore.lines(tx, [listId]) });
        }
      }
      const outcome = await act(tx, now);
      if (!outcome.ok && scanId !== undefined) await pickStore.forgetScan(tx, listId, scanId);
      return outcome;
    });

    async function act(tx: Tx, now: Date): Promise<Outcome<PickList>> {
      const acted = await pickStore.actOnLine(tx, listId, lineId, action, now);
      const { list, after } = acted;
      if (list === undefined) return reject('NOT_FOUND', `No pick list ${listId}`);
      if (after === undefined) {
        const refused = refusal(list, acted.before, lineId, explain);
        if (refused !== undefined) return refused;
        const [fresh, freshLine] = [await pickStore.header(tx, listId), await pickStore.line(tx, listId, lineId)];
        return refusal(fresh ?? list, freshLine, lineId, explain)
          ?? reject('ILLEGAL_TRANSITION', 'The line changed while this was being recorded; nothing was written');
      }
      // The statement moved the line and its list in SQL: each move must be one the lifecycle tables allow.
      if (acted.before !== undefined) assertMoved(pickLineLifecycle, acted.before.status, after.status);
      if (acted.listStatusBefore !== undefined) assertMoved(pickListLifecycle, acted.listStatusBefore, list.status, 'IN_PROGRESS');
      const events = [eventOf(list, after)];
      // The statement moved the list to COMPLETED or PARTIAL: its last open line just closed.
      if (list.status === 'COMPLETED' || list.status === 'PARTIAL') {
        const data: PickListCompleted = { pickListId: list.id, waveId: list.waveId, siteId: list.siteId, orderIds: list.orderIds, status: list.status };
        events.push({ type: PickingEvents.listCompleted, subject: list.id, siteId: list.siteId, data });
      }
      await emit(tx, events, meta);
      return ok({ ...list, lines: acted.lines });
    }
  }

  return {
    /**
     * Pick lists for a wave's reservations, lines in the sequencer's order (one tour per list). Discrete picking: one
     * list per order. Batch picking (the wave's batches arrived with waves.wave.released): one list per cart batch,
     * holding the lines of all its orders, each line keeping its own order, line and reservation. Reservations of an
     * order in no known batch (or of a wave whose batches are unknown) fall back to a list of their own.
     */
    async createFromReservations(tx: Tx, reserved: StockReserved, meta: EventMeta): Promise<PickList[]> {
      const open = reserved.reservations.filter((r) => r.quantity > 0);
      if (open.length === 0) return [];
      // Already listed, or of an order picking knows is cancelled (the release raced the cancel): never picked again.
      const unlistable = await pickStore.unlistable(tx, open);
      const fresh = open.filter((r) => !unlistable.has(r.reservationId));
      if (fresh.length === 0) return [];

      const batches = await pickStore.waveBatches(tx, reserved.waveId);
      const groups = groupByBatch(fresh, batches ?? []);
      // One call each to the catalog and the location master for the whole wave.
      const products = await options.catalog.getBySkus([...new Set(fresh.map((r) => r.sku))]);
      const locations = await options.locations.getLocations([...new Set(fresh.map((r) => r.locationId))]);
      const priorities = await pickStore.priorities(tx, [...new Set(fresh.map((r) => r.orderId))]);
      const sequencer = await sequencerFor(reserved.siteId);
      const now = deps.clock.now();

      const created: PickList[] = [];
      const headers: PickListHeader[] = [];
      const allLines: NewPickLine[] = [];
      const events: PublishedEvent[] = [];
      for (const { orderIds, reservations } of groups) {
        const id = deps.ids.next('pkl');
        const stops = reservations.map((r) => {
          const loc = locations.get(r.locationId);
          return {
            reservation: r, key: r.reservationId, locationId: r.locationId, locationCode: loc?.code ?? null,
            pickSequence: loc?.pickSequence ?? null, x: loc?.x ?? null, y: loc?.y ?? null,
          };
        });
        const planned = sequencer.sequence(stops);
        const lines: NewPickLine[] = planned.stops.map((s, i) => ({
          id: deps.ids.next('pln'), pickListId: id, seq: i + 1, orderId: s.reservation.orderId, orderLineId: s.reservation.lineId,
          reservationId: s.reservation.reservationId, siteId: reserved.siteId, sku: s.reservation.sku,
          expectedBarcode: products.get(s.reservation.sku)?.gtin ?? null, locationId: s.locationId, locationCode: s.locationCode,
          pickSequence: s.pickSequence, lot: s.reservation.lot, quantity: s.reservation.quantity,
        }));
        const header: PickListHeader = {
          id, siteId: reserved.siteId, waveId: reserved.waveId, orderIds, status: 'CREATED',
          // The list carries its most urgent order's priority (1 is the most urgent, as on orders).
          priority: Math.min(...orderIds.map((o) => priorities.get(o) ?? ORDER_PRIORITY.default)), routeLength: planned.routeLength,
          createdAt: now.toISOString(), updatedAt: now.toISOString(), completedAt: null,
        };
        headers.push(header);
        allLines.push(...lines);
        const data: PickListCreated = {
          pickListId: id, waveId: header.waveId, siteId: header.siteId, orderIds: header.orderIds, lineCount: lines.length,
          routeLength: header.routeLength, priority: header.priority,
        };
        events.push({ type: PickingEvents.listCreated, subject: id, siteId: header.siteId, data });
        created.push({
          ...header,
          lines: lines.map((l) => ({ ...l, picked: 0, shortQuantity: 0, shortReason: null, toteId: null, status: 'PENDING' as const, updatedAt: header.createdAt })),
        });
      }
      // The whole wave in three statements: its lists, their lines, their events.
      await pickStore.insertLists(tx, headers, allLines);
      await emit(tx, events, meta);
      return created;
    },

    /**
     * The order was cancelled: nothing more is picked for it. Its open lines are CANCELLED (a confirm refused with
     * ORDER_CANCELLED from now on), lists left with no open line close — CANCELLED when all their lines were the
     * cancelled order's (the task is withdrawn), else COMPLETED or PARTIAL — and a tombstone keeps later
     * reservations of the order off the floor. What was already picked goes back to stock (inventory's business).
     */
    async orderCancelled(tx: Tx, orderId: string, meta: EventMeta): Promise<void> {
      const now = deps.clock.now();
      await pickStore.markOrderCancelled(tx, orderId, now);
      const closed = await pickStore.cancelOrderLines(tx, orderId, now);
      // The statement took open lists only (CREATED or IN_PROGRESS): where each ended must be reachable from one of them.
      for (const list of closed) {
        if (!pickListLifecycle.can('IN_PROGRESS', list.status)) pickListLifecycle.assertCan('CREATED', list.status);
      }
      const events: PublishedEvent[] = closed.map((list) => {
        if (list.status === 'CANCELLED') {
          const data: PickListCancelled = { pickListId: list.id, waveId: list.waveId, siteId: list.siteId, orderIds: list.orderIds };
          return { type: PickingEvents.listCancelled, subject: list.id, siteId: list.siteId, data };
        }
        const status = list.status === 'PARTIAL' ? 'PARTIAL' : 'COMPLETED';
        const data: PickListCompleted = { pickListId: list.id, waveId: list.waveId, siteId: list.siteId, orderIds: list.orderIds, status };
        return { type: PickingEvents.listCompleted, subject: list.id, siteId: list.siteId, data };
      });
      if (events.length > 0) await emit(tx, events, meta);
    },

    /** A wave released for batch picking: its batches wait for the wave's reservations. */
    saveWaveBatches: (tx: Tx, waveId: string, batches: readonly (readonly string[])[]) => pickStore.saveWaveBatches(tx, waveId, batches),

    savePriority: (tx: Tx, orderId: string, priority: number) => pickStore.savePriority(tx, orderId, priority),

    /** The site's locations changed: the next pick list re-reads and re-fits its layout (once this commits). */
    layoutChanged(tx: Tx, siteId: string): void {
      tx.afterCommit(() => layouts.invalidate(siteId));
    },

    /** A scan confirmation: right location, right product, no more than is open; partial confirms add up. */
    async confirm(listId: string, lineId: string, scan: Confirm, meta: EventMeta): Promise<Outcome<PickList>> {
      const action: LineAction = { kind: 'confirm', quantity: scan.quantity, toteId: scan.toteId, locationCode: scan.locationCode, barcode: scan.barcode };
      const result = await actOnLine(listId, lineId, action, (line) => decideConfirm(line, scan), (list, line) => {
        const data: LinePicked = {
          pickListId: list.id, pickLineId: line.id, orderId: line.orderId, lineId: line.orderLineId, reservationId: line.reservationId,
          siteId: line.siteId, sku: line.sku, locationId: line.locationId, lot: line.lot, quantity: scan.quantity, toteId: scan.toteId,
        };
        return { type: PickingEvents.linePicked, subject: list.id, siteId: list.siteId, data };
      }, meta, scan.scanId);
      if (result.ok) unitsPicked.inc(scan.quantity);
      return result;
    },

    /** Closes a line SHORT for what is still open on it (what was picked stays picked). */
    async short(listId: string, lineId: string, reason: ShortReason, meta: EventMeta, scanId?: string): Promise<Outcome<PickList>> {
      const result = await actOnLine(listId, lineId, { kind: 'short', reason }, (line) => (
        line.status === 'PENDING' ? ok(line)
          : line.status === 'CANCELLED' ? reject('ORDER_CANCELLED', 'The order of this line was cancelled: nothing is left to pick')
            : reject('ILLEGAL_TRANSITION', `The line is ${line.status}; it cannot go short`)
      ), (list, line) => {
        const data: LineShorted = {
          pickListId: list.id, pickLineId: line.id, orderId: line.orderId, lineId: line.orderLineId, reservationId: line.reservationId,
          siteId: line.siteId, sku: line.sku, locationId: line.locationId, lot: line.lot, shortQuantity: line.shortQuantity, reason,
        };
        return { type: PickingEvents.lineShorted, subject: list.id, siteId: list.siteId, data };
      }, meta, scanId);
      if (result.ok) {
        const line = result.value.lines.find((l) => l.id === lineId);
        unitsShorted.inc(line?.shortQuantity ?? 0);
      }
      return result;
    },

    async get(id: string): Promise<PickList | undefined> {
      const header = await pickStore.header(deps.db, id);
      return header === undefined ? undefined : { ...header, lines: await pickStore.lines(deps.db, [id]) };
    },

    async list(f: PickListFilter): Promise<PickList[]> {
      const headers = await pickStore.list(deps.db, f);
      const lines = await pickStore.lines(deps.db, headers.map((h) => h.id));
      return headers.map((h) => ({ ...h, lines: lines.filter((l) => l.pickListId === h.id) }));
    },
  };
}

export type PickingService = ReturnType<typeof pickingService>;
