import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as inbound from '../../inbound-store.ts';
import { asnView, type AsnView } from '../../inbound-views.ts';
import { unbookedLpns } from '../../domain/inbound.ts';
import { decideCloseAsn, type CloseAsnCommand, type CloseAsnRejection } from './decide.ts';

/** POST /inventory/asns/{id}/close: the ASN locked (so no receipt lands while the lines are read), discrepancies recorded. */
export function closeAsnHandler(deps: PlatformDeps) {
  return async (input: CloseAsnCommand, meta: EventMeta): Promise<Outcome<AsnView, CloseAsnRejection>> => decideInTx(deps.db, async (tx) => {
    const asn = await inbound.getAsn(tx, input.asnId, true);
    const lines = asn === undefined ? [] : await inbound.asnLines(tx, [asn.id]);
    // Read under the ASN's lock, as its lines: a receipt or an arrival recorded before it is seen.
    const arrivals = asn === undefined ? [] : await inbound.asnLpnArrivals(tx, asn.id);
    const decision = decideCloseAsn({ asn, lines, unbookedLpns: unbookedLpns(arrivals, lines) }, input, deps.clock.now());
    if (!decision.ok) return decision;
    const now = deps.clock.now();
    await inbound.setAsnStatus(tx, input.asnId, 'CLOSED', now);
    await inbound.insertDiscrepancies(tx, input.asnId, decision.value.discrepancies, now);
    await deps.bus.append(tx, 'inventory', decision.value.events, meta);
    return ok(asnView((await inbound.getAsn(tx, input.asnId))!, lines, await inbound.discrepanciesOf(tx, [input.asnId])));
  });
}
