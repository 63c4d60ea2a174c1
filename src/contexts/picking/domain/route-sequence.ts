import type { Location } from '../../../contracts/location-master.ts';
import type { Pick } from '../../../optimize/geometry/layout.ts';
import { fitSiteLayout, type SiteLayout, type SiteLayoutFit } from '../../../optimize/geometry/site-layout.ts';
import { route } from '../../../optimize/routing/index.ts';
import { pickSequenceOrder, type PickSequencer, type SequencedStop } from './pick-sequence.ts';

// The fit itself is shared with waves (batching needs the same layout); picking keeps these names for its callers.
export { fitSiteLayout, ROUTING_LOCATION_TYPES, STORAGE_TYPES, type SiteLayout, type SiteLayoutFit } from '../../../optimize/geometry/site-layout.ts';

/** Rounds metres to centimetres, the precision the pick list stores. */
const cm = (metres: number): number => Math.round(metres * 100) / 100;

/**
 * Orders stops by the optimal picker route over the site's layout (optimize/routing `route`), depot to depot.
 * `routeLength` is the router's length plus the depot approach both ways, in metres (to the centimetre).
 * Undefined when a stop has no location code or its location is not part of the layout: the caller falls back.
 * The stops are put in pick-sequence order first, so equal inputs give equal routes.
 */
export function routeStops<T extends SequencedStop>(
  site: SiteLayout, stops: readonly T[],
): { readonly stops: readonly T[]; readonly routeLength: number } | undefined {
  const sorted = pickSequenceOrder.sequence(stops).stops;
  const picks: Pick[] = [];
  for (const s of sorted) {
    const pick = s.locationCode === null ? undefined : site.picks.get(s.locationCode);
    if (pick === undefined) return undefined;
    picks.push(pick);
  }
  if (picks.length === 0) return { stops: [], routeLength: 0 };
  const routed = route(site.layout, picks);
  const ordered = routed.sequence.map((i) => sorted[i] as T);
  return { stops: ordered, routeLength: cm(routed.length + 2 * site.approach) };
}

/**
 * The sequencer for one site: the routed order when the site's layout is known and holds every stop, else the
 * pick-sequence order with no length. `onFallback` hears why (for a debug log).
 */
export function routingSequencer(fit: SiteLayoutFit, onFallback: (reason: string) => void = () => undefined): PickSequencer {
  return {
    sequence(stops) {
      if (!fit.ok) {
        onFallback(fit.reason);
        return pickSequenceOrder.sequence(stops);
      }
      const routed = routeStops(fit.site, stops);
      if (routed === undefined) {
        onFallback('a stop has no location code in the fitted layout');
        return pickSequenceOrder.sequence(stops);
      }
      return routed;
    },
  };
}

/** Pure composition for callers holding the locations: fit, then route (or fall back). */
export function sequenceByRoute<T extends SequencedStop>(
  locations: readonly Location[], stops: readonly T[],
): { readonly stops: readonly T[]; readonly routeLength: number | null } {
  return routingSequencer(fitSiteLayout(locations)).sequence(stops);
}
