import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { namesOne } from '../../domain/command-checks.ts';
import { isInProcess } from '../../domain/stock.ts';
import * as inbound from '../../inbound-store.ts';
import * as rmas from '../../rma-store.ts';
import { putawayView, type PutawayView } from '../../inbound-views.ts';
import { NOT_LEARNED } from '../../pickability.ts';
import { findLocation, type StockApis } from '../ledger-writes.ts';
import { lockMoveEnds, writeMove, type MoveEnds } from '../move-stock/handler.ts';
import { decideConfirmPutaway, scannedLocation, type ConfirmPutawayInput, type ConfirmPutawayRejection } from './decide.ts';

/**
 * POST /inventory/putaways/{id}/confirm. The putaway's site, product and receiving location are read first, the
 * scanned location looked up at that site; then under lock: the putaway row, then the move's two ends as a move locks
 * them (locations, then balances, each in id order; for quarantined units, the units RMAs await inspection for at the
 * dock), and the move written the one way moves are (`writeMove`).
 */
export function confirmPutawayHandler(deps: PlatformDeps, apis: StockApis) {
  return async (input: ConfirmPutawayInput, meta: EventMeta): Promise<Outcome<PutawayView, ConfirmPutawayRejection>> => {
    const known = await inbound.getPutaway(deps.db, input.putawayId);
    const ref = scannedLocation(input);
    const scanned = input.locationId ?? input.locationCode ?? '';
    const to = known === undefined || !namesOne(ref) || isInProcess(scanned) ? undefined : await findLocation(apis.locations, known.site_id, ref);
    const from = known === undefined ? undefined : (await apis.locations.getLocations([known.from_location_id])).get(known.from_location_id);
    const product = known === undefined ? undefined : (await apis.catalog.getBySkus([known.sku])).get(known.sku);
    const movementId = deps.ids.next('mov');
    return decideInTx(deps.db, async (tx) => {
      const putaway = await inbound.getPutaway(tx, input.putawayId, true);
      const earlierScan = putaway === undefined || input.scanId === undefined ? undefined : await inbound.putawayConfirmationByScan(tx, putaway.id, input.scanId);
      let ends: MoveEnds = { learned: { from: NOT_LEARNED, to: NOT_LEARNED }, source: undefined };
      let awaitingInspection: { rmaId: string; units: number }[] | undefined;
      if (putaway !== undefined && earlierScan === undefined && from !== undefined && to !== undefined && to.siteId === putaway.site_id && from.id !== to.id) {
        const key = { siteId: putaway.site_id, ownerId: putaway.owner_id, sku: putaway.sku, lot: putaway.lot };
        ends = await lockMoveEnds(tx, { ...key, status: putaway.stock_status }, from, to);
        // As a move of QUARANTINE units (move-stock): the units an RMA received at the dock and awaits inspection for
        // stay there for it, whatever putaway of quarantined units is confirmed (read with the source balance locked: an
        // RMA receipt and its inspection change that balance under the same lock).
        if (putaway.stock_status === 'QUARANTINE') {
          awaitingInspection = (await rmas.awaitingInspectionOn(tx, { ...key, locationId: from.id })).map((r) => ({ rmaId: r.rma_id, units: r.awaiting }));
        }
      }
      const move = {
        product, from, to, fromPickable: ends.learned.from.pickable, toPickable: ends.learned.to.pickable,
        fromUnderCount: ends.learned.from.underCount, toUnderCount: ends.learned.to.underCount, source: ends.source, awaitingInspection,
      };
      const decision = decideConfirmPutaway({ putaway, earlierScan, move }, { ...input, movementId }, deps.clock.now());
      if (!decision.ok) return decision;
      const d = decision.value;
      if (d.replay) return ok(putawayView(putaway!, await inbound.putawayConfirmationsOf(tx, [putaway!.id])));
      const now = deps.clock.now();
      const who = input.workerId ?? meta.actor?.id ?? null;
      await writeMove(tx, deps, d.move, ends.learned, d.events, meta);
      const updated = await inbound.updatePutaway(tx, input.putawayId, { putAway: d.putAway, status: d.status, locationId: d.move.to.id, confirmedBy: who, at: now });
      await inbound.insertPutawayConfirmation(tx, { id: movementId, putaway_id: updated.id, scan_id: input.scanId ?? null, location_id: d.move.to.id,
        quantity: d.move.quantity, confirmed_by: who, confirmed_at: now });
      return ok(putawayView(updated, await inbound.putawayConfirmationsOf(tx, [updated.id])));
    });
  };
}
