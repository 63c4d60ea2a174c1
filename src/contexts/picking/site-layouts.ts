import type { SiteLocation } from '../../optimize/geometry/site-layout.ts';
import { fitSiteLayout, type SiteLayoutFit } from './domain/route-sequence.ts';

/** How long a fitted site layout is reused before the locations are read again. */
export const SITE_LAYOUT_TTL_MS = 60_000;

/**
 * Fitted layouts per site, in memory. A site's locations are read (by the caller's `load`, from picking's projection
 * in the caller's transaction) and fitted once, then reused until the TTL passes or a location-master event for the
 * site drops the entry; failures are cached too, so a site without coordinates is not re-read for every wave.
 * Concurrent misses for a site share one read. Real time, not the business clock: this is a cache, and the
 * simulator's clock may jump.
 */
export function siteLayouts(ttlMs = SITE_LAYOUT_TTL_MS, now: () => number = () => performance.now()) {
  const cache = new Map<string, { readonly at: number; readonly fit: Promise<SiteLayoutFit> }>();
  return {
    get(siteId: string, load: () => Promise<readonly SiteLocation[]>): Promise<SiteLayoutFit> {
      const hit = cache.get(siteId);
      if (hit !== undefined && now() - hit.at < ttlMs) return hit.fit;
      const fit = load().then(fitSiteLayout);
      cache.set(siteId, { at: now(), fit });
      // A failed read is not cached: the next wave tries again.
      fit.catch(() => {
        if (cache.get(siteId)?.fit === fit) cache.delete(siteId);
      });
      return fit;
    },
    invalidate(siteId: string): void {
      cache.delete(siteId);
    },
  };
}

export type SiteLayouts = ReturnType<typeof siteLayouts>;
