import { withoutDefaultOwner } from '../../domain/ledger.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
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
      const decision = decideCreateAsn({ products }, { ...input, asnId }, deps.clock.now());
      if (!decision.ok) return decision;
      await inbound.insertAsn(tx, decision.value.asn, deps.clock.now());
      await deps.bus.append(tx, 'inventory', withoutDefaultOwner(decision.value.events), meta);
      const asn = (await inbound.getAsn(tx, asnId))!;
      return ok(asnView(asn, await inbound.asnLines(tx, [asnId]), []));
    });
  };
}
