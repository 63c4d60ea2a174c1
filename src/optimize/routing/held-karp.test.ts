import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Layout, Pick } from '../geometry/layout.ts';
import { tourLength } from '../geometry/layout.ts';
import { heldKarp, HELD_KARP_MAX_PICKS } from './held-karp.ts';
import { instanceArb, isPermutation } from './test-support.ts';

function bruteForce(layout: Layout, picks: readonly Pick[]): number {
  let best = Infinity;
  const perm = picks.map((_, i) => i);
  const go = (k: number): void => {
    if (k === perm.length) {
      best = Math.min(best, tourLength(layout, picks, perm));
      return;
    }
    for (let i = k; i < perm.length; i++) {
      [perm[k], perm[i]] = [perm[i] as number, perm[k] as number];
      go(k + 1);
      [perm[k], perm[i]] = [perm[i] as number, perm[k]];
    }
  };
  go(0);
  return best;
}

const layout: Layout = { aisles: 4, blocks: 2, blockLength: 10, aislePitch: 3, crossAisleWidth: 2, depot: { x: 0, y: 0 } };

describe('heldKarp', () => {
  it('returns an empty route for no picks', () => {
    expect(heldKarp(layout, [])).toEqual({ length: 0, sequence: [], method: 'held-karp' });
  });

  it('matches brute force over all permutations (≤ 6 picks, 1–3 blocks)', () => {
    fc.assert(
      fc.property(instanceArb({ maxAisles: 5, maxPicks: 6 }), ({ layout: l, picks }) => {
        const r = heldKarp(l, picks);
        expect(isPermutation(r.sequence, picks.length)).toBe(true);
        expect(r.length).toBeCloseTo(tourLength(l, picks, r.sequence), 9);
        expect(Math.abs(r.length - bruteForce(l, picks))).toBeLessThan(1e-9);
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('handles duplicate locations', () => {
    const p: Pick = { aisle: 2, block: 1, offset: 4 };
    const picks = [p, p, { aisle: 0, block: 0, offset: 1 }, p];
    const r = heldKarp(layout, picks);
    expect(isPermutation(r.sequence, 4)).toBe(true);
    expect(r.length).toBeCloseTo(bruteForce(layout, picks), 9);
  });

  it('refuses instances beyond its table size', () => {
    const picks = Array.from({ length: HELD_KARP_MAX_PICKS + 1 }, (_, i) => ({ aisle: i % 4, block: 0, offset: 1 }));
    expect(() => heldKarp(layout, picks)).toThrow(RangeError);
  });
});
