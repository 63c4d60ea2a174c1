import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tourLength } from '../geometry/layout.ts';
import { heldKarp } from './held-karp.ts';
import { roodbergenDeKoster } from './roodbergen-de-koster.ts';
import { instanceArb, isPermutation } from './test-support.ts';

describe('roodbergenDeKoster (multi-block aisle DP)', () => {
  it('equals Held–Karp within 1e-9 on random two-block instances', () => {
    fc.assert(
      fc.property(instanceArb({ maxAisles: 8, blocks: 2, maxPicks: 11 }), ({ layout, picks }) => {
        const r = roodbergenDeKoster(layout, picks);
        expect(isPermutation(r.sequence, picks.length)).toBe(true);
        expect(Math.abs(r.length - tourLength(layout, picks, r.sequence))).toBeLessThan(1e-9);
        expect(Math.abs(r.length - r.optimum)).toBeLessThan(1e-9);
        expect(Math.abs(r.length - heldKarp(layout, picks).length)).toBeLessThan(1e-9);
      }),
      { numRuns: 300, seed: 2001 },
    );
  });

  it('stays exact with three blocks (generated state classes)', () => {
    fc.assert(
      fc.property(instanceArb({ maxAisles: 5, blocks: 3, maxPicks: 9 }), ({ layout, picks }) => {
        const r = roodbergenDeKoster(layout, picks);
        expect(Math.abs(r.length - heldKarp(layout, picks).length)).toBeLessThan(1e-9);
      }),
      { numRuns: 80, seed: 3 },
    );
  });
});
