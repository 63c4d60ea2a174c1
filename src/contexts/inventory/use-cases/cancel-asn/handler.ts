import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as inbound from '../../inbound-store.ts';
import { asnView, type AsnView } from '../../inbound-views.ts';
import { decideCancelAsn, type CancelAsnCommand, type CancelAsnRejection } from './decide.ts';

/** POST /inventory/asns/{id}/cancel: the ASN row locked (receipts against it queue behind), decided, written. */
export function cancelAsnHandler(deps: PlatformDeps) {
  return async (input: CancelAsnCommand, meta: EventMeta): Promise<Outcome<AsnView, CancelAsnRejection>> => decideInTx(deps.db, async (tx) => {
    const asn = await inbound.getAsn(tx, input.asnId, true);
    // Read under the ASN's lock: an arrival recorded before it is seen (one recorded after finds the ASN CANCELLED).
    const arrivedLpns = asn === undefined ? [] : (await inbound.asnLpnArrivals(tx, asn.id)).map((x) => x.code);
    const decision = decideCancelAsn({ asn, arrivedLpns }, input, deps.clock.now());
    if (!decision.ok) return decision;
    await inbound.setAsnStatus(tx, input.asnId, 'CANCELLED', deps.clock.now(), decision.value.reason);
    await deps.bus.append(tx, 'inventory', decision.value.events, meta);
    return ok(asnView((await inbound.getAsn(tx, input.asnId))!, await inbound.asnLines(tx, [input.asnId]), []));
  });
}
