/** A site's floor as location tracking sees it: its bounds and its locations, indexed for "which location is nearest". */

export interface TrackedLocation {
  readonly id: string;
  readonly code: string;
  readonly type: string;
  readonly zone: string | null;
  readonly x: number;
  readonly y: number;
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
  /** The nearest location within `snapM` metres of (x, y), if any. */
  nearest(x: number, y: number): TrackedLocation | undefined;
}

/**
 * Builds the geometry: bounds = bounding box of the locations ± `marginM` (docks and yards lie a little outside the
 * racks); a uniform grid of `snapM`-wide cells, so `nearest` looks at 9 cells, not at every location.
 */
export function siteGeometry(siteId: string, locations: readonly TrackedLocation[], marginM: number, snapM: number): SiteGeometry {
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
  const grid = new Map<string, TrackedLocation[]>();
  const keyOf = (cx: number, cy: number): string => `${cx}:${cy}`;
  for (const l of locations) {
    const k = keyOf(Math.floor(l.x / cell), Math.floor(l.y / cell));
    const list = grid.get(k);
    if (list === undefined) grid.set(k, [l]);
    else list.push(l);
  }
  return {
    siteId, bounds, byId,
    inside(x, y) {
      return bounds !== undefined && x >= bounds.minX && x <= bounds.maxX && y >= bounds.minY && y <= bounds.maxY;
    },
    nearest(x, y) {
      const cx = Math.floor(x / cell);
      const cy = Math.floor(y / cell);
      let best: TrackedLocation | undefined;
      let bestD = snapM * snapM;
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          for (const l of grid.get(keyOf(cx + dx, cy + dy)) ?? []) {
            const d = (l.x - x) ** 2 + (l.y - y) ** 2;
            // Ties go to the smaller id, so two processes snap one point to the same location.
            if (d < bestD || (d === bestD && best !== undefined && l.id < best.id) || (d === bestD && best === undefined)) {
              best = l;
              bestD = d;
            }
          }
        }
      }
      return best;
    },
  };
}
