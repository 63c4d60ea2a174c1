import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Layout, Pick } from '../geometry/layout.ts';
import { depotDistance, pickDistance, tourLength } from '../geometry/layout.ts';
import { mulberry32, randomInt } from '../random.ts';
import { heldKarp } from './held-karp.ts';
import { distanceMatrix, localSearchRoute } from './local-search.ts';
import { instanceArb, isPermutation } from './test-support.ts';

function randomInstance(seed: number, blocks: number, n: number): { layout: Layout; picks: Pick[] } {
  const rng = mulberry32(seed);
  const layout: Layout = { aisles: 10, blocks, blockLength: 20, aislePitch: 3, crossAisleWidth: 2, depot: { x: 0, y: 0 } };
  const picks = Array.from({ length: n }, () => ({ aisle: randomInt(rng, 10), block: randomInt(rng, blocks), offset: randomInt(rng, 20) + 0.5 }));
  return { layout, picks };
}

describe('localSearchRoute', () => {
  it('builds a distance matrix identical to pickDistance/depotDistance', () => {
    const { layout, picks } = randomInstance(5, 3, 12);
    const d = distanceMatrix(layout, picks);
    const n = picks.length + 1;
    picks.forEach((p, i) => {
      expect(d[i + 1]).toBe(depotDistance(layout, p));
      picks.forEach((q, j) => expect(d[(i + 1) * n + j + 1]).toBe(i === j ? 0 : pickDistance(layout, p, q)));
    });
  });

  it('visits every pick once and reports tourLength of its sequence', () => {
    fc.assert(
      fc.property(instanceArb({ maxAisles: 12, maxBlocks: 4, maxPicks: 40 }), ({ layout, picks }) => {
        const r = localSearchRoute(layout, picks);
        expect(isPermutation(r.sequence, picks.length)).toBe(true);
        expect(r.length).toBe(tourLength(layout, picks, r.sequence));
      }),
      { numRuns: 100, seed: 4 },
    );
  });

  it('stays within 1 % of Held–Karp on small multi-block instances', () => {
    let worst = 0;
    for (let s = 0; s < 40; s++) {
      const { layout, picks } = randomInstance(100 + s, 2 + (s % 3), 8 + (s % 5));
      const gap = localSearchRoute(layout, picks).length / heldKarp(layout, picks).length - 1;
      worst = Math.max(worst, gap);
    }
    expect(worst).toBeLessThan(0.01);
  });

  it('is deterministic for a seed', () => {
    const { layout, picks } = randomInstance(9, 4, 45);
    const a = localSearchRoute(layout, picks, { seed: 42 });
    const b = localSearchRoute(layout, picks, { seed: 42 });
    expect(b).toEqual(a);
  });
});
