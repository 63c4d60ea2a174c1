import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Layout, Pick } from '../geometry/layout.ts';
import { tourLength } from '../geometry/layout.ts';
import { mulberry32, randomInt } from '../random.ts';
import { heldKarp } from './held-karp.ts';
import { route } from './index.ts';
import { instanceArb, isPermutation } from './test-support.ts';
import type { RouteMethod } from './types.ts';

const methods: RouteMethod[] = ['optimal', 's-shape', 'return', 'midpoint', 'largest-gap', 'combined', 'combined-plus'];
const layout: Layout = { aisles: 6, blocks: 1, blockLength: 10, aislePitch: 3, crossAisleWidth: 2, depot: { x: 0, y: 0 } };

describe('route', () => {
  it('returns length 0 and an empty sequence for no picks', () => {
    for (const m of methods) {
      const r = route(layout, [], m);
      expect(r.length).toBe(0);
      expect(r.sequence).toEqual([]);
    }
  });

  it('throws a RangeError naming the bad field', () => {
    expect(() => route({ ...layout, aisles: 0 }, [])).toThrow(/layout\.aisles/);
    expect(() => route({ ...layout, depot: { x: 0, y: 1 } }, [])).toThrow(/layout\.depot\.y/);
    expect(() => route(layout, [{ aisle: 0, block: 0, offset: 1 }, { aisle: 9, block: 0, offset: 1 }])).toThrow(/picks\[1\]\.aisle/);
    expect(() => route(layout, [{ aisle: 0, block: 0, offset: 11 }])).toThrow(RangeError);
  });

  it('visits every pick exactly once and reports tourLength(sequence) for every method', () => {
    fc.assert(
      fc.property(instanceArb({ maxAisles: 12, maxBlocks: 4, maxPicks: 30 }), fc.constantFrom(...methods), ({ layout: l, picks }, m) => {
        const r = route(l, picks, m);
        expect(isPermutation(r.sequence, picks.length)).toBe(true);
        expect(Math.abs(r.length - tourLength(l, picks, r.sequence))).toBeLessThan(1e-9);
      }),
      { numRuns: 250, seed: 99 },
    );
  });

  it('picks the exact algorithm for the layout', () => {
    const picks: Pick[] = Array.from({ length: 20 }, (_, i) => ({ aisle: i % 6, block: 0, offset: (i * 7) % 10 }));
    expect(route(layout, picks).method).toBe('ratliff-rosenthal');
    expect(route({ ...layout, blocks: 2 }, picks).method).toBe('roodbergen-de-koster');
    expect(route({ ...layout, blocks: 3 }, picks.slice(0, 10)).method).toBe('held-karp');
    expect(route({ ...layout, blocks: 3 }, picks).method).toBe('local-search');
    expect(route(layout, picks, 's-shape').method).toBe('s-shape');
  });

  it('is optimal (≤ 0.5 % with 3–4 blocks) and, where exact, never worse than a classic heuristic', () => {
    const rng = mulberry32(17);
    for (let s = 0; s < 30; s++) {
      const l: Layout = { aisles: 8, blocks: 1 + (s % 4), blockLength: 15, aislePitch: 3, crossAisleWidth: 2, depot: { x: randomInt(rng, 8) * 3, y: 0 } };
      const picks = Array.from({ length: 13 + (s % 3) }, () => ({ aisle: randomInt(rng, 8), block: randomInt(rng, l.blocks), offset: randomInt(rng, 15) + 0.5 }));
      const opt = heldKarp(l, picks).length;
      const r = route(l, picks);
      expect(r.length).toBeLessThanOrEqual(opt * (l.blocks <= 2 ? 1 + 1e-12 : 1.005));
      if (l.blocks <= 2) for (const m of methods.slice(1)) expect(r.length).toBeLessThanOrEqual(route(l, picks, m).length + 1e-9);
    }
  });

  it('is deterministic for a seed', () => {
    const rng = mulberry32(3);
    const l: Layout = { ...layout, aisles: 20, blocks: 4 };
    const picks = Array.from({ length: 50 }, () => ({ aisle: randomInt(rng, 20), block: randomInt(rng, 4), offset: randomInt(rng, 10) + 0.5 }));
    expect(route(l, picks, 'optimal', { seed: 5 })).toEqual(route(l, picks, 'optimal', { seed: 5 }));
  });
});
