import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { learnLocation } from '../../pickability.ts';
import * as store from '../../store.ts';
import * as rmas from '../../rma-store.ts';
import { rmaView, type RmaView } from '../../views-rma.ts';
import { findLocation, record, type StockApis } from '../ledger-writes.ts';
import { decideReceiveRma, rmaLocationRef, type ReceiveRmaInput, type ReceiveRmaRejection } from './decide.ts';

/**
 * POST /rmas/{id}/receive. The RMA's site is read first (to look the scanned location up there); then the RMA row is
 * locked (receipts against one RMA queue), the location learned, and the QUARANTINE balances added to. QUARANTINE
 * units are not AVAILABLE: SKU stock and ATP do not change.
 */
export function receiveRmaHandler(deps: PlatformDeps, apis: StockApis) {
  return async (input: ReceiveRmaInput, meta: EventMeta): Promise<Outcome<RmaView, ReceiveRmaRejection>> => {
    const known = await rmas.getRma(deps.db, input.rmaId);
    const location = known === undefined ? undefined : await findLocation(apis.locations, known.site_id, rmaLocationRef(input));
    // A line's SKU never changes: its product is read before the transaction, like the location.
    const skus = known === undefined ? [] : [...new Set((await rmas.linesOf(deps.db, known.id)).map((l) => l.sku))];
    const products = skus.length === 0 ? new Map() : await apis.catalog.getBySkus(skus);
    return decideInTx(deps.db, async (tx) => {
      const rma = await rmas.lockRma(tx, input.rmaId);
      const lines = rma === undefined ? [] : await rmas.linesOf(tx, rma.id);
      const d = decideReceiveRma({ rma, lines, location, products }, { ...input, newMovementId: () => deps.ids.next('mov') }, deps.clock.now());
      if (!d.ok) return d;
      const learned = await learnLocation(tx, location!);
      // Returned units come back without a date: a dated lot keeps the expiry it was received with, so it still
      // expires (undated, it would be promised and shipped for ever).
      for (const r of d.value.receipts) await store.addOnHand(tx, r.key, r.quantity, await store.knownLotExpiry(tx, r.key.ownerId, r.key.sku, r.key.lot));
      for (const l of d.value.lines) await rmas.saveLineReceipt(tx, rma!.id, l.lineId, l.received, l.lot, l.locationId);
      await rmas.setRmaStatus(tx, rma!.id, d.value.status);
      await record(tx, deps, d.value.movements, [...learned.events, ...d.value.events], meta);
      return ok(rmaView((await rmas.getRma(tx, rma!.id))!, await rmas.linesOf(tx, rma!.id)));
    });
  };
}
