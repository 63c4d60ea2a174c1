import { aisleX, crossAisleY, pickDistance, pickPoint, type Pick } from '../../../optimize/geometry/layout.ts';
import { fitSiteLayout, type SiteLayout, type SiteLocation } from '../../../optimize/geometry/site-layout.ts';

/** A location as the travel model reads it: the fit's fields plus its id. */
export interface TravelLocation extends SiteLocation {
  readonly id: string;
}

/** Where a location is on the walking graph: a rack position of the fitted layout, or a point on the front wall. */
type Place = { readonly kind: 'pick'; readonly pick: Pick } | { readonly kind: 'front'; readonly x: number };

/**
 * Walking distances between a site's locations, in metres, over the routing core's aisle geometry
 * (optimize/geometry): between rack locations the shortest walk along aisles and cross aisles (`pickDistance`);
 * from a location on the front wall (dock, depot, pack station) along the front wall, through the depot approach, into
 * the aisle. When the site's layout cannot be fitted (no depot, no coordinates) the distance is rectilinear on the
 * raw coordinates. Undefined for a location the site does not have.
 */
export interface TravelMap {
  distance(fromId: string, toId: string): number | undefined;
  readonly fitted: boolean;
}

export function travelMap(locations: readonly TravelLocation[]): TravelMap {
  const byId = new Map(locations.map((l) => [l.id, l]));
  const fit = fitSiteLayout(locations);
  if (!fit.ok) {
    return {
      fitted: false,
      distance(a, b) {
        const p = byId.get(a);
        const q = byId.get(b);
        return p === undefined || q === undefined ? undefined : Math.abs(p.x - q.x) + Math.abs(p.y - q.y);
      },
    };
  }
  const site: SiteLayout = fit.site;
  const depot = locations.filter((l) => l.type === 'DEPOT').sort((a, b) => (a.code < b.code ? -1 : 1))[0] as TravelLocation;
  const places = new Map<string, Place>();
  for (const l of locations) {
    const pick = site.picks.get(l.code);
    // The fitted layout puts the depot at layout.depot.x; other front-wall points keep their offset from it.
    places.set(l.id, pick !== undefined ? { kind: 'pick', pick } : { kind: 'front', x: site.layout.depot.x + (l.x - depot.x) });
  }
  const { layout, approach } = site;
  const intoAisle = (x: number, p: Pick): number => Math.abs(x - aisleX(layout, p.aisle)) + approach + (pickPoint(layout, p).y - crossAisleY(layout, 0));
  return {
    fitted: true,
    distance(a, b) {
      const p = places.get(a);
      const q = places.get(b);
      if (p === undefined || q === undefined) return undefined;
      if (a === b) return 0;
      if (p.kind === 'pick' && q.kind === 'pick') return pickDistance(layout, p.pick, q.pick);
      if (p.kind === 'front' && q.kind === 'front') return Math.abs(p.x - q.x);
      return p.kind === 'front' ? intoAisle(p.x, (q as { pick: Pick }).pick) : intoAisle((q as { x: number }).x, p.pick);
    },
  };
}
