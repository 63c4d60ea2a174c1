/** Read side of cycle counts and their settings (issue 11), for http-control.ts. */
import type { CountStatus } from '../../contracts/inventory.ts';
import { nextCursor } from '../../platform/http/paging.ts';
import type { Executor } from '../../platform/db/database.ts';
import * as store from './store.ts';
import { countPolicyView } from './use-cases/count-policy/handler.ts';
import { countView, type CountView } from './views.ts';

/** The SKUs under an open count at a site: `pairs` as "<locationId> <sku>", `skus` alone. */
export interface UnderCount { readonly pairs: ReadonlySet<string>; readonly skus: ReadonlySet<string> }

/**
 * A page of stock rows as a counter may read it: the rows of a SKU at a location under count left out (by SKU alone
 * when a row has no location field: a SKU's sum would give the counted shelf away; a movement of no location is kept).
 * The page's cursor is kept, so the
 * next page follows on from the rows read, and a page may come shorter than its limit.
 */
export function withoutCounted<P extends { readonly items: readonly { readonly sku: string; readonly locationId?: string | null }[] }>(page: P, hidden: UnderCount | undefined): P {
  if (hidden === undefined || hidden.skus.size === 0) return page;
  return { ...page, items: page.items.filter((i) => (i.locationId === undefined ? !hidden.skus.has(i.sku) : i.locationId === null || !hidden.pairs.has(`${i.locationId} ${i.sku}`))) };
}

export function countQueries(db: Executor) {
  return {
    /** One count; `blind` leaves out what a counter must not see (expected quantity, variance, earlier counts). */
    async count(id: string, blind: boolean): Promise<CountView | undefined> {
      const row = await store.getCount(db, id);
      return row === undefined ? undefined : countView(row, await store.submissionsOf(db, [id]), blind);
    },

    async counts(q: {
      siteId: string; status?: CountStatus | undefined; locationId?: string | undefined; sku?: string | undefined; limit: number; after: string | null;
    }, blind: boolean): Promise<{ items: CountView[]; nextCursor: string | null }> {
      const rows = await store.listCounts(db, q);
      const submissions = blind ? [] : await store.submissionsOf(db, rows.map((r) => r.id));
      return { items: rows.map((r) => countView(r, submissions, blind)), nextCursor: nextCursor(rows, q.limit, (r) => r.id) };
    },

    /**
     * What a counter at `siteId` may not read of the stock while it counts blind: each SKU under an open count, with the
     * locations it is counted at (docs/operations/counting.md, "Who sees what").
     */
    async underCount(siteId: string): Promise<UnderCount> {
      const rows = await store.skusUnderCount(db, siteId);
      return { pairs: new Set(rows.map((r) => `${r.location_id} ${r.sku}`)), skus: new Set(rows.map((r) => r.sku)) };
    },

    async settings(siteId: string): Promise<{ siteId: string; toleranceUnits: number | null; tolerancePercent: number | null }> {
      const s = await store.countSettings(db, siteId);
      return { siteId, toleranceUnits: s?.tolerance_units ?? null, tolerancePercent: s?.tolerance_percent ?? null };
    },

    async putSettings(siteId: string, toleranceUnits: number | null, tolerancePercent: number | null) {
      const s = await store.putCountSettings(db, { site_id: siteId, tolerance_units: toleranceUnits, tolerance_percent: tolerancePercent });
      return { siteId, toleranceUnits: s.tolerance_units, tolerancePercent: s.tolerance_percent };
    },

    async policies(q: { siteId: string; limit: number; after: string | null }) {
      const rows = await store.listCountPolicies(db, q);
      return { items: rows.map(countPolicyView), nextCursor: nextCursor(rows, q.limit, (r) => r.sku) };
    },
  };
}
