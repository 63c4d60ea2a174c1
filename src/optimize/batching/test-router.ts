import { tourLength } from '../geometry/layout.ts';
import type { Layout, Pick } from '../geometry/layout.ts';
import type { RouteResult, Router } from '../routing/types.ts';

/**
 * Stand-in router for tests that must not depend on the exact router: visits aisles left to right,
 * alternating up and down (an S-shape-like sequence), and reports the true tour length of that sequence.
 */
export const sortedRouter: Router = (layout: Layout, picks: readonly Pick[]): RouteResult => {
  const sequence = picks
    .map((_, i) => i)
    .sort((i, j) => {
      const p = picks[i];
      const q = picks[j];
      if (p === undefined || q === undefined) return 0;
      if (p.block !== q.block) return p.block - q.block;
      if (p.aisle !== q.aisle) return p.aisle - q.aisle;
      return p.aisle % 2 === 0 ? p.offset - q.offset : q.offset - p.offset;
    });
  return { length: tourLength(layout, picks, sequence), sequence, method: 's-shape' };
};
