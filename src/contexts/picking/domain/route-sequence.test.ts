import { describe, expect, it } from 'vitest';
import type { Location } from '../../../contracts/location-master.ts';
import { tourLength, type Pick } from '../../../optimize/geometry/layout.ts';
import { route } from '../../../optimize/routing/index.ts';
// Test-only: the location master's generator makes the layouts the router meets in the product.
import { generateLayout, LAYOUT_DEFAULTS } from '../../location-master/domain/layout-generator.ts';
import { pickSequenceOrder, type SequencedStop } from './pick-sequence.ts';
import { fitSiteLayout, routeStops, routingSequencer, sequenceByRoute, type SiteLayout } from './route-sequence.ts';

function site(aisles: number, bays: number, levels: number, over: { bayWidth?: number } = {}): Location[] {
  return generateLayout('S1', { aisles, bays, levels, ...LAYOUT_DEFAULTS, ...over }).map((p, i) => ({
    ...p, id: `loc_${i}`, siteId: 'sit_1', status: 'ACTIVE' as const,
  }));
}

/** Deterministic pseudo-random stops over the site's storage locations. */
function stopsOn(locations: readonly Location[], n: number, seed: number): (SequencedStop & { readonly n: number })[] {
  const storage = locations.filter((l) => l.type === 'PICK_FACE' || l.type === 'RESERVE');
  let s = seed;
  const next = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: n }, (_, i) => {
    const l = storage[Math.floor(next() * storage.length)]!;
    return { n: i, key: `rsv_${i}`, locationId: l.id, locationCode: l.code, pickSequence: l.pickSequence, x: l.x, y: l.y };
  });
}

const fitted = (locations: readonly Location[]): SiteLayout => {
  const fit = fitSiteLayout(locations);
  if (!fit.ok) throw new Error(fit.reason);
  return fit.site;
};
const picksOf = (s: SiteLayout, stops: readonly SequencedStop[]): Pick[] => stops.map((x) => s.picks.get(x.locationCode!)!);

describe('routing sequencer over location-master coordinates', () => {
  it('fits a generated layout: one block, one aisle per generated aisle, levels share a pick position', () => {
    const locations = site(6, 10, 3);
    const s = fitted(locations);
    expect(s.layout).toMatchObject({ aisles: 6, blocks: 1, aislePitch: 3 });
    expect(s.layout.blockLength).toBeCloseTo(9 * 1.2);
    expect(s.layout.depot.x).toBeCloseTo(0); // the depot stands at the head of aisle 1
    expect(s.approach).toBeCloseTo(3 + 0.6); // front wall to the first bay's centre
    expect(s.picks.get('S1-A-02-05-1')).toEqual(s.picks.get('S1-A-02-05-3'));
    expect(s.picks.get('S1-A-02-05-1')).toMatchObject({ aisle: 1, block: 0 });
    expect(s.picks.get('S1-DEPOT')).toBeUndefined();
  });

  it('keeps one block when bays are wider than the default block gap', () => {
    expect(fitted(site(4, 6, 1, { bayWidth: 2.5 })).layout.blocks).toBe(1);
  });

  it('routes: the length is route()’s (plus the depot approach) and never longer than the serpentine pick sequence', () => {
    for (const [aisles, bays, n, seed] of [[8, 20, 12, 1], [12, 30, 25, 2], [20, 40, 40, 3], [3, 5, 1, 4], [10, 10, 60, 5]] as const) {
      const locations = site(aisles, bays, 2);
      const s = fitted(locations);
      const stops = stopsOn(locations, n, seed);
      const routed = routeStops(s, stops)!;
      expect(routed.stops).toHaveLength(n);
      expect(new Set(routed.stops.map((x) => x.n)).size).toBe(n); // every stop exactly once

      const sorted = pickSequenceOrder.sequence(stops).stops;
      const direct = route(s.layout, picksOf(s, sorted));
      expect(routed.routeLength).toBeCloseTo(direct.length + 2 * s.approach, 1);
      // The routed order, walked as given, has the router's length.
      const inOrder = picksOf(s, routed.stops);
      expect(tourLength(s.layout, inOrder, inOrder.map((_, i) => i))).toBeCloseTo(direct.length, 6);
      // The serpentine pick sequence is one feasible tour, so the optimum is no longer.
      const serpentine = picksOf(s, sorted);
      expect(direct.length).toBeLessThanOrEqual(tourLength(s.layout, serpentine, serpentine.map((_, i) => i)) + 1e-9);
    }
  });

  it('is deterministic whatever order the stops come in', () => {
    const locations = site(10, 20, 2);
    const stops = stopsOn(locations, 20, 9);
    const a = sequenceByRoute(locations, stops);
    const b = sequenceByRoute(locations, [...stops].reverse());
    expect(a.stops.map((x) => x.key)).toEqual(b.stops.map((x) => x.key));
    expect(a.routeLength).toBe(b.routeLength);
    expect(a.routeLength).toBeGreaterThan(0);
  });

  it('falls back to the pick-sequence order, with no length, when it cannot route', () => {
    const locations = site(4, 6, 1);
    const stops = stopsOn(locations, 5, 7);
    const expected = pickSequenceOrder.sequence(stops).stops.map((x) => x.key);
    const reasons: string[] = [];

    // No depot.
    const noDepot = routingSequencer(fitSiteLayout(locations.filter((l) => l.type !== 'DEPOT')), (r) => reasons.push(r)).sequence(stops);
    expect(noDepot.routeLength).toBeNull();
    expect(noDepot.stops.map((x) => x.key)).toEqual(expected);
    // No storage locations.
    expect(fitSiteLayout(locations.filter((l) => l.type === 'DEPOT')).ok).toBe(false);
    // A stop the location master does not know.
    const unknown = [...stops, { n: 99, key: 'rsv_x', locationId: 'loc_x', locationCode: null, pickSequence: null, x: null, y: null }];
    const fallback = routingSequencer(fitSiteLayout(locations), (r) => reasons.push(r)).sequence(unknown);
    expect(fallback.routeLength).toBeNull();
    expect(fallback.stops.map((x) => x.key)).toEqual(pickSequenceOrder.sequence(unknown).stops.map((x) => x.key));
    expect(reasons).toHaveLength(2);
  });

  it('routes an empty list as zero metres', () => {
    expect(routeStops(fitted(site(2, 2, 1)), [])).toEqual({ stops: [], routeLength: 0 });
  });
});
