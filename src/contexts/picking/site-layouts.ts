import type { SiteLocation } from '../../optimize/geometry/site-layout.ts';
import { reviveSiteLayoutFit, storeSiteLayoutFit } from '../../optimize/geometry/site-layout.ts';
import type { Cache } from '../../platform/cache/cache.ts';
import type { Tx } from '../../platform/db/database.ts';
import { fitSiteLayout, type SiteLayoutFit } from './domain/route-sequence.ts';

/** How long a fitted site layout is reused if an invalidation is ever missed. */
export const SITE_LAYOUT_TTL_S = 60;

/** Cache key of a site's fitted layout (picking's own: it is fitted from picking's projection of locations). */
export const siteLayoutKey = (siteId: string): string => `picking:site-layout:${siteId}`;

/**
 * Fitted layouts per site, in the platform cache (memory, or Redis shared by the installation's processes). A site's
 * locations are read (by the caller's `load`, from picking's projection in the caller's transaction) and fitted once,
 * then reused until the TTL passes or a location-master event for the site drops the entry once its handler commits;
 * failed fits are cached too, so a site without coordinates is not re-read for every list. A failed read is not.
 *
 * A transaction that changed a site's projected locations (events handled together in one transaction) reads and fits
 * them itself, uncached: the cache never holds what a transaction has not committed.
 */
export function siteLayouts(cache: Cache, ttlS = SITE_LAYOUT_TTL_S) {
  const changedIn = new WeakMap<Tx, Set<string>>();
  return {
    async get(tx: Tx, siteId: string, load: () => Promise<readonly SiteLocation[]>): Promise<SiteLayoutFit> {
      if (changedIn.get(tx)?.has(siteId) === true) return fitSiteLayout(await load());
      const stored = await cache.getOrLoad(siteLayoutKey(siteId), ttlS, async () => storeSiteLayoutFit(fitSiteLayout(await load())));
      // The loader always answers, so the cache does too.
      return reviveSiteLayoutFit(stored!);
    },
    /** The site's projected locations changed in `tx`: its cached layout goes once `tx` commits. */
    changed(tx: Tx, siteId: string): void {
      const sites = changedIn.get(tx) ?? new Set<string>();
      if (sites.size === 0) changedIn.set(tx, sites);
      sites.add(siteId);
      tx.afterCommit(() => void cache.delete(siteLayoutKey(siteId)));
    },
  };
}

export type SiteLayouts = ReturnType<typeof siteLayouts>;
