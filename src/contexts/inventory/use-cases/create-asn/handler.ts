import { withoutDefaultOwner } from '../../domain/ledger.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { lpnLabelCode } from '../../domain/inbound.ts';
import * as inbound from '../../inbound-store.ts';
import { asnView, type AsnView } from '../../inbound-views.ts';
import type { StockApis } from '../ledger-writes.ts';
import { decideCreateAsn, type CreateAsnInput, type CreateAsnRejection } from './decide.ts';

/** POST /inventory/asns: catalog first, then the ASN, its lines and `inventory.asn.created` in one transaction. */
export function createAsnHandler(deps: PlatformDeps, apis: Pick<StockApis, 'catalog'>) {
  return async (input: CreateAsnInput, meta: EventMeta): Promise<Outcome<AsnView, CreateAsnRejection>> => {
    const products = await apis.catalog.getBySkus([...new Set(input.lines.map((l) => l.sku))]);
    const asnId = deps.ids.next('asn');
    return decideInTx(deps.db, async (tx) => {
      // The labels it expects, locked first: two ASNs announcing one label at once are decided one after the other.
      const codes = [...new Set(input.lines.flatMap((l) => (l.expectedLpn === undefined ? [] : [lpnLabelCode(l.expectedLpn)])))];
      let labelsExpected: Set<string> | undefined;
      if (codes.length > 0) {
        await inbound.lockExpectedLabels(tx, input.siteId, codes);
        const asked = new Set(codes);
        labelsExpected = new Set((await inbound.labelsStillExpectedAt(tx, input.siteId))
          .map((l) => ({ code: lpnLabelCode(l.expected_lpn), arrived: l.arrived }))
          .filter((l) => asked.has(l.code) && !l.arrived.includes(l.code)).map((l) => l.code));
      }
      const decision = decideCreateAsn({ products, labelsExpected }, { ...input, asnId }, deps.clock.now());
      if (!decision.ok) return decision;
      await inbound.insertAsn(tx, decision.value.asn, deps.clock.now());
      await deps.bus.append(tx, 'inventory', withoutDefaultOwner(decision.value.events), meta);
      const asn = (await inbound.getAsn(tx, asnId))!;
      return ok(asnView(asn, await inbound.asnLines(tx, [asnId]), []));
    });
  };
}
