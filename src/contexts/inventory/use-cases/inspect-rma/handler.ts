import type { PublishedEvent } from '../../../../contracts/events.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { namesOne } from '../../domain/command-checks.ts';
import { isInProcess } from '../../domain/stock.ts';
import { learnLocation, lockMoveEnd, lockPickable, NOT_LEARNED } from '../../pickability.ts';
import * as store from '../../store.ts';
import * as rmas from '../../rma-store.ts';
import { rmaView, type RmaView } from '../../views-rma.ts';
import { changeBalanceOrFail, changeSkuOnHandOrFail, findLocation, record, type StockApis } from '../ledger-writes.ts';
import { rmaLocationRef } from '../receive-rma/decide.ts';
import { decideInspectRma, type InspectRmaInput, type InspectRmaRejection } from './decide.ts';
import { closestFreePolicy, type PutawayPolicy } from '../../domain/putaway-policy.ts';
import { putawayReleased, reputFacts } from '../reput-released/handler.ts';

/**
 * POST /rmas/{id}/lines/{lineId}/inspect. The RMA's site is read first (a RESTOCK's scanned location is looked up
 * there); then under lock: the RMA row, the two locations' projection rows in id order (FOR SHARE), the two balances
 * in location order (the held QUARANTINE one and the AVAILABLE target), then the SKU row when units join AVAILABLE.
 * Units restocked at a RECEIVING location (in place at the dock they were received at, say) are not pickable there:
 * like units released there by hand, they get a putaway and a PUTAWAY task for what no OPEN putaway covers
 * (`reput-released`); they waited at the dock before, seen only as `unpickable`, with no task and no exception.
 */
export function inspectRmaHandler(deps: PlatformDeps, apis: StockApis, policy: PutawayPolicy = closestFreePolicy) {
  return async (input: InspectRmaInput, meta: EventMeta): Promise<Outcome<RmaView, InspectRmaRejection>> => {
    const known = await rmas.getRma(deps.db, input.rmaId);
    const ref = rmaLocationRef(input);
    const scanned = input.locationId ?? input.locationCode ?? '';
    const target = known === undefined || !namesOne(ref) || isInProcess(scanned) ? undefined : await findLocation(apis.locations, known.site_id, ref);
    const movementId = deps.ids.next('mov');
    // Restocked at the dock: the units get a putaway, suggested as a receipt's is (read before the transaction).
    const restockSku = known === undefined || input.disposition !== 'RESTOCK' || target?.type !== 'RECEIVING'
      ? undefined : (await rmas.linesOf(deps.db, known.id)).find((l) => l.line_id === input.lineId)?.sku;
    const dock = restockSku === undefined || known === undefined ? undefined : await reputFacts(deps.db, apis, known.site_id, restockSku, target);
    return decideInTx(deps.db, async (tx) => {
      const rma = await rmas.lockRma(tx, input.rmaId);
      const lines = rma === undefined ? [] : await rmas.linesOf(tx, rma.id);
      const line = lines.find((l) => l.line_id === input.lineId);
      let learned = NOT_LEARNED;
      let receivedUnderCount = false;
      let held: store.BalanceRow | undefined;
      if (rma !== undefined && line?.received_location_id != null) {
        const from = line.received_location_id;
        const to = target !== undefined && target.siteId === rma.site_id ? target : undefined;
        // Projection rows in location id order (a restock in place locks the one row).
        if (to === undefined) await lockPickable(tx, from);
        else if (to.id === from) learned = await learnLocation(tx, to);
        else {
          for (const id of [from, to.id].sort()) {
            if (id === to.id) learned = await learnLocation(tx, to);
            else receivedUnderCount = (await lockMoveEnd(tx, from)).underCount;
          }
        }
        const heldKey = { siteId: rma.site_id, ownerId: rma.owner_id, sku: line.sku, locationId: from, lot: line.lot, status: 'QUARANTINE' as const };
        await store.lockBalances(tx, [heldKey, ...(to === undefined ? [] : [{ ...heldKey, locationId: to.id, status: 'AVAILABLE' as const }])]);
        held = await store.getBalance(tx, heldKey);
      }
      const d = decideInspectRma({ rma, lines, target, targetPickable: learned.pickable, targetUnderCount: learned.underCount, receivedUnderCount, held }, { ...input, movementId }, deps.clock.now());
      if (!d.ok) return d;
      const v = d.value;
      if (v.out !== undefined) await changeBalanceOrFail(tx, v.out.key, -v.out.quantity, 0, `RMA ${input.rmaId}: held units vanished under lock`);
      const reput: PublishedEvent[] = [];
      if (v.restock !== undefined) {
        const r = v.restock;
        await store.addMovedOnHand(tx, r.key, r.quantity, r.expiresOn, r.firstReceivedAt);
        await changeSkuOnHandOrFail(tx, r.key.siteId, r.key.ownerId, r.key.sku, r.quantity, r.unpickable, `RMA ${input.rmaId}: SKU stock refused a restock`);
        if (dock !== undefined && dock.dock.id === r.key.locationId && r.key.sku === restockSku) {
          const now = await store.getBalance(tx, r.key);
          reput.push(...await putawayReleased(tx, deps, policy, dock, (now?.on_hand ?? 0) - (now?.reserved ?? 0), {
            siteId: r.key.siteId, ownerId: r.key.ownerId, sku: r.key.sku, lot: r.key.lot, released: r.quantity, releaseMovementId: movementId,
          }));
        }
      }
      await rmas.saveLineInspection(tx, rma!.id, v.line.line_id, v.line);
      if (v.status !== rma!.status) await rmas.setRmaStatus(tx, rma!.id, v.status);
      await record(tx, deps, v.movements, [...learned.events, ...v.events, ...reput], meta);
      return ok(rmaView((await rmas.getRma(tx, rma!.id))!, await rmas.linesOf(tx, rma!.id)));
    });
  };
}
