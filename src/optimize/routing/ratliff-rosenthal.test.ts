import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Layout } from '../geometry/layout.ts';
import { tourLength } from '../geometry/layout.ts';
import { heldKarp } from './held-karp.ts';
import { ratliffRosenthal } from './ratliff-rosenthal.ts';
import { instanceArb, isPermutation } from './test-support.ts';

describe('ratliffRosenthal (single block)', () => {
  it('equals Held–Karp within 1e-9 on random single-block instances (aisles 1–10, 1–12 picks, random depot x)', () => {
    fc.assert(
      fc.property(instanceArb({ maxAisles: 10, blocks: 1, maxPicks: 12 }), ({ layout, picks }) => {
        const r = ratliffRosenthal(layout, picks);
        expect(isPermutation(r.sequence, picks.length)).toBe(true);
        expect(Math.abs(r.length - tourLength(layout, picks, r.sequence))).toBeLessThan(1e-9);
        expect(Math.abs(r.length - r.optimum)).toBeLessThan(1e-9);
        expect(Math.abs(r.length - heldKarp(layout, picks).length)).toBeLessThan(1e-9);
      }),
      { numRuns: 400, seed: 1983 },
    );
  });

  it('returns a tour whose length equals the DP optimum on larger orders', () => {
    fc.assert(
      fc.property(instanceArb({ maxAisles: 20, blocks: 1, maxPicks: 60, minPicks: 13 }), ({ layout, picks }) => {
        const r = ratliffRosenthal(layout, picks);
        expect(isPermutation(r.sequence, picks.length)).toBe(true);
        expect(Math.abs(r.length - r.optimum)).toBeLessThan(1e-9);
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('traverses two aisles and the back cross aisle when that beats two returns (worked example)', () => {
    // Picks at the back of aisles 0 and 2 (y = 11): traversing both (2 × 12 + 2 × 6 = 36) beats two returns (2 × 22 + 2 × 6 = 56).
    const layout: Layout = { aisles: 3, blocks: 1, blockLength: 10, aislePitch: 3, crossAisleWidth: 2, depot: { x: 0, y: 0 } };
    const picks = [
      { aisle: 0, block: 0, offset: 10 },
      { aisle: 2, block: 0, offset: 10 },
    ];
    const r = ratliffRosenthal(layout, picks);
    expect(r.length).toBeCloseTo(36, 9);
  });

  it('handles a depot between aisles and beyond the last aisle', () => {
    const base: Layout = { aisles: 4, blocks: 1, blockLength: 8, aislePitch: 4, crossAisleWidth: 2, depot: { x: 6, y: 0 } };
    const picks = [
      { aisle: 0, block: 0, offset: 2.5 },
      { aisle: 3, block: 0, offset: 7.5 },
      { aisle: 1, block: 0, offset: 0 },
    ];
    for (const x of [6, 14, -3]) {
      const layout = { ...base, depot: { x, y: 0 } };
      expect(ratliffRosenthal(layout, picks).length).toBeCloseTo(heldKarp(layout, picks).length, 9);
    }
  });

  it('rejects multi-block layouts', () => {
    const layout: Layout = { aisles: 2, blocks: 2, blockLength: 8, aislePitch: 4, crossAisleWidth: 2, depot: { x: 0, y: 0 } };
    expect(() => ratliffRosenthal(layout, [])).toThrow(/layout\.blocks/);
  });
});
