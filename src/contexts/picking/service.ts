import type { Location } from '../../contracts/location-master.ts';
import { PickingEvents, type PickListProgress, type PickListReprioritised } from '../../contracts/picking.ts';
import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { PickList } from './domain/pick-list.ts';
import type { PickSequencer } from './domain/pick-sequence.ts';
import { ROUTING_LOCATION_TYPES, routingSequencer } from './domain/route-sequence.ts';
import { siteLayouts, type SiteLayouts } from './site-layouts.ts';
import { pickStore, type PickListFilter } from './store.ts';
import { buildPickListsHandler } from './use-cases/build-pick-lists/handler.ts';
import { cancelOrderLinesHandler } from './use-cases/cancel-order-lines/handler.ts';
import type { PackShipApi } from '../../contracts/pack-ship.ts';
import { confirmPickHandler } from './use-cases/confirm-pick/handler.ts';
import { floorActions } from './use-cases/floor-action.ts';
import { settleShortHandler } from './use-cases/settle-short/handler.ts';
import { shortPickHandler } from './use-cases/short-pick/handler.ts';

export interface PickingOptions {
  /**
   * How the stops of a list are ordered. Default: the optimal picker route over the site's location coordinates
   * (domain/route-sequence.ts), falling back to the pick-sequence order when the layout is unknown or unfit.
   */
  readonly sequencer?: PickSequencer;
  /** Fitted site layouts for the default sequencer; by default in the platform cache (`deps.cache`). */
  readonly layouts?: SiteLayouts;
  /**
   * Where a cancel is decided (ADR 0011): a confirm or short of a line whose order pack & ship stopped is refused 409
   * ORDER_CANCELLED before picking has heard of the cancel. Without it, only the cancel's event closes the lines.
   */
  readonly packShip?: Pick<PackShipApi, 'stoppedOrders'>;
}

/**
 * Picking's use cases (use-cases/<name>/: a pure decide, a handler that loads, decides and writes), its projections
 * and its queries, wired once.
 */
export function pickingService(deps: PlatformDeps, options: PickingOptions = {}) {
  const layouts = options.layouts ?? siteLayouts(deps.cache);
  async function sequencerFor(tx: Tx, siteId: string): Promise<PickSequencer> {
    if (options.sequencer !== undefined) return options.sequencer;
    const fit = await layouts.get(tx, siteId, () => pickStore.siteLocations(tx, siteId, ROUTING_LOCATION_TYPES));
    return routingSequencer(fit, (reason) => deps.log.debug({ siteId, reason }, 'picking: pick-sequence order, not routed'));
  }
  const act = floorActions(deps, options.packShip);
  const createFromReservations = buildPickListsHandler(deps, sequencerFor);

  return {
    createFromReservations,
    shortResolved: settleShortHandler(deps, createFromReservations),
    orderCancelled: cancelOrderLinesHandler(deps),
    confirm: confirmPickHandler(deps, act),
    short: shortPickHandler(deps, act),

    /** A wave released for batch picking: its batches wait for the wave's reservations. */
    saveWaveBatches: (tx: Tx, waveId: string, batches: readonly (readonly string[])[]) => pickStore.saveWaveBatches(tx, waveId, batches),
    savePriority: (tx: Tx, orderId: string, priority: number) => pickStore.savePriority(tx, orderId, priority),

    /** An order was reprioritised: its open lists take the most urgent priority of their orders, announced for their tasks. */
    async orderReprioritised(tx: Tx, orderId: string, priority: number, meta: EventMeta): Promise<void> {
      // The order's list lock first, as a cancel takes it: a list being built for the order (another consumer, the
      // release heard on another topic) either commits first and is found below, or waits and reads the new priority.
      // Without it each missed the other's writes and the list kept the old priority for good (write skew).
      await pickStore.lockOrdersForLists(tx, [orderId], 'exclusive');
      await pickStore.savePriority(tx, orderId, priority);
      const changed = await pickStore.reprioritiseOpenLists(tx, orderId);
      await deps.bus.append(tx, 'picking', changed.map((l) => {
        const data: PickListReprioritised = { pickListId: l.id, waveId: l.waveId, siteId: l.siteId, from: l.from, to: l.to };
        return { type: PickingEvents.listReprioritised, subject: l.id, siteId: l.siteId, data };
      }), meta);
    },
    /** The task changes of a run: each list held by the worker of its last change (in list order: one lock order). */
    async holdLists(tx: Tx, changes: readonly { listId: string; taskId: string; workerId: string | null }[]): Promise<void> {
      const last = new Map(changes.map((c) => [c.listId, c] as const));
      if (last.size === 0) return;
      await pickStore.holdLists(tx, [...last.values()].sort((a, b) => (a.listId < b.listId ? -1 : a.listId > b.listId ? 1 : 0)));
    },
    learnProduct: (tx: Tx, product: { sku: string; gtin: string | null; serialControlled?: boolean | undefined }) => pickStore.learnProduct(tx, product),
    relearnProduct: (tx: Tx, product: { sku: string; gtin: string | null; serialControlled?: boolean | undefined }) => pickStore.relearnProduct(tx, product),
    /** Serials received or put back at a site (ADR 0058): a confirm may pick them. */
    serialsInStock: (tx: Tx, u: { siteId: string; sku: string; serials?: readonly string[] | undefined }) =>
      pickStore.serialsInStock(tx, { siteId: u.siteId, sku: u.sku, serials: u.serials ?? [], at: deps.clock.now() }),
    learnLocations: (tx: Tx, locations: readonly Location[]) => pickStore.learnLocations(tx, locations),

    /** The site's locations changed: the next pick list re-reads and re-fits its layout (once this commits). */
    layoutChanged(tx: Tx, siteId: string): void {
      layouts.changed(tx, siteId);
    },

    get: (id: string): Promise<PickList | undefined> => pickStore.withLines(deps.db, id),

    /** Where a list's work stands (PickingApi): tasks asks it before a PICK task is completed by hand. */
    progress: (id: string): Promise<PickListProgress | undefined> => pickStore.progress(deps.db, id),

    async list(f: PickListFilter): Promise<PickList[]> {
      const headers = await pickStore.list(deps.db, f);
      const lines = await pickStore.lines(deps.db, headers.map((h) => h.id));
      return headers.map((h) => ({ ...h, lines: lines.filter((l) => l.pickListId === h.id) }));
    },
  };
}

export type PickingService = ReturnType<typeof pickingService>;
