import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Layout, Pick } from '../../geometry/layout.ts';
import { tourLength } from '../../geometry/layout.ts';
import { heldKarp } from '../held-karp.ts';
import type { ClassicMethod } from '../types.ts';
import { classicRoutes, walkLength } from './index.ts';

const methods = Object.keys(classicRoutes) as ClassicMethod[];

const layoutArb: fc.Arbitrary<Layout> = fc
  .record({
    aisles: fc.integer({ min: 1, max: 8 }),
    blocks: fc.integer({ min: 1, max: 3 }),
    blockLength: fc.integer({ min: 4, max: 50 }),
    aislePitch: fc.integer({ min: 1, max: 6 }),
    crossAisleWidth: fc.integer({ min: 0, max: 3 }),
    depotFrac: fc.double({ min: -0.2, max: 1.2, noNaN: true }),
  })
  .map(({ depotFrac, ...l }) => ({ ...l, depot: { x: depotFrac * (l.aisles - 1) * l.aislePitch, y: 0 } }));

function picksArb(layout: Layout, maxPicks: number): fc.Arbitrary<Pick[]> {
  const pick = fc.record({
    aisle: fc.integer({ min: 0, max: layout.aisles - 1 }),
    block: fc.integer({ min: 0, max: layout.blocks - 1 }),
    // Half of the offsets sit on integer slots so that ties (same y, block ends) are exercised.
    offset: fc.oneof(
      fc.integer({ min: 0, max: layout.blockLength }),
      fc.double({ min: 0, max: layout.blockLength, noNaN: true }),
    ),
  });
  return fc.array(pick, { minLength: 0, maxLength: maxPicks });
}

const instanceArb = (maxPicks: number): fc.Arbitrary<{ layout: Layout; picks: Pick[] }> =>
  layoutArb.chain((layout) => picksArb(layout, maxPicks).map((picks) => ({ layout, picks })));

describe('classic routing heuristics', () => {
  it('visit every pick once, report length == tourLength, never beat Held-Karp (<= 9 picks)', () => {
    fc.assert(
      fc.property(instanceArb(9), ({ layout, picks }) => {
        const optimum = heldKarp(layout, picks).length;
        for (const method of methods) {
          const r = classicRoutes[method](layout, picks);
          expect(r.method).toBe(method);
          expect([...r.sequence].sort((a, b) => a - b)).toEqual(picks.map((_, i) => i));
          expect(Math.abs(r.length - tourLength(layout, picks, r.sequence))).toBeLessThanOrEqual(1e-9);
          expect(r.length).toBeGreaterThanOrEqual(optimum - 1e-9);
          // The heuristic's own walk can only be longer than the shortest-path tour over its visiting order.
          expect(walkLength(method, layout, picks)).toBeGreaterThanOrEqual(r.length - 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('are deterministic', () => {
    fc.assert(
      fc.property(instanceArb(25), ({ layout, picks }) => {
        for (const method of methods) {
          expect(classicRoutes[method](layout, picks)).toEqual(classicRoutes[method](layout, picks));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('combined never walks further than S-shape or return (their choices are in its DP)', () => {
    const single = layoutArb.filter((l) => l.blocks === 1);
    fc.assert(
      fc.property(
        single.chain((layout) => picksArb(layout, 20).map((picks) => ({ layout, picks }))),
        ({ layout, picks }) => {
          const c = walkLength('combined', layout, picks);
          expect(c).toBeLessThanOrEqual(walkLength('s-shape', layout, picks) + 1e-9);
          expect(c).toBeLessThanOrEqual(walkLength('return', layout, picks) + 1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handle an empty pick list', () => {
    const layout: Layout = { aisles: 3, blocks: 2, blockLength: 10, aislePitch: 3, crossAisleWidth: 1, depot: { x: 0, y: 0 } };
    for (const method of methods) {
      expect(classicRoutes[method](layout, [])).toEqual({ length: 0, sequence: [], method });
      expect(walkLength(method, layout, [])).toBe(0);
    }
  });

  it('reject picks outside the layout', () => {
    const layout: Layout = { aisles: 3, blocks: 1, blockLength: 10, aislePitch: 3, crossAisleWidth: 1, depot: { x: 0, y: 0 } };
    for (const method of methods) {
      expect(() => classicRoutes[method](layout, [{ aisle: 3, block: 0, offset: 1 }])).toThrow(RangeError);
    }
  });

  describe('single-block walks worked by hand', () => {
    // Cross aisles at y = 0 and y = 12; picks at y = 3 (aisle 0), 9 (aisle 1), 6 (aisle 3).
    const layout: Layout = { aisles: 4, blocks: 1, blockLength: 10, aislePitch: 5, crossAisleWidth: 2, depot: { x: 0, y: 0 } };
    const picks: Pick[] = [
      { aisle: 0, block: 0, offset: 2 },
      { aisle: 1, block: 0, offset: 8 },
      { aisle: 3, block: 0, offset: 5 },
    ];
    it.each([
      // up aisle 0 (12), across 5, down aisle 1 (12), across 10, odd count: return in aisle 3 (12), home 15
      ['s-shape', 66],
      // three return visits 6 + 18 + 12, cross aisle out and back 30
      ['return', 66],
      // up aisle 0 (12), aisle 1 from the back (6), down aisle 3 (12), cross aisles 15 + 15
      ['midpoint', 60],
      ['largest-gap', 60],
      ['combined', 60],
      ['combined-plus', 60],
    ] as const)('%s walks %d and visits picks left to right', (method, walked) => {
      expect(walkLength(method, layout, picks)).toBeCloseTo(walked, 9);
      expect(classicRoutes[method](layout, picks).sequence).toEqual([0, 1, 2]);
    });

    it('S-shape reverses direction in every second aisle', () => {
      const two: Pick[] = [
        { aisle: 0, block: 0, offset: 1 },
        { aisle: 0, block: 0, offset: 9 },
        { aisle: 2, block: 0, offset: 9 },
        { aisle: 2, block: 0, offset: 1 },
      ];
      expect(classicRoutes['s-shape'](layout, two).sequence).toEqual([0, 1, 2, 3]);
      // return enters aisle 2 from the front as well, so it meets the low pick first
      expect(classicRoutes.return(layout, two).sequence).toEqual([0, 1, 3, 2]);
    });
  });

  it('multi-block: the left pick aisle is traversed up to the farthest block first', () => {
    // Two blocks; block 1 (the farthest) has picks in aisles 1 and 2, block 0 in aisles 0 and 2.
    const layout: Layout = { aisles: 3, blocks: 2, blockLength: 10, aislePitch: 4, crossAisleWidth: 2, depot: { x: 0, y: 0 } };
    const picks: Pick[] = [
      { aisle: 2, block: 0, offset: 5 },
      { aisle: 1, block: 1, offset: 5 },
      { aisle: 0, block: 0, offset: 5 },
      { aisle: 2, block: 1, offset: 5 },
    ];
    // Up aisle 0 (collects pick 2), then S-shape through block 1 from the left, then block 0 from the right.
    expect(classicRoutes['s-shape'](layout, picks).sequence).toEqual([2, 1, 3, 0]);
    // Cross aisles at y = 0, 12, 24. Walk: up aisle 0 to 12 (12), across to aisle 1 (4), up to 24 (12),
    // across (4), down aisle 2 to 12 (12); block 0 has one sub-aisle left, entered from the back → traverse (12);
    // home along the front (8).
    expect(walkLength('s-shape', layout, picks)).toBeCloseTo(12 + 4 + 12 + 4 + 12 + 12 + 8, 9);
  });

  it('land near the published gaps on 10 aisles x 45 m, pitch 5 (walk and visiting-order gaps)', () => {
    const layout: Layout = { aisles: 10, blocks: 1, blockLength: 45, aislePitch: 5, crossAisleWidth: 0, depot: { x: 0, y: 0 } };
    let seed = 20010901;
    const rand = (): number => {
      // Park-Miller minimal standard generator: seeded, so the check is reproducible.
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const walkGap: Record<string, number> = {};
    const orderGap: Record<string, number> = {};
    let count = 0;
    for (let n = 5; n <= 12; n++) {
      for (let r = 0; r < 15; r++) {
        const picks: Pick[] = Array.from({ length: n }, () => ({
          aisle: Math.floor(rand() * 10),
          block: 0,
          offset: Math.floor(rand() * 45) + 0.5,
        }));
        const optimum = heldKarp(layout, picks).length;
        count++;
        for (const m of methods) {
          walkGap[m] = (walkGap[m] ?? 0) + walkLength(m, layout, picks) / optimum - 1;
          orderGap[m] = (orderGap[m] ?? 0) + classicRoutes[m](layout, picks).length / optimum - 1;
        }
      }
    }
    const mean = (acc: Record<string, number>, m: ClassicMethod): number => (acc[m] ?? 0) / count;
    // Published (walk) figures: S-shape ≈ 27–36 %, largest gap ≈ 7–8 %; we allow sampling slack.
    expect(mean(walkGap, 's-shape')).toBeGreaterThan(0.2);
    expect(mean(walkGap, 's-shape')).toBeLessThan(0.45);
    expect(mean(walkGap, 'largest-gap')).toBeGreaterThan(0.04);
    expect(mean(walkGap, 'largest-gap')).toBeLessThan(0.12);
    for (const m of methods) expect(mean(orderGap, m)).toBeLessThanOrEqual(mean(walkGap, m) + 1e-12);
  });
});
