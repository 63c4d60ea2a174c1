import type { CatalogApi } from '../../../../contracts/catalog.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as store from '../../store.ts';
import { decideCountPolicy, type CountPolicyInput } from './decide.ts';

export interface CountPolicyView {
  readonly siteId: string;
  readonly sku: string;
  readonly abcClass: CountPolicyInput['abcClass'];
  readonly lastScheduledAt: string | null;
}

export const countPolicyView = (p: store.CountPolicyRow): CountPolicyView => ({
  siteId: p.site_id, sku: p.sku, abcClass: p.abc_class, lastScheduledAt: p.last_scheduled_at?.toISOString() ?? null,
});

/** PUT /inventory/count-policies: the catalogue is asked first, then the policy replaced. */
export function countPolicyHandler(deps: PlatformDeps, apis: { catalog: CatalogApi }) {
  return async (input: CountPolicyInput): Promise<Outcome<CountPolicyView, 'UNKNOWN_SKU'>> => {
    const product = (await apis.catalog.getBySkus([input.sku])).get(input.sku);
    const d = decideCountPolicy({ product }, input, deps.clock.now());
    if (!d.ok) return d;
    return ok(countPolicyView(await store.putCountPolicy(deps.db, { site_id: d.value.siteId, sku: d.value.sku, abc_class: d.value.abcClass })));
  };
}
