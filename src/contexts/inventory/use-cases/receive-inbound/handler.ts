import { DEFAULT_OWNER_ID } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Executor } from '../../../../platform/db/database.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { putawayTargetTypes } from '../../domain/inbound.ts';
import type { PutawayCandidate, PutawayPolicy } from '../../domain/putaway-policy.ts';
import { fromLotKey } from '../../domain/stock.ts';
import * as inbound from '../../inbound-store.ts';
import * as serials from '../../serial-store.ts';
import { putawayView, type PutawayView } from '../../inbound-views.ts';
import { learnLocation, NOT_LEARNED } from '../../pickability.ts';
import { balanceView, type BalanceView } from '../../views.ts';
import { lookUp, type StockApis } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { inactiveProduct, locationRef } from '../receive/decide.ts';
import { writeReceipt } from '../receive/handler.ts';
import { decideInboundReceipt, type InboundReceiptInput, type InboundReceiptRejection } from './decide.ts';

export interface InboundReceiptResult {
  readonly movementId: string;
  readonly siteId: string;
  readonly sku: string;
  readonly lot: string | null;
  readonly status: string;
  readonly quantity: number;
  readonly locationId: string;
  readonly asnId: string | null;
  readonly lineNo: number | null;
  readonly balance: BalanceView;
  readonly putaway: PutawayView;
}

/**
 * An inbound receipt's input: for a receipt against an ASN the site and the owner are the ASN's, so `siteId` and
 * `ownerId` may be left out (a blind receipt names its owner, resolved at the edge).
 */
export type InboundReceiptRequest = Omit<InboundReceiptInput, 'siteId' | 'ownerId'> & {
  readonly siteId?: string | undefined; readonly ownerId?: string | undefined;
};

/**
 * POST /inventory/asns/{id}/receipts and /inventory/inbound-receipts. Before the transaction: the ASN's site, the
 * product, the receiving location (the site's first ACTIVE RECEIVING location by code when none is named), the
 * locations the units could be put away to and what they hold (a suggestion needs no lock). In it: the ASN row locked
 * (receipts against one ASN queue; its close waits for them), the receiving location learned, then the receipt written
 * the one way receipts are (`writeReceipt`), the ASN line counted and the putaway request made.
 */
export function inboundReceiptHandler(deps: PlatformDeps, apis: StockApis, counters: InventoryCounters, policy: PutawayPolicy) {
  return async (request: InboundReceiptRequest, meta: EventMeta): Promise<Outcome<InboundReceiptResult, InboundReceiptRejection>> => {
    const known = request.asnId === undefined ? undefined : await inbound.getAsn(deps.db, request.asnId);
    const siteId = known?.site_id ?? request.siteId ?? '';
    // Units received against an ASN are the ASN's owner's (ADR 0028).
    let input: InboundReceiptInput = { ...request, siteId, ownerId: known?.owner_id ?? request.ownerId ?? DEFAULT_OWNER_ID };
    if (input.locationId === undefined && input.locationCode === undefined && siteId !== '') {
      const dock = (await apis.locations.listLocations(siteId, ['RECEIVING'])).filter((l) => l.status === 'ACTIVE')
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))[0];
      if (dock !== undefined) input = { ...input, locationId: dock.id };
    }
    const { product, location } = await lookUp(apis, siteId, input.sku, locationRef(input));
    // A blind receipt of a deactivated product is refused; one against an ASN announced before still arrives (ADR 0045).
    const inactive = input.asnId === undefined ? inactiveProduct(product) : undefined;
    if (inactive !== undefined) return inactive;
    const candidates = siteId === '' ? [] : await putawayCandidates(deps.db, apis, siteId, putawayTargetTypes(input.status ?? 'AVAILABLE'));
    const unit = product === undefined ? null : {
      volumeCm3: (product.lengthMm * product.widthMm * product.heightMm) / 1000, weightG: product.weightG,
    };
    const movementId = deps.ids.next('mov');
    const putawayId = deps.ids.next('put');
    const result = await decideInTx(deps.db, async (tx) => {
      const asn = input.asnId === undefined ? undefined : await inbound.getAsn(tx, input.asnId, true);
      const lines = asn === undefined ? [] : await inbound.asnLines(tx, [asn.id]);
      const learned = location === undefined || location.siteId !== siteId ? NOT_LEARNED : await learnLocation(tx, location);
      const serialsLive = await serials.liveSerials(tx, siteId, input.sku, input.serials ?? []);
      const state = { receive: { product, location, pickable: learned.pickable, serialsLive }, asn, lines, unit, candidates, policy };
      const decision = decideInboundReceipt(state, { ...input, movementId, putawayId }, deps.clock.now());
      if (!decision.ok) return decision;
      const d = decision.value;
      const now = deps.clock.now();
      const balance = await writeReceipt(tx, deps, d.receipt, [...learned.events, ...d.events], meta, d.putaway.asn_id);
      for (const l of d.lines) await inbound.addLineReceipt(tx, l.asnId, l.lineNo, l.received, l.damaged);
      if (d.asnStarts && asn !== undefined) await inbound.setAsnStatus(tx, asn.id, 'RECEIVING', now);
      const putaway = await inbound.insertPutaway(tx, d.putaway, now);
      return ok({
        movementId, siteId, sku: input.sku, lot: fromLotKey(d.receipt.key.lot), status: d.receipt.key.status, quantity: d.receipt.quantity,
        locationId: d.receipt.key.locationId, asnId: d.putaway.asn_id, lineNo: d.lines[0]?.lineNo ?? null, balance: balanceView(balance),
        putaway: putawayView(putaway, []),
      });
    });
    if (result.ok) counters.received.inc(input.quantity);
    return result;
  };
}

/**
 * The site's locations of the types the units may go to, with what each holds now (units, volume, weight, SKUs): what
 * the putaway strategy chooses among (a receipt's putaway, and one made when held units at the dock are released).
 */
export async function putawayCandidates(
  db: Executor, apis: StockApis, siteId: string, types: readonly Location['type'][],
): Promise<PutawayCandidate[]> {
  const locations = await apis.locations.listLocations(siteId, types);
  const held = await inbound.contentsAt(db, siteId, locations.map((l) => l.id));
  const products = await apis.catalog.getBySkus([...new Set(held.map((h) => h.sku))]);
  const contents = new Map<string, { units: number; volumeCm3: number; weightG: number; skus: string[] }>();
  for (const h of held) {
    const c = contents.get(h.location_id) ?? { units: 0, volumeCm3: 0, weightG: 0, skus: [] };
    const p = products.get(h.sku);
    c.units += h.units;
    if (p !== undefined) {
      c.volumeCm3 += (h.units * p.lengthMm * p.widthMm * p.heightMm) / 1000;
      c.weightG += h.units * p.weightG;
    }
    c.skus.push(h.sku);
    contents.set(h.location_id, c);
  }
  const none = { units: 0, volumeCm3: 0, weightG: 0, skus: [] };
  // Location master carries no capacity yet: every candidate is unlimited (PutawayCandidate.capacity).
  return locations.map((l) => ({ location: l, capacity: null, contents: contents.get(l.id) ?? none }));
}
