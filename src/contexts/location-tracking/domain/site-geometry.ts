/** A site's floor as location tracking sees it: its bounds and its locations, indexed for "which location is nearest". */

export interface TrackedLocation {
  readonly id: string;
  readonly code: string;
  readonly type: string;
  readonly zone: string | null;
  readonly x: number;
  readonly y: number;
  /** location-master's status: an INACTIVE location is retired, no position is placed at it (absent: ACTIVE). */
  readonly status?: string;
}

export interface Bounds {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

export interface SiteGeometry {
  readonly siteId: string;
  /** The locations' bounding box grown by the margin; undefined when the site has no location (nothing is inside). */
  readonly bounds: Bounds | undefined;
  readonly byId: ReadonlyMap<string, TrackedLocation>;
  inside(x: number, y: number): boolean;
  /** The nearest location within `snapM` metres of (x, y), if any: where the thing is. */
  nearest(x: number, y: number): TrackedLocation | undefined;
  /**
   * The zone of the nearest location within `zoneM` metres: a zone is an area, and a worker walking an aisle between
   * two racks is in the racks' zone though at no location.
   */
  zoneAt(x: number, y: number): string | null;
}

/**
 * Builds the geometry: bounds = bounding box of the locations ± `marginM` (docks and yards lie a little outside the
 * racks); a uniform grid of `snapM`-wide cells, so `nearest` looks at 9 cells, not at every location.
 */
export function siteGeometry(siteId: string, locations: readonly TrackedLocation[], marginM: number, snapM: number, zoneM = Math.max(10, snapM)): SiteGeometry {
  const byId = new Map(locations.map((l) => [l.id, l]));
  let bounds: Bounds | undefined;
  if (locations.length > 0) {
    const xs = locations.map((l) => l.x);
    const ys = locations.map((l) => l.y);
    bounds = {
      minX: Math.min(...xs) - marginM, maxX: Math.max(...xs) + marginM,
      minY: Math.min(...ys) - marginM, maxY: Math.max(...ys) + marginM,
    };
  }
  const cell = Math.max(snapM, 0.01);
  const grid = new Map<number, TrackedLocation[]>();
  // Cells keyed by a number (no string per lookup): rows of 2^21 cells, far wider than any site.
  const keyOf = (cx: number, cy: number): number => cx * 2_097_152 + cy;
  // A retired (INACTIVE) location still bounds the site but is no place to be at, nor the zone of a point near it.
  for (const l of locations) {
    if (l.status === 'INACTIVE') continue;
    const k = keyOf(Math.floor(l.x / cell), Math.floor(l.y / cell));
    const list = grid.get(k);
    if (list === undefined) grid.set(k, [l]);
    else list.push(l);
  }
  const nearestWithin = (x: number, y: number, maxM: number): TrackedLocation | undefined => {
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    const reach = Math.ceil(maxM / cell);
    let best: TrackedLocation | undefined;
    let bestD = maxM * maxM;
    for (let dx = -reach; dx <= reach; dx++) {
      for (let dy = -reach; dy <= reach; dy++) {
        for (const l of grid.get(keyOf(cx + dx, cy + dy)) ?? []) {
          const d = (l.x - x) ** 2 + (l.y - y) ** 2;
          // Ties go to the smaller id, so two processes place one point alike.
          if (d < bestD || (d === bestD && (best === undefined || l.id < best.id))) {
            best = l;
            bestD = d;
          }
        }
      }
    }
    return best;
  };
  return {
    siteId, bounds, byId,
    inside(x, y) {
      return bounds !== undefined && x >= bounds.minX && x <= bounds.maxX && y >= bounds.minY && y <= bounds.maxY;
    },
    nearest: (x, y) => nearestWithin(x, y, snapM),
    zoneAt: (x, y) => nearestWithin(x, y, zoneM)?.zone ?? null,
  };
}
