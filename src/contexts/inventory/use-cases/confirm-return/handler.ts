import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents } from '../../../../contracts/inventory.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { namesOne } from '../../domain/command-checks.ts';
import { isInProcess } from '../../domain/stock.ts';
import { learnLocation, NOT_LEARNED } from '../../pickability.ts';
import * as serialStore from '../../serial-store.ts';
import * as store from '../../store.ts';
import { returnView, type ReturnView } from '../../views.ts';
import { changeBalanceOrFail, findLocation, record, type StockApis } from '../ledger-writes.ts';
import { decideConfirmReturn, scannedRef, type ConfirmReturnInput, type ConfirmReturnRejection } from './decide.ts';
import { closestFreePolicy, type PutawayPolicy } from '../../domain/putaway-policy.ts';
import { putawayReleased, reputFacts } from '../reput-released/handler.ts';

/**
 * POST /inventory/returns/{id}/confirm. The return's site is read first (to look the scanned location up at that site,
 * before the transaction); then under lock, in this order: the return row, the location's projection row (FOR SHARE,
 * learned if new), the target balance, then the tote's — a real location before the in-process one, as a pick locks
 * them (so a late pick of the same order from that location and this confirm queue rather than deadlock).
 * Units returned to a RECEIVING location are not back in stock (not pickable there): like units released there, they
 * get a putaway and a PUTAWAY task for what no OPEN putaway covers (`reput-released`); before, the return COMPLETED
 * and left them at the dock with no task and no exception, seen only as `unpickable`.
 */
export function confirmReturnHandler(deps: PlatformDeps, apis: StockApis, policy: PutawayPolicy = closestFreePolicy) {
  return async (input: ConfirmReturnInput, meta: EventMeta): Promise<Outcome<ReturnView, ConfirmReturnRejection>> => {
    const known = await store.getReturn(deps.db, input.returnId);
    const ref = scannedRef(input);
    const scanned = input.locationId ?? input.locationCode ?? '';
    const location = known === undefined || !namesOne(ref) || isInProcess(scanned)
      ? undefined
      : await findLocation(apis.locations, known.site_id, ref);
    // Returned to the dock: the units get a putaway, suggested as a receipt's is (read before the transaction).
    const dock = known === undefined ? undefined : await reputFacts(deps.db, apis, known.site_id, known.sku, location);
    const movementId = deps.ids.next('mov');
    return decideInTx(deps.db, async (tx) => {
      const ret = await store.lockReturn(tx, input.returnId);
      const earlierScan = ret === undefined || input.scanId === undefined ? undefined : await store.confirmationByScan(tx, ret.id, input.scanId);
      const sameSite = ret !== undefined && location !== undefined && location.siteId === ret.site_id;
      const learned = sameSite && earlierScan === undefined ? await learnLocation(tx, location) : NOT_LEARNED;
      let tote: store.BalanceRow | undefined;
      if (ret !== undefined && sameSite) {
        const key = { siteId: ret.site_id, ownerId: ret.owner_id, sku: ret.sku, lot: ret.lot, status: 'AVAILABLE' as const };
        await store.lockBalance(tx, { ...key, locationId: location.id });
        tote = await store.lockBalance(tx, { ...key, locationId: ret.from_location_id });
      }
      const state = { ret, location, targetPickable: learned.pickable, targetUnderCount: learned.underCount, tote, earlierScan };
      const decision = decideConfirmReturn(state, { ...input, movementId }, deps.clock.now());
      if (!decision.ok) return decision;
      const d = decision.value;
      if (d.replay) return ok(await view(tx, ret!));
      const now = deps.clock.now();
      const who = input.workerId ?? meta.actor?.id ?? null;
      await changeBalanceOrFail(tx, d.from, -d.quantity, 0, `tote ${d.from.locationId} cannot give back ${d.quantity} ${d.from.sku}`);
      await store.addMovedOnHand(tx, d.to, d.quantity, d.expiresOn, d.firstReceivedAt);
      await store.changeUnpickable(tx, d.from.siteId, d.from.ownerId, d.from.sku, d.unpickable);
      let reput: readonly PublishedEvent[] = [];
      if (dock !== undefined && dock.dock.id === d.to.locationId) {
        const there = await store.getBalance(tx, d.to);
        reput = await putawayReleased(tx, deps, policy, dock, (there?.on_hand ?? 0) - (there?.reserved ?? 0), {
          siteId: d.to.siteId, ownerId: d.to.ownerId, sku: d.to.sku, lot: d.to.lot, released: d.quantity, releaseMovementId: movementId,
        });
      }
      const updated = await store.updateReturn(tx, input.returnId, { returned: d.returned, status: d.status, locationId: d.locationId,
        confirmedBy: who, at: now });
      await store.insertReturnConfirmation(tx, { id: movementId, return_id: updated.id, scan_id: input.scanId ?? null, location_id: d.locationId,
        quantity: d.quantity, confirmed_by: who, confirmed_at: now });
      // Serial-controlled units (ADR 0058): that many of the order's PICKED units are IN_STOCK again where they were put back,
      // named in the confirm's event (picking may pick them again).
      const serials = await serialStore.putBack(tx, {
        siteId: ret!.site_id, orderId: ret!.order_id, sku: ret!.sku, lot: ret!.lot, pickedFrom: ret!.suggested_location_id, quantity: d.quantity,
        locationId: d.to.locationId, at: now,
      });
      const events = serials.length === 0 ? d.events : d.events.map((e) => (e.type === InventoryEvents.returnConfirmed
        ? { ...e, data: { ...e.data, serials } } : e));
      await record(tx, deps, d.movements, [...learned.events, ...events, ...reput], meta);
      return ok(await view(tx, updated));
    });
  };

  async function view(tx: Parameters<typeof store.confirmationsOf>[0], r: store.ReturnRow): Promise<ReturnView> {
    return returnView(r, await store.confirmationsOf(tx, [r.id]));
  }
}
