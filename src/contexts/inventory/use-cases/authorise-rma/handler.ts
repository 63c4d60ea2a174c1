import { withoutDefaultOwner } from '../../domain/ledger.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as rmas from '../../rma-store.ts';
import { rmaView, type RmaView } from '../../views-rma.ts';
import type { StockApis } from '../ledger-writes.ts';
import { decideAuthoriseRma, type AuthoriseRmaInput } from './decide.ts';

/** POST /rmas: the SKUs are checked with catalog first, then the RMA and its lines are written with their event. */
export function authoriseRmaHandler(deps: PlatformDeps, apis: StockApis) {
  return async (input: AuthoriseRmaInput, meta: EventMeta): Promise<Outcome<RmaView, 'VALIDATION_FAILED' | 'UNKNOWN_SKU'>> => {
    const products = await apis.catalog.getBySkus([...new Set(input.lines.map((l) => l.sku))]);
    const rmaId = deps.ids.next('rma');
    return decideInTx(deps.db, async (tx) => {
      const d = decideAuthoriseRma({ products }, { ...input, rmaId }, deps.clock.now());
      if (!d.ok) return d;
      await rmas.insertRma(tx, d.value.rma);
      await deps.bus.append(tx, 'inventory', withoutDefaultOwner(d.value.events), meta);
      return ok(rmaView((await rmas.getRma(tx, rmaId))!, await rmas.linesOf(tx, rmaId)));
    });
  };
}
